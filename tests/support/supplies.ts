// Small factories for supplies tests: a group buy opened through the API, households with bound residents.
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { buildings, householdBindings, households, roleAssignments, users } from '@linli/server/db/schema/index';
import type { TestApp } from './app';

export const adminPhone = '13900000000';

export interface ItemSpec {
  name?: string;
  priceFen?: number;
  stock: number;
  perHouseholdLimit: number;
}

/** A published group buy, open now unless told otherwise; returns it as the API answered. */
export async function openGroupBuy(t: TestApp, items: ItemSpec[], options: { opensInMs?: number; closesInMs?: number; publish?: boolean } = {}) {
  const { token } = await t.login(adminPhone);
  const now = Date.now();
  const res = await t.call(token, {
    method: 'POST',
    url: '/api/v1/group-buys',
    payload: {
      title: `测试团购 ${randomUUID().slice(0, 6)}`,
      opensAt: new Date(now + (options.opensInMs ?? -60_000)).toISOString(),
      closesAt: new Date(now + (options.closesInMs ?? 3_600_000)).toISOString(),
      publish: options.publish ?? true,
      items: items.map((i, index) => ({ name: i.name ?? `商品${index + 1}`, unit: '份', priceFen: i.priceFen ?? 1000 + index, stock: i.stock, perHouseholdLimit: i.perHouseholdLimit })),
    },
  });
  if (res.statusCode !== 201) throw new Error(`create group buy → ${res.statusCode} ${res.body}`);
  return res.json() as { id: string; items: { id: string; priceFen: number; remaining: number; stock: number }[] };
}

/** The demo resident of 1号楼..6号楼 unit/room, with their household id. */
export async function demoResident(t: TestApp, building: number, unit: number, room: string) {
  const phone = `138${String(building).padStart(2, '0')}${unit}${room.padStart(3, '0')}00`;
  const { token, userId } = await t.login(phone);
  const [h] = await t.db
    .select({ id: households.id })
    .from(households)
    .innerJoin(buildings, eq(buildings.id, households.buildingId))
    .where(and(eq(buildings.name, `${building}号楼`), eq(households.unit, String(unit)), eq(households.room, room)));
  return { token, userId, householdId: h!.id };
}

/** `count` extra households in 1号楼 (unit 9), each with a bound resident account; inserted directly. */
export async function extraHouseholds(t: TestApp, count: number, prefix = '1') {
  const [b1] = await t.db.select().from(buildings).where(eq(buildings.name, '1号楼'));
  const rows = await t.db
    .insert(households)
    .values(Array.from({ length: count }, (_, i) => ({ buildingId: b1!.id, unit: `9${prefix}`, room: String(1000 + i) })))
    .returning({ id: households.id });
  const accounts = await t.db
    .insert(users)
    .values(rows.map((_, i) => ({ phone: `135${prefix}${String(i).padStart(7, '0')}`, displayName: `测试住户${i}` })))
    .returning({ id: users.id, phone: users.phone });
  await t.db.insert(roleAssignments).values(accounts.map((a) => ({ userId: a.id, role: 'resident' as const, communityId: b1!.communityId })));
  await t.db.insert(householdBindings).values(accounts.map((a, i) => ({ userId: a.id, householdId: rows[i]!.id, status: 'approved' as const })));
  // Log-ins in small batches: setting up must not itself be a rush on the connection pool.
  const buyers: { householdId: string; token: string }[] = [];
  for (let start = 0; start < rows.length; start += 10) {
    buyers.push(...(await Promise.all(rows.slice(start, start + 10).map(async (r, j) => ({ householdId: r.id, token: (await t.login(accounts[start + j]!.phone!)).token })))));
  }
  return buyers;
}

export function order(t: TestApp, token: string, body: unknown, key: string = randomUUID()) {
  return t.call(token, { method: 'POST', url: '/api/v1/orders', headers: { 'idempotency-key': key }, payload: body as Record<string, unknown> });
}

/**
 * Like the app: a 503 (the pool could not give a connection in time on an overloaded machine) is retried with the
 * same Idempotency-Key, so the retry can never order twice. Any other answer is final.
 */
export async function orderAsTheAppDoes(t: TestApp, token: string, body: unknown) {
  const key = randomUUID();
  for (let attempt = 1; ; attempt++) {
    const res = await order(t, token, body, key);
    if (res.statusCode !== 503 || attempt === 10) return res;
    await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
  }
}
