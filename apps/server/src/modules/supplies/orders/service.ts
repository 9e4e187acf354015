// Placing and cancelling orders. Stock, per-household limits and idempotency are decided in SQL by one statement
// (conditional updates, a conditional upsert, a unique key), never by reading and then writing.
import { createHash, randomInt, randomUUID } from 'node:crypto';
import { groupBuyStateAt, orderCancellableBy, orderTotalFen, type Order, type OrderStatus, type PlaceOrderBody } from '@linli/shared';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Actor } from '../../../authorization/policy';
import { can } from '../../../authorization/policy';
import { preparedStatement, selectRows, type Database, type DbOrTx } from '../../../db/client';
import { buildings, groupBuyItemHouseholdQuantities, groupBuyItems, groupBuys, householdBindings, households, orderItems, orders } from '../../../db/schema';
import { AppError, badRequest, conflict, notFound } from '../../../errors';
import type { SoldOutGate } from '../sold-out-gate';
import type { PublishedItems } from './published-items';
import { bindingAndReplay, scopeOfOrder, type OrderReplay } from './queries';

export const outOfStock = (itemId: string, name: string | null, remaining: number) =>
  conflict('OUT_OF_STOCK', name ? `「${name}」库存不足，仅剩 ${remaining}` : '该商品已售罄', { itemId, name, remaining });

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

interface PlacementRow {
  outcome: 'PLACED' | 'KEY_TAKEN' | 'NOT_BOUND' | 'ELSEWHERE';
  created_ms: number | null;
  taken: { id: string; remaining: number }[] | null;
  building_id: string | null;
  unit: string | null;
  room: string | null;
  building_name: string | null;
}

// A refused placement aborts its own statement by casting its outcome to int: PostgreSQL then reports
// `invalid input syntax for type integer: "OUT_OF_STOCK"`, and everything the statement wrote is undone.
const refusals = ['LIMIT_EXCEEDED', 'NOT_TAKEN'] as const;
type Refusal = (typeof refusals)[number];

function refusalOf(err: unknown): Refusal | null {
  for (let e: any = err, depth = 0; e && depth < 4; e = e.cause, depth++) {
    if (e.code !== '22P02' || typeof e.message !== 'string') continue;
    const refusal = refusals.find((r) => e.message.endsWith(`"${r}"`));
    if (refusal) return refusal;
  }
  return null;
}

const value = (name: string) => sql.placeholder(name);

/**
 * Places an order in one statement, so it costs one round trip and the hot stock row stays locked only until that
 * statement commits (never across a round trip to this process). In order: find the household, only if the caller is
 * bound to it as approved (read in the statement's snapshot: no separate Actor load, and a revocation bites at once)
 * and it is in the group buy's community (otherwise nothing is written); claim the idempotency key (a concurrent
 * retry with the same key waits here, then finds it taken and changes nothing), grow the household's running
 * quantities only while they stay within each limit, write the lines, lock the items' rows in one order (item id, so
 * two multi-item orders never deadlock), take the stock only while enough remains at the price and in the window
 * (checked with the database clock). A limit or stock miss aborts the whole statement. One text for any number of
 * lines: a prepared statement.
 */
const placeStatement = preparedStatement<PlacementRow & { abort: null }>('place_order', () => sql`
    WITH member AS (
      SELECT h.id, h.unit, h.room, b.id AS building_id, b.name AS building_name, b.community_id
      FROM ${households} h JOIN ${buildings} b ON b.id = h.building_id
      WHERE h.id = ${value('householdId')}::uuid
        AND EXISTS (SELECT 1 FROM ${householdBindings} hb WHERE hb.user_id = ${value('userId')}::uuid AND hb.household_id = h.id AND hb.status = 'approved')),
    line AS (
      SELECT * FROM unnest(${value('itemIds')}::uuid[], ${value('quantities')}::int[], ${value('names')}::text[],
                           ${value('units')}::text[], ${value('prices')}::int[]) AS l(item_id, quantity, name, unit, price_fen)),
    new_order AS (
      INSERT INTO ${orders} (id, community_id, group_buy_id, household_id, building_id, placed_by, idempotency_key, request_hash, total_fen, delivery_code, note)
      SELECT ${value('orderId')}::uuid, m.community_id, ${value('groupBuyId')}::uuid, m.id, m.building_id,
             ${value('userId')}::uuid, ${value('key')}::text, ${value('hash')}::text, ${value('totalFen')}::int, ${value('deliveryCode')}::text, ${value('note')}::text
      FROM member m WHERE m.community_id = ${value('communityId')}::uuid
      ON CONFLICT (placed_by, idempotency_key) DO NOTHING
      RETURNING id, created_at),
    counted AS (
      INSERT INTO ${groupBuyItemHouseholdQuantities} AS q (item_id, household_id, quantity)
      SELECT l.item_id, ${value('householdId')}::uuid, l.quantity FROM line l WHERE EXISTS (SELECT 1 FROM new_order)
      ORDER BY l.item_id
      ON CONFLICT (item_id, household_id) DO UPDATE SET quantity = q.quantity + EXCLUDED.quantity
      WHERE q.quantity + EXCLUDED.quantity <= (SELECT i.per_household_limit FROM ${groupBuyItems} i WHERE i.id = EXCLUDED.item_id)
      RETURNING q.item_id),
    -- The lines are written before the hot stock rows are locked, so those stay locked for as little as possible.
    new_lines AS (
      INSERT INTO ${orderItems} (order_id, item_id, name, unit, price_fen, quantity)
      SELECT o.id, l.item_id, l.name, l.unit, l.price_fen, l.quantity FROM new_order o, line l
      RETURNING item_id),
    locked AS (
      SELECT i.id FROM ${groupBuyItems} i
      WHERE i.id IN (SELECT item_id FROM line) AND (SELECT count(*) FROM counted) = ${value('lineCount')}::int
        AND (SELECT count(*) FROM new_lines) = ${value('lineCount')}::int
      ORDER BY i.id FOR UPDATE),
    taken AS (
      UPDATE ${groupBuyItems} AS i SET remaining = i.remaining - l.quantity
      FROM line l, ${groupBuys} g
      WHERE i.id = l.item_id AND g.id = i.group_buy_id AND i.remaining >= l.quantity AND i.price_fen = l.price_fen
        AND g.published_at IS NOT NULL AND g.closed_at IS NULL AND g.opens_at <= now() AND g.closes_at > now()
        AND i.id IN (SELECT id FROM locked)
      RETURNING i.id, i.remaining),
    verdict AS MATERIALIZED (
      SELECT CASE
        WHEN NOT EXISTS (SELECT 1 FROM member) THEN 'NOT_BOUND'
        WHEN NOT EXISTS (SELECT 1 FROM member WHERE community_id = ${value('communityId')}::uuid) THEN 'ELSEWHERE'
        WHEN NOT EXISTS (SELECT 1 FROM new_order) THEN 'KEY_TAKEN'
        WHEN (SELECT count(*) FROM counted) < ${value('lineCount')}::int THEN 'LIMIT_EXCEEDED'
        WHEN (SELECT count(*) FROM taken) < ${value('lineCount')}::int THEN 'NOT_TAKEN'
        ELSE 'PLACED' END AS outcome)
    SELECT v.outcome,
           CASE WHEN v.outcome IN ('LIMIT_EXCEEDED', 'NOT_TAKEN') THEN v.outcome::int END AS abort,
           (SELECT (extract(epoch FROM created_at) * 1000)::float8 FROM new_order) AS created_ms,
           (SELECT json_agg(json_build_object('id', t.id, 'remaining', t.remaining)) FROM taken t) AS taken,
           m.building_id, m.unit, m.room, m.building_name
    FROM verdict v LEFT JOIN member m ON true`);

