// Reserve stock under concurrency: many staff issuing at once never take it below zero, and the running stock always
// equals the sum of the ledger (a conditional UPDATE in the same transaction as the ledger insert).
import { eq, sql } from 'drizzle-orm';
import { selectRows } from '@linli/server/db/client';
import { buildings, households, reserveItems } from '@linli/server/db/schema/index';
import { createTestApp, type TestApp } from '../support/app';
import { clearPassesAndReserves } from '../support/passes';

let t: TestApp;
let householdIds: string[];
let building1: string;
let building2: string;
const staff = ['13900000000', '13900000001'];

beforeAll(async () => {
  t = await createTestApp();
  await clearPassesAndReserves(t.db);
  const [b1] = await t.db.select().from(buildings).where(eq(buildings.name, '1号楼'));
  const [b2] = await t.db.select().from(buildings).where(eq(buildings.name, '2号楼'));
  building1 = b1!.id;
  building2 = b2!.id;
  householdIds = (await t.db.select({ id: households.id }).from(households).where(eq(households.buildingId, building1))).map((h) => h.id);
});
afterAll(async () => t?.close());

async function newItem(name: string, stock: number) {
  const admin = (await t.login('13900000000')).token;
  const item = await t.call(admin, { method: 'POST', url: '/api/v1/reserve-items', payload: { name, unit: '个', lowStockThreshold: 0 } });
  const id = item.json().id as string;
  if (stock > 0) await t.call(admin, { method: 'POST', url: `/api/v1/reserve-items/${id}/entries`, payload: { kind: 'received', quantity: stock, reason: '入库' } });
  return id;
}

async function ledgerAgrees(itemId: string) {
  const [item] = await t.db.select().from(reserveItems).where(eq(reserveItems.id, itemId));
  const [sum] = await selectRows<{ total: number; negative: number }>(t.db, sql`
    SELECT coalesce(sum(CASE WHEN kind = 'received' THEN quantity ELSE -quantity END), 0)::int AS total,
           count(*) FILTER (WHERE balance_after < 0)::int AS negative
    FROM reserve_ledger WHERE item_id = ${itemId}`);
  expect(item!.stock).toBe(Number(sum!.total));
  expect(Number(sum!.negative)).toBe(0);
  return item!.stock;
}

it.each([1, 2, 3])('round %i: 24 issues of 1 against a stock of 10 → exactly 10 succeed, 14 get 409, stock 0', async (round) => {
  const itemId = await newItem(`口罩-${round}`, 10);
  const results = await Promise.all(householdIds.map(async (householdId, i) =>
    t.call((await t.login(staff[i % 2]!)).token, {
      method: 'POST',
      url: `/api/v1/reserve-items/${itemId}/entries`,
      payload: { kind: i % 3 === 0 ? 'lost_expired' : 'issued', quantity: 1, reason: '并发发放', ...(i % 3 === 0 ? {} : { householdId }) },
    })));
  expect(results.filter((r) => r.statusCode === 201)).toHaveLength(10);
  const refused = results.filter((r) => r.statusCode !== 201);
  expect(refused.map((r) => r.statusCode)).toEqual(Array.from({ length: 14 }, () => 409));
  expect(new Set(refused.map((r) => r.json().error.code))).toEqual(new Set(['INSUFFICIENT_STOCK']));
  expect(await ledgerAgrees(itemId)).toBe(0);
});

it('four building distributions at once against stock for two: exactly two land, whole', async () => {
  const itemId = await newItem('消毒液', 48);
  const admin = (await t.login('13900000000')).token;
  const results = await Promise.all([building1, building2, building1, building2].map((buildingId) =>
    t.call(admin, { method: 'POST', url: `/api/v1/reserve-items/${itemId}/distributions`, payload: { buildingId, per: 'household', quantity: 1, reason: '每户一瓶' } })));
  expect(results.filter((r) => r.statusCode === 201)).toHaveLength(2);
  expect(results.filter((r) => r.statusCode === 409)).toHaveLength(2);
  expect(await ledgerAgrees(itemId)).toBe(0);
  const [rows] = await selectRows<{ n: number; distributions: number }>(t.db, sql`
    SELECT count(*)::int AS n, count(DISTINCT distribution_id)::int AS distributions FROM reserve_ledger WHERE item_id = ${itemId} AND kind = 'issued'`);
  expect({ n: Number(rows!.n), distributions: Number(rows!.distributions) }).toEqual({ n: 48, distributions: 2 });
});


