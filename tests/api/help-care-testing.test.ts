// 求助 routed to the household's grid workers, the care roster, 核酸 testing rounds and the staff dashboard.
import { eq, sql } from 'drizzle-orm';
import { allNormalEntries } from '@linli/shared';
import { auditLog, buildings, careVisits, persons } from '@linli/server/db/schema/index';
import { createTestApp, type TestApp } from '../support/app';
import { demoHousehold, residentPhone, type DemoHousehold } from '../support/households';

let t: TestApp;
let now = new Date('2030-11-25T03:00:00Z');
let h101: DemoHousehold;
let h4: DemoHousehold;
let resident101: string;
let resident4: string;
let worker1: string;
let worker2: string;
let admin: string;
let buildingIds: Record<string, string>;

beforeAll(async () => {
  t = await createTestApp({ build: { now: () => now } });
  h101 = await demoHousehold(t, 1, '1', '101');
  h4 = await demoHousehold(t, 4, '1', '101');
  resident101 = (await t.login(residentPhone(1, 1, '101'))).token;
  resident4 = (await t.login(residentPhone(4, 1, '101'))).token;
  worker1 = (await t.login('13900000001')).token;
  worker2 = (await t.login('13900000002')).token;
  admin = (await t.login('13900000000')).token;
  buildingIds = Object.fromEntries((await t.db.select().from(buildings)).map((b) => [b.name, b.id]));
});
afterAll(async () => t?.close());

const askHelp = (token: string, householdId: string, extra: Record<string, unknown> = {}) =>
  t.call(token, { method: 'POST', url: '/api/v1/help-requests', payload: { householdId, kind: 'medicine', urgency: 'urgent', details: '降压药吃完了', ...extra } });

describe('help requests', () => {
  it('reach the grid workers of the household, who acknowledge and resolve them; time to acknowledge is shown', async () => {
    now = new Date('2030-11-25T03:00:00Z');
    const created = await askHelp(resident101, h101.id);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ status: 'open', kind: 'medicine', urgency: 'urgent', buildingName: '1号楼', secondsToAcknowledge: null });
    const id = created.json().id;

    expect((await t.call(worker1, { url: '/api/v1/help-requests?status=open' })).json().items.map((h: { id: string }) => h.id)).toContain(id);
    expect((await t.call(worker2, { url: '/api/v1/help-requests' })).json().items.map((h: { id: string }) => h.id)).not.toContain(id);
    expect((await t.call(resident101, { url: '/api/v1/help-requests' })).json().items.map((h: { id: string }) => h.id)).toContain(id);
    expect((await t.call(resident4, { url: '/api/v1/help-requests' })).json().items.map((h: { id: string }) => h.id)).not.toContain(id);

    expect((await t.call(worker2, { method: 'POST', url: `/api/v1/help-requests/${id}/acknowledge`, payload: {} })).statusCode).toBe(404);
    now = new Date('2030-11-25T03:12:00Z');
    const ack = await t.call(worker1, { method: 'POST', url: `/api/v1/help-requests/${id}/acknowledge`, payload: { note: '马上去药店' } });
    expect(ack.statusCode).toBe(200);
    expect(ack.json()).toMatchObject({ status: 'acknowledged', secondsToAcknowledge: 720, acknowledgeNote: '马上去药店' });
    const resolved = await t.call(worker1, { method: 'POST', url: `/api/v1/help-requests/${id}/resolve`, payload: { note: '已送到' } });
    expect(resolved.json()).toMatchObject({ status: 'resolved', resolutionNote: '已送到' });
    expect((await t.call(worker1, { method: 'POST', url: `/api/v1/help-requests/${id}/resolve`, payload: {} })).statusCode).toBe(409);
  });

  it('a resident cannot ask for another household, and bad input writes nothing', async () => {
    const before = (await t.call(worker2, { url: '/api/v1/help-requests' })).json().items.length;
    expect((await askHelp(resident101, h4.id)).statusCode).toBe(404);
    expect((await askHelp(resident4, h4.id, { kind: 'taxi' })).statusCode).toBe(400);
    expect((await askHelp(resident4, h4.id, { details: '' })).statusCode).toBe(400);
    expect((await askHelp(worker2, h4.id)).statusCode).toBe(404);
    expect((await t.call(worker2, { url: '/api/v1/help-requests' })).json().items.length).toBe(before);
  });
});

