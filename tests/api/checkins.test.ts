// Check-ins: one row per person and day whatever is re-sent, the day turning at 00:00 Asia/Shanghai, alerts for the
// grid's workers, the missed list after the cut-off, the export, retention, and audit entries for staff reads.
import { and, eq, sql } from 'drizzle-orm';
import { allNormalEntries } from '@linli/shared';
import { purgeExpiredHealthData } from '@linli/server/jobs/health-retention';
import { alerts, auditLog, checkins, householdBindings } from '@linli/server/db/schema/index';
import type { FollowUpEvent } from '@linli/server/modules/alerts/notifier';
import { createTestApp, type TestApp } from '../support/app';
import { demoHousehold, residentPhone, type DemoHousehold } from '../support/households';

let t: TestApp;
let now = new Date('2030-11-25T03:00:00Z'); // 11:00 in Shanghai, past the 10:00 cut-off
const events: FollowUpEvent[] = [];
let h101: DemoHousehold;
let h102: DemoHousehold;
let resident101: string;
let resident102: string;
let worker1: string;
let worker2: string;
let admin: string;

beforeAll(async () => {
  t = await createTestApp({ build: { now: () => now, followUpNotifier: { notify: (e) => events.push(e) } } });
  h101 = await demoHousehold(t, 1, '1', '101');
  h102 = await demoHousehold(t, 1, '1', '102');
  resident101 = (await t.login(residentPhone(1, 1, '101'))).token;
  resident102 = (await t.login(residentPhone(1, 1, '102'))).token;
  worker1 = (await t.login('13900000001')).token;
  worker2 = (await t.login('13900000002')).token;
  admin = (await t.login('13900000000')).token;
});
afterAll(async () => t?.close());
beforeEach(() => {
  now = new Date('2030-11-25T03:00:00Z');
});

const submit = (token: string, entries: unknown[]) => t.call(token, { method: 'POST', url: '/api/v1/checkins', payload: { entries } });
const rowsOf = async (personIds: string[], day?: string) =>
  (await t.db.select().from(checkins)).filter((c) => personIds.includes(c.personId) && (!day || c.day === day));
const entry = (personId: string, temperatureC: unknown, extra: Record<string, unknown> = {}) => ({ personId, temperatureC, ...extra });

describe('a household checks in all its members in one request', () => {
  it('writes one check-in per member, members without phones included, and shows the household complete', async () => {
    const res = await submit(resident101, allNormalEntries(h101.personIds));
    expect(res.statusCode).toBe(200);
    expect(res.json().day).toBe('2030-11-25');
    expect(res.json().items).toHaveLength(h101.personIds.length);
    expect(res.json().alertsOpened).toBe(0);
    const status = await t.call(resident101, { url: `/api/v1/households/${h101.id}/checkins` });
    expect(status.statusCode).toBe(200);
    expect(status.json()).toMatchObject({ day: '2030-11-25', complete: true });
    expect(status.json().members.map((m: { checkin: { temperatureC: number } }) => m.checkin.temperatureC)).toEqual(h101.personIds.map(() => 36.5));
  });

  it('re-sending edits the same row: one check-in per person and day', async () => {
    await submit(resident101, allNormalEntries(h101.personIds));
    const edited = await submit(resident101, [entry(h101.personIds[0]!, 36.8, { symptoms: ['cough'], note: '有点咳' })]);
    expect(edited.statusCode).toBe(200);
    const rows = await rowsOf(h101.personIds, '2030-11-25');
    expect(rows).toHaveLength(h101.personIds.length);
    const first = rows.find((r) => r.personId === h101.personIds[0]);
    expect(first).toMatchObject({ temperatureTenths: 368, symptoms: ['cough'], note: '有点咳' });
  });

  it('eight identical submissions at once still leave one row per person', async () => {
    now = new Date('2030-11-26T03:00:00Z');
    const results = await Promise.all(Array.from({ length: 8 }, () => submit(resident102, allNormalEntries(h102.personIds))));
    expect(results.map((r) => r.statusCode)).toEqual(results.map(() => 200));
    expect(await rowsOf(h102.personIds, '2030-11-26')).toHaveLength(h102.personIds.length);
  });
});

