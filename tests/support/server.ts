// The whole product on a real port: the app on a fresh seeded database, serving the built h5 app at `/`.
import { randomUUID } from 'node:crypto';
import { buildApp } from '@linli/server/app';
import { loadConfig } from '@linli/server/config';
import { seedDemoCommunity } from '@linli/server/db/seed-demo';
import { createTestDatabase } from './database';

export interface TestServer {
  url: string;
  close(): Promise<void>;
}

export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const database = await createTestDatabase();
  await seedDemoCommunity(database.db);
  // Its own Redis keys and channel, as in support/app.ts.
  const config = loadConfig({ NODE_ENV: 'test', SEED_DEMO: 'off', HOST: '127.0.0.1', PORT: '0', REDIS_KEY_PREFIX: `linli-test-${randomUUID()}:`, ...env });
  const app = await buildApp(config, { logger: false, database });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    async close() {
      await app.close();
      await database.close();
    },
  };
}
