// 团购: open and upcoming group buys with a countdown by the server's clock, live remaining stock and a quantity
// stepper that respects the per-household limit. The order is confirmed with the server's total; a network failure
// is retried with the same Idempotency-Key, so a retry never orders twice.
import { useEffect, useMemo, useRef, useState } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import {
  formatFen, formatShanghaiDateTime, groupBuyClosedReasonLabels, groupBuyStateLabels, householdLabel, orderTotalFen,
  type GroupBuy, type GroupBuyItem, type Order,
} from '@linli/shared';
import { AsyncState, useRemote, useReturnVisit } from '../../../components/AsyncState';
import { BigButton } from '../../../components/BigButton';
import { HouseholdSwitcher } from '../../../components/HouseholdSwitcher';
import { PageShell } from '../../../components/PageShell';
import { ApiError, clientErrorCodes, messageOf } from '../../../services/api';
import { pagePaths } from '../../../services/navigation';
import { countdownText, listGroupBuys, msUntil, newIdempotencyKey, placeOrder } from '../../../services/supplies';
import { useChosenHousehold } from '../../../stores/household';
import { loadMe } from '../../../stores/session';
import './index.scss';

type Cart = Record<string, number>;
type Checkout =
  | { step: 'review' }
  | { step: 'sending' }
  | { step: 'failed'; message: string; retryable: boolean }
  | { step: 'done'; order: Order };

/** Why an item cannot be added: sold out, or the household limit reached. */
function maxOf(item: GroupBuyItem): number {
  return Math.min(item.perHouseholdLimit, item.remaining);
}

function useTicker(ms: number) {
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), ms);
    return () => clearInterval(timer);
  }, [ms]);
}

function explain(error: unknown): { message: string; retryable: boolean } {
  if (error instanceof ApiError) {
    if (error.code === clientErrorCodes.network) return { message: '网络不稳定，订单可能未提交。请点“重试”，不会重复下单。', retryable: true };
    if (error.code === 'OUT_OF_STOCK') return { message: `${error.message}。请减少数量或选择其他商品。`, retryable: false };
    if (error.code === 'LIMIT_EXCEEDED') return { message: `${error.message}。`, retryable: false };
    if (error.code === 'GROUP_BUY_CLOSED') return { message: '团购已结束，无法下单。', retryable: false };
    if (error.code === 'GROUP_BUY_NOT_OPEN') return { message: '团购还没开始，请到开团时间再下单。', retryable: false };
    if (error.status >= 500) return { message: '服务器繁忙，请点“重试”，不会重复下单。', retryable: true };
  }
  return { message: messageOf(error), retryable: false };
}

