// bench/chat-fanout: one building of 500 connected sockets; a resident posts through the REST API; how long until all
// 500 have the message (p50/p99) and how many messages/s reach all 500. Ceiling in the same run: a bare `ws` server
// broadcasting the same payload, serialised once, to 500 sockets. Also: server-side memory per idle socket at 5,000
// sockets held by a child process (ours vs bare ws), and hello-world (/healthz) p99 with and without those sockets.
// With REDIS_URL: posts with the sockets on a Redis-backed posting instance, and on a second instance, each message
// alternating with one to the in-process instance (the paired ceiling).
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import WebSocket, { WebSocketServer } from 'ws';
import { buildApp } from '@linli/server/app';
import { loadConfig } from '@linli/server/config';
import { openDatabase, type DatabaseHandle } from '@linli/server/db/client';
import { findMigrationsFolder } from '@linli/server/db/migrations';
import { demoResidentPhone, seedDemoCommunity } from '@linli/server/db/seed-demo';
import type { BenchResult } from '../lib/result';
import { withDatabase, percentile } from '../lib/measure';

const socketCount = 500;
const messages = 100;
const throughputMessages = 200;
const idleSockets = 5000;

/** Opens `count` sockets; `onMessage(i, data)` for each frame. Resolves once all are open. */
async function openSockets(url: (i: number) => string, count: number, onMessage?: (data: string) => void, afterOpen?: (ws: WebSocket) => void) {
  const sockets: WebSocket[] = [];
  for (let start = 0; start < count; start += 250) {
    const batch = Array.from({ length: Math.min(250, count - start) }, (_, k) => new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(url(start + k));
      if (onMessage) ws.on('message', (data) => onMessage(String(data)));
      ws.once('open', () => {
        afterOpen?.(ws);
        resolve(ws);
      });
      ws.once('error', reject);
    }));
    sockets.push(...(await Promise.all(batch)));
  }
  return sockets;
}

async function closeAll(sockets: WebSocket[]) {
  await Promise.all(sockets.map((ws) => new Promise<void>((resolve) => {
    if (ws.readyState === ws.CLOSED) return resolve();
    ws.once('close', () => resolve());
    ws.terminate();
  })));
}

/** Waits until `counts.get(key)` reaches `target`. */
function tracker() {
  const counts = new Map<string, number>();
  const waiters = new Map<string, { target: number; resolve: (t: number) => void }>();
  return {
    hit(key: string) {
      const n = (counts.get(key) ?? 0) + 1;
      counts.set(key, n);
      const w = waiters.get(key);
      if (w && n >= w.target) {
        waiters.delete(key);
        w.resolve(performance.now());
      }
    },
    when(key: string, target: number): Promise<number> {
      if ((counts.get(key) ?? 0) >= target) return Promise.resolve(performance.now());
      return new Promise((resolve) => waiters.set(key, { target, resolve }));
    },
  };
}

interface FanoutFigures { p50: number; p99: number; hubP50: number; hubP99: number; perSecond: number }

type App = Awaited<ReturnType<typeof buildApp>>;

interface Side { app: App; baseUrl: string }

/**
 * 500 sockets on `socketSide`, posts through `postSide` (the same instance, or another one sharing Redis). `one()`
 * posts one message and times it to all 500; `throughput()` posts in bursts of 10.
 */
