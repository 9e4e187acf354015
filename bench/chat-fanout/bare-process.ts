// Child process of chat-fanout: the ceiling, a bare `ws` server broadcasting a payload (its message id replaced per
// message), serialised once, to every socket connected to it, in a process of its own as ours has the bench's.
// Protocol (IPC): the process answers { port } once listening; parent sends { broadcast: { payload, count } } →
// { ids, startedAt }: `count` broadcasts back to back, `startedAt` (monotonic clock, `monotonicMs`) taken just before
// the first; parent sends { exit: true } → the server closes, the process exits.
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { monotonicMs } from '../lib/sockets';

async function main() {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  let sent = 0;
  const broadcast = (payload: string) => {
    const id = `${String(++sent).padStart(8, '0')}-0000-4000-8000-000000000000`;
    const bytes = Buffer.from(payload.replace(/"id":"[^"]{36}"/, `"id":"${id}"`));
    for (const client of server.clients) client.send(bytes, { binary: false });
    return id;
  };
  process.on('message', (message: { broadcast?: { payload: string; count: number }; exit?: true }) => {
    if (message.broadcast) {
      const { payload, count } = message.broadcast;
      const startedAt = monotonicMs();
      const ids = Array.from({ length: count }, () => broadcast(payload));
      process.send!({ ids, startedAt });
    } else if (message.exit) {
      for (const client of server.clients) client.terminate();
      server.close(() => process.exit(0));
    }
  });
  process.send!({ port: (server.address() as AddressInfo).port });
}

main().catch((err: unknown) => {
  console.error(err);
  process.send?.({ error: String(err) });
  process.exit(1);
});

// The bench's process gone: stop too.
process.on('disconnect', () => process.exit(0));
