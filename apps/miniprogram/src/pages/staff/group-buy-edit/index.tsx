// 新建 / 编辑团购 (staff): a draft can change everything; once published, texts and closing time change and stock
// can be added (prices stay: households ordered at them). Times are entered in Beijing time.
import { useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Input, Text, Textarea, View } from '@tarojs/components';
import { formatShanghaiDateTime, parseShanghaiDateTime, type GroupBuy } from '@linli/shared';
import { AsyncState, useRemote } from '../../../components/AsyncState';
import { BigButton } from '../../../components/BigButton';
import { PageShell } from '../../../components/PageShell';
import { messageOf } from '../../../services/api';
import { createGroupBuy, getGroupBuy, updateGroupBuy } from '../../../services/supplies';
import './index.scss';

interface ItemDraft {
  name: string;
  unit: string;
  price: string;
  stock: string;
  limit: string;
}

const emptyItem: ItemDraft = { name: '', unit: '份', price: '', stock: '', limit: '1' };

function yuanToFen(text: string): number | null {
  if (!/^\d+(\.\d{1,2})?$/.test(text.trim())) return null;
  return Math.round(Number(text) * 100);
}

function Field(props: { label: string; value: string; onInput: (v: string) => void; placeholder?: string; disabled?: boolean; className?: string }) {
  return (
    <View className={`edit-field ${props.className ?? ''}`}>
      <Text className="edit-field__label">{props.label}</Text>
      <View className="field">
        <Input className="field__input" value={props.value} placeholder={props.placeholder} disabled={props.disabled || undefined} onInput={(e) => props.onInput(e.detail.value)} />
      </View>
    </View>
  );
}

function Editor({ existing }: { existing: GroupBuy | null }) {
  const now = Date.now();
  const published = existing !== null && existing.state !== 'draft';
  const [title, setTitle] = useState(existing?.title ?? '');
  const [description, setDescription] = useState(existing?.description ?? '');
  const [opensAt, setOpensAt] = useState(formatShanghaiDateTime(existing?.opensAt ?? new Date(now + 3_600_000)));
  const [closesAt, setClosesAt] = useState(formatShanghaiDateTime(existing?.closesAt ?? new Date(now + 2 * 86_400_000)));
  const [items, setItems] = useState<ItemDraft[]>(
    existing?.items.map((i) => ({ name: i.name, unit: i.unit, price: (i.priceFen / 100).toFixed(2), stock: String(i.stock), limit: String(i.perHouseholdLimit) })) ?? [{ ...emptyItem }],
  );
  const [addStock, setAddStock] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const setItem = (index: number, change: Partial<ItemDraft>) => setItems((list) => list.map((it, i) => (i === index ? { ...it, ...change } : it)));

  async function save(publish: boolean) {
    setError(null);
    const opens = parseShanghaiDateTime(opensAt);
    const closes = parseShanghaiDateTime(closesAt);
    if (!opens || !closes) return setError('时间格式应为 2026-11-25 08:00');
    const itemBodies = [];
    for (const [index, it] of items.entries()) {
      const priceFen = yuanToFen(it.price);
      if (!it.name.trim() || !it.unit.trim() || priceFen === null || !/^\d+$/.test(it.stock) || !/^[1-9]\d*$/.test(it.limit)) {
        return setError(`第 ${index + 1} 个商品：请填写名称、单位、价格（元）、库存和每户限购`);
      }
      itemBodies.push({ name: it.name.trim(), unit: it.unit.trim(), priceFen, stock: Number(it.stock), perHouseholdLimit: Number(it.limit) });
    }
    setBusy(true);
    try {
      if (!existing) {
        await createGroupBuy({ title, description, opensAt: opens, closesAt: closes, items: itemBodies, publish });
      } else if (!published) {
        await updateGroupBuy(existing.id, { title, description, opensAt: opens, closesAt: closes, items: itemBodies });
      } else {
        const extra = Object.entries(addStock).filter(([, v]) => /^[1-9]\d*$/.test(v)).map(([itemId, v]) => ({ itemId, quantity: Number(v) }));
        await updateGroupBuy(existing.id, { title, description, closesAt: closes, ...(extra.length ? { addStock: extra } : {}) });
      }
      await Taro.showToast({ title: '已保存', icon: 'success' });
      Taro.navigateBack();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <View>
      <Field label="标题" value={title} onInput={setTitle} placeholder="如 保供蔬菜包" />
      <View className="edit-field">
        <Text className="edit-field__label">说明</Text>
        <Textarea className="edit-field__textarea" value={description} maxlength={1000} onInput={(e) => setDescription(e.detail.value)} />
      </View>
      <Field label="开团时间（北京时间）" value={opensAt} onInput={setOpensAt} disabled={published && existing!.state !== 'upcoming'} />
      <Field label="截止时间（北京时间）" value={closesAt} onInput={setClosesAt} />
      <Text className="section-title">商品</Text>
      {items.map((it, index) => (
        <View key={index} className="card edit-item">
          <Field label="名称" value={it.name} onInput={(v) => setItem(index, { name: v })} disabled={published} />
          <View className="edit-item__row">
            <Field className="edit-item__cell" label="单位" value={it.unit} onInput={(v) => setItem(index, { unit: v })} disabled={published} />
            <Field className="edit-item__cell" label="价格（元）" value={it.price} onInput={(v) => setItem(index, { price: v })} disabled={published} />
          </View>
          <View className="edit-item__row">
            <Field className="edit-item__cell" label="库存" value={it.stock} onInput={(v) => setItem(index, { stock: v })} disabled={published} />
            <Field className="edit-item__cell" label="每户限购" value={it.limit} onInput={(v) => setItem(index, { limit: v })} disabled={published} />
          </View>
          {published ? (
            <Field
              label={`追加库存（剩余 ${existing!.items[index]!.remaining}）`}
              value={addStock[existing!.items[index]!.id] ?? ''}
              onInput={(v) => setAddStock((s) => ({ ...s, [existing!.items[index]!.id]: v }))}
              placeholder="0"
            />
          ) : items.length > 1 ? (
            <Text className="edit-item__remove" onClick={() => setItems((list) => list.filter((_, i) => i !== index))}>删除此商品</Text>
          ) : null}
        </View>
      ))}
      {!published ? <BigButton variant="secondary" onClick={() => setItems((list) => [...list, { ...emptyItem }])}>添加商品</BigButton> : null}
      {error ? <View className="notice notice--error edit__error">{error}</View> : null}
      <View className="button-row">
        <BigButton variant="secondary" busy={busy} onClick={() => save(false)}>{existing ? '保存' : '存为草稿'}</BigButton>
        {!existing ? <BigButton busy={busy} onClick={() => save(true)}>发布</BigButton> : null}
      </View>
    </View>
  );
}

export default function GroupBuyEditPage() {
  const { params } = useRouter<{ id?: string }>();
  const id = params.id ?? '';
  const loaded = useRemote(() => (id ? getGroupBuy(id) : Promise.resolve(null)), [id]);
  return (
    <PageShell title={id ? '编辑团购' : '新建团购'}>
      <AsyncState remote={loaded.remote} onRetry={loaded.reload}>
        {(existing) => <Editor existing={existing} />}
      </AsyncState>
    </PageShell>
  );
}
