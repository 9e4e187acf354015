// Flash sale under real concurrency (PostgreSQL in CI): stock and per-household limits hold in SQL, and replays,
// cancels and multi-item orders stay exact however the requests overlap.
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { groupBuyItemHouseholdQuantities, groupBuyItems, orders } from '@linli/server/db/schema/index';
import { createTestApp, type TestApp } from '../support/app';
import { demoResident, extraHouseholds, openGroupBuy, order, orderAsTheAppDoes } from '../support/supplies';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
}, 60_000);
afterAll(async () => t?.close());

async function remainingOf(itemId: string) {
  const [row] = await t.db.select({ remaining: groupBuyItems.remaining }).from(groupBuyItems).where(eq(groupBuyItems.id, itemId));
  return row!.remaining;
}

it('300 households rushing 100 in stock: exactly 100 orders, the rest OUT_OF_STOCK, remaining 0', async () => {
  const buyers = await extraHouseholds(t, 300, '1');
  const gb = await openGroupBuy(t, [{ stock: 100, perHouseholdLimit: 1 }]);
  const itemId = gb.items[0]!.id;
  const results = await Promise.all(buyers.map((b) => orderAsTheAppDoes(t, b.token, { householdId: b.householdId, items: [{ itemId, qty: 1 }] })));
  const created = results.filter((r) => r.statusCode === 201);
  const refused = results.filter((r) => r.statusCode !== 201);
  expect(created).toHaveLength(100);
  expect(refused).toHaveLength(200);
  for (const r of refused) {
    expect(r.statusCode).toBe(409);
    expect(r.json().error).toMatchObject({ code: 'OUT_OF_STOCK', details: { itemId, remaining: 0 } });
  }
  expect(await remainingOf(itemId)).toBe(0);
  const stored = await t.db.select().from(orders).where(eq(orders.groupBuyId, gb.id));
  expect(stored).toHaveLength(100);
  expect(new Set(stored.map((o) => o.householdId)).size).toBe(100);
}, 300_000);

it('four concurrent orders of one household against a limit of 2: exactly 2 succeed', async () => {
  const me = await demoResident(t, 2, 1, '101');
  const gb = await openGroupBuy(t, [{ stock: 50, perHouseholdLimit: 2 }]);
  const itemId = gb.items[0]!.id;
  const results = await Promise.all(Array.from({ length: 4 }, () => order(t, me.token, { householdId: me.householdId, items: [{ itemId, qty: 1 }] })));
  expect(results.filter((r) => r.statusCode === 201)).toHaveLength(2);
  for (const r of results.filter((r) => r.statusCode !== 201)) expect(r.json().error.code).toBe('LIMIT_EXCEEDED');
  expect(await remainingOf(itemId)).toBe(48);
  const [held] = await t.db.select().from(groupBuyItemHouseholdQuantities).where(and(eq(groupBuyItemHouseholdQuantities.itemId, itemId), eq(groupBuyItemHouseholdQuantities.householdId, me.householdId)));
  expect(held!.quantity).toBe(2);
});

it('the same Idempotency-Key sent five times at once creates one order and answers it five times', async () => {
  const me = await demoResident(t, 2, 1, '102');
  const gb = await openGroupBuy(t, [{ stock: 10, perHouseholdLimit: 3 }]);
  const itemId = gb.items[0]!.id;
  const key = randomUUID();
  const results = await Promise.all(Array.from({ length: 5 }, () => order(t, me.token, { householdId: me.householdId, items: [{ itemId, qty: 2 }] }, key)));
  expect(results.map((r) => r.statusCode)).toEqual([201, 201, 201, 201, 201]);
  expect(new Set(results.map((r) => r.json().id)).size).toBe(1);
  expect(await remainingOf(itemId)).toBe(8);
  expect(await t.db.select().from(orders).where(eq(orders.groupBuyId, gb.id))).toHaveLength(1);
});

it('a household and a grid worker cancelling the same order at once restock it exactly once', async () => {
  const me = await demoResident(t, 2, 1, '201');
  const staff = await t.login('13900000001');
  for (let round = 0; round < 5; round++) {
    const gb = await openGroupBuy(t, [{ stock: 10, perHouseholdLimit: 5 }]);
    const itemId = gb.items[0]!.id;
    const placed = await order(t, me.token, { householdId: me.householdId, items: [{ itemId, qty: 3 }] });
    expect(placed.statusCode).toBe(201);
    const url = `/api/v1/orders/${placed.json().id}/cancel`;
    const results = await Promise.all([me.token, staff.token, me.token, staff.token].map((token) => t.call(token, { method: 'POST', url })));
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
    for (const r of results.filter((r) => r.statusCode !== 200)) expect(r.json().error).toMatchObject({ code: 'INVALID_TRANSITION', details: { from: 'cancelled' } });
    expect(await remainingOf(itemId)).toBe(10);
    const [held] = await t.db.select().from(groupBuyItemHouseholdQuantities).where(eq(groupBuyItemHouseholdQuantities.itemId, itemId));
    expect(held!.quantity).toBe(0);
  }
});

it('multi-item orders racing for the last units are all-or-nothing', async () => {
  const buyers = await extraHouseholds(t, 20, '2');
  const gb = await openGroupBuy(t, [{ stock: 10, perHouseholdLimit: 1 }, { stock: 5, perHouseholdLimit: 1 }]);
  const [a, b] = [gb.items[0]!, gb.items[1]!];
  const results = await Promise.all(buyers.map((u) => orderAsTheAppDoes(t, u.token, { householdId: u.householdId, items: [{ itemId: a.id, qty: 1 }, { itemId: b.id, qty: 1 }] })));
  expect(results.filter((r) => r.statusCode === 201)).toHaveLength(5);
  expect(await remainingOf(b.id)).toBe(0);
  // Item A was reserved only together with B: 10 − 5, not 10 − (everyone who got A before B ran out).
  expect(await remainingOf(a.id)).toBe(5);
});
