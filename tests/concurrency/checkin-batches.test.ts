// Check-ins that arrive together are written together (group commit): one statement for many households, each
// submission still judged on its own (binding, one household, every member found), each answered with its own outcome.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { allNormalEntries, CheckinBody, type CheckinEntryInput } from '@linli/shared';
import { alerts, checkins, householdBindings } from '@linli/server/db/schema/index';
import type { FollowUpEvent } from '@linli/server/modules/alerts/notifier';
import { HouseholdCheckinSubmitter, type HouseholdCheckinOutcome } from '@linli/server/modules/checkins/service';
import { createTestApp, type TestApp } from '../support/app';
import { onPostgres } from '../support/database';
import { demoHousehold, residentPhone, type DemoHousehold } from '../support/households';

let t: TestApp;
let now = new Date('2031-05-01T02:00:00Z');
const events: FollowUpEvent[] = [];

beforeAll(async () => {
  t = await createTestApp({ build: { now: () => now, followUpNotifier: { notify: (e) => events.push(e) } } });
});
afterAll(async () => t?.close());

interface Resident {
  household: DemoHousehold;
  userId: string;
  token: string;
}

/** The demo household at building-unit-room and the account bound to it. */
async function resident(building: number, unit: number, room: string): Promise<Resident> {
  const household = await demoHousehold(t, building, String(unit), room);
  const { userId, token } = await t.login(residentPhone(building, unit, room));
  return { household, userId, token };
}

/** Every demo room of buildings 1–3 (2 units × 6 floors × 2 rooms each), `count` of them. */
async function residents(count: number): Promise<Resident[]> {
  const rooms: [number, number, string][] = [];
  for (const building of [1, 2, 3]) {
    for (const unit of [1, 2]) {
      for (let floor = 1; floor <= 6; floor++) for (const r of [1, 2]) rooms.push([building, unit, `${floor}0${r}`]);
    }
  }
  return Promise.all(rooms.slice(0, count).map(([b, u, r]) => resident(b, u, r)));
}

const rowsOfDay = (day: string, personIds: string[]) =>
  t.db.select().from(checkins).where(and(eq(checkins.day, day), inArray(checkins.personId, personIds)));
const alertsOfDay = (day: string, personIds: string[]) =>
  t.db.select().from(alerts).where(and(eq(alerts.day, day), inArray(alerts.personId, personIds)));
/** How many transactions last wrote these rows: rows written by one statement share its transaction id (xmin). */
async function writersOf(day: string, personIds: string[]): Promise<number> {
  const [row] = await t.db
    .select({ writers: sql<number>`count(DISTINCT ${checkins}.xmin::text)::int` })
    .from(checkins)
    .where(and(eq(checkins.day, day), inArray(checkins.personId, personIds)));
  return row!.writers;
}

const bodyOf = (entries: CheckinEntryInput[]) => CheckinBody.parse({ entries });
/** The outcome, or the refusal's status and code (an AppError: the error handler's input). */
const settle = (p: Promise<HouseholdCheckinOutcome>) =>
  p.catch((err: { statusCode?: number; code?: string }) => {
    if (typeof err.statusCode !== 'number') throw err;
    return { refused: err.statusCode, code: err.code };
  });

