// 物资储备 (staff): every item with its stock, low stock first and flagged, a new item, and the ledger CSV export.
import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Input, Text, View } from '@tarojs/components';
import { commonReserveItems, CreateReserveItemBody } from '@linli/shared';
import { AsyncState, useRemote, useReturnVisit } from '../../../components/AsyncState';
import { BigButton } from '../../../components/BigButton';
import { ChoiceChips } from '../../../components/ChoiceChips';
import { PageShell } from '../../../components/PageShell';
import { messageOf } from '../../../services/api';
import { pagePaths } from '../../../services/navigation';
import { createReserveItem, downloadLedgerCsv, listReserveItems } from '../../../services/reserves';
import './index.scss';

function NewItemForm({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState('');
  const [unit, setUnit] = useState('');
  const [threshold, setThreshold] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit() {
    const parsed = CreateReserveItemBody.safeParse({ name, unit, lowStockThreshold: Number(threshold || 'x') });
    if (!parsed.success) {
      setError('请填写名称、单位和预警数量（整数）');
      return;
    }
    setBusy(true);
    try {
      await createReserveItem(parsed.data);
      setName('');
      setUnit('');
      setThreshold('');
      setError(null);
      onCreated();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <View className="card">
      <Text className="card__title">新增物资</Text>
      <ChoiceChips
        options={commonReserveItems.map((i) => ({ value: i.name, label: i.name }))}
        value={name}
        onChange={(n) => {
          setName(n);
          setUnit(commonReserveItems.find((i) => i.name === n)?.unit ?? unit);
        }}
      />
      <View className="reserves__fields">
        <View className="field reserves__field">
          <Input className="field__input reserves__name" value={name} maxlength={40} placeholder="名称" onInput={(e) => setName(e.detail.value)} />
        </View>
        <View className="field reserves__unit-field">
          <Input className="field__input reserves__unit" value={unit} maxlength={10} placeholder="单位" onInput={(e) => setUnit(e.detail.value)} />
        </View>
        <View className="field reserves__field">
          <Input className="field__input reserves__threshold" type="number" value={threshold} placeholder="低于多少预警" onInput={(e) => setThreshold(e.detail.value)} />
        </View>
      </View>
      <BigButton className="reserves__submit" busy={busy} onClick={submit}>添加</BigButton>
      {error ? <Text className="notice notice--error reserves__message">{error}</Text> : null}
    </View>
  );
}

export default function ReservesPage() {
  const items = useRemote(listReserveItems, []);
  useReturnVisit(items.reload);

  async function exportCsv() {
    try {
      await downloadLedgerCsv();
    } catch (err) {
      void Taro.showModal({ title: '无法导出', content: messageOf(err), showCancel: false });
    }
  }

  return (
    <PageShell title="物资储备">
      <AsyncState remote={items.remote} onRetry={items.reload} isEmpty={(d) => d.items.length === 0} emptyText="还没有登记物资，请在下方添加">
        {(d) => {
          const low = d.items.filter((i) => i.low);
          const sorted = [...low, ...d.items.filter((i) => !i.low)];
          return (
            <View>
              {low.length ? <Text className="notice notice--error reserves__alert">{low.length} 种物资库存不足：{low.map((i) => i.name).join('、')}</Text> : null}
              {sorted.map((item) => (
                <View key={item.id} className="row reserves__item" onClick={() => Taro.navigateTo({ url: `${pagePaths.reserveItem}?id=${item.id}` })}>
                  <View className="row__main">
                    <Text className="row__title">{item.name}</Text>
                    <Text className="row__meta">库存 {item.stock} {item.unit} · 预警线 {item.lowStockThreshold}</Text>
                  </View>
                  {item.low ? <Text className="tag tag--danger">库存不足</Text> : null}
                  <Text className="row__arrow">›</Text>
                </View>
              ))}
            </View>
          );
        }}
      </AsyncState>
      <NewItemForm onCreated={items.reload} />
      <BigButton variant="secondary" onClick={exportCsv}>导出台账（CSV）</BigButton>
    </PageShell>
  );
}
