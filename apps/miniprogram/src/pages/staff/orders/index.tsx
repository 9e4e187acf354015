// 楼栋订单 (staff): one building's orders by status, pack one or all, and the picking list (分拣单) with
// care-tagged households first; on h5 it opens the printable page and downloads the CSV for the supplier.
import { useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { careTagLabels, formatFen, orderStatusLabels, type OrderStatus } from '@linli/shared';
import { AsyncState, useRemote } from '../../../components/AsyncState';
import { BigButton } from '../../../components/BigButton';
import { PageShell } from '../../../components/PageShell';
import { messageOf } from '../../../services/api';
import { isH5 } from '../../../services/platform';
import { getPickingList, listBuildingOrders, openPickingListFile, packAllOfBuilding, packOrder } from '../../../services/supplies';
import './index.scss';

const filters: { status: OrderStatus | undefined; label: string }[] = [
  { status: 'placed', label: '待分拣' },
  { status: 'packed', label: '已分拣' },
  { status: undefined, label: '全部' },
];

export default function BuildingOrdersPage() {
  const { params } = useRouter<{ buildingId: string; name?: string }>();
  const buildingId = params.buildingId ?? '';
  const buildingName = params.name ? decodeURIComponent(params.name) : '楼栋';
  const [status, setStatus] = useState<OrderStatus | undefined>('placed');
  const [view, setView] = useState<'orders' | 'picking'>('orders');
  const orders = useRemote(() => listBuildingOrders(buildingId, status), [buildingId, status]);
  const picking = useRemote(() => (view === 'picking' ? getPickingList(buildingId) : Promise.resolve(null)), [buildingId, view]);
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);

  async function run(key: string, action: () => Promise<string>) {
    setBusy(key);
    setMessage(null);
    try {
      setMessage({ text: await action(), error: false });
      orders.reload();
    } catch (err) {
      setMessage({ text: messageOf(err), error: true });
    } finally {
      setBusy(null);
    }
  }

  async function packAll() {
    const answer = await Taro.showModal({ title: '全部分拣', content: `把${buildingName}所有待分拣订单标记为已分拣？` });
    if (answer.confirm) await run('all', async () => `已分拣 ${(await packAllOfBuilding(buildingId)).packed} 单`);
  }

  return (
    <PageShell title={`${buildingName} 订单`}>
      <View className="filters">
        <Text className={`filters__item${view === 'picking' ? '' : ' filters__item--on'}`} onClick={() => setView('orders')}>订单</Text>
        <Text className={`filters__item${view === 'picking' ? ' filters__item--on' : ''}`} onClick={() => setView('picking')}>分拣单</Text>
      </View>
      {message ? <View className={`notice${message.error ? ' notice--error' : ''} staff-orders__message`}>{message.text}</View> : null}

      {view === 'orders' ? (
        <View>
          <View className="filters">
            {filters.map((f) => (
              <Text key={f.label} className={`filters__item${status === f.status ? ' filters__item--on' : ''}`} onClick={() => setStatus(f.status)}>
                {f.label}
              </Text>
            ))}
          </View>
          <BigButton className="staff-orders__pack-all" busy={busy === 'all'} onClick={packAll}>全部分拣</BigButton>
          <AsyncState remote={orders.remote} onRetry={orders.reload} isEmpty={(d) => d.items.length === 0} emptyText="没有这类订单">
            {(d) =>
              d.items.map((o) => (
                <View key={o.id} className="card staff-order">
                  <View className="staff-order__head">
                    <Text className="row__title">{o.unit}单元 {o.room}</Text>
                    <Text className={`tag${o.status === 'placed' ? ' tag--warning' : o.status === 'cancelled' ? ' tag--danger' : ''}`}>{orderStatusLabels[o.status]}</Text>
                  </View>
                  <Text className="row__meta">{o.groupBuyTitle} · {formatFen(o.totalFen)}</Text>
                  <Text className="text-body">{o.items.map((l) => `${l.name}×${l.qty}`).join('，')}</Text>
                  {o.status === 'placed' ? (
                    <BigButton variant="secondary" className="staff-order__pack" busy={busy === o.id} onClick={() => run(o.id, async () => { await packOrder(o.id); return `${o.unit}单元 ${o.room} 已分拣`; })}>
                      分拣完成
                    </BigButton>
                  ) : null}
                </View>
              ))
            }
          </AsyncState>
        </View>
      ) : (
        <AsyncState remote={picking.remote} onRetry={picking.reload}>
          {(list) =>
            list ? (
              <View>
                {isH5 ? (
                  <View className="button-row">
                    <BigButton variant="secondary" onClick={() => openPickingListFile(buildingId, 'html', buildingName).catch((e) => setMessage({ text: messageOf(e), error: true }))}>打印</BigButton>
                    <BigButton variant="secondary" onClick={() => openPickingListFile(buildingId, 'csv', buildingName).catch((e) => setMessage({ text: messageOf(e), error: true }))}>导出 CSV</BigButton>
                  </View>
                ) : null}
                <Text className="section-title">商品汇总（合计 {formatFen(list.totalFen)}）</Text>
                <View className="card">
                  {list.totals.length === 0 ? <Text className="text-secondary">没有待配送的订单</Text> : null}
                  {list.totals.map((t) => (
                    <View key={t.itemId} className="staff-order__head">
                      <Text className="text-body">{t.name}</Text>
                      <Text className="text-body">{t.qty}{t.unit}</Text>
                    </View>
                  ))}
                </View>
                <Text className="section-title">按户分拣（{list.households.length} 户，关怀户优先）</Text>
                {list.households.map((h) => (
                  <View key={h.householdId} className={`card picking-household${h.careTags.length ? ' picking-household--care' : ''}`}>
                    <View className="staff-order__head">
                      <Text className="row__title">{h.unit}单元 {h.room}</Text>
                      {h.careTags.map((tag) => <Text key={tag} className="tag tag--warning">★ {careTagLabels[tag]}</Text>)}
                    </View>
                    <Text className="text-body">{h.orders.flatMap((o) => o.lines.map((l) => `${l.name}×${l.qty}${l.unit}`)).join('，')}</Text>
                  </View>
                ))}
              </View>
            ) : null
          }
        </AsyncState>
      )}
    </PageShell>
  );
}
