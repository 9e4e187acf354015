// Redis dies under two instances on one database: each instance keeps serving its own sockets and REST (no 5xx), and
// when Redis is back the bus heals and the other instance's clients catch up by resume, nothing lost, nothing twice.
import { inArray } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '@linli/server/app';
import { loadConfig } from '@linli/server/config';
import { openDatabase, type DatabaseHandle } from '@linli/server/db/client';
import { buildings } from '@linli/server/db/schema/index';
import { createTestApp, type TestApp } from '../support/app';
import { redisServerBinary, startPrivateRedis, type PrivateRedis } from '../support/private-services';
import { ResumingClient, seqRange } from '../support/resuming-client';
import { sleep } from '../support/server-process';

const binary = redisServerBinary();
const env = { NODE_ENV: 'test', SEED_DEMO: 'off', LOGIN_RATE_LIMIT_PER_IP: '100000', LOGIN_RATE_LIMIT_PER_PHONE: '100000', CHAT_SEND_LIMIT_PER_MINUTE: '100000' } as const;

let redis: PrivateRedis | null = null;
let t: TestApp;
let b: FastifyInstance;
let secondDatabase: DatabaseHandle | undefined;
const urls: { a: string; b: string } = { a: '', b: '' };
const groupIds: Record<1 | 2 | 3, string> = { 1: '', 2: '', 3: '' };
const clients: ResumingClient[] = [];

beforeAll(async () => {
  redis = binary ? await startPrivateRedis(binary) : null;
  const redisEnv: Record<string, string> = redis ? { REDIS_URL: redis.url } : {};
  t = await createTestApp({ env: { ...env, ...redisEnv } });
  // Instance B: its own pool on the same PostgreSQL database (PGlite: the same embedded database), the same channel.
  secondDatabase = t.database.url ? await openDatabase({ kind: 'postgres', url: t.database.url }, { error: () => undefined }) : undefined;
  b = await buildApp(loadConfig({ ...env, ...redisEnv, REDIS_KEY_PREFIX: t.config.redisKeyPrefix }), { logger: false, database: secondDatabase ?? t.database });
  urls.a = await t.app.listen({ port: 0, host: '127.0.0.1' });
  urls.b = await b.listen({ port: 0, host: '127.0.0.1' });
  const rows = await t.db.select().from(buildings).where(inArray(buildings.name, ['1号楼', '2号楼', '3号楼']));
  for (const n of [1, 2, 3] as const) groupIds[n] = rows.find((r) => r.name === `${n}号楼`)!.id;
}, 60_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await b?.close();
  await secondDatabase?.close();
  await t?.close();
  await redis?.destroy();
});

interface Post { status: number; seq: number; ms: number }

async function post(app: FastifyInstance, phone: string, group: 1 | 2 | 3, clientId: string): Promise<Post> {
  const { token } = await t.login(phone);
  const startedAt = Date.now();
  const res = await app.inject({
    method: 'POST', url: `/api/v1/chats/${groupIds[group]}/messages`,
    headers: { authorization: `Bearer ${token}` }, payload: { clientId, text: `Redis 故障测试 ${clientId}` },
  });
  return { status: res.statusCode, seq: res.statusCode < 300 ? res.json().seq : -1, ms: Date.now() - startedAt };
}

async function lastSeqOf(group: 1 | 2 | 3): Promise<number> {
  const res = await t.call((await t.login('13900000000')).token, { method: 'GET', url: `/api/v1/chats/${groupIds[group]}` });
  return res.json().lastSeq;
}

async function client(instance: 'a' | 'b', phone: string, group: 1 | 2 | 3) {
  const c = new ResumingClient(urls[instance], (await t.login(phone)).token, groupIds[group], await lastSeqOf(group));
  clients.push(c);
  await c.connect();
  return c;
}

/** Posts a probe through `from` into 3号楼's group until `listener` hears one live: the bus carries events again. */
async function untilBusCarries(from: FastifyInstance, listener: ResumingClient, timeoutMs: number): Promise<number> {
  const startedAt = Date.now();
  for (let n = 0; Date.now() - startedAt < timeoutMs; n++) {
    const before = listener.received.length;
    await post(from, '13803120100', 3, `probe-${listener.lastSeq}-${n}-${Date.now()}`);
    for (let waited = 0; waited < 300; waited += 20) {
      if (listener.received.length > before) return Date.now() - startedAt;
      await sleep(20);
    }
  }
  throw new Error(`the bus did not carry an event within ${timeoutMs} ms`);
}

const outagePosts = 15;

const title = binary
  ? 'Redis killed under two instances: each serves its own sockets and REST without a 5xx; when it returns the bus heals and the other instance\'s clients catch up by resume, nothing lost, nothing twice'
  : 'without a redis-server binary: two instances with no bus between them (what a Redis outage leaves) each serve their own sockets, and the other instance\'s clients catch up by resume, nothing lost, nothing twice';

