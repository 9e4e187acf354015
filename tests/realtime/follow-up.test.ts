// Follow-up events reach people as they happen: a fever check-in pushes an alert event to the grid's workers and the
// community's admins only; a scheduled 核酸 round appears as a system message in each target building's group.
import { eq } from 'drizzle-orm';
import { buildings } from '@linli/server/db/schema/index';
import { createTestApp, type TestApp } from '../support/app';
import { demoHousehold, residentPhone } from '../support/households';
import { openSocket, socketUrl, type TestSocket } from '../support/ws-client';

let t: TestApp;
let url: string;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  t = await createTestApp();
  url = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.close()));
  await t?.close();
});

async function connect(phone: string) {
  const socket = openSocket(socketUrl(url, (await t.login(phone)).token));
  sockets.push(socket);
  await socket.opened;
  socket.send({ type: 'resume', after: {} });
  await socket.waitFor((e) => e.type === 'resumed');
  return socket;
}

it('a fever check-in in 1号楼 pushes alert.opened to 第一网格 staff and admins, not to 第二网格 or residents', async () => {
  const [worker1, worker2, admin, neighbour] = await Promise.all([
    connect('13900000001'), connect('13900000002'), connect('13900000000'), connect(residentPhone(1, 1, '102')),
  ]);
  const household = await demoHousehold(t, 1, '2', '301');
  const resident = await t.login(residentPhone(1, 2, '301'));
  const res = await t.call(resident.token, {
    method: 'POST', url: '/api/v1/checkins',
    payload: { entries: [{ personId: household.personIds[0], temperatureC: 38.6, antigen: 'not_tested', quarantine: 'home' }] },
  });
  expect(res.statusCode).toBe(200);
  const forWorker = await worker1.waitFor((e) => e.type === 'follow_up');
  expect(forWorker).toMatchObject({ type: 'follow_up', kind: 'alert.opened' });
  await admin.waitFor((e) => e.type === 'follow_up' && e.objectId === forWorker.objectId);
  // Nothing of the health data travels in the event, only what to reload.
  expect(Object.keys(forWorker).sort()).toEqual(['kind', 'objectId', 'type']);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(worker2.events.filter((e) => e.type === 'follow_up')).toEqual([]);
  expect(neighbour.events.filter((e) => e.type === 'follow_up')).toEqual([]);
});

it('a 核酸 round posts its slot into each target building group as a system message', async () => {
  const [b1] = await t.db.select().from(buildings).where(eq(buildings.name, '1号楼'));
  const resident1 = await connect(residentPhone(1, 1, '101'));
  const resident4 = await connect(residentPhone(4, 1, '101'));
  const created = await t.call((await t.login('13900000001')).token, {
    method: 'POST', url: '/api/v1/testing-rounds',
    payload: { title: '第五轮核酸', day: '2030-11-26', slots: [{ buildingId: b1!.id, startTime: '08:00', endTime: '09:30' }] },
  });
  expect(created.statusCode).toBe(201);
  const event = await resident1.waitFor((e) => e.type === 'message' && e.message.kind === 'system' && e.message.text.includes('第五轮核酸'));
  expect(event.message.groupId).toBe(b1!.id);
  expect(event.message.text).toContain('2030-11-26 08:00–09:30');
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(resident4.events.filter((e) => e.type === 'message' && e.message.groupId === b1!.id)).toEqual([]);
});

it('a reserve item falling to its low-stock threshold pushes reserve.low_stock to the community staff, not to residents', async () => {
  const [admin, worker2, resident] = await Promise.all([connect('13900000000'), connect('13900000002'), connect(residentPhone(2, 1, '101'))]);
  const token = (await t.login('13900000000')).token;
  const item = (await t.call(token, { method: 'POST', url: '/api/v1/reserve-items', payload: { name: '医用手套', unit: '副', lowStockThreshold: 10 } })).json();
  const entry = (kind: string, quantity: number) =>
    t.call(token, { method: 'POST', url: `/api/v1/reserve-items/${item.id}/entries`, payload: { kind, quantity, reason: '测试' } });
  expect((await entry('received', 30)).statusCode).toBe(201);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(admin.events.filter((e) => e.type === 'reserve.low_stock')).toEqual([]);
  expect((await entry('lost_expired', 21)).statusCode).toBe(201);
  const pushed = await admin.waitFor((e) => e.type === 'reserve.low_stock' && e.itemId === item.id);
  expect(pushed).toMatchObject({ name: '医用手套', stock: 9, lowStockThreshold: 10 });
  await worker2.waitFor((e) => e.type === 'reserve.low_stock' && e.itemId === item.id);
  expect(resident.events.filter((e) => e.type === 'reserve.low_stock')).toEqual([]);
});
