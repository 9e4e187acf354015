// 门岗: scan a resident's pass (camera on weapp, a code field in the browser) for 出门 or 返回, and show a big clear
// 放行 / 拒绝 with the reason. The gate sees only the room, never names or phones.
import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Input, Text, View } from '@tarojs/components';
import { formatShanghaiDateTime, gateDirectionLabels, householdLabel, passKindLabels, type GateDirection, type GateScanResult } from '@linli/shared';
import { BigButton } from '../../../components/BigButton';
import { ChoiceChips } from '../../../components/ChoiceChips';
import { PageShell } from '../../../components/PageShell';
import { ApiError, messageOf } from '../../../services/api';
import { scanAtGate } from '../../../services/passes';
import { isWeapp } from '../../../services/platform';
import './index.scss';

type Outcome =
  | { kind: 'allowed'; result: GateScanResult }
  | { kind: 'refused'; direction: GateDirection; message: string; room: string | null };

const directions = [
  { value: 'out' as const, label: '登记出门' },
  { value: 'in' as const, label: '登记返回' },
];

function roomOf(error: unknown): string | null {
  const details = error instanceof ApiError ? (error.details as { buildingName?: string; unit?: string; room?: string } | undefined) : undefined;
  return details?.buildingName && details.unit && details.room ? householdLabel({ buildingName: details.buildingName, unit: details.unit, room: details.room }) : null;
}

function OutcomePanel({ outcome }: { outcome: Outcome }) {
  if (outcome.kind === 'refused') {
    return (
      <View className="gate__result gate__result--refused">
        <Text className="gate__verdict">拒绝</Text>
        <Text className="gate__line">{gateDirectionLabels[outcome.direction]} · {outcome.room ?? '未识别住户'}</Text>
        <Text className="gate__reason">{outcome.message}</Text>
      </View>
    );
  }
  const r = outcome.result;
  return (
    <View className="gate__result gate__result--allowed">
      <Text className="gate__verdict">放行</Text>
      <Text className="gate__line">{gateDirectionLabels[r.direction]} · {householdLabel(r)}</Text>
      <Text className="gate__line">{passKindLabels[r.passKind]}</Text>
      {r.direction === 'out' ? (
        <Text className="gate__line">请于 {formatShanghaiDateTime(r.dueBackAt)} 前返回{r.exitsLeft !== null ? `，本周期还剩 ${r.exitsLeft} 次` : ''}</Text>
      ) : (
        <Text className="gate__line">{r.overdue ? '已登记返回（超时）' : '已按时返回'}</Text>
      )}
    </View>
  );
}

export default function GatePage() {
  const [direction, setDirection] = useState<GateDirection>('out');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [history, setHistory] = useState<Outcome[]>([]);

  async function check(token: string) {
    const text = token.trim();
    if (!text) {
      setOutcome({ kind: 'refused', direction, message: '请先扫码或输入通行码', room: null });
      return;
    }
    setBusy(true);
    let next: Outcome;
    try {
      next = { kind: 'allowed', result: await scanAtGate(text, direction) };
      setCode('');
    } catch (err) {
      next = { kind: 'refused', direction, message: messageOf(err), room: roomOf(err) };
    } finally {
      setBusy(false);
    }
    setOutcome(next);
    setHistory((h) => [next, ...h].slice(0, 5));
    if (isWeapp) void Taro.vibrateShort({ type: next.kind === 'allowed' ? 'light' : 'heavy' }).catch(() => undefined);
  }

  async function scanWithCamera() {
    try {
      const scanned = await Taro.scanCode({ onlyFromCamera: true, scanType: ['qrCode'] });
      await check(scanned.result);
    } catch {
      // closed the camera without scanning
    }
  }

  return (
    <PageShell title="门岗核验">
      <View className="card">
        <Text className="card__title">本次登记</Text>
        <ChoiceChips options={directions} value={direction} onChange={setDirection} />
        {isWeapp ? (
          <BigButton className="gate__scan" busy={busy} onClick={scanWithCamera}>
            扫描出入证
          </BigButton>
        ) : (
          <View>
            <View className="field gate__field">
              <Input className="field__input gate__code" value={code} maxlength={512} placeholder="扫码枪扫入或粘贴通行码" onInput={(e) => setCode(e.detail.value)} onConfirm={() => void check(code)} />
            </View>
            <BigButton className="gate__scan" busy={busy} onClick={() => void check(code)}>
              核验
            </BigButton>
          </View>
        )}
      </View>
      {outcome ? <OutcomePanel outcome={outcome} /> : null}
      {history.length > 1 ? (
        <View>
          <Text className="section-title">最近核验</Text>
          {history.slice(1).map((h, i) => (
            <View key={i} className="row">
              <View className="row__main">
                <Text className="row__title">{h.kind === 'allowed' ? householdLabel(h.result) : h.room ?? '未识别住户'}</Text>
                <Text className="row__meta">{gateDirectionLabels[h.kind === 'allowed' ? h.result.direction : h.direction]}</Text>
              </View>
              <Text className={`tag ${h.kind === 'allowed' ? '' : 'tag--danger'}`}>{h.kind === 'allowed' ? '放行' : '拒绝'}</Text>
            </View>
          ))}
        </View>
      ) : null}
      <Text className="text-small gate__privacy">门岗只看到楼栋与房号；每次核验都记入审计日志。</Text>
    </PageShell>
  );
}
