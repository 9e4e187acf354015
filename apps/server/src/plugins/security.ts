// Security headers and the rate limiter (routes opt in; log-in is limited per phone and per IP; shared through Redis when set).
import type { IncomingMessage, ServerResponse } from 'node:http';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import helmet, { type HelmetOptions } from 'helmet';

const helmetOptions: HelmetOptions = {
  // The h5 app and Swagger UI load their own scripts and inline styles; keep the rest of helmet's defaults.
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", "'unsafe-inline'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:', 'blob:'],
      connectSrc: ["'self'", 'ws:', 'wss:'],
    },
  },
};

/**
 * The headers helmet sets, worked out once: with these options they depend on nothing in the request. (@fastify/helmet
 * built helmet's middleware again for every request, parsing the policy each time: a few percent of a refused order's
 * cost in a flash sale.)
 */
export function securityHeaders(options: HelmetOptions = helmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string | number) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err;
  });
  return headers;
}

/** Pages (the h5 app, Swagger UI, the printable picking list): helmet's whole set. */
export const documentSecurityHeaders = securityHeaders();

/**
 * JSON and image answers of `/api/`: the headers that protect an API answer (OWASP's REST guidance): nothing in it may
 * run, be framed, be sniffed as another type, or be read by another origin, and HTTPS is kept. The rest of helmet's
 * set only means something to a page; leaving it off saves ~450 bytes on every answer to a phone on a slow network.
 */
export const apiSecurityHeaders: Record<string, string> = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-resource-policy': 'same-origin',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': documentSecurityHeaders['strict-transport-security']!,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

export const securityPlugin = fp(async function securityPlugin(app: FastifyInstance) {
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(request.url.startsWith('/api/') ? apiSecurityHeaders : documentSecurityHeaders);
    done();
  });
  // With Redis every instance counts against the same budget (log-in per phone and IP); a Redis outage lets requests
  // through rather than locking everybody out.
  await app.register(fastifyRateLimit, {
    global: false,
    ...(app.redis ? { redis: app.redis.client, nameSpace: `${app.redis.prefix}rate-limit:`, skipOnError: true } : {}),
  });
});
