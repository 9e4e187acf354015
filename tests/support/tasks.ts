// Small factories for task tests: packed orders placed and packed through the API, volunteer accounts, open tasks.
import { and, eq } from 'drizzle-orm';
import { buildings, roleAssignments, tasks, users } from '@linli/server/db/schema/index';
import type { TestApp } from './app';
import { adminPhone, demoResident, openGroupBuy, order } from './supplies';

export const volunteerPhones = ['13900000031', '13900000032'] as const;

export interface PackedOrder {
  orderId: string;
  householdId: string;
  code: string;
  token: string;
}

/** One order per room of `building` (unit 1), placed by the demo resident and packed by the admin. */
export async function packedOrders(t: TestApp, building: number, rooms: string[]): Promise<PackedOrder[]> {
  const gb = await openGroupBuy(t, [{ stock: 1000, perHouseholdLimit: 5 }]);
  const { token: admin } = await t.login(adminPhone);
  const placed: PackedOrder[] = [];
  for (const room of rooms) {
    const me = await demoResident(t, building, 1, room);
    const res = await order(t, me.token, { householdId: me.householdId, items: [{ itemId: gb.items[0]!.id, qty: 1 }] });
    if (res.statusCode !== 201) throw new Error(`order → ${res.statusCode} ${res.body}`);
    const packed = await t.call(admin, { method: 'POST', url: `/api/v1/orders/${res.json().id}/pack` });
    if (packed.statusCode !== 200) throw new Error(`pack → ${packed.statusCode} ${packed.body}`);
    placed.push({ orderId: res.json().id, householdId: me.householdId, code: res.json().deliveryCode, token: me.token });
  }
  return placed;
}

export async function buildingNamed(t: TestApp, name: string) {
  const [b] = await t.db.select().from(buildings).where(eq(buildings.name, name));
  return b!;
}

/** `count` volunteer accounts of the demo community, logged in (in small batches). */
export async function extraVolunteers(t: TestApp, count: number, prefix: string) {
  const b = await buildingNamed(t, '1号楼');
  const accounts = await t.db
    .insert(users)
    .values(Array.from({ length: count }, (_, i) => ({ phone: `137${prefix}${String(i).padStart(8 - prefix.length, '0')}`, displayName: `测试志愿者${i}` })))
    .returning({ id: users.id, phone: users.phone });
  await t.db.insert(roleAssignments).values(accounts.map((a) => ({ userId: a.id, role: 'volunteer' as const, communityId: b.communityId })));
  const logged: { userId: string; token: string }[] = [];
  for (let start = 0; start < accounts.length; start += 10) {
    logged.push(...(await Promise.all(accounts.slice(start, start + 10).map(async (a) => ({ userId: a.id, token: (await t.login(a.phone!)).token })))));
  }
  return logged;
}

/** `count` open errand tasks in `buildingName`, inserted directly. */
export async function openTasks(t: TestApp, count: number, buildingName = '3号楼') {
  const b = await buildingNamed(t, buildingName);
  const [admin] = await t.db.select({ id: users.id }).from(users).where(eq(users.phone, adminPhone));
  const rows = await t.db
    .insert(tasks)
    .values(Array.from({ length: count }, (_, i) => ({ communityId: b.communityId, kind: 'errand' as const, title: `测试跑腿 ${i}`, buildingId: b.id, createdBy: admin!.id })))
    .returning({ id: tasks.id });
  return rows.map((r) => r.id);
}

export async function suspendVolunteer(t: TestApp, userId: string) {
  await t.db.delete(roleAssignments).where(and(eq(roleAssignments.userId, userId), eq(roleAssignments.role, 'volunteer')));
}