describe('care roster', () => {
  it('lists the grid’s persons with care tags, their last check-in, open requests and last visit; audit-logged', async () => {
    const tagged = (await t.db.select().from(persons)).filter((p) => (p.careTags as string[]).length > 0);
    const res = await t.call(worker1, { url: '/api/v1/care-roster' });
    expect(res.statusCode).toBe(200);
    const items = res.json().items as { personId: string; buildingName: string; phoneMasked: string | null; lastVisit: unknown; careTags: string[] }[];
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((i) => ['1号楼', '2号楼', '3号楼'].includes(i.buildingName) && i.careTags.length > 0)).toBe(true);
    const all = (await t.call(admin, { url: '/api/v1/care-roster' })).json().items;
    expect(all).toHaveLength(tagged.length);
    expect(items.every((i) => i.phoneMasked === null || i.phoneMasked.includes('****'))).toBe(true);

    const person = items[0]!;
    expect((await t.call(worker2, { method: 'POST', url: `/api/v1/persons/${person.personId}/care-visits`, payload: {} })).statusCode).toBe(404);
    const visitsBefore = (await t.db.select().from(careVisits)).length;
    const tomorrow = new Date(now.getTime() + 24 * 3600_000).toISOString();
    const future = await t.call(worker1, { method: 'POST', url: `/api/v1/persons/${person.personId}/care-visits`, payload: { visitedAt: tomorrow } });
    expect(future.statusCode).toBe(400);
    expect(future.json().error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'visitedAt' }] });
    expect(await t.db.select().from(careVisits)).toHaveLength(visitsBefore);
    const yesterday = new Date(now.getTime() - 24 * 3600_000).toISOString();
    const late = await t.call(worker1, { method: 'POST', url: `/api/v1/persons/${person.personId}/care-visits`, payload: { visitedAt: yesterday, note: '补记' } });
    expect(late.statusCode).toBe(201);
    expect(late.json().visitedAt).toBe(yesterday);
    const visit = await t.call(worker1, { method: 'POST', url: `/api/v1/persons/${person.personId}/care-visits`, payload: { note: '送菜，血压正常' } });
    expect(visit.statusCode).toBe(201);
    expect(visit.json()).toMatchObject({ note: '送菜，血压正常', volunteerTaskId: null });
    const after = (await t.call(worker1, { url: '/api/v1/care-roster' })).json().items.find((i: { personId: string }) => i.personId === person.personId);
    expect(after.lastVisit).toMatchObject({ note: '送菜，血压正常', visitorName: '网格员 陈晓' });

    const infants = (await t.call(admin, { url: '/api/v1/care-roster?careTag=infant' })).json().items;
    expect(infants.every((i: { careTags: string[] }) => i.careTags.includes('infant'))).toBe(true);
    expect((await t.call(resident101, { url: '/api/v1/care-roster' })).statusCode).toBe(403);
    const { userId } = await t.login('13900000001');
    const audits = await t.db.select().from(auditLog).where(eq(auditLog.action, 'care_roster.read'));
    expect(audits.some((a) => a.actorId === userId)).toBe(true);
  });
});

describe('testing rounds', () => {
  it('staff schedule a slot per building, residents see their building’s slot, staff mark buildings done', async () => {
    const created = await t.call(worker1, {
      method: 'POST',
      url: '/api/v1/testing-rounds',
      payload: { title: '第三轮核酸', day: '2030-11-26', slots: [{ buildingId: buildingIds['1号楼'], startTime: '08:00', endTime: '09:30' }, { buildingId: buildingIds['2号楼'], startTime: '09:30', endTime: '11:00' }] },
    });
    expect(created.statusCode).toBe(201);
    const round = created.json();
    expect(round).toMatchObject({ title: '第三轮核酸', buildingsDone: 0, buildingsTotal: 2 });
    expect(round.slots[0]).toMatchObject({ buildingName: '1号楼', householdCount: 24, startsAt: '2030-11-26T00:00:00.000Z', endsAt: '2030-11-26T01:30:00.000Z', status: 'scheduled' });

    const mine = (await t.call(resident101, { url: '/api/v1/testing-rounds' })).json().items;
    expect(mine.find((r: { id: string }) => r.id === round.id).slots.map((s: { buildingName: string }) => s.buildingName)).toEqual(['1号楼']);
    expect((await t.call(resident4, { url: '/api/v1/testing-rounds' })).json().items.map((r: { id: string }) => r.id)).not.toContain(round.id);

    const crossGrid = await t.call(worker1, {
      method: 'POST', url: '/api/v1/testing-rounds', payload: { title: 'x', day: '2030-11-26', slots: [{ buildingId: buildingIds['4号楼'], startTime: '08:00', endTime: '09:00' }] },
    });
    expect(crossGrid.statusCode).toBe(404);
    expect((await t.call(resident101, { method: 'POST', url: '/api/v1/testing-rounds', payload: { title: 'x', day: '2030-11-26', slots: [{ buildingId: buildingIds['1号楼'], startTime: '08:00', endTime: '09:00' }] } })).statusCode).toBe(403);
    expect((await t.call(worker1, { method: 'POST', url: '/api/v1/testing-rounds', payload: { title: 'x', day: '2030-11-26', slots: [{ buildingId: buildingIds['1号楼'], startTime: '09:00', endTime: '08:00' }] } })).statusCode).toBe(400);

    const done = await t.call(worker1, { method: 'POST', url: `/api/v1/testing-rounds/${round.id}/buildings/${buildingIds['1号楼']}/done` });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ buildingsDone: 1, buildingsTotal: 2 });
    expect((await t.call(worker1, { method: 'POST', url: `/api/v1/testing-rounds/${round.id}/buildings/${buildingIds['1号楼']}/done` })).statusCode).toBe(409);
    expect((await t.call(worker2, { method: 'POST', url: `/api/v1/testing-rounds/${round.id}/buildings/${buildingIds['2号楼']}/done` })).statusCode).toBe(404);
  });
});

