// With REDIS_URL, the per-account chat send limit and the log-in limiter are one budget across instances (two server
// instances on the same PostgreSQL and Redis); without it each instance counts for itself.
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '@linli/server/app';
import { openDatabase, type DatabaseHandle } from '@linli/server/db/client';
import { buildings, chatMessages, users } from '@linli/server/db/schema/index';
import { createTestApp, type TestApp } from '../support/app';

const redisUrl = process.env.REDIS_URL;
const limit = 3;

let t: TestApp;
let b: FastifyInstance;
let secondDatabase: DatabaseHandle | undefined;
let building1: string;

beforeAll(async () => {
  t = await createTestApp({
    env: { CHAT_SEND_LIMIT_PER_MINUTE: String(limit), LOGIN_RATE_LIMIT_PER_PHONE: String(limit), ...(redisUrl ? { REDIS_URL: redisUrl } : {}) },
  });
  // Instance B: the same configuration (same Redis key prefix), its own connection pool to the same database.
  secondDatabase = t.database.url ? await openDatabase({ kind: 'postgres', url: t.database.url }) : undefined;
  b = await buildApp(t.config, { logger: false, database: secondDatabase ?? t.database });
  const [row] = await t.db.select().from(buildings).where(eq(buildings.name, '1号楼'));
  building1 = row!.id;
});
afterAll(async () => {
  await b?.close();
  await secondDatabase?.close();
  await t?.close();
});

const devLogin = (app: FastifyInstance, phone: string) => app.inject({ method: 'POST', url: '/api/v1/auth/dev-login', payload: { phone } });

let posted = 0;
const post = (app: FastifyInstance, token: string) => app.inject({
  method: 'POST', url: `/api/v1/chats/${building1}/messages`,
  headers: { authorization: `Bearer ${token}` },
  payload: { clientId: `limit-${++posted}`, text: `第 ${posted} 条` },
});

async function messagesOf(phone: string) {
  const [user] = await t.db.select().from(users).where(eq(users.phone, phone));
  return t.db.select().from(chatMessages).where(and(eq(chatMessages.senderId, user!.id), eq(chatMessages.groupId, building1)));
}

if (redisUrl) {
  it('the chat send limit is one budget across both instances: the 4th message is refused on either, and not written', async () => {
    const { token } = await t.login('13801110100');
    const before = (await messagesOf('13801110100')).length;
    expect((await post(t.app, token)).statusCode).toBe(201);
    expect((await post(b, token)).statusCode).toBe(201);
    expect((await post(t.app, token)).statusCode).toBe(201);
    for (const app of [b, t.app]) {
      const refused = await post(app, token);
      expect(refused.statusCode).toBe(429);
      expect(refused.json().error.code).toBe('RATE_LIMITED');
      expect(refused.json().error.details.retryAfterSeconds).toBeGreaterThan(0);
    }
    expect(await messagesOf('13801110100')).toHaveLength(before + limit);
  });

  it('an idempotent re-send through the other instance costs nothing', async () => {
    const { token } = await t.login('13801110200');
    const first = await post(t.app, token);
    const again = await b.inject({
      method: 'POST', url: `/api/v1/chats/${building1}/messages`, headers: { authorization: `Bearer ${token}` },
      payload: { clientId: `limit-${posted}`, text: '重发' },
    });
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);
    expect((await post(b, token)).statusCode).toBe(201);
    expect((await post(t.app, token)).statusCode).toBe(201);
    expect((await post(b, token)).statusCode).toBe(429);
  });

  it('posts arriving at once through both instances cannot both take the last sends: 6 at the same moment, 3 written', async () => {
    const { token } = await t.login('13801120100');
    const before = (await messagesOf('13801120100')).length;
    const codes = (await Promise.all([t.app, b, t.app, b, t.app, b].map((app) => post(app, token)))).map((r) => r.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(limit);
    expect(codes.filter((c) => c === 429)).toHaveLength(6 - limit);
    expect(await messagesOf('13801120100')).toHaveLength(before + limit);
  });

  it('a post refused for bad input, by either instance, gives its send back', async () => {
    const { token } = await t.login('13801120200');
    for (const app of [t.app, b, t.app, b]) {
      const bad = await app.inject({
        method: 'POST', url: `/api/v1/chats/${building1}/messages`, headers: { authorization: `Bearer ${token}` },
        payload: { clientId: `bad-${++posted}`, text: '' },
      });
      expect(bad.statusCode).toBe(400);
    }
    for (const app of [b, t.app, b]) expect((await post(app, token)).statusCode).toBe(201);
    expect((await post(t.app, token)).statusCode).toBe(429);
  });

  it('log-in attempts per phone count across both instances', async () => {
    const phone = '13801130100';
    const codes = [];
    for (const app of [t.app, b, t.app, b, t.app]) codes.push((await devLogin(app, phone)).statusCode);
    expect(codes).toEqual([200, 200, 200, 429, 429]);
    // Another phone still has its own budget.
    expect((await devLogin(b, '13801130200')).statusCode).toBe(200);
  });
} else {
  it('without REDIS_URL each instance keeps its own budgets', async () => {
    const { token } = await t.login('13801110100');
    for (let n = 0; n < limit; n++) expect((await post(t.app, token)).statusCode).toBe(201);
    expect((await post(t.app, token)).statusCode).toBe(429);
    expect((await post(b, token)).statusCode).toBe(201);
    const phone = '13801130100';
    for (let n = 0; n < limit; n++) expect((await devLogin(t.app, phone)).statusCode).toBe(200);
    expect((await devLogin(t.app, phone)).statusCode).toBe(429);
    expect((await devLogin(b, phone)).statusCode).toBe(200);
  });

  it('posts arriving at once cannot both take the last sends: 6 at the same moment, 3 written', async () => {
    const { token } = await t.login('13801120100');
    const before = (await messagesOf('13801120100')).length;
    const codes = (await Promise.all(Array.from({ length: 6 }, () => post(t.app, token)))).map((r) => r.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(limit);
    expect(codes.filter((c) => c === 429)).toHaveLength(6 - limit);
    expect(await messagesOf('13801120100')).toHaveLength(before + limit);
  });

  it('a post refused for bad input gives its send back', async () => {
    const { token } = await t.login('13801120200');
    for (let n = 0; n < limit + 1; n++) {
      const bad = await t.app.inject({
        method: 'POST', url: `/api/v1/chats/${building1}/messages`, headers: { authorization: `Bearer ${token}` },
        payload: { clientId: `bad-${++posted}`, text: '' },
      });
      expect(bad.statusCode).toBe(400);
    }
    for (let n = 0; n < limit; n++) expect((await post(t.app, token)).statusCode).toBe(201);
    expect((await post(t.app, token)).statusCode).toBe(429);
  });
}
