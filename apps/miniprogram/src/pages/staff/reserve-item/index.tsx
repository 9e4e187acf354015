// One reserve item: its stock, a ledger entry (入库 / 发放给住户 / 损耗过期), a whole-building distribution, the ledger.
import { useState } from 'react';
import { useRouter } from '@tarojs/taro';
import { Input, Text, View } from '@tarojs/components';
import {
  distributionPerLabels, formatShanghaiDateTime, ledgerEntryKindLabels, type DistributionBody, type LedgerEntryKind, type ReserveItem,
} from '@linli/shared';
import { AsyncState, useRemote } from '../../../components/AsyncState';
import { BigButton } from '../../../components/BigButton';
import { ChoiceChips } from '../../../components/ChoiceChips';
import { PageShell } from '../../../components/PageShell';
import { messageOf } from '../../../services/api';
import { listBuildingHouseholds, listBuildings } from '../../../services/community';
import { distribute, listLedger, listReserveItems, recordLedgerEntry, updateReserveItem } from '../../../services/reserves';
import './index.scss';

type Message = { error: boolean; text: string } | null;

function BuildingChips({ value, onChange }: { value: string | null; onChange: (id: string) => void }) {
  const buildings = useRemote(listBuildings, []);
  return (
    <AsyncState remote={buildings.remote} onRetry={buildings.reload}>
      {(list) => <ChoiceChips className="reserve-item__chips" options={list.items.map((b) => ({ value: b.id, label: b.name }))} value={value} onChange={onChange} />}
    </AsyncState>
  );
}