describe('dashboard', () => {
  it('shows today’s completion per building of the grid, the 7-day trend, open alerts and help, the care roster count', async () => {
    now = new Date('2030-11-27T02:00:00Z');
    const otherBefore = (await t.call(worker2, { url: '/api/v1/dashboard' })).json();
    await t.call(resident101, { method: 'POST', url: '/api/v1/checkins', payload: { entries: allNormalEntries(h101.personIds) } });
    await t.call(resident101, { method: 'POST', url: '/api/v1/checkins', payload: { entries: [{ personId: h101.personIds[0], temperatureC: 38.6 }] } });
    await askHelp(resident101, h101.id, { kind: 'food', details: '家里没菜了' });
    now = new Date('2030-11-28T02:00:00Z');
    await t.call(resident101, { method: 'POST', url: '/api/v1/checkins', payload: { entries: allNormalEntries(h101.personIds.slice(0, 1)) } });

    const res = await t.call(worker1, { url: '/api/v1/dashboard' });
    expect(res.statusCode).toBe(200);
    const d = res.json();
    expect(d.day).toBe('2030-11-28');
    expect(d.completion.map((b: { buildingName: string }) => b.buildingName)).toEqual(['1号楼', '2号楼', '3号楼']);
    expect(d.completion[0].checkedIn).toBe(1);
    expect(d.trend).toHaveLength(7);
    expect(d.trend.at(-2)).toMatchObject({ day: '2030-11-27', checkedIn: h101.personIds.length });
    expect(d.openAlerts).toBe(1);
    expect(d.openHelpRequests).toBe(1);
    const roster = (await t.call(worker1, { url: '/api/v1/care-roster' })).json().items.length;
    expect(d.careRosterCount).toBe(roster);
    // Orders of the grid's buildings by status, counted from the database (the demo seeds orders in 1号楼 and 4号楼).
    const counted = await t.db.execute(sql`
      SELECT o.status, count(*)::int AS n FROM orders o JOIN buildings b ON b.id = o.building_id
      WHERE b.name IN ('1号楼', '2号楼', '3号楼') GROUP BY o.status`);
    const expectedOrders = { placed: 0, packed: 0, out_for_delivery: 0, delivered: 0, cancelled: 0 } as Record<string, number>;
    for (const row of (counted as unknown as { rows: { status: string; n: number }[] }).rows) expectedOrders[row.status] = row.n;
    expect(d.ordersByStatus).toEqual(expectedOrders);
    expect(d.ordersByStatus.placed + d.ordersByStatus.packed).toBeGreaterThan(0);
    const other = (await t.call(worker2, { url: '/api/v1/dashboard' })).json();
    expect([other.openAlerts, other.openHelpRequests]).toEqual([otherBefore.openAlerts, otherBefore.openHelpRequests]);
    expect(other.completion.map((b: { buildingName: string }) => b.buildingName)).toEqual(['4号楼', '5号楼', '6号楼']);
    expect((await t.call(resident101, { url: '/api/v1/dashboard' })).statusCode).toBe(403);
  });
});
