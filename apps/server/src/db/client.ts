// Opens the database the config names: PostgreSQL through `pg`, or embedded PGlite in DATA_DIR.
import { mkdirSync } from 'node:fs';
import { fillPlaceholders, type SQL } from 'drizzle-orm';
import { PgDialect, type PgDatabase, type PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { AppConfig } from '../config';
import { releaseConnectionWhenBeginFails } from './pooled-transaction';
import * as schema from './schema';

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];
export type DbOrTx = Database | Transaction;

/** Rows of a raw `db.execute(sql…)`: both drivers return `{ rows }`. */
export async function selectRows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

const dialect = new PgDialect();

/** The text and values a prepared statement would send, for a bare yardstick outside the app (bench/). */
export function statementText(build: () => SQL, values: Record<string, unknown>): { text: string; values: unknown[] } {
  const query = dialect.sqlToQuery(build());
  return { text: query.sql, values: fillPlaceholders(query.params, values) };
}

export interface PreparedStatementOptions {
  /**
   * Plan it once per connection, whatever the values: it runs on the connections of a small second pool whose sessions
   * have `plan_cache_mode = force_generic_plan` (the main pool's statements keep `auto`). For a statement whose best
   * plan does not depend on its values, which `auto` would still re-plan at every execution: with array parameters a
   * custom plan knows their sizes and always looks cheaper than the generic one, costed for 100 elements each.
   */
  genericPlan?: boolean;
}

interface QueryClient {
  query: (...args: unknown[]) => Promise<{ rows: unknown[] }>;
  totalCount?: number;
}

/** For each main pool, the pool its `genericPlan` statements run on. */
const genericPlanPools = new WeakMap<object, QueryClient>();

/**
 * A hot raw statement, written with `sql.placeholder(name)` for every value: its text is built once, and on
 * PostgreSQL it runs as a named prepared statement (parsed once per connection; planned at each execution unless
 * `genericPlan`). PGlite runs it plainly.
 */
export function preparedStatement<Row>(name: string, build: () => SQL, options: PreparedStatementOptions = {}) {
  let query: { sql: string; params: unknown[] } | undefined;
  return async (db: Database, values: Record<string, unknown>): Promise<Row[]> => {
    query ??= dialect.sqlToQuery(build());
    const params = fillPlaceholders(query.params, values);
    const client = (db as { $client?: QueryClient }).$client;
    if (!client) throw new Error(`preparedStatement ${name}: needs the database, not a transaction`);
    if (typeof client.totalCount !== 'number') {
      return (await client.query(query.sql, params.map((p) => (Array.isArray(p) ? arrayLiteral(p) : p)))).rows as Row[];
    }
    const pool = (options.genericPlan && genericPlanPools.get(client)) || client;
    return (await pool.query({ name, text: query.sql, values: params })).rows as Row[];
  };
}

/** A PostgreSQL array literal of text elements: PGlite cannot send a JS array as an enum[] or uuid[] parameter. */
function arrayLiteral(values: unknown[]): string {
  const element = (v: unknown) => (v === null || v === undefined ? 'NULL' : `"${String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
  return `{${values.map(element).join(',')}}`;
}

export interface DatabaseHandle {
  kind: 'postgres' | 'pglite';
  db: Database;
  /** Runs the committed migrations; safe when several instances start at once on PostgreSQL. */
  migrate(migrationsFolder: string): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export async function openDatabase(
  config: AppConfig['database'],
  log: { error: (obj: unknown, msg: string) => void } = console,
  options: { pgliteSnapshot?: Blob } = {},
): Promise<DatabaseHandle> {
  if (config.kind === 'postgres') {
    const { default: pg } = await import('pg');
    const nodePostgres = await import('drizzle-orm/node-postgres');
    const { drizzle } = nodePostgres;
    const { migrate } = await import('drizzle-orm/node-postgres/migrator');
    releaseConnectionWhenBeginFails(nodePostgres);
    const pool = new pg.Pool({ connectionString: config.url, max: 20, connectionTimeoutMillis: 5000 });
    // Two: the statements that use it are group-committed, one batch at the database at a time.
    const genericPlanPool = new pg.Pool({ connectionString: config.url, max: 2, connectionTimeoutMillis: 5000, options: '-c plan_cache_mode=force_generic_plan' });
    for (const p of [pool, genericPlanPool]) {
      // A terminated connection (database restart) must not crash the process; the next query reconnects.
      p.on('error', (err) => log.error({ err }, 'idle PostgreSQL connection failed; it will be replaced'));
      // A connection that dies while checked out (inside a transaction) emits 'error' on its client, which the pool
      // does not listen to then: unheard, it crashed the process. Its query fails by itself and the pool drops it.
      p.on('connect', (client) => client.on('error', (err) => log.error({ err }, 'PostgreSQL connection failed; it will be replaced')));
    }
    genericPlanPools.set(pool, genericPlanPool);
    const db = drizzle(pool, { schema }) as unknown as Database;
    return {
      kind: 'postgres',
      db,
      async migrate(migrationsFolder) {
        const client = new pg.Client({ connectionString: config.url });
        await client.connect();
        try {
          await client.query('SELECT pg_advisory_lock(7471001)');
          await migrate(drizzle(client), { migrationsFolder });
        } finally {
          await client.query('SELECT pg_advisory_unlock(7471001)').catch(() => undefined);
          await client.end();
        }
      },
      async ping() {
        await pool.query('SELECT 1');
      },
      async close() {
        await genericPlanPool.end();
        await pool.end();
      },
    };
  }

  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  if (config.dataDir) mkdirSync(config.dataDir, { recursive: true });
  // A snapshot (dumpDataDir) lets tests start from an already-migrated database in about a second.
  const client = new PGlite({
    ...(config.dataDir ? { dataDir: config.dataDir } : {}),
    ...(options.pgliteSnapshot ? { loadDataDir: options.pgliteSnapshot } : {}),
  });
  await client.waitReady;
  const db = drizzle(client, { schema }) as unknown as Database;
  return {
    kind: 'pglite',
    db,
    async migrate(migrationsFolder) {
      await migrate(drizzle(client), { migrationsFolder });
    },
    async ping() {
      await client.query('SELECT 1');
    },
    async close() {
      if (!client.closed) await client.close();
    },
  };
}
