// Security headers and the rate limiter (routes opt in; log-in is limited per phone and per IP; shared through Redis when set).
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export const securityPlugin = fp(async function securityPlugin(app: FastifyInstance) {
  await app.register(fastifyHelmet, {
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
  });
  // With Redis every instance counts against the same budget (log-in per phone and IP); a Redis outage lets requests
  // through rather than locking everybody out.
  await app.register(fastifyRateLimit, {
    global: false,
    ...(app.redis ? { redis: app.redis.client, nameSpace: `${app.redis.prefix}rate-limit:`, skipOnError: true } : {}),
  });
});
