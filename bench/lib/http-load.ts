// The HTTP load generator of the read bench (and of chat-fanout's hello-world), in a child process so the client's own
// work does not share the server's event loop: `concurrency` keep-alive connections, each sending its next GET as soon
// as the last answer is read (closed loop), for `durationMs`. Used the same way for ours and for the ceiling.
// Protocol (IPC): parent sends a LoadRequest → child answers a LoadResult; parent sends { exit: true } → child exits.
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

/** A load generator in a child process; `run` may be called any number of times, one at a time. */
export function httpLoadClient() {
  const child = fork(fileURLToPath(import.meta.url), ['--child'], { execArgv: ['--import', 'tsx'] });
  return {
    run: (request: LoadRequest) => ask<LoadResult>(child, request, 'load generator'),
    close: () => stopChild(child, { exit: true }),
  };
}

if (process.argv.includes('--child')) {
  process.on('message', (message: LoadRequest | { exit: true }) => {
    if ('exit' in message) process.exit(0);
    generateLoad(message).then((result) => process.send!(result), (err: unknown) => process.send!({ error: String(err) }));
  });
  // The bench's process gone (it failed or was stopped): stop too.
  process.on('disconnect', () => process.exit(0));
}
