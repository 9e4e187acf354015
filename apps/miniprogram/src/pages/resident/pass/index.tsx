// 出入证: the household's pass with a live QR code (a new signed token every 45 s, each valid 60 s and usable once),
// the exit rule and what is left of it, and whether someone is out on it now.
import { useEffect, useRef, useState } from 'react';
import { Text, View } from '@tarojs/components';
import {
  describePassPolicy, formatShanghaiDateTime, householdLabel, passKindLabels, type HouseholdPass, type PassToken,
} from '@linli/shared';
import { AsyncState, useRemote, useReturnVisit } from '../../../components/AsyncState';
import { BigButton } from '../../../components/BigButton';
import { PageShell } from '../../../components/PageShell';
import { QrCode } from '../../../components/QrCode';
import { messageOf } from '../../../services/api';
import { getMyPasses, getPassToken } from '../../../services/passes';
import { isH5 } from '../../../services/platform';
import './index.scss';

function useSecondsLeft(expiresAt: string | null): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return expiresAt ? Math.max(0, Math.ceil((new Date(expiresAt).getTime() - now) / 1000)) : 0;
}

function LiveCode({ passId }: { passId: string }) {
  const [token, setToken] = useState<PassToken | null>(null);
  const [error, setError] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const secondsLeft = useSecondsLeft(token?.expiresAt ?? null);

  useEffect(() => {
    let stopped = false;
    async function refresh() {
      try {
        const next = await getPassToken(passId);
        if (stopped) return;
        setToken(next);
        setError(null);
        timer.current = setTimeout(refresh, next.refreshAfterSeconds * 1000);
      } catch (err) {
        if (stopped) return;
        setError(messageOf(err));
        timer.current = setTimeout(refresh, 10_000); // a dropped connection: try again soon
      }
    }
    void refresh();
    return () => {
      stopped = true;
      if (timer.current) clearTimeout(timer.current);
    };
  }, [passId]);

  if (!token || secondsLeft === 0) {
    return (
      <View className="pass__code pass__code--waiting">
        <Text className="text-secondary">{error ?? '正在生成通行码…'}</Text>
      </View>
    );
  }
  return (
    <View className="pass__code">
      <QrCode text={token.token} size={520} />
      <Text className="text-small pass__countdown">通行码每分钟自动更新，截图无效（{secondsLeft} 秒）</Text>
      {isH5 ? <Text className="pass__token-text">{token.token}</Text> : null}
    </View>
  );
}

function PassCard({ item }: { item: HouseholdPass }) {
  const { pass, quota, currentTrip } = item;
  return (
    <View className="card pass">
      <Text className="card__title">{householdLabel(item)}</Text>
      {!pass ? (
        <Text className="text-secondary">这户还没有出入证，请联系网格员发放。</Text>
      ) : (
        <View>
          <View>
            <Text className={`tag${pass.kind === 'medical' ? ' tag--warning' : ''}`}>{passKindLabels[pass.kind]}</Text>
            {pass.validUntil ? <Text className="text-small"> 有效至 {formatShanghaiDateTime(pass.validUntil)}</Text> : null}
          </View>
          <LiveCode passId={pass.id} />
          {currentTrip ? (
            <Text className={`notice${currentTrip.overdue ? ' notice--error' : ''} pass__trip`}>
              {currentTrip.overdue ? '已超时未归！' : '外出中，'}请于 {formatShanghaiDateTime(currentTrip.dueBackAt)} 前返回，回来时在门岗扫码登记。
            </Text>
          ) : null}
          <View className="pass__quota">
            {quota && quota.limit !== null ? (
              <View>
                <Text className="pass__remaining">本周期剩余 {quota.remaining} 次</Text>
                <Text className="text-small">（每 {quota.windowDays} 天共 {quota.limit} 次，已用 {quota.used} 次）</Text>
                {quota.nextExitAt ? <Text className="text-small pass__next">下次可出门：{formatShanghaiDateTime(quota.nextExitAt)}</Text> : null}
              </View>
            ) : (
              <Text className="pass__remaining">就医特殊通行：不限次数</Text>
            )}
          </View>
          {pass.kind === 'regular' ? <Text className="text-small">{describePassPolicy(item.policy)}</Text> : null}
        </View>
      )}
    </View>
  );
}

export default function PassPage() {
  const { remote, reload } = useRemote(getMyPasses, []);
  useReturnVisit(reload);
  return (
    <PageShell title="出入证">
      <AsyncState remote={remote} onRetry={reload} isEmpty={(d) => d.items.length === 0} emptyText="还没有绑定住户，绑定后由网格员发放出入证。">
        {(data) => (
          <View>
            {data.items.map((item) => (
              <PassCard key={item.householdId} item={item} />
            ))}
            <BigButton variant="secondary" onClick={reload}>
              刷新剩余次数
            </BigButton>
          </View>
        )}
      </AsyncState>
    </PageShell>
  );
}
