// Configuration from the environment: defaults, and a clear one-line refusal for anything missing or malformed.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '@linli/server/config';
import { repoRoot } from '../support/template';

const strongSecret = 'a-production-secret-that-is-long-enough-0123';

/** The message loadConfig refuses `env` with (fails the test if it accepts it). */
function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    return message;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('runs with no settings at all: development defaults', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      dataDir: '.data',
      env: 'development',
      port: 3000,
      host: '127.0.0.1',
      database: { kind: 'pglite', dataDir: '.data' },
      redisUrl: null,
      redisKeyPrefix: 'linli:',
      jwtSecret: expect.any(String),
      passTokenSecret: null,
      devLogin: true,
      seedDemo: 'if-empty-embedded',
      logLevel: 'info',
      rateLimit: { loginPerPhone: 10, loginPerIp: 60, windowMs: 60_000 },
      wechat: null,
      h5Dir: null,
      migrationsDir: null,
      chat: { sendLimitPerMinute: 30 },
      wechatNoticeTemplateId: null,
      healthRetentionDays: 30,
      checkinCutoff: '10:00',
      taskClaimTimeoutMinutes: 120,
    });
    expect(config.jwtSecret.length).toBeGreaterThanOrEqual(32);
  });

  it('reads the chat and notice settings, and refuses a malformed send limit', () => {
    const config = loadConfig({ DATA_DIR: '/var/lib/linli', CHAT_SEND_LIMIT_PER_MINUTE: '5', WECHAT_NOTICE_TEMPLATE_ID: 'tmpl' });
    expect(config).toMatchObject({ dataDir: '/var/lib/linli', chat: { sendLimitPerMinute: 5 }, wechatNoticeTemplateId: 'tmpl' });
    expect(() => loadConfig({ CHAT_SEND_LIMIT_PER_MINUTE: '0' })).toThrow(/CHAT_SEND_LIMIT_PER_MINUTE/);
    expect(() => loadConfig({ REDIS_URL: 'http://cache:6379' })).toThrow(/REDIS_URL/);
  });

  it('reads every setting it is given', () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '0.0.0.0',
      DATABASE_URL: 'postgresql://linli:pw@db:5432/linli',
      REDIS_URL: 'redis://cache:6379',
      JWT_SECRET: strongSecret,
      AUTH_DEV_LOGIN: 'off',
      SEED_DEMO: 'yes',
      LOGIN_RATE_LIMIT_PER_PHONE: '3',
      LOGIN_RATE_LIMIT_PER_IP: '5',
      RATE_LIMIT_WINDOW_MS: '1000',
      WECHAT_APPID: 'wx123',
      WECHAT_SECRET: 'wechat-secret',
      HEALTH_RETENTION_DAYS: '14',
      CHECKIN_CUTOFF: '09:30',
      TASK_CLAIM_TIMEOUT_MINUTES: '45',
    });
    expect(config).toMatchObject({
      taskClaimTimeoutMinutes: 45,
      healthRetentionDays: 14,
      checkinCutoff: '09:30',
      env: 'test',
      port: 0,
      host: '0.0.0.0',
      database: { kind: 'postgres', url: 'postgresql://linli:pw@db:5432/linli' },
      redisUrl: 'redis://cache:6379',
      jwtSecret: strongSecret,
      devLogin: false,
      seedDemo: true,
      rateLimit: { loginPerPhone: 3, loginPerIp: 5, windowMs: 1000 },
      wechat: { appId: 'wx123', secret: 'wechat-secret', apiBase: 'https://api.weixin.qq.com' },
    });
  });

  it.each([
    ['PORT', { PORT: 'abc' }],
    ['PORT', { PORT: '' }],
    ['PORT', { PORT: '70000' }],
    ['PORT', { PORT: '-1' }],
    ['PORT', { PORT: '1e3' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://x' }],
    ['REDIS_URL', { REDIS_URL: 'localhost:6379' }],
    ['NODE_ENV', { NODE_ENV: 'staging' }],
    ['AUTH_DEV_LOGIN', { AUTH_DEV_LOGIN: 'maybe' }],
    ['LOGIN_RATE_LIMIT_PER_PHONE', { LOGIN_RATE_LIMIT_PER_PHONE: '0' }],
    ['LOGIN_RATE_LIMIT_PER_IP', { LOGIN_RATE_LIMIT_PER_IP: 'many' }],
    ['RATE_LIMIT_WINDOW_MS', { RATE_LIMIT_WINDOW_MS: '10' }],
    ['WECHAT_API_BASE', { WECHAT_API_BASE: 'not a url' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
    ['HEALTH_RETENTION_DAYS', { HEALTH_RETENTION_DAYS: '0' }],
    ['HEALTH_RETENTION_DAYS', { HEALTH_RETENTION_DAYS: 'a month' }],
    ['HEALTH_RETENTION_DAYS', { HEALTH_RETENTION_DAYS: '30.5' }],
    ['CHECKIN_CUTOFF', { CHECKIN_CUTOFF: '25:00' }],
    ['CHECKIN_CUTOFF', { CHECKIN_CUTOFF: '10' }],
    ['PASS_TOKEN_SECRET', { PASS_TOKEN_SECRET: 'short' }],
    ['TASK_CLAIM_TIMEOUT_MINUTES', { TASK_CLAIM_TIMEOUT_MINUTES: '0' }],
    ['TASK_CLAIM_TIMEOUT_MINUTES', { TASK_CLAIM_TIMEOUT_MINUTES: '2h' }],
  ])('refuses a malformed %s, naming it (%j)', (name, env) => {
    expect(refusal(env)).toMatch(new RegExp(`\\b${name}\\b`));
  });

  it('requires JWT_SECRET in production', () => {
    expect(refusal({ NODE_ENV: 'production' })).toMatch(/JWT_SECRET.*required/);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: strongSecret }).jwtSecret).toBe(strongSecret);
  });

  it('refuses a short JWT_SECRET without echoing it', () => {
    const message = refusal({ JWT_SECRET: 'tooshort-hunter2' });
    expect(message).toMatch(/JWT_SECRET/);
    expect(message).toMatch(/32/);
    expect(message).not.toContain('hunter2');
  });

  it('never echoes a password inside a malformed URL', () => {
    const message = refusal({ DATABASE_URL: 'mysql://linli:hunter2@db/linli' });
    expect(message).toMatch(/DATABASE_URL/);
    expect(message).not.toContain('hunter2');
  });

  it('turns dev log-in off by default in production, and on by default elsewhere', () => {
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: strongSecret }).devLogin).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: strongSecret, AUTH_DEV_LOGIN: 'on' }).devLogin).toBe(true);
    expect(loadConfig({ NODE_ENV: 'development' }).devLogin).toBe(true);
    expect(loadConfig({ NODE_ENV: 'test' }).devLogin).toBe(true);
    for (const off of ['0', 'false', 'off', 'no']) expect(loadConfig({ AUTH_DEV_LOGIN: off }).devLogin).toBe(false);
  });

  it('refuses half a WeChat configuration', () => {
    expect(refusal({ WECHAT_APPID: 'wx123' })).toMatch(/WECHAT_APPID and WECHAT_SECRET/);
    const message = refusal({ WECHAT_SECRET: 'hunter2-wechat' });
    expect(message).toMatch(/WECHAT_APPID and WECHAT_SECRET/);
    expect(message).not.toContain('hunter2');
  });
});

describe('the server process with a bad setting', () => {
  /** Runs the real entry point with only `env` (no NODE_OPTIONS: its warnings would muddy stderr). */
  function startServer(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(join(repoRoot, 'apps/server/node_modules/.bin/tsx'), ['apps/server/src/server.ts'], {
        cwd: repoRoot,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
  }

  it.each([
    ['PORT=abc', { PORT: 'abc' }, /PORT/],
    ['NODE_ENV=production without JWT_SECRET', { NODE_ENV: 'production' }, /JWT_SECRET/],
  ])('with %s exits non-zero with one clear line on stderr and no stack trace', async (_name, env, mentions) => {
    const { code, stdout, stderr } = await startServer(env);
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Linli cannot start: Invalid setting /);
    expect(lines[0]).toMatch(mentions);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stdout).not.toContain('is running');
  }, 30_000);
});
