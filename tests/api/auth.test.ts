// Log-in by phone, access tokens (HS256, 15 min), refresh rotation with family revocation, logout, and log-in rate limits.
import { createHash, createHmac } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { selectRows } from '@linli/server/db/client';
import { createTestApp, type TestApp } from '../support/app';

const jwtSecret = 'test-secret-for-auth-suite-0123456789abcdef';
const adminPhone = '13900000000';

const b64url = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** Signs a JWT by hand, so tests can make tokens the server must refuse. */
function craftJwt(header: Record<string, unknown>, payload: Record<string, unknown>, secret = jwtSecret, hmac: 'sha256' | 'sha512' = 'sha256'): string {
  const signingInput = `${b64url(header)}.${b64url(payload)}`;
  return `${signingInput}.${createHmac(hmac, secret).update(signingInput).digest('base64url')}`;
}

function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, any> } {
  const [header, payload] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header!, 'base64url').toString()),
    payload: JSON.parse(Buffer.from(payload!, 'base64url').toString()),
  };
}

const now = () => Math.floor(Date.now() / 1000);

async function countUsers(t: TestApp, phone?: string): Promise<number> {
  const rows = await selectRows<{ n: number }>(
    t.db,
    phone ? sql`SELECT count(*)::int AS n FROM users WHERE phone = ${phone}` : sql`SELECT count(*)::int AS n FROM users`,
  );
  return rows[0]!.n;
}

const devLogin = (t: TestApp, phone: string, remoteAddress?: string) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/dev-login', payload: { phone }, ...(remoteAddress ? { remoteAddress } : {}) });
const refresh = (t: TestApp, refreshToken: string, remoteAddress?: string) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken }, ...(remoteAddress ? { remoteAddress } : {}) });
const me = (t: TestApp, token: string | null) => t.call(token, { url: '/api/v1/me' });

