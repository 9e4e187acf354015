// Refresh-token rotation and first log-in under concurrency: the rules hold in SQL, not in a JavaScript read-then-write.
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { selectRows } from '@linli/server/db/client';
import { createTestApp, type TestApp } from '../support/app';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ seed: 'none' });
});
afterAll(async () => t?.close());

const refresh = (refreshToken: string) => t.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken } });

async function familyOf(refreshToken: string) {
  const [row] = await selectRows<{ revoked: number; total: number }>(t.db, sql`
    SELECT count(*) FILTER (WHERE revoked_at IS NOT NULL)::int AS revoked, count(*)::int AS total
    FROM refresh_tokens WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = ${sha256(refreshToken)})`);
  return row!;
}

describe('10 concurrent refreshes of one refresh token', () => {
  // Several rounds: a lost race between "spend", "issue the successor" and "revoke the family" shows up only sometimes.
  it.each(Array.from({ length: 30 }, (_, i) => i + 1))('round %i: exactly one succeeds, the rest are re-use, and the whole family ends revoked', async (round) => {
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/dev-login', payload: { phone: `136000${String(round).padStart(5, '0')}` } });
    expect(login.statusCode).toBe(200);
    const { refreshToken } = login.json();

    const results = await Promise.all(Array.from({ length: 10 }, () => refresh(refreshToken)));
    const ok = results.filter((r) => r.statusCode === 200);
    const refused = results.filter((r) => r.statusCode === 401);
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(9);
    for (const r of refused) expect(r.json().error.code).toBe('REFRESH_TOKEN_REUSED');

    // The successor the one winner got was born into a family that was then found re-used: it must be dead too.
    const successor = ok[0]!.json().refreshToken as string;
    const next = await refresh(successor);
    expect(next.statusCode).toBe(401);
    expect(await familyOf(successor)).toEqual({ revoked: 2, total: 2 });
  });
});

describe('20 concurrent first log-ins of one new phone', () => {
  it('create exactly one account, and every log-in gets that account', async () => {
    const phone = '13655550000';
    const results = await Promise.all(
      Array.from({ length: 20 }, () => t.app.inject({ method: 'POST', url: '/api/v1/auth/dev-login', payload: { phone } })),
    );
    expect(results.map((r) => r.statusCode)).toEqual(Array(20).fill(200));
    const ids = new Set(results.map((r) => r.json().user.id));
    expect(ids.size).toBe(1);
    const rows = await selectRows<{ id: string }>(t.db, sql`SELECT id FROM users WHERE phone = ${phone}`);
    expect(rows).toEqual([{ id: [...ids][0] }]);
    // Each log-in is its own session: 20 refresh-token families.
    const [families] = await selectRows<{ n: number }>(t.db, sql`SELECT count(DISTINCT family_id)::int AS n FROM refresh_tokens WHERE user_id = ${rows[0]!.id}`);
    expect(families!.n).toBe(20);
  });
});

describe('20 concurrent first WeChat log-ins of one new openid (dev stand-in: same code, same openid)', () => {
  it('create exactly one account', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () => t.app.inject({ method: 'POST', url: '/api/v1/auth/wechat', payload: { code: 'same-simulator-code' } })),
    );
    expect(results.map((r) => r.statusCode)).toEqual(Array(20).fill(200));
    expect(new Set(results.map((r) => r.json().user.id)).size).toBe(1);
  });
});

describe('a family with a revoked member', () => {
  it('refuses its live members too (a successor issued while a revocation ran cannot be spent)', async () => {
    const login = (await t.app.inject({ method: 'POST', url: '/api/v1/auth/dev-login', payload: { phone: '13655550001' } })).json();
    const successor = (await refresh(login.refreshToken)).json().refreshToken as string;
    // The state a lost race leaves behind: the spent token revoked, its successor not.
    await t.db.execute(sql`UPDATE refresh_tokens SET revoked_at = now() WHERE token_hash = ${sha256(login.refreshToken)}`);
    const res = await refresh(successor);
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('REFRESH_TOKEN_INVALID');
  });
});
