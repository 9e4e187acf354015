// One shared Redis command connection when REDIS_URL is set (state that every instance must share: rate limits),
// or null: then that state lives in each process.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Redis } from 'ioredis';

export interface SharedRedis {
  client: Redis;
  /** Prepended to every key, e.g. `linli:`. */
  prefix: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    redis: SharedRedis | null;
  }
}

export const redisPlugin = fp(async function redisPlugin(app: FastifyInstance, opts: { url: string | null; prefix: string }) {
  if (!opts.url) {
    app.decorate('redis', null);
    return;
  }
  // No offline queue: while Redis is down a command fails at once and its caller falls back (rate limits count in this
  // process). Queued, each command waited out two reconnect attempts (up to 4 s), and every chat post paid that twice.
  const client = new Redis(opts.url, { lazyConnect: true, maxRetriesPerRequest: 2, connectTimeout: 5000, enableOfflineQueue: false });
  client.on('error', (err) => app.log.warn({ err }, 'Redis connection error; retrying'));
  await client.connect();
  app.decorate('redis', { client, prefix: opts.prefix });
  app.addHook('onClose', async () => {
    await client.quit().catch(() => undefined);
  });
});
