// An experiment, not one of `pnpm bench`'s benches: same-run A/B of the check-in batcher's settings at saturation.
// Two apps on one scratch database, A with the settings of `householdCheckinBatching`, B with those overridden by
// CHECKIN_AB (JSON, e.g. '{"maxInFlight":2}'); the same 5,000 households submit to A and to B in alternating rounds
// (A B B A …), each round on a day of its own (the apps' injected "now"), so every round writes 15,000 new check-ins.
// Load as in the bench: a child process, 32 keep-alive connections, closed loop; or with CHECKIN_AB_MODE=minute the
// bench's minute (open loop, arrival times uniform over 60 s, the same times for A and B in a round). With
// CHECKIN_AB_CODE=<a copy of the repository at another commit, e.g. `git archive <commit> | tar -x -C <dir>`, with
// node_modules links copied in> B is instead that code's app (same database handle, same settings): old against new
// code in one process, alternating.
//   DATABASE_URL=… CHECKIN_AB='{"maxInFlight":2}' CHECKIN_AB_ROUNDS=8 pnpm --filter @linli/bench exec tsx checkin-burst/batching-ab.ts
import { checkinDayOf } from '@linli/shared';
import { householdCheckinBatching } from '@linli/server/modules/checkins/service';
import { httpLoadClient, type PostLoadResult, type PostRequest } from '../lib/http-load';
import { median } from '../lib/result';
import { addBoundResidents, withScratchDatabase } from '../lib/scratch';
import { backendCpuSeconds, backendPids, cpuSecondsBetween } from './backend-cpu';

const households = 5000;
const concurrency = 32;
const rounds = Number(process.env.CHECKIN_AB_ROUNDS ?? 8);
const variant = JSON.parse(process.env.CHECKIN_AB ?? '{"maxInFlight":2}') as Partial<typeof householdCheckinBatching>;
const dayMs = 86_400_000;
const minute = process.env.CHECKIN_AB_MODE === 'minute';
const otherCode = process.env.CHECKIN_AB_CODE;

