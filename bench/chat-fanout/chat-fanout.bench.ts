// bench/chat-fanout: one building of 500 connected sockets, one per member account; a resident posts through the REST
// API; how long until all 500 have the message (p50/p99) and how many messages/s reach all 500. Ceiling in the same
// run, message by message alternating with ours: a bare `ws` server in its own process broadcasting the same payload,
// serialised once, to 500 sockets. The measuring sockets of both and the sender are in a child process
// (bench/lib/fanout-clients.ts), timed on the machine's monotonic clock. Also: server-side memory per
// idle socket at 5,000 sockets held by a child process (ours vs bare ws), and hello-world (/healthz) p99 of a server
// holding 5,000 idle sockets against an identical server without, the two measured side by side. With REDIS_URL: posts with the sockets on a Redis-backed posting instance, and on a second
// instance, each message alternating with one to the in-process instance (the paired ceiling).
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { demoResidentPhone } from '@linli/server/db/seed-demo';
import { ask, stopChild } from '../lib/child';
import { httpLoadClient } from '../lib/http-load';
import { median, targetMet, type BenchResult } from '../lib/result';
import { percentile } from '../lib/measure';
import { addBoundResidents, requireDatabaseUrl, withScratchDatabase, type App, type RunningApp } from '../lib/scratch';
import { fanoutClients, idleClients, monotonicMs, settledMemory, type FanoutClients, type IdleClients } from '../lib/sockets';
import type { ServerStats } from './server-process';

const socketCount = 500;
// 300, not 100: of 100 samples the p99 is the second-worst message, one GC pause or fsync hiccup on either side.
const messages = 300;
const throughputMessages = 200;
const idleSockets = 5000;

interface FanoutFigures { p50: number; p99: number; hubP50: number; hubP99: number; perSecond: number }

type Side = RunningApp;

/**
 * 500 sockets on `socketSide`, posts through `postSide` (the same instance, or another one sharing Redis); the sockets
 * and the sender are the fan-out clients' (a child process). `one()` posts one message and times it to all 500;
 * `throughput()` posts in bursts of 10.
 */
async function fanoutSession(clients: FanoutClients, socketSide: Side, postSide: Side, buildingId: string, tokens: string[], label: string) {
  const { app } = socketSide;
  const wsBase = socketSide.baseUrl.replace('http', 'ws');
  const { opened } = await clients.open(label, Array.from({ length: socketCount }, (_, i) => `${wsBase}/api/v1/ws?token=${tokens[i % tokens.length]}`), true);
  if (opened !== socketCount) throw new Error(`${label}: ${opened} sockets open, expected ${socketCount}`);
  // The hub's own start (after the database write and the bus) for the fan-out-only figure, on the clients' clock.
  const hubStart = new Map<string, number>();
  const hub = app.realtime.hub;
  const deliver = hub.deliver.bind(hub);
  hub.deliver = (envelope) => {
    const at = envelope.payload.indexOf('"id":"');
    if (at > 0) hubStart.set(envelope.payload.slice(at + 6, at + 42), monotonicMs());
    deliver(envelope);
  };
  await new Promise((r) => setTimeout(r, 2500)); // past the resume grace, every socket live
  const sender = tokens[0]!;
  const url = `${postSide.baseUrl}/api/v1/chats/${buildingId}/messages`;
  let posted = 0;
  const body = () => {
    const n = ++posted;
    return JSON.stringify({ clientId: `bench-${label}-${process.pid}-${n}-${randomBytes(3).toString('hex')}`, text: `压测消息 ${n}：今天下午三点楼下发放蔬菜包，请带好取货码。` });
  };
  for (let n = 0; n < 10; n++) await clients.post(label, url, sender, body()); // warm-up
  return {
    async one(): Promise<{ endToEnd: number; fanout: number }> {
      const { id, startedAt, reachedAt } = await clients.post(label, url, sender, body());
      return { endToEnd: reachedAt - startedAt, fanout: reachedAt - hubStart.get(id)! };
    },
    async throughput(): Promise<number> {
      const { startedAt, doneAt } = await clients.burst(label, url, sender, Array.from({ length: throughputMessages }, body), 10);
      return throughputMessages / ((doneAt - startedAt) / 1000);
    },
    async close() {
      hub.deliver = deliver;
      await clients.close(label);
    },
  };
}

type Session = Awaited<ReturnType<typeof fanoutSession>>;

