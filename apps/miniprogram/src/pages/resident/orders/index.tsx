// 我的订单: each order's status on the shared timeline, the 4-digit delivery code, cancel while it is allowed, and
// confirming an order a volunteer left at the door (放门口).
import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import {
  formatFen, formatShanghaiDateTime, householdLabel, orderCancellableBy, orderStatusLabels, orderTimeline, type Order,
} from '@linli/shared';
import { AsyncState, useRemote, useReturnVisit } from '../../../components/AsyncState';
import { BigButton } from '../../../components/BigButton';
import { PageShell } from '../../../components/PageShell';
import { messageOf } from '../../../services/api';
import { cancelOrder, listMyOrders } from '../../../services/supplies';
import { confirmDelivery } from '../../../services/tasks';
import './index.scss';

function Timeline({ order }: { order: Order }) {
  if (order.status === 'cancelled') {
    return <Text className="tag tag--danger">{orderStatusLabels.cancelled}{order.cancelledAt ? ` · ${formatShanghaiDateTime(order.cancelledAt)}` : ''}</Text>;
  }
  const reached = orderTimeline.indexOf(order.status);
  return (
    <View className="timeline">
      {orderTimeline.map((status, index) => (
        <View key={status} className={`timeline__step${index <= reached ? ' timeline__step--done' : ''}${index === reached ? ' timeline__step--current' : ''}`}>
          <View className="timeline__dot" />
          <Text className="timeline__label">{orderStatusLabels[status]}</Text>
        </View>
      ))}
    </View>
  );
}

export default function MyOrdersPage() {
  const orders = useRemote(listMyOrders, []);
  useReturnVisit(orders.reload);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function cancel(order: Order) {
    const answer = await Taro.showModal({ title: '取消订单', content: `确定取消「${order.groupBuyTitle}」的订单吗？`, confirmText: '取消订单', cancelText: '再想想' });
    if (!answer.confirm) return;
    setBusy(order.id);
    setError(null);
    try {
      const updated = await cancelOrder(order.id);
      orders.update((d) => ({ ...d, items: d.items.map((o) => (o.id === updated.id ? updated : o)) }));
    } catch (err) {
      setError(messageOf(err));
      orders.reload();
    } finally {
      setBusy(null);
    }
  }

  /** 放门口: the volunteer left it at the door; the household says it has it. */
  async function confirmAtDoor(order: Order) {
    const answer = await Taro.showModal({ title: '确认收货', content: '志愿者已将订单放在门口，确认已取回？' });
    if (!answer.confirm) return;
    setBusy(order.id);
    setError(null);
    try {
      await confirmDelivery(order.id);
      orders.reload();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(null);
    }
  }

  return (
    <PageShell title="我的订单">
      {error ? <View className="notice notice--error orders__error">{error}</View> : null}
      <AsyncState remote={orders.remote} onRetry={orders.reload} isEmpty={(d) => d.items.length === 0} emptyText="还没有订单，去“团购”看看吧">
        {(d) =>
          d.items.map((o) => (
            <View key={o.id} className="card order">
              <View className="order__head">
                <Text className="order__title">{o.groupBuyTitle}</Text>
                <Text className="text-small">{formatShanghaiDateTime(o.createdAt)}</Text>
              </View>
              <Text className="text-small">{householdLabel(o)}</Text>
              <Timeline order={o} />
              {o.items.map((l) => (
                <View key={l.itemId} className="order__line">
                  <Text>{l.name} × {l.qty}{l.unit}</Text>
                  <Text>{formatFen(l.subtotalFen)}</Text>
                </View>
              ))}
              <View className="order__line order__total">
                <Text>合计</Text>
                <Text>{formatFen(o.totalFen)}</Text>
              </View>
              {o.deliveryCode && o.status !== 'cancelled' && o.status !== 'delivered' ? (
                <View className="order__code">
                  <Text className="text-small">取货码（送达时出示）</Text>
                  <Text className="order__code-digits">{o.deliveryCode}</Text>
                </View>
              ) : null}
              {orderCancellableBy(o.status, 'household') ? (
                <BigButton variant="danger" className="order__cancel" busy={busy === o.id} onClick={() => cancel(o)}>
                  取消订单
                </BigButton>
              ) : o.status === 'packed' ? (
                <Text className="text-small">已分拣，如需取消请联系网格员</Text>
              ) : o.status === 'out_for_delivery' ? (
                <BigButton variant="secondary" className="order__cancel" busy={busy === o.id} onClick={() => void confirmAtDoor(o)}>
                  已放门口？确认收货
                </BigButton>
              ) : null}
            </View>
          ))
        }
      </AsyncState>
    </PageShell>
  );
}
