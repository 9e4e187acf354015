// A WebSocket client for tests: collects every event, waits for one matching a predicate, reports how it closed.
import WebSocket from 'ws';

export interface TestSocket {
  ws: WebSocket;
  events: any[];
  opened: Promise<void>;
  closed: Promise<{ code: number; reason: string }>;
  send(frame: unknown): void;
  waitFor(predicate: (event: any) => boolean, timeoutMs?: number): Promise<any>;
  close(): Promise<void>;
}

export function socketUrl(httpUrl: string, token: string | null): string {
  return `${httpUrl.replace(/^http/, 'ws')}/api/v1/ws${token === null ? '' : `?token=${encodeURIComponent(token)}`}`;
}

export function openSocket(url: string, options: WebSocket.ClientOptions = {}): TestSocket {
  const ws = new WebSocket(url, options);
  const events: any[] = [];
  const waiters: { predicate: (e: any) => boolean; resolve: (e: any) => void }[] = [];
  ws.on('message', (data) => {
    const event = JSON.parse(String(data));
    events.push(event);
    for (const w of [...waiters]) {
      if (w.predicate(event)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(event);
      }
    }
  });
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  opened.catch(() => undefined);
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
  return {
    ws,
    events,
    opened,
    closed,
    send: (frame) => ws.send(JSON.stringify(frame)),
    waitFor(predicate, timeoutMs = 5000) {
      const seen = events.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(events).slice(0, 500)}`)), timeoutMs);
        waiters.push({ predicate, resolve: (e) => { clearTimeout(timer); resolve(e); } });
      });
    },
    async close() {
      if (ws.readyState === ws.CLOSED) return;
      ws.close();
      // A peer that stopped reading never answers the close handshake.
      const timer = setTimeout(() => ws.terminate(), 1000);
      await closed;
      clearTimeout(timer);
    },
  };
}

export const messageSeqs = (events: any[], groupId: string) =>
  events.filter((e) => e.type === 'message' && e.message.groupId === groupId).map((e) => e.message.seq as number);
