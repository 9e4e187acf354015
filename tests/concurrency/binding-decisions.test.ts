// Household bindings under concurrency: the rules hold in SQL (a conditional update, a partial unique index),
// not in a read-then-write. On PostgreSQL (CI) the requests really overlap.
import { and, eq, sql } from 'drizzle-orm';
import { selectRows } from '@linli/server/db/client';
import { buildings, householdBindings, roleAssignments } from '@linli/server/db/schema/index';
import { createTestApp, type TestApp } from '../support/app';

let t: TestApp;
let building1: string;
beforeAll(async () => {
  t = await createTestApp();
  [{ id: building1 }] = (await t.db.select({ id: buildings.id }).from(buildings).where(eq(buildings.name, '1号楼'))) as [{ id: string }];
});
afterAll(async () => t?.close());

const request = (token: string, room: string) =>
  t.call(token, { method: 'POST', url: '/api/v1/household-bindings', payload: { buildingId: building1, unit: '2', room, relation: 'child' } });

describe('six staff decisions on one pending binding at once', () => {
  it.each(Array.from({ length: 10 }, (_, i) => i + 1))('round %i: exactly one decision wins, the others get 409 naming the winner', async (round) => {
    const resident = await t.login(`136100${String(round).padStart(5, '0')}`);
    const created = await request(resident.token, '101');
    expect(created.statusCode).toBe(201);
    const bindingId = created.json().id as string;

    const gridWorker = await t.login('13900000001');
    const admin = await t.login('13900000000');
    const decisions = [
      { token: gridWorker.token, verb: 'approve' },
      { token: admin.token, verb: 'reject' },
      { token: gridWorker.token, verb: 'reject' },
      { token: admin.token, verb: 'approve' },
      { token: gridWorker.token, verb: 'approve' },
      { token: admin.token, verb: 'reject' },
    ];
    const results = await Promise.all(
      decisions.map(({ token, verb }) => t.call(token, { method: 'POST', url: `/api/v1/household-bindings/${bindingId}/${verb}`, payload: {} })),
    );

    const winners = results.filter((r) => r.statusCode === 200);
    expect(winners).toHaveLength(1);
    const finalStatus = winners[0]!.json().status as string;
    for (const loser of results.filter((r) => r.statusCode !== 200)) {
      expect(loser.statusCode).toBe(409);
      expect(loser.json().error).toMatchObject({ code: 'INVALID_TRANSITION', details: { from: finalStatus } });
    }
    const [stored] = await t.db.select().from(householdBindings).where(eq(householdBindings.id, bindingId));
    expect(stored!.status).toBe(finalStatus);
    const residentRoles = await t.db
      .select()
      .from(roleAssignments)
      .where(and(eq(roleAssignments.userId, resident.userId), eq(roleAssignments.role, 'resident')));
    expect(residentRoles).toHaveLength(finalStatus === 'approved' ? 1 : 0);
  });
});

describe('one resident sending the same binding request ten times at once', () => {
  it('creates exactly one live request; the rest are told it is already pending', async () => {
    const resident = await t.login('13610099999');
    const results = await Promise.all(Array.from({ length: 10 }, () => request(resident.token, '102')));
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(1);
    for (const r of results.filter((r) => r.statusCode !== 201)) {
      expect(r.statusCode).toBe(409);
      expect(r.json().error.code).toBe('ALREADY_BOUND');
    }
    const [row] = await selectRows<{ n: number }>(t.db, sql`SELECT count(*)::int AS n FROM household_bindings WHERE user_id = ${resident.userId}`);
    expect(row!.n).toBe(1);
  });
});
