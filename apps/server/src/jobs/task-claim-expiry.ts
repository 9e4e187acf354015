// Every minute: claims past their deadline (no handover within TASK_CLAIM_TIMEOUT_MINUTES) go back to the hall.
// Safe with several instances: one UPDATE … FROM (SELECT … FOR UPDATE SKIP LOCKED) returns each task exactly once.
import type { FastifyInstance } from 'fastify';
import { expireClaims } from '../modules/tasks/service';

export const claimExpiryIntervalMs = 60_000;

/** One pass; the volunteers whose claims expired hear of it on their sockets. */
export async function runClaimExpiry(app: FastifyInstance): Promise<{ taskId: string; claimedBy: string }[]> {
  const expired = await expireClaims(app.db);
  for (const { taskId, claimedBy } of expired) {
    await app.realtime.publishToUsers([claimedBy], { type: 'task.claim_expired', taskId }).catch((err: unknown) => app.log.warn({ err, taskId }, 'could not tell the volunteer their claim expired'));
  }
  if (expired.length > 0) app.log.info({ expired: expired.length }, 'expired task claims returned to the hall');
  return expired;
}

export function scheduleClaimExpiry(app: FastifyInstance, intervalMs = claimExpiryIntervalMs) {
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const run = async () => {
    try {
      await runClaimExpiry(app);
    } catch (err) {
      app.log.error({ err }, 'task claim expiry failed; retrying next minute');
    }
    if (stopped) return;
    timer = setTimeout(run, intervalMs);
    timer.unref();
  };
  app.addHook('onReady', async () => {
    timer = setTimeout(run, intervalMs);
    timer.unref();
  });
  app.addHook('onClose', async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  });
}
