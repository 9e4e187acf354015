// An experiment, not one of `pnpm bench`'s benches: the check-in write statement's plans and costs, custom (planned at
// every execution, the plan cache's `auto` with array parameters) against generic (planned once per connection).
// (1) EXPLAIN (ANALYZE, BUFFERS) of one batch of 14 submissions (42 entries) both ways, on statistics older than the
// rows (as in a burst: autovacuum is off on the bench's server) and after ANALYZE; each in a transaction rolled back.
// (2) The service called directly (no HTTP), rounds alternating custom and generic on one database, each round on a
// day of its own: wall time per statement and PostgreSQL CPU per submission (the backends' /proc times).
//   DATABASE_URL=… PROBE_ROUNDS=6 pnpm --filter @linli/bench exec tsx checkin-burst/plan-probe.ts
import type { CheckinBody } from '@linli/shared';
import type { Database } from '@linli/server/db/client';
import { HouseholdCheckinSubmitter, householdCheckinBatching } from '@linli/server/modules/checkins/service';
import { median } from '../lib/result';
import { backendCpuSeconds as backendCpu, backendPids, cpuSecondsBetween } from './backend-cpu';
import { addBoundResidents, withScratchDatabase } from '../lib/scratch';

const households = 5000;
const rounds = Number(process.env.PROBE_ROUNDS ?? 6);
const perRound = 600;
const dayMs = 86_400_000;

const arrayLiteral = (values: unknown[]) => `{${values.map((v) => (v === null ? 'NULL' : `"${String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)).join(',')}}`;
const literal = (v: unknown) => (v === null ? 'NULL' : `'${String(Array.isArray(v) ? arrayLiteral(v) : v).replace(/'/g, "''")}'`);

