// Across instances: with REDIS_URL, two server instances on one database behave as one (a socket on A hears a post
// made through B). Without REDIS_URL the in-process bus is chosen, and this proves that variant instead.
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '@linli/server/app';
import { loadConfig } from '@linli/server/config';
import { openDatabase, type DatabaseHandle } from '@linli/server/db/client';
import { buildings } from '@linli/server/db/schema/index';
import { redisBus } from '@linli/server/realtime/fanout';
import { createTestApp, type TestApp } from '../support/app';
import { openSocket, socketUrl } from '../support/ws-client';

const redisUrl = process.env.REDIS_URL;
const env = { NODE_ENV: 'test', SEED_DEMO: 'off', LOGIN_RATE_LIMIT_PER_IP: '100000', LOGIN_RATE_LIMIT_PER_PHONE: '100000' } as const;

let t: TestApp;
let building1: string;
const extra: { app: FastifyInstance; database?: DatabaseHandle }[] = [];

beforeAll(async () => {
  t = await createTestApp({ env: redisUrl ? { REDIS_URL: redisUrl } : {} });
  const [b] = await t.db.select().from(buildings).where(eq(buildings.name, '1号楼'));
  building1 = b!.id;
});
afterAll(async () => {
  for (const { app, database } of extra) {
    await app.close();
    await database?.close();
  }
  await t?.close();
});

/** A second instance: its own connection pool to the same PostgreSQL database (PGlite: the same embedded database). */
async function secondInstance(): Promise<FastifyInstance> {
  const database = t.database.url ? await openDatabase({ kind: 'postgres', url: t.database.url }) : undefined;
  const app = await buildApp(loadConfig({ ...env, ...(redisUrl ? { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: t.config.redisKeyPrefix } : {}) }), { logger: false, database: database ?? t.database });
  extra.push({ app, database });
  return app;
}

/** The address an instance listens on (the first test started instance A listening). */
function listeningUrl(app: FastifyInstance): string {
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('instance is not listening');
  return `http://127.0.0.1:${address.port}`;
}

async function login(app: FastifyInstance, phone: string) {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/dev-login', payload: { phone } });
  return res.json().accessToken as string;
}

if (redisUrl) {
  it('uses Redis, and a socket on instance A receives a message posted through instance B exactly once', async () => {
    const a = t.app;
    const b = await secondInstance();
    expect(a.realtime.busKind).toBe('redis');
    expect(b.realtime.busKind).toBe('redis');
    const urlA = await a.listen({ port: 0, host: '127.0.0.1' });
    const socket = openSocket(socketUrl(urlA, await login(a, '13801110200')));
    await socket.opened;
    socket.send({ type: 'resume', after: {} });
    await socket.waitFor((e) => e.type === 'resumed');
    const res = await b.inject({
      method: 'POST', url: `/api/v1/chats/${building1}/messages`,
      headers: { authorization: `Bearer ${await login(b, '13801110100')}` },
      payload: { clientId: 'across-1', text: '从另一台服务器发来' },
    });
    expect(res.statusCode).toBe(201);
    const event = await socket.waitFor((e) => e.type === 'message' && e.message.id === res.json().id);
    expect(event.message.text).toBe('从另一台服务器发来');
    await new Promise((r) => setTimeout(r, 200));
    expect(socket.events.filter((e) => e.type === 'message')).toHaveLength(1);
    await socket.close();
  });

  it('the posting instance delivers to its own sockets at once and skips its own echo; each socket gets every post once, in the order of the posts', async () => {
    const a = t.app;
    const b = await secondInstance();
    const onA = openSocket(socketUrl(listeningUrl(a), await login(a, '13801110200')));
    const onB = openSocket(socketUrl(await b.listen({ port: 0, host: '127.0.0.1' }), await login(b, '13801120100')));
    for (const socket of [onA, onB]) {
      await socket.opened;
      socket.send({ type: 'resume', after: {} });
      await socket.waitFor((e) => e.type === 'resumed');
    }
    const token = await login(b, '13801110100');
    const ids: string[] = [];
    for (let n = 0; n < 20; n++) {
      const res = await b.inject({
        method: 'POST', url: `/api/v1/chats/${building1}/messages`,
        headers: { authorization: `Bearer ${token}` },
        payload: { clientId: `order-${n}`, text: `第 ${n + 1} 条` },
      });
      expect(res.statusCode).toBe(201);
      ids.push(res.json().id);
    }
    for (const socket of [onA, onB]) await socket.waitFor((e) => e.type === 'message' && e.message.id === ids.at(-1));
    await new Promise((r) => setTimeout(r, 200));
    for (const socket of [onA, onB]) {
      expect(socket.events.filter((e) => e.type === 'message').map((e) => e.message.id)).toEqual(ids);
    }
    await onA.close();
    await onB.close();
  });

  it('the Redis bus hands an event to its own instance during publish(), never again from the echo, and to the other instance once', async () => {
    const log = { error: () => undefined, warn: () => undefined };
    const channel = `${t.config.redisKeyPrefix}bus-test`;
    const [busA, busB] = await Promise.all([redisBus(redisUrl, log, channel), redisBus(redisUrl, log, channel)]);
    const gotA: string[] = [];
    const gotB: string[] = [];
    busA.onEnvelope((e) => gotA.push(e.payload));
    busB.onEnvelope((e) => gotB.push(e.payload));
    try {
      const published = busA.publish({ buildingIds: ['b'], groupId: 'b', seq: 1, payload: '{"n":1}' });
      expect(gotA).toEqual(['{"n":1}']);
      await published;
      for (let waited = 0; gotB.length === 0 && waited < 2000; waited += 20) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 100));
      expect(gotB).toEqual(['{"n":1}']);
      expect(gotA).toEqual(['{"n":1}']);
    } finally {
      await Promise.all([busA.close(), busB.close()]);
    }
  });
} else {
  it('without REDIS_URL uses the in-process bus: a socket hears posts made through its own instance, not through another', async () => {
    const a = t.app;
    const b = await secondInstance();
    expect(a.realtime.busKind).toBe('in-process');
    expect(b.realtime.busKind).toBe('in-process');
    const urlA = await a.listen({ port: 0, host: '127.0.0.1' });
    const socket = openSocket(socketUrl(urlA, await login(a, '13801110200')));
    await socket.opened;
    socket.send({ type: 'resume', after: {} });
    await socket.waitFor((e) => e.type === 'resumed');
    const viaB = await b.inject({
      method: 'POST', url: `/api/v1/chats/${building1}/messages`,
      headers: { authorization: `Bearer ${await login(b, '13801110100')}` },
      payload: { clientId: 'via-b', text: '另一台' },
    });
    const viaA = await a.inject({
      method: 'POST', url: `/api/v1/chats/${building1}/messages`,
      headers: { authorization: `Bearer ${await login(a, '13801110100')}` },
      payload: { clientId: 'via-a', text: '同一台' },
    });
    await socket.waitFor((e) => e.type === 'message' && e.message.id === viaA.json().id);
    expect(socket.events.filter((e) => e.type === 'message').map((e) => e.message.id)).toEqual([viaA.json().id]);
    expect(viaB.statusCode).toBe(201);
    await socket.close();
  });
}
