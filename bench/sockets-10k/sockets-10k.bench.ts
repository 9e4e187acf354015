// bench/sockets-10k: one instance holding 10,000 idle authenticated sockets (10,000 resident accounts of 2–6号楼, one
// socket each, held by a child process): server memory per socket, and the fan-out of a message posted in 1号楼's chat
// to its 500 member sockets (500 distinct resident accounts) while the 10,000 stay connected. Ceilings in the same run:
// a bare `ws` server holding 10,000 idle sockets the same way (memory), and broadcasting the same payload, serialised
// once, to 500 of its sockets while the 10,000 are connected (fan-out).
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import WebSocket, { WebSocketServer } from 'ws';
import { percentile } from '../lib/measure';
import type { BenchResult } from '../lib/result';
import { addBoundResidents, withScratchDatabase, type App } from '../lib/scratch';
import { closeAll, idleClients, messageIdOf, openSockets, settledMemory, tracker, type IdleClients } from '../lib/sockets';

const idleCount = 10_000;
const memberCount = 500;
const warmUp = 10;
const messages = 200;
/** Between one message's arrival at all 500 and the next post, so the messages span a whole heartbeat and membership-refresh period (30 s). */
const pauseMs = 120;
const idleBuildings = ['2号楼', '3号楼', '4号楼', '5号楼', '6号楼'];
// SOCKETS_10K_PERIODIC=off (an experiment, not the figure): heartbeat and membership refresh once an hour, so the
// fan-out with the idle sockets shows what their periodic work costs apart from their memory.
const periodicOff = process.env.SOCKETS_10K_PERIODIC === 'off';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Memory {
  /** heapUsed + external after forced GCs: before any idle socket, at half, at all. */
  before: number;
  atHalf: number;
  atFull: number;
  rssBefore: number;
  rssAtFull: number;
  clientBytesPerSocket: number;
}

/** Opens the idle sockets in two halves, reading this process's settled memory before, between and after. */
async function holdIdle(clients: IdleClients, urls: string[], resume: boolean, settleMs: number, count: () => number): Promise<Memory> {
  const half = urls.length / 2;
  const before = await settledMemory();
  const rssBefore = process.memoryUsage().rss;
  await clients.open(urls.slice(0, half), resume);
  await sleep(settleMs);
  const atHalf = await settledMemory();
  const { clientBytesPerSocket } = await clients.open(urls.slice(half), resume);
  await sleep(settleMs);
  const atFull = await settledMemory();
  if (count() !== urls.length) throw new Error(`sockets-10k: ${count()} idle sockets held by the server, expected ${urls.length}`);
  return { before, atHalf, atFull, rssBefore, rssAtFull: process.memoryUsage().rss, clientBytesPerSocket };
}

const perSocket = (m: Memory, n: number) => (m.atFull - m.atHalf) / (n / 2);

interface Fanout {
  endToEnd: number[];
  hub: number[];
  /** This process (server and the 500 measuring clients) while the messages went out: where a slow message's time went. */
  loopDelayP99: number;
  loopDelayMax: number;
  gcMs: number;
  longestGcMs: number;
}

/** Event-loop delay and GC pauses of this process while `work` runs. */
async function watchProcess(work: () => Promise<void>) {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  const pauses: number[] = [];
  const observer = new PerformanceObserver((list) => pauses.push(...list.getEntries().map((e) => e.duration)));
  observer.observe({ entryTypes: ['gc'] });
  loop.enable();
  try {
    await work();
  } finally {
    loop.disable();
    observer.disconnect();
  }
  return { loopDelayP99: loop.percentile(99) / 1e6, loopDelayMax: loop.max / 1e6, gcMs: pauses.reduce((a, b) => a + b, 0), longestGcMs: Math.max(0, ...pauses) };
}

