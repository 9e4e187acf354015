// Claims under real concurrency (PostgreSQL in CI): one claimer per task, at most three held per volunteer, expired
// claims returned to the hall exactly once with two app instances running the job at the same time, each packed order
// in one delivery task however many staff press at once, and exact handover counting.
import { buildApp } from '@linli/server/app';
import { loadConfig } from '@linli/server/config';
import { openDatabase, type DatabaseHandle } from '@linli/server/db/client';
import { orders, taskOrders, tasks, volunteerHolds } from '@linli/server/db/schema/index';
import { runClaimExpiry } from '@linli/server/jobs/task-claim-expiry';
import { eq, inArray, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { createTestApp, type TestApp } from '../support/app';
import { onPostgres } from '../support/database';
import { buildingNamed, extraVolunteers, openTasks, packedOrders } from '../support/tasks';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
}, 60_000);
afterAll(async () => t?.close());

const claim = (token: string, taskId: string) => t.call(token, { method: 'POST', url: `/api/v1/tasks/${taskId}/claim` });

async function claimers(ids: string[]) {
  return t.db.select({ id: tasks.id, status: tasks.status, claimedBy: tasks.claimedBy }).from(tasks).where(inArray(tasks.id, ids));
}

it('20 tasks, each raced by its own 5 volunteers at once: every task has exactly one claimer, the other 4 get ALREADY_CLAIMED', async () => {
  const ids = await openTasks(t, 20);
  const volunteers = await extraVolunteers(t, 100, '1');
  const attempts = ids.flatMap((taskId, i) => volunteers.slice(i * 5, i * 5 + 5).map((v) => ({ taskId, v })));
  const results = await Promise.all(attempts.map(async ({ taskId, v }) => ({ taskId, v, res: await claim(v.token, taskId) })));
  for (const taskId of ids) {
    const mine = results.filter((r) => r.taskId === taskId);
    const won = mine.filter((r) => r.res.statusCode === 200);
    expect(won).toHaveLength(1);
    for (const lost of mine.filter((r) => r.res.statusCode !== 200)) {
      expect(lost.res.statusCode).toBe(409);
      expect(lost.res.json().error.code).toBe('ALREADY_CLAIMED');
    }
    const [row] = await claimers([taskId]);
    expect(row).toMatchObject({ status: 'claimed', claimedBy: won[0]!.v.userId });
  }
}, 120_000);

it('5 volunteers racing for all of 20 tasks: no task has two claimers, and nobody holds more than 3', async () => {
  const ids = await openTasks(t, 20);
  const volunteers = await extraVolunteers(t, 5, '2');
  const results = await Promise.all(volunteers.flatMap((v) => ids.map(async (taskId) => ({ taskId, v, res: await claim(v.token, taskId) }))));
  const wins = results.filter((r) => r.res.statusCode === 200);
  expect(wins).toHaveLength(15);
  expect(new Set(wins.map((w) => w.taskId)).size).toBe(15);
  for (const v of volunteers) expect(wins.filter((w) => w.v.userId === v.userId)).toHaveLength(3);
  for (const r of results.filter((r) => r.res.statusCode !== 200)) {
    expect(r.res.statusCode).toBe(409);
    expect(['ALREADY_CLAIMED', 'TASK_HOLD_LIMIT']).toContain(r.res.json().error.code);
  }
  const rows = await claimers(ids);
  expect(rows.filter((r) => r.status === 'claimed')).toHaveLength(15);
  expect(rows.filter((r) => r.status === 'open')).toHaveLength(5);
}, 120_000);

it('one volunteer firing 10 claims at once gets exactly 3', async () => {
  const ids = await openTasks(t, 10);
  const [v] = await extraVolunteers(t, 1, '3');
  const results = await Promise.all(ids.map((taskId) => claim(v!.token, taskId)));
  expect(results.filter((r) => r.statusCode === 200)).toHaveLength(3);
  for (const r of results.filter((r) => r.statusCode !== 200)) expect(r.json().error.code).toBe('TASK_HOLD_LIMIT');
  const held = await t.db.select({ id: tasks.id }).from(tasks).where(sql`${tasks.claimedBy} = ${v!.userId} AND ${tasks.status} = 'claimed'`);
  expect(held).toHaveLength(3);
});

/** The volunteer's hold count (raised by the claim statement itself) and the tasks they really hold: always equal. */
async function holdsOf(userId: string) {
  const [row] = await t.db.select({ held: volunteerHolds.held }).from(volunteerHolds).where(eq(volunteerHolds.userId, userId));
  const claimed = await t.db.select({ id: tasks.id }).from(tasks).where(sql`${tasks.claimedBy} = ${userId} AND ${tasks.status} = 'claimed'`);
  return { counted: row?.held ?? 0, held: claimed.length };
}

