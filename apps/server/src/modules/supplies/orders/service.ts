// Placing and cancelling orders. Stock, per-household limits and idempotency are decided in SQL inside one
// transaction (conditional updates, a conditional upsert, a unique key), never by reading and then writing.
import { createHash, randomInt, randomUUID } from 'node:crypto';
import { groupBuyStateAt, orderCancellableBy, orderTotalFen, type Order, type OrderStatus, type PlaceOrderBody } from '@linli/shared';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Actor } from '../../../authorization/policy';
import { can } from '../../../authorization/policy';
import { selectRows, type Database, type Transaction } from '../../../db/client';
import { buildings, groupBuyItemHouseholdQuantities, groupBuyItems, groupBuys, households, orderItems, orders } from '../../../db/schema';
import { AppError, badRequest, conflict, notFound } from '../../../errors';
import type { SoldOutGate } from '../sold-out-gate';
import type { PublishedItems } from './published-items';
import { scopeOfOrder } from './queries';

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


async function replayOf(db: Database, actor: Actor, key: string, hash: string): Promise<PlacedOrder | null> {
  const [existing] = await db
    .select({ id: orders.id, requestHash: orders.requestHash })
    .from(orders)
    .where(and(eq(orders.placedBy, actor.userId), eq(orders.idempotencyKey, key)));
  if (!existing) return null;
  if (existing.requestHash !== hash) {
    throw new AppError(422, 'IDEMPOTENCY_KEY_REUSED', '该 Idempotency-Key 已用于另一笔不同的订单，请为新订单生成新的 Key');
  }
  return { orderId: existing.id, replayed: true };
}

class KeyTakenConcurrently extends Error {}

/** The order as placed, built from what the transaction returned (no read-back). */
export interface PlacedOrder {
  orderId: string;
  replayed: boolean;
  placed?: Order;
}

export async function placeOrder(
  db: Database, actor: Actor, body: PlaceOrderBody, key: string, gate: SoldOutGate, published: PublishedItems,
): Promise<PlacedOrder> {
  const household = actor.households.find((h) => h.householdId === body.householdId);
  if (!household || !can(actor, 'household.act', household)) throw notFound('住户');
  const hash = requestHashOf(body);
  try {
    return await placeNewOrder(db, actor, body, key, hash, household, gate, published);
  } catch (err) {
    // Any refusal may be a retry of an order that went through earlier (same key): then that order is the answer.
    if (err instanceof KeyTakenConcurrently || err instanceof AppError) {
      const replay = await replayOf(db, actor, key, hash);
      if (replay) return replay;
      if (err instanceof KeyTakenConcurrently) throw conflict('CONFLICT', '请求正在处理中，请稍后重试');
    }
    throw err;
  }
}

