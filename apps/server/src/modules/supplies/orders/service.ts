// Placing and cancelling orders. Stock, per-household limits and idempotency are decided in SQL by one statement
// (conditional updates, a conditional upsert, a unique key), never by reading and then writing.
import { createHash, randomInt, randomUUID } from 'node:crypto';
import { groupBuyStateAt, orderCancellableBy, orderTotalFen, type Order, type OrderStatus, type PlaceOrderBody } from '@linli/shared';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Actor } from '../../../authorization/policy';
import { can } from '../../../authorization/policy';
import { preparedStatement, selectRows, type Database, type DbOrTx } from '../../../db/client';
import { groupBuyItemHouseholdQuantities, groupBuyItems, groupBuys, orderItems, orders } from '../../../db/schema';
import { StatementBatcher } from '../../../db/statement-batcher';
import { AppError, badRequest, conflict, notFound } from '../../../errors';
import type { SoldOutGate } from '../sold-out-gate';
import type { PublishedItems } from './published-items';
import { bindingAndReplay, recentBindings, scopeOfOrder, type OrderReplay } from './queries';

/** The OUT_OF_STOCK answer's fields (answered as they are by the route when the gate refuses from memory). */
export const outOfStockAnswer = (itemId: string, name: string | null, remaining: number) => ({
  statusCode: 409,
  code: 'OUT_OF_STOCK' as const,
  message: name ? `「${name}」库存不足，仅剩 ${remaining}` : '该商品已售罄',
  details: { itemId, name, remaining },
});

export const outOfStock = (itemId: string, name: string | null, remaining: number) => {
  const answer = outOfStockAnswer(itemId, name, remaining);
  return conflict(answer.code, answer.message, answer.details);
};

function requestHashOf(body: PlaceOrderBody): string {
  const canonical = JSON.stringify({
    householdId: body.householdId,
    items: [...body.items].sort((a, b) => a.itemId.localeCompare(b.itemId)).map((i) => [i.itemId, i.qty]),
    note: body.note ?? null,
  });
  return createHash('sha256').update(canonical).digest('hex');
}


function replayed(existing: OrderReplay, body: PlaceOrderBody): PlacedOrder {
  if (existing.requestHash !== requestHashOf(body)) {
    throw new AppError(422, 'IDEMPOTENCY_KEY_REUSED', '该 Idempotency-Key 已用于另一笔不同的订单，请为新订单生成新的 Key');
  }
  return { orderId: existing.orderId, replayed: true };
}

class KeyTakenConcurrently extends Error {}

interface PlacementLine {
  itemId: string;
  qty: number;
  item: { name: string; unit: string; priceFen: number };
}

/** The arguments of `place_order` for one order (drizzle/0003_place_order_function.sql). */
export interface PlacementCall {
  orderId: string;
  userId: string;
  householdId: string;
  communityId: string;
  groupBuyId: string;
  key: string;
  hash: string;
  totalFen: number;
  deliveryCode: string;
  note: string | null;
  itemIds: string[];
  quantities: number[];
  names: string[];
  units: string[];
  prices: number[];
}

interface PlacementRow {
  idx: number;
  /** LIMIT_EXCEEDED and NOT_TAKEN: refused, and everything this order wrote was undone. */
  outcome: 'PLACED' | 'KEY_TAKEN' | 'NOT_BOUND' | 'ELSEWHERE' | 'LIMIT_EXCEEDED' | 'NOT_TAKEN';
  created_ms: number | null;
  taken: { id: string; remaining: number }[] | null;
  building_id: string | null;
  unit: string | null;
  room: string | null;
  building_name: string | null;
}

const value = (name: string) => sql.placeholder(name);

/**
 * `place_orders` (drizzle/0004_place_orders_batch.sql) runs `place_order` (0003) for each order of a batch, each in its
 * own subtransaction, and commits them together. `place_order`, in order: finds the household, only if the caller is
 * bound to it as approved (no separate Actor load, and a revocation bites at once) and it is in the group buy's
 * community (otherwise nothing is written); claims the idempotency key (a concurrent retry with the same key waits
 * there, then finds it taken and changes nothing); grows the household's running quantities only while they stay within
 * each limit; writes the lines; and last, item by item in id order, takes the stock only while enough remains at the
 * price and in the window (the database clock). Each of those is its own statement, so the hot stock row is locked only
 * by the last one. A limit or stock miss undoes that order alone.
 */
