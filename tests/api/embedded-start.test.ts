// The first command's promise, in-process: on an empty DATA_DIR the server migrates the embedded database and
// seeds 阳光社区 once; on the next start the same directory keeps everything and nothing is seeded twice.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '@linli/server/app';
import { loadConfig } from '@linli/server/config';

const dataDir = mkdtempSync(join(tmpdir(), 'linli-embedded-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

// No DATABASE_URL, whatever the test run uses: this is the embedded default.
const start = async () => {
  const app = await buildApp(loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir }), { logger: false });
  await app.ready();
  return app;
};
const login = async (app: FastifyInstance, phone: string) =>
  (await app.inject({ method: 'POST', url: '/api/v1/auth/dev-login', payload: { phone } })).json().accessToken as string;
const get = (app: FastifyInstance, token: string, url: string) => app.inject({ url, headers: { authorization: `Bearer ${token}` } });

it('seeds the demo community on the first start only, and keeps what was written across restarts', async () => {
  const first = await start();
  expect((await first.inject({ url: '/readyz' })).json()).toEqual({ status: 'ready', database: 'up', migrations: 'current' });
  const resident = await login(first, '13801110100');
  expect((await get(first, resident, '/api/v1/me')).json().households).toEqual([
    expect.objectContaining({ buildingName: '1号楼', unit: '1', room: '101' }),
  ]);
  // The hot writes run as raw prepared statements, sent differently to PGlite: a check-in and an order go through.
  const householdId = (await get(first, resident, '/api/v1/me')).json().households[0].id as string;
  const members = (await get(first, resident, `/api/v1/households/${householdId}/checkins`)).json().members as { personId: string }[];
  const auth = { authorization: `Bearer ${resident}` };
  const checkin = await first.inject({
    method: 'POST', url: '/api/v1/checkins', headers: auth,
    payload: { entries: members.map((m) => ({ personId: m.personId, temperatureC: 36.5 })) },
  });
  expect(checkin.statusCode).toBe(200);
  expect(checkin.json().items).toHaveLength(members.length);
  const open = (await get(first, resident, '/api/v1/group-buys?state=open')).json().items[0];
  const order = { householdId, items: [{ itemId: open.items[0].id, qty: 1 }] };
  const placed = await first.inject({ method: 'POST', url: '/api/v1/orders', headers: { ...auth, 'idempotency-key': 'embedded-1' }, payload: order });
  expect(placed.statusCode).toBe(201);
  const replayed = await first.inject({ method: 'POST', url: '/api/v1/orders', headers: { ...auth, 'idempotency-key': 'embedded-1' }, payload: order });
  expect(replayed.json().id).toBe(placed.json().id);
  // The claim is one raw statement too: a volunteer claims a task of the hall, and releases it again.
  const volunteer = await login(first, '13900000031');
  const hall = (await get(first, volunteer, '/api/v1/tasks')).json().items as { id: string; status: string }[];
  const task = hall.find((x) => x.status === 'open')!;
  const claimed = await first.inject({ method: 'POST', url: `/api/v1/tasks/${task.id}/claim`, headers: { authorization: `Bearer ${volunteer}` } });
  expect(claimed.statusCode).toBe(200);
  expect(claimed.json()).toMatchObject({ id: task.id, status: 'claimed', claimedByName: expect.any(String) });
  const taken = await first.inject({ method: 'POST', url: `/api/v1/tasks/${task.id}/claim`, headers: { authorization: `Bearer ${await login(first, '13900000032')}` } });
  expect(taken.json().error.code).toBe('ALREADY_CLAIMED');
  const released = await first.inject({ method: 'POST', url: `/api/v1/tasks/${task.id}/release`, headers: { authorization: `Bearer ${volunteer}` } });
  expect(released.json()).toMatchObject({ id: task.id, status: 'open', claimedBy: null });
  const admin = await login(first, '13900000000');
  const buildingsBefore = (await get(first, admin, '/api/v1/buildings')).json().items as { id: string; householdCount: number }[];
  expect(buildingsBefore).toHaveLength(6);

  const newcomer = await login(first, '13812340001');
  const requested = await first.inject({
    method: 'POST',
    url: '/api/v1/household-bindings',
    headers: { authorization: `Bearer ${newcomer}` },
    payload: { buildingId: buildingsBefore[0]!.id, unit: '1', room: '102', relation: 'child' },
  });
  expect(requested.statusCode).toBe(201);
  await first.close();

  const second = await start();
  const adminAgain = await login(second, '13900000000');
  const buildingsAfter = (await get(second, adminAgain, '/api/v1/buildings')).json().items;
  expect(buildingsAfter).toEqual(buildingsBefore);
  const newcomerAgain = await login(second, '13812340001');
  const bindings = (await get(second, newcomerAgain, '/api/v1/household-bindings')).json().items;
  expect(bindings).toEqual([expect.objectContaining({ id: requested.json().id, status: 'pending', room: '102' })]);
  await second.close();
  // Two cold starts of the embedded database (migrations, then the demo seed on the first): 25 s on a quiet machine,
  // past 60 s at load 11.
}, 180_000);