it(title, async () => {
  // 1号楼 is posted to through A, 2号楼 through B; each group has a client on each instance. 3号楼 carries only probes.
  const a1 = await client('a', '13801130100', 1);
  const b1 = await client('b', '13801130200', 1);
  const b2 = await client('b', '13802130100', 2);
  const a2 = await client('a', '13802130200', 2);
  const probeOnA = await client('a', '13803110100', 3);
  const probeOnB = await client('b', '13803110200', 3);
  if (redis) {
    expect(t.app.realtime.busKind).toBe('redis');
    expect(b.realtime.busKind).toBe('redis');
    await untilBusCarries(t.app, probeOnB, 5000);
    await untilBusCarries(b, probeOnA, 5000);
  }

  const outageStartedAt = Date.now();
  await redis?.kill();
  const posts: Post[] = [];
  for (let n = 0; n < outagePosts; n++) {
    posts.push(await post(t.app, '13801110100', 1, `outage-a-${n}`));
    posts.push(await post(b, '13802110100', 2, `outage-b-${n}`));
  }
  // REST that touches the shared rate limits keeps working too: a log-in on each instance.
  const logins = await Promise.all([t.app, b].map((app, i) => app.inject({ method: 'POST', url: '/api/v1/auth/dev-login', payload: { phone: `1350000010${i}` } })));
  // Each instance delivered its own posts to its own sockets, live, while Redis was down.
  const seqs1 = posts.filter((p, i) => i % 2 === 0).map((p) => p.seq);
  const seqs2 = posts.filter((p, i) => i % 2 === 1).map((p) => p.seq);
  await a1.waitUntilSeq(Math.max(...seqs1), 5000);
  await b2.waitUntilSeq(Math.max(...seqs2), 5000);
  const missedByB1 = Math.max(...seqs1) - b1.lastSeq;
  const missedByA2 = Math.max(...seqs2) - a2.lastSeq;

  let outageMs = Date.now() - outageStartedAt;
  let busHealedMs = 0;
  if (redis) {
    // Down for 3 s at least: long enough for the clients' reconnect back-off to grow.
    await sleep(3000 - (Date.now() - outageStartedAt));
    await redis.start();
    const back = Date.now();
    outageMs = back - outageStartedAt;
    await untilBusCarries(t.app, probeOnB, 15_000);
    await untilBusCarries(b, probeOnA, 15_000);
    busHealedMs = Date.now() - back;
  }
  // The other instance's clients resume from the last seq they saw.
  b1.drop();
  a2.drop();
  await Promise.all([b1.connect(), a2.connect()]);
  // And after that, live delivery across instances (or, without a bus, on each instance) goes on.
  const after1 = await post(t.app, '13801110100', 1, 'after-a');
  const after2 = await post(b, '13802110100', 2, 'after-b');
  const liveAcross = redis ? [a1, b1] : [a1];
  for (const c of liveAcross) await c.waitUntilSeq(after1.seq, 5000);
  for (const c of redis ? [b2, a2] : [b2]) await c.waitUntilSeq(after2.seq, 5000);
  if (!redis) {
    // No bus: the clients on the other instance hear the last post only by resuming once more.
    b1.drop();
    a2.drop();
    await Promise.all([b1.connect(), a2.connect()]);
  }
  await sleep(200);

  console.log(
    `Redis outage: ${redis ? `redis-server killed for ${outageMs} ms, bus healed ${busHealedMs} ms after it was back` : 'no redis-server binary: no bus at all'}; ` +
      `${posts.length} posts during it: ${posts.filter((p) => p.status === 201).length} × 201, ${posts.filter((p) => p.status >= 500).length} × 5xx, ` +
      `slowest ${Math.max(...posts.map((p) => p.ms))} ms; log-ins ${logins.map((r) => r.statusCode).join('/')}; ` +
      `B's client missed ${missedByB1} and A's missed ${missedByA2} until they resumed (late bus frames after the gap: ${b1.afterGap + a2.afterGap})`,
  );
  expect(posts.map((p) => p.status)).toEqual(Array(posts.length).fill(201));
  // Not a timing benchmark: a post must not wait for Redis. (With a queue for the offline client, each send-limit
  // check and record waited out two reconnect attempts, up to 4 s each.)
  expect(Math.max(...posts.map((p) => p.ms))).toBeLessThan(3000);
  expect(logins.map((r) => r.statusCode)).toEqual([200, 200]);
  expect(missedByB1).toBe(outagePosts);
  expect(missedByA2).toBe(outagePosts);
  // Each client holds exactly the group's seqs from the first outage post to the last post; no socket delivered a
  // seq twice or out of order. (Publishes queued in Redis's client during a short outage may reach the other instance
  // late, after the gap they leave: the client holds them and its resume from before the gap fills it.)
  for (const c of [a1, b1]) expect(c.holds()).toEqual(seqRange(Math.min(...seqs1), after1.seq));
  for (const c of [b2, a2]) expect(c.holds()).toEqual(seqRange(Math.min(...seqs2), after2.seq));
  for (const c of [a1, b1, b2, a2]) {
    for (const arrived of c.perSocket) expect(arrived).toEqual([...new Set(arrived)].sort((x, y) => x - y));
    expect(c.repeated().filter((seq) => !c.receivedAfterGap.has(seq))).toEqual([]);
  }
  // The instances' own clients heard every post live, in order, once.
  expect(a1.received).toEqual(seqRange(Math.min(...seqs1), after1.seq));
  expect(b2.received).toEqual(seqRange(Math.min(...seqs2), after2.seq));
}, 90_000);
