// open → acknowledged → resolved for alerts and help requests, as one conditional UPDATE each (no read-then-write).
import { followUpStatusLabels, followUpTransitions, type FollowUpStatus } from '@linli/shared';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import type { alerts, helpRequests } from '../../db/schema';
import { conflict } from '../../errors';

export async function moveFollowUp(
  db: Database,
  table: typeof alerts | typeof helpRequests,
  id: string,
  to: Exclude<FollowUpStatus, 'open'>,
  actorId: string,
  note: string | undefined,
  now: Date,
) {
  const from = (Object.keys(followUpTransitions) as FollowUpStatus[]).filter((s) => followUpTransitions[s].includes(to));
  const set = to === 'acknowledged'
    ? { status: to, acknowledgedBy: actorId, acknowledgedAt: now, acknowledgeNote: note ?? null }
    : {
      status: to,
      resolvedBy: actorId,
      resolvedAt: now,
      resolutionNote: note ?? null,
      // Resolving straight from open also counts as the acknowledgement.
      acknowledgedBy: sql`coalesce(${table.acknowledgedBy}, ${actorId}::uuid)`,
      acknowledgedAt: sql`coalesce(${table.acknowledgedAt}, ${now.toISOString()}::timestamptz)`,
    };
  const [moved] = await db
    .update(table)
    .set(set as never)
    .where(and(eq(table.id, id), inArray(table.status, from)))
    .returning({ id: table.id });
  if (!moved) {
    const [current] = await db.select({ status: table.status }).from(table).where(eq(table.id, id));
    const status = current?.status ?? 'resolved';
    throw conflict('INVALID_TRANSITION', `已是「${followUpStatusLabels[status]}」状态，不能改为「${followUpStatusLabels[to]}」`, { from: status, to });
  }
}
