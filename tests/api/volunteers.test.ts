// The volunteer registry and call-ups through the public API: apply, staff decide (the role follows the decision),
// scope, bad input, and 一键召集 with 能来 / 来不了 answers.
import { and, eq, sql } from 'drizzle-orm';
import { selectRows } from '@linli/server/db/client';
import { auditLog, buildings, callUps, communities, roleAssignments, users, volunteerApplications } from '@linli/server/db/schema/index';
import { createTestApp, type TestApp } from '../support/app';
import { applyAsResident, approvedVolunteer, everyDay } from '../support/volunteers';

let t: TestApp;
let admin: string;
let worker1: string;
let worker2: string;
let outsiderAdmin: string;
let building1: string;

beforeAll(async () => {
  t = await createTestApp();
  admin = (await t.login('13900000000')).token;
  worker1 = (await t.login('13900000001')).token;
  worker2 = (await t.login('13900000002')).token;
  [{ id: building1 }] = (await t.db.select({ id: buildings.id }).from(buildings).where(eq(buildings.name, '1号楼'))) as [{ id: string }];
  const [other] = await t.db.insert(communities).values({ name: '别的社区' }).returning();
  const outsider = await t.login('13911112222');
  await t.db.insert(roleAssignments).values({ userId: outsider.userId, role: 'admin', communityId: other!.id });
  outsiderAdmin = outsider.token;
});
afterAll(async () => t?.close());

const decide = (token: string, id: string, verb: string, reason?: string) =>
  t.call(token, { method: 'POST', url: `/api/v1/volunteer-applications/${id}/${verb}`, payload: reason ? { reason } : {} });
const rolesOf = async (token: string) => ((await t.call(token, { url: '/api/v1/me' })).json().roles as { role: string }[]).map((r) => r.role);
const applicationCount = async () => (await selectRows<{ n: number }>(t.db, sql`SELECT count(*)::int AS n FROM volunteer_applications`))[0]!.n;

/** The next Saturday (Asia/Shanghai) at the given local hour, at least a day ahead. */
function nextSaturdayAt(hour: number): string {
  const d = new Date(Date.now() + 86_400_000);
  while (new Date(d.getTime() + 8 * 3_600_000).getUTCDay() !== 6) d.setTime(d.getTime() + 86_400_000);
  const local = new Date(d.getTime() + 8 * 3_600_000);
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), hour - 8)).toISOString();
}

describe('applying', () => {
  it('a bound resident applies; they see their own application in full, a second one is refused while it is live', async () => {
    const me = await applyAsResident(t, { building: 1, unit: 1, room: '101' }, { skills: ['delivery', 'translation'], preferredBuildingIds: [building1], note: '会说英语' });
    const mine = await t.call(me.token, { url: '/api/v1/volunteer-applications/mine' });
    expect(mine.statusCode).toBe(200);
    expect(mine.json().application).toMatchObject({
      id: me.applicationId, status: 'pending', skills: ['delivery', 'translation'], phone: me.phone,
      preferredBuildings: [{ id: building1, name: '1号楼' }], note: '会说英语',
    });
    const again = await t.call(me.token, { method: 'POST', url: '/api/v1/volunteer-applications', payload: { skills: ['driving'], availability: everyDay } });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({ code: 'ALREADY_APPLIED', details: { status: 'pending' } });
  });

  it('an account bound to no household is refused, and someone who never applied sees null', async () => {
    const stranger = await t.login('13722223333');
    expect((await t.call(stranger.token, { url: '/api/v1/volunteer-applications/mine' })).json()).toEqual({ application: null });
    const res = await t.call(stranger.token, { method: 'POST', url: '/api/v1/volunteer-applications', payload: { skills: ['delivery'], availability: everyDay } });
    expect(res.statusCode).toBe(403);
  });

  it.each([
    ['no skill', { skills: [], availability: everyDay }],
    ['an unknown skill', { skills: ['juggling'], availability: everyDay }],
    ['no availability', { skills: ['delivery'], availability: [] }],
    ['a window ending before it starts', { skills: ['delivery'], availability: [{ weekdays: [1], start: '20:00', end: '08:00' }] }],
    ['weekday 0', { skills: ['delivery'], availability: [{ weekdays: [0], start: '08:00', end: '10:00' }] }],
    ['an unknown field', { skills: ['delivery'], availability: everyDay, role: 'admin' }],
    ['a building that does not exist', { skills: ['delivery'], availability: everyDay, preferredBuildingIds: ['00000000-0000-4000-8000-000000000000'] }],
  ])('refuses %s with a 400 and writes nothing', async (_name, payload) => {
    const { token } = await t.login('13801120100');
    const before = await applicationCount();
    const res = await t.call(token, { method: 'POST', url: '/api/v1/volunteer-applications', payload });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
    expect(await applicationCount()).toBe(before);
  });
});

