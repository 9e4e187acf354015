// Orders placed in batches (group commit, drizzle/0004_place_orders_batch.sql): every order of a batch gets its own
// answer, a refused order undoes only its own writes, and a batch that fails as a whole is re-sent order by order.
import { randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { groupBuyItemHouseholdQuantities, groupBuyItems, groupBuys, householdBindings, orderItems, orders } from '@linli/server/db/schema/index';
import { SoldOutGate } from '@linli/server/modules/supplies/sold-out-gate';
import { orderPlacements, type PlacementCall } from '@linli/server/modules/supplies/orders/service';
import { createTestApp, type TestApp } from '../support/app';
import { extraHouseholds, openGroupBuy } from '../support/supplies';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
}, 60_000);
afterAll(async () => t?.close());

async function userOf(householdId: string) {
  const [binding] = await t.db.select({ userId: householdBindings.userId }).from(householdBindings).where(eq(householdBindings.householdId, householdId));
  return binding!.userId;
}

function call(o: { userId: string; householdId: string; communityId: string; groupBuyId: string; itemId: string; priceFen: number; qty: number }): PlacementCall {
  return {
    orderId: randomUUID(), userId: o.userId, householdId: o.householdId, communityId: o.communityId, groupBuyId: o.groupBuyId,
    key: randomUUID(), hash: 'test', totalFen: o.priceFen * o.qty, deliveryCode: '1234', note: null,
    itemIds: [o.itemId], quantities: [o.qty], names: ['青菜'], units: ['份'], prices: [o.priceFen],
  };
}

async function setUp(stock: number, limit: number, phonePrefix: string) {
  const buyers = await extraHouseholds(t, 4, phonePrefix);
  const gb = await openGroupBuy(t, [{ stock, perHouseholdLimit: limit }]);
  const item = gb.items[0]!;
  const [{ communityId }] = (await t.db.select({ communityId: groupBuys.communityId }).from(groupBuys).where(eq(groupBuys.id, gb.id))) as [{ communityId: string }];
  const users = await Promise.all(buyers.map((b) => userOf(b.householdId)));
  const base = { communityId, groupBuyId: gb.id, itemId: item.id, priceFen: item.priceFen };
  return { buyers, users, base, itemId: item.id };
}

it('a batch answers each order for itself: placed, sold out, over the limit, not bound; refused orders leave nothing behind', async () => {
  const { buyers, users, base, itemId } = await setUp(2, 2, '7');
  const placements = orderPlacements(t.db, new SoldOutGate());
  const calls = [
    call({ ...base, userId: users[0]!, householdId: buyers[0]!.householdId, qty: 1 }), // alone: the first goes at once
    call({ ...base, userId: users[1]!, householdId: buyers[1]!.householdId, qty: 1 }), // takes the last one
    call({ ...base, userId: users[2]!, householdId: buyers[2]!.householdId, qty: 1 }), // nothing left
    call({ ...base, userId: users[0]!, householdId: buyers[0]!.householdId, qty: 2 }), // 1 + 2 > limit 2
    call({ ...base, userId: users[3]!, householdId: buyers[2]!.householdId, qty: 1 }), // not bound to that household
  ];
  const rows = await Promise.all(calls.map((c) => placements.submit(c)));
  expect(placements.sentSizes).toEqual([1, 4]);
  expect(rows.map((r) => r.outcome)).toEqual(['PLACED', 'PLACED', 'NOT_TAKEN', 'LIMIT_EXCEEDED', 'NOT_BOUND']);
  expect(rows[1]!.taken).toEqual([{ id: itemId, remaining: 0 }]);

  const stored = await t.db.select({ id: orders.id }).from(orders).where(inArray(orders.id, calls.map((c) => c.orderId)));
  expect(stored.map((o) => o.id).sort()).toEqual([calls[0]!.orderId, calls[1]!.orderId].sort());
  expect(await t.db.select().from(orderItems).where(inArray(orderItems.orderId, calls.map((c) => c.orderId)))).toHaveLength(2);
  const held = await t.db.select().from(groupBuyItemHouseholdQuantities).where(eq(groupBuyItemHouseholdQuantities.itemId, itemId));
  expect(held.map((h) => [h.householdId, h.quantity]).sort()).toEqual([[buyers[0]!.householdId, 1], [buyers[1]!.householdId, 1]].sort());
  const [item] = await t.db.select({ remaining: groupBuyItems.remaining }).from(groupBuyItems).where(eq(groupBuyItems.id, itemId));
  expect(item!.remaining).toBe(0);
});

it('a batch that fails as a whole is re-sent order by order: only the faulty order fails', async () => {
  const { buyers, users, base } = await setUp(10, 1, '8');
  const placements = orderPlacements(t.db, new SoldOutGate());
  const faulty = { ...call({ ...base, userId: users[2]!, householdId: buyers[2]!.householdId, qty: 1 }), groupBuyId: randomUUID() }; // no such group buy
  const calls = [
    call({ ...base, userId: users[0]!, householdId: buyers[0]!.householdId, qty: 1 }),
    call({ ...base, userId: users[1]!, householdId: buyers[1]!.householdId, qty: 1 }),
    faulty,
    call({ ...base, userId: users[3]!, householdId: buyers[3]!.householdId, qty: 1 }),
  ];
  const answers = await Promise.all(calls.map((c) => placements.submit(c).then((r) => r.outcome, (err: Error) => `failed: ${err.message}`)));
  expect(placements.sentSizes.slice(0, 2)).toEqual([1, 3]);
  expect(answers[0]).toBe('PLACED');
  expect(answers[1]).toBe('PLACED');
  expect(answers[2]).toMatch(/^failed: .*foreign key/);
  expect(answers[3]).toBe('PLACED');
  const stored = await t.db.select({ id: orders.id }).from(orders).where(inArray(orders.id, calls.map((c) => c.orderId)));
  expect(stored).toHaveLength(3);
});
