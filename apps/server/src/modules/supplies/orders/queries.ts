import type { Order, OrderStatus } from '@linli/shared';
import { and, asc, desc, eq, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../../../authorization/policy';
import { preparedStatement, selectRows, type Database, type DbOrTx } from '../../../db/client';
import { StatementBatcher } from '../../../db/statement-batcher';
import { buildings, groupBuyItems, groupBuys, householdBindings, households, orderItems, orders } from '../../../db/schema';
import type { CursorPosition } from '../../../pagination';

export interface OrderFilter {
  /** Orders of these households, or of these buildings (staff); either list restricts. */
  householdIds?: string[];
  buildingIds?: string[];
  groupBuyId?: string;
  status?: OrderStatus;
  id?: string;
  after?: CursorPosition | null;
}

/** Orders with their lines; the delivery code only for orders of a household the actor is bound to. */
export async function listOrders(db: DbOrTx, actor: Actor, filter: OrderFilter, limit: number): Promise<Order[]> {
  const conditions: SQL[] = [];
  if (filter.householdIds) conditions.push(inArray(orders.householdId, filter.householdIds));
  if (filter.buildingIds) conditions.push(inArray(orders.buildingId, filter.buildingIds));
  if (filter.groupBuyId) conditions.push(eq(orders.groupBuyId, filter.groupBuyId));
  if (filter.status) conditions.push(eq(orders.status, filter.status));
  if (filter.id) conditions.push(eq(orders.id, filter.id));
  if (filter.after) {
    const at = new Date(filter.after.at);
    conditions.push(or(lt(orders.createdAt, at), and(eq(orders.createdAt, at), lt(orders.id, filter.after.id)))!);
  }
  const rows = await db
    .select({
      order: orders,
      groupBuyTitle: groupBuys.title,
      deliveryDate: groupBuys.deliveryDate,
      buildingName: buildings.name,
      unit: households.unit,
      room: households.room,
    })
    .from(orders)
    .innerJoin(groupBuys, eq(groupBuys.id, orders.groupBuyId))
    .innerJoin(households, eq(households.id, orders.householdId))
    .innerJoin(buildings, eq(buildings.id, orders.buildingId))
    .where(and(...conditions))
    .orderBy(desc(orders.createdAt), desc(orders.id))
    .limit(limit);
  if (rows.length === 0) return [];
  const lines = await db
    .select()
    .from(orderItems)
    .where(inArray(orderItems.orderId, rows.map((r) => r.order.id)))
    .orderBy(asc(orderItems.name));
  const linesOf = new Map<string, Order['items']>();
  for (const l of lines) {
    const list = linesOf.get(l.orderId) ?? [];
    list.push({ itemId: l.itemId, name: l.name, unit: l.unit, priceFen: l.priceFen, qty: l.quantity, subtotalFen: l.priceFen * l.quantity });
    linesOf.set(l.orderId, list);
  }
  const own = new Set(actor.households.map((h) => h.householdId));
  return rows.map(({ order: o, ...r }) => ({
    id: o.id,
    groupBuyId: o.groupBuyId,
    groupBuyTitle: r.groupBuyTitle,
    householdId: o.householdId,
    buildingId: o.buildingId,
    buildingName: r.buildingName,
    unit: r.unit,
    room: r.room,
    status: o.status,
    items: linesOf.get(o.id) ?? [],
    totalFen: o.totalFen,
    deliveryCode: own.has(o.householdId) ? o.deliveryCode : null,
    note: o.note,
    createdAt: o.createdAt.toISOString(),
    packedAt: o.packedAt?.toISOString() ?? null,
    cancelledAt: o.cancelledAt?.toISOString() ?? null,
    deliveredAt: o.deliveredAt?.toISOString() ?? null,
    deliveryDate: r.deliveryDate,
  }));
}

/** Where an order lives, for `can()`. */
export async function scopeOfOrder(db: DbOrTx, orderId: string) {
  const [row] = await db
    .select({ communityId: buildings.communityId, gridId: buildings.gridId, buildingId: buildings.id, householdId: orders.householdId, status: orders.status })
    .from(orders)
    .innerJoin(buildings, eq(buildings.id, orders.buildingId))
    .where(eq(orders.id, orderId));
  return row ?? null;
}

export interface OrderReplay {
  orderId: string;
  requestHash: string;
}

/**
 * For each (caller, household, key): whether the caller is bound (approved) to the household, and the order they
 * already placed with this key, if any.
 */
const bindingAndReplayStatement = preparedStatement<{ n: number; bound: boolean; replay: OrderReplay | null }>('order_binding_and_replay', () => sql`
    SELECT r.n::int AS n,
           EXISTS (SELECT 1 FROM ${householdBindings} hb
                   WHERE hb.user_id = r.user_id AND hb.household_id = r.household_id AND hb.status = 'approved') AS bound,
           (SELECT json_build_object('orderId', o.id, 'requestHash', o.request_hash) FROM ${orders} o
            WHERE o.placed_by = r.user_id AND o.idempotency_key = r.key) AS replay
    FROM unnest(${sql.placeholder('userIds')}::uuid[], ${sql.placeholder('householdIds')}::uuid[], ${sql.placeholder('keys')}::text[])
         WITH ORDINALITY AS r(user_id, household_id, key, n)`);

interface Lookup {
  userId: string;
  householdId: string;
  key: string;
}

type LookupAnswer = { bound: boolean; replay: OrderReplay | null };

/**
 * Once an item sells out, every refusal that the gate cannot answer from memory asks this. The asks that arrive while
 * one statement is under way go together in the next one: a rush of refusals then costs a few statements, not one
 * each. Every ask is answered by a statement sent after it was made, so it sees every order committed before it was asked.
 */
function bindingAndReplayBatches(db: Database) {
  return new StatementBatcher<Lookup, LookupAnswer>(
    async (batch) => {
      const rows = await bindingAndReplayStatement(db, {
        userIds: batch.map((l) => l.userId),
        householdIds: batch.map((l) => l.householdId),
        keys: batch.map((l) => l.key),
      });
      const byN = new Map(rows.map((r) => [Number(r.n), r]));
      return batch.map((_, i) => {
        const row = byN.get(i + 1);
        return { bound: row?.bound === true, replay: row?.replay ?? null };
      });
    },
    { maxBatch: 500, maxInFlight: 1, maxWaitMs: 5000, busyMessage: '下单的人太多，请稍后重试' },
  );
}

/**
 * Callers seen bound (approved) to a household in the last `ttlMs`: a sold-out refusal may rely on it instead of asking
 * the database again. Only a refusal does: an order that goes through checks the binding in its own statement, so a
 * binding revoked meanwhile can at most turn a 404 into OUT_OF_STOCK for that long, and never places an order.
 */
export class RecentBindings {
  private readonly seen = new Map<string, { seenAt: number; renewing: boolean }>();

  constructor(private readonly ttlMs = 2000, private readonly kept = 50_000, private readonly now: () => number = Date.now) {}

  remember(userId: string, householdId: string): void {
    const pair = `${userId}:${householdId}`;
    this.seen.delete(pair);
    if (this.seen.size >= this.kept) this.seen.delete(this.seen.keys().next().value!);
    this.seen.set(pair, { seenAt: this.now(), renewing: false });
  }

  forget(userId: string, householdId: string): void {
    this.seen.delete(`${userId}:${householdId}`);
  }

  /**
   * Whether the caller was seen bound within `ttlMs`: 'renew' when past half of that, the first time (the caller
   * should look again in the background, so an active caller never falls back to a look-up while answering).
   */
  has(userId: string, householdId: string): false | true | 'renew' {
    const entry = this.seen.get(`${userId}:${householdId}`);
    if (!entry) return false;
    const age = this.now() - entry.seenAt;
    if (age >= this.ttlMs) return false;
    if (age < this.ttlMs / 2 || entry.renewing) return true;
    entry.renewing = true;
    return 'renew';
  }
}

const batchesOf = new WeakMap<Database, ReturnType<typeof bindingAndReplayBatches>>();
const bindingsOf = new WeakMap<Database, RecentBindings>();

export function recentBindings(db: Database): RecentBindings {
  let bindings = bindingsOf.get(db);
  if (!bindings) bindingsOf.set(db, (bindings = new RecentBindings()));
  return bindings;
}

/** May the caller order for this household, and did they already order with this Idempotency-Key? */
export async function bindingAndReplay(db: Database, userId: string, householdId: string, key: string): Promise<LookupAnswer> {
  let batches = batchesOf.get(db);
  if (!batches) batchesOf.set(db, (batches = bindingAndReplayBatches(db)));
  const answer = await batches.submit({ userId, householdId, key });
  if (answer.bound) recentBindings(db).remember(userId, householdId);
  else recentBindings(db).forget(userId, householdId);
  return answer;
}

/**
 * Whether the item is sold out now, and `placedBy:idempotencyKey` of every order holding it, whatever its status, in
 * one snapshot: when it shows 0 left, every order that took its stock had committed, and no other can take it until a
 * restock.
 */
export async function readSoldOutItem(db: Database, itemId: string): Promise<{ soldOut: boolean; placedKeys: string[] }> {
  const [row] = await selectRows<{ sold_out: boolean; keys: string[] }>(db, sql`
    SELECT i.remaining = 0 AS sold_out,
           coalesce(array_agg(o.placed_by || ':' || o.idempotency_key) FILTER (WHERE o.id IS NOT NULL), '{}') AS keys
    FROM ${groupBuyItems} i
    LEFT JOIN ${orderItems} oi ON oi.item_id = i.id
    LEFT JOIN ${orders} o ON o.id = oi.order_id
    WHERE i.id = ${itemId}
    GROUP BY i.remaining`);
  return { soldOut: row?.sold_out === true, placedKeys: row?.keys ?? [] };
}