it('the hold count follows every way out of claimed (release, /complete, expiry, the last handover): the limit frees exactly one each time', async () => {
  const ids = await openTasks(t, 8);
  const [v] = await extraVolunteers(t, 1, '6');
  const code = async (taskId: string) => {
    const res = await claim(v!.token, taskId);
    return res.statusCode === 200 ? 'ok' : res.json().error.code;
  };
  const [a, b, c, d, e, f, g, h] = ids as [string, string, string, string, string, string, string, string];
  for (const id of [a, b, c]) expect(await code(id)).toBe('ok');
  expect(await code(d)).toBe('TASK_HOLD_LIMIT');

  expect((await t.call(v!.token, { method: 'POST', url: `/api/v1/tasks/${a}/release` })).statusCode).toBe(200);
  expect(await code(d)).toBe('ok');
  expect(await code(e)).toBe('TASK_HOLD_LIMIT');

  expect((await t.call(v!.token, { method: 'POST', url: `/api/v1/tasks/${b}/complete`, payload: { note: '已办好' } })).statusCode).toBe(200);
  expect(await code(e)).toBe('ok');
  expect(await code(f)).toBe('TASK_HOLD_LIMIT');

  await t.db.update(tasks).set({ claimExpiresAt: sql`now() - interval '1 minute'` }).where(eq(tasks.id, c));
  jest.spyOn(t.app.realtime, 'publishToUsers').mockResolvedValue(undefined as never);
  expect((await runClaimExpiry(t.app)).map((r) => r.taskId)).toEqual([c]);
  expect(await code(f)).toBe('ok');
  expect(await code(g)).toBe('TASK_HOLD_LIMIT');

  // A delivery task completes by its last handover, which lets go of the hold too.
  const [order] = await packedOrders(t, 4, ['101']);
  const admin = await t.login('13900000000');
  const created = await t.call(admin.token, { method: 'POST', url: '/api/v1/delivery-tasks', payload: { buildingId: (await buildingNamed(t, '4号楼')).id } });
  const delivery = created.json().tasks[0].id as string;
  expect((await t.call(v!.token, { method: 'POST', url: `/api/v1/tasks/${d}/release` })).statusCode).toBe(200);
  expect(await code(delivery)).toBe('ok');
  const handed = await t.call(v!.token, { method: 'POST', url: `/api/v1/tasks/${delivery}/deliveries`, payload: { orderId: order!.orderId, code: order!.code } });
  expect(handed.statusCode).toBe(200);
  expect(await code(g)).toBe('ok');
  expect(await code(h)).toBe('TASK_HOLD_LIMIT');
  expect(await holdsOf(v!.userId)).toEqual({ counted: 3, held: 3 });
});

it('releases and claims of one volunteer racing each other: the hold count always equals the tasks held, never above 3', async () => {
  const ids = await openTasks(t, 13);
  const [v] = await extraVolunteers(t, 1, '7');
  const [first, rest] = [ids.slice(0, 3), ids.slice(3)];
  for (const id of first) expect((await claim(v!.token, id)).statusCode).toBe(200);
  for (let round = 0; round < 3; round++) {
    const held = (await claimers(ids)).filter((r) => r.claimedBy === v!.userId).map((r) => r.id);
    const results = await Promise.all([
      ...held.map((id) => t.call(v!.token, { method: 'POST', url: `/api/v1/tasks/${id}/release` })),
      ...rest.map((id) => claim(v!.token, id)),
    ]);
    for (const r of results) expect([200, 409]).toContain(r.statusCode);
    const now = await holdsOf(v!.userId);
    expect(now.counted).toBe(now.held);
    expect(now.held).toBeLessThanOrEqual(3);
  }
});

it('two staff sending the same building out four times at once: one 201, the rest NOTHING_TO_DELIVER, each order in exactly one task', async () => {
  const placed = await packedOrders(t, 5, ['201', '202', '301']);
  const b5 = await buildingNamed(t, '5号楼');
  const staff = [await t.login('13900000000'), await t.login('13900000002')];
  const results = await Promise.all([...staff, ...staff].map((s) => t.call(s.token, { method: 'POST', url: '/api/v1/delivery-tasks', payload: { buildingId: b5.id } })));
  expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409]);
  for (const r of results.filter((r) => r.statusCode === 409)) expect(r.json().error.code).toBe('NOTHING_TO_DELIVER');
  const lines = await t.db.select().from(taskOrders).where(inArray(taskOrders.orderId, placed.map((p) => p.orderId)));
  expect(lines).toHaveLength(3);
  expect(new Set(lines.map((l) => l.taskId)).size).toBe(1);
});