async function placeInOneStatement(db: Database, o: {
  orderId: string; userId: string; body: PlaceOrderBody; key: string; hash: string;
  communityId: string; groupBuyId: string; lines: PlacementLine[]; totalFen: number; deliveryCode: string;
}): Promise<PlacementRow> {
  const [row] = await placeStatement(db, {
    itemIds: o.lines.map((l) => l.itemId),
    quantities: o.lines.map((l) => l.qty),
    names: o.lines.map((l) => l.item.name),
    units: o.lines.map((l) => l.item.unit),
    prices: o.lines.map((l) => l.item.priceFen),
    lineCount: o.lines.length,
    orderId: o.orderId,
    communityId: o.communityId,
    groupBuyId: o.groupBuyId,
    householdId: o.body.householdId,
    userId: o.userId,
    key: o.key,
    hash: o.hash,
    totalFen: o.totalFen,
    deliveryCode: o.deliveryCode,
    note: o.body.note ?? null,
  });
  return row!;
}

/** The order as placed, built from what the statement returned (no read-back). */
export interface PlacedOrder {
  orderId: string;
  replayed: boolean;
  placed?: Order;
}

/**
 * Places an order for `body.householdId` on behalf of `userId` (from the access token). An order that goes through costs
 * one round trip; the binding is checked inside that statement. Any refusal first checks the binding and the key
 * (one round trip): an unbound caller gets 404 whatever else is wrong, and a retry of an order placed earlier with
 * the same key gets that order.
 */
export async function placeOrder(
  db: Database, userId: string, body: PlaceOrderBody, key: string, gate: SoldOutGate, published: PublishedItems,
): Promise<PlacedOrder> {
  const soldOutItem = gate.soldOut(body.items.map((i) => i.itemId));
  if (soldOutItem) {
    const lookedUpAt = gate.now();
    const { bound, replay } = await bindingAndReplay(db, userId, body.householdId, key);
    if (!bound) throw notFound('住户');
    if (replay) return replayed(replay, body);
    // Sold out before that look began: any order placed with this key had committed by then and there was none, so
    // the gate's refusal is the whole answer.
    if (gate.soldOutBefore(soldOutItem, lookedUpAt)) throw outOfStock(soldOutItem, null, 0);
  }
  try {
    return await placeNewOrder(db, userId, body, key, gate, published);
  } catch (err) {
    if (err instanceof KeyTakenConcurrently || err instanceof AppError) {
      const { bound, replay } = await bindingAndReplay(db, userId, body.householdId, key);
      if (!bound) throw notFound('住户');
      if (replay) return replayed(replay, body);
      if (err instanceof KeyTakenConcurrently) throw conflict('CONFLICT', '请求正在处理中，请稍后重试');
    }
    throw err;
  }
}

async function placeNewOrder(
  db: Database, userId: string, body: PlaceOrderBody, key: string, gate: SoldOutGate, published: PublishedItems,
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
  let placed: PlacementRow;
  try {
    placed = await placeInOneStatement(db, { orderId, userId, body, key, hash: requestHashOf(body), communityId: groupBuy.communityId, groupBuyId: groupBuy.id, lines, totalFen, deliveryCode });
  } catch (err) {
    const refusal = refusalOf(err);
    if (!refusal) throw err;
    const error = refusal === 'LIMIT_EXCEEDED' ? await whichLimit(db, lines, body.householdId) : await whyNotTaken(db, lines);
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