/** `messages` posts through the REST API by one member, each timed until all 500 member sockets have it. */
async function ourFanout(app: App, baseUrl: string, buildingId: string, memberTokens: string[], label: string) {
  const seen = tracker();
  const sockets = await openSockets(
    (i) => `${baseUrl.replace('http', 'ws')}/api/v1/ws?token=${memberTokens[i]}`,
    memberTokens.length,
    (data) => {
      const id = messageIdOf(data);
      if (id) seen.hit(id);
    },
    (ws) => ws.send(JSON.stringify({ type: 'resume', after: {} })),
  );
  await sleep(2500); // past the resume grace: every socket live
  // The building's group really has one socket per member here, whatever else is connected.
  const inGroup = [...app.realtime.hub.connections].filter((c) => c.buildingIds.has(buildingId));
  const accounts = new Set(inGroup.map((c) => c.userId));
  if (inGroup.length !== memberTokens.length || accounts.size !== memberTokens.length) {
    throw new Error(`sockets-10k: 1号楼's group has ${inGroup.length} sockets of ${accounts.size} accounts, expected ${memberTokens.length} of ${memberTokens.length}`);
  }
  const hubStart = new Map<string, number>();
  const hub = app.realtime.hub;
  const deliver = hub.deliver.bind(hub);
  hub.deliver = (envelope) => {
    const id = messageIdOf(envelope.payload);
    if (id) hubStart.set(id, performance.now());
    deliver(envelope);
  };
  let posted = 0;
  const post = async () => {
    const n = ++posted;
    const res = await fetch(`${baseUrl}/api/v1/chats/${buildingId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${memberTokens[0]}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: `bench-${label}-${n}-${randomBytes(3).toString('hex')}`, text: `压测消息 ${n}：今天下午三点楼下发放蔬菜包，请带好取货码。` }),
    });
    if (res.status !== 201) throw new Error(`post → ${res.status} ${await res.text()}`);
    return ((await res.json()) as { id: string }).id;
  };
  const endToEnd: number[] = [];
  const hubTimes: number[] = [];
  let watched: Awaited<ReturnType<typeof watchProcess>>;
  try {
    for (let n = 0; n < warmUp; n++) await seen.when(await post(), memberTokens.length);
    watched = await watchProcess(async () => {
      for (let n = 0; n < messages; n++) {
        const t0 = performance.now();
        const id = await post();
        const done = await seen.when(id, memberTokens.length);
        endToEnd.push(done - t0);
        hubTimes.push(done - hubStart.get(id)!);
        await sleep(pauseMs);
      }
    });
  } finally {
    hub.deliver = deliver;
  }
  const result: Fanout = { endToEnd, hub: hubTimes, ...watched };
  console.log(`sockets-10k: ${label} idle sockets: event-loop delay p99 ${result.loopDelayP99.toFixed(1)} ms, max ${result.loopDelayMax.toFixed(1)} ms; GC ${result.gcMs.toFixed(0)} ms in all, longest pause ${result.longestGcMs.toFixed(1)} ms`);
  return { result, sockets, onlyMembersHeard: () => [...hub.connections].filter((c) => !c.buildingIds.has(buildingId)).length };
}

/** The bare ceiling: `members` of the server's sockets (path /member) get each broadcast; the rest stay idle. */
async function bareFanout(server: WebSocketServer, port: number, payload: string) {
  const seen = tracker();
  const sockets = await openSockets(() => `ws://127.0.0.1:${port}/member`, memberCount, (data) => {
    const id = messageIdOf(data);
    if (id) seen.hit(id);
  });
  await sleep(500);
  const members = [...server.clients].filter((c) => (c as WebSocket & { member?: boolean }).member);
  if (members.length !== memberCount) throw new Error(`bare: ${members.length} member sockets, expected ${memberCount}`);
  const broadcast = (n: number) => {
    const id = `${String(n).padStart(8, '0')}-0000-4000-8000-000000000000`;
    const bytes = Buffer.from(payload.replace(/"id":"[^"]{36}"/, `"id":"${id}"`));
    for (const client of members) client.send(bytes, { binary: false });
    return id;
  };
  for (let n = 0; n < warmUp; n++) await seen.when(broadcast(90_000 + n), memberCount);
  const times: number[] = [];
  for (let n = 0; n < messages; n++) {
    const t0 = performance.now();
    times.push((await seen.when(broadcast(n), memberCount)) - t0);
    await sleep(pauseMs);
  }
  await closeAll(sockets);
  return times;
}

export async function runSockets10kBench(): Promise<BenchResult[]> {
  return withScratchDatabase('sockets-10k', async (scratch) => {
    const setup = scratch.pool(2);
    const { communityId } = scratch;
    const { rows: [building] } = await setup.query<{ id: string }>(`SELECT id FROM buildings WHERE name = '1号楼'`);
    const buildingId = building!.id;
    const members = await addBoundResidents(setup, { buildingName: '1号楼', count: memberCount, phonePrefix: '135', communityId });
    const idleResidents = (await Promise.all(idleBuildings.map((buildingName, i) =>
      addBoundResidents(setup, { buildingName, count: idleCount / idleBuildings.length, phonePrefix: `13${i}`, communityId })))).flat();
    console.log(`sockets-10k: ${members.length} residents bound in 1号楼, ${idleResidents.length} in 2–6号楼`);

    const { app, baseUrl } = await scratch.startApp({}, periodicOff ? { realtime: { heartbeatMs: 3_600_000 }, membershipRefreshMs: 3_600_000 } : {});
    if (periodicOff) console.log('sockets-10k: SOCKETS_10K_PERIODIC=off: heartbeat and membership refresh once an hour (experiment)');
    const wsBase = `${baseUrl.replace('http', 'ws')}/api/v1/ws?token=`;
    const memberTokens = members.map((m) => app.signAccessToken(m.userId));
    const idleUrls = idleResidents.map((r) => `${wsBase}${app.signAccessToken(r.userId)}`);

    // Ours, first without the idle sockets (the fan-out's own baseline), then with them.
    const without = await ourFanout(app, baseUrl, buildingId, memberTokens, 'without');
    await closeAll(without.sockets);
    await sleep(1000);
    console.log(`sockets-10k: fan-out without idle sockets: POST → all ${memberCount} p50 ${percentile(without.result.endToEnd, 50).toFixed(1)} ms, p99 ${percentile(without.result.endToEnd, 99).toFixed(1)} ms`);

    const ours = idleClients();
    scratch.onTeardown(() => ours.close());
    const openedAt = performance.now();
    const oursMemory = await holdIdle(ours, idleUrls, true, 3000, () => app.realtime.hub.connections.size);
    console.log(`sockets-10k: ${idleCount} idle sockets open in ${((performance.now() - openedAt) / 1000).toFixed(1)} s (memory settled twice); `
      + `${(perSocket(oursMemory, idleCount) / 1024).toFixed(2)} KiB per socket server side`);
    const withIdle = await ourFanout(app, baseUrl, buildingId, memberTokens, 'with');
    const strangers = withIdle.onlyMembersHeard();
    if (strangers !== idleCount) throw new Error(`sockets-10k: ${strangers} sockets outside 1号楼's group, expected ${idleCount}`);
    const hubHeld = app.realtime.hub.connections.size;
    await closeAll(withIdle.sockets);
    await ours.close();
    console.log(`sockets-10k: fan-out with ${idleCount} idle sockets: POST → all ${memberCount} p50 ${percentile(withIdle.result.endToEnd, 50).toFixed(1)} ms, p99 ${percentile(withIdle.result.endToEnd, 99).toFixed(1)} ms`);
    const sample = await app.inject({ method: 'GET', url: `/api/v1/chats/${buildingId}/messages?limit=1`, headers: { authorization: `Bearer ${memberTokens[0]}` } });
    const payload = JSON.stringify({ type: 'message', message: sample.json().items[0] });

    // The bare ceiling: the same idle clients and measuring sockets against a plain `ws` server in this process.
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((r) => server.once('listening', r));
    server.on('connection', (ws: WebSocket & { member?: boolean }, request: IncomingMessage) => {
      if (request.url === '/member') ws.member = true;
    });
    scratch.onTeardown(() => new Promise((r) => server.close(r)));
    const port = (server.address() as AddressInfo).port;
    const bare = idleClients();
    scratch.onTeardown(() => bare.close());
    const bareMemory = await holdIdle(bare, idleUrls.map(() => `ws://127.0.0.1:${port}/idle`), false, 1000, () => server.clients.size);
    const bareTimes = await bareFanout(server, port, payload);
    await bare.close();

    const ourBytes = perSocket(oursMemory, idleCount);
    const bareBytes = perSocket(bareMemory, idleCount);
    const e2e = withIdle.result.endToEnd;
    const hubTimes = withIdle.result.hub;
    const p = (values: number[], q: number) => percentile(values, q);
    const kib = (bytes: number) => (bytes / 1024).toFixed(2);
    const allIdleNote = `${kib((oursMemory.atFull - oursMemory.before) / idleCount)} KiB per socket from none to ${idleCount.toLocaleString('en')} (one-time costs included), `
      + `RSS +${((oursMemory.rssAtFull - oursMemory.rssBefore) / 2 ** 20).toFixed(0)} MiB; the clients take ${kib(oursMemory.clientBytesPerSocket)} KiB each in their own process`;
    const results: BenchResult[] = [
      {
        figure: `memory per idle authenticated socket at ${idleCount.toLocaleString('en')}, server side`,
        ours: ourBytes / 1024,
        ceiling: bareBytes / 1024,
        unit: 'KiB',
        ratio: bareBytes / ourBytes,
        note: `growth of heapUsed + external (after 4 forced GCs) from 5,000 to 10,000 sockets divided by 5,000, every socket held (hub: ${idleCount.toLocaleString('en')}); `
          + `${allIdleNote}; ceiling: a bare ws server holding the same clients, same method`,
      },
      {
        figure: `fan-out POST → all ${memberCount} member sockets with ${idleCount.toLocaleString('en')} idle connected, p50`,
        ours: p(e2e, 50),
        ceiling: p(bareTimes, 50),
        unit: 'ms',
        ratio: p(bareTimes, 50) / p(e2e, 50),
        note: `${messages} messages posted one after another through POST /chats/:id/messages by a member (whole request), ${pauseMs} ms apart so they span a heartbeat and membership-refresh period; `
          + `${memberCount} distinct member accounts, one socket each, the hub held ${hubHeld.toLocaleString('en')} sockets; ceiling: bare ws broadcast of the same payload, serialised once, to ${memberCount} of its sockets while ${idleCount.toLocaleString('en')} idle ones are connected`,
      },
      { figure: `fan-out POST → all ${memberCount} with ${idleCount.toLocaleString('en')} idle, p99`, ours: p(e2e, 99), ceiling: p(bareTimes, 99), unit: 'ms', ratio: p(bareTimes, 99) / p(e2e, 99) },
      {
        figure: `fan-out only (hub → all ${memberCount}) with ${idleCount.toLocaleString('en')} idle, p99`,
        ours: p(hubTimes, 99),
        ceiling: p(bareTimes, 99),
        unit: 'ms',
        ratio: p(bareTimes, 99) / p(hubTimes, 99),
        note: `from the hub's deliver() (after the database write) to the last of the ${memberCount} sockets; p50 ${p(hubTimes, 50).toFixed(1)} ms (bare ${p(bareTimes, 50).toFixed(1)} ms)`,
      },
      {
        figure: `fan-out POST → all ${memberCount}, p50, with ${idleCount.toLocaleString('en')} idle (ceiling: without them, earlier in the run)`,
        ours: p(e2e, 50),
        ceiling: p(without.result.endToEnd, 50),
        unit: 'ms',
        ratio: p(without.result.endToEnd, 50) / p(e2e, 50),
        note: `p99 ${p(e2e, 99).toFixed(1)} ms with, ${p(without.result.endToEnd, 99).toFixed(1)} ms without; this process (server + measuring clients) while the messages went out: `
          + `event-loop delay p99 ${withIdle.result.loopDelayP99.toFixed(1)} / ${without.result.loopDelayP99.toFixed(1)} ms (max ${withIdle.result.loopDelayMax.toFixed(0)} / ${without.result.loopDelayMax.toFixed(0)}), `
          + `GC ${withIdle.result.gcMs.toFixed(0)} / ${without.result.gcMs.toFixed(0)} ms in all (longest pause ${withIdle.result.longestGcMs.toFixed(1)} / ${without.result.longestGcMs.toFixed(1)} ms), with / without; not alternated, so a drift in the machine's load between the two minutes counts here`,
      },
    ];
    return periodicOff ? results.map((r) => ({ ...r, figure: `${r.figure} [experiment: heartbeat and refresh off]` })) : results;
  });
}
