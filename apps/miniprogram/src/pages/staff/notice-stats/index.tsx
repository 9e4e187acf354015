// 通知触达: how many households of each building have acknowledged, and the ones not reached, each with a call button
// (the full number is fetched through the audit-logged reveal only when the grid worker taps it).
import { useEffect, useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { reachPercent, type UnreachedHousehold } from '@linli/shared';
import { AsyncState, useRemote } from '../../../components/AsyncState';
import { BigButton } from '../../../components/BigButton';
import { PageShell } from '../../../components/PageShell';
import { messageOf } from '../../../services/api';
import { getNotice, noticeStats } from '../../../services/chat';
import { revealPersonPhone } from '../../../services/community';
import { onRealtime, startSocket } from '../../../services/socket';
import './index.scss';

function UnreachedRow({ household }: { household: UnreachedHousehold }) {
  const [busy, setBusy] = useState(false);
  async function call() {
    if (!household.contactPersonId) return;
    setBusy(true);
    try {
      const { phone } = await revealPersonPhone(household.contactPersonId);
      if (phone) await Taro.makePhoneCall({ phoneNumber: phone }).catch(() => undefined);
    } catch (e) {
      void Taro.showModal({ title: '无法查看号码', content: messageOf(e), showCancel: false });
    } finally {
      setBusy(false);
    }
  }
  return (
    <View className="row stats__unreached">
      <View className="row__main">
        <Text className="row__title">{household.buildingName} {household.unit}单元 {household.room}</Text>
        <Text className="row__meta">{household.contactName ?? '未登记联系人'} · {household.maskedPhone ?? '无电话'}</Text>
      </View>
      {household.contactPersonId && household.maskedPhone ? (
        <View className="stats__call">
          <BigButton variant="secondary" busy={busy} onClick={() => void call()}>拨打</BigButton>
        </View>
      ) : null}
    </View>
  );
}

export default function NoticeStatsPage() {
  const { params } = useRouter<{ id: string }>();
  const noticeId = params.id ?? '';
  const notice = useRemote(() => getNotice(noticeId), [noticeId]);
  const stats = useRemote(() => noticeStats(noticeId), [noticeId]);

  // Acknowledgements arrive live; the counts are re-read from the server (they are exact there).
  useEffect(() => startSocket(), []);
  useEffect(() => onRealtime((e) => {
    if (e.type === 'notice.ack' && e.noticeId === noticeId) stats.reload();
  }), [noticeId]);

  return (
    <PageShell title="通知触达">
      {notice.remote.status === 'ready' ? (
        <View className="card">
          <Text className="card__title">{notice.remote.data.title}</Text>
          <Text className="text-secondary">{notice.remote.data.body}</Text>
        </View>
      ) : null}
      <AsyncState remote={stats.remote} onRetry={stats.reload}>
        {(s) => (
          <View>
            <View className="card stats__summary">
              <Text className="stats__percent">{reachPercent({ targetHouseholds: s.targetHouseholds, ackedHouseholds: s.ackedHouseholds })}%</Text>
              <Text className="stats__counts">{s.ackedHouseholds} / {s.targetHouseholds} 户已知晓</Text>
            </View>
            {s.byBuilding.map((b) => (
              <View key={b.buildingId} className="row">
                <Text className="row__title">{b.buildingName}</Text>
                <Text className="text-secondary">{b.ackedHouseholds} / {b.targetHouseholds} 户</Text>
              </View>
            ))}
            <Text className="section-title">未触达 {s.unacknowledged.length} 户</Text>
            {s.unacknowledged.length ? <Text className="text-small">号码已隐藏；点“拨打”会查看完整号码并记入审计日志。</Text> : null}
            {s.unacknowledged.map((h) => <UnreachedRow key={h.householdId} household={h} />)}
            <BigButton variant="secondary" onClick={stats.reload}>刷新</BigButton>
          </View>
        )}
      </AsyncState>
    </PageShell>
  );
}
