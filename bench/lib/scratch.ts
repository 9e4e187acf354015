// The scratch database every bench measures on: a fresh database on the PostgreSQL server of DATABASE_URL, migrated and
// seeded with the demo community, the app instances started on it, and a teardown that closes them and drops it.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { buildApp, type BuildAppOptions } from '@linli/server/app';
import { loadConfig } from '@linli/server/config';
import { openDatabase, type DatabaseHandle } from '@linli/server/db/client';
import { findMigrationsFolder } from '@linli/server/db/migrations';
import { seedDemoCommunity } from '@linli/server/db/seed-demo';
import { withDatabase } from './measure';

export type App = Awaited<ReturnType<typeof buildApp>>;

export interface RunningApp {
  app: App;
  /** http://127.0.0.1:<port> */
  baseUrl: string;
}

export interface ScratchDatabase {
  name: string;
  url: string;
  handle: DatabaseHandle;
  communityId: string;
  /** The server's environment for this database: limits raised so the bench measures the work, not the throttles. */
  env(extra?: Record<string, string>): Record<string, string>;
  /** An app on this database, listening on a free port; closed at teardown. */
  startApp(extra?: Record<string, string>, options?: Omit<BuildAppOptions, 'database' | 'logger'>): Promise<RunningApp>;
  /** A pool on this database (for a ceiling or the set-up), closed at teardown; connections the drop ends are expected. */
  pool(max?: number): pg.Pool;
  /** Runs at teardown before the apps close (ceiling servers). */
  onTeardown(close: () => Promise<unknown>): void;
}

/** DATABASE_URL, or a message that says how to set it. */
export function requireDatabaseUrl(bench: string): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error(`bench/${bench} measures PostgreSQL: set DATABASE_URL, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/test pnpm bench`);
  return url;
}

/** Creates the scratch database, runs `work` on it, and always drops it. */
export async function withScratchDatabase<T>(bench: string, work: (scratch: ScratchDatabase) => Promise<T>): Promise<T> {
  const serverUrl = requireDatabaseUrl(bench);
  const name = `linli_bench_${bench.replace(/\W/g, '_')}_${randomBytes(4).toString('hex')}`;
  const url = withDatabase(serverUrl, name);
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  console.log(`${bench}: scratch database ${name}`);
  // Once teardown begins, dropping the database terminates every connection still open to it: expected, not reported
  // (and every pool has an 'error' listener, else such a termination on an idle client crashes the process).
  let closing = false;
  const teardown: (() => Promise<unknown>)[] = [];
  const apps: App[] = [];
  const pools: pg.Pool[] = [];
  let handle: DatabaseHandle | undefined;
  try {
    handle = await openDatabase({ kind: 'postgres', url }, { error: (obj, msg) => closing || console.error(msg, obj) });
    await handle.migrate(findMigrationsFolder());
    const { communityId } = await seedDemoCommunity(handle.db);
    const openHandle = handle;
    const env = (extra: Record<string, string> = {}) => ({
      NODE_ENV: 'test', DATABASE_URL: url, SEED_DEMO: 'off', LOG_LEVEL: 'silent', DATA_DIR: `/tmp/${name}`,
      LOGIN_RATE_LIMIT_PER_IP: '100000', LOGIN_RATE_LIMIT_PER_PHONE: '100000', CHAT_SEND_LIMIT_PER_MINUTE: '100000',
      ...extra,
    });
    return await work({
      name,
      url,
      handle: openHandle,
      communityId,
      env,
      async startApp(extra, options) {
        const app = await buildApp(loadConfig(env(extra)), { ...options, database: openHandle, logger: false });
        apps.push(app);
        return { app, baseUrl: await app.listen({ port: 0, host: '127.0.0.1' }) };
      },
      pool(max = 20) {
        const pool = new pg.Pool({ connectionString: url, max });
        pool.on('error', (err) => closing || console.error(`${bench}: pool`, err));
        pools.push(pool);
        return pool;
      },
      onTeardown(close) {
        teardown.push(close);
      },
    });
  } finally {
    closing = true;
    for (const close of teardown.reverse()) await close().catch((err: unknown) => console.error(`${bench}: teardown`, err));
    for (const app of apps.reverse()) await app.close().catch((err: unknown) => console.error(`${bench}: closing the app`, err));
    for (const pool of pools) await pool.end().catch(() => undefined);
    await handle?.close().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch((err: unknown) => console.error(`${bench}: drop ${name}`, err));
    await admin.end();
    console.log(`${bench}: dropped ${name}`);
  }
}

export interface BoundResident {
  userId: string;
  householdId: string;
}

/**
 * `count` households in the named building (units from `firstUnit` on, 24 rooms a unit, clear of the demo's units 1–2),
 * each with one person and a resident account bound to it (approved), written straight in SQL. Phones are
 * `phonePrefix` (3 digits) + 8 digits, so two calls with different prefixes never collide.
 */
export async function addBoundResidents(
  db: pg.Pool | pg.Client,
  options: { buildingName: string; count: number; phonePrefix: string; communityId: string; firstUnit?: number },
): Promise<BoundResident[]> {
  const { buildingName, count, phonePrefix, communityId, firstUnit = 10 } = options;
  const { rows } = await db.query<{ user_id: string; household_id: string }>(`
    WITH b AS (SELECT id FROM buildings WHERE name = $1),
    h AS (
      INSERT INTO households (building_id, unit, room)
      SELECT b.id, ($4 + g / 24)::text, (100 * (1 + (g % 24) / 2) + 1 + g % 2)::text FROM b, generate_series(0, $2 - 1) g
      RETURNING id, unit, room
    ),
    numbered AS (SELECT id, row_number() OVER (ORDER BY unit::int, room::int) AS k FROM h),
    p AS (INSERT INTO persons (household_id, name, phone) SELECT id, '压测住户' || k, $3 || lpad(k::text, 8, '0') FROM numbered),
    u AS (
      INSERT INTO users (phone, display_name) SELECT $3 || lpad(k::text, 8, '0'), '压测住户' || k FROM numbered
      RETURNING id, phone
    ),
    r AS (INSERT INTO role_assignments (user_id, role, community_id) SELECT id, 'resident', $5 FROM u)
    INSERT INTO household_bindings (user_id, household_id, status)
    SELECT u.id, numbered.id, 'approved' FROM numbered JOIN u ON u.phone = $3 || lpad(numbered.k::text, 8, '0')
    RETURNING user_id, household_id`, [buildingName, count, phonePrefix, firstUnit, communityId]);
  if (rows.length !== count) throw new Error(`bench set-up: ${rows.length} residents bound in ${buildingName}, expected ${count}`);
  return rows.map((r) => ({ userId: r.user_id, householdId: r.household_id }));
}
