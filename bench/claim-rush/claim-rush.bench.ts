// bench/claim-rush: volunteers racing for a pool of open tasks over real HTTP (POST /tasks/:id/claim, the whole
// request: token, the one claim statement (role, hold count, conditional UPDATE, the task answered), and the second
// statement that words a refusal), each winner releasing the task again so the pool never drains. Beside it, the
// ceiling measured in the same run: the same claim-and-release cycle as a bare `UPDATE … WHERE id = (SELECT … WHERE
// status = 'open' LIMIT 1 FOR UPDATE SKIP LOCKED)` through a minimal Fastify route on the same database. Double claims
// are counted by the clients (a task answered 200 to a second volunteer before the first let it go), and the claim rate
// of the last stretch is compared with an early one (after warm-up): the dead rows of every claim and release must not choke it.
// CLAIM_RUSH_CLAIMS sets the number of claims (default 6,000, a couple of minutes; 110,000 for the full run).
import Fastify from 'fastify';
import type { BenchResult } from '../lib/result';
import { percentile } from '../lib/measure';
import { withScratchDatabase } from '../lib/scratch';

const volunteers = 60;
const poolSize = 120;
const claimsWanted = Number(process.env.CLAIM_RUSH_CLAIMS ?? 6000);
const ceilingClaims = Math.min(claimsWanted, 6000);
// The slowdown compares the claim rate of the second and the last stretch of this many claims.
const stretch = Math.max(500, Math.floor(claimsWanted / 10));

interface Cycle {
  /** Sends a claim; the task id it got (null when refused) and the status. */
  claim(volunteer: number): Promise<{ taskId: string | null; status: number }>;
  release(volunteer: number, taskId: string): Promise<void>;
}

interface RushResult {
  claimsPerSecond: number;
  p99Ms: number;
  refused: number;
  doubleClaims: number;
  /** Wall-clock time of each successful claim's answer, in order. */
  claimTimes: number[];
}

/** `volunteers` loops claim and release until `total` claims have succeeded. */
async function rush(cycle: Cycle, total: number): Promise<RushResult> {
  const holder = new Map<string, number>();
  const latencies: number[] = [];
  const claimTimes: number[] = [];
  let claimed = 0;
  let refused = 0;
  let doubleClaims = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: volunteers }, async (_, volunteer) => {
    while (claimed < total) {
      const t0 = performance.now();
      const { taskId, status } = await cycle.claim(volunteer);
      latencies.push(performance.now() - t0);
      if (status !== 200 || !taskId) {
        if (status !== 409) throw new Error(`claim answered ${status}`);
        refused++;
        continue;
      }
      if (holder.has(taskId)) doubleClaims++;
      holder.set(taskId, volunteer);
      claimed++;
      claimTimes.push(performance.now());
      // Let go before asking: a second 200 for this task can only come after the server has released it.
      holder.delete(taskId);
      await cycle.release(volunteer, taskId);
    }
  }));
  const seconds = (performance.now() - start) / 1000;
  return { claimsPerSecond: claimed / seconds, p99Ms: percentile(latencies, 99), refused, doubleClaims, claimTimes };
}

/** Claims per second over the second stretch (the first warms up the JIT and the caches) and over the last. */
function stretchRates(times: number[]): { first: number; last: number } {
  const rate = (from: number, to: number) => (to - from) / ((times[to - 1]! - times[from]!) / 1000);
  return { first: rate(stretch, 2 * stretch), last: rate(times.length - stretch, times.length) };
}