function figuresOf(samples: { endToEnd: number; fanout: number }[], perSecond = NaN): FanoutFigures {
  const endToEnd = samples.map((x) => x.endToEnd);
  const fanout = samples.map((x) => x.fanout);
  return { p50: percentile(endToEnd, 50), p99: percentile(endToEnd, 99), hubP50: percentile(fanout, 50), hubP99: percentile(fanout, 99), perSecond };
}

type Bare = Awaited<ReturnType<typeof bareBroadcaster>>;

/**
 * Ours and the ceiling one message each in turn (order alternating), then each one's throughput burst back to back,
 * so both meet the same machine load: on a shared machine the load moves more within one run than the gap measured.
 */
async function measureOurs(session: Session, bare: Bare): Promise<{ ours: FanoutFigures; bare: { p50: number; p99: number; perSecond: number } }> {
  const samples = [];
  const bareTimes: number[] = [];
  for (let n = 0; n < messages; n++) {
    if (n % 2 === 0) {
      samples.push(await session.one());
      bareTimes.push(await bare.one());
    } else {
      bareTimes.push(await bare.one());
      samples.push(await session.one());
    }
  }
  const ours = figuresOf(samples, await session.throughput());
  return { ours, bare: { p50: percentile(bareTimes, 50), p99: percentile(bareTimes, 99), perSecond: await bare.throughput() } };
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

/**
 * The ceiling: a bare `ws` server in a process of its own (bare-process.ts) broadcasting `payload` (its id replaced per
 * message), serialised once, to 500 sockets of the fan-out clients, the same clients and code as ours. `one()` times
 * one broadcast from just before the server starts it until all 500 have it (one clock for both processes).
 */
async function bareBroadcaster(clients: FanoutClients, payload: string) {
  const child = fork(fileURLToPath(new URL('./bare-process.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'] });
  const { port } = await new Promise<{ port: number }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bare server process exited with ${code}`)));
    child.once('message', (answer: { port?: number; error?: string }) => (answer.port ? resolve({ port: answer.port }) : reject(new Error(answer.error))));
  });
  child.removeAllListeners('exit');
  const label = 'bare';
  const { opened } = await clients.open(label, Array.from({ length: socketCount }, () => `ws://127.0.0.1:${port}`), false);
  if (opened !== socketCount) throw new Error(`bare: ${opened} sockets open, expected ${socketCount}`);
  const broadcast = async (count: number) => {
    const { ids, startedAt } = await ask<{ ids: string[]; startedAt: number }>(child, { broadcast: { payload, count } }, 'bare server process');
    const { at } = await clients.reached(label, ids);
    return { startedAt, doneAt: Math.max(...at) };
  };
  for (let n = 0; n < 10; n++) await broadcast(1); // warm-up
  return {
    async one(): Promise<number> {
      const { startedAt, doneAt } = await broadcast(1);
      return doneAt - startedAt;
    },
    async throughput(): Promise<number> {
      const { startedAt, doneAt } = await broadcast(throughputMessages);
      return throughputMessages / ((doneAt - startedAt) / 1000);
    },
    async close() {
      await clients.close(label);
      await stopChild(child, { exit: true });
    },
  };
}

/** A Linli server in its own process (server-process.ts): the same build and settings as the bench's instances. */
async function startServerProcess(env: Record<string, string>) {
  const child = fork(fileURLToPath(new URL('./server-process.ts', import.meta.url)), [], {
    env: { ...process.env, ...env },
    execArgv: ['--import', 'tsx', ...(process.env.CHAT_FANOUT_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [])],
  });
  const { baseUrl } = await new Promise<{ baseUrl: string }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server process exited with ${code}`)));
    child.once('message', (answer: { baseUrl?: string; error?: string }) => (answer.baseUrl ? resolve({ baseUrl: answer.baseUrl }) : reject(new Error(answer.error))));
  });
  child.removeAllListeners('exit');
  return {
    baseUrl,
    /** Counters since the previous call (then reset). */
    stats: () => ask<ServerStats>(child, { stats: true }, 'server process'),
    close: () => stopChild(child, { exit: true }),
  };
}

type ServerProcess = Awaited<ReturnType<typeof startServerProcess>>;

/**
 * Hello-world is sequential GET /healthz (one request at a time) from a load generator in its own process, each
 * request to the other server than the last, so both are measured side by side under the same machine load and both
 * stay equally warm. A round is `roundMs` of that; its two p99s (about 1,000–3,000 requests each) give one ratio.
 */
const roundMs = 4000;
/** Per phase: 10 rounds (40 s), longer than one heartbeat and membership-refresh period (30 s). */
const roundsPerPhase = 10;

interface HelloPhase {
  /** Latencies of the server holding the sockets / of the identical server without any, every round pooled. */
  withSockets: number[];
  withoutSockets: number[];
  /** Per round: p99 without / p99 with. */
  roundRatios: number[];
  holderStats: ServerStats;
  otherStats: ServerStats;
}

/**
 * One phase: 5,000 idle authenticated sockets (each sends its resume) held by `holder`, none by `other`; both servers
 * measured alternately by one client, so the machine's load falls on both alike.
 */
async function helloPhase(holder: ServerProcess, other: ServerProcess, tokens: string[], load: ReturnType<typeof httpLoadClient>): Promise<HelloPhase> {
  const clients = idleClients();
  const wsBase = holder.baseUrl.replace('http', 'ws');
  await clients.open(Array.from({ length: idleSockets }, (_, i) => `${wsBase}/api/v1/ws?token=${tokens[i % tokens.length]}`), true);
  await new Promise((r) => setTimeout(r, 3000)); // past the resume grace: every socket live, as it stays
  const [held, none] = [(await holder.stats()).connections, (await other.stats()).connections];
  if (held !== idleSockets || none !== 0) throw new Error(`expected ${idleSockets} sockets on one server and 0 on the other, found ${held} and ${none}`);
  const round = async (first: ServerProcess, second: ServerProcess, durationMs: number) => {
    const result = await load.run({ url: `${first.baseUrl}/healthz`, urls: [`${first.baseUrl}/healthz`, `${second.baseUrl}/healthz`], authorizations: [], concurrency: 1, durationMs, keepLatencies: true, reuseConnections: true });
    if (Object.keys(result.unexpected).length) throw new Error(`/healthz answered ${JSON.stringify(result.unexpected)}`);
    const [firstTimes, secondTimes] = result.latenciesByUrl!;
    return { [first.baseUrl]: firstTimes!, [second.baseUrl]: secondTimes! };
  };
  await round(holder, other, 2000); // warm-up of the client's and both servers' code paths and connections, not counted
  await holder.stats();
  await other.stats();
  const phase: HelloPhase = { withSockets: [], withoutSockets: [], roundRatios: [], holderStats: undefined!, otherStats: undefined! };
  for (let n = 0; n < roundsPerPhase; n++) {
    // Neither server always goes first.
    const times = n % 2 === 0 ? await round(holder, other, roundMs) : await round(other, holder, roundMs);
    const withTimes = times[holder.baseUrl]!;
    const withoutTimes = times[other.baseUrl]!;
    phase.withSockets.push(...withTimes);
    phase.withoutSockets.push(...withoutTimes);
    phase.roundRatios.push(percentile(withoutTimes, 99) / percentile(withTimes, 99));
  }
  phase.holderStats = await holder.stats();
  phase.otherStats = await other.stats();
  await clients.close();
  await new Promise((r) => setTimeout(r, 1000));
  return phase;
}

/**
 * Hello-world p99 of a server holding 5,000 idle sockets against the same server without: two identical server
 * processes on the scratch database; in the first phase one holds the sockets, in the second the other (so a
 * difference between the two processes themselves cancels out).
 */
async function measureHelloWorld(env: Record<string, string>, tokens: string[]) {
  const servers = [await startServerProcess(env), await startServerProcess(env)] as const;
  const load = httpLoadClient();
  try {
    const phases = [await helloPhase(servers[0], servers[1], tokens, load), await helloPhase(servers[1], servers[0], tokens, load)];
    const withSockets = phases.flatMap((p) => p.withSockets);
    const withoutSockets = phases.flatMap((p) => p.withoutSockets);
    const sum = (stats: ServerStats[]) => ({
      gcMs: stats.reduce((t, s) => t + s.gc.totalMs, 0),
      gcMaxMs: Math.max(...stats.map((s) => s.gc.maxMs)),
      majorGcs: stats.reduce((t, s) => t + s.gc.majorCount, 0),
      cpuMs: stats.reduce((t, s) => t + s.cpuMs, 0),
      loopBusyMs: stats.reduce((t, s) => t + s.loopBusyMs, 0),
    });
    return {
      withP99: percentile(withSockets, 99),
      withoutP99: percentile(withoutSockets, 99),
      withP50: percentile(withSockets, 50),
      withoutP50: percentile(withoutSockets, 50),
      samples: [withSockets.length, withoutSockets.length],
      roundRatios: phases.flatMap((p) => p.roundRatios),
      holder: sum(phases.map((p) => p.holderStats)),
      other: sum(phases.map((p) => p.otherStats)),
    };
  } finally {
    await load.close();
    for (const server of servers) await server.close();
  }
}

/**
 * Server-side bytes per idle socket: the growth from `idleSockets / 2` to `idleSockets` sockets (the marginal cost,
 * free of one-time costs such as compiled code and of garbage left by an earlier phase), after forced GCs.
 */
async function memoryPerSocket(clients: IdleClients, url: (i: number) => string, resume: boolean, settleMs: number) {
  const half = idleSockets / 2;
  const batch = (from: number) => Array.from({ length: half }, (_, i) => url(from + i));
  await clients.open(batch(0), resume);
  await new Promise((r) => setTimeout(r, settleMs));
  const atHalf = await settledMemory();
  const { clientBytesPerSocket } = await clients.open(batch(half), resume);
  await new Promise((r) => setTimeout(r, settleMs));
  return { serverBytes: ((await settledMemory()) - atHalf) / half, clientBytes: clientBytesPerSocket };
}

async function measureIdle(app: App, baseUrl: string, tokens: string[], accountTokens: string[], serverEnv: Record<string, string>) {
  const ours = idleClients();
  // Past the resume grace before measuring: every socket live, as it stays.
  const oursMemory = await memoryPerSocket(ours, (i) => `${baseUrl.replace('http', 'ws')}/api/v1/ws?token=${tokens[i % tokens.length]}`, true, 3000);
  // The hub holds every connection while measured (nothing was collected away).
  if (app.realtime.hub.connections.size !== idleSockets) throw new Error(`expected ${idleSockets} live sockets, hub has ${app.realtime.hub.connections.size}`);
  console.log(`chat-fanout: ${idleSockets} idle sockets held, ${(oursMemory.serverBytes / 1024).toFixed(2)} KiB each server side`);
  await ours.close();

  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as AddressInfo).port;
  const bare = idleClients();
  const bareMemory = await memoryPerSocket(bare, () => `ws://127.0.0.1:${port}`, false, 1000);
  if (server.clients.size !== idleSockets) throw new Error(`expected ${idleSockets} bare sockets, server has ${server.clients.size}`);
  await bare.close();
  await new Promise((r) => server.close(r));

  const hello = await measureHelloWorld(serverEnv, accountTokens);
  console.log(`chat-fanout: hello-world p99 ${hello.withP99.toFixed(3)} ms with ${idleSockets} idle sockets, ${hello.withoutP99.toFixed(3)} ms without (pooled, ${hello.samples.join(' / ')} requests); per-round ratios ${hello.roundRatios.map((r) => r.toFixed(2)).join(' ')}`);
  return { oursBytes: oursMemory.serverBytes, bareBytes: bareMemory.serverBytes, oursClientBytes: oursMemory.clientBytes, hello };
}

async function fanoutRun(redisUrl: string | null) {
  return withScratchDatabase('chat-fanout', async (scratch) => {
    const local = await scratch.startApp();
    const { app, baseUrl } = local;
    // 500 member accounts of 1号楼, one socket each: 476 bound in set-up beside the demo's 24 households.
    const setup = scratch.pool(2);
    const { rows: [building] } = await setup.query<{ id: string }>(`SELECT id FROM buildings WHERE name = '1号楼'`);
    const buildingId = building!.id;
    const added = await addBoundResidents(setup, { buildingName: '1号楼', count: socketCount - 24, phonePrefix: '136', communityId: scratch.communityId });
    const phones = [1, 2].flatMap((unit) => [1, 2, 3, 4, 5, 6].flatMap((floor) => [1, 2].map((r) => demoResidentPhone(1, unit, `${floor}0${r}`))));
    const tokens: string[] = [];
    for (const phone of phones) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/auth/dev-login', payload: { phone } });
      tokens.push(res.json().accessToken);
    }
    tokens.push(...added.map((r) => app.signAccessToken(r.userId)));
    const clients = fanoutClients();
    scratch.onTeardown(() => clients.exit());
    const localSession = await fanoutSession(clients, local, local, buildingId, tokens, 'local');
    // The ceiling's payload: one of these messages as the sockets receive it.
    const sample = await app.inject({ method: 'GET', url: `/api/v1/chats/${buildingId}/messages?limit=1`, headers: { authorization: `Bearer ${tokens[0]}` } });
    const payload = JSON.stringify({ type: 'message', message: sample.json().items[0] });
    const bareSide = await bareBroadcaster(clients, payload);
    const { ours: figures, bare } = await measureOurs(localSession, bareSide);
    await bareSide.close();
    console.log(`chat-fanout: in-process POST → all ${socketCount} p50 ${figures.p50.toFixed(1)} ms, p99 ${figures.p99.toFixed(1)} ms, ${figures.perSecond.toFixed(1)} msg/s`);

    let redis: { sameInstance: [FanoutFigures, FanoutFigures]; acrossInstances: [FanoutFigures, FanoutFigures] } | null = null;
    if (redisUrl) {
      // Two instances on the same database and Redis (their own key prefix, so nothing else on that Redis hears them).
      const redisEnv = { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `linli-bench-${randomBytes(4).toString('hex')}:` };
      const first = await scratch.startApp(redisEnv);
      const second = await scratch.startApp(redisEnv);
      const sameSession = await fanoutSession(clients, first, first, buildingId, tokens, 'redis-same');
      const sameInstance = await measurePaired(localSession, sameSession);
      await sameSession.close();
      const acrossSession = await fanoutSession(clients, second, first, buildingId, tokens, 'redis-across');
      const acrossInstances = await measurePaired(localSession, acrossSession);
      await acrossSession.close();
      redis = { sameInstance, acrossInstances };
      console.log(`chat-fanout: via Redis p50 ${sameInstance[1].p50.toFixed(1)} ms (same instance), ${acrossInstances[1].p50.toFixed(1)} ms (across); in-process alongside ${sameInstance[0].p50.toFixed(1)} / ${acrossInstances[0].p50.toFixed(1)} ms`);
    }
    await localSession.close();
    if (process.env.CHAT_FANOUT_IDLE === 'off') return { figures, bare, redis, idle: null };
    // Hello-world's idle sockets: one per account, 5,000 residents of 2–6号楼 (1,000 each), as many membership rows to
    // refresh as sockets.
    const idleAccounts = (await Promise.all(['2号楼', '3号楼', '4号楼', '5号楼', '6号楼'].map((buildingName, i) =>
      addBoundResidents(setup, { buildingName, count: idleSockets / 5, phonePrefix: `13${i}`, communityId: scratch.communityId })))).flat();
    const idle = await measureIdle(app, baseUrl, tokens, idleAccounts.map((r) => app.signAccessToken(r.userId)), scratch.env());
    return { figures, bare, redis, idle };
  });
}

