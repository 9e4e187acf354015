// Runs once per jest run: migrates one template database (PostgreSQL) or one PGlite snapshot, which each test file copies.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import pg from 'pg';
import { checkoutTag, migrationsFolder, pgliteSnapshotPath, postgresTemplateName, testDatabasePrefix, withDatabase } from './template';

async function preparePostgresTemplate(url: string) {
  const template = postgresTemplateName();
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    // Databases of this checkout's earlier runs that were stopped before they could drop their own.
    const stale = await admin.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE starts_with(datname, $2) OR (starts_with(datname, $3) AND datname <> $1)',
      [template, testDatabasePrefix, `linli_tpl_${checkoutTag}_`],
    );
    for (const { datname } of stale.rows) {
      if (ownerIsRunning(datname)) continue; // another jest run of this checkout, still using it
      await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (exists.rowCount) return;
    const building = `${template}_building`;
    await admin.query(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${building}"`);
    const { drizzle } = await import('drizzle-orm/node-postgres');
    const { migrate } = await import('drizzle-orm/node-postgres/migrator');
    const client = new pg.Client({ connectionString: withDatabase(url, building) });
    await client.connect();
    try {
      await migrate(drizzle(client), { migrationsFolder });
    } finally {
      await client.end();
    }
    // Renamed only when complete, so an interrupted run never leaves a half-migrated template behind.
    await admin.query(`ALTER DATABASE "${building}" RENAME TO "${template}"`);
  } finally {
    await admin.end();
  }
}

/** A test database is named after the jest worker that made it (`<prefix><pid>_<random>`, see database.ts). */
function ownerIsRunning(datname: string): boolean {
  if (!datname.startsWith(testDatabasePrefix)) return false;
  const pid = Number(datname.slice(testDatabasePrefix.length).split('_')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function preparePgliteSnapshot() {
  const path = pgliteSnapshotPath();
  if (existsSync(path)) return;
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  const client = new PGlite();
  await migrate(drizzle(client), { migrationsFolder });
  const dump = await client.dumpDataDir('gzip');
  await client.close();
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.part`, Buffer.from(await dump.arrayBuffer()));
  const { renameSync } = await import('node:fs');
  renameSync(`${path}.part`, path);
}

export default async function globalSetup() {
  const url = process.env.DATABASE_URL;
  if (url) await preparePostgresTemplate(url);
  else await preparePgliteSnapshot();
}
