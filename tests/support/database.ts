// A fresh, migrated database for one test file: a copy of the template on PostgreSQL, or a PGlite from the snapshot.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import type { DatabaseHandle } from '@linli/server/db/client';
import { openDatabase } from '@linli/server/db/client';
import { pgliteSnapshotPath, postgresTemplateName, testDatabasePrefix, withDatabase } from './template';

export const onPostgres = Boolean(process.env.DATABASE_URL);

export interface TestDatabase extends DatabaseHandle {
  /** A connection string for a second server instance on the same database (PostgreSQL only). */
  url: string | null;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const name = `${testDatabasePrefix}${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${postgresTemplateName()}"`);
    } finally {
      await admin.end();
    }
    const dbUrl = withDatabase(url, name);
    const handle = await openDatabase({ kind: 'postgres', url: dbUrl }, { error: () => undefined });
    return {
      ...handle,
      url: dbUrl,
      async close() {
        await handle.close();
        const dropper = new pg.Client({ connectionString: url });
        await dropper.connect();
        try {
          await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        } finally {
          await dropper.end();
        }
      },
    };
  }
  const handle = await openDatabase({ kind: 'pglite', dataDir: null }, console, {
    pgliteSnapshot: new Blob([readFileSync(pgliteSnapshotPath())]),
  });
  return { ...handle, url: null };
}