describe('temperatures', () => {
  it.each([34.0, 37.2, 37.3, 43.0])('accepts %s °C', async (temperatureC) => {
    const res = await submit(resident101, [entry(h101.personIds[0]!, temperatureC)]);
    expect(res.statusCode).toBe(200);
    expect(res.json().items[0].temperatureC).toBe(temperatureC);
  });

  it.each([43.1, 33.9, 36.55, 37.25, '36.5', null])('refuses %s with a 400 and writes nothing', async (temperatureC) => {
    now = new Date('2030-11-20T03:00:00Z');
    const res = await submit(resident101, [entry(h101.personIds[0]!, temperatureC)]);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
    expect(await rowsOf(h101.personIds, '2030-11-20')).toEqual([]);
  });
});

describe('the check-in day turns at 00:00 Asia/Shanghai', () => {
  it('23:59 counts for that day, 00:01 for the next: two rows, each editable on its own day', async () => {
    const person = h102.personIds[0]!;
    now = new Date('2030-11-27T15:59:00Z'); // 23:59 on the 27th in Shanghai
    expect((await submit(resident102, [entry(person, 36.4)])).json().day).toBe('2030-11-27');
    now = new Date('2030-11-27T16:01:00Z'); // 00:01 on the 28th
    expect((await submit(resident102, [entry(person, 36.7)])).json().day).toBe('2030-11-28');
    const rows = await rowsOf([person]);
    expect(rows.find((r) => r.day === '2030-11-27')?.temperatureTenths).toBe(364);
    expect(rows.find((r) => r.day === '2030-11-28')?.temperatureTenths).toBe(367);
  });
});

describe('refusals', () => {
  it('a resident cannot check in another household, nor mix households, and nothing is written', async () => {
    now = new Date('2030-11-21T03:00:00Z');
    const other = await submit(resident101, [entry(h102.personIds[0]!, 36.5)]);
    expect(other.statusCode).toBe(404);
    expect(other.body).not.toContain(h102.names[0]);
    const mixed = await submit(resident101, [entry(h101.personIds[0]!, 36.5), entry(h102.personIds[0]!, 36.5)]);
    expect(mixed.statusCode).toBe(404);
    const staff = await submit(worker1, [entry(h101.personIds[0]!, 36.5)]);
    expect(staff.statusCode).toBe(404);
    expect(await rowsOf([...h101.personIds, ...h102.personIds], '2030-11-21')).toEqual([]);
  });

  it.each([
    ['no entries', { entries: [] }],
    ['an unknown symptom', { entries: [{ personId: '00000000-0000-4000-8000-000000000001', temperatureC: 36.5, symptoms: ['headache'] }] }],
    ['an unknown antigen result', { entries: [{ personId: '00000000-0000-4000-8000-000000000001', temperatureC: 36.5, antigen: 'maybe' }] }],
    ['an extra field', { entries: [{ personId: '00000000-0000-4000-8000-000000000001', temperatureC: 36.5, day: '2030-01-01' }] }],
    ['not an object', 'not json'],
  ])('answers %s with a 400', async (_name, payload) => {
    const res = await t.call(resident101, { method: 'POST', url: '/api/v1/checkins', payload: payload as object, headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBeTruthy();
  });

  it('a resident reads only their own household; staff of another grid get 404', async () => {
    expect((await t.call(resident101, { url: `/api/v1/households/${h102.id}/checkins` })).statusCode).toBe(404);
    expect((await t.call(worker2, { url: `/api/v1/households/${h101.id}/checkins` })).statusCode).toBe(404);
    expect((await t.call(worker1, { url: `/api/v1/households/${h101.id}/checkins?date=2026-02-30` })).statusCode).toBe(400);
  });
});

describe('one person checked in on their own ({personId, …})', () => {
  const submitOne = (token: string, body: unknown) => t.call(token, { method: 'POST', url: '/api/v1/checkins', payload: body as object });

  it('upserts the same row a household submission writes, and the alert rule applies', async () => {
    now = new Date('2030-12-01T02:00:00Z');
    events.length = 0;
    await submit(resident101, allNormalEntries(h101.personIds));
    const person = h101.personIds[0]!;
    const res = await submitOne(resident101, entry(person, 38.4, { symptoms: ['fever'] }));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ day: '2030-12-01', alertsOpened: 1 });
    expect(res.json().items).toHaveLength(1);
    expect(res.json().items[0]).toMatchObject({ personId: person, temperatureC: 38.4, alertReasons: ['fever'] });
    const rows = await rowsOf(h101.personIds, '2030-12-01');
    expect(rows).toHaveLength(h101.personIds.length);
    expect(rows.find((r) => r.personId === person)?.temperatureTenths).toBe(384);
    expect(events.filter((e) => e.type === 'alert.opened')).toHaveLength(1);
    const again = await submitOne(resident101, entry(person, 38.0));
    expect(again.json().alertsOpened).toBe(0);
    expect(await t.db.select().from(alerts).where(and(eq(alerts.day, '2030-12-01'), eq(alerts.personId, person)))).toHaveLength(1);
  });

  it('refuses a person of another household or a staff caller with 404, and bad input with a 400, writing nothing', async () => {
    now = new Date('2030-12-02T02:00:00Z');
    expect((await submitOne(resident101, entry(h102.personIds[0]!, 36.5))).statusCode).toBe(404);
    expect((await submitOne(worker1, entry(h101.personIds[0]!, 36.5))).statusCode).toBe(404);
    const hot = await submitOne(resident101, entry(h101.personIds[0]!, 43.5));
    expect(hot.statusCode).toBe(400);
    expect(hot.json().error.details[0].field).toBe('temperatureC');
    expect((await submitOne(resident101, { ...entry(h101.personIds[0]!, 36.5), entries: [] })).statusCode).toBe(400);
    expect((await submitOne(resident101, { temperatureC: 36.5 })).statusCode).toBe(400);
    expect(await rowsOf([...h101.personIds, ...h102.personIds], '2030-12-02')).toEqual([]);
  });

  it('refuses with 404 once the binding is no longer approved (checked in the write itself), and accepts again when it is', async () => {
    now = new Date('2031-02-03T02:00:00Z');
    const { userId } = await t.login(residentPhone(1, 1, '101'));
    const binding = and(eq(householdBindings.userId, userId), eq(householdBindings.householdId, h101.id));
    await t.db.update(householdBindings).set({ status: 'pending' }).where(binding);
    try {
      expect((await submit(resident101, allNormalEntries(h101.personIds))).statusCode).toBe(404);
      expect(await rowsOf(h101.personIds, '2031-02-03')).toEqual([]);
    } finally {
      await t.db.update(householdBindings).set({ status: 'approved' }).where(binding);
    }
    expect((await submit(resident101, allNormalEntries(h101.personIds))).statusCode).toBe(200);
    expect(await rowsOf(h101.personIds, '2031-02-03')).toHaveLength(h101.personIds.length);
  });
});

