// Child process of chat-fanout: the measuring clients of a fan-out, out of the servers' process. It holds groups of
// WebSocket clients (ours' 500, the bare ceiling's 500, …), each frame's message id found without parsing and counted
// per group, and it is the sender of our posts (`node:http`, keep-alive), so neither the clients' frame handling and
// garbage nor the sender's request building run on a measured server's event loop. Every time it reports is on the
// machine's monotonic clock (`monotonicMs`), the clock the servers' processes read too.
// Protocol (IPC), one request at a time, each answered once (or with { error }):
//   { open: { group, urls, resume } } → { opened }: sockets added to the group (each sends a resume first if asked)
//   { post: { group, url, token, body } } → { id, startedAt, reachedAt }: one POST, timed from the call until every
//     socket of the group has the message
//   { burst: { group, url, token, bodies, concurrency } } → { startedAt, doneAt }: the bodies posted `concurrency` at a
//     time, until every socket of the group has every message
//   { reached: { group, ids } } → { at }: when the last socket of the group had each id (a broadcast by another process)
//   { close: { group } } → { closed }; { exit: true } → terminates every socket and exits.
import http from 'node:http';
import type WebSocket from 'ws';
import { closeAll, messageIdOf, monotonicMs, openSockets, tracker } from './sockets';

export interface FanoutClientsRequest {
  open?: { group: string; urls: string[]; resume: boolean };
  post?: { group: string; url: string; token: string; body: string };
  burst?: { group: string; url: string; token: string; bodies: string[]; concurrency: number };
  reached?: { group: string; ids: string[] };
  close?: { group: string };
  exit?: true;
}

interface Group {
  sockets: WebSocket[];
  seen: ReturnType<typeof tracker>;
}

const groups = new Map<string, Group>();
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

function groupNamed(name: string): Group {
  const group = groups.get(name);
  if (!group) throw new Error(`fanout clients: no group ${name}`);
  return group;
}

function postJson(url: string, token: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, {
      method: 'POST',
      agent,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

async function post(url: string, token: string, body: string): Promise<string> {
  const res = await postJson(url, token, body);
  if (res.status !== 201) throw new Error(`post → ${res.status} ${res.text}`);
  return (JSON.parse(res.text) as { id: string }).id;
}

async function handle(request: FanoutClientsRequest): Promise<object> {
  if (request.open) {
    const { group: name, urls, resume } = request.open;
    const group = groups.get(name) ?? { sockets: [], seen: tracker(monotonicMs) };
    groups.set(name, group);
    const opened = await openSockets((i) => urls[i]!, urls.length, (data) => {
      const id = messageIdOf(data);
      if (id) group.seen.hit(id);
    }, resume ? (ws) => ws.send(JSON.stringify({ type: 'resume', after: {} })) : undefined);
    group.sockets.push(...opened);
    return { opened: group.sockets.length };
  }
  if (request.post) {
    const { group: name, url, token, body } = request.post;
    const group = groupNamed(name);
    const startedAt = monotonicMs();
    const id = await post(url, token, body);
    return { id, startedAt, reachedAt: await group.seen.when(id, group.sockets.length) };
  }
  if (request.burst) {
    const { group: name, url, token, bodies, concurrency } = request.burst;
    const group = groupNamed(name);
    const startedAt = monotonicMs();
    const ids: string[] = [];
    for (let n = 0; n < bodies.length; n += concurrency) {
      ids.push(...(await Promise.all(bodies.slice(n, n + concurrency).map((body) => post(url, token, body)))));
    }
    const at = await Promise.all(ids.map((id) => group.seen.when(id, group.sockets.length)));
    return { startedAt, doneAt: Math.max(...at) };
  }
  if (request.reached) {
    const group = groupNamed(request.reached.group);
    return { at: await Promise.all(request.reached.ids.map((id) => group.seen.when(id, group.sockets.length))) };
  }
  if (request.close) {
    const group = groups.get(request.close.group);
    groups.delete(request.close.group);
    if (group) await closeAll(group.sockets);
    return { closed: true };
  }
  throw new Error(`fanout clients: unknown request ${JSON.stringify(request).slice(0, 200)}`);
}

process.on('message', (request: FanoutClientsRequest) => {
  if (request.exit) {
    for (const group of groups.values()) for (const ws of group.sockets) ws.terminate();
    agent.destroy();
    process.exit(0);
  }
  handle(request).then((answer) => process.send!(answer), (err: unknown) => process.send!({ error: String(err) }));
});

// The bench's process gone (it failed or was stopped): nothing left to measure.
process.on('disconnect', () => process.exit(0));
