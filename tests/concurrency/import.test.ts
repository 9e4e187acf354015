// Five grid offices' clerks uploading the same roll at once: every import succeeds, and the rooms and persons exist
// once each (households and persons are upserted against their unique keys, not looked up and then inserted).
import { sql } from 'drizzle-orm';
import { selectRows } from '@linli/server/db/client';
import { createTestApp, type TestApp } from '../support/app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

const header = '楼栋,单元,房号,姓名,关系,出生年份,租户,关怀标签,手机号';
const rows = Array.from({ length: 40 }, (_, i) => `2号楼,3,${800 + Math.floor(i / 2)},住户${i},${i % 2 ? '配偶' : '户主'},1980,否,,`);
const rollOf = (lines: string[]) => Buffer.from(`${[header, ...lines].join('\n')}\n`, 'utf8');
// Two offices' files list the same people in opposite orders: row locks taken in file order would deadlock.
const rolls = [rollOf(rows), rollOf([...rows].reverse()), rollOf(rows), rollOf([...rows].reverse()), rollOf(rows)];

it('imports the same new roll five times at once, in either order, without a server error or a duplicate', async () => {
  const admin = await t.login('13900000000');
  const results = await Promise.all(
    rolls.map((roll) =>
      t.call(admin.token, { method: 'POST', url: '/api/v1/households/import', payload: roll, headers: { 'content-type': 'text/csv' } }),
    ),
  );
  expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
  // Each person was created by exactly one of the imports and updated by the others.
  expect(results.reduce((sum, r) => sum + (r.json().created as number), 0)).toBe(40);

  const [counts] = await selectRows<{ households: number; persons: number }>(t.db, sql`
    SELECT count(DISTINCT h.id)::int AS households, count(p.id)::int AS persons
    FROM households h JOIN buildings b ON b.id = h.building_id JOIN persons p ON p.household_id = h.id
    WHERE b.name = '2号楼' AND h.unit = '3'`);
  expect(counts).toEqual({ households: 20, persons: 40 });
});