describe('GET /checkins: the check-ins of a day', () => {
  const list = (token: string, query: string) => t.call(token, { url: `/api/v1/checkins${query}` });
  const personsIn = (res: { json: () => { items: { personId: string }[] } }) => res.json().items.map((i) => i.personId).sort();

  it('gives staff of the grid the building’s day (audit-logged), residents only their own household, others 404', async () => {
    now = new Date('2030-12-03T02:00:00Z');
    const otherBuilding = await demoHousehold(t, 2, '1', '101');
    const residentOther = (await t.login(residentPhone(2, 1, '101'))).token;
    await submit(resident101, allNormalEntries(h101.personIds));
    await submit(resident102, [entry(h102.personIds[0]!, 37.6)]);
    await submit(residentOther, allNormalEntries(otherBuilding.personIds));
    const building = h101.buildingId;
    const query = `?date=2030-12-03&buildingId=${building}`;

    await t.db.delete(auditLog);
    const staff = await list(worker1, query);
    expect(staff.statusCode).toBe(200);
    expect(personsIn(staff)).toEqual([...h101.personIds, h102.personIds[0]!].sort());
    expect(staff.json()).toMatchObject({ day: '2030-12-03', buildingId: building });
    expect(staff.json().items.find((i: { personId: string }) => i.personId === h102.personIds[0])).toMatchObject({
      personName: h102.names[0], unit: '1', room: '102', temperatureC: 37.6, alertReasons: ['fever'],
    });
    expect((await list(admin, query)).statusCode).toBe(200);
    const audit = await t.db.select().from(auditLog);
    expect(audit.map((a) => [a.action, a.subjectType, a.subjectId])).toEqual([
      ['checkins.read', 'building', building], ['checkins.read', 'building', building],
    ]);

    await t.db.delete(auditLog);
    const own = await list(resident101, '?date=2030-12-03');
    expect(own.statusCode).toBe(200);
    expect(personsIn(own)).toEqual([...h101.personIds].sort());
    expect(personsIn(await list(resident101, query))).toEqual([...h101.personIds].sort());
    expect(await t.db.select().from(auditLog)).toEqual([]);

    const notMine = await list(resident101, `?date=2030-12-03&buildingId=${otherBuilding.buildingId}`);
    expect(notMine.statusCode).toBe(404);
    expect(notMine.body).not.toContain(otherBuilding.names[0]);
    const otherGrid = await list(worker2, query);
    expect(otherGrid.statusCode).toBe(404);
    expect(otherGrid.body).not.toContain(h102.names[0]);
    expect((await list(worker1, '?buildingId=00000000-0000-4000-8000-000000000001')).statusCode).toBe(404);
    expect(await t.db.select().from(auditLog)).toEqual([]);
  });

  it('defaults to today and answers a bad date or building id with a 400', async () => {
    now = new Date('2030-12-04T02:00:00Z');
    await submit(resident101, [entry(h101.personIds[0]!, 36.6)]);
    const today = await list(resident101, '');
    expect(today.json()).toMatchObject({ day: '2030-12-04', buildingId: null });
    expect(personsIn(today)).toEqual([h101.personIds[0]]);
    expect((await list(worker1, '?date=2030-02-30')).statusCode).toBe(400);
    expect((await list(worker1, '?buildingId=nope')).statusCode).toBe(400);
    expect((await list(worker1, '?day=2030-12-04')).statusCode).toBe(400);
  });
});