describe('auth', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { JWT_SECRET: jwtSecret } });
  });
  afterAll(async () => t?.close());

  describe('dev log-in by phone', () => {
    it('logs a demo admin in with their roles', async () => {
      const res = await devLogin(t, adminPhone);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toEqual({
        accessToken: expect.any(String),
        refreshToken: expect.any(String),
        accessTokenExpiresIn: 900,
        user: { id: expect.any(String), displayName: expect.any(String), phone: adminPhone, hasWechat: false },
      });
      const profile = await me(t, body.accessToken);
      expect(profile.statusCode).toBe(200);
      expect(profile.json().user.id).toBe(body.user.id);
      expect(profile.json().roles).toEqual([expect.objectContaining({ role: 'admin' })]);
    });

    it('creates an account with no roles and no household for an unknown phone, once', async () => {
      const phone = '13712345678';
      expect(await countUsers(t, phone)).toBe(0);
      const first = await devLogin(t, phone);
      expect(first.statusCode).toBe(200);
      expect(first.json().user).toMatchObject({ phone, hasWechat: false });
      const profile = (await me(t, first.json().accessToken)).json();
      expect(profile.roles).toEqual([]);
      expect(profile.households).toEqual([]);

      const second = await devLogin(t, phone);
      expect(second.json().user.id).toBe(first.json().user.id);
      expect(await countUsers(t, phone)).toBe(1);
    });

    it('refuses a malformed phone with VALIDATION_FAILED and creates nothing', async () => {
      const before = await countUsers(t);
      for (const payload of [{ phone: '12345' }, { phone: '' }, {}, { phone: 13712345679 }, { phone: '13712345679', extra: 1 }]) {
        const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/dev-login', payload });
        expect(res.statusCode).toBe(400);
        expect(res.json().error).toEqual({ code: 'VALIDATION_FAILED', message: expect.any(String), details: expect.any(Array) });
      }
      expect(await countUsers(t)).toBe(before);
    });
  });

  describe('access token', () => {
    it('is an HS256 JWT that lives exactly 15 minutes', async () => {
      const { token, userId } = await t.login(adminPhone);
      const { header, payload } = decodeJwt(token);
      expect(header.alg).toBe('HS256');
      expect(payload.sub).toBe(userId);
      expect(payload.exp - payload.iat).toBe(900);
      expect(Math.abs(payload.iat - now())).toBeLessThan(60);
    });

    it('accepts a token signed the way the server signs (so the refusals below are about the one thing changed)', async () => {
      const { userId } = await t.login(adminPhone);
      const token = craftJwt({ alg: 'HS256', typ: 'JWT' }, { sub: userId, typ: 'access', iat: now(), exp: now() + 600 });
      expect((await me(t, token)).statusCode).toBe(200);
    });

    it.each([
      ['alg none, no signature', (sub: string) => `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ sub, typ: 'access', iat: now(), exp: now() + 600 })}.`],
      ['HS512 with the right secret', (sub: string) => craftJwt({ alg: 'HS512', typ: 'JWT' }, { sub, typ: 'access', iat: now(), exp: now() + 600 }, jwtSecret, 'sha512')],
      ['HS256 with another secret', (sub: string) => craftJwt({ alg: 'HS256', typ: 'JWT' }, { sub, typ: 'access', iat: now(), exp: now() + 600 }, 'another-secret-another-secret-another-secret')],
      ['not an access token (typ refresh)', (sub: string) => craftJwt({ alg: 'HS256', typ: 'JWT' }, { sub, typ: 'refresh', iat: now(), exp: now() + 600 })],
      ['a payload edited after signing', (sub: string) => {
        const [h, , s] = craftJwt({ alg: 'HS256', typ: 'JWT' }, { sub, typ: 'access', iat: now(), exp: now() + 600 }).split('.');
        return `${h}.${b64url({ sub: '00000000-0000-0000-0000-000000000000', typ: 'access', iat: now(), exp: now() + 600 })}.${s}`;
      }],
      ['garbage', () => 'not-a-jwt'],
    ])('refuses %s with 401 UNAUTHENTICATED', async (_name, make) => {
      const { userId } = await t.login(adminPhone);
      const res = await me(t, make(userId));
      expect(res.statusCode).toBe(401);
      expect(res.json().error).toEqual({ code: 'UNAUTHENTICATED', message: expect.any(String) });
    });

    it('refuses an expired token with 401 TOKEN_EXPIRED', async () => {
      const { userId } = await t.login(adminPhone);
      const token = craftJwt({ alg: 'HS256', typ: 'JWT' }, { sub: userId, typ: 'access', iat: now() - 1000, exp: now() - 100 });
      const res = await me(t, token);
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('TOKEN_EXPIRED');
    });

    it('a token accepted once (and remembered as verified) is refused from the second it expires', async () => {
      const { userId } = await t.login(adminPhone);
      const token = craftJwt({ alg: 'HS256', typ: 'JWT' }, { sub: userId, typ: 'access', iat: now(), exp: now() + 2 });
      expect((await me(t, token)).statusCode).toBe(200);
      expect((await me(t, token)).statusCode).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, (now() + 2) * 1000 - Date.now() + 50));
      const res = await me(t, token);
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('TOKEN_EXPIRED');
    });

    it('answers /me without a token with 401 UNAUTHENTICATED and the error body', async () => {
      for (const headers of [{}, { authorization: 'Basic YWRtaW46YWRtaW4=' }, { authorization: 'Bearer' }]) {
        const res = await t.app.inject({ url: '/api/v1/me', headers });
        expect(res.statusCode).toBe(401);
        expect(res.json()).toEqual({ error: { code: 'UNAUTHENTICATED', message: expect.any(String) } });
      }
    });
  });

  describe('refresh tokens', () => {
    it('rotates on every use: a new pair, the old refresh token spent', async () => {
      const login = (await devLogin(t, '13700000001')).json();
      const res = await refresh(t, login.refreshToken);
      expect(res.statusCode).toBe(200);
      const rotated = res.json();
      expect(rotated.refreshToken).not.toBe(login.refreshToken);
      expect(rotated.user.id).toBe(login.user.id);
      expect(decodeJwt(rotated.accessToken).payload.sub).toBe(login.user.id);
      expect((await me(t, rotated.accessToken)).statusCode).toBe(200);
      // The newest token keeps the chain going.
      expect((await refresh(t, rotated.refreshToken)).statusCode).toBe(200);
    });

    it('treats re-use of a spent token as theft: 401 REFRESH_TOKEN_REUSED and the whole family, newest included, is revoked', async () => {
      const login = (await devLogin(t, '13700000002')).json();
      const otherDevice = (await devLogin(t, '13700000002')).json();
      const second = (await refresh(t, login.refreshToken)).json().refreshToken as string;
      const third = (await refresh(t, second)).json().refreshToken as string;

      const reuse = await refresh(t, login.refreshToken);
      expect(reuse.statusCode).toBe(401);
      expect(reuse.json().error.code).toBe('REFRESH_TOKEN_REUSED');

      const newest = await refresh(t, third);
      expect(newest.statusCode).toBe(401);
      expect(newest.json().error.code).toBe('REFRESH_TOKEN_INVALID');
      const family = await selectRows<{ revoked: number; total: number }>(t.db, sql`
        SELECT count(*) FILTER (WHERE revoked_at IS NOT NULL)::int AS revoked, count(*)::int AS total
        FROM refresh_tokens WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = ${createHash('sha256').update(third).digest('hex')})`);
      expect(family[0]).toEqual({ revoked: 3, total: 3 });

      // Another log-in of the same account is another family and lives on.
      expect((await refresh(t, otherDevice.refreshToken)).statusCode).toBe(200);
    });

    it('refuses an unknown refresh token with 401 REFRESH_TOKEN_INVALID', async () => {
      const res = await refresh(t, 'x'.repeat(43));
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('REFRESH_TOKEN_INVALID');
    });

    it('stores refresh tokens only as hashes', async () => {
      const login = (await devLogin(t, '13700000003')).json();
      const rotated = (await refresh(t, login.refreshToken)).json();
      const rows = await selectRows<{ row: string }>(t.db, sql`SELECT row_to_json(r)::text AS row FROM refresh_tokens r`);
      expect(rows.length).toBeGreaterThan(0);
      for (const raw of [login.refreshToken, rotated.refreshToken]) {
        expect(rows.filter((r) => r.row.includes(raw))).toEqual([]);
        const hashed = await selectRows(t.db, sql`SELECT 1 FROM refresh_tokens WHERE token_hash = ${createHash('sha256').update(raw).digest('hex')}`);
        expect(hashed).toHaveLength(1);
      }
    });

    it('logout revokes: the refresh token no longer works, and logging out twice is fine', async () => {
      const login = (await devLogin(t, '13700000004')).json();
      const rotated = (await refresh(t, login.refreshToken)).json();
      const out = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', payload: { refreshToken: rotated.refreshToken } });
      expect(out.statusCode).toBe(204);
      const after = await refresh(t, rotated.refreshToken);
      expect(after.statusCode).toBe(401);
      expect(after.json().error.code).toMatch(/^REFRESH_TOKEN_/);
      const again = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', payload: { refreshToken: rotated.refreshToken } });
      expect(again.statusCode).toBe(204);
    });

    it('refuses a malformed refresh body with VALIDATION_FAILED', async () => {
      for (const payload of [{}, { refreshToken: 'short' }, { refreshToken: 'x'.repeat(600) }, { refreshToken: 42 }]) {
        const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload });
        expect(res.statusCode).toBe(400);
        expect(res.json().error.code).toBe('VALIDATION_FAILED');
      }
    });
  });
});

