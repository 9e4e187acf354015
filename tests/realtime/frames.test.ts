// The hub frames a live event once and writes that frame to every socket: a real `ws` client must read each one
// whole, at every header size (7-bit, 16-bit, 64-bit lengths), in order among the replies `ws` itself writes.
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { ChatConnection, LocalHub, textFrame } from '@linli/server/realtime/hub';

let server: WebSocketServer;
let port: number;

beforeAll(async () => {
  server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => new Promise((r) => server.close(r)));

it('frames as the RFC says: FIN and text opcode, then the 7-bit, 16-bit or 64-bit length, then the payload', () => {
  expect([...textFrame(Buffer.from('hi'))]).toEqual([0x81, 2, 0x68, 0x69]);
  expect([...textFrame(Buffer.alloc(126, 0x61)).subarray(0, 4)]).toEqual([0x81, 126, 0, 126]);
  expect([...textFrame(Buffer.alloc(65536, 0x61)).subarray(0, 10)]).toEqual([0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0]);
  expect(textFrame(Buffer.alloc(65536, 0x61)).length).toBe(65546);
});

it('delivers every size whole and in order, interleaved with replies sent through ws', async () => {
  const hub = new LocalHub();
  const accepted = new Promise<WebSocket>((resolve) => server.once('connection', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${port}`);
  const received: string[] = [];
  client.on('message', (data) => received.push(String(data)));
  await new Promise((r) => client.once('open', r));
  const connection = new ChatConnection(await accepted, 'user-1', { maxBufferedBytes: 16 * 1024 * 1024, maxHeldEvents: 100 });
  // The direct path is the one under test: no extension was negotiated, so the hub writes its own frames.
  expect((connection as unknown as { raw: unknown }).raw).not.toBeNull();
  connection.buildingIds = new Set(['b1']);
  hub.add(connection);
  connection.goLive();

  const sizes = [0, 1, 125, 126, 127, 65535, 65536, 200_000];
  const expected: string[] = [];
  sizes.forEach((size, i) => {
    const payload = JSON.stringify({ type: 'message', n: i, text: '楼'.repeat(Math.floor(size / 3)) + 'x'.repeat(size % 3) });
    hub.deliver({ buildingIds: ['b1'], groupId: 'b1', seq: i + 1, payload });
    expected.push(payload);
    const own = JSON.stringify({ type: 'pong', after: i });
    connection.sendOwn(own);
    expected.push(own);
  });
  hub.deliver({ buildingIds: ['other'], payload: '{"type":"not-for-you"}' });
  const last = JSON.stringify({ type: 'message', n: 'last' });
  hub.deliver({ userIds: ['user-1'], payload: last });
  expected.push(last);

  const deadline = Date.now() + 5000;
  while (received.length < expected.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  expect(received).toEqual(expected);
  client.close();
  await new Promise((r) => client.once('close', r));
});