export async function runClaimRushBench(): Promise<BenchResult[]> {
  return withScratchDatabase('claim-rush', async (scratch) => {
    console.log(`claim-rush: ${claimsWanted} claims by ${volunteers} volunteers over ${poolSize} tasks`);
    const { communityId } = scratch;
    const { app, baseUrl: base } = await scratch.startApp();
    const ceilingApp = Fastify({ logger: false });
    scratch.onTeardown(() => ceilingApp.close());
    const ceilingPool = scratch.pool(20);

    const setup = await scratch.pool(1).connect();
    const { rows: accounts } = await setup.query<{ id: string }>(`
      WITH u AS (INSERT INTO users (phone, display_name) SELECT '1370' || lpad(g::text, 7, '0'), '抢单志愿者' || g FROM generate_series(1, $1) g RETURNING id),
           r AS (INSERT INTO role_assignments (user_id, role, community_id) SELECT id, 'volunteer', $2 FROM u)
      SELECT id FROM u`, [volunteers, communityId]);
    const { rows: taskRows } = await setup.query<{ id: string }>(`
      INSERT INTO tasks (community_id, kind, title, building_id, created_by)
      SELECT $1, 'errand', '跑腿 ' || g, (SELECT id FROM buildings WHERE name = '3号楼'), (SELECT id FROM users WHERE phone = '13900000000')
      FROM generate_series(1, $2) g RETURNING id`, [communityId, poolSize]);
    setup.release();
    const tokens = accounts.map((a) => app.signAccessToken(a.id));
    const taskIds = taskRows.map((r) => r.id);

    // The ceiling: its own table of the same pool, claimed by SKIP LOCKED through a minimal Fastify route.
    await ceilingPool.query(`CREATE TABLE bench_tasks (id uuid PRIMARY KEY, status text NOT NULL, claimed_by uuid)`);
    await ceilingPool.query(`CREATE INDEX bench_tasks_open_idx ON bench_tasks (status)`);
    await ceilingPool.query(`INSERT INTO bench_tasks SELECT gen_random_uuid(), 'open', NULL FROM generate_series(1, $1)`, [poolSize]);
    ceilingApp.post<{ Body: { volunteer: string } }>('/claim', async (request, reply) => {
      const { rows } = await ceilingPool.query(`
        UPDATE bench_tasks SET status = 'claimed', claimed_by = $1
        WHERE id = (SELECT id FROM bench_tasks WHERE status = 'open' LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id`, [request.body.volunteer]);
      return reply.status(rows.length ? 200 : 409).send(rows.length ? { id: rows[0].id } : { error: 'ALREADY_CLAIMED' });
    });
    ceilingApp.post<{ Body: { volunteer: string; id: string } }>('/release', async (request) => {
      await ceilingPool.query(`UPDATE bench_tasks SET status = 'open', claimed_by = NULL WHERE id = $1 AND claimed_by = $2`, [request.body.id, request.body.volunteer]);
      return { ok: true };
    });
    await ceilingApp.listen({ port: 0, host: '127.0.0.1' });
    const ceilingBase = `http://127.0.0.1:${(ceilingApp.server.address() as { port: number }).port}`;

    const post = async (url: string, token: string | null, body?: unknown) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body ?? {}),
      });
      const text = await res.text();
      return { status: res.status, body: text };
    };
    // A full run outlives an access token: a volunteer whose token expired signs in again, as the app refreshes.
    const asVolunteer = async (volunteer: number, url: string) => {
      const res = await post(url, tokens[volunteer]!);
      if (res.status !== 401) return res;
      tokens[volunteer] = app.signAccessToken(accounts[volunteer]!.id);
      return post(url, tokens[volunteer]!);
    };
    // Volunteers tap a task of the hall: a random one of the pool, so two of them often want the same.
    const ours: Cycle = {
      async claim(volunteer) {
        const taskId = taskIds[Math.floor(Math.random() * taskIds.length)]!;
        const res = await asVolunteer(volunteer, `${base}/api/v1/tasks/${taskId}/claim`);
        return { taskId: res.status === 200 ? taskId : null, status: res.status };
      },
      async release(volunteer, taskId) {
        const res = await asVolunteer(volunteer, `${base}/api/v1/tasks/${taskId}/release`);
        if (res.status !== 200) throw new Error(`release answered ${res.status} ${res.body}`);
      },
    };
    const ceiling: Cycle = {
      async claim(volunteer) {
        const res = await post(`${ceilingBase}/claim`, null, { volunteer: accounts[volunteer]!.id });
        return { taskId: res.status === 200 ? (JSON.parse(res.body) as { id: string }).id : null, status: res.status };
      },
      async release(volunteer, taskId) {
        await post(`${ceilingBase}/release`, null, { volunteer: accounts[volunteer]!.id, id: taskId });
      },
    };

    const ceilingResult = await rush(ceiling, ceilingClaims);
    console.log(`claim-rush: ceiling ${ceilingResult.claimsPerSecond.toFixed(0)} claims/s, p99 ${ceilingResult.p99Ms.toFixed(1)} ms`);
    const oursResult = await rush(ours, claimsWanted);
    console.log(`claim-rush: ours ${oursResult.claimsPerSecond.toFixed(0)} claims/s, p99 ${oursResult.p99Ms.toFixed(1)} ms, ${oursResult.refused} ALREADY_CLAIMED, ${oursResult.doubleClaims} double claims`);
    const { first, last } = stretchRates(oursResult.claimTimes);
    const slowdown = 1 - last / first;
    const autovacuum = (await ceilingPool.query<{ autovacuum: string }>('SHOW autovacuum')).rows[0]?.autovacuum ?? '?';
    const { rows: [dead] } = await ceilingPool.query<{ n_dead_tup: string; autovacuum_count: string }>(`SELECT n_dead_tup, autovacuum_count FROM pg_stat_user_tables WHERE relname = 'tasks'`);

    return [
      {
        figure: `claim rush: ${volunteers} volunteers over ${poolSize} open tasks, claim + release (${claimsWanted} claims)`,
        ours: oursResult.claimsPerSecond,
        ceiling: ceilingResult.claimsPerSecond,
        unit: 'claims/s',
        ratio: oursResult.claimsPerSecond / ceilingResult.claimsPerSecond,
        target: `≥ 0.5, 0 double claims: ${oursResult.claimsPerSecond >= ceilingResult.claimsPerSecond / 2 && oursResult.doubleClaims === 0 ? 'met' : 'MISSED'}`,
        note: `double claims ${oursResult.doubleClaims} (must be 0), `
          + `${oursResult.refused} ALREADY_CLAIMED; ceiling: bare UPDATE … FOR UPDATE SKIP LOCKED claim and release through a minimal Fastify route (pool of 20, like ours)`,
      },
      { figure: 'claim rush p99 latency', ours: oursResult.p99Ms, ceiling: ceilingResult.p99Ms, unit: 'ms', ratio: ceilingResult.p99Ms / oursResult.p99Ms },
      {
        figure: `claim rate, last ${stretch} claims vs claims ${stretch}–${2 * stretch}`,
        ours: last,
        ceiling: first,
        unit: 'claims/s',
        ratio: last / first,
        target: `slowdown ≤ 20% after 100,000: ${claimsWanted >= 100_000 ? (slowdown <= 0.2 ? 'met' : 'MISSED') : `not measured (${claimsWanted} claims)`}`,
        note: `slowdown ${(slowdown * 100).toFixed(1)}% after ${claimsWanted} claims${claimsWanted >= 100_000 ? '' : ' (CLAIM_RUSH_CLAIMS=110000 measures the target)'}; `
          + `tasks has ${dead?.n_dead_tup ?? '?'} dead rows now, autovacuumed ${dead?.autovacuum_count ?? '?'} times (autovacuum ${autovacuum})`,
      },
    ];
  });
}