describe('over HTTP, as clients submit', () => {
  it('fifty households at once, each twice: every member one row, each fever alert opened exactly once, in fewer transactions than households', async () => {
    now = new Date('2031-05-01T02:00:00Z');
    events.length = 0;
    const all = await residents(50);
    const fever = (r: Resident) => r.household.personIds.map((personId, i) => ({ personId, temperatureC: i === 0 ? 38.2 : 36.6 }));
    const submit = (r: Resident) => t.call(r.token, { method: 'POST', url: '/api/v1/checkins', payload: { entries: fever(r) } });
    const results = await Promise.all([...all.map(submit), ...all.map(submit)]);
    expect(results.map((r) => r.statusCode)).toEqual(results.map(() => 200));
    const personIds = all.flatMap((r) => r.household.personIds);
    const rows = await rowsOfDay('2031-05-01', personIds);
    expect(rows).toHaveLength(personIds.length);
    expect(new Set(rows.map((r) => r.personId)).size).toBe(personIds.length);
    for (const r of all) {
      const own = rows.filter((row) => row.householdId === r.household.id);
      expect(own.map((row) => row.temperatureTenths).sort()).toEqual(fever(r).map((e) => e.temperatureC * 10).sort());
    }
    const opened = await alertsOfDay('2031-05-01', personIds);
    expect(opened.map((a) => a.personId).sort()).toEqual(all.map((r) => r.household.personIds[0]).sort());
    expect(results.reduce((n, r) => n + r.json().alertsOpened, 0)).toBe(50);
    expect(events.filter((e) => e.type === 'alert.opened')).toHaveLength(50);
    // Each answer speaks for its own household, with the ids of the rows it wrote.
    results.forEach((res, i) => {
      const r = all[i % 50]!;
      const items = res.json().items as { id: string; personId: string; householdId: string; temperatureC: number }[];
      expect(items.map((item) => item.personId).sort()).toEqual([...r.household.personIds].sort());
      for (const item of items) {
        expect(item.householdId).toBe(r.household.id);
        expect(item.id).toBe(rows.find((row) => row.personId === item.personId)!.id);
      }
    });
    // PGlite runs each statement at once, in this thread, so requests rarely find one at the database to wait behind.
    if (onPostgres) expect(await writersOf('2031-05-01', personIds)).toBeLessThan(50);
  });

  it('intruders among forty households at once are refused with 404 and write nothing; the households all pass', async () => {
    now = new Date('2031-05-02T02:00:00Z');
    const all = await residents(40);
    const intruders = all.slice(0, 8).map((r, i) => ({ token: r.token, victim: all[39 - i]! }));
    const results = await Promise.all([
      ...all.map((r) => t.call(r.token, { method: 'POST', url: '/api/v1/checkins', payload: { entries: allNormalEntries(r.household.personIds) } })),
      ...intruders.map(({ token, victim }) => t.call(token, {
        method: 'POST', url: '/api/v1/checkins', payload: { entries: victim.household.personIds.map((personId) => ({ personId, temperatureC: 39.5 })) },
      })),
    ]);
    expect(results.slice(0, 40).map((r) => r.statusCode)).toEqual(all.map(() => 200));
    expect(results.slice(40).map((r) => r.statusCode)).toEqual(intruders.map(() => 404));
    expect(results[40]!.json().error.code).toBe('NOT_FOUND');
    const personIds = all.flatMap((r) => r.household.personIds);
    const rows = await rowsOfDay('2031-05-02', personIds);
    expect(rows).toHaveLength(personIds.length);
    expect(rows.every((row) => row.temperatureTenths === 365)).toBe(true);
    expect(await alertsOfDay('2031-05-02', personIds)).toEqual([]);
  });
});

