// Volunteer decisions and call-up answers under concurrency, on PostgreSQL: a conditional update decides each
// application exactly once (and the role follows the winner); a row lock keeps a call-up from being over-filled.
import { and, eq, sql } from 'drizzle-orm';
import { selectRows } from '@linli/server/db/client';
import { callUps, roleAssignments, volunteerApplications } from '@linli/server/db/schema/index';
import { createTestApp, type TestApp } from '../support/app';
import { applyAsResident, approvedVolunteer } from '../support/volunteers';

const rooms = ['101', '102', '201', '202', '301', '302', '401', '402', '501', '502'];
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('six staff deciding one pending application at once', () => {
  it.each(Array.from({ length: 8 }, (_, i) => i + 1))('round %i: exactly one decision wins; the role exists only if it was an approval', async (round) => {
    const applicant = await applyAsResident(t, { building: 3, unit: 2, room: rooms[round - 1]! });
    const [admin, worker1, worker2] = await Promise.all(['13900000000', '13900000001', '13900000002'].map((p) => t.login(p)));
    const decisions = [
      { token: worker1!.token, verb: 'approve' }, { token: admin!.token, verb: 'reject' }, { token: worker2!.token, verb: 'approve' },
      { token: worker1!.token, verb: 'reject' }, { token: admin!.token, verb: 'approve' }, { token: worker2!.token, verb: 'reject' },
    ];
    const results = await Promise.all(decisions.map(({ token, verb }) =>
      t.call(token, { method: 'POST', url: `/api/v1/volunteer-applications/${applicant.applicationId}/${verb}`, payload: verb === 'reject' ? { reason: '名额已满' } : {} })));
    const winners = results.filter((r) => r.statusCode === 200);
    expect(winners).toHaveLength(1);
    const finalStatus = winners[0]!.json().status as string;
    for (const loser of results.filter((r) => r.statusCode !== 200)) {
      expect(loser.statusCode).toBe(409);
      expect(loser.json().error).toMatchObject({ code: 'INVALID_TRANSITION', details: { from: finalStatus } });
    }
    const [stored] = await t.db.select().from(volunteerApplications).where(eq(volunteerApplications.id, applicant.applicationId));
    expect(stored!.status).toBe(finalStatus);
    const roles = await t.db.select().from(roleAssignments).where(and(eq(roleAssignments.userId, applicant.userId), eq(roleAssignments.role, 'volunteer')));
    expect(roles).toHaveLength(finalStatus === 'approved' ? 1 : 0);
    const [audits] = await selectRows<{ n: number }>(t.db, sql`SELECT count(*)::int AS n FROM audit_log WHERE subject_id = ${applicant.applicationId}`);
    expect(audits!.n).toBe(1);
  });
});

it('suspend and reinstate racing on one volunteer leave the role matching the final status', async () => {
  const volunteer = await approvedVolunteer(t, { building: 4, unit: 2, room: '101' });
  const admin = await t.login('13900000000');
  const worker = await t.login('13900000002');
  for (let round = 0; round < 6; round++) {
    await Promise.all([
      t.call(admin.token, { method: 'POST', url: `/api/v1/volunteer-applications/${volunteer.applicationId}/suspend`, payload: { reason: '测试' } }),
      t.call(worker.token, { method: 'POST', url: `/api/v1/volunteer-applications/${volunteer.applicationId}/reinstate`, payload: {} }),
      t.call(worker.token, { method: 'POST', url: `/api/v1/volunteer-applications/${volunteer.applicationId}/suspend`, payload: { reason: '测试' } }),
    ]);
    const [stored] = await t.db.select().from(volunteerApplications).where(eq(volunteerApplications.id, volunteer.applicationId));
    const roles = await t.db.select().from(roleAssignments).where(and(eq(roleAssignments.userId, volunteer.userId), eq(roleAssignments.role, 'volunteer')));
    expect(roles).toHaveLength(stored!.status === 'approved' ? 1 : 0);
  }
});

it('ten volunteers answering 能来 at once to a call for three: exactly three get in, the call closes as filled', async () => {
  const volunteers = [];
  for (const room of rooms.slice(0, 10)) volunteers.push(await approvedVolunteer(t, { building: 5, unit: 2, room }, { skills: ['testing'] }));
  const admin = await t.login('13900000000');
  const created = await t.call(admin.token, {
    method: 'POST', url: '/api/v1/call-ups',
    payload: { skill: 'testing', needed: 3, place: '小区广场', startsAt: new Date(Date.now() + 3_600_000).toISOString(), ignoreAvailability: true },
  });
  const id = created.json().id as string;
  expect(created.json().counts.called).toBe(10);
  const results = await Promise.all(volunteers.map((v) => t.call(v.token, { method: 'POST', url: `/api/v1/call-ups/${id}/answer`, payload: { answer: 'yes' } })));
  expect(results.filter((r) => r.statusCode === 200)).toHaveLength(3);
  for (const r of results.filter((r) => r.statusCode !== 200)) expect(r.json().error.code).toBe('CALL_UP_CLOSED');
  const [stored] = await t.db.select().from(callUps).where(eq(callUps.id, id));
  expect(stored).toMatchObject({ status: 'closed', closedReason: 'filled' });
  const [yes] = await selectRows<{ n: number }>(t.db, sql`SELECT count(*)::int AS n FROM call_up_recipients WHERE call_up_id = ${id} AND answer = 'yes'`);
  expect(yes!.n).toBe(3);
});
