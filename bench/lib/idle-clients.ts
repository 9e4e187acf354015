// Child process of the socket benches (chat-fanout, sockets-10k): holds many idle WebSocket clients, so the server's memory and latency are
// measured without the clients' own memory and event-loop work in the same process.
// Protocol (IPC): parent sends { open: { urls, resume } } (any number of times; sockets add up) → child answers
// { opened (total), clientBytesPerSocket (of this batch) };
// parent sends { close: true } → child terminates every socket, answers { closed: true } and exits.
import WebSocket from 'ws';

interface OpenRequest { urls: string[]; resume: boolean }

function settledMemory(): number {
  for (let i = 0; i < 4; i++) global.gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

const sockets: WebSocket[] = [];

async function open({ urls, resume }: OpenRequest) {
  const before = settledMemory();
  for (let start = 0; start < urls.length; start += 250) {
    sockets.push(...(await Promise.all(urls.slice(start, start + 250).map((url) => new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.once('open', () => {
        if (resume) ws.send(JSON.stringify({ type: 'resume', after: {} }));
        resolve(ws);
      });
      ws.once('error', reject);
    })))));
  }
  await new Promise((r) => setTimeout(r, 500));
  return { opened: sockets.length, clientBytesPerSocket: (settledMemory() - before) / urls.length };
}

process.on('message', (message: { open?: OpenRequest; close?: true }) => {
  if (message.open) {
    open(message.open).then((reply) => process.send!(reply), (err: unknown) => process.send!({ error: String(err) }));
  } else if (message.close) {
    for (const ws of sockets) ws.terminate();
    process.send!({ closed: true }, () => process.exit(0));
  }
});

// The bench's process gone (it failed or was stopped): nothing left to hold the sockets for.
process.on('disconnect', () => process.exit(0));