function helloNote(hello: Awaited<ReturnType<typeof measureHelloWorld>>): string {
  const ratios = [...hello.roundRatios].sort((a, b) => a - b);
  return [
    `two identical server processes, one holding the ${idleSockets} sockets (swapped halfway), measured by one client alternating request by request, ${ratios.length} rounds of ${roundMs / 1000} s`,
    `per-round ratios ${ratios[0]!.toFixed(2)}–${ratios.at(-1)!.toFixed(2)}; ${hello.samples[0]} / ${hello.samples[1]} requests with / without`,
    `server with / without the sockets over the rounds: GC pauses ${hello.holder.gcMs.toFixed(0)} / ${hello.other.gcMs.toFixed(0)} ms (longest ${hello.holder.gcMaxMs.toFixed(1)} / ${hello.other.gcMaxMs.toFixed(1)} ms, ${hello.holder.majorGcs} / ${hello.other.majorGcs} major), event loop busy ${hello.holder.loopBusyMs.toFixed(0)} / ${hello.other.loopBusyMs.toFixed(0)} ms, CPU ${hello.holder.cpuMs.toFixed(0)} / ${hello.other.cpuMs.toFixed(0)} ms`,
  ].join('; ');
}

export async function runChatFanoutBench(): Promise<BenchResult[]> {
  requireDatabaseUrl('chat-fanout');
  if (!process.env.REDIS_URL) console.log('chat-fanout: REDIS_URL unset, the Redis figures are skipped');
  if (process.env.CHAT_FANOUT_IDLE === 'off') console.log('chat-fanout: CHAT_FANOUT_IDLE=off, the idle-socket figures are skipped');
  const run = await fanoutRun(process.env.REDIS_URL ?? null);
  const { bare } = run;
  const f = run.figures;
  const idle = run.idle;
  console.log(`chat-fanout: ours end-to-end p50 ${f.p50.toFixed(1)} ms p99 ${f.p99.toFixed(1)} ms; hub→all p50 ${f.hubP50.toFixed(1)} p99 ${f.hubP99.toFixed(1)}; bare p50 ${bare.p50.toFixed(1)} p99 ${bare.p99.toFixed(1)}`);
  const results: BenchResult[] = [
    { figure: 'chat: POST → all 500 sockets, p50', ours: f.p50, ceiling: bare.p50, unit: 'ms', ratio: bare.p50 / f.p50, note: 'ours includes the HTTP request, auth, the database transaction and serialisation; the ceiling is only the broadcast' },
    { figure: 'chat: POST → all 500 sockets, p99', ours: f.p99, ceiling: bare.p99, unit: 'ms', ratio: bare.p99 / f.p99, target: targetMet('≥ 0.8 (p99 to all 500 within 1.25× the bare broadcast)', bare.p99 / f.p99 >= 0.8), note: `${messages} messages, each alternating with one bare broadcast; both sides' 500 sockets and the sender in one child process, the bare server in another` },
    { figure: 'chat: fan-out only (hub → all 500), p50', ours: f.hubP50, ceiling: bare.p50, unit: 'ms', ratio: bare.p50 / f.hubP50 },
    { figure: 'chat: fan-out only (hub → all 500), p99', ours: f.hubP99, ceiling: bare.p99, unit: 'ms', ratio: bare.p99 / f.hubP99, note: 'the fan-out part alone (from the hub\'s deliver(), after the transaction); the issue\'s 1.25× is asked of POST → all' },
    { figure: 'chat: messages/s delivered to all 500', ours: f.perSecond, ceiling: bare.perSecond, unit: 'msg/s', ratio: f.perSecond / bare.perSecond },
  ];
  if (idle) results.push(
    { figure: 'chat: memory per idle socket at 5,000, server side (clients in a child process)', ours: idle.oursBytes / 1024, ceiling: idle.bareBytes / 1024, unit: 'KiB', ratio: idle.bareBytes / idle.oursBytes, note: `growth of heapUsed + external from 2,500 to 5,000 sockets after forced GCs, sockets held; the clients take ${(idle.oursClientBytes / 1024).toFixed(1)} KiB per socket in their own process` },
    { figure: 'hello-world p99 with 5,000 idle sockets (ceiling: without), median of per-round ratios', ours: idle.hello.withP99, ceiling: idle.hello.withoutP99, unit: 'ms', ratio: median(idle.hello.roundRatios), target: targetMet('≥ 0.91 (p99 moves ≤ 10%)', median(idle.hello.roundRatios) >= 0.91), note: helloNote(idle.hello) },
    { figure: 'hello-world p99 with 5,000 idle sockets (ceiling: without), pooled', ours: idle.hello.withP99, ceiling: idle.hello.withoutP99, unit: 'ms', ratio: idle.hello.withoutP99 / idle.hello.withP99, target: targetMet('≥ 0.91', idle.hello.withoutP99 / idle.hello.withP99 >= 0.91), note: `p50 ${idle.hello.withP50.toFixed(3)} ms with, ${idle.hello.withoutP50.toFixed(3)} ms without` },
  );
  if (run.redis) {
    const [localSame, same] = run.redis.sameInstance;
    const [localAcross, across] = run.redis.acrossInstances;
    results.push({ figure: 'chat via Redis, sockets on the posting instance: POST → all 500, p50 (ceiling: in-process, alternating)', ours: same.p50, ceiling: localSame.p50, unit: 'ms', ratio: localSame.p50 / same.p50, target: targetMet('Redis adds ≤ 2 ms', same.p50 - localSame.p50 <= 2), note: `Redis adds ${(same.p50 - localSame.p50).toFixed(2)} ms to p50 (target ≤ 2 ms); each message alternates with one to an in-process instance` });
    results.push({ figure: 'chat via Redis, sockets on the posting instance: POST → all 500, p99 (ceiling: in-process, alternating)', ours: same.p99, ceiling: localSame.p99, unit: 'ms', ratio: localSame.p99 / same.p99 });
    results.push({ figure: 'chat via Redis, sockets on another instance: POST → all 500, p50 (ceiling: in-process, alternating)', ours: across.p50, ceiling: localAcross.p50, unit: 'ms', ratio: localAcross.p50 / across.p50, note: `the hop through Redis to another instance adds ${(across.p50 - localAcross.p50).toFixed(2)} ms to p50` });
    results.push({ figure: 'chat via Redis, sockets on another instance: POST → all 500, p99 (ceiling: in-process, alternating)', ours: across.p99, ceiling: localAcross.p99, unit: 'ms', ratio: localAcross.p99 / across.p99 });
  }
  return results;
}
