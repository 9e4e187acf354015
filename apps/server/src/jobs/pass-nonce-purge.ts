// Every scanned QR token leaves its nonce in pass_token_uses, where the primary key refuses a second scan. A token
// lives 60 s (and a gate's clock may run 30 s behind), so a day after its use no replay of it can pass the expiry
// check anyway: the nonces are kept a day and then deleted, and the table holds one day of scans, not every scan ever.
import { lt, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { selectRows, type Database } from '../db/client';
import { passTokenUses } from '../db/schema';
import { scheduleDaily } from './daily';

export const usedPassNonceKeptMs = 24 * 60 * 60 * 1000;

/** Deletes the nonces used more than a day before `now`; answers how many. */
export async function purgeUsedPassNonces(db: Database, now: Date): Promise<number> {
  const [row] = await selectRows<{ deleted: number }>(db, sql`
    WITH deleted AS (DELETE FROM ${passTokenUses} WHERE ${lt(passTokenUses.usedAt, new Date(now.getTime() - usedPassNonceKeptMs))} RETURNING 1)
    SELECT count(*)::int AS deleted FROM deleted`);
  return row?.deleted ?? 0;
}

export function schedulePassNoncePurge(app: FastifyInstance, now: () => Date) {
  scheduleDaily(app, 'used pass-token purge', async () => {
    const deleted = await purgeUsedPassNonces(app.db, now());
    if (deleted > 0) app.log.info({ deleted }, 'used pass-token purge');
  });
}
