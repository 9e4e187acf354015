// Check-ins and follow-ups under concurrency, on real PostgreSQL in CI: the rules hold in SQL (a unique index per
// person and day, conditional updates), not in a read-then-write.
import { and, eq } from 'drizzle-orm';
import { allNormalEntries } from '@linli/shared';
import { alerts, checkins } from '@linli/server/db/schema/index';
import { createTestApp, type TestApp } from '../support/app';
import { demoHousehold, residentPhone, type DemoHousehold } from '../support/households';

let t: TestApp;
let now = new Date('2031-03-01T02:00:00Z');
let household: DemoHousehold;
let resident: string;

beforeAll(async () => {
  t = await createTestApp({ build: { now: () => now } });
  household = await demoHousehold(t, 2, '2', '301');
  resident = (await t.login(residentPhone(2, 2, '301'))).token;
});
afterAll(async () => t?.close());

const submit = (entries: unknown[]) => t.call(resident, { method: 'POST', url: '/api/v1/checkins', payload: { entries } });

it('different submissions for the same household at once: every one answers 200, one row per person, one alert', async () => {
  now = new Date('2031-03-01T02:00:00Z');
  const fever = household.personIds.map((personId, i) => ({ personId, temperatureC: i === 0 ? 38.4 : 36.6 }));
  const results = await Promise.all([
    ...Array.from({ length: 6 }, () => submit(allNormalEntries(household.personIds))),
    ...Array.from({ length: 6 }, () => submit(fever)),
    // The reverse member order must not deadlock against the others.
    ...Array.from({ length: 4 }, () => submit([...fever].reverse())),
  ]);
  expect(results.map((r) => r.statusCode)).toEqual(results.map(() => 200));
  const rows = await t.db.select().from(checkins).where(and(eq(checkins.householdId, household.id), eq(checkins.day, '2031-03-01')));
  expect(rows).toHaveLength(household.personIds.length);
  const opened = await t.db.select().from(alerts).where(and(eq(alerts.householdId, household.id), eq(alerts.day, '2031-03-01')));
  expect(opened).toHaveLength(1);
  expect(results.reduce((n, r) => n + r.json().alertsOpened, 0)).toBe(1);
});

it('two staff acknowledging and resolving one alert at once: each move happens exactly once', async () => {
  now = new Date('2031-03-02T02:00:00Z');
  await submit([{ personId: household.personIds[0], temperatureC: 39.0 }]);
  const [alert] = await t.db.select().from(alerts).where(and(eq(alerts.householdId, household.id), eq(alerts.day, '2031-03-02')));
  const worker = (await t.login('13900000001')).token;
  const admin = (await t.login('13900000000')).token;
  const acks = await Promise.all([worker, admin, worker, admin].map((token) => t.call(token, { method: 'POST', url: `/api/v1/alerts/${alert!.id}/acknowledge`, payload: {} })));
  expect(acks.map((r) => r.statusCode).sort()).toEqual([200, 409, 409, 409]);
  const resolves = await Promise.all([worker, admin, worker].map((token) => t.call(token, { method: 'POST', url: `/api/v1/alerts/${alert!.id}/resolve`, payload: {} })));
  expect(resolves.map((r) => r.statusCode).sort()).toEqual([200, 409, 409]);
});