describe('alerts', () => {
  it('a fever opens one alert for the grid, re-sending does not open another, and it moves open → acknowledged → resolved', async () => {
    now = new Date('2030-11-29T01:00:00Z');
    events.length = 0;
    const fever = await submit(resident101, [entry(h101.personIds[0]!, 38.2, { symptoms: ['fever', 'cough'] })]);
    expect(fever.json().alertsOpened).toBe(1);
    expect(fever.json().items[0].alertReasons).toEqual(['fever']);
    const again = await submit(resident101, [entry(h101.personIds[0]!, 37.5, { antigen: 'positive' })]);
    expect(again.json().alertsOpened).toBe(0);
    expect(events.filter((e) => e.type === 'alert.opened')).toHaveLength(1);

    const list = await t.call(worker1, { url: '/api/v1/alerts?status=open' });
    const alert = list.json().items.find((a: { personId: string; day: string }) => a.personId === h101.personIds[0] && a.day === '2030-11-29');
    expect(alert).toMatchObject({ personName: h101.names[0], temperatureC: 38.2, unit: '1', room: '101' });
    expect([...alert.reasons].sort()).toEqual(['antigen_positive', 'fever']);

    expect((await t.call(worker2, { url: '/api/v1/alerts' })).json().items.map((a: { id: string }) => a.id)).not.toContain(alert.id);
    const crossGrid = await t.call(worker2, { method: 'POST', url: `/api/v1/alerts/${alert.id}/acknowledge`, payload: {} });
    expect(crossGrid.statusCode).toBe(404);
    expect(crossGrid.body).not.toContain(h101.names[0]);
    const resident = await t.call(resident101, { method: 'POST', url: `/api/v1/alerts/${alert.id}/resolve`, payload: {} });
    expect(resident.statusCode).toBe(404);
    expect((await t.call(resident101, { url: '/api/v1/alerts' })).statusCode).toBe(403);

    const ack = await t.call(worker1, { method: 'POST', url: `/api/v1/alerts/${alert.id}/acknowledge`, payload: { note: '已电话联系' } });
    expect(ack.statusCode).toBe(200);
    expect(ack.json()).toMatchObject({ status: 'acknowledged', acknowledgeNote: '已电话联系' });
    const resolved = await t.call(worker1, { method: 'POST', url: `/api/v1/alerts/${alert.id}/resolve`, payload: { note: '已送医' } });
    expect(resolved.json()).toMatchObject({ status: 'resolved', resolutionNote: '已送医' });
    const twice = await t.call(admin, { method: 'POST', url: `/api/v1/alerts/${alert.id}/acknowledge`, payload: {} });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('INVALID_TRANSITION');
    expect(events.map((e) => e.type)).toEqual(['alert.opened', 'alert.acknowledged', 'alert.resolved']);
  });

  it('37.2 °C without other signs opens nothing; 呼吸困难 alone does', async () => {
    now = new Date('2030-11-30T01:00:00Z');
    expect((await submit(resident102, [entry(h102.personIds[0]!, 37.2, { symptoms: ['cough'] })])).json().alertsOpened).toBe(0);
    expect((await submit(resident102, [entry(h102.personIds[0]!, 36.6, { symptoms: ['breathing_difficulty'] })])).json().alertsOpened).toBe(1);
  });
});