async function fanoutSession(socketSide: Side, postSide: Side, buildingId: string, tokens: string[], label: string) {
  const { app } = socketSide;
  const seen = tracker();
  const sockets = await openSockets(
    (i) => `${socketSide.baseUrl.replace('http', 'ws')}/api/v1/ws?token=${tokens[i % tokens.length]}`,
    socketCount,
    (data) => {
      // Only the id is needed; a full parse per frame would measure the client, not the server.
      const at = data.indexOf('"id":"');
      if (data.startsWith('{"type":"message"') && at > 0) seen.hit(data.slice(at + 6, at + 42));
    },
    (ws) => ws.send(JSON.stringify({ type: 'resume', after: {} })),
  );
  // The hub's own start (after the database write and the bus) for the fan-out-only figure.
  const hubStart = new Map<string, number>();
  const hub = app.realtime.hub;
  const deliver = hub.deliver.bind(hub);
  hub.deliver = (envelope) => {
    const at = envelope.payload.indexOf('"id":"');
    if (at > 0) hubStart.set(envelope.payload.slice(at + 6, at + 42), performance.now());
    deliver(envelope);
  };
  await new Promise((r) => setTimeout(r, 2500)); // past the resume grace, every socket live
  const sender = tokens[0]!;
  let posted = 0;
  const post = async () => {
    const n = ++posted;
    const res = await fetch(`${postSide.baseUrl}/api/v1/chats/${buildingId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sender}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: `bench-${label}-${process.pid}-${n}-${randomBytes(3).toString('hex')}`, text: `压测消息 ${n}：今天下午三点楼下发放蔬菜包，请带好取货码。` }),
    });
    if (res.status !== 201) throw new Error(`post → ${res.status} ${await res.text()}`);
    return ((await res.json()) as { id: string }).id;
  };
  for (let n = 0; n < 10; n++) await seen.when(await post(), socketCount); // warm-up
  return {
    async one(): Promise<{ endToEnd: number; fanout: number }> {
      const t0 = performance.now();
      const id = await post();
      const done = await seen.when(id, socketCount);
      return { endToEnd: done - t0, fanout: done - hubStart.get(id)! };
    },
    async throughput(): Promise<number> {
      const tStart = performance.now();
      const ids: string[] = [];
      for (let n = 0; n < throughputMessages; n += 10) ids.push(...(await Promise.all(Array.from({ length: 10 }, () => post()))));
      await Promise.all(ids.map((id) => seen.when(id, socketCount)));
      return throughputMessages / ((performance.now() - tStart) / 1000);
    },
    async close() {
      hub.deliver = deliver;
      await closeAll(sockets);
    },
  };
}

type Session = Awaited<ReturnType<typeof fanoutSession>>;

function figuresOf(samples: { endToEnd: number; fanout: number }[], perSecond = NaN): FanoutFigures {
  const endToEnd = samples.map((x) => x.endToEnd);
  const fanout = samples.map((x) => x.fanout);
  return { p50: percentile(endToEnd, 50), p99: percentile(endToEnd, 99), hubP50: percentile(fanout, 50), hubP99: percentile(fanout, 99), perSecond };
}

async function measureOurs(session: Session): Promise<FanoutFigures> {
  const samples = [];
  for (let n = 0; n < messages; n++) samples.push(await session.one());
  return figuresOf(samples, await session.throughput());
}

/**
 * `a` and `b` one message each in turn (order alternating), so both see the same machine load: on a shared machine
 * the load moves more between two runs a minute apart than Redis costs.
 */
async function measurePaired(a: Session, b: Session): Promise<[FanoutFigures, FanoutFigures]> {
  const sa = [];
  const sb = [];
  for (let n = 0; n < messages; n++) {
    if (n % 2 === 0) {
      sa.push(await a.one());
      sb.push(await b.one());
    } else {
      sb.push(await b.one());
      sa.push(await a.one());
    }
  }
  return [figuresOf(sa), figuresOf(sb)];
}

async function measureBare(payload: string): Promise<{ p50: number; p99: number; perSecond: number }> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as AddressInfo).port;
  const seen = tracker();
  const sockets = await openSockets(() => `ws://127.0.0.1:${port}`, socketCount, (data) => {
    const at = data.indexOf('"id":"');
    seen.hit(data.slice(at + 6, at + 42));
  });
  const broadcast = (n: number) => {
    const id = `${String(n).padStart(8, '0')}-0000-4000-8000-000000000000`;
    const bytes = Buffer.from(payload.replace(/"id":"[^"]{36}"/, `"id":"${id}"`));
    for (const client of server.clients) client.send(bytes, { binary: false });
    return id;
  };
  const times: number[] = [];
  for (let n = 0; n < 10; n++) await seen.when(broadcast(90_000 + n), socketCount);
  for (let n = 0; n < messages; n++) {
    const t0 = performance.now();
    const done = await seen.when(broadcast(n), socketCount);
    times.push(done - t0);
  }
  const tStart = performance.now();
  const ids = Array.from({ length: throughputMessages }, (_, n) => broadcast(10_000 + n));
  await Promise.all(ids.map((id) => seen.when(id, socketCount)));
  const perSecond = throughputMessages / ((performance.now() - tStart) / 1000);
  await closeAll(sockets);
  await new Promise((r) => server.close(r));
  return { p50: percentile(times, 50), p99: percentile(times, 99), perSecond };
}

/** Heap and off-heap bytes after repeated full collections (a single gc() leaves garbage that skews small deltas). */
async function settledMemory(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    global.gc!();
    await new Promise((r) => setImmediate(r));
  }
  const m = process.memoryUsage();
  return m.heapUsed + m.external; // external already includes arrayBuffers
}

