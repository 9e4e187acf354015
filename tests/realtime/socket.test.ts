// GET /ws: authenticated by token, events only for the caller's groups, resume replays exactly once and in order,
// dead sockets are dropped by the heartbeat, and a consumer that stops reading is cut off instead of buffered.
import { eq } from 'drizzle-orm';
import { buildings } from '@linli/server/db/schema/index';
import { createTestApp, type TestApp } from '../support/app';
import { messageSeqs, openSocket, socketUrl, type TestSocket } from '../support/ws-client';

let t: TestApp;
let url: string;
let building1: string;
let building4: string;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  t = await createTestApp({ env: { CHAT_SEND_LIMIT_PER_MINUTE: '1000' }, build: { realtime: { heartbeatMs: 300, maxBufferedBytes: 64 * 1024 }, membershipRefreshMs: 1000 } });
  url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  const rows = await t.db.select().from(buildings);
  building1 = rows.find((b) => b.name === '1号楼')!.id;
  building4 = rows.find((b) => b.name === '4号楼')!.id;
});
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((s) => s.close()));
});
afterAll(async () => t?.close());

async function connect(phone: string | null, resume?: Record<string, number>) {
  const token = phone === null ? null : (await t.login(phone)).token;
  const socket = openSocket(socketUrl(url, token));
  sockets.push(socket);
  await socket.opened;
  socket.send({ type: 'resume', after: resume ?? {} });
  await socket.waitFor((e) => e.type === 'resumed');
  return socket;
}

let posted = 0;
async function post(phone: string, groupId: string, text: string) {
  const res = await t.call((await t.login(phone)).token, { method: 'POST', url: `/api/v1/chats/${groupId}/messages`, payload: { clientId: `s-${++posted}`, text } });
  expect(res.statusCode).toBe(201);
  return res.json();
}

describe('authentication', () => {
  it.each([
    ['a forged token', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.forged'],
    ['garbage', 'not-a-token'],
    ['no token', null],
  ])('closes the socket with 4001 and a reason on %s', async (_name, token) => {
    const socket = openSocket(socketUrl(url, token));
    sockets.push(socket);
    const closed = await socket.closed;
    expect(closed).toEqual({ code: 4001, reason: 'UNAUTHENTICATED' });
    expect(socket.events).toEqual([]);
  });

  it('answers a plain HTTP GET with 401 without a token and 426 with one', async () => {
    expect((await t.app.inject({ url: '/api/v1/ws' })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/api/v1/ws?token=forged' })).statusCode).toBe(401);
    const { token } = await t.login('13801110100');
    const res = await t.app.inject({ url: `/api/v1/ws?token=${token}` });
    expect(res.statusCode).toBe(426);
    expect(res.json().error.code).toBe('UPGRADE_REQUIRED');
  });

  it('is described in the OpenAPI document: the token query, the frames a client sends and the events it gets', async () => {
    const doc = (await t.app.inject({ url: '/docs/json' })).json();
    const operation = doc.paths['/api/v1/ws']?.get;
    expect(operation.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'token', in: 'query' })]));
    for (const word of ['resume', 'message', 'recall', 'notice', 'read', '4001', 'SLOW_CONSUMER']) expect(operation.description).toContain(word);
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['401', '426']));
  });
});

