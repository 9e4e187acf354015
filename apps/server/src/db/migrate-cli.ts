// `pnpm db:migrate`: applies drizzle/ to DATABASE_URL, or to the embedded database in DATA_DIR.
import { ConfigError, loadConfig } from '../config';
import { openDatabase } from './client';
import { appliedMigrationCount, findMigrationsFolder } from './migrations';

async function main() {
  const config = loadConfig();
  const folder = findMigrationsFolder(config.migrationsDir);
  const where = config.database.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${config.database.dataDir}`;
  console.log(`Applying migrations from ${folder} to ${where} …`);
  const handle = await openDatabase(config.database);
  try {
    await handle.migrate(folder);
    console.log(`Done: ${await appliedMigrationCount(handle.db)} migrations applied in total.`);
  } finally {
    await handle.close();
  }
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? `Cannot migrate: ${err.message}` : `Migration failed: ${err?.message ?? err}`);
  process.exit(1);
});
