// WeChat log-in through the real code2session adapter against a fake WeChat on 127.0.0.1, and the dev stand-in.
import { sql } from 'drizzle-orm';
import { selectRows } from '@linli/server/db/client';
import { createTestApp, type TestApp } from '../support/app';
import { startFakeWechat, type FakeWechat } from '../support/fake-wechat';

async function countUsers(t: TestApp): Promise<number> {
  return (await selectRows<{ n: number }>(t.db, sql`SELECT count(*)::int AS n FROM users`))[0]!.n;
}

const wechatLogin = (t: TestApp, payload: unknown) => t.app.inject({ method: 'POST', url: '/api/v1/auth/wechat', payload: payload as object });

describe('WeChat log-in (code2session against WECHAT_API_BASE)', () => {
  let fake: FakeWechat;
  let t: TestApp;
  beforeAll(async () => {
    fake = await startFakeWechat({ appId: 'wxtest', secret: 'secret' });
    t = await createTestApp({ seed: 'none', env: { WECHAT_APPID: 'wxtest', WECHAT_SECRET: 'secret', WECHAT_API_BASE: fake.url } });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });
  beforeEach(() => {
    fake.setMode('normal');
    fake.calls.length = 0;
  });

  it('creates the account on the first log-in and finds the same one on the next (same openid, new code)', async () => {
    fake.addCode('code-a1', { openid: 'openid-alice', session_key: 'SESSIONKEY-alice-1' });
    fake.addCode('code-a2', { openid: 'openid-alice', session_key: 'SESSIONKEY-alice-2' });
    const before = await countUsers(t);

    const first = await wechatLogin(t, { code: 'code-a1' });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      accessTokenExpiresIn: 900,
      user: { id: expect.any(String), displayName: expect.any(String), phone: null, hasWechat: true },
    });
    const second = await wechatLogin(t, { code: 'code-a2' });
    expect(second.statusCode).toBe(200);
    expect(second.json().user.id).toBe(first.json().user.id);
    expect(await countUsers(t)).toBe(before + 1);

    const me = await t.call(second.json().accessToken, { url: '/api/v1/me' });
    expect(me.statusCode).toBe(200);
    expect(me.json().user.id).toBe(first.json().user.id);
  });

  it('calls code2session with appid, secret, js_code and grant_type=authorization_code', async () => {
    fake.addCode('code-b', { openid: 'openid-bob', session_key: 'SESSIONKEY-bob' });
    expect((await wechatLogin(t, { code: 'code-b' })).statusCode).toBe(200);
    expect(fake.calls).toEqual([
      { path: '/sns/jscode2session', query: { appid: 'wxtest', secret: 'secret', js_code: 'code-b', grant_type: 'authorization_code' } },
    ]);
  });

  it('keeps the session_key on the server: never in a response, but stored for the account', async () => {
    const sessionKey = 'SESSIONKEY-carol-d41d8cd98f00b204';
    fake.addCode('code-c', { openid: 'openid-carol', session_key: sessionKey });
    const login = await wechatLogin(t, { code: 'code-c' });
    expect(login.statusCode).toBe(200);
    expect(login.body).not.toContain(sessionKey);
    expect(login.body).not.toMatch(/session_?key/i);
    const me = await t.call(login.json().accessToken, { url: '/api/v1/me' });
    expect(me.body).not.toContain(sessionKey);
    const refreshed = await t.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: login.json().refreshToken } });
    expect(refreshed.statusCode).toBe(200);
    expect(refreshed.body).not.toContain(sessionKey);
    const stored = await selectRows<{ wechat_session_key: string }>(t.db, sql`SELECT wechat_session_key FROM users WHERE wechat_openid = 'openid-carol'`);
    expect(stored).toEqual([{ wechat_session_key: sessionKey }]);
  });

  it('answers a code WeChat refuses (errcode 40029) with 401 WECHAT_LOGIN_FAILED and creates nothing', async () => {
    const before = await countUsers(t);
    const res = await wechatLogin(t, { code: 'bad' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toEqual({ code: 'WECHAT_LOGIN_FAILED', message: expect.any(String) });
    expect(fake.calls).toHaveLength(1);
    expect(await countUsers(t)).toBe(before);
  });

  it.each([
    ['answers HTTP 500', 'error500'],
    ['answers 200 with a body that is not JSON', 'not-json'],
    ['says it is busy (errcode -1)', 'busy'],
  ] as const)('answers 503 SERVICE_UNAVAILABLE when WeChat %s, and creates nothing', async (_name, mode) => {
    fake.addCode('code-d', { openid: 'openid-dave', session_key: 'SESSIONKEY-dave' });
    fake.setMode(mode);
    const before = await countUsers(t);
    const res = await wechatLogin(t, { code: 'code-d' });
    expect(res.statusCode).toBe(503);
    expect(res.json().error).toEqual({ code: 'SERVICE_UNAVAILABLE', message: expect.any(String) });
    expect(await countUsers(t)).toBe(before);
  });

  it('answers 503 SERVICE_UNAVAILABLE when WeChat does not answer, within its timeout', async () => {
    fake.addCode('code-e', { openid: 'openid-erin', session_key: 'SESSIONKEY-erin' });
    fake.setMode('hang');
    const started = Date.now();
    const res = await wechatLogin(t, { code: 'code-e' });
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe('SERVICE_UNAVAILABLE');
    expect(fake.calls).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 20_000);

  it.each([
    ['an empty code', { code: '' }],
    ['a blank code', { code: '   ' }],
    ['an oversize code', { code: 'x'.repeat(129) }],
    ['a missing code', {}],
    ['a code that is not a string', { code: 12345 }],
    ['an unknown field', { code: 'code-f', sessionKey: 'x' }],
  ])('refuses %s with 400 VALIDATION_FAILED, without calling WeChat or writing anything', async (_name, payload) => {
    const before = await countUsers(t);
    const res = await wechatLogin(t, payload);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toEqual({ code: 'VALIDATION_FAILED', message: expect.any(String), details: expect.any(Array) });
    expect(fake.calls).toEqual([]);
    expect(await countUsers(t)).toBe(before);
  });
});

describe('WeChat configured with the wrong secret (our fault, not the user\'s)', () => {
  let fake: FakeWechat;
  let t: TestApp;
  beforeAll(async () => {
    fake = await startFakeWechat({ appId: 'wxtest', secret: 'secret' });
    t = await createTestApp({ seed: 'none', env: { WECHAT_APPID: 'wxtest', WECHAT_SECRET: 'not-the-secret', WECHAT_API_BASE: fake.url } });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it('answers 503 SERVICE_UNAVAILABLE rather than telling the user their log-in failed, and creates nothing', async () => {
    fake.addCode('code-g', { openid: 'openid-gina', session_key: 'SESSIONKEY-gina' });
    const res = await wechatLogin(t, { code: 'code-g' });
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe('SERVICE_UNAVAILABLE');
    expect(res.body).not.toContain('not-the-secret');
    expect(fake.calls).toHaveLength(1);
    expect(await countUsers(t)).toBe(0);
  });
});

describe('WeChat unreachable (nothing listens at WECHAT_API_BASE)', () => {
  let t: TestApp;
  beforeAll(async () => {
    const gone = await startFakeWechat();
    await gone.close();
    t = await createTestApp({ seed: 'none', env: { WECHAT_APPID: 'wxtest', WECHAT_SECRET: 'secret', WECHAT_API_BASE: gone.url } });
  });
  afterAll(async () => t?.close());

  it('answers 503 SERVICE_UNAVAILABLE and creates nothing', async () => {
    const res = await wechatLogin(t, { code: 'any-code' });
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe('SERVICE_UNAVAILABLE');
    expect(await countUsers(t)).toBe(0);
  });
});

describe('WeChat not configured, dev log-in on (the default in development and tests)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ seed: 'none' });
  });
  afterAll(async () => t?.close());

  it('logs in through the dev stand-in: the same code is the same account, another code another account', async () => {
    const first = await wechatLogin(t, { code: 'simulator-code-1' });
    expect(first.statusCode).toBe(200);
    expect(first.json().user).toMatchObject({ phone: null, hasWechat: true });
    const again = await wechatLogin(t, { code: 'simulator-code-1' });
    expect(again.json().user.id).toBe(first.json().user.id);
    const other = await wechatLogin(t, { code: 'simulator-code-2' });
    expect(other.statusCode).toBe(200);
    expect(other.json().user.id).not.toBe(first.json().user.id);
    expect(await countUsers(t)).toBe(2);
    const stored = await selectRows<{ wechat_session_key: string }>(t.db, sql`SELECT wechat_session_key FROM users WHERE id = ${first.json().user.id}`);
    expect(first.body).not.toContain(stored[0]!.wechat_session_key);
  });
});

describe('WeChat not configured and dev log-in off', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ seed: 'none', env: { AUTH_DEV_LOGIN: 'off' } });
  });
  afterAll(async () => t?.close());

  it('answers 503 SERVICE_UNAVAILABLE rather than pretending to log in', async () => {
    const res = await wechatLogin(t, { code: 'simulator-code-1' });
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe('SERVICE_UNAVAILABLE');
    expect(await countUsers(t)).toBe(0);
  });
});