/** Sequential GET /healthz for `windowMs`; the latency of each. */
async function helloWorldTimes(baseUrl: string, windowMs: number): Promise<number[]> {
  const times: number[] = [];
  const end = performance.now() + windowMs;
  while (performance.now() < end) {
    const t0 = performance.now();
    await (await fetch(`${baseUrl}/healthz`)).arrayBuffer();
    times.push(performance.now() - t0);
  }
  return times;
}

/** Idle clients held by a child process, so neither their memory nor their event-loop work lands in this process. */
function idleClients() {
  const child = fork(fileURLToPath(new URL('./idle-clients.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx', '--expose-gc'] });
  const reply = <T>() => new Promise<T>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`idle clients exited with ${code}`));
    child.once('exit', onExit);
    child.once('message', (m: T & { error?: string }) => {
      child.off('exit', onExit);
      if (m.error) reject(new Error(m.error));
      else resolve(m);
    });
  });
  return {
    async open(urls: string[], resume: boolean) {
      const opened = reply<{ opened: number; clientBytesPerSocket: number }>();
      child.send({ open: { urls, resume } });
      return opened;
    },
    async close() {
      const exited = new Promise((r) => child.once('exit', r));
      child.send({ close: true });
      await exited;
    },
  };
}

const periodWindowMs = 31_000;

/**
 * Server-side bytes per idle socket: the growth from `idleSockets / 2` to `idleSockets` sockets (the marginal cost,
 * free of one-time costs such as compiled code and of garbage left by an earlier phase), after forced GCs.
 */
async function memoryPerSocket(clients: ReturnType<typeof idleClients>, url: (i: number) => string, resume: boolean, settleMs: number) {
  const half = idleSockets / 2;
  const batch = (from: number) => Array.from({ length: half }, (_, i) => url(from + i));
  await clients.open(batch(0), resume);
  await new Promise((r) => setTimeout(r, settleMs));
  const atHalf = await settledMemory();
  const { clientBytesPerSocket } = await clients.open(batch(half), resume);
  await new Promise((r) => setTimeout(r, settleMs));
  return { serverBytes: ((await settledMemory()) - atHalf) / half, clientBytes: clientBytesPerSocket };
}

async function measureIdle(app: App, baseUrl: string, tokens: string[]) {
  if (!global.gc) throw new Error('bench/chat-fanout: the memory figures need NODE_OPTIONS=--expose-gc');
  // Without sockets: half the window before opening them and half after closing them, bracketing the run with them
  // (the load on a shared machine drifts over a minute).
  const withoutBefore = await helloWorldTimes(baseUrl, periodWindowMs / 2);

  const ours = idleClients();
  // Past the resume grace before measuring: every socket live, as it stays.
  const oursMemory = await memoryPerSocket(ours, (i) => `${baseUrl.replace('http', 'ws')}/api/v1/ws?token=${tokens[i % tokens.length]}`, true, 3000);
  // The hub holds every connection while measured (nothing was collected away).
  if (app.realtime.hub.connections.size !== idleSockets) throw new Error(`expected ${idleSockets} live sockets, hub has ${app.realtime.hub.connections.size}`);
  const withSockets = percentile(await helloWorldTimes(baseUrl, periodWindowMs), 99);
  await ours.close();
  await new Promise((r) => setTimeout(r, 1000));
  const withoutSockets = percentile([...withoutBefore, ...(await helloWorldTimes(baseUrl, periodWindowMs / 2))], 99);

  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as AddressInfo).port;
  const bare = idleClients();
  const bareMemory = await memoryPerSocket(bare, () => `ws://127.0.0.1:${port}`, false, 1000);
  if (server.clients.size !== idleSockets) throw new Error(`expected ${idleSockets} bare sockets, server has ${server.clients.size}`);
  await bare.close();
  await new Promise((r) => server.close(r));
  return { oursBytes: oursMemory.serverBytes, bareBytes: bareMemory.serverBytes, oursClientBytes: oursMemory.clientBytes, withoutSockets, withSockets };
}