await withScratchDatabase('checkin-ab', async (scratch) => {
  const pool = scratch.pool(2);
  const residents = [
    ...await addBoundResidents(pool, { buildingName: '1号楼', count: 2500, phonePrefix: '171', communityId: scratch.communityId }),
    ...await addBoundResidents(pool, { buildingName: '2号楼', count: 2500, phonePrefix: '172', communityId: scratch.communityId }),
  ];
  // Two more members per household, as in the bench.
  await pool.query(`INSERT INTO persons (household_id, name) SELECT h, '成员' || m FROM unnest($1::uuid[]) h, generate_series(2, 3) m`, [residents.map((r) => r.householdId)]);
  const persons = (await pool.query<{ household_id: string; ids: string[] }>(
    'SELECT household_id, array_agg(id ORDER BY id) AS ids FROM persons WHERE household_id = ANY($1::uuid[]) GROUP BY household_id', [residents.map((r) => r.householdId)],
  )).rows;
  const idsOf = new Map(persons.map((p) => [p.household_id, p.ids]));

  // Each app's "now": a day of its own per round, far from today.
  const base = Date.now() + 10 * dayMs;
  let dayA = 0;
  let dayB = 0;
  const defaults = { ...householdCheckinBatching };
  const a = await scratch.startApp({}, { now: () => new Date(base + dayA * dayMs) });
  let b: { baseUrl: string };
  if (otherCode) {
    const { buildApp } = await import(`${otherCode}/apps/server/src/app.ts`) as typeof import('@linli/server/app');
    const { loadConfig } = await import(`${otherCode}/apps/server/src/config.ts`) as typeof import('@linli/server/config');
    const other = await buildApp(loadConfig(scratch.env()), { now: () => new Date(base + dayB * dayMs), database: scratch.handle, logger: false });
    scratch.onTeardown(() => other.close());
    b = { baseUrl: await other.listen({ port: 0, host: '127.0.0.1' }) };
    console.log(`A: this tree's code; B: the code in ${otherCode}; ${households} households, ${rounds} rounds each`);
  } else {
    Object.assign(householdCheckinBatching, variant);
    b = await scratch.startApp({}, { now: () => new Date(base + dayB * dayMs) });
    Object.assign(householdCheckinBatching, defaults);
    console.log(`A: ${JSON.stringify(defaults)}; B: ${JSON.stringify({ ...defaults, ...variant })}; ${households} households, ${rounds} rounds each`);
  }

  const requests: PostRequest[] = residents.map((r) => ({
    authorization: `Bearer ${a.app.signAccessToken(r.userId)}`,
    body: JSON.stringify({ entries: idsOf.get(r.householdId)!.map((personId, i) => ({ personId, temperatureC: i === 0 && Math.random() < 0.01 ? 38.2 : 36.5, symptoms: [], antigen: 'negative', quarantine: 'none' })) }),
  }));
  const load = httpLoadClient();
  scratch.onTeardown(() => load.close());
  let day = 0;
  let arrivalsMs: number[] = [];
  const run = async (side: 'A' | 'B', set: PostRequest[]) => {
    day++;
    if (side === 'A') dayA = day;
    else dayB = day;
    const pids = await backendPids(pool);
    const pgCpu = backendCpuSeconds(pids);
    const cpu = process.cpuUsage();
    const url = `${(side === 'A' ? a : b).baseUrl}/api/v1/checkins`;
    const result = await load.post(minute && set.length === households ? { url, requests: set, arrivalsMs } : { url, requests: set, concurrency });
    const used = process.cpuUsage(cpu);
    const pgUsed = cpuSecondsBetween(pgCpu, backendCpuSeconds(await backendPids(pool)));
    if (Object.keys(result.unexpected).length) throw new Error(`${side}: ${JSON.stringify(result.unexpected)} ${result.firstUnexpected}`);
    const written = Number((await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM checkins WHERE day = $1', [checkinDayOf(new Date(base + day * dayMs))])).rows[0]!.n);
    if (written !== set.length * 3) throw new Error(`${side}: ${written} check-ins written on day ${day}, expected ${set.length * 3}`);
    return { result, cpuUsPerRequest: (used.user + used.system) / set.length, pgUsPerRequest: (pgUsed * 1e6) / set.length, written };
  };
  await run('A', requests.slice(0, 500));
  await run('B', requests.slice(0, 500));
  const sides: Record<'A' | 'B', { result: PostLoadResult; cpuUsPerRequest: number; pgUsPerRequest: number }[]> = { A: [], B: [] };
  for (let r = 0; r < rounds; r++) {
    arrivalsMs = Array.from({ length: households }, () => Math.random() * 60_000).sort((x, y) => x - y);
    for (const side of (r % 2 ? ['B', 'A'] : ['A', 'B']) as ('A' | 'B')[]) {
      const m = await run(side, requests);
      sides[side].push(m);
      console.log(`round ${r + 1} ${side}: ${m.result.perSecond.toFixed(0)}/s, p50 ${m.result.p50.toFixed(1)} ms, p99 ${m.result.p99.toFixed(1)} ms, max ${m.result.max.toFixed(1)} ms, `
        + `CPU µs/submission: server process ${m.cpuUsPerRequest.toFixed(0)}, PostgreSQL ${m.pgUsPerRequest.toFixed(0)}; ${m.written} rows`);
    }
  }
  const summary = (side: 'A' | 'B') => ({
    perSecond: median(sides[side].map((m) => m.result.perSecond)),
    p50: median(sides[side].map((m) => m.result.p50)),
    p99: median(sides[side].map((m) => m.result.p99)),
    cpu: median(sides[side].map((m) => m.cpuUsPerRequest)),
    pgCpu: median(sides[side].map((m) => m.pgUsPerRequest)),
  });
  const sa = summary('A');
  const sb = summary('B');
  const pairs = sides.A.map((m, i) => sides.B[i]!.result.p99 / m.result.p99);
  const rates = sides.A.map((m, i) => sides.B[i]!.result.perSecond / m.result.perSecond);
  console.log(`medians A: ${sa.perSecond.toFixed(0)}/s, p50 ${sa.p50.toFixed(1)}, p99 ${sa.p99.toFixed(1)} ms, CPU ${sa.cpu.toFixed(0)} + ${sa.pgCpu.toFixed(0)} µs; `
    + `B: ${sb.perSecond.toFixed(0)}/s, p50 ${sb.p50.toFixed(1)}, p99 ${sb.p99.toFixed(1)} ms, CPU ${sb.cpu.toFixed(0)} + ${sb.pgCpu.toFixed(0)} µs (server + PostgreSQL); `
    + `B/A throughput ${(sb.perSecond / sa.perSecond).toFixed(2)} (median of round ratios ${median(rates).toFixed(2)}), p99 ${(sb.p99 / sa.p99).toFixed(2)}; `
    + `round p99 ratios B/A ${pairs.map((p) => p.toFixed(2)).join(' ')}`);
});