const placeBatchCall = preparedStatement<PlacementRow>('place_orders', () => sql`SELECT * FROM place_orders(${value('orders')}::jsonb)`);

/** The item sold out while this order waited for its turn to be sent. */
class SoldOutWhileQueued extends Error {
  constructor(readonly itemId: string) {
    super('sold out while queued');
  }
}

/**
 * The placements of this process, sent in batches (group commit): in a rush every order waits on the same stock row,
 * where one order at a time costs a commit each; a batch takes the row once and commits once. Only one batch is at the
 * database at a time, so two batches of this process never wait on each other's rows (two multi-item orders in two
 * batches could otherwise deadlock). When its batch leaves, an order for an item the gate knows is gone is refused from
 * memory instead of being sent. An order that waits more than 5 s for its batch gets 503 (like a request that found no
 * free database connection within the pool's timeout), and the client retries with the same key.
 */
export function orderPlacements(db: Database, gate: SoldOutGate) {
  return new StatementBatcher<PlacementCall, PlacementRow>(
    async (calls) => {
      const rows = await placeBatchCall(db, { orders: JSON.stringify(calls) });
      return rows.sort((a, b) => a.idx - b.idx);
    },
    {
      maxBatch: 32,
      maxInFlight: 1,
      maxWaitMs: 5000,
      busyMessage: '下单的人太多，请稍后重试',
      refuseBeforeSending: (call) => {
        const gone = gate.soldOut(call.itemIds);
        return gone ? new SoldOutWhileQueued(gone) : null;
      },
    },
  );
}

export type OrderPlacements = ReturnType<typeof orderPlacements>;

/** The order as placed, built from what the statement returned (no read-back). */
export interface PlacedOrder {
  orderId: string;
  replayed: boolean;
  placed?: Order;
}

/**
 * Places an order for `body.householdId` on behalf of `userId` (from the access token). An order that goes through costs
 * one round trip; the binding is checked inside that statement. Any refusal first checks the binding and the key
 * (one round trip, shared with the refusals asked at the same time): an unbound caller gets 404 whatever else is
 * wrong, and a retry of an order placed earlier with the same key gets that order.
 */
export async function placeOrder(
  db: Database, userId: string, body: PlaceOrderBody, key: string, gate: SoldOutGate, published: PublishedItems, placements: OrderPlacements,
): Promise<PlacedOrder> {
  const soldOutItem = gate.soldOut(body.items.map((i) => i.itemId));
  if (soldOutItem) {
    const answer = await answerFromGate(db, userId, body, key, gate, soldOutItem);
    if (answer) return answer;
  }
  try {
    return await placeNewOrder(db, userId, body, key, gate, published, placements);
  } catch (err) {
    if (err instanceof SoldOutWhileQueued) {
      const answer = await answerFromGate(db, userId, body, key, gate, err.itemId);
      if (answer) return answer;
      throw outOfStock(err.itemId, null, 0);
    }
    if (err instanceof KeyTakenConcurrently || err instanceof AppError) {
      const { bound, replay } = await bindingAndReplay(db, userId, body.householdId, key);
      if (!bound) throw notFound('住户');
      if (replay) return replayed(replay, body);
      if (err instanceof KeyTakenConcurrently) throw conflict('CONFLICT', '请求正在处理中，请稍后重试');
    }
    throw err;
  }
}

/**
 * True when the gate's memory alone answers OUT_OF_STOCK for `soldOutItem`: the usual case in a rush, a caller seen
 * bound to the household a moment ago, and no order of theirs with this key holds the item.
 */
function refusableFromMemory(db: Database, userId: string, householdId: string, key: string, gate: SoldOutGate, soldOutItem: string): boolean {
  if (gate.placedWithKey(soldOutItem, userId, key) !== false) return false;
  const bound = recentBindings(db).has(userId, householdId);
  if (bound === 'renew') void bindingAndReplay(db, userId, householdId, key).catch(() => undefined); // remembers or forgets
  return bound !== false;
}

/**
 * The sold-out item to refuse the order for, decided from memory without waiting on anything (the route answers it
 * at once: no promise, no thrown error in the rush's most common answer); null when only `placeOrder` can tell.
 */
