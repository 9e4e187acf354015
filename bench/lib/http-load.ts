// The HTTP load generator of the benches, in a child process so the client's own work does not share the servers' event
// loop. Used the same way for ours and for the ceiling.
// - GET mode (chat-read, chat-fanout's hello-world): `concurrency` keep-alive connections, each sending its next GET as
//   soon as the last answer is read (closed loop), for `durationMs`.
// - POST mode (checkin-burst): a list of requests, each a JSON body and an Authorization header, each sent exactly once
//   in the list's order, either closed loop (`concurrency` keep-alive connections, each taking the next request as soon
//   as its last answer is read) or open loop (`arrivalsMs`: each request sent at its own time after the start, however
//   many are still unanswered, its latency counted from that scheduled time).
// Protocol (IPC): parent sends a LoadRequest or PostLoadRequest → child answers a LoadResult or PostLoadResult; parent
// sends { exit: true } → child exits.
import { fork } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { ask, stopChild } from './child';

export interface LoadRequest {
  url: string;
  /** Instead of `url`: requests go to these in turn (each connection alternates), e.g. two servers compared side by side. */
  urls?: string[];
  /** One Authorization header per request, taken in turn; empty for none. */
  authorizations: string[];
  concurrency: number;
  durationMs: number;
  /** Also return every latency (for percentiles pooled over several runs). */
  keepLatencies?: boolean;
  /** Keep this run's connections open for the next run to the same origin (short runs alternating between servers). */
  reuseConnections?: boolean;
}

export interface LoadResult {
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** Answers other than 200, by status. */
  unexpected: Record<string, number>;
  bytesPerAnswer: number;
  /** Every request's latency in ms, ascending, when asked for with `keepLatencies`. */
  latencies?: number[];
  /** With `urls` and `keepLatencies`: the latencies of each url's requests, ascending, in the order of `urls`. */
  latenciesByUrl?: number[][];
}

/** One POST of the POST mode. */
export interface PostRequest {
  /** JSON, sent as is with `content-type: application/json`. */
  body: string;
  /** The whole header value (e.g. `Bearer …`); no header when absent. */
  authorization?: string;
}

export interface PostLoadRequest {
  mode: 'post';
  url: string;
  /** Each sent exactly once, in this order. */
  requests: PostRequest[];
  /** Closed loop: this many keep-alive connections, each sending the next request as soon as its last answer is read. */
  concurrency?: number;
  /**
   * Open loop instead: request i is sent `arrivalsMs[i]` ms after the start (ascending, one per request) whatever is
   * still unanswered, on a keep-alive connection that is free (a new one when none is), and its latency is counted from
   * that scheduled time, so a client running late counts against the server, never for it.
   */
  arrivalsMs?: number[];
}

export interface PostLoadResult {
  requests: number;
  /** From the start to the last answer. */
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  /** Answers other than 200, by status, and the first of them (status and the start of its body). */
  unexpected: Record<string, number>;
  firstUnexpected?: string;
  /** Most requests unanswered at once (closed loop: at most `concurrency`). */
  maxInFlight: number;
  /** Connections opened. */
  connections: number;
  /** Open loop: how late the client sent requests after their scheduled times, in ms (timer granularity, its own CPU). */
  sendLag?: { p50: number; p99: number; max: number };
}

function nearestRank(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** Agents kept between runs (`reuseConnections`), by the origins they serve and the concurrency. */
const keptAgents = new Map<string, http.Agent>();

async function generateLoad({ url, urls, authorizations, concurrency, durationMs, keepLatencies, reuseConnections }: LoadRequest): Promise<LoadResult> {
  const targets = (urls ?? [url]).map((u) => new URL(u));
  const agentKey = `${targets.map((t) => t.origin).sort().join(' ')} ${concurrency}`;
  const agent = (reuseConnections && keptAgents.get(agentKey)) || new http.Agent({ keepAlive: true, maxSockets: concurrency });
  if (reuseConnections) keptAgents.set(agentKey, agent);
  const latencies: number[] = [];
  const byTarget: number[][] = targets.map(() => []);
  const unexpected: Record<string, number> = {};
  let bytes = 0;
  let turn = 0;
  const get = (targetIndex: number) => new Promise<void>((resolve, reject) => {
    const authorization = authorizations.length ? authorizations[turn++ % authorizations.length] : undefined;
    const target = targets[targetIndex]!;
    const t0 = performance.now();
    const req = http.get({ agent, host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, headers: authorization ? { authorization } : {} }, (res) => {
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => {
        const latency = performance.now() - t0;
        latencies.push(latency);
        byTarget[targetIndex]!.push(latency);
        if (res.statusCode !== 200) unexpected[String(res.statusCode)] = (unexpected[String(res.statusCode)] ?? 0) + 1;
        resolve();
      });
      res.on('error', reject);
    });
    req.on('error', reject);
  });
  const start = performance.now();
  const end = start + durationMs;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let n = 0; performance.now() < end; n++) await get(n % targets.length);
  }));
  const seconds = (performance.now() - start) / 1000;
  if (!reuseConnections) agent.destroy();
  latencies.sort((a, b) => a - b);
  for (const times of byTarget) times.sort((a, b) => a - b);
  return {
    requests: latencies.length, perSecond: latencies.length / seconds, p50: nearestRank(latencies, 50), p99: nearestRank(latencies, 99), unexpected, bytesPerAnswer: bytes / latencies.length,
    ...(keepLatencies ? { latencies, ...(urls ? { latenciesByUrl: byTarget } : {}) } : {}),
  };
}