describe('isolation', () => {
  it('pushes a message to the members of that building only', async () => {
    const neighbour = await connect('13801110200');
    const staff = await connect('13900000001');
    const otherBuilding = await connect('13804110100');
    const otherGrid = await connect('13900000002');
    const sent = await post('13801110100', building1, '楼下有人吗');
    for (const s of [neighbour, staff]) {
      const event = await s.waitFor((e) => e.type === 'message' && e.message.id === sent.id);
      expect(event.message).toMatchObject({ seq: sent.seq, text: '楼下有人吗' });
    }
    const other = await post('13804110100', building4, '4号楼的消息');
    await otherBuilding.waitFor((e) => e.type === 'message' && e.message.id === other.id);
    await otherGrid.waitFor((e) => e.type === 'message' && e.message.id === other.id);
    expect(otherBuilding.events.filter((e) => e.type === 'message' && e.message.groupId === building1)).toEqual([]);
    expect(otherGrid.events.filter((e) => e.type === 'message' && e.message.groupId === building1)).toEqual([]);
    expect(neighbour.events.filter((e) => e.type === 'message' && e.message.groupId === building4)).toEqual([]);
  });

  it('ignores a resume for a group the caller is not in', async () => {
    const outsider = await connect('13804110100', { [building1]: 0 });
    const resumed = outsider.events.find((e) => e.type === 'resumed');
    expect(resumed.lastSeq).toEqual({});
    expect(messageSeqs(outsider.events, building1)).toEqual([]);
  });

  it('pushes recall to the group and read marks to the reader\'s own other devices only', async () => {
    const reader = await connect('13801110200');
    const readerOtherDevice = await connect('13801110200');
    const neighbour = await connect('13801120100');
    const sent = await post('13801110100', building1, '撤回我');
    const { token } = await t.login('13801110100');
    await t.call(token, { method: 'DELETE', url: `/api/v1/chats/${building1}/messages/${sent.id}` });
    await neighbour.waitFor((e) => e.type === 'recall' && e.messageId === sent.id);
    await t.call((await t.login('13801110200')).token, { method: 'POST', url: `/api/v1/chats/${building1}/read`, payload: { seq: sent.seq } });
    await readerOtherDevice.waitFor((e) => e.type === 'read' && e.seq === sent.seq);
    await reader.waitFor((e) => e.type === 'read');
    await new Promise((r) => setTimeout(r, 100));
    expect(neighbour.events.filter((e) => e.type === 'read')).toEqual([]);
  });
});

describe('resume', () => {
  it('replays what was missed exactly once and in order, then continues live without duplicates', async () => {
    const first = await post('13801110100', building1, 'resume-start');
    for (let i = 1; i <= 30; i++) await post('13801110100', building1, `missed-${i}`);
    const token = (await t.login('13801110200')).token;
    const socket = openSocket(socketUrl(url, token));
    sockets.push(socket);
    await socket.opened;
    // Live posts race the replay: they begin before the resume frame is even sent.
    const live = (async () => {
      for (let i = 1; i <= 20; i++) await post('13801120100', building1, `live-${i}`);
    })();
    socket.send({ type: 'resume', after: { [building1]: first.seq } });
    await live;
    const last = await post('13801120100', building1, 'resume-end');
    await socket.waitFor((e) => e.type === 'message' && e.message.id === last.id);
    const seqs = messageSeqs(socket.events, building1);
    expect(seqs).toEqual(Array.from({ length: last.seq - first.seq }, (_, i) => first.seq + 1 + i));
    const resumedAt = socket.events.findIndex((e) => e.type === 'resumed');
    expect(resumedAt).toBeGreaterThan(0);
  });

  it('goes live without a replay when the client sends no resume', async () => {
    const socket = openSocket(socketUrl(url, (await t.login('13801110200')).token));
    sockets.push(socket);
    await socket.opened;
    const sent = await post('13801110100', building1, 'no-resume');
    const event = await socket.waitFor((e) => e.type === 'message' && e.message.id === sent.id, 5000);
    expect(event.message.seq).toBe(sent.seq);
    expect(messageSeqs(socket.events, building1)).toEqual([sent.seq]);
  });

  it('answers an unreadable frame with an error event and keeps the socket open', async () => {
    const socket = await connect('13801110200');
    socket.ws.send('{"type":"resume","after":{"not-a-uuid":1}}');
    const error = await socket.waitFor((e) => e.type === 'error');
    expect(error.code).toBe('BAD_FRAME');
    socket.ws.send(JSON.stringify({ type: 'resume', after: { [building1]: 2 ** 31 } }));
    const tooBig = await socket.waitFor((e) => e.type === 'error' && e !== error);
    expect(tooBig.code).toBe('BAD_FRAME');
    socket.send({ type: 'ping' });
    await socket.waitFor((e) => e.type === 'pong');
  });
});

