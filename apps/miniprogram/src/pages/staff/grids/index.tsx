// 网格与网格员 (admins): which buildings each grid covers and who works it; add a grid worker by phone, or remove one.
import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Input, Text, View } from '@tarojs/components';
import { Phone, type GridDetail, type GridWorker } from '@linli/shared';
import { AsyncState, useRemote } from '../../../components/AsyncState';
import { BigButton } from '../../../components/BigButton';
import { PageShell } from '../../../components/PageShell';
import { messageOf } from '../../../services/api';
import { assignGridWorker, listGrids, removeGridWorker } from '../../../services/community';
import './index.scss';

function GridCard({ grid, onChanged }: { grid: GridDetail; onChanged: (grid: GridDetail) => void }) {
  const [phone, setPhone] = useState('');
  const [name, setName] = useState('');
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function add() {
    setError(null);
    const parsed = Phone.safeParse(phone);
    if (!parsed.success) return setError(parsed.error.issues[0]?.message ?? '请输入 11 位手机号');
    setAdding(true);
    try {
      onChanged(await assignGridWorker(grid.id, { phone: parsed.data, ...(name.trim() ? { displayName: name.trim() } : {}) }));
      setPhone('');
      setName('');
      void Taro.showToast({ title: '已添加', icon: 'success' });
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setAdding(false);
    }
  }

  async function remove(worker: GridWorker) {
    const { confirm } = await Taro.showModal({ title: '移除网格员', content: `确定让 ${worker.displayName} 不再负责${grid.name}？` });
    if (!confirm) return;
    setRemoving(worker.userId);
    try {
      await removeGridWorker(grid.id, worker.userId);
      onChanged({ ...grid, workers: grid.workers.filter((w) => w.userId !== worker.userId) });
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setRemoving(null);
    }
  }

  return (
    <View className="card grids__grid">
      <Text className="card__title">{grid.name}</Text>
      <Text className="text-secondary">楼栋：{grid.buildings.map((b) => b.name).join('、') || '暂无'}</Text>

      <Text className="grids__subtitle">网格员</Text>
      {grid.workers.length === 0 ? <Text className="notice notice--error">这个网格还没有网格员</Text> : null}
      {grid.workers.map((w) => (
        <View key={w.userId} className="row grids__worker">
          <View className="row__main">
            <Text className="row__title">{w.displayName}</Text>
            <Text className="row__meta">{w.phone ?? '未登记手机号'}</Text>
          </View>
          <BigButton variant="danger" className="grids__remove" busy={removing === w.userId} disabled={removing !== null} onClick={() => remove(w)}>
            移除
          </BigButton>
        </View>
      ))}

      <Text className="grids__subtitle">添加网格员</Text>
      <View className="field grids__field">
        <Input className="field__input" type="number" maxlength={11} value={phone} placeholder="手机号（11 位）" onInput={(e) => setPhone(e.detail.value)} />
      </View>
      <View className="field grids__field">
        <Input className="field__input" maxlength={40} value={name} placeholder="姓名（新账号时填写，可不填）" onInput={(e) => setName(e.detail.value)} />
      </View>
      {error ? <Text className="notice notice--error grids__field">{error}</Text> : null}
      <BigButton className="grids__field" busy={adding} onClick={add}>
        添加到{grid.name}
      </BigButton>
    </View>
  );
}

export default function GridsPage() {
  const grids = useRemote(listGrids, []);

  return (
    <PageShell title="网格与网格员">
      <AsyncState remote={grids.remote} onRetry={grids.reload} isEmpty={(d) => d.items.length === 0} emptyText="社区还没有划分网格">
        {(d) =>
          d.items.map((g) => (
            <GridCard
              key={g.id}
              grid={g}
              onChanged={(changed) => grids.update((data) => ({ ...data, items: data.items.map((x) => (x.id === changed.id ? changed : x)) }))}
            />
          ))
        }
      </AsyncState>
    </PageShell>
  );
}