it('handovers of one task at once: the right code twice delivers once; ten wrong codes at once lock after exactly five', async () => {
  const placed = await packedOrders(t, 6, ['101', '102', '201']);
  const b6 = await buildingNamed(t, '6号楼');
  const admin = await t.login('13900000000');
  const created = await t.call(admin.token, { method: 'POST', url: '/api/v1/delivery-tasks', payload: { buildingId: b6.id } });
  const taskId = created.json().tasks[0].id as string;
  const [v] = await extraVolunteers(t, 1, '5');
  expect((await claim(v!.token, taskId)).statusCode).toBe(200);
  const deliver = (orderId: string, code: string) => t.call(v!.token, { method: 'POST', url: `/api/v1/tasks/${taskId}/deliveries`, payload: { orderId, code } });

  const [a, b] = [placed[0]!, placed[1]!];
  const twice = await Promise.all([deliver(a.orderId, a.code), deliver(a.orderId, a.code), deliver(b.orderId, b.code)]);
  expect(twice.map((r) => r.statusCode).sort()).toEqual([200, 200, 409]);
  const [counted] = await t.db.select({ handedOverCount: tasks.handedOverCount, status: tasks.status }).from(tasks).where(eq(tasks.id, taskId));
  expect(counted).toEqual({ handedOverCount: 2, status: 'claimed' });

  const c = placed[2]!;
  const wrong = String((Number(c.code) + 1) % 10000).padStart(4, '0');
  const tries = await Promise.all(Array.from({ length: 10 }, () => deliver(c.orderId, wrong)));
  expect(tries.filter((r) => r.statusCode === 400)).toHaveLength(5);
  expect(tries.filter((r) => r.statusCode === 409).map((r) => r.json().error.code)).toEqual(Array(5).fill('ORDER_LOCKED'));
  const [line] = await t.db.select().from(taskOrders).where(eq(taskOrders.orderId, c.orderId));
  expect(line!.failedAttempts).toBe(5);
  expect(line!.lockedAt).not.toBeNull();
  const [order] = await t.db.select({ status: orders.status }).from(orders).where(eq(orders.id, c.orderId));
  expect(order!.status).toBe('out_for_delivery');
});

// On PostgreSQL the second instance has its own pool; the embedded PGlite is one process's database, so there the two
// instances share its handle (the job runs still overlap).
describe('claim expiry with two instances', () => {
  let second: FastifyInstance;
  let secondDatabase: DatabaseHandle | undefined;
  beforeAll(async () => {
    if (onPostgres) secondDatabase = await openDatabase({ kind: 'postgres', url: t.database.url! }, { error: () => undefined });
    second = await buildApp(loadConfig({ NODE_ENV: 'test', SEED_DEMO: 'off' }), { logger: false, database: secondDatabase ?? t.database });
    await second.ready();
  });
  afterAll(async () => {
    await second?.close();
    await secondDatabase?.close();
  });

  it('expired claims return to open exactly once, however many runs overlap; live claims stay', async () => {
    const ids = await openTasks(t, 40);
    const volunteers = await extraVolunteers(t, 20, '4');
    for (const [i, taskId] of ids.entries()) expect((await claim(volunteers[i % 20]!.token, taskId)).statusCode).toBe(200);
    const expired = ids.slice(0, 30);
    await t.db.update(tasks).set({ claimExpiresAt: sql`now() - interval '1 minute'` }).where(inArray(tasks.id, expired));
    const notified: string[] = [];
    for (const app of [t.app, second]) {
      jest.spyOn(app.realtime, 'publishToUsers').mockImplementation(async (_users, event) => {
        if (event.type === 'task.claim_expired') notified.push(event.taskId);
      });
    }
    const runs = await Promise.all([t.app, second, t.app, second, t.app, second].map((app) => runClaimExpiry(app)));
    const returned = runs.flat().map((r) => r.taskId);
    expect(returned.sort()).toEqual([...expired].sort());
    expect(notified.sort()).toEqual([...expired].sort());
    const rows = await claimers(ids);
    for (const row of rows) {
      if (expired.includes(row.id)) expect(row).toMatchObject({ status: 'open', claimedBy: null });
      else expect(row.status).toBe('claimed');
    }
    expect(await runClaimExpiry(second)).toEqual([]);
    // Back in the hall: anyone may claim it again.
    expect((await claim(volunteers[5]!.token, expired[0]!)).statusCode).toBe(200);
    const [again] = await t.db.select({ claimedBy: tasks.claimedBy }).from(tasks).where(eq(tasks.id, expired[0]!));
    expect(again!.claimedBy).toBe(volunteers[5]!.userId);
  }, 120_000);
});
