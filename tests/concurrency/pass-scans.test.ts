// Gate scans under concurrency: the exit quota, one trip out at a time and single-use tokens hold in SQL (a row lock
// on the pass, a conditional insert, a primary key on the nonce), not in a read-then-write. On PostgreSQL they overlap.
import { and, eq, sql } from 'drizzle-orm';
import { selectRows } from '@linli/server/db/client';
import { buildings, households } from '@linli/server/db/schema/index';
import { createTestApp, type TestApp } from '../support/app';
import { clearPassesAndReserves } from '../support/passes';

let t: TestApp;
let passId: string;
let householdId: string;
const resident = '13802110100';
const gates = ['13900000031', '13900000032', '13900000001', '13900000000'];

async function token() {
  const res = await t.call((await t.login(resident)).token, { url: `/api/v1/passes/${passId}/token` });
  return res.json().token as string;
}

async function scanAll(tokens: string[], direction: 'out' | 'in') {
  return Promise.all(tokens.map(async (tk, i) =>
    t.call((await t.login(gates[i % gates.length]!)).token, { method: 'POST', url: '/api/v1/gate/scans', payload: { token: tk, direction } })));
}

const codes = (results: { statusCode: number; json: () => any }[]) => results.filter((r) => r.statusCode !== 201).map((r) => r.json().error.code as string);

async function trips() {
  const [row] = await selectRows<{ n: number; open: number }>(t.db, sql`
    SELECT count(*)::int AS n, count(*) FILTER (WHERE return_at IS NULL)::int AS open FROM pass_trips WHERE household_id = ${householdId}`);
  return { n: Number(row!.n), open: Number(row!.open) };
}

beforeAll(async () => {
  t = await createTestApp();
  await clearPassesAndReserves(t.db);
  const [b] = await t.db.select().from(buildings).where(eq(buildings.name, '2号楼'));
  householdId = (await t.db.select().from(households).where(and(eq(households.buildingId, b!.id), eq(households.unit, '1'), eq(households.room, '101'))))[0]!.id;
  const admin = (await t.login('13900000000')).token;
  expect((await t.call(admin, { method: 'PUT', url: '/api/v1/pass-policy', payload: { exitsPerWindow: 3, windowDays: 2, maxOutMinutes: 120 } })).statusCode).toBe(200);
  const issued = await t.call(admin, { method: 'POST', url: '/api/v1/passes', payload: { householdId } });
  passId = issued.json().id;
});
afterAll(async () => t?.close());

it('ten gates scanning the same token at once: exactly one exit, nine replays refused', async () => {
  const tk = await token();
  const results = await scanAll(Array.from({ length: 10 }, () => tk), 'out');
  expect(results.filter((r) => r.statusCode === 201)).toHaveLength(1);
  expect(codes(results)).toEqual(Array.from({ length: 9 }, () => 'PASS_TOKEN_REPLAYED'));
  expect(await trips()).toEqual({ n: 1, open: 1 });
  const back = await scanAll([await token()], 'in');
  expect(back[0]!.statusCode).toBe(201);
});

it('concurrent exits with fresh tokens never exceed the quota of 3 in the window', async () => {
  for (let round = 2; round <= 4; round++) {
    const outs = await scanAll(await Promise.all(Array.from({ length: 8 }, token)), 'out');
    const allowed = outs.filter((r) => r.statusCode === 201);
    if (round <= 3) {
      expect(allowed).toHaveLength(1);
      expect(new Set(codes(outs))).toEqual(new Set(['ALREADY_OUT']));
      const ins = await scanAll(await Promise.all(Array.from({ length: 6 }, token)), 'in');
      expect(ins.filter((r) => r.statusCode === 201)).toHaveLength(1);
      expect(new Set(codes(ins))).toEqual(new Set(['NOT_OUT']));
    } else {
      expect(allowed).toHaveLength(0);
      expect(new Set(codes(outs))).toEqual(new Set(['PASS_QUOTA_EXCEEDED']));
    }
  }
  expect(await trips()).toEqual({ n: 3, open: 0 });
});
