// /healthz: the process answers. /readyz: the database answers and its migrations are current.
import { ErrorBody, HealthResponse, ReadyResponse } from '@linli/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { appliedMigrationCount } from '../../db/migrations';

export const healthModule: FastifyPluginAsyncZod<{ expectedMigrations: number }> = async (app, opts) => {
  app.get('/healthz', { schema: { tags: ['health'], response: { 200: HealthResponse } }, config: { rateLimit: false } }, async () => ({ status: 'ok' as const }));

  app.get('/readyz', {
    schema: { tags: ['health'], response: { 200: ReadyResponse, 503: ReadyResponse.or(ErrorBody) } },
  }, async (request, reply) => {
    try {
      await app.database.ping();
    } catch (err) {
      request.log.warn({ err }, 'readiness: database unreachable');
      return reply.status(503).send({ status: 'not_ready', database: 'down', migrations: 'unknown' });
    }
    const applied = await appliedMigrationCount(app.db).catch(() => -1);
    const migrations = applied < 0 ? 'unknown' : applied >= opts.expectedMigrations ? 'current' : 'pending';
    const ready = migrations === 'current';
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', database: 'up', migrations });
  });
};
