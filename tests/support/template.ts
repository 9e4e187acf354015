// Where the pre-migrated database for tests lives, keyed by a hash of drizzle/ so a new migration makes a new one.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '../..');
export const migrationsFolder = join(repoRoot, 'drizzle');

export function migrationsHash(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else hash.update(entry.name).update(readFileSync(path));
    }
  };
  walk(migrationsFolder);
  return hash.digest('hex').slice(0, 12);
}

/** Names this checkout's databases, so test runs of two checkouts on one PostgreSQL never drop each other's. */
export const checkoutTag = createHash('sha256').update(repoRoot).digest('hex').slice(0, 6);

export const pgliteSnapshotPath = () => join(repoRoot, '.tmp', `pglite-${migrationsHash()}.tar.gz`);
export const postgresTemplateName = () => `linli_tpl_${checkoutTag}_${migrationsHash()}`;
export const testDatabasePrefix = `linli_t_${checkoutTag}_`;

/** The same server, another database on it. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