describe('liveness and back-pressure', () => {
  it('drops a socket that stops answering pings', async () => {
    const token = (await t.login('13801110200')).token;
    const socket = openSocket(socketUrl(url, token), { autoPong: false });
    sockets.push(socket);
    await socket.opened;
    const closed = await socket.closed;
    expect(closed.code).toBe(1006);
  });

  it('disconnects a consumer that stops reading instead of buffering without bound', async () => {
    const user = await t.login('13801130100');
    const socket = await connect('13801130100');
    const countFor = () => [...t.app.realtime.hub.connections].filter((c) => c.userId === user.userId).length;
    expect(countFor()).toBe(1);
    (socket.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const message = await t.app.chats.postSystemMessage(building1, '大'.repeat(1900));
    // The same ~6 KB event pushed again and again, faster than a paused reader drains (kernel buffers fill first).
    const serverSide = [...t.app.realtime.hub.connections].find((c) => c.userId === user.userId)!;
    for (let i = 0; i < 20_000 && serverSide.socket.readyState === serverSide.socket.OPEN; i++) {
      await t.app.realtime.publishToBuildingGroup(building1, { type: 'message', message });
      if (i % 50 === 0) await new Promise((r) => setImmediate(r));
    }
    expect(serverSide.socket.readyState).not.toBe(serverSide.socket.OPEN);
    // Closed with SLOW_CONSUMER; a reader that never reads the close frame is terminated a second later and forgotten.
    for (const deadline = Date.now() + 5000; countFor() > 0 && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 50));
    expect(countFor()).toBe(0);
    const neighbour = [...t.app.realtime.hub.connections].filter((c) => c.userId !== user.userId);
    expect(neighbour.every((c) => c.socket.readyState === c.socket.OPEN)).toBe(true);
  }, 60_000);
});

describe('memory of an open socket', () => {
  it('does not keep the upgrade request alive: no placeholder response on the TCP socket, no listener holding request and reply', async () => {
    await connect('13801110200');
    const connections = [...t.app.realtime.hub.connections];
    expect(connections.length).toBeGreaterThan(0);
    for (const c of connections) {
      const tcp = (c.socket as unknown as { _socket: { _httpMessage: unknown } })._socket;
      expect(tcp._httpMessage).toBeNull();
      expect(c.socket.listenerCount('error')).toBe(1);
    }
  });
});

describe('membership of open sockets', () => {
  it('the batched refresh query gives every account the same groups as reading its roles and bindings one by one', async () => {
    const { users } = await import('@linli/server/db/schema/index');
    const { loadActor } = await import('@linli/server/authorization/actor');
    const { memberBuildingIds, memberBuildingIdsOfUsers } = await import('@linli/server/modules/chats/queries');
    const all = await t.db.select({ id: users.id }).from(users);
    const ids = all.map((u) => u.id);
    const batched = await memberBuildingIdsOfUsers(t.db, ids);
    const oneByOne = new Map<string, string[]>();
    for (const id of ids) oneByOne.set(id, (await memberBuildingIds(t.db, await loadActor(t.db, id))).sort());
    expect(new Map([...batched].map(([id, b]) => [id, [...new Set(b)].sort()]))).toEqual(oneByOne);
    // Residents, grid workers and admins are all among them, and they differ.
    expect(new Set([...oneByOne.values()].map((b) => b.length)).size).toBeGreaterThan(2);
  });

  it('stops pushing to a socket whose household moved out, within the refresh period', async () => {
    const { householdBindings, users } = await import('@linli/server/db/schema/index');
    const socket = await connect('13801140100');
    const first = await post('13801110100', building1, 'before-move');
    await socket.waitFor((e) => e.type === 'message' && e.message.id === first.id);
    const [user] = await t.db.select().from(users).where(eq(users.phone, '13801140100'));
    await t.db.update(householdBindings).set({ status: 'rejected' }).where(eq(householdBindings.userId, user!.id));
    const stillMember = () => [...t.app.realtime.hub.ofUser(user!.id)].some((c) => c.buildingIds.has(building1));
    for (let i = 0; i < 50 && stillMember(); i++) await new Promise((r) => setTimeout(r, 100));
    expect(stillMember()).toBe(false);
    const after = await post('13801110100', building1, 'after-move');
    const neighbour = await connect('13801110200', { [building1]: after.seq - 1 });
    await neighbour.waitFor((e) => e.type === 'message' && e.message.id === after.id);
    expect(socket.events.some((e) => e.type === 'message' && e.message.id === after.id)).toBe(false);
  });
});
