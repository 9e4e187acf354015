// What the socket benches (chat-fanout, sockets-10k) share: opening and closing many sockets, waiting until a message
// reached N of them, idle clients held by a child process, and the settled memory of this process.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { ask, stopChild } from './child';
import type { FanoutClientsRequest } from './fanout-clients';

/** Opens `count` sockets, 250 at a time; `onMessage(data)` for each frame. Resolves once all are open. */
export async function openSockets(url: (i: number) => string, count: number, onMessage?: (data: string) => void, afterOpen?: (ws: WebSocket) => void) {
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

export async function closeAll(sockets: WebSocket[]) {
  await Promise.all(sockets.map((ws) => new Promise<void>((resolve) => {
    if (ws.readyState === ws.CLOSED) return resolve();
    ws.once('close', () => resolve());
    ws.terminate();
  })));
}

/** The message id in a `{"type":"message",…}` frame, found without parsing (a full parse per frame would measure the client). */
export function messageIdOf(frame: string): string | null {
  const at = frame.indexOf('"id":"');
  return frame.startsWith('{"type":"message"') && at > 0 ? frame.slice(at + 6, at + 42) : null;
}

/**
 * Milliseconds on the machine's monotonic clock (`process.hrtime`, CLOCK_MONOTONIC on Linux): one clock for every
 * process, so a time taken in one process can be subtracted from one taken in another.
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/**
 * Counts hits per key; `when(key, n)` resolves with the time the n-th hit arrived, also when it is asked after that
 * (a sender learns a message's id from its POST's answer, which may be read after the sockets' copies). Times are
 * `clock()`'s: this process's `performance.now()` unless another is given.
 */
export function tracker(clock: () => number = () => performance.now()) {
  const counts = new Map<string, number>();
  /** When each key's latest hit arrived. */
  const lastAt = new Map<string, number>();
  const waiters = new Map<string, { target: number; resolve: (t: number) => void }>();
  return {
    hit(key: string) {
      const now = clock();
      const n = (counts.get(key) ?? 0) + 1;
      counts.set(key, n);
      lastAt.set(key, now);
      const w = waiters.get(key);
      if (w && n >= w.target) {
        waiters.delete(key);
        w.resolve(now);
      }
    },
    when(key: string, target: number): Promise<number> {
      const n = counts.get(key) ?? 0;
      // Reached already: the time of the hit that reached it (exact when no more than `target` hits come, as here).
      if (n >= target) return Promise.resolve(n === target ? lastAt.get(key)! : clock());
      return new Promise((resolve) => waiters.set(key, { target, resolve }));
    },
    count(key: string): number {
      return counts.get(key) ?? 0;
    },
  };
}

/** Heap and off-heap bytes after repeated full collections (a single gc() leaves garbage that skews small deltas). */
export async function settledMemory(): Promise<number> {
  if (!global.gc) throw new Error('bench: the memory figures need node --expose-gc (pnpm bench passes it)');
  for (let i = 0; i < 4; i++) {
    global.gc();
    await new Promise((r) => setImmediate(r));
  }
  const m = process.memoryUsage();
  return m.heapUsed + m.external; // external already includes arrayBuffers
}

export type IdleClients = ReturnType<typeof idleClients>;

/** Idle clients held by a child process, so neither their memory nor their event-loop work lands in this process. */
export function idleClients() {
  const child = fork(fileURLToPath(new URL('./idle-clients.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx', '--expose-gc'] });
  return {
    /** Opens one socket per url (added to those already open); the clients' own bytes per socket of this batch. */
    async open(urls: string[], resume: boolean) {
      return ask<{ opened: number; clientBytesPerSocket: number }>(child, { open: { urls, resume } }, 'idle clients');
    },
    close: () => stopChild(child, { close: true }),
  };
}

export type FanoutClients = ReturnType<typeof fanoutClients>;

/**
 * The measuring clients of a fan-out (and the sender of its posts) in a child process (`fanout-clients.ts`), so their
 * frame handling and garbage stay off the measured servers' event loops. Its times are `monotonicMs()`.
 */
export function fanoutClients() {
  const child = fork(fileURLToPath(new URL('./fanout-clients.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'] });
  const request = <T>(message: FanoutClientsRequest) => ask<T>(child, message, 'fanout clients');
  return {
    /** Adds one socket per url to `group`; the group's size once all are open. */
    open: (group: string, urls: string[], resume: boolean) => request<{ opened: number }>({ open: { group, urls, resume } }),
    /** One POST by the child, timed from the call until every socket of `group` has the message. */
    post: (group: string, url: string, token: string, body: string) =>
      request<{ id: string; startedAt: number; reachedAt: number }>({ post: { group, url, token, body } }),
    /** The bodies posted `concurrency` at a time; from the first call until every socket of `group` has them all. */
    burst: (group: string, url: string, token: string, bodies: string[], concurrency: number) =>
      request<{ startedAt: number; doneAt: number }>({ burst: { group, url, token, bodies, concurrency } }),
    /** When the last socket of `group` had each id. */
    reached: (group: string, ids: string[]) => request<{ at: number[] }>({ reached: { group, ids } }),
    close: (group: string) => request<{ closed: true }>({ close: { group } }),
    exit: () => stopChild(child, { exit: true }),
  };
}
