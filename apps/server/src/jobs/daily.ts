import type { FastifyInstance } from 'fastify';

const dayMs = 24 * 60 * 60 * 1000;

/**
 * Runs `task` a minute after start and then once a day, on every instance (a task that must run once takes a lock).
 * A failure is logged and tried again the next day.
 */
export function scheduleDaily(app: FastifyInstance, name: string, task: () => Promise<void>) {
  let timer: NodeJS.Timeout | null = null;
  const run = async () => {
    try {
      await task();
    } catch (err) {
      app.log.error({ err }, `${name} failed; retrying tomorrow`);
    }
    timer = setTimeout(run, dayMs);
    timer.unref();
  };
  app.addHook('onReady', async () => {
    timer = setTimeout(run, 60_000);
    timer.unref();
  });
  app.addHook('onClose', async () => {
    if (timer) clearTimeout(timer);
  });
}