function EntryForm({ item, onDone }: { item: ReserveItem; onDone: () => void }) {
  const [kind, setKind] = useState<LedgerEntryKind>('received');
  const [quantity, setQuantity] = useState('');
  const [reason, setReason] = useState('');
  const [buildingId, setBuildingId] = useState<string | null>(null);
  const [unit, setUnit] = useState('');
  const [room, setRoom] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Message>(null);

  async function submit() {
    const qty = Number(quantity);
    if (!Number.isInteger(qty) || qty <= 0 || !reason.trim()) {
      setMessage({ error: true, text: '请填写正整数数量和原因' });
      return;
    }
    setBusy(true);
    try {
      let householdId: string | undefined;
      if (kind === 'issued') {
        const household = buildingId ? (await listBuildingHouseholds(buildingId)).items.find((h) => h.unit === unit.trim() && h.room === room.trim()) : undefined;
        if (!household) {
          setMessage({ error: true, text: '请选择楼栋并填写正确的单元和房号' });
          return;
        }
        householdId = household.id;
      }
      const entry = await recordLedgerEntry(item.id, { kind, quantity: qty, reason: reason.trim(), householdId });
      setMessage({ error: false, text: `已记录${ledgerEntryKindLabels[kind]} ${qty} ${item.unit}，结存 ${entry.balanceAfter}` });
      setQuantity('');
      setReason('');
      onDone();
    } catch (err) {
      setMessage({ error: true, text: messageOf(err) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <View className="card">
      <Text className="card__title">登记变动</Text>
      <ChoiceChips
        options={[{ value: 'received', label: '入库' }, { value: 'issued', label: '发放给住户' }, { value: 'lost_expired', label: '损耗/过期' }] as const}
        value={kind}
        onChange={setKind}
      />
      {kind === 'issued' ? (
        <View>
          <BuildingChips value={buildingId} onChange={setBuildingId} />
          <View className="reserve-item__fields">
            <View className="field reserve-item__field">
              <Input className="field__input reserve-item__unit" value={unit} maxlength={10} placeholder="如 1" onInput={(e) => setUnit(e.detail.value)} />
              <Text className="field__suffix">单元</Text>
            </View>
            <View className="field reserve-item__field">
              <Input className="field__input reserve-item__room" value={room} maxlength={10} placeholder="如 101" onInput={(e) => setRoom(e.detail.value)} />
              <Text className="field__suffix">室</Text>
            </View>
          </View>
        </View>
      ) : null}
      <View className="reserve-item__fields">
        <View className="field reserve-item__field">
          <Input className="field__input reserve-item__quantity" type="number" value={quantity} placeholder="数量" onInput={(e) => setQuantity(e.detail.value)} />
          <Text className="field__suffix">{item.unit}</Text>
        </View>
        <View className="field reserve-item__wide">
          <Input className="field__input reserve-item__reason" value={reason} maxlength={200} placeholder="原因 / 来源" onInput={(e) => setReason(e.detail.value)} />
        </View>
      </View>
      <BigButton className="reserve-item__submit" busy={busy} onClick={submit}>记录</BigButton>
      {message ? <Text className={`notice${message.error ? ' notice--error' : ''} reserve-item__message`}>{message.text}</Text> : null}
    </View>
  );
}

function DistributionForm({ item, onDone }: { item: ReserveItem; onDone: () => void }) {
  const [buildingId, setBuildingId] = useState<string | null>(null);
  const [per, setPer] = useState<DistributionBody['per']>('person');
  const [quantity, setQuantity] = useState('1');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Message>(null);

  async function submit() {
    const qty = Number(quantity);
    if (!buildingId || !Number.isInteger(qty) || qty <= 0 || !reason.trim()) {
      setMessage({ error: true, text: '请选择楼栋，填写正整数数量和原因' });
      return;
    }
    setBusy(true);
    try {
      const result = await distribute(item.id, { buildingId, per, quantity: qty, reason: reason.trim() });
      setMessage({ error: false, text: `已发放给 ${result.households} 户，共 ${result.totalQuantity} ${item.unit}，结存 ${result.stockAfter}${result.low ? '（库存不足）' : ''}` });
      onDone();
    } catch (err) {
      setMessage({ error: true, text: messageOf(err) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <View className="card">
      <Text className="card__title">整栋发放</Text>
      <Text className="text-small">每户一条记录；库存不够时整批不发。</Text>
      <BuildingChips value={buildingId} onChange={setBuildingId} />
      <ChoiceChips className="reserve-item__chips" options={(['person', 'household'] as const).map((p) => ({ value: p, label: distributionPerLabels[p] }))} value={per} onChange={setPer} />
      <View className="reserve-item__fields">
        <View className="field reserve-item__field">
          <Input className="field__input reserve-item__per-quantity" type="number" value={quantity} onInput={(e) => setQuantity(e.detail.value)} />
          <Text className="field__suffix">{item.unit}</Text>
        </View>
        <View className="field reserve-item__wide">
          <Input className="field__input reserve-item__distribution-reason" value={reason} maxlength={200} placeholder="原因，如 每人两盒抗原" onInput={(e) => setReason(e.detail.value)} />
        </View>
      </View>
      <BigButton className="reserve-item__submit" busy={busy} onClick={submit}>整栋发放</BigButton>
      {message ? <Text className={`notice${message.error ? ' notice--error' : ''} reserve-item__message`}>{message.text}</Text> : null}
    </View>
  );
}

function ThresholdForm({ item, onSaved }: { item: ReserveItem; onSaved: (item: ReserveItem) => void }) {
  const [threshold, setThreshold] = useState(String(item.lowStockThreshold));
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Message>(null);
  async function save() {
    const value = Number(threshold);
    if (!Number.isInteger(value) || value < 0) {
      setMessage({ error: true, text: '预警线须为不小于 0 的整数' });
      return;
    }
    setBusy(true);
    try {
      onSaved(await updateReserveItem(item.id, { lowStockThreshold: value }));
      setMessage({ error: false, text: `预警线已改为 ${value} ${item.unit}` });
    } catch (err) {
      setMessage({ error: true, text: messageOf(err) });
    } finally {
      setBusy(false);
    }
  }
  return (
    <View>
      <View className="reserve-item__fields">
        <View className="field reserve-item__field">
          <Input className="field__input reserve-item__threshold" type="number" value={threshold} onInput={(e) => setThreshold(e.detail.value)} />
          <Text className="field__suffix">{item.unit}</Text>
        </View>
        <View className="reserve-item__wide">
          <BigButton variant="secondary" busy={busy} onClick={save}>修改预警线</BigButton>
        </View>
      </View>
      {message ? <Text className={`notice${message.error ? ' notice--error' : ''} reserve-item__message`}>{message.text}</Text> : null}
    </View>
  );
}

export default function ReserveItemPage() {
  const { params } = useRouter<{ id: string }>();
  const itemId = params.id ?? '';
  const item = useRemote(async () => {
    const found = (await listReserveItems()).items.find((i) => i.id === itemId);
    if (!found) throw new Error('not found');
    return found;
  }, [itemId]);
  const ledger = useRemote(() => listLedger(itemId), [itemId]);
  // Refresh the stock in place: reloading would unmount the forms and lose their confirmation message.
  const refresh = () => {
    ledger.reload();
    void listReserveItems().then(
      (d) => {
        const fresh = d.items.find((i) => i.id === itemId);
        if (fresh) item.update(() => fresh);
      },
      () => undefined,
    );
  };

  return (
    <PageShell title="物资详情">
      <AsyncState remote={item.remote} onRetry={item.reload}>
        {(i) => (
          <View>
            <View className="card reserve-item__head">
              <Text className="card__title">{i.name}</Text>
              <Text className={`reserve-item__stock${i.low ? ' reserve-item__stock--low' : ''}`}>库存 {i.stock} {i.unit}</Text>
              <Text className="text-small">预警线 {i.lowStockThreshold} {i.unit}{i.low ? ' · 库存不足，请及时补充' : ''}</Text>
              <ThresholdForm item={i} onSaved={(saved) => item.update(() => saved)} />
            </View>
            <EntryForm item={i} onDone={refresh} />
            <DistributionForm item={i} onDone={refresh} />
          </View>
        )}
      </AsyncState>
      <Text className="section-title">台账</Text>
      <AsyncState remote={ledger.remote} onRetry={ledger.reload} isEmpty={(d) => d.items.length === 0} emptyText="还没有记录">
        {(d) => (
          <View>
            {d.items.map((e) => (
              <View key={e.id} className="row reserve-item__entry">
                <View className="row__main">
                  <Text className="row__title">
                    {ledgerEntryKindLabels[e.kind]} {e.kind === 'received' ? '+' : '−'}{e.quantity} {e.unit}
                    {e.householdLabel ? ` → ${e.householdLabel}` : ''}{e.volunteerName ? ` → ${e.volunteerName}` : ''}
                  </Text>
                  <Text className="row__meta">{formatShanghaiDateTime(e.createdAt)} · {e.recordedByName} · {e.reason}</Text>
                </View>
                <Text className="text-small">结存 {e.balanceAfter}</Text>
              </View>
            ))}
          </View>
        )}
      </AsyncState>
    </PageShell>
  );
}