describe('missed check-ins', () => {
  it('are empty before the 10:00 cut-off and list households with members missing after it, phones masked', async () => {
    now = new Date('2030-12-01T01:59:00Z'); // 09:59
    await submit(resident101, allNormalEntries(h101.personIds));
    const before = await t.call(worker1, { url: '/api/v1/checkins/missed' });
    expect(before.json()).toMatchObject({ day: '2030-12-01', pastCutoff: false, buildings: [] });
    now = new Date('2030-12-01T02:00:00Z'); // 10:00
    const after = await t.call(worker1, { url: '/api/v1/checkins/missed' });
    expect(after.statusCode).toBe(200);
    const body = after.json();
    expect(body.pastCutoff).toBe(true);
    expect(body.buildings.map((b: { buildingName: string }) => b.buildingName)).toEqual(['1号楼', '2号楼', '3号楼']);
    const rooms = body.buildings[0].households.map((h: { unit: string; room: string }) => `${h.unit}-${h.room}`);
    expect(rooms).not.toContain('1-101');
    expect(rooms).toContain('1-102');
    const h = body.buildings[0].households.find((x: { room: string; unit: string }) => x.unit === '1' && x.room === '102');
    expect(h.missing.map((m: { name: string }) => m.name)).toEqual(h102.names);
    expect(h.contact.phoneMasked).toBe('138****0200');
    expect(after.body).not.toContain(residentPhone(1, 1, '102'));
    const inBuilding = await t.call(worker1, { url: `/api/v1/checkins/missed?buildingId=${h101.buildingId}` });
    expect(inBuilding.json().buildings).toHaveLength(1);
    expect((await t.call(worker2, { url: `/api/v1/checkins/missed?buildingId=${h101.buildingId}` })).statusCode).toBe(404);
    expect((await t.call(resident101, { url: '/api/v1/checkins/missed' })).statusCode).toBe(403);
  });
});

