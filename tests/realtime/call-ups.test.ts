// A call-up (一键召集) reaches the matching volunteers as it happens: a `call_up` event on their live sockets and a
// WeChat subscribe message through the notices outbox; volunteers it did not match hear nothing.
import type { SubscribeMessage } from '@linli/server/adapters/wechat/subscribe';
import { createTestApp, type TestApp } from '../support/app';
import { approvedVolunteer } from '../support/volunteers';
import { openSocket, socketUrl, type TestSocket } from '../support/ws-client';

let t: TestApp;
let url: string;
const sockets: TestSocket[] = [];
const subscribeMessages: SubscribeMessage[] = [];

beforeAll(async () => {
  t = await createTestApp({ build: { subscribeSender: { kind: 'dev', async send(message) { subscribeMessages.push(message); } } } });
  url = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.close()));
  await t?.close();
});

async function connect(token: string) {
  const socket = openSocket(socketUrl(url, token));
  sockets.push(socket);
  await socket.opened;
  socket.send({ type: 'resume', after: {} });
  await socket.waitFor((e) => e.type === 'resumed');
  return socket;
}

it('a 配送 call-up pushes call_up to matching volunteers only, and queues their subscribe messages', async () => {
  const courier = await approvedVolunteer(t, { building: 1, unit: 1, room: '101' }, { skills: ['delivery'] });
  const translator = await approvedVolunteer(t, { building: 1, unit: 1, room: '102' }, { skills: ['translation'] });
  const [courierSocket, translatorSocket, residentSocket] = await Promise.all([
    connect(courier.token), connect(translator.token), connect((await t.login('13801110200')).token),
  ]);
  const admin = await t.login('13900000000');
  const startsAt = new Date(Date.now() + 3_600_000).toISOString();
  const created = await t.call(admin.token, {
    method: 'POST', url: '/api/v1/call-ups',
    payload: { skill: 'delivery', needed: 4, place: '2号楼东门', startsAt, note: '搬运保供蔬菜', ignoreAvailability: true },
  });
  expect(created.statusCode).toBe(201);
  const event = await courierSocket.waitFor((e) => e.type === 'call_up');
  expect(event.callUp).toEqual({ id: created.json().id, skill: 'delivery', needed: 4, place: '2号楼东门', startsAt, note: '搬运保供蔬菜' });

  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(translatorSocket.events.filter((e) => e.type === 'call_up')).toEqual([]);
  expect(residentSocket.events.filter((e) => e.type === 'call_up')).toEqual([]);
  // The courier and the two seeded 配送 volunteers get a subscribe message that opens the 召集 page.
  const forCallUp = () => subscribeMessages.filter((m) => m.title === '志愿者召集：2号楼东门');
  for (let waited = 0; forCallUp().length < 3 && waited < 3000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(forCallUp()).toHaveLength(3);
  expect(forCallUp()[0]).toMatchObject({ priority: 'urgent', page: 'pages/volunteer/callups/index' });
});

it("a volunteer's answer pushes call_up.answered to the community's staff, not to other volunteers", async () => {
  const courier = await approvedVolunteer(t, { building: 2, unit: 1, room: '101' }, { skills: ['driving'] });
  const other = await approvedVolunteer(t, { building: 2, unit: 1, room: '102' }, { skills: ['driving'] });
  const admin = await t.login('13900000000');
  const [adminSocket, workerSocket, otherSocket] = await Promise.all([connect(admin.token), connect((await t.login('13900000002')).token), connect(other.token)]);
  const created = await t.call(admin.token, {
    method: 'POST', url: '/api/v1/call-ups',
    payload: { skill: 'driving', needed: 1, place: '南门', startsAt: new Date(Date.now() + 3_600_000).toISOString(), ignoreAvailability: true },
  });
  const id = created.json().id as string;
  const answered = await t.call(courier.token, { method: 'POST', url: `/api/v1/call-ups/${id}/answer`, payload: { answer: 'yes' } });
  expect(answered.statusCode).toBe(200);
  expect(await adminSocket.waitFor((e) => e.type === 'call_up.answered' && e.callUpId === id)).toEqual({ type: 'call_up.answered', callUpId: id, status: 'closed' });
  await workerSocket.waitFor((e) => e.type === 'call_up.answered' && e.callUpId === id);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(otherSocket.events.filter((e) => e.type === 'call_up.answered')).toEqual([]);
});