export function soldOutRefusal(db: Database, userId: string, body: PlaceOrderBody, key: string, gate: SoldOutGate): string | null {
  const soldOutItem = gate.soldOut(body.items.map((i) => i.itemId));
  return soldOutItem !== null && refusableFromMemory(db, userId, body.householdId, key, gate, soldOutItem) ? soldOutItem : null;
}

/**
 * The answer for an item the gate holds sold out: 404 to an unbound caller, the order already placed with this key,
 * or OUT_OF_STOCK. Null when the gate's mark is younger than the look (or gone): then only a placement can tell.
 */
async function answerFromGate(
  db: Database, userId: string, body: PlaceOrderBody, key: string, gate: SoldOutGate, soldOutItem: string,
): Promise<PlacedOrder | null> {
  if (refusableFromMemory(db, userId, body.householdId, key, gate, soldOutItem)) throw outOfStock(soldOutItem, null, 0);
  const lookedUpAt = gate.now();
  const { bound, replay } = await bindingAndReplay(db, userId, body.householdId, key);
  if (!bound) throw notFound('住户');
  if (replay) return replayed(replay, body);
  // Sold out before that look began: any order placed with this key had committed by then and there was none, so
  // the gate's refusal is the whole answer.
  if (gate.soldOutBefore(soldOutItem, lookedUpAt)) throw outOfStock(soldOutItem, null, 0);
  return null;
}

async function placeNewOrder(
  db: Database, userId: string, body: PlaceOrderBody, key: string, gate: SoldOutGate, published: PublishedItems, placements: OrderPlacements,
): Promise<PlacedOrder> {
  const itemIds = body.items.map((i) => i.itemId);
  // A sold-out item is refused from memory, without touching its row.
  const soldOutItem = gate.soldOut(itemIds);
  if (soldOutItem) throw outOfStock(soldOutItem, null, 0);

  const byId = await published.load(db, itemIds);
  const missing = itemIds.find((id) => {
    const row = byId.get(id);
    return !row || !row.groupBuy.publishedAt;
  });
  if (missing) throw notFound('团购商品');
  // The household's community is checked against the group buy's in the statement (ELSEWHERE below).
  const groupBuy = byId.get(itemIds[0]!)!.groupBuy;
  if (itemIds.some((id) => byId.get(id)!.groupBuy.id !== groupBuy.id)) {
    throw badRequest('VALIDATION_FAILED', '一笔订单只能包含同一个团购的商品', [{ field: 'items', in: 'body', message: 'items of several group buys' }]);
  }
  // A first look at the window for a clear answer; the stock update below checks it again in SQL with the database clock.
  const { state } = groupBuyStateAt({ ...groupBuy, soldOut: false }, new Date());
  if (state === 'upcoming') throw conflict('GROUP_BUY_NOT_OPEN', '团购尚未开始，将于开团时间开放下单', { opensAt: groupBuy.opensAt.toISOString() });
  if (state === 'closed') throw conflict('GROUP_BUY_CLOSED', '团购已结束');
  const lines = body.items
    .map((l) => ({ ...l, item: byId.get(l.itemId)!.item }))
    .sort((a, b) => a.itemId.localeCompare(b.itemId)); // one lock order for every transaction: no deadlocks
  for (const l of lines) {
    if (l.qty > l.item.perHouseholdLimit) {
      throw conflict('LIMIT_EXCEEDED', `「${l.item.name}」每户限购 ${l.item.perHouseholdLimit}${l.item.unit}`, { itemId: l.itemId, limit: l.item.perHouseholdLimit, alreadyOrdered: null });
    }
  }

  const orderId = randomUUID();
  const deliveryCode = String(randomInt(0, 10000)).padStart(4, '0');
  const totalFen = orderTotalFen(lines.map((l) => ({ priceFen: l.item.priceFen, qty: l.qty })));
  const placed = await placements.submit({
    orderId, userId, householdId: body.householdId, communityId: groupBuy.communityId, groupBuyId: groupBuy.id, key, hash: requestHashOf(body),
    totalFen, deliveryCode, note: body.note ?? null,
    itemIds: lines.map((l) => l.itemId), quantities: lines.map((l) => l.qty), names: lines.map((l) => l.item.name),
    units: lines.map((l) => l.item.unit), prices: lines.map((l) => l.item.priceFen),
  });
  if (placed.outcome === 'LIMIT_EXCEEDED' || placed.outcome === 'NOT_TAKEN') {
    // An order of the same batch took the last one: the gate already knows, no need to look at the row again.
    const goneMeanwhile = placed.outcome === 'NOT_TAKEN' ? gate.soldOut(itemIds) : null;
    if (goneMeanwhile) throw outOfStock(goneMeanwhile, null, 0);
    const error = placed.outcome === 'LIMIT_EXCEEDED' ? await whichLimit(db, lines, body.householdId) : await whyNotTaken(db, lines);
    if (error.code === 'OUT_OF_STOCK' && (error.details as { remaining?: number }).remaining === 0) {
      gate.markSoldOut((error.details as { itemId: string }).itemId);
    } else if (error.code === 'LIMIT_EXCEEDED') {
      // Refused before the stock was looked at: still note an item that is gone, so the gate keeps refusing it.
      const gone = await db.select({ id: groupBuyItems.id }).from(groupBuyItems).where(and(inArray(groupBuyItems.id, itemIds), eq(groupBuyItems.remaining, 0)));
      for (const { id } of gone) gate.markSoldOut(id);
    }
    throw error;
  }
  if (placed.outcome === 'NOT_BOUND') throw notFound('住户');
  if (placed.outcome === 'ELSEWHERE') throw notFound('团购商品');
  if (placed.outcome === 'KEY_TAKEN') throw new KeyTakenConcurrently();
  recentBindings(db).remember(userId, body.householdId);
  const soldOutNow = (placed.taken ?? []).filter((t) => t.remaining === 0).map((t) => t.id);
  for (const id of soldOutNow) gate.markSoldOut(id);
  return {
    orderId,
    replayed: false,
    placed: {
      id: orderId,
      groupBuyId: groupBuy.id,
      groupBuyTitle: groupBuy.title,
      householdId: body.householdId,
      buildingId: placed.building_id!,
      buildingName: placed.building_name!,
      unit: placed.unit!,
      room: placed.room!,
      status: 'placed',
      items: [...lines].sort((a, b) => a.item.name.localeCompare(b.item.name)).map((l) => ({
        itemId: l.itemId, name: l.item.name, unit: l.item.unit, priceFen: l.item.priceFen, qty: l.qty, subtotalFen: l.item.priceFen * l.qty,
      })),
      totalFen,
      deliveryCode,
      note: body.note ?? null,
      createdAt: new Date(Number(placed.created_ms)).toISOString(),
      packedAt: null,
      cancelledAt: null,
      deliveredAt: null,
      deliveryDate: groupBuy.deliveryDate,
    },
  };
}

