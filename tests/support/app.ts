// The app in-process on a fresh database, with helpers to log in and call the API as a given phone.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp, type BuildAppOptions } from '@linli/server/app';
import { loadConfig, type AppConfig } from '@linli/server/config';
import { seedDemoCommunity } from '@linli/server/db/seed-demo';
import { createTestDatabase, type TestDatabase } from './database';

export interface TestApp {
  app: FastifyInstance;
  /** The configuration it was built with (a second instance sharing its Redis reuses it). */
  config: AppConfig;
  database: TestDatabase;
  db: TestDatabase['db'];
  /** Dev log-in; returns the access token and the account id. */
  login(phone: string): Promise<{ token: string; refreshToken: string; userId: string }>;
  /** inject() with the bearer token of `token` (or none). */
  call(token: string | null, options: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  seed?: 'demo' | 'none';
  env?: Record<string, string>;
  build?: BuildAppOptions;
}

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  if ((options.seed ?? 'demo') === 'demo') await seedDemoCommunity(database.db);
  // Each test app has its own Redis keys and channel (rate limits must not carry over between runs or files).
  const config = loadConfig({
    NODE_ENV: 'test', SEED_DEMO: 'off', LOGIN_RATE_LIMIT_PER_IP: '100000', LOGIN_RATE_LIMIT_PER_PHONE: '100000',
    REDIS_KEY_PREFIX: `linli-test-${randomUUID()}:`, ...options.env,
  });
  const app = await buildApp(config, { logger: false, ...options.build, database });
  await app.ready();
  const tokens = new Map<string, { token: string; refreshToken: string; userId: string }>();
  return {
    app,
    config,
    database,
    db: database.db,
    async login(phone) {
      const cached = tokens.get(phone);
      if (cached) return cached;
      const res = await app.inject({ method: 'POST', url: '/api/v1/auth/dev-login', payload: { phone } });
      if (res.statusCode !== 200) throw new Error(`dev-login ${phone} → ${res.statusCode} ${res.body}`);
      const body = res.json();
      const session = { token: body.accessToken, refreshToken: body.refreshToken, userId: body.user.id };
      tokens.set(phone, session);
      return session;
    },
    call(token, injectOptions) {
      return app.inject({
        ...injectOptions,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...injectOptions.headers },
      });
    },
    async close() {
      await app.close();
      await database.close();
    },
  };
}
