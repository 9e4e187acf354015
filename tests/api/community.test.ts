import { and, count, eq } from 'drizzle-orm';
import { auditLog, buildings, householdBindings, households, persons, roleAssignments } from '@linli/server/db/schema/index';
import { createTestApp, type TestApp } from '../support/app';

let t: TestApp;
let building1: string;
let household101: string;

beforeAll(async () => {
  t = await createTestApp();
  building1 = (await t.db.select().from(buildings).where(eq(buildings.name, '1号楼')))[0]!.id;
  household101 = (await t.db.select().from(households).where(and(eq(households.buildingId, building1), eq(households.unit, '1'), eq(households.room, '101'))))[0]!.id;
});
afterAll(async () => t?.close());

const auditCount = async () => (await t.db.select({ n: count() }).from(auditLog))[0]!.n;

describe('households and phone numbers', () => {
  it('shows the household its own phones in full', async () => {
    const { token } = await t.login('13801110100');
    const res = await t.call(token, { url: `/api/v1/households/${household101}` });
    expect(res.statusCode).toBe(200);
    const holder = res.json().persons.find((p: { phone: string | null }) => p.phone);
    expect(holder).toMatchObject({ phone: '13801110100', phoneMasked: false });
  });

  it('masks phones for staff, and audit-logs each full-number reveal', async () => {
    const { token } = await t.login('13900000001');
    const before = await auditCount();
    const res = await t.call(token, { url: `/api/v1/households/${household101}` });
    const holder = res.json().persons.find((p: { phone: string | null }) => p.phone);
    expect(holder).toMatchObject({ phone: '138****0100', phoneMasked: true });
    expect(await auditCount()).toBe(before);

    const reveal = await t.call(token, { url: `/api/v1/persons/${holder.id}/phone` });
    expect(reveal.json()).toEqual({ personId: holder.id, phone: '13801110100' });
    const [entry] = await t.db.select().from(auditLog).where(eq(auditLog.subjectId, holder.id));
    expect(entry).toMatchObject({ action: 'person.phone.read', subjectType: 'person' });
    expect(await auditCount()).toBe(before + 1);

    const admin = await t.login('13900000000');
    const audit = await t.call(admin.token, { url: '/api/v1/audit?action=person.phone.read' });
    expect(audit.statusCode).toBe(200);
    expect(audit.json().items[0]).toMatchObject({
      actorName: '网格员 陈晓',
      subjectId: holder.id,
      details: { householdId: household101, household: '1号楼 1单元 101', personName: holder.name },
    });
  });

  it('does not audit a household reading its own numbers', async () => {
    const { token } = await t.login('13801110100');
    const [holder] = await t.db.select().from(persons).where(and(eq(persons.householdId, household101), eq(persons.phone, '13801110100')));
    const before = await auditCount();
    expect((await t.call(token, { url: `/api/v1/persons/${holder!.id}/phone` })).statusCode).toBe(200);
    expect(await auditCount()).toBe(before);
  });

  it('lists the 24 rooms of a building for its grid worker', async () => {
    const { token } = await t.login('13900000001');
    const res = await t.call(token, { url: `/api/v1/buildings/${building1}/households` });
    expect(res.json().items).toHaveLength(24);
    expect(res.json().items[0]).toMatchObject({ buildingName: '1号楼', unit: '1', room: '101' });
  });
});

describe('household bindings', () => {
  const bind = (token: string, body: Record<string, unknown>) => t.call(token, { method: 'POST', url: '/api/v1/household-bindings', payload: body });

  it('binds a new account after the grid worker approves, granting the resident role', async () => {
    const applicant = await t.login('13611112222');
    const created = await bind(applicant.token, { buildingId: building1, unit: '1', room: '102', relation: 'renter', note: '新租户' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ status: 'pending', buildingName: '1号楼', unit: '1', room: '102', relation: 'renter', userPhone: '13611112222' });

    const worker = await t.login('13900000001');
    const pending = await t.call(worker.token, { url: '/api/v1/household-bindings?status=pending' });
    const listed = pending.json().items.find((b: { id: string }) => b.id === created.json().id);
    expect(listed).toMatchObject({ userPhone: '136****2222' });

    const approved = await t.call(worker.token, { method: 'POST', url: `/api/v1/household-bindings/${created.json().id}/approve`, payload: {} });
    expect(approved.statusCode).toBe(200);
    expect(approved.json().status).toBe('approved');
    const me = (await t.call(applicant.token, { url: '/api/v1/me' })).json();
    expect(me.households).toEqual([expect.objectContaining({ unit: '1', room: '102' })]);
    expect(me.roles.map((r: { role: string }) => r.role)).toEqual(['resident']);

    const again = await t.call(worker.token, { method: 'POST', url: `/api/v1/household-bindings/${created.json().id}/reject`, payload: {} });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('INVALID_TRANSITION');
  });

  it('refuses a second live request for the same room, but allows one after a rejection', async () => {
    const applicant = await t.login('13611113333');
    const first = await bind(applicant.token, { buildingId: building1, unit: '2', room: '201' });
    expect(first.statusCode).toBe(201);
    const dup = await bind(applicant.token, { buildingId: building1, unit: '2', room: '201' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('ALREADY_BOUND');

    const worker = await t.login('13900000001');
    const rejected = await t.call(worker.token, { method: 'POST', url: `/api/v1/household-bindings/${first.json().id}/reject`, payload: { reason: '房号与登记不符' } });
    expect(rejected.json()).toMatchObject({ status: 'rejected', decisionReason: '房号与登记不符' });
    expect((await bind(applicant.token, { buildingId: building1, unit: '2', room: '201' })).statusCode).toBe(201);
  });

  it('answers 404 for a room that does not exist, writing nothing', async () => {
    const applicant = await t.login('13611114444');
    const before = (await t.db.select({ n: count() }).from(householdBindings))[0]!.n;
    const res = await bind(applicant.token, { buildingId: building1, unit: '9', room: '999' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NOT_FOUND');
    expect((await t.db.select({ n: count() }).from(householdBindings))[0]!.n).toBe(before);
  });

  it('lets exactly one of two simultaneous decisions win', async () => {
    const applicant = await t.login('13611115555');
    const created = await bind(applicant.token, { buildingId: building1, unit: '2', room: '202' });
    const worker = await t.login('13900000001');
    const admin = await t.login('13900000000');
    const results = await Promise.all([
      t.call(worker.token, { method: 'POST', url: `/api/v1/household-bindings/${created.json().id}/approve`, payload: {} }),
      t.call(admin.token, { method: 'POST', url: `/api/v1/household-bindings/${created.json().id}/reject`, payload: {} }),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const roles = await t.db.select().from(roleAssignments).where(eq(roleAssignments.userId, applicant.userId));
    const winner = results.find((r) => r.statusCode === 200)!.json().status;
    expect(roles.length).toBe(winner === 'approved' ? 1 : 0);
  });
});
