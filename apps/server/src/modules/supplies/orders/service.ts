// Placing and cancelling orders. Stock, per-household limits and idempotency are decided in SQL inside one
// transaction (conditional updates, a conditional upsert, a unique key), never by reading and then writing.
import { createHash, randomInt, randomUUID } from 'node:crypto';
import { groupBuyStateAt, orderCancellableBy, orderTotalFen, type OrderStatus, type PlaceOrderBody } from '@linli/shared';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Actor } from '../../../authorization/policy';
import { can } from '../../../authorization/policy';
import { selectRows, type Database } from '../../../db/client';
import { groupBuyItemHouseholdQuantities, groupBuyItems, groupBuys, orderItems, orders } from '../../../db/schema';
import { AppError, badRequest, conflict, notFound } from '../../../errors';
import type { SoldOutGate } from '../sold-out-gate';
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

/** A new order, or (same key, same request) the one the first attempt created. */
export type PlaceOrderOutcome = { orderId: string; replayed: boolean };

async function replayOf(db: Database, actor: Actor, key: string, hash: string): Promise<PlaceOrderOutcome | null> {
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

export async function placeOrder(db: Database, actor: Actor, body: PlaceOrderBody, key: string, gate: SoldOutGate): Promise<PlaceOrderOutcome> {
  const household = actor.households.find((h) => h.householdId === body.householdId);
  if (!household || !can(actor, 'household.act', household)) throw notFound('住户');

  const hash = requestHashOf(body);
  const itemIds = body.items.map((i) => i.itemId);
  // A sold-out item is refused from memory before any database work; a replay of an order placed earlier still wins.
  const soldOutItem = gate.soldOut(itemIds);
  if (soldOutItem) {
    const replay = await replayOf(db, actor, key, hash);
    if (replay) return replay;
    throw outOfStock(soldOutItem, null, 0);
  }
  const replay = await replayOf(db, actor, key, hash);
  if (replay) return replay;

  const items = await db
    .select({ item: groupBuyItems, groupBuy: groupBuys })
    .from(groupBuyItems)
    .innerJoin(groupBuys, eq(groupBuys.id, groupBuyItems.groupBuyId))
    .where(inArray(groupBuyItems.id, itemIds));
  const byId = new Map(items.map((r) => [r.item.id, r]));
  const missing = itemIds.find((id) => {
    const row = byId.get(id);
    return !row || row.groupBuy.communityId !== household.communityId || !row.groupBuy.publishedAt;
  });
  if (missing) throw notFound('团购商品');
  const groupBuy = items[0]!.groupBuy;
  if (items.some((r) => r.groupBuy.id !== groupBuy.id)) {
    throw badRequest('VALIDATION_FAILED', '一笔订单只能包含同一个团购的商品', [{ field: 'items', in: 'body', message: 'items of several group buys' }]);
  }
  // A first look at the window for a clear answer; the stock update below checks it again in SQL with the database clock.
  const { state } = groupBuyStateAt({ ...groupBuy, soldOut: false }, new Date());
  if (state === 'upcoming') throw conflict('GROUP_BUY_NOT_OPEN', `团购尚未开始，将于开团时间开放下单`, { opensAt: groupBuy.opensAt.toISOString() });
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
  const soldOutNow: string[] = [];
  try {
    await db.transaction(async (tx) => {
      // Claiming the idempotency key first: a concurrent retry with the same key waits here, then finds it taken.
      const [claimed] = await tx
        .insert(orders)
        .values({
          id: orderId,
          communityId: household.communityId,
          groupBuyId: groupBuy.id,
          householdId: household.householdId,
          buildingId: household.buildingId,
          placedBy: actor.userId,
          idempotencyKey: key,
          requestHash: hash,
          totalFen: orderTotalFen(lines.map((l) => ({ priceFen: l.item.priceFen, qty: l.qty }))),
          deliveryCode: String(randomInt(0, 10000)).padStart(4, '0'),
          note: body.note ?? null,
        })
        .onConflictDoNothing({ target: [orders.placedBy, orders.idempotencyKey] })
        .returning({ id: orders.id });
      if (!claimed) throw new KeyTakenConcurrently();
      await tx.insert(orderItems).values(lines.map((l) => ({ orderId, itemId: l.itemId, name: l.item.name, unit: l.item.unit, priceFen: l.item.priceFen, quantity: l.qty })));

      // Per-household limit: the household's running quantity grows only while it stays within the limit.
      for (const l of lines) {
        const [counted] = await selectRows<{ quantity: number }>(tx, sql`
          INSERT INTO ${groupBuyItemHouseholdQuantities} AS q (item_id, household_id, quantity)
          VALUES (${l.itemId}, ${household.householdId}, ${l.qty})
          ON CONFLICT (item_id, household_id) DO UPDATE SET quantity = q.quantity + EXCLUDED.quantity
          WHERE q.quantity + EXCLUDED.quantity <= ${l.item.perHouseholdLimit}
          RETURNING q.quantity`);
        if (!counted) {
          const [held] = await tx
            .select({ quantity: groupBuyItemHouseholdQuantities.quantity })
            .from(groupBuyItemHouseholdQuantities)
            .where(and(eq(groupBuyItemHouseholdQuantities.itemId, l.itemId), eq(groupBuyItemHouseholdQuantities.householdId, household.householdId)));
          const already = held?.quantity ?? 0;
          throw conflict('LIMIT_EXCEEDED', `「${l.item.name}」每户限购 ${l.item.perHouseholdLimit}${l.item.unit}，您家已订 ${already}${l.item.unit}`, {
            itemId: l.itemId, limit: l.item.perHouseholdLimit, alreadyOrdered: already,
          });
        }
      }

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
    });
  } catch (err) {
    if (err instanceof KeyTakenConcurrently) {
      const replayed = await replayOf(db, actor, key, hash);
      if (replayed) return replayed;
      throw conflict('CONFLICT', '请求正在处理中，请稍后重试');
    }
    if (err instanceof AppError && err.code === 'OUT_OF_STOCK' && (err.details as { remaining?: number }).remaining === 0) {
      gate.markSoldOut((err.details as { itemId: string }).itemId);
    }
    throw err;
  }
  for (const id of soldOutNow) gate.markSoldOut(id);
  return { orderId, replayed: false };
}

/** The reason a conditional stock update matched no row, read after the fact for the error body. */
async function whyNotTaken(tx: Parameters<Parameters<Database['transaction']>[0]>[0], itemId: string, qty: number): Promise<AppError> {
  const [row] = await selectRows<{ name: string; remaining: number; price_changed: boolean; published: boolean; closed: boolean; not_yet: boolean; ended: boolean }>(tx, sql`
    SELECT i.name, i.remaining, g.published_at IS NOT NULL AS published, g.closed_at IS NOT NULL AS closed,
           g.opens_at > now() AS not_yet, g.closes_at <= now() AS ended, false AS price_changed
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