async function placeNewOrder(
  db: Database, actor: Actor, body: PlaceOrderBody, key: string, hash: string, household: Actor['households'][number], gate: SoldOutGate, published: PublishedItems,
): Promise<PlacedOrder> {
  const itemIds = body.items.map((i) => i.itemId);
  // A sold-out item is refused from memory, without touching its row.
  const soldOutItem = gate.soldOut(itemIds);
  if (soldOutItem) throw outOfStock(soldOutItem, null, 0);

  const byId = await published.load(db, itemIds);
  const missing = itemIds.find((id) => {
    const row = byId.get(id);
    return !row || row.groupBuy.communityId !== household.communityId || !row.groupBuy.publishedAt;
  });
  if (missing) throw notFound('团购商品');
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
  const soldOutNow: string[] = [];
  const placed = await db.transaction(async (tx) => {
    // One statement claims the idempotency key (a concurrent retry with the same key waits here, then finds it taken),
    // writes the lines, and grows the household's running quantities only while they stay within each limit.
    const lineValues = sql.join(lines.map((l) => sql`(${l.itemId}::uuid, ${l.qty}::int, ${l.item.name}, ${l.item.unit}, ${l.item.priceFen}::int)`), sql`, `);
    const [written] = await selectRows<{ created_ms: number | null; counted: number; unit: string; room: string; building_name: string }>(tx, sql`
      WITH line (item_id, quantity, name, unit, price_fen) AS (VALUES ${lineValues}),
      new_order AS (
        INSERT INTO ${orders} (id, community_id, group_buy_id, household_id, building_id, placed_by, idempotency_key, request_hash, total_fen, delivery_code, note)
        VALUES (${orderId}, ${household.communityId}, ${groupBuy.id}, ${household.householdId}, ${household.buildingId}, ${actor.userId}, ${key}, ${hash}, ${totalFen}, ${deliveryCode}, ${body.note ?? null})
        ON CONFLICT (placed_by, idempotency_key) DO NOTHING
        RETURNING id, created_at),
      new_lines AS (
        INSERT INTO ${orderItems} (order_id, item_id, name, unit, price_fen, quantity)
        SELECT o.id, l.item_id, l.name, l.unit, l.price_fen, l.quantity FROM new_order o, line l),
      counted AS (
        INSERT INTO ${groupBuyItemHouseholdQuantities} AS q (item_id, household_id, quantity)
        SELECT l.item_id, ${household.householdId}::uuid, l.quantity FROM line l WHERE EXISTS (SELECT 1 FROM new_order)
        ORDER BY l.item_id
        ON CONFLICT (item_id, household_id) DO UPDATE SET quantity = q.quantity + EXCLUDED.quantity
        WHERE q.quantity + EXCLUDED.quantity <= (SELECT i.per_household_limit FROM ${groupBuyItems} i WHERE i.id = EXCLUDED.item_id)
        RETURNING q.item_id)
      SELECT (SELECT (extract(epoch FROM created_at) * 1000)::float8 FROM new_order) AS created_ms, (SELECT count(*)::int FROM counted) AS counted,
             h.unit, h.room, b.name AS building_name
      FROM ${households} h JOIN ${buildings} b ON b.id = h.building_id WHERE h.id = ${household.householdId}`);
    if (written?.created_ms == null) throw new KeyTakenConcurrently();
    if (Number(written.counted) < lines.length) throw await whichLimit(tx, lines, household.householdId);

    // Stock last, so the hot row is locked only until commit. The window and the price are re-checked in SQL.
    for (const l of lines) {
      const [taken] = await selectRows<{ remaining: number }>(tx, sql`
        UPDATE ${groupBuyItems} AS i SET remaining = i.remaining - ${l.qty}
        FROM ${groupBuys} AS g
        WHERE i.id = ${l.itemId} AND g.id = i.group_buy_id AND i.remaining >= ${l.qty} AND i.price_fen = ${l.item.priceFen}
          AND g.published_at IS NOT NULL AND g.closed_at IS NULL AND g.opens_at <= now() AND g.closes_at > now()
        RETURNING i.remaining`);
      if (!taken) throw await whyNotTaken(tx, l.itemId, l.qty);
      if (taken.remaining === 0) soldOutNow.push(l.itemId);
    }
    return written;
  }).catch(async (err: unknown) => {
    if (err instanceof AppError && err.code === 'OUT_OF_STOCK' && (err.details as { remaining?: number }).remaining === 0) {
      gate.markSoldOut((err.details as { itemId: string }).itemId);
    } else if (err instanceof AppError && err.code === 'LIMIT_EXCEEDED') {
      // Refused before the stock was looked at: still note an item that is gone, so the gate keeps refusing it.
      const gone = await db.select({ id: groupBuyItems.id }).from(groupBuyItems).where(and(inArray(groupBuyItems.id, itemIds), eq(groupBuyItems.remaining, 0)));
      for (const { id } of gone) gate.markSoldOut(id);
    }
    throw err;
  });
  for (const id of soldOutNow) gate.markSoldOut(id);
  return {
    orderId,
    replayed: false,
    placed: {
      id: orderId,
      groupBuyId: groupBuy.id,
      groupBuyTitle: groupBuy.title,
      householdId: household.householdId,
      buildingId: household.buildingId,
      buildingName: placed.building_name,
      unit: placed.unit,
      room: placed.room,
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
async function whichLimit(tx: Transaction, lines: { itemId: string; qty: number; item: { name: string; unit: string; perHouseholdLimit: number } }[], householdId: string) {
  const held = await tx
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

/** The reason a conditional stock update matched no row, read after the fact for the error body. */
async function whyNotTaken(tx: Transaction, itemId: string, qty: number): Promise<AppError> {
  const [row] = await selectRows<{ name: string; remaining: number; published: boolean; closed: boolean; not_yet: boolean; ended: boolean }>(tx, sql`
    SELECT i.name, i.remaining, g.published_at IS NOT NULL AS published, g.closed_at IS NOT NULL AS closed,
           g.opens_at > now() AS not_yet, g.closes_at <= now() AS ended
    FROM ${groupBuyItems} i JOIN ${groupBuys} g ON g.id = i.group_buy_id WHERE i.id = ${itemId}`);
  if (!row || !row.published) return notFound('团购商品');
  if (row.closed || row.ended) return conflict('GROUP_BUY_CLOSED', '团购已结束');
  if (row.not_yet) return conflict('GROUP_BUY_NOT_OPEN', '团购尚未开始');
  if (row.remaining < qty) return outOfStock(itemId, row.name, row.remaining);
  return conflict('PRICE_CHANGED', `「${row.name}」价格已调整，请刷新后重新下单`, { itemId });
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
