// Log-in (dev phone, WeChat), token refresh with rotation, and logout.
import {
  DevLoginBody, ErrorBody, LoginResponse, LogoutBody, RefreshBody, WechatLoginBody,
} from '@linli/shared';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { eq } from 'drizzle-orm';
import type { WechatLogin } from '../../adapters/wechat/login';
import { WechatLoginError } from '../../adapters/wechat/login';
import { users } from '../../db/schema';
import { AppError, serviceUnavailable, unauthenticated } from '../../errors';
import { accessTokenTtlSeconds } from '../../plugins/authentication';
import { issueRefreshToken, revokeRefreshToken, rotateRefreshToken } from './tokens';
import { findOrCreateUserByOpenid, findOrCreateUserByPhone, toUserDto } from './users';

// code2session errcodes that are about the user's code (invalid, already used, risky account): the user may retry.
// Anything else but -1 (busy) means our appid/secret or request is wrong, which no retry by the user can fix.
const codeRefusedErrcodes = new Set([40029, 40163, 40226]);
const wechatBusyErrcode = -1;

export interface AuthModuleOptions {
  devLogin: boolean;
  wechat: WechatLogin | null;
  rateLimit: { loginPerPhone: number; loginPerIp: number; windowMs: number };
}

const errorResponses = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 429: ErrorBody, 503: ErrorBody };

export const authModule: FastifyPluginAsyncZod<AuthModuleOptions> = async (app, opts) => {
  // The socket address may be missing under inject(); fall back so the limiter never throws.
  const clientIp = (req: FastifyRequest) => req.ip ?? req.socket?.remoteAddress ?? 'unknown';
  // Built on createRateLimit, not rateLimit(): every handler rateLimit() returns shares one per-request
  // "already ran" flag, so a second limiter on the same route (per phone after per IP) would never count.
  const limiter = (name: string, max: number, key: (req: FastifyRequest) => string) => {
    const check = app.createRateLimit({ max, timeWindow: opts.rateLimit.windowMs, keyGenerator: (req) => `${name}:${key(req)}` });
    return async (req: FastifyRequest) => {
      const result = await check(req);
      if (result.isAllowed || !result.isExceeded) return;
      throw new AppError(429, 'RATE_LIMITED', `尝试次数过多，请 ${result.ttlInSeconds} 秒后再试`, { retryAfterSeconds: result.ttlInSeconds });
    };
  };
  const perIp = limiter('login-ip', opts.rateLimit.loginPerIp, clientIp);
  // A refresh token cannot be guessed, and a whole compound behind one carrier NAT renews every 15 minutes:
  // refreshes get their own, ten times larger, per-IP budget instead of eating the log-in one.
  const refreshPerIp = limiter('refresh-ip', opts.rateLimit.loginPerIp * 10, clientIp);
  const perPhone = limiter('login-phone', opts.rateLimit.loginPerPhone, (req) => String((req.body as { phone?: unknown } | undefined)?.phone ?? clientIp(req)));

  async function issueLogin(userId: string) {
    const [user] = await app.db.select().from(users).where(eq(users.id, userId));
    return {
      accessToken: app.signAccessToken(userId),
      refreshToken: await issueRefreshToken(app.db, userId),
      accessTokenExpiresIn: accessTokenTtlSeconds,
      user: toUserDto(user!),
    };
  }

  app.post('/auth/dev-login', {
    schema: {
      tags: ['auth'],
      summary: 'Log in by phone (development and h5 demo only)',
      body: DevLoginBody,
      response: { 200: LoginResponse, ...errorResponses },
    },
    preHandler: [perIp, perPhone],
  }, async (request) => {
    if (!opts.devLogin) throw new AppError(403, 'DEV_LOGIN_DISABLED', '手机号直接登录仅在开发环境开放，请使用微信登录');
    const user = await findOrCreateUserByPhone(app.db, request.body.phone);
    return issueLogin(user.id);
  });

  app.post('/auth/wechat', {
    schema: {
      tags: ['auth'],
      summary: 'Log in with a wx.login code (code2session through the WeChat adapter)',
      body: WechatLoginBody,
      response: { 200: LoginResponse, ...errorResponses },
    },
    preHandler: [perIp],
  }, async (request) => {
    if (!opts.wechat) throw serviceUnavailable('微信登录未配置（缺少 WECHAT_APPID/WECHAT_SECRET），请使用手机号登录');
    let session;
    try {
      session = await opts.wechat.code2session(request.body.code);
    } catch (err) {
      if (err instanceof WechatLoginError) {
        const errcode = err.wechatErrcode;
        if (errcode !== undefined && codeRefusedErrcodes.has(errcode)) {
          request.log.warn({ err: err.message, errcode }, 'WeChat refused the log-in code');
          throw unauthenticated('微信登录失败，请重试', 'WECHAT_LOGIN_FAILED');
        }
        if (errcode === undefined || errcode === wechatBusyErrcode) {
          request.log.warn({ err: err.message, errcode }, 'WeChat log-in is unavailable');
          throw serviceUnavailable('暂时无法连接微信，请稍后重试');
        }
        request.log.error({ err: err.message, errcode }, 'WeChat rejected our own credentials or request: check WECHAT_APPID and WECHAT_SECRET');
        throw serviceUnavailable('微信登录暂不可用，请稍后重试或联系社区工作人员');
      }
      throw err;
    }
    const user = await findOrCreateUserByOpenid(app.db, session.openid, session.sessionKey);
    return issueLogin(user.id);
  });

  app.post('/auth/refresh', {
    schema: {
      tags: ['auth'],
      summary: 'Exchange a refresh token for a new pair; the old one is spent',
      body: RefreshBody,
      response: { 200: LoginResponse, ...errorResponses },
    },
    preHandler: [refreshPerIp],
  }, async (request) => {
    const result = await rotateRefreshToken(app.db, request.body.refreshToken);
    if (!result.ok) {
      throw result.reason === 'reused'
        ? unauthenticated('登录凭证已被使用过，为安全起见已退出所有设备，请重新登录', 'REFRESH_TOKEN_REUSED')
        : unauthenticated('登录已失效，请重新登录', 'REFRESH_TOKEN_INVALID');
    }
    const [user] = await app.db.select().from(users).where(eq(users.id, result.userId));
    return {
      accessToken: app.signAccessToken(result.userId),
      refreshToken: result.refreshToken,
      accessTokenExpiresIn: accessTokenTtlSeconds,
      user: toUserDto(user!),
    };
  });

  app.post('/auth/logout', {
    schema: { tags: ['auth'], summary: 'End this log-in (revokes the refresh token family)', body: LogoutBody, response: { 204: z.null().describe('Logged out'), 400: ErrorBody } },
  }, async (request, reply) => {
    await revokeRefreshToken(app.db, request.body.refreshToken);
    return reply.status(204).send(null);
  });
};
