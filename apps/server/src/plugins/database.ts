// Opens the database, migrates it, seeds the demo community when asked, and closes it on shutdown.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Database, DatabaseHandle } from '../db/client';

declare module 'fastify' {
  interface FastifyInstance {
    db: Database;
    database: DatabaseHandle;
  }
}

export const databasePlugin = fp(async function databasePlugin(app: FastifyInstance, opts: { handle: DatabaseHandle; closeOnShutdown: boolean }) {
  app.decorate('database', opts.handle);
  app.decorate('db', opts.handle.db);
  if (opts.closeOnShutdown) app.addHook('onClose', async () => opts.handle.close());
});
