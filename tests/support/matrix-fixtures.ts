// Two worlds for the authorization matrix: "in" is 1号楼 1单元 101 of the demo community (the actors' own objects),
// "out" is a second community (河畔社区) that none of the actors belongs to. Objects of either world come from
// factories that act as that world's own staff and residents through the real routes.
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import {
  alerts, buildings, chatGroups, communities, grids, householdBindings, households, passTrips, persons, roleAssignments, users, volunteerApplications, volunteerHolds,
} from '@linli/server/db/schema/index';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { addDays, shanghaiDate } from '@linli/shared';
import type { TestApp } from './app';

export const matrixActors = {
  anonymous: null,
  household: '13801110100', // resident of 1号楼 1单元 101: the in-world object's own household
  neighbour: '13801110200', // resident of 1号楼 1单元 102: same building, another household
  otherBuilding: '13804110100', // resident of 4号楼 (第二网格)
  volunteer: '13900000031',
  workerIn: '13900000001', // grid worker of 第一网格 (1–3号楼)
  workerOut: '13900000002', // grid worker of 第二网格 (4–6号楼)
  admin: '13900000000',
} as const;
export type MatrixActor = keyof typeof matrixActors;
export const actorNames = Object.keys(matrixActors) as MatrixActor[];

export type Side = 'in' | 'out';

export interface World {
  side: Side;
  communityId: string;
  gridId: string;
  buildingId: string;
  householdId: string;
  personId: string;
  personName: string;
  personPhone: string;
  phones: { resident: string; worker: string; admin: string; volunteer: string; applicant: string };
}

/** Values that identify a world's household; a refused answer (and an out-of-scope listing) must contain none of them. */
export function secretsOf(w: World): string[] {
  return [w.householdId, w.personId, w.personName, w.personPhone];
}

/** The last 30 Shanghai days up to today: a thank-you board period that holds the tasks the factories complete. */
export function thanksPeriod() {
  const to = shanghaiDate(new Date());
  return { from: addDays(to, -29), to };
}

export const pngBytes = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(16)]);