describe('staff decisions', () => {
  it('staff of the community list pending applications with masked phones; residents and other communities cannot', async () => {
    const applicant = await applyAsResident(t, { building: 4, unit: 1, room: '101' });
    // Volunteers serve the whole community: 第一网格's worker sees an applicant living in 第二网格's 4号楼.
    const list = await t.call(worker1, { url: '/api/v1/volunteer-applications?status=pending' });
    expect(list.statusCode).toBe(200);
    const row = list.json().items.find((a: { id: string }) => a.id === applicant.applicationId);
    expect(row.phone).toBe(`${applicant.phone.slice(0, 3)}****${applicant.phone.slice(7)}`);
    expect(list.body).not.toContain(applicant.phone);
    expect(list.json().items.every((a: { status: string }) => a.status === 'pending')).toBe(true);

    expect((await t.call(applicant.token, { url: '/api/v1/volunteer-applications' })).statusCode).toBe(403);
    const neighbour = await t.login('13804110200');
    expect((await t.call(neighbour.token, { url: `/api/v1/volunteer-applications/${applicant.applicationId}` })).statusCode).toBe(404);
    expect((await t.call(outsiderAdmin, { url: '/api/v1/volunteer-applications' })).json().items).toEqual([]);
    expect((await t.call(outsiderAdmin, { url: `/api/v1/volunteer-applications/${applicant.applicationId}` })).statusCode).toBe(404);
    expect((await decide(outsiderAdmin, applicant.applicationId, 'approve')).statusCode).toBe(404);
    expect((await decide(applicant.token, applicant.applicationId, 'approve')).statusCode).toBe(403);
    const [stored] = await t.db.select().from(volunteerApplications).where(eq(volunteerApplications.id, applicant.applicationId));
    expect(stored!.status).toBe('pending');
  });

  it('approval grants the volunteer role at once, audit-logged; volunteer-only data opens up', async () => {
    const applicant = await applyAsResident(t, { building: 2, unit: 1, room: '101' });
    expect(await rolesOf(applicant.token)).not.toContain('volunteer');
    expect((await t.call(applicant.token, { url: '/api/v1/call-ups/mine' })).statusCode).toBe(403);

    const approved = await decide(worker2, applicant.applicationId, 'approve');
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved', decisionReason: null });
    expect(await rolesOf(applicant.token)).toContain('volunteer');
    expect((await t.call(applicant.token, { url: '/api/v1/call-ups/mine' })).statusCode).toBe(200);
    const audit = await t.db.select().from(auditLog).where(and(eq(auditLog.subjectId, applicant.applicationId), eq(auditLog.action, 'volunteer.approve')));
    expect(audit).toHaveLength(1);

    const twice = await decide(admin, applicant.applicationId, 'approve');
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error).toMatchObject({ code: 'INVALID_TRANSITION', details: { from: 'approved', to: 'approved' } });
  });

  it('rejection needs a reason; after it the resident may apply again', async () => {
    const applicant = await applyAsResident(t, { building: 2, unit: 1, room: '102' });
    const noReason = await decide(worker1, applicant.applicationId, 'reject');
    expect(noReason.statusCode).toBe(400);
    const rejected = await decide(worker1, applicant.applicationId, 'reject', '暂不需要翻译');
    expect(rejected.json()).toMatchObject({ status: 'rejected', decisionReason: '暂不需要翻译' });
    expect(await rolesOf(applicant.token)).not.toContain('volunteer');
    expect((await decide(admin, applicant.applicationId, 'approve')).statusCode).toBe(409);
    expect((await t.call(applicant.token, { url: '/api/v1/volunteer-applications/mine' })).json().application.status).toBe('rejected');

    const second = await t.call(applicant.token, { method: 'POST', url: '/api/v1/volunteer-applications', payload: { skills: ['delivery'], availability: everyDay } });
    expect(second.statusCode).toBe(201);
    expect(second.json().id).not.toBe(applicant.applicationId);
    expect((await t.call(applicant.token, { url: '/api/v1/volunteer-applications/mine' })).json().application.id).toBe(second.json().id);
  });

  it('suspension removes the role: the volunteer is refused volunteer data and cannot re-apply; reinstating restores it', async () => {
    const volunteer = await approvedVolunteer(t, { building: 2, unit: 1, room: '201' });
    expect((await decide(outsiderAdmin, volunteer.applicationId, 'suspend', '越权')).statusCode).toBe(404);
    expect((await decide(worker1, volunteer.applicationId, 'suspend')).statusCode).toBe(400);
    const suspended = await decide(worker1, volunteer.applicationId, 'suspend', '连续两次未到岗');
    expect(suspended.json()).toMatchObject({ status: 'suspended', decisionReason: '连续两次未到岗' });
    const roles = await t.db.select().from(roleAssignments).where(and(eq(roleAssignments.userId, volunteer.userId), eq(roleAssignments.role, 'volunteer')));
    expect(roles).toEqual([]);
    expect((await t.call(volunteer.token, { url: '/api/v1/call-ups/mine' })).statusCode).toBe(403);
    const reapply = await t.call(volunteer.token, { method: 'POST', url: '/api/v1/volunteer-applications', payload: { skills: ['delivery'], availability: everyDay } });
    expect(reapply.statusCode).toBe(409);
    expect(reapply.json().error.details).toEqual({ status: 'suspended' });

    expect((await decide(outsiderAdmin, volunteer.applicationId, 'reinstate')).statusCode).toBe(404);
    expect((await decide(volunteer.token, volunteer.applicationId, 'reinstate')).statusCode).toBe(403);
    const reinstated = await decide(admin, volunteer.applicationId, 'reinstate');
    expect(reinstated.json().status).toBe('approved');
    expect(await rolesOf(volunteer.token)).toContain('volunteer');
    expect((await decide(admin, volunteer.applicationId, 'reinstate')).statusCode).toBe(409);
  });

  it('the full phone of a volunteer is revealed to staff only with an audit entry', async () => {
    const volunteer = await applyAsResident(t, { building: 3, unit: 1, room: '101' });
    const res = await t.call(worker2, { url: `/api/v1/volunteer-applications/${volunteer.applicationId}/phone` });
    expect(res.json()).toEqual({ applicationId: volunteer.applicationId, phone: volunteer.phone });
    const audit = await t.db.select().from(auditLog).where(and(eq(auditLog.subjectId, volunteer.applicationId), eq(auditLog.action, 'volunteer.phone.read')));
    expect(audit).toHaveLength(1);
    expect((await t.call(outsiderAdmin, { url: `/api/v1/volunteer-applications/${volunteer.applicationId}/phone` })).statusCode).toBe(404);
  });

  it('the demo volunteers have approved applications behind their role', async () => {
    const rows = await t.db
      .select({ phone: users.phone, status: volunteerApplications.status })
      .from(volunteerApplications)
      .innerJoin(users, eq(users.id, volunteerApplications.userId))
      .where(sql`${users.phone} IN ('13900000031', '13900000032')`);
    expect(rows.map((r) => r.status)).toEqual(['approved', 'approved']);
  });
});

