// Serves the mini-program's h5 build at `/`, so the whole product works in a browser.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export const h5Plugin = fp(async function h5Plugin(app: FastifyInstance, opts: { root: string }) {
  if (!existsSync(join(opts.root, 'index.html'))) {
    app.log.warn(`h5 build not found at ${opts.root}; build it with "pnpm build:h5" to use Linli in a browser`);
    app.get('/', async (_request, reply) =>
      reply.type('text/html; charset=utf-8').send('<!doctype html><meta charset="utf-8"><h1>邻里 Linli</h1><p>网页版尚未构建：请运行 <code>pnpm build:h5</code> 后重启。API 文档见 <a href="/docs">/docs</a>。</p>'),
    );
    return;
  }
  await app.register(fastifyStatic, { root: opts.root, prefix: '/', index: ['index.html'], wildcard: true, cacheControl: false,
    setHeaders(reply, path) {
      // Hashed bundles can be cached for long; index.html must always be fresh.
      reply.header('cache-control', path.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable');
    },
  });
});