export function multipartImage(file: Buffer = pngBytes) {
  const boundary = '----linli-matrix-boundary';
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="photo.png"\r\nContent-Type: image/png\r\n\r\n`),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

const outPhones = { resident: '13600000100', worker: '13600000001', admin: '13600000000', volunteer: '13600000031', applicant: '13600000200' };

/** 河畔社区: one grid, one building, two households (one bound resident each), its own admin, grid worker and volunteer. */
async function createOutsideCommunity(t: TestApp): Promise<World> {
  const [community] = await t.db.insert(communities).values({ name: '河畔社区' }).returning();
  const communityId = community!.id;
  const [grid] = await t.db.insert(grids).values({ communityId, name: '河畔网格' }).returning();
  const [building] = await t.db.insert(buildings).values({ communityId, gridId: grid!.id, name: '河畔1号楼', sortOrder: 1 }).returning();
  await t.db.insert(chatGroups).values({ buildingId: building!.id });
  const homes = await t.db.insert(households).values([{ buildingId: building!.id, unit: '1', room: '101' }, { buildingId: building!.id, unit: '1', room: '102' }]).returning();
  const [person] = await t.db.insert(persons).values({ householdId: homes[0]!.id, name: '河畔居民陆青', relation: 'owner', birthYear: 1950, phone: outPhones.resident }).returning();
  await t.db.insert(persons).values({ householdId: homes[1]!.id, name: '河畔居民沈白', relation: 'owner', birthYear: 1980, phone: outPhones.applicant });
  const people = await t.db.insert(users).values([
    { phone: outPhones.admin, displayName: '河畔管理员' },
    { phone: outPhones.worker, displayName: '河畔网格员' },
    { phone: outPhones.volunteer, displayName: '河畔志愿者' },
    { phone: outPhones.resident, displayName: '河畔居民陆青' },
    { phone: outPhones.applicant, displayName: '河畔居民沈白' },
  ]).returning();
  const [admin, worker, volunteer, resident, applicant] = people as [typeof people[0], typeof people[0], typeof people[0], typeof people[0], typeof people[0]];
  await t.db.insert(roleAssignments).values([
    { userId: admin.id, role: 'admin', communityId },
    { userId: worker.id, role: 'grid_worker', communityId, gridId: grid!.id },
    { userId: volunteer.id, role: 'volunteer', communityId },
    { userId: resident.id, role: 'resident', communityId },
    { userId: applicant.id, role: 'resident', communityId },
  ]);
  await t.db.insert(volunteerApplications).values({
    userId: volunteer.id, communityId, skills: ['delivery'], availability: [{ weekdays: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '23:59' }],
    status: 'approved', decidedBy: admin.id, decidedAt: new Date(),
  });
  await t.db.insert(householdBindings).values([
    { userId: resident.id, householdId: homes[0]!.id, status: 'approved', decidedBy: worker.id, decidedAt: new Date() },
    { userId: applicant.id, householdId: homes[1]!.id, status: 'approved', decidedBy: worker.id, decidedAt: new Date() },
  ]);
  return {
    side: 'out', communityId, gridId: grid!.id, buildingId: building!.id, householdId: homes[0]!.id, personId: person!.id,
    personName: person!.name, personPhone: outPhones.resident, phones: outPhones,
  };
}

async function demoWorld(t: TestApp): Promise<World> {
  const [b1] = await t.db.select().from(buildings).where(eq(buildings.name, '1号楼'));
  const [h] = await t.db.select().from(households).where(and(eq(households.buildingId, b1!.id), eq(households.unit, '1'), eq(households.room, '101')));
  const [p] = await t.db.select().from(persons).where(and(eq(persons.householdId, h!.id), eq(persons.phone, matrixActors.household)));
  return {
    side: 'in', communityId: b1!.communityId, gridId: b1!.gridId, buildingId: b1!.id, householdId: h!.id, personId: p!.id, personName: p!.name,
    personPhone: p!.phone!, phones: { resident: matrixActors.household, worker: matrixActors.workerIn, admin: matrixActors.admin, volunteer: matrixActors.volunteer, applicant: '13801210100' },
  };
}

export async function createWorlds(t: TestApp): Promise<Record<Side, World>> {
  return { in: await demoWorld(t), out: await createOutsideCommunity(t) };
}

/** Factories: each call makes a new object of world `w`, acting as that world's own people. */
export function matrixFactories(t: TestApp) {
  let serial = 0;
  const next = () => ++serial;
  const as = async (phone: string) => (await t.login(phone)).token;
  async function ok(phone: string, options: InjectOptions, status = 201): Promise<LightMyRequestResponse> {
    const res = await t.call(await as(phone), options);
    if (res.statusCode !== status) throw new Error(`${options.method ?? 'GET'} ${options.url} as ${phone} → ${res.statusCode} ${res.body}`);
    return res;
  }
  const post = (phone: string, url: string, payload: object = {}, status = 201) => ok(phone, { method: 'POST', url: `/api/v1${url}`, payload }, status);

  /**
   * Cells claim many tasks for the same volunteer; the hold limit (3 at once) is proven in tests/api/tasks.test.ts,
   * not here, so the count restarts before each claim (the tasks already claimed stay claimed).
   */
  async function freeHolds(w: World) {
    const { userId } = await t.login(w.phones.volunteer);
    await t.db.update(volunteerHolds).set({ held: 0 }).where(eq(volunteerHolds.userId, userId));
  }

  const f = {
    async groupBuy(w: World, options: { publish?: boolean } = {}) {
      const now = Date.now();
      const res = await post(w.phones.admin, '/group-buys', {
        title: `矩阵团购 ${next()}`, opensAt: new Date(now - 60_000).toISOString(), closesAt: new Date(now + 3_600_000).toISOString(),
        publish: options.publish ?? true, items: [{ name: '蔬菜包', unit: '份', priceFen: 2990, stock: 1000, perHouseholdLimit: 100 }],
      });
      const body = res.json() as { id: string; items: { id: string }[] };
      return { id: body.id, itemId: body.items[0]!.id };
    },
    async order(w: World, groupBuy?: { itemId: string }) {
      const gb = groupBuy ?? (await f.groupBuy(w));
      const res = await ok(w.phones.resident, {
        method: 'POST', url: '/api/v1/orders', headers: { 'idempotency-key': randomUUID() },
        payload: { householdId: w.householdId, items: [{ itemId: gb.itemId, qty: 1 }] },
      });
      return { id: res.json().id as string, code: res.json().deliveryCode as string };
    },
    async packedOrder(w: World, groupBuy?: { itemId: string }) {
      const o = await f.order(w, groupBuy);
      await post(w.phones.admin, `/orders/${o.id}/pack`, {}, 200);
      return o;
    },
    /** A delivery task of the world's building holding one packed order, claimed by the world's volunteer. */
    async claimedDelivery(w: World) {
      const o = await f.packedOrder(w);
      const created = await post(w.phones.worker, '/delivery-tasks', { buildingId: w.buildingId });
      const task = (created.json().tasks as { id: string; orderIds: string[] }[]).find((x) => x.orderIds.includes(o.id))!;
      await freeHolds(w);
      await post(w.phones.volunteer, `/tasks/${task.id}/claim`, {}, 200);
      return { taskId: task.id, orderId: o.id, code: o.code };
    },
    async openErrand(w: World) {
      const help = await f.helpRequest(w);
      const res = await post(w.phones.worker, `/help-requests/${help}/errand-task`, { details: '代买药品' });
      return res.json().id as string;
    },
    async claimedErrand(w: World) {
      const id = await f.openErrand(w);
      await freeHolds(w);
      await post(w.phones.volunteer, `/tasks/${id}/claim`, {}, 200);
      return id;
    },
    async orderAtDoor(w: World) {
      const d = await f.claimedDelivery(w);
      await ok(w.phones.volunteer, { method: 'PUT', url: `/api/v1/tasks/${d.taskId}/orders/${d.orderId}/door-photo`, headers: { 'content-type': 'image/png' }, payload: pngBytes }, 200);
      return d;
    },
    async lockedDelivery(w: World) {
      const d = await f.claimedDelivery(w);
      const wrong = d.code === '0000' ? '1111' : '0000';
      for (let i = 0; i < 5; i++) await t.call(await as(w.phones.volunteer), { method: 'POST', url: `/api/v1/tasks/${d.taskId}/deliveries`, payload: { orderId: d.orderId, code: wrong } });
      return d;
    },
    async medicineRequest(w: World, withPhoto = false) {
      const res = await post(w.phones.resident, '/medicine-requests', { householdId: w.householdId, medicineName: '降压药', amount: '1盒' });
      const id = res.json().id as string;
      if (withPhoto) await ok(w.phones.resident, { method: 'PUT', url: `/api/v1/medicine-requests/${id}/photo`, headers: { 'content-type': 'image/png' }, payload: pngBytes }, 200);
      return id;
    },
    async helpRequest(w: World) {
      const res = await post(w.phones.resident, '/help-requests', { householdId: w.householdId, kind: 'medicine', details: '降压药吃完了' });
      return res.json().id as string;
    },
    /** Today's check-in of the world's person, filed by its household. */
    async checkIn(w: World) {
      await ok(w.phones.resident, { method: 'POST', url: '/api/v1/checkins', payload: { personId: w.personId, temperatureC: 36.6 } }, 200);
    },
    async alert(w: World) {
      const n = next();
      const [row] = await t.db.insert(alerts).values({
        communityId: w.communityId, gridId: w.gridId, buildingId: w.buildingId, householdId: w.householdId, personId: w.personId,
        day: new Date(Date.UTC(2020, 0, 1) + n * 86_400_000).toISOString().slice(0, 10), reasons: ['fever'], temperatureTenths: 385,
      }).returning();
      return row!.id;
    },
    async notice(w: World) {
      const res = await post(w.phones.worker, '/notices', { title: `矩阵通知 ${next()}`, body: '内容', requiresAck: true, buildingIds: [w.buildingId] });
      return res.json().id as string;
    },
    async message(w: World) {
      const res = await post(w.phones.resident, `/chats/${w.buildingId}/messages`, { clientId: `matrix-${next()}`, text: '你好' });
      return res.json().id as string;
    },
    async chatImage(w: World) {
      const res = await ok(w.phones.resident, { method: 'POST', url: `/api/v1/chats/${w.buildingId}/images`, ...multipartImage() });
      return res.json().id as string;
    },
    async pendingBinding(w: World) {
      const applicant = `1370${w.side === 'in' ? 1 : 2}${String(next()).padStart(6, '0')}`;
      const res = await post(applicant, '/household-bindings', { buildingId: w.buildingId, unit: '1', room: '101', relation: 'relative' });
      return res.json().id as string;
    },
    async product(w: World) {
      const res = await post(w.phones.admin, '/products', { name: `矩阵商品 ${next()}`, category: 'vegetables', unit: '份', priceFen: 500 });
      return res.json().id as string;
    },
    async pass(w: World) {
      const res = await post(w.phones.admin, '/passes', { householdId: w.householdId });
      return res.json().id as string;
    },
    /** A QR token of a new pass, with nobody of the household out (so an exit scan is allowed). */
    async passToken(w: World) {
      await t.db.delete(passTrips).where(eq(passTrips.householdId, w.householdId));
      const pass = await f.pass(w);
      const res = await ok(w.phones.resident, { url: `/api/v1/passes/${pass}/token` }, 200);
      return res.json().token as string;
    },
    /** Someone of the world's household is out now (scanned out at the gate by the world's grid worker). */
    async tripOut(w: World) {
      await post(w.phones.worker, '/gate/scans', { token: await f.passToken(w), direction: 'out' });
    },
    async reserveItem(w: World) {
      const res = await post(w.phones.admin, '/reserve-items', { name: `矩阵物资 ${next()}`, unit: '个', lowStockThreshold: 1 });
      const id = res.json().id as string;
      await post(w.phones.admin, `/reserve-items/${id}/entries`, { kind: 'received', quantity: 1000, reason: '入库' });
      return id;
    },
    async testingRound(w: World) {
      const res = await post(w.phones.admin, '/testing-rounds', { title: `矩阵核酸 ${next()}`, day: '2026-12-01', slots: [{ buildingId: w.buildingId, startTime: '08:00', endTime: '09:00' }] });
      return res.json().id as string;
    },
    /** A pending application by the world's applicant (a resident who is not one of the actors); withdrawn ones are replaced. */
    async volunteerApplication(w: World, status: 'pending' | 'approved' = 'pending') {
      const applicant = await t.login(w.phones.applicant);
      await t.db.delete(volunteerApplications).where(eq(volunteerApplications.userId, applicant.userId));
      await t.db.delete(roleAssignments).where(and(eq(roleAssignments.userId, applicant.userId), eq(roleAssignments.role, 'volunteer')));
      const res = await post(w.phones.applicant, '/volunteer-applications', { skills: ['delivery'], availability: [{ weekdays: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '23:59' }] });
      const id = res.json().id as string;
      if (status === 'approved') await post(w.phones.admin, `/volunteer-applications/${id}/approve`, {}, 200);
      return id;
    },
    async callUp(w: World) {
      const res = await post(w.phones.admin, '/call-ups', { skill: 'delivery', needed: 2, place: '小区东门', startsAt: new Date(Date.now() + 3_600_000).toISOString(), ignoreAvailability: true });
      return res.json().id as string;
    },
    /** A thank-you board of the last 30 days (a volunteer of the world completes an errand first: there must be one to thank). */
    async thankYouPost(w: World) {
      await post(w.phones.volunteer, `/tasks/${await f.claimedErrand(w)}/complete`, {}, 200);
      const res = await post(w.phones.admin, '/thank-you-posts', { title: '感谢', message: '谢谢志愿者', ...thanksPeriod() });
      return res.json().id as string;
    },
    /** A grid worker of the world's grid who is none of the actors, to remove. */
    async extraWorker(w: World) {
      const phone = `1371${w.side === 'in' ? 1 : 2}${String(next()).padStart(6, '0')}`;
      await post(w.phones.admin, `/grids/${w.gridId}/workers`, { phone });
      return (await t.login(phone)).userId;
    },
  };
  return f;
}
export type MatrixFactories = ReturnType<typeof matrixFactories>;
