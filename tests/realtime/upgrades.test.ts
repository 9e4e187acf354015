// Only GET /api/v1/ws takes WebSocket upgrades: an upgrade request to any other address is answered 404 and closed
// before a route runs, and plain routes carry none of @fastify/websocket's hooks.
import WebSocket from 'ws';
import { createTestApp, type TestApp } from '../support/app';
import { openSocket, socketUrl } from '../support/ws-client';

let t: TestApp;
let url: string;

beforeAll(async () => {
  t = await createTestApp();
  url = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => t?.close());

/** Opens a WebSocket to `path` and reports how the server answered the upgrade. */
function upgradeAnswer(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string } | 'upgraded'> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}${path}`, { headers });
    ws.once('open', () => {
      ws.close();
      resolve('upgraded');
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.once('error', (err) => reject(err));
  });
}

it('upgrades GET /api/v1/ws with a valid token and delivers events', async () => {
  const { token } = await t.login('13801110100');
  const socket = openSocket(socketUrl(url, token));
  await socket.opened;
  socket.send({ type: 'ping' });
  expect(await socket.waitFor((e) => e.type === 'pong')).toEqual({ type: 'pong' });
  await socket.close();
});

it.each([
  ['an API route', '/api/v1/orders'],
  ['the health check', '/healthz'],
  ['a page of the h5 app', '/'],
  ['an unknown address', '/api/v1/nowhere'],
  ['the socket path under another prefix', '/ws'],
])('answers an upgrade request to %s with 404 and closes the connection', async (_name, path) => {
  const { token } = await t.login('13801110100');
  const answer = await upgradeAnswer(`${path}?token=${token}`, { authorization: `Bearer ${token}` });
  expect(answer).toEqual({ status: 404, body: 'No WebSocket endpoint at this address.' });
});

it('keeps @fastify/websocket out of the root context: plain routes carry none of its hooks or decorations', () => {
  expect(t.app.hasDecorator('websocketServer')).toBe(false);
  expect(t.app.hasRequestDecorator('ws')).toBe(false);
});
