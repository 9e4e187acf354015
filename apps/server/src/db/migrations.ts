import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import { selectRows, type Database } from './client';

/** The workspace root (the folder with pnpm-workspace.yaml), found by walking up from the working directory. */
export function findRepoRoot(from: string = process.cwd()): string {
  let dir = resolve(from);
  for (let i = 0; i < 10; i++) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(`Could not find the Linli workspace (pnpm-workspace.yaml) above ${from}; run from inside the repository or set MIGRATIONS_DIR and H5_DIR`);
}

/** The repository's drizzle/ folder (or MIGRATIONS_DIR). */
export function findMigrationsFolder(explicit?: string | null): string {
  const folder = explicit ? resolve(explicit) : join(findRepoRoot(), 'drizzle');
  if (!existsSync(join(folder, 'meta', '_journal.json'))) {
    throw new Error(`No drizzle migrations at ${folder} (meta/_journal.json missing); set MIGRATIONS_DIR to the drizzle/ folder`);
  }
  return folder;
}

export function expectedMigrationCount(folder: string): number {
  const journal = JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
  return journal.entries.length;
}

export async function appliedMigrationCount(db: Database): Promise<number> {
  const [row] = await selectRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`);
  return Number(row?.n ?? 0);
}