await withScratchDatabase('checkin-plan-probe', async (scratch) => {
  const pool = scratch.pool(2);
  const residents = [
    ...await addBoundResidents(pool, { buildingName: '1号楼', count: households / 2, phonePrefix: '171', communityId: scratch.communityId }),
    ...await addBoundResidents(pool, { buildingName: '2号楼', count: households / 2, phonePrefix: '172', communityId: scratch.communityId }),
  ];
  await pool.query(`INSERT INTO persons (household_id, name) SELECT h, '成员' || m FROM unnest($1::uuid[]) h, generate_series(2, 3) m`, [residents.map((r) => r.householdId)]);
  const persons = (await pool.query<{ household_id: string; ids: string[] }>(
    'SELECT household_id, array_agg(id ORDER BY id) AS ids FROM persons WHERE household_id = ANY($1::uuid[]) GROUP BY household_id', [residents.map((r) => r.householdId)],
  )).rows;
  const idsOf = new Map(persons.map((p) => [p.household_id, p.ids]));
  const bodyOf = (householdId: string, fever = false): CheckinBody => ({
    entries: idsOf.get(householdId)!.map((personId, i) => ({ personId, temperatureC: fever && i === 0 ? 38.2 : 36.5, symptoms: [], antigen: 'negative', quarantine: 'none' })),
  });

  // The statement's text and values for a batch of 14 (the first submission leaves alone), caught on their way to a
  // stand-in for the pool.
  let caught: { name: string; text: string; values: unknown[] } | undefined;
  const catcher = { $client: { totalCount: 0, query: async (q: { name: string; text: string; values: unknown[] }) => {
    if (!caught || (q.values[0] as unknown[]).length > (caught.values[0] as unknown[]).length) caught = q;
    return { rows: [] };
  } } } as unknown as Database;
  const catching = new HouseholdCheckinSubmitter(catcher, { ...householdCheckinBatching, genericPlan: false });
  const base = Date.now() + 10 * dayMs;
  await Promise.all(residents.slice(0, 15).map((r, i) => catching.submit(r.userId, bodyOf(r.householdId, i === 3), new Date(base)).catch(() => undefined)));
  if (!caught) throw new Error('no statement caught');
  console.log(`caught a batch of ${(caught.values[0] as unknown[]).length} submissions, ${(caught.values[5] as unknown[]).length} entries`);

  const client = await pool.connect();
  const explain = async (label: string) => {
    await client.query(`PREPARE probe AS ${caught!.text}`);
    for (const mode of ['force_custom_plan', 'force_generic_plan']) {
      await client.query(`SET plan_cache_mode = ${mode}`);
      await client.query('BEGIN');
      const plan = (await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) EXECUTE probe(${caught!.values.map(literal).join(', ')})`)).rows.map((r) => r['QUERY PLAN']);
      await client.query('ROLLBACK');
      const scans = plan.filter((l) => /Seq Scan|Hash Join|Hash  |Nested Loop|Index/.test(l)).map((l) => l.trim().replace(/\s+\(cost.*$/, ''));
      console.log(`${label}, ${mode}: ${plan.filter((l) => /Planning Time|Execution Time/.test(l)).join(', ')}`);
      console.log(`  nodes: ${scans.join(' | ')}`);
      if (process.env.PROBE_PLANS) console.log(plan.join('\n'));
    }
    await client.query('RESET plan_cache_mode');
    await client.query('DEALLOCATE probe');
  };
  await explain('stale statistics');
  await client.query('ANALYZE');
  await explain('after ANALYZE');
  client.release();

  // The service called directly: single submissions one after another, then batches of 15 (15 callers at once).
  const custom = new HouseholdCheckinSubmitter(scratch.handle.db, { ...householdCheckinBatching, genericPlan: false });
  const generic = new HouseholdCheckinSubmitter(scratch.handle.db, { ...householdCheckinBatching, genericPlan: true });
  const backends = () => backendPids(pool);
  let day = 0;
  const results: Record<string, { alone: number[]; batched: number[]; cpuAlone: number[]; cpuBatched: number[] }> = {
    custom: { alone: [], batched: [], cpuAlone: [], cpuBatched: [] },
    generic: { alone: [], batched: [], cpuAlone: [], cpuBatched: [] },
  };
  for (let r = 0; r < rounds; r++) {
    for (const side of (r % 2 ? ['generic', 'custom'] : ['custom', 'generic'])) {
      const submitter = side === 'generic' ? generic : custom;
      const now = new Date(base + ++day * dayMs);
      const set = residents.slice((r * perRound) % households, (r * perRound) % households + perRound);
      const pids = await backends();
      let cpu = backendCpu(pids);
      const times: number[] = [];
      for (const h of set.slice(0, perRound / 2)) {
        const t = performance.now();
        await submitter.submit(h.userId, bodyOf(h.householdId), now);
        times.push(performance.now() - t);
      }
      results[side]!.cpuAlone.push(cpuSecondsBetween(cpu, backendCpu(await backends())) * 1e6 / (perRound / 2));
      cpu = backendCpu(pids);
      const batchTimes: number[] = [];
      const rest = set.slice(perRound / 2);
      for (let i = 0; i < rest.length; i += 15) {
        const t = performance.now();
        await Promise.all(rest.slice(i, i + 15).map((h) => submitter.submit(h.userId, bodyOf(h.householdId), now)));
        batchTimes.push(performance.now() - t);
      }
      results[side]!.cpuBatched.push(cpuSecondsBetween(cpu, backendCpu(await backends())) * 1e6 / rest.length);
      results[side]!.alone.push(median(times));
      results[side]!.batched.push(median(batchTimes));
      console.log(`round ${r + 1} ${side}: alone p50 ${median(times).toFixed(2)} ms, ${results[side]!.cpuAlone.at(-1)!.toFixed(0)} µs PG CPU/submission; `
        + `15 at once p50 ${median(batchTimes).toFixed(2)} ms, ${results[side]!.cpuBatched.at(-1)!.toFixed(0)} µs PG CPU/submission`);
    }
  }
  for (const side of ['custom', 'generic']) {
    const s = results[side]!;
    console.log(`median ${side}: alone ${median(s.alone).toFixed(2)} ms, ${median(s.cpuAlone).toFixed(0)} µs; 15 at once ${median(s.batched).toFixed(2)} ms, ${median(s.cpuBatched).toFixed(0)} µs`);
  }
});