describe('inside one batch', () => {
  let submitter: HouseholdCheckinSubmitter;
  let a: Resident;
  let b: Resident;
  let c: Resident;
  let d: Resident;
  let e: Resident;
  let f: Resident;

  beforeAll(async () => {
    [a, b, c, d, e, f] = await Promise.all([
      resident(4, 1, '101'), resident(4, 1, '102'), resident(4, 1, '201'), resident(4, 1, '202'), resident(4, 1, '301'), resident(4, 1, '302'),
    ]);
  });
  // One batch at the database at a time: the first call goes alone, the ones made meanwhile leave together after it.
  beforeEach(() => {
    submitter = new HouseholdCheckinSubmitter(t.db, { maxBatch: 32, maxInFlight: 1, maxWaitMs: 10_000 });
  });

  it('judges each submission alone: the unbound and the mixed are refused and write nothing, the others are written', async () => {
    now = new Date('2031-05-03T02:00:00Z');
    // c's account also bound to d's household, so it can name persons of two households it is bound to.
    await t.db.insert(householdBindings).values({ userId: c.userId, householdId: d.household.id, status: 'approved' });
    try {
      const first = submitter.submit(e.userId, bodyOf(allNormalEntries(e.household.personIds)), now);
      const batch = [
        submitter.submit(a.userId, bodyOf(allNormalEntries(a.household.personIds, 37.8)), now),
        submitter.submit(a.userId, bodyOf(allNormalEntries(b.household.personIds, 38.5)), now),
        submitter.submit(c.userId, bodyOf(allNormalEntries([c.household.personIds[0]!, d.household.personIds[0]!], 38.5)), now),
        submitter.submit(f.userId, bodyOf(allNormalEntries(f.household.personIds)), now),
      ];
      const outcomes = await Promise.all([first, ...batch].map(settle));
      expect(submitter.sentSizes).toEqual([1, 4]);
      expect(outcomes.slice(2, 4)).toEqual([{ refused: 404, code: 'NOT_FOUND' }, { refused: 400, code: 'MIXED_HOUSEHOLDS' }]);
      const [eOutcome, aOutcome, , , fOutcome] = outcomes as HouseholdCheckinOutcome[];
      expect(eOutcome!.items).toHaveLength(e.household.personIds.length);
      expect(aOutcome!.alertsOpened).toBe(a.household.personIds.length);
      expect(aOutcome!.items.every((item) => item.temperatureC === 37.8 && item.alertReasons.includes('fever'))).toBe(true);
      expect(fOutcome!.alertsOpened).toBe(0);
      const named = [...a.household.personIds, ...b.household.personIds, ...c.household.personIds, ...d.household.personIds, ...f.household.personIds];
      const rows = await rowsOfDay('2031-05-03', named);
      expect(rows.map((r) => r.personId).sort()).toEqual([...a.household.personIds, ...f.household.personIds].sort());
      expect(rows.filter((r) => f.household.personIds.includes(r.personId)).every((r) => r.temperatureTenths === 365)).toBe(true);
      const opened = await alertsOfDay('2031-05-03', [...b.household.personIds, ...c.household.personIds, ...d.household.personIds]);
      expect(opened).toEqual([]);
    } finally {
      await t.db.delete(householdBindings).where(and(eq(householdBindings.userId, c.userId), eq(householdBindings.householdId, d.household.id)));
    }
  });

  it('the same household twice in a batch: the later goes in the next statement and wins; one row per person, one alert each', async () => {
    now = new Date('2031-05-04T02:00:00Z');
    const members = a.household.personIds;
    const first = submitter.submit(e.userId, bodyOf(allNormalEntries(e.household.personIds)), now);
    const earlier = submitter.submit(a.userId, bodyOf(members.map((personId) => ({ personId, temperatureC: 38.1 }))), now);
    // The same person, named in capitals.
    const later = submitter.submit(a.userId, bodyOf([{ personId: members[0]!.toUpperCase(), temperatureC: 39.0, symptoms: ['breathing_difficulty'] }]), now);
    const other = submitter.submit(b.userId, bodyOf(allNormalEntries(b.household.personIds)), now);
    const [, earlierOutcome, laterOutcome, otherOutcome] = await Promise.all([first, earlier, later, other]);
    expect(submitter.sentSizes).toEqual([1, 3, 1]);
    expect(earlierOutcome.items.map((i) => i.temperatureC)).toEqual(members.map(() => 38.1));
    expect(laterOutcome.items).toMatchObject([{ personId: members[0], temperatureC: 39.0, alertReasons: ['fever', 'breathing_difficulty'] }]);
    expect(otherOutcome.items).toHaveLength(b.household.personIds.length);
    const rows = await rowsOfDay('2031-05-04', members);
    expect(rows).toHaveLength(members.length);
    expect(rows.find((r) => r.personId === members[0])).toMatchObject({ temperatureTenths: 390, symptoms: ['breathing_difficulty'] });
    expect(laterOutcome.items[0]!.id).toBe(earlierOutcome.items.find((i) => i.personId === members[0])!.id);
    expect(earlierOutcome.alertsOpened + laterOutcome.alertsOpened).toBe(members.length);
    expect(laterOutcome.alertsOpened).toBe(0);
    const opened = await alertsOfDay('2031-05-04', members);
    expect(opened).toHaveLength(members.length);
    expect(opened.find((x) => x.personId === members[0])).toMatchObject({ temperatureTenths: 390 });
    expect([...opened.find((x) => x.personId === members[0])!.reasons as string[]].sort()).toEqual(['breathing_difficulty', 'fever']);
  });

  it('submissions either side of midnight in Asia/Shanghai share a batch and land on their own days', async () => {
    const before = new Date('2031-05-05T15:59:59Z');
    const after = new Date('2031-05-05T16:00:01Z');
    const first = submitter.submit(e.userId, bodyOf(allNormalEntries(e.household.personIds)), before);
    const batch = [
      submitter.submit(a.userId, bodyOf(allNormalEntries(a.household.personIds)), before),
      submitter.submit(b.userId, bodyOf(allNormalEntries(b.household.personIds)), after),
    ];
    const [, beforeMidnight, afterMidnight] = (await Promise.all([first, ...batch])) as HouseholdCheckinOutcome[];
    expect(submitter.sentSizes).toEqual([1, 2]);
    expect([beforeMidnight!.day, afterMidnight!.day]).toEqual(['2031-05-05', '2031-05-06']);
    expect(await rowsOfDay('2031-05-05', a.household.personIds)).toHaveLength(a.household.personIds.length);
    expect(await rowsOfDay('2031-05-06', b.household.personIds)).toHaveLength(b.household.personIds.length);
    expect(await rowsOfDay('2031-05-06', a.household.personIds)).toEqual([]);
  });

  it('sends thirty submissions made at once in two statements, not thirty', async () => {
    now = new Date('2031-05-07T02:00:00Z');
    const all = await residents(30);
    const outcomes = await Promise.all(all.map((r) => submitter.submit(r.userId, bodyOf(allNormalEntries(r.household.personIds)), now)));
    expect(submitter.sentSizes).toEqual([1, 29]);
    expect(outcomes.map((o) => o.items.length)).toEqual(all.map((r) => r.household.personIds.length));
    expect(await writersOf('2031-05-07', all.flatMap((r) => r.household.personIds))).toBe(2);
  });
});