function GroupBuyCard(props: { groupBuy: GroupBuy; loadedAt: number; cart: Cart; onChange: (itemId: string, qty: number) => void }) {
  const { groupBuy: g, loadedAt, cart, onChange } = props;
  const toOpen = msUntil(g.opensAt, g.serverNow, loadedAt);
  const toClose = msUntil(g.closesAt, g.serverNow, loadedAt);
  const open = g.state === 'open' && toClose > 0 && toOpen <= 0;
  const upcomingNow = g.state === 'upcoming' && toOpen > 0;
  return (
    <View className="card group-buy">
      <View className="group-buy__head">
        <Text className="group-buy__title">{g.title}</Text>
        <Text className={`tag${open ? '' : ' tag--warning'}`}>{open ? groupBuyStateLabels.open : g.state === 'upcoming' && !upcomingNow ? '已开团，请刷新' : groupBuyStateLabels[g.state]}</Text>
      </View>
      {g.description ? <Text className="text-secondary group-buy__desc">{g.description}</Text> : null}
      {upcomingNow ? (
        <Text className="group-buy__countdown">距开团 {countdownText(toOpen)} · {formatShanghaiDateTime(g.opensAt)} 开团</Text>
      ) : open ? (
        <Text className="text-small">截止 {formatShanghaiDateTime(g.closesAt)}（还剩 {countdownText(toClose)}）</Text>
      ) : g.closedReason ? (
        <Text className="text-small">{groupBuyClosedReasonLabels[g.closedReason]}</Text>
      ) : null}
      {g.items.map((item) => {
        const qty = cart[item.id] ?? 0;
        const max = maxOf(item);
        return (
          <View key={item.id} className="group-buy__item">
            <View className="row__main">
              <Text className="row__title">{item.name}</Text>
              <Text className="row__meta">
                {formatFen(item.priceFen)}/{item.unit} · 每户限购 {item.perHouseholdLimit}
              </Text>
              {item.remaining === 0 ? (
                <Text className="group-buy__soldout">已售罄</Text>
              ) : (
                <Text className="text-small">剩余 {item.remaining}{item.unit}</Text>
              )}
            </View>
            {open && item.remaining > 0 ? (
              <View className="stepper">
                <View className={`stepper__button${qty <= 0 ? ' stepper__button--off' : ''}`} onClick={() => qty > 0 && onChange(item.id, qty - 1)}>
                  <Text>−</Text>
                </View>
                <Text className="stepper__qty">{qty}</Text>
                <View className={`stepper__button${qty >= max ? ' stepper__button--off' : ''}`} onClick={() => qty < max && onChange(item.id, qty + 1)}>
                  <Text>+</Text>
                </View>
              </View>
            ) : null}
            {open && qty > 0 && qty >= max ? <Text className="group-buy__limit">{qty >= item.perHouseholdLimit ? '已达每户限购' : '已到库存上限'}</Text> : null}
          </View>
        );
      })}
    </View>
  );
}

