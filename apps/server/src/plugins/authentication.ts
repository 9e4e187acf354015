// Access tokens (HS256 JWT, 15 min) and the `authenticate` hook that puts the caller's Actor on the request.
import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import type { Actor } from '../authorization/policy';
import { loadActor } from '../authorization/actor';
import { unauthenticated } from '../errors';

export const accessTokenTtlSeconds = 15 * 60;
const verifiedTokensKept = 20_000;

interface AccessClaims {
  sub: string;
  typ: 'access';
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: AccessClaims;
    user: AccessClaims;
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor;
    /** The caller's user id from the access token, on routes that use `identifyCaller` instead of `authenticate`. */
    callerId: string;
  }
  interface FastifyInstance {
    authenticate: (request: FastifyRequest) => Promise<void>;
    signAccessToken: (userId: string) => string;
    /** Verifies a raw access token (the WebSocket passes it in the query) and returns the user id. */
    verifyAccessToken: (token: string) => string;
    /** The user id of the request's `Authorization: Bearer` token (401 without a valid one); loads no Actor. */
    bearerUserId: (request: FastifyRequest) => string;
    /** onRequest hook for hot routes that check the caller in their own statement: sets `request.callerId`, no Actor. */
    identifyCaller: onRequestHookHandler;
  }
}

export const authenticationPlugin = fp(async function authenticationPlugin(app: FastifyInstance, opts: { secret: string }) {
  await app.register(fastifyJwt, {
    secret: opts.secret,
    sign: { algorithm: 'HS256', expiresIn: accessTokenTtlSeconds },
    verify: { algorithms: ['HS256'] },
  });

  app.decorateRequest('actor', null as unknown as Actor);
  app.decorate('signAccessToken', (userId: string) => app.jwt.sign({ sub: userId, typ: 'access' }));
  // Tokens that verified, until they expire: a client sends the same token with every request, and checking its
  // signature again each time was a few percent of a cheap request's cost. Bounded; the oldest entry goes first.
  const verified = new Map<string, { userId: string; expiresAtMs: number }>();
  app.decorate('verifyAccessToken', (token: string) => {
    const known = verified.get(token);
    if (known && known.expiresAtMs > Date.now()) return known.userId;
    let claims: AccessClaims & { exp?: number };
    try {
      claims = app.jwt.verify<AccessClaims & { exp?: number }>(token);
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      const expired = ['FAST_JWT_EXPIRED', 'FST_JWT_AUTHORIZATION_TOKEN_EXPIRED'].includes(code);
      throw expired ? unauthenticated('登录已过期，请刷新或重新登录', 'TOKEN_EXPIRED') : unauthenticated('登录凭证无效，请重新登录');
    }
    if (claims.typ !== 'access' || typeof claims.sub !== 'string') throw unauthenticated('登录凭证无效，请重新登录');
    if (typeof claims.exp === 'number') {
      if (verified.size >= verifiedTokensKept) verified.delete(verified.keys().next().value!);
      verified.set(token, { userId: claims.sub, expiresAtMs: claims.exp * 1000 });
    }
    return claims.sub;
  });

  app.decorate('bearerUserId', (request: FastifyRequest) => {
    const header = request.headers.authorization;
    // The form every client sends, checked without a regular expression; anything else goes through the full pattern.
    const token = header?.startsWith('Bearer ') && header.length > 7 && !/\s/.test(header[7]!) && header.indexOf(' ', 7) === -1
      ? header.slice(7)
      : header ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined;
    if (!token) throw unauthenticated('请先登录（缺少 Authorization: Bearer 令牌）');
    return app.verifyAccessToken(token);
  });

  app.decorateRequest('callerId', '');
  app.decorate('identifyCaller', function identifyCaller(request, _reply, done) {
    try {
      request.callerId = app.bearerUserId(request);
    } catch (err) {
      return done(err as Error);
    }
    done();
  } as onRequestHookHandler);

  app.decorate('authenticate', async (request: FastifyRequest) => {
    request.actor = await loadActor(app.db, app.bearerUserId(request));
  });
});