/** The first line whose household quantity would pass its limit, as the error body. */
async function whichLimit(db: DbOrTx, lines: { itemId: string; qty: number; item: { name: string; unit: string; perHouseholdLimit: number } }[], householdId: string) {
  const held = await db
    .select({ itemId: groupBuyItemHouseholdQuantities.itemId, quantity: groupBuyItemHouseholdQuantities.quantity })
    .from(groupBuyItemHouseholdQuantities)
    .where(and(inArray(groupBuyItemHouseholdQuantities.itemId, lines.map((l) => l.itemId)), eq(groupBuyItemHouseholdQuantities.householdId, householdId)));
  const heldOf = new Map(held.map((h) => [h.itemId, h.quantity]));
  const over = lines.find((l) => (heldOf.get(l.itemId) ?? 0) + l.qty > l.item.perHouseholdLimit) ?? lines[0]!;
  const already = heldOf.get(over.itemId) ?? 0;
  return conflict('LIMIT_EXCEEDED', `「${over.item.name}」每户限购 ${over.item.perHouseholdLimit}${over.item.unit}，您家已订 ${already}${over.item.unit}`, {
    itemId: over.itemId, limit: over.item.perHouseholdLimit, alreadyOrdered: already,
  });
}

/** Why the stock of some line was not taken, read after the statement refused (for the error body). */
async function whyNotTaken(db: DbOrTx, lines: { itemId: string; qty: number; item: { priceFen: number } }[]): Promise<AppError> {
  const rows = await selectRows<{ id: string; name: string; remaining: number; price_fen: number; published: boolean; closed: boolean; not_yet: boolean; ended: boolean }>(db, sql`
    SELECT i.id, i.name, i.remaining, i.price_fen, g.published_at IS NOT NULL AS published, g.closed_at IS NOT NULL AS closed,
           g.opens_at > now() AS not_yet, g.closes_at <= now() AS ended
    FROM ${groupBuyItems} i JOIN ${groupBuys} g ON g.id = i.group_buy_id WHERE i.id IN ${lines.map((l) => l.itemId)}`);
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const l of lines) {
    const row = byId.get(l.itemId);
    if (!row || !row.published) return notFound('团购商品');
    if (row.closed || row.ended) return conflict('GROUP_BUY_CLOSED', '团购已结束');
    if (row.not_yet) return conflict('GROUP_BUY_NOT_OPEN', '团购尚未开始');
    if (row.remaining < l.qty) return outOfStock(l.itemId, row.name, row.remaining);
    if (row.price_fen !== l.item.priceFen) return conflict('PRICE_CHANGED', `「${row.name}」价格已调整，请刷新后重新下单`, { itemId: l.itemId });
  }
  // Stock came back (a cancel) between the refusal and this look: nothing was written, a retry may succeed.
  const first = byId.get(lines[0]!.itemId)!;
  return outOfStock(lines[0]!.itemId, first.name, first.remaining);
}