describe('the day report export', () => {
  it('is a UTF-8 CSV with BOM of the grid worker’s buildings only, times in Asia/Shanghai', async () => {
    now = new Date('2030-12-02T00:30:00Z'); // 08:30 in Shanghai
    await submit(resident101, [entry(h101.personIds[0]!, 38.0, { symptoms: ['fever', 'cough'], antigen: 'positive' })]);
    const res = await t.call(worker1, { url: '/api/v1/checkins/export.csv?date=2030-12-02' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.body.startsWith('\uFEFF楼栋,单元,房号,姓名,体温,症状,抗原,隔离状态,打卡时间\r\n')).toBe(true);
    const lines = res.body.trim().split('\r\n').slice(1);
    const [personCount] = await t.db.execute(sql`SELECT count(*)::int AS n FROM persons p JOIN households h ON h.id = p.household_id JOIN buildings b ON b.id = h.building_id WHERE b.name IN ('1号楼','2号楼','3号楼')`).then((r) => (r as unknown as { rows: { n: number }[] }).rows);
    expect(lines).toHaveLength(Number(personCount!.n));
    expect(lines.every((l) => /^[123]号楼,/.test(l))).toBe(true);
    expect(lines).toContain(`1号楼,1,101,${h101.names[0]},38.0,发热、咳嗽,阳性,正常,2030-12-02 08:30`);
    expect(lines.filter((l) => l.includes('未打卡')).length).toBe(lines.length - 1);

    const adminCsv = await t.call(admin, { url: '/api/v1/checkins/export.csv?date=2030-12-02' });
    expect(adminCsv.body).toContain('6号楼');
    expect((await t.call(resident101, { url: '/api/v1/checkins/export.csv' })).statusCode).toBe(403);
    expect((await t.call(worker1, { url: '/api/v1/checkins/export.csv?date=2026-13-01' })).statusCode).toBe(400);
  });
});

describe('audit of staff reads of health data', () => {
  it('records household check-in reads, missed lists, exports and alert lists by staff, not a household reading its own', async () => {
    const { userId } = await t.login('13900000001');
    await t.db.delete(auditLog);
    await t.call(resident101, { url: `/api/v1/households/${h101.id}/checkins` });
    await t.call(worker1, { url: `/api/v1/households/${h101.id}/checkins` });
    await t.call(worker1, { url: '/api/v1/checkins/missed' });
    await t.call(worker1, { url: '/api/v1/checkins/export.csv' });
    await t.call(worker1, { url: '/api/v1/alerts' });
    const entries = await t.db.select().from(auditLog);
    expect(entries.map((e) => [e.actorId, e.action]).sort()).toEqual(
      [[userId, 'alerts.read'], [userId, 'checkins.export'], [userId, 'checkins.missed.read'], [userId, 'checkins.read']].sort(),
    );
    expect(entries.find((e) => e.action === 'checkins.read')?.subjectId).toBe(h101.id);
  });
});

describe('retention', () => {
  it('deletes check-ins older than the retention period and strips old alerts to their outcome, once, whoever runs it', async () => {
    now = new Date('2030-10-01T03:00:00Z');
    await submit(resident101, [entry(h101.personIds[0]!, 39.0)]);
    now = new Date('2030-10-31T03:00:00Z');
    await submit(resident101, [entry(h101.personIds[0]!, 39.1)]);
    const [oldAlert] = await t.db.select().from(alerts).where(and(eq(alerts.day, '2030-10-01'), eq(alerts.personId, h101.personIds[0]!)));
    await t.call(worker1, { method: 'POST', url: `/api/v1/alerts/${oldAlert!.id}/resolve`, payload: { note: '已康复' } });

    // On 10-31 with 30 days kept, 10-02 is the oldest day kept: 10-01 goes (and the demo's days, years earlier).
    const expired = (await t.db.select().from(checkins)).filter((c) => c.day < '2030-10-02').length;
    const expiredAlerts = (await t.db.select().from(alerts)).filter((a) => a.day < '2030-10-02').length;
    expect(expired).toBeGreaterThan(0);
    const runs = await Promise.all([1, 2, 3].map(() => purgeExpiredHealthData(t.db, { now: new Date('2030-10-31T03:00:00Z'), retentionDays: 30 })));
    expect(runs.reduce((n, r) => n + r.checkinsDeleted, 0)).toBe(expired);
    expect(runs.reduce((n, r) => n + r.alertsStripped, 0)).toBe(expiredAlerts);
    expect((await t.db.select().from(checkins)).filter((c) => c.day < '2030-10-02')).toEqual([]);
    const days = (await rowsOf(h101.personIds)).map((r) => r.day);
    expect(days).not.toContain('2030-10-01');
    expect(days).toContain('2030-10-31');
    const [stripped] = await t.db.select().from(alerts).where(eq(alerts.id, oldAlert!.id));
    expect(stripped).toMatchObject({ status: 'resolved', personId: null, reasons: null, temperatureTenths: null, resolutionNote: null });
    expect(stripped!.resolvedAt).not.toBeNull();
    const [recent] = await t.db.select().from(alerts).where(and(eq(alerts.day, '2030-10-31'), eq(alerts.personId, h101.personIds[0]!)));
    expect(recent?.temperatureTenths).toBe(391);
    const again = await purgeExpiredHealthData(t.db, { now: new Date('2030-10-31T03:00:00Z'), retentionDays: 30 });
    expect(again).toMatchObject({ checkinsDeleted: 0, alertsStripped: 0 });
    const list = await t.call(worker1, { url: '/api/v1/alerts?status=resolved&limit=100' });
    expect(list.json().items.find((a: { id: string }) => a.id === oldAlert!.id)).toMatchObject({ personId: null, personName: null, reasons: [], temperatureC: null });
  });
});