describe('dev log-in switched off (AUTH_DEV_LOGIN=off)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ seed: 'none', env: { AUTH_DEV_LOGIN: 'off' } });
  });
  afterAll(async () => t?.close());

  it('answers 403 DEV_LOGIN_DISABLED and creates no account', async () => {
    const res = await devLogin(t, '13712340000');
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toEqual({ code: 'DEV_LOGIN_DISABLED', message: expect.any(String) });
    expect(await countUsers(t)).toBe(0);
  });
});

describe('log-in rate limits (LOGIN_RATE_LIMIT_PER_PHONE=3, LOGIN_RATE_LIMIT_PER_IP=5)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ seed: 'none', env: { LOGIN_RATE_LIMIT_PER_PHONE: '3', LOGIN_RATE_LIMIT_PER_IP: '5' } });
  });
  afterAll(async () => t?.close());

  const expectRateLimited = (res: Awaited<ReturnType<typeof devLogin>>) => {
    expect(res.statusCode).toBe(429);
    expect(res.json().error).toEqual({ code: 'RATE_LIMITED', message: expect.any(String), details: expect.anything() });
    const retryAfter = Number(res.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
  };

  it('limits log-ins per phone, whatever the address they come from', async () => {
    const phone = '13711110000';
    for (let i = 1; i <= 3; i++) expect((await devLogin(t, phone, `10.0.0.${i}`)).statusCode).toBe(200);
    expectRateLimited(await devLogin(t, phone, '10.0.0.4'));
    // Another phone is not affected.
    expect((await devLogin(t, '13711110001', '10.0.0.5')).statusCode).toBe(200);
  });

  it('limits log-ins per IP across phones, and a limited attempt creates nothing', async () => {
    const ip = '10.9.9.9';
    for (let i = 0; i < 5; i++) expect((await devLogin(t, `1372222000${i}`, ip)).statusCode).toBe(200);
    expectRateLimited(await devLogin(t, '13722220009', ip));
    expect(await countUsers(t, '13722220009')).toBe(0);
    // Another address is not affected.
    expect((await devLogin(t, '13722220009', '10.9.9.10')).statusCode).toBe(200);
  });

  it('keeps renewing sessions from an address whose log-in budget is spent (one NAT, a whole compound), up to 10× that budget', async () => {
    const ip = '10.8.8.8';
    const sessions = [];
    for (let i = 0; i < 5; i++) sessions.push((await devLogin(t, `1374444000${i}`, ip)).json().refreshToken as string);
    expectRateLimited(await devLogin(t, '13744440009', ip));

    let renewed = 0;
    let token = sessions[0]!;
    for (let i = 0; i < 50; i++) {
      const res = await refresh(t, token, ip);
      expect(res.statusCode).toBe(200);
      token = res.json().refreshToken;
      renewed++;
    }
    expect(renewed).toBe(50);
    expectRateLimited(await refresh(t, token, ip));
  });
});

describe('log-in rate limit window (RATE_LIMIT_WINDOW_MS=1000)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ seed: 'none', env: { LOGIN_RATE_LIMIT_PER_PHONE: '1', RATE_LIMIT_WINDOW_MS: '1000' } });
  });
  afterAll(async () => t?.close());

  it('lets the phone log in again once the window has passed', async () => {
    const phone = '13733330000';
    expect((await devLogin(t, phone)).statusCode).toBe(200);
    expect((await devLogin(t, phone)).statusCode).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect((await devLogin(t, phone)).statusCode).toBe(200);
  });
});