/** Cancel: the conditional status update decides which of two concurrent cancels restocks; the other gets 409. */
export async function cancelOrder(db: Database, actor: Actor, orderId: string, gate: SoldOutGate) {
  const scope = await scopeOfOrder(db, orderId);
  const ownHousehold = scope && actor.households.some((h) => h.householdId === scope.householdId);
  const asStaff = scope && can(actor, 'household.serve', scope);
  if (!scope || (!ownHousehold && !asStaff)) throw notFound('订单');
  const allowedFrom: OrderStatus[] = (['placed', 'packed'] as const).filter((s) => orderCancellableBy(s, asStaff ? 'staff' : 'household'));
  const restocked = await db.transaction(async (tx) => {
    const [cancelled] = await tx
      .update(orders)
      .set({ status: 'cancelled', cancelledAt: sql`now()`, cancelledBy: actor.userId })
      .where(and(eq(orders.id, orderId), inArray(orders.status, allowedFrom)))
      .returning({ householdId: orders.householdId });
    if (!cancelled) {
      const [current] = await tx.select({ status: orders.status }).from(orders).where(eq(orders.id, orderId));
      const from = current?.status ?? scope.status;
      throw conflict('INVALID_TRANSITION', from === 'cancelled' ? '订单已取消' : from === 'packed' ? '订单已分拣，请联系网格员取消' : '订单当前状态不能取消', { from, to: 'cancelled' });
    }
    const lines = await tx.select().from(orderItems).where(eq(orderItems.orderId, orderId)).orderBy(orderItems.itemId);
    for (const l of lines) {
      await tx.update(groupBuyItems).set({ remaining: sql`${groupBuyItems.remaining} + ${l.quantity}` }).where(eq(groupBuyItems.id, l.itemId));
      await tx
        .update(groupBuyItemHouseholdQuantities)
        .set({ quantity: sql`${groupBuyItemHouseholdQuantities.quantity} - ${l.quantity}` })
        .where(and(eq(groupBuyItemHouseholdQuantities.itemId, l.itemId), eq(groupBuyItemHouseholdQuantities.householdId, cancelled.householdId)));
    }
    return lines.map((l) => l.itemId);
  });
  gate.restocked(restocked);
}

export async function packOrder(db: Database, actor: Actor, orderId: string) {
  const scope = await scopeOfOrder(db, orderId);
  if (!scope || !can(actor, 'household.serve', scope)) throw notFound('订单');
  const [packed] = await db
    .update(orders)
    .set({ status: 'packed', packedAt: sql`now()` })
    .where(and(eq(orders.id, orderId), eq(orders.status, 'placed')))
    .returning({ id: orders.id });
  if (!packed) {
    const [current] = await db.select({ status: orders.status }).from(orders).where(eq(orders.id, orderId));
    throw conflict('INVALID_TRANSITION', '只有已下单的订单可以分拣', { from: current?.status, to: 'packed' });
  }
}

export async function packAllOfBuilding(db: Database, buildingId: string, groupBuyId: string | undefined) {
  const rows = await db
    .update(orders)
    .set({ status: 'packed', packedAt: sql`now()` })
    .where(and(eq(orders.buildingId, buildingId), eq(orders.status, 'placed'), groupBuyId ? eq(orders.groupBuyId, groupBuyId) : undefined))
    .returning({ id: orders.id });
  return rows.map((r) => r.id);
}