async function generatePosts({ url, requests, concurrency, arrivalsMs }: PostLoadRequest): Promise<PostLoadResult> {
  if (arrivalsMs && arrivalsMs.length !== requests.length) throw new Error(`${arrivalsMs.length} arrival times for ${requests.length} requests`);
  if (!arrivalsMs && !(concurrency && concurrency > 0)) throw new Error('POST mode: give `concurrency` (closed loop) or `arrivalsMs` (open loop)');
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: arrivalsMs ? Infinity : concurrency! });
  const sockets = new WeakSet<object>();
  let connections = 0;
  const latencies: number[] = [];
  const lags: number[] = [];
  const unexpected: Record<string, number> = {};
  let firstUnexpected: string | undefined;
  let inFlight = 0;
  let maxInFlight = 0;
  /**
   * Sends one POST; its latency counts from `since` (the scheduled time in open loop, the send in closed loop). Never
   * rejects: a failed request (reset, refused) is counted under `unexpected` as `error <code>`, and the run goes on.
   */
  const post = (r: PostRequest, since: number) => new Promise<void>((resolve) => {
    let done = false;
    const fail = (err: NodeJS.ErrnoException) => {
      if (done) return;
      done = true;
      inFlight--;
      const key = `error ${err.code ?? err.message}`;
      unexpected[key] = (unexpected[key] ?? 0) + 1;
      firstUnexpected ??= `${key}: ${err.message}`;
      resolve();
    };
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(r.body) };
    if (r.authorization) headers.authorization = r.authorization;
    const req = http.request({ agent, method: 'POST', host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => res.statusCode !== 200 && chunks.push(chunk));
      res.on('end', () => {
        if (done) return;
        done = true;
        latencies.push(performance.now() - since);
        inFlight--;
        if (res.statusCode !== 200) {
          unexpected[String(res.statusCode)] = (unexpected[String(res.statusCode)] ?? 0) + 1;
          firstUnexpected ??= `${res.statusCode} ${Buffer.concat(chunks).toString('utf8').slice(0, 300)}`;
        }
        resolve();
      });
      res.on('error', fail);
    });
    req.on('socket', (socket) => {
      if (!sockets.has(socket)) {
        sockets.add(socket);
        connections++;
      }
    });
    req.on('error', fail);
    req.end(r.body);
  });
  const start = performance.now();
  if (arrivalsMs) {
    const sent: Promise<void>[] = [];
    let next = 0;
    while (next < requests.length) {
      const wait = start + arrivalsMs[next]! - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      // Everything due by now goes out at once, each timed from its own scheduled time.
      const now = performance.now();
      while (next < requests.length && start + arrivalsMs[next]! <= now) {
        const due = start + arrivalsMs[next]!;
        lags.push(now - due);
        sent.push(post(requests[next]!, due));
        next++;
      }
    }
    await Promise.all(sent);
  } else {
    let next = 0;
    await Promise.all(Array.from({ length: Math.min(concurrency!, requests.length) }, async () => {
      while (next < requests.length) {
        const r = requests[next++]!;
        await post(r, performance.now());
      }
    }));
  }
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  lags.sort((a, b) => a - b);
  return {
    requests: latencies.length, seconds, perSecond: latencies.length / seconds,
    p50: nearestRank(latencies, 50), p99: nearestRank(latencies, 99), max: latencies[latencies.length - 1] ?? NaN,
    unexpected, ...(firstUnexpected ? { firstUnexpected } : {}), maxInFlight, connections,
    ...(arrivalsMs ? { sendLag: { p50: nearestRank(lags, 50), p99: nearestRank(lags, 99), max: lags[lags.length - 1] ?? NaN } } : {}),
  };
}

/** A load generator in a child process; `run` may be called any number of times, one at a time. */
export function httpLoadClient() {
  const child = fork(fileURLToPath(import.meta.url), ['--child'], { execArgv: ['--import', 'tsx'] });
  return {
    run: (request: LoadRequest) => ask<LoadResult>(child, request, 'load generator'),
    /** POST mode: every request of the list once (closed loop with `concurrency`, open loop with `arrivalsMs`). */
    post: (request: Omit<PostLoadRequest, 'mode'>) => ask<PostLoadResult>(child, { mode: 'post', ...request }, 'load generator'),
    close: () => stopChild(child, { exit: true }),
  };
}

if (process.argv.includes('--child')) {
  process.on('message', (message: LoadRequest | PostLoadRequest | { exit: true }) => {
    if ('exit' in message) process.exit(0);
    const work: Promise<LoadResult | PostLoadResult> = 'mode' in message && message.mode === 'post' ? generatePosts(message) : generateLoad(message as LoadRequest);
    work.then((result) => process.send!(result), (err: unknown) => process.send!({ error: String(err) }));
  });
  // The bench's process gone (it failed or was stopped): stop too.
  process.on('disconnect', () => process.exit(0));
}
