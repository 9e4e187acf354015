// A socket is registered the moment it opens, before its groups are read: what is posted meanwhile is held, and once
// the groups are known only its own events go out (in order), never another building's — even if the resume grace
// ran out while the read was slow.
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { ChatConnection, LocalHub } from '@linli/server/realtime/hub';

let server: WebSocketServer;
let port: number;
const clients: WebSocket[] = [];

beforeAll(async () => {
  server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  port = (server.address() as AddressInfo).port;
});
afterEach(() => clients.splice(0).forEach((c) => c.terminate()));
afterAll(async () => new Promise((r) => server.close(r)));

async function pair(userId: string) {
  const accepted = new Promise<WebSocket>((resolve) => server.once('connection', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${port}`);
  clients.push(client);
  const received: any[] = [];
  client.on('message', (data) => received.push(JSON.parse(String(data))));
  await new Promise((r) => client.once('open', r));
  const connection = new ChatConnection(await accepted, userId, { maxBufferedBytes: 1024 * 1024, maxHeldEvents: 100 });
  return { connection, received };
}

const settle = () => new Promise((r) => setTimeout(r, 100));

it.each([
  ['the resume grace ends before the groups are read', true],
  ['the groups are read before the socket goes live', false],
])('holds what was posted while its groups were read and keeps only its own: %s', async (_case, liveFirst) => {
  const hub = new LocalHub();
  const { connection, received } = await pair('user-1');
  hub.addJoining(connection);
  hub.deliver({ buildingIds: ['b1'], groupId: 'b1', seq: 7, payload: '{"n":1}' });
  hub.deliver({ buildingIds: ['b2'], groupId: 'b2', seq: 3, payload: '{"n":"other building"}' });
  hub.deliver({ buildingIds: ['b2', 'b3'], payload: '{"n":"other buildings"}' });
  hub.deliver({ userIds: ['user-1'], payload: '{"n":2}' });
  hub.deliver({ userIds: ['user-2'], payload: '{"n":"other user"}' });
  if (liveFirst) connection.goLive();
  hub.deliver({ buildingIds: ['b1', 'b9'], payload: '{"n":3}' });
  await settle();
  expect(received).toEqual([]);

  hub.join(connection, ['b1']);
  if (!liveFirst) connection.goLive();
  hub.deliver({ buildingIds: ['b1'], groupId: 'b1', seq: 8, payload: '{"n":4}' });
  hub.deliver({ buildingIds: ['b2'], groupId: 'b2', seq: 4, payload: '{"n":"other building, later"}' });
  await settle();
  expect(received).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]);
});

it('ignores a membership refresh that lands while the socket is still joining, and forgets a socket removed then', async () => {
  const hub = new LocalHub();
  const { connection, received } = await pair('user-1');
  hub.addJoining(connection);
  hub.setBuildings(connection, ['b2']);
  hub.join(connection, ['b1']);
  connection.goLive();
  hub.deliver({ buildingIds: ['b2'], payload: '{"n":"refreshed too early"}' });
  hub.deliver({ buildingIds: ['b1'], payload: '{"n":1}' });

  const gone = await pair('user-3');
  hub.addJoining(gone.connection);
  hub.remove(gone.connection);
  hub.join(gone.connection, ['b1']);
  gone.connection.goLive();
  hub.deliver({ buildingIds: ['b1'], payload: '{"n":2}' });
  await settle();
  expect(received).toEqual([{ n: 1 }, { n: 2 }]);
  expect(gone.received).toEqual([]);
  expect(hub.connections.has(gone.connection)).toBe(false);
});
