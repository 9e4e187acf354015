// The check-in write statement is planned once per connection (a generic plan) on connections of its own, however its
// batches vary; every other statement keeps the plan cache's `auto` (PostgreSQL; PGlite runs statements plainly).
import { sql } from 'drizzle-orm';
import { allNormalEntries, CheckinBody } from '@linli/shared';
import { preparedStatement, selectRows } from '@linli/server/db/client';
import { HouseholdCheckinSubmitter } from '@linli/server/modules/checkins/service';
import { createTestApp, type TestApp } from '../support/app';
import { onPostgres } from '../support/database';
import { demoHousehold, residentPhone } from '../support/households';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

const planCacheMode = () => sql`SELECT current_setting('plan_cache_mode') AS mode`;
const modeOfGenericPlanConnections = preparedStatement<{ mode: string }>('test_plan_cache_mode_generic', planCacheMode, { genericPlan: true });
const modeOfOtherConnections = preparedStatement<{ mode: string }>('test_plan_cache_mode', planCacheMode);
const plansOfCheckinStatement = preparedStatement<{ generic: number; custom: number }>('test_checkin_statement_plans', () => sql`
  SELECT generic_plans::int AS generic, custom_plans::int AS custom FROM pg_prepared_statements WHERE name = 'submit_household_checkins'`, { genericPlan: true });

it('plans the check-in statement once whatever the batch, and leaves the other statements to `auto`', async () => {
  const household = await demoHousehold(t, 1, '1', '101');
  const { userId } = await t.login(residentPhone(1, 1, '101'));
  const submitter = new HouseholdCheckinSubmitter(t.db);
  // One after another (one connection), one member, then two, then all: `auto` would plan each afresh.
  const sizes = [1, 2, household.personIds.length, 1, 2, household.personIds.length, 1, 2];
  for (const [k, size] of sizes.entries()) {
    const outcome = await submitter.submit(userId, CheckinBody.parse({ entries: allNormalEntries(household.personIds.slice(0, size)) }), new Date(Date.UTC(2031, 6, 1 + k, 2)));
    expect(outcome.items).toHaveLength(size);
  }
  const written = await selectRows<{ n: number }>(t.db, sql`SELECT count(*)::int AS n FROM checkins WHERE household_id = ${household.id} AND day >= '2031-07-01'`);
  expect(written).toEqual([{ n: sizes.reduce((a, b) => a + b, 0) }]);
  if (onPostgres) {
    expect(await plansOfCheckinStatement(t.db, {})).toEqual([{ generic: sizes.length, custom: 0 }]);
    expect(await modeOfGenericPlanConnections(t.db, {})).toEqual([{ mode: 'force_generic_plan' }]);
    expect(await modeOfOtherConnections(t.db, {})).toEqual([{ mode: 'auto' }]);
    expect(await selectRows(t.db, planCacheMode())).toEqual([{ mode: 'auto' }]);
  } else {
    expect(await modeOfGenericPlanConnections(t.db, {})).toEqual([{ mode: 'auto' }]);
  }
});