async function fanoutRun(url: string, redisUrl: string | null) {
  const scratch = `linli_bench_chat_${randomBytes(4).toString('hex')}`;
  const scratchUrl = withDatabase(url, scratch);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${scratch}"`);
  let handle: DatabaseHandle | undefined;
  const apps: App[] = [];
  try {
    handle = await openDatabase({ kind: 'postgres', url: scratchUrl }, { error: () => undefined });
    await handle.migrate(findMigrationsFolder());
    await seedDemoCommunity(handle.db);
    const env = {
      NODE_ENV: 'test', DATABASE_URL: scratchUrl, SEED_DEMO: 'off', LOG_LEVEL: 'silent',
      LOGIN_RATE_LIMIT_PER_IP: '100000', LOGIN_RATE_LIMIT_PER_PHONE: '100000', CHAT_SEND_LIMIT_PER_MINUTE: '100000',
    };
    const start = async (config: ReturnType<typeof loadConfig>): Promise<Side> => {
      const app = await buildApp(config, { database: handle, logger: false });
      apps.push(app);
      return { app, baseUrl: await app.listen({ port: 0, host: '127.0.0.1' }) };
    };
    const local = await start(loadConfig(env));
    const { app, baseUrl } = local;
    const [building] = (await handle.db.execute(`SELECT id FROM buildings WHERE name = '1号楼'` as never) as unknown as { rows: { id: string }[] }).rows;
    const buildingId = building!.id;
    const phones = [1, 2].flatMap((unit) => [1, 2, 3, 4, 5, 6].flatMap((floor) => [1, 2].map((r) => demoResidentPhone(1, unit, `${floor}0${r}`))));
    const tokens: string[] = [];
    for (const phone of phones) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/auth/dev-login', payload: { phone } });
      tokens.push(res.json().accessToken);
    }
    const localSession = await fanoutSession(local, local, buildingId, tokens, 'local');
    const figures = await measureOurs(localSession);

    let redis: { sameInstance: [FanoutFigures, FanoutFigures]; acrossInstances: [FanoutFigures, FanoutFigures] } | null = null;
    if (redisUrl) {
      // Two instances on the same database and Redis (their own key prefix, so nothing else on that Redis hears them).
      const redisConfig = loadConfig({ ...env, REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `linli-bench-${randomBytes(4).toString('hex')}:` });
      const first = await start(redisConfig);
      const second = await start(redisConfig);
      const sameSession = await fanoutSession(first, first, buildingId, tokens, 'redis-same');
      const sameInstance = await measurePaired(localSession, sameSession);
      await sameSession.close();
      const acrossSession = await fanoutSession(second, first, buildingId, tokens, 'redis-across');
      const acrossInstances = await measurePaired(localSession, acrossSession);
      await acrossSession.close();
      redis = { sameInstance, acrossInstances };
    }
    await localSession.close();
    const sample = await app.inject({ method: 'GET', url: `/api/v1/chats/${buildingId}/messages?limit=1`, headers: { authorization: `Bearer ${tokens[0]}` } });
    const payload = JSON.stringify({ type: 'message', message: sample.json().items[0] });
    const idle = await measureIdle(app, baseUrl, tokens);
    return { figures, redis, payload, idle };
  } finally {
    for (const a of apps.reverse()) await a.close();
    await handle?.close();
    await admin.query(`DROP DATABASE IF EXISTS "${scratch}" WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
}

export async function runChatFanoutBench(): Promise<BenchResult[]> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('bench/chat-fanout measures PostgreSQL: set DATABASE_URL (and REDIS_URL for the Redis figure)');
  const run = await fanoutRun(url, process.env.REDIS_URL ?? null);
  const bare = await measureBare(run.payload);
  const f = run.figures;
  const idle = run.idle;
  console.log(`chat-fanout: ours end-to-end p50 ${f.p50.toFixed(1)} ms p99 ${f.p99.toFixed(1)} ms; hub→all p50 ${f.hubP50.toFixed(1)} p99 ${f.hubP99.toFixed(1)}; bare p50 ${bare.p50.toFixed(1)} p99 ${bare.p99.toFixed(1)}`);
  const results: BenchResult[] = [
    { figure: 'chat: POST → all 500 sockets, p50', ours: f.p50, ceiling: bare.p50, unit: 'ms', ratio: bare.p50 / f.p50, note: 'ours includes the HTTP request, auth, the database transaction and serialisation; the ceiling is only the broadcast' },
    { figure: 'chat: POST → all 500 sockets, p99', ours: f.p99, ceiling: bare.p99, unit: 'ms', ratio: bare.p99 / f.p99 },
    { figure: 'chat: fan-out only (hub → all 500), p50', ours: f.hubP50, ceiling: bare.p50, unit: 'ms', ratio: bare.p50 / f.hubP50 },
    { figure: 'chat: fan-out only (hub → all 500), p99', ours: f.hubP99, ceiling: bare.p99, unit: 'ms', ratio: bare.p99 / f.hubP99, note: 'target: ours within 1.25× the bare broadcast (ratio ≥ 0.8)' },
    { figure: 'chat: messages/s delivered to all 500', ours: f.perSecond, ceiling: bare.perSecond, unit: 'msg/s', ratio: f.perSecond / bare.perSecond },
    { figure: 'chat: memory per idle socket at 5,000, server side (clients in a child process)', ours: idle.oursBytes / 1024, ceiling: idle.bareBytes / 1024, unit: 'KiB', ratio: idle.bareBytes / idle.oursBytes, note: `growth of heapUsed + external from 2,500 to 5,000 sockets after forced GCs, sockets held; the clients take ${(idle.oursClientBytes / 1024).toFixed(1)} KiB per socket in their own process` },
    { figure: 'hello-world p99 with 5,000 idle sockets (ceiling: without)', ours: idle.withSockets, ceiling: idle.withoutSockets, unit: 'ms', ratio: idle.withoutSockets / idle.withSockets, note: `target: ratio ≥ 0.91 (p99 moves by at most 10%); with sockets over ${periodWindowMs / 1000} s (one full heartbeat and membership-refresh period), without over ${periodWindowMs / 2000} s before opening and ${periodWindowMs / 2000} s after closing them` },
  ];
  if (run.redis) {
    const [localSame, same] = run.redis.sameInstance;
    const [localAcross, across] = run.redis.acrossInstances;
    results.push({ figure: 'chat via Redis, sockets on the posting instance: POST → all 500, p50 (ceiling: in-process, alternating)', ours: same.p50, ceiling: localSame.p50, unit: 'ms', ratio: localSame.p50 / same.p50, note: `Redis adds ${(same.p50 - localSame.p50).toFixed(2)} ms to p50 (target ≤ 2 ms); each message alternates with one to an in-process instance` });
    results.push({ figure: 'chat via Redis, sockets on the posting instance: POST → all 500, p99 (ceiling: in-process, alternating)', ours: same.p99, ceiling: localSame.p99, unit: 'ms', ratio: localSame.p99 / same.p99 });
    results.push({ figure: 'chat via Redis, sockets on another instance: POST → all 500, p50 (ceiling: in-process, alternating)', ours: across.p50, ceiling: localAcross.p50, unit: 'ms', ratio: localAcross.p50 / across.p50, note: `the hop through Redis to another instance adds ${(across.p50 - localAcross.p50).toFixed(2)} ms to p50` });
    results.push({ figure: 'chat via Redis, sockets on another instance: POST → all 500, p99 (ceiling: in-process, alternating)', ours: across.p99, ceiling: localAcross.p99, unit: 'ms', ratio: localAcross.p99 / across.p99 });
  }
  return results;
}
