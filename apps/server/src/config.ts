// Settings come from the environment only, validated once at start-up.
import { z } from 'zod';

const flag = z
  .enum(['1', '0', 'true', 'false', 'on', 'off', 'yes', 'no'], { message: 'use 1/0, true/false, on/off or yes/no' })
  .transform((v) => ['1', 'true', 'on', 'yes'].includes(v));

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    // Digits only: z.coerce.number would read '' as 0 (a random port) and accept '1e3' or '0x50'.
    PORT: z
      .string()
      .regex(/^\d{1,5}$/, { message: 'must be a port number (0–65535)' })
      .transform(Number)
      .pipe(z.number().max(65535, { message: 'must be a port number (0–65535)' }))
      .default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, { message: 'must start with postgres:// or postgresql://' })
      .optional(),
    DATA_DIR: z.string().min(1).default('.data'),
    REDIS_URL: z.string().regex(/^rediss?:\/\//, { message: 'must start with redis:// or rediss://' }).optional(),
    REDIS_KEY_PREFIX: z.string().min(1).max(64).default('linli:'),
    JWT_SECRET: z.string().min(32, { message: 'must be at least 32 characters' }).optional(),
    PASS_TOKEN_SECRET: z.string().min(32, { message: 'must be at least 32 characters' }).optional(),
    AUTH_DEV_LOGIN: flag.optional(),
    SEED_DEMO: flag.optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    LOGIN_RATE_LIMIT_PER_PHONE: z.coerce.number().int().min(1).default(10),
    LOGIN_RATE_LIMIT_PER_IP: z.coerce.number().int().min(1).default(60),
    RATE_LIMIT_WINDOW_MS: z.coerce.number().int().min(1000).default(60_000),
    WECHAT_APPID: z.string().min(1).optional(),
    WECHAT_SECRET: z.string().min(1).optional(),
    WECHAT_API_BASE: z.url({ message: 'must be a URL such as https://api.weixin.qq.com' }).default('https://api.weixin.qq.com'),
    H5_DIR: z.string().min(1).optional(),
    CHAT_SEND_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(30),
    WECHAT_NOTICE_TEMPLATE_ID: z.string().min(1).optional(),
    MIGRATIONS_DIR: z.string().min(1).optional(),
    HEALTH_RETENTION_DAYS: z
      .string()
      .regex(/^\d{1,4}$/, { message: 'must be a whole number of days (1–3650)' })
      .transform(Number)
      .pipe(z.number().min(1, { message: 'must be a whole number of days (1–3650)' }).max(3650, { message: 'must be a whole number of days (1–3650)' }))
      .default(30),
    TASK_CLAIM_TIMEOUT_MINUTES: z
      .string()
      .regex(/^\d{1,4}$/, { message: 'must be a whole number of minutes (1–1440)' })
      .transform(Number)
      .pipe(z.number().min(1, { message: 'must be a whole number of minutes (1–1440)' }).max(1440, { message: 'must be a whole number of minutes (1–1440)' }))
      .default(120),
    CHECKIN_CUTOFF: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'must be a time HH:MM (Asia/Shanghai), e.g. 10:00' }).default('10:00'),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.JWT_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'is required when NODE_ENV=production' });
    }
    if (Boolean(env.WECHAT_APPID) !== Boolean(env.WECHAT_SECRET)) {
      ctx.addIssue({ code: 'custom', path: ['WECHAT_SECRET'], message: 'WECHAT_APPID and WECHAT_SECRET go together' });
    }
  });

export interface AppConfig {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  database: { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string | null };
  redisUrl: string | null;
  /** Prefix of every Redis key and channel (several deployments, or test runs, can share one Redis). */
  redisKeyPrefix: string;
  jwtSecret: string;
  /** Key material for the entry-pass QR tokens; null → derived from jwtSecret. */
  passTokenSecret: string | null;
  devLogin: boolean;
  seedDemo: boolean | 'if-empty-embedded';
  logLevel: string;
  rateLimit: { loginPerPhone: number; loginPerIp: number; windowMs: number };
  wechat: { appId: string; secret: string; apiBase: string } | null;
  h5Dir: string | null;
  migrationsDir: string | null;
  chat: { sendLimitPerMinute: number };
  /** Template of the notice subscribe message; with WECHAT_APPID/SECRET it turns real WeChat sending on. */
  wechatNoticeTemplateId: string | null;
  /** DATA_DIR: the embedded database (when no DATABASE_URL) and uploaded photos and chat images. */
  dataDir: string;
  /** Check-ins older than this many days are deleted; alerts keep only their outcome. */
  healthRetentionDays: number;
  /** HH:MM in Asia/Shanghai after which a member without today's check-in counts as missed. */
  checkinCutoff: string;
  /** A claimed task with no handover for this long goes back to the hall. */
  taskClaimTimeoutMinutes: number;
}

export class ConfigError extends Error {}

// Only for development and tests: a fixed secret keeps tokens valid across dev restarts.
const developmentJwtSecret = 'linli-development-secret-not-for-production-use';

// The message goes to the console and to log collectors: never echo a secret, nor a password inside a URL.
const secretSettings = new Set(['JWT_SECRET', 'WECHAT_SECRET', 'PASS_TOKEN_SECRET']);
function shownValue(name: string, value: string | undefined): string {
  if (value === undefined) return '';
  if (secretSettings.has(name)) return ` (value hidden, ${value.length} characters)`;
  return `=${JSON.stringify(value.replace(/\/\/[^@/]*@/, '//***@'))}`;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    const name = String(first.path[0] ?? 'environment');
    throw new ConfigError(`Invalid setting ${name}${shownValue(name, env[name])}: ${first.message}`);
  }
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    database: e.DATABASE_URL ? { kind: 'postgres', url: e.DATABASE_URL } : { kind: 'pglite', dataDir: e.DATA_DIR },
    dataDir: e.DATA_DIR,
    redisUrl: e.REDIS_URL ?? null,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    jwtSecret: e.JWT_SECRET ?? developmentJwtSecret,
    passTokenSecret: e.PASS_TOKEN_SECRET ?? null,
    devLogin: e.AUTH_DEV_LOGIN ?? e.NODE_ENV !== 'production',
    seedDemo: e.SEED_DEMO ?? 'if-empty-embedded',
    logLevel: e.LOG_LEVEL,
    rateLimit: {
      loginPerPhone: e.LOGIN_RATE_LIMIT_PER_PHONE,
      loginPerIp: e.LOGIN_RATE_LIMIT_PER_IP,
      windowMs: e.RATE_LIMIT_WINDOW_MS,
    },
    wechat: e.WECHAT_APPID && e.WECHAT_SECRET
      ? { appId: e.WECHAT_APPID, secret: e.WECHAT_SECRET, apiBase: e.WECHAT_API_BASE }
      : null,
    h5Dir: e.H5_DIR ?? null,
    migrationsDir: e.MIGRATIONS_DIR ?? null,
    chat: { sendLimitPerMinute: e.CHAT_SEND_LIMIT_PER_MINUTE },
    wechatNoticeTemplateId: e.WECHAT_NOTICE_TEMPLATE_ID ?? null,
    healthRetentionDays: e.HEALTH_RETENTION_DAYS,
    checkinCutoff: e.CHECKIN_CUTOFF,
    taskClaimTimeoutMinutes: e.TASK_CLAIM_TIMEOUT_MINUTES,
  };
}