export default function GroupBuysPage() {
  const [loadedAt, setLoadedAt] = useState(Date.now());
  const data = useRemote(async () => {
    const [list, me] = await Promise.all([listGroupBuys(), loadMe()]);
    setLoadedAt(Date.now());
    return { list, me };
  }, []);
  useReturnVisit(data.reload);
  useTicker(1000);
  const [cart, setCart] = useState<Cart>({});
  const [checkout, setCheckout] = useState<Checkout | null>(null);
  // One key per order attempt: kept across retries, replaced when the cart changes or the order went through.
  const attemptKey = useRef<string | null>(null);

  const groupBuys = data.remote.status === 'ready' ? data.remote.data.list.items : [];
  const household = useChosenHousehold(data.remote.status === 'ready' ? data.remote.data.me : null);
  const chosen = useMemo(() => {
    for (const g of groupBuys) {
      const lines = g.items.filter((i) => (cart[i.id] ?? 0) > 0).map((i) => ({ item: i, qty: cart[i.id]! }));
      if (lines.length) return { groupBuy: g, lines };
    }
    return null;
  }, [groupBuys, cart]);

  function change(groupBuyId: string, itemId: string, qty: number) {
    attemptKey.current = null;
    setCart((current) => {
      // One order is one group buy: choosing from another group buy starts a new cart.
      const sameGroupBuy = groupBuys.find((g) => g.id === groupBuyId)!.items.map((i) => i.id);
      const kept = Object.fromEntries(Object.entries(current).filter(([id]) => sameGroupBuy.includes(id)));
      return { ...kept, [itemId]: qty };
    });
  }

  async function submit() {
    if (!chosen || !household) return;
    attemptKey.current ??= newIdempotencyKey();
    setCheckout({ step: 'sending' });
    try {
      const order = await placeOrder(
        { householdId: household.id, items: chosen.lines.map((l) => ({ itemId: l.item.id, qty: l.qty })) },
        attemptKey.current,
      );
      attemptKey.current = null;
      setCart({});
      setCheckout({ step: 'done', order });
      data.reload();
    } catch (error) {
      const explained = explain(error);
      if (!explained.retryable) {
        attemptKey.current = null;
        data.reload();
      }
      setCheckout({ step: 'failed', ...explained });
    }
  }

  const previewTotal = chosen ? orderTotalFen(chosen.lines.map((l) => ({ priceFen: l.item.priceFen, qty: l.qty }))) : 0;

  return (
    <PageShell title="团购" tab="groupBuys">
      <View className="group-buys__links">
        <Text className="group-buys__link" onClick={() => Taro.navigateTo({ url: pagePaths.orders })}>我的订单 ›</Text>
        <Text className="group-buys__link" onClick={() => Taro.navigateTo({ url: pagePaths.medicine })}>代购药 ›</Text>
      </View>
      <AsyncState
        remote={data.remote}
        onRetry={data.reload}
        isEmpty={(d) => d.list.items.length === 0}
        emptyText="暂时没有团购，开团后会在这里显示"
      >
        {(d) => (
          <View className={chosen ? 'group-buys--with-bar' : ''}>
            {d.me.households.length === 0 ? (
              <View className="notice notice--error">绑定住户后才能下单。请到“我的”绑定住户。</View>
            ) : d.me.households.length > 1 ? (
              <HouseholdSwitcher households={d.me.households} chosenId={household?.id} action="下单" />
            ) : (
              <Text className="text-small group-buys__household">为 {householdLabel(d.me.households[0]!)} 下单</Text>
            )}
            {d.list.items
              .filter((g) => g.state !== 'draft')
              .map((g) => (
                <GroupBuyCard key={g.id} groupBuy={g} loadedAt={loadedAt} cart={cart} onChange={(itemId, qty) => change(g.id, itemId, qty)} />
              ))}
          </View>
        )}
      </AsyncState>

      {chosen && !checkout && household ? (
        <View className="order-bar">
          <Text className="order-bar__total">约 {formatFen(previewTotal)}</Text>
          <BigButton className="order-bar__button" onClick={() => setCheckout({ step: 'review' })}>
            去下单
          </BigButton>
        </View>
      ) : null}

      {checkout ? (
        <View className="sheet">
          <View className="sheet__panel">
            {checkout.step === 'done' ? (
              <View>
                <Text className="sheet__title">下单成功</Text>
                <Text className="text-body">{checkout.order.groupBuyTitle}</Text>
                {checkout.order.items.map((l) => (
                  <Text key={l.itemId} className="sheet__line">{l.name} × {l.qty}{l.unit}　{formatFen(l.subtotalFen)}</Text>
                ))}
                <Text className="sheet__total">实付 {formatFen(checkout.order.totalFen)}</Text>
                <Text className="sheet__code">取货码 {checkout.order.deliveryCode}</Text>
                <Text className="text-small">志愿者送达时请出示取货码。</Text>
                <View className="button-row">
                  <BigButton variant="secondary" onClick={() => setCheckout(null)}>继续逛</BigButton>
                  <BigButton onClick={() => { setCheckout(null); Taro.navigateTo({ url: pagePaths.orders }); }}>查看订单</BigButton>
                </View>
              </View>
            ) : chosen ? (
              <View>
                <Text className="sheet__title">确认订单</Text>
                <Text className="text-body">{chosen.groupBuy.title}</Text>
                {household ? <Text className="text-small">{householdLabel(household)}</Text> : null}
                {chosen.lines.map((l) => (
                  <Text key={l.item.id} className="sheet__line">{l.item.name} × {l.qty}{l.item.unit}　{formatFen(l.item.priceFen * l.qty)}</Text>
                ))}
                <Text className="sheet__total">合计 {formatFen(previewTotal)}</Text>
                <Text className="text-small">以服务器计算的金额为准，提交后显示实付金额。</Text>
                {checkout.step === 'failed' ? <View className="notice notice--error sheet__error">{checkout.message}</View> : null}
                <View className="button-row">
                  <BigButton variant="secondary" disabled={checkout.step === 'sending'} onClick={() => setCheckout(null)}>返回</BigButton>
                  <BigButton busy={checkout.step === 'sending'} onClick={submit}>
                    {checkout.step === 'failed' && checkout.retryable ? '重试' : '确认下单'}
                  </BigButton>
                </View>
              </View>
            ) : (
              <View>
                {checkout.step === 'failed' ? <View className="notice notice--error sheet__error">{checkout.message}</View> : null}
                <BigButton variant="secondary" onClick={() => setCheckout(null)}>返回</BigButton>
              </View>
            )}
          </View>
        </View>
      ) : null}
    </PageShell>
  );
}