describe('call-ups (一键召集)', () => {
  const callUp = (token: string, payload: Record<string, unknown>) => t.call(token, { method: 'POST', url: '/api/v1/call-ups', payload });

  it('reaches approved volunteers with the skill who are available at that time, and only them', async () => {
    const nurse = await approvedVolunteer(t, { building: 5, unit: 1, room: '101' }, { skills: ['medical'], availability: [{ weekdays: [6], start: '08:00', end: '12:00' }] });
    const eveningNurse = await approvedVolunteer(t, { building: 5, unit: 1, room: '102' }, { skills: ['medical'], availability: [{ weekdays: [6], start: '18:00', end: '22:00' }] });
    const driver = await approvedVolunteer(t, { building: 5, unit: 1, room: '201' }, { skills: ['driving'], availability: everyDay });
    const pendingNurse = await applyAsResident(t, { building: 5, unit: 1, room: '202' }, { skills: ['medical'], availability: everyDay });

    const res = await callUp(worker1, { skill: 'medical', needed: 3, place: '3号楼门口', startsAt: nextSaturdayAt(10), note: '协助核酸采样' });
    expect(res.statusCode).toBe(201);
    const called = (res.json().responders as { userId: string; phone: string }[]);
    const calledIds = called.map((r) => r.userId);
    expect(calledIds).toContain(nurse.userId);
    // 何静 (13900000032, 医护, weekends 08:00–20:00) is a seeded match too.
    expect(calledIds).toHaveLength(2);
    for (const other of [eveningNurse, driver, pendingNurse]) expect(calledIds).not.toContain(other.userId);
    expect(res.body).not.toContain(nurse.phone);
    expect(res.json().counts).toEqual({ called: 2, yes: 0, no: 0, unanswered: 2 });

    const everyone = await callUp(worker1, { skill: 'medical', needed: 3, place: '3号楼门口', startsAt: nextSaturdayAt(10), ignoreAvailability: true });
    expect(everyone.json().counts.called).toBe(3);
    const mine = await t.call(eveningNurse.token, { url: '/api/v1/call-ups/mine' });
    expect(mine.json().items.map((c: { id: string }) => c.id)).toEqual([everyone.json().id]);
    expect((await t.call(driver.token, { url: '/api/v1/call-ups/mine' })).json().items).toEqual([]);
  });

  it('the called answer 能来 / 来不了, idempotently and changeably; others cannot; staff see who said what', async () => {
    const a = await approvedVolunteer(t, { building: 6, unit: 1, room: '101' }, { skills: ['translation'] });
    const b = await approvedVolunteer(t, { building: 6, unit: 1, room: '102' }, { skills: ['translation'] });
    const res = await callUp(admin, { skill: 'translation', needed: 2, place: '社区服务站', startsAt: new Date(Date.now() + 3_600_000).toISOString() });
    const id = res.json().id as string;
    const answer = (token: string, value: string) => t.call(token, { method: 'POST', url: `/api/v1/call-ups/${id}/answer`, payload: { answer: value } });

    expect((await answer(a.token, 'yes')).json()).toMatchObject({ id, myAnswer: 'yes', yesCount: 1, status: 'open' });
    expect((await answer(a.token, 'yes')).json()).toMatchObject({ myAnswer: 'yes', yesCount: 1 });
    expect((await answer(a.token, 'no')).json()).toMatchObject({ myAnswer: 'no', yesCount: 0 });
    expect((await answer(b.token, 'maybe')).statusCode).toBe(400);

    // 郑阳 is a volunteer but was not called (no 翻译); a resident is not a volunteer at all.
    const notCalled = await t.login('13900000031');
    expect((await answer(notCalled.token, 'yes')).statusCode).toBe(403);
    expect((await answer((await t.login('13801110200')).token, 'yes')).statusCode).toBe(404);

    const detail = (await t.call(worker2, { url: `/api/v1/call-ups/${id}` })).json();
    expect(detail.counts).toEqual({ called: 2, yes: 0, no: 1, unanswered: 1 });
    expect(detail.responders.find((r: { userId: string }) => r.userId === a.userId)).toMatchObject({ answer: 'no', phone: `${a.phone.slice(0, 3)}****${a.phone.slice(7)}` });
    expect((await t.call(outsiderAdmin, { url: `/api/v1/call-ups/${id}` })).statusCode).toBe(404);
    expect((await t.call(b.token, { url: `/api/v1/call-ups/${id}` })).statusCode).toBe(404);
    expect((await t.call(b.token, { url: '/api/v1/call-ups' })).statusCode).toBe(403);
    expect((await t.call(outsiderAdmin, { url: '/api/v1/call-ups' })).json().items.map((c: { id: string }) => c.id)).not.toContain(id);

    // A suspended volunteer cannot answer any more.
    await t.call(admin, { method: 'POST', url: `/api/v1/volunteer-applications/${b.applicationId}/suspend`, payload: { reason: '测试' } });
    expect((await answer(b.token, 'yes')).statusCode).toBe(403);
  });

  it('closes itself as filled at the Nth 能来; later answers are refused; staff close the rest', async () => {
    const a = await approvedVolunteer(t, { building: 6, unit: 2, room: '101' }, { skills: ['counselling'] });
    const b = await approvedVolunteer(t, { building: 6, unit: 2, room: '102' }, { skills: ['counselling'] });
    const id = (await callUp(worker1, { skill: 'counselling', needed: 1, place: '线上', startsAt: new Date(Date.now() + 3_600_000).toISOString(), ignoreAvailability: true })).json().id;
    const filled = await t.call(a.token, { method: 'POST', url: `/api/v1/call-ups/${id}/answer`, payload: { answer: 'yes' } });
    expect(filled.json()).toMatchObject({ status: 'closed', closedReason: 'filled', yesCount: 1 });
    const late = await t.call(b.token, { method: 'POST', url: `/api/v1/call-ups/${id}/answer`, payload: { answer: 'yes' } });
    expect(late.statusCode).toBe(409);
    expect(late.json().error).toMatchObject({ code: 'CALL_UP_CLOSED', details: { closedReason: 'filled' } });
    expect((await t.call(b.token, { url: '/api/v1/call-ups/mine' })).json().items.map((c: { id: string }) => c.id)).not.toContain(id);

    const open = (await callUp(worker1, { skill: 'counselling', needed: 5, place: '线上', startsAt: new Date(Date.now() + 3_600_000).toISOString(), ignoreAvailability: true })).json().id;
    expect((await t.call(outsiderAdmin, { method: 'POST', url: `/api/v1/call-ups/${open}/close` })).statusCode).toBe(404);
    expect((await t.call(a.token, { method: 'POST', url: `/api/v1/call-ups/${open}/close` })).statusCode).toBe(404);
    const closed = await t.call(worker2, { method: 'POST', url: `/api/v1/call-ups/${open}/close` });
    expect(closed.json()).toMatchObject({ status: 'closed', closedReason: 'staff' });
    expect((await t.call(worker2, { method: 'POST', url: `/api/v1/call-ups/${open}/close` })).statusCode).toBe(409);
    const listed = (await t.call(worker1, { url: '/api/v1/call-ups?status=closed' })).json().items.map((c: { id: string }) => c.id);
    expect(listed).toEqual(expect.arrayContaining([id, open]));
  });

  it.each([
    ['needed 0', { skill: 'delivery', needed: 0, place: '1号楼', startsAt: new Date(Date.now() + 3_600_000).toISOString() }],
    ['an unknown skill', { skill: 'cooking', needed: 2, place: '1号楼', startsAt: new Date(Date.now() + 3_600_000).toISOString() }],
    ['no place', { skill: 'delivery', needed: 2, place: ' ', startsAt: new Date(Date.now() + 3_600_000).toISOString() }],
    ['a time that is not ISO', { skill: 'delivery', needed: 2, place: '1号楼', startsAt: '明天上午' }],
    ['a time long past', { skill: 'delivery', needed: 2, place: '1号楼', startsAt: new Date(Date.now() - 86_400_000).toISOString() }],
  ])('refuses a call-up with %s (400) and writes nothing', async (_name, payload) => {
    const before = (await t.db.select({ id: callUps.id }).from(callUps)).length;
    const res = await callUp(worker1, payload);
    expect(res.statusCode).toBe(400);
    expect((await t.db.select({ id: callUps.id }).from(callUps)).length).toBe(before);
  });

  it('residents and volunteers cannot send call-ups', async () => {
    const volunteer = await t.login('13900000031');
    const payload = { skill: 'delivery', needed: 2, place: '1号楼', startsAt: new Date(Date.now() + 3_600_000).toISOString() };
    expect((await callUp(volunteer.token, payload)).statusCode).toBe(403);
    expect((await callUp((await t.login('13801110100')).token, payload)).statusCode).toBe(403);
  });
});
