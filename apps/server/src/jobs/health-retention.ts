// Daily: check-ins older than HEALTH_RETENTION_DAYS are deleted; alerts that old keep only their outcome
// (status, times, building and household), their health details stripped. Safe with several instances: each run
// takes a transaction-scoped advisory lock (others skip), and both statements are idempotent anyway.
import { checkinDayOf, shiftDay } from '@linli/shared';
import { and, isNull, lt, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/client';
import { selectRows } from '../db/client';
import { alerts, checkins } from '../db/schema';
import { scheduleDaily } from './daily';

const retentionLockKey = 7471005;

export interface PurgeResult {
  ran: boolean;
  checkinsDeleted: number;
  alertsStripped: number;
}

export async function purgeExpiredHealthData(db: Database, options: { now: Date; retentionDays: number }): Promise<PurgeResult> {
  // Days before this one are past retention: with 30 days kept, on 12-31 the oldest day kept is 12-02.
  const oldestKept = shiftDay(checkinDayOf(options.now), -(options.retentionDays - 1));
  return db.transaction(async (tx) => {
    const [lock] = await selectRows<{ locked: boolean }>(tx, sql`SELECT pg_try_advisory_xact_lock(${retentionLockKey}) AS locked`);
    if (!lock?.locked) return { ran: false, checkinsDeleted: 0, alertsStripped: 0 };
    const deleted = await tx.delete(checkins).where(lt(checkins.day, oldestKept)).returning({ id: checkins.id });
    const stripped = await tx
      .update(alerts)
      .set({ personId: null, reasons: null, temperatureTenths: null, acknowledgeNote: null, resolutionNote: null, detailsPurgedAt: options.now })
      .where(and(lt(alerts.day, oldestKept), isNull(alerts.detailsPurgedAt)))
      .returning({ id: alerts.id });
    return { ran: true, checkinsDeleted: deleted.length, alertsStripped: stripped.length };
  });
}

/** Runs the purge a minute after start and then once a day, on every instance (the lock makes one do the work). */
export function scheduleHealthRetention(app: FastifyInstance, options: { retentionDays: number; now: () => Date }) {
  scheduleDaily(app, 'health retention purge', async () => {
    const result = await purgeExpiredHealthData(app.db, { now: options.now(), retentionDays: options.retentionDays });
    if (result.ran) app.log.info(result, 'health retention purge');
  });
}
