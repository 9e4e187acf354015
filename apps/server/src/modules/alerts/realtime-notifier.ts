// Delivers follow-up events as they happen: alerts and help requests to the live sockets of the grid's workers and
// the community's admins, a scheduled 核酸 round as a system message in each target building's group.
import { formatShanghaiDateTime } from '@linli/shared';
import { and, eq, inArray } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { testingRounds, testingSlots } from '../../db/schema';
import { staffRecipients } from '../../realtime/staff-recipients';
import type { FollowUpEvent, FollowUpNotifier } from './notifier';

async function announceTestingRound(app: FastifyInstance, roundId: string, buildingIds: string[]): Promise<void> {
  if (buildingIds.length === 0) return;
  const slots = await app.db
    .select({ buildingId: testingSlots.buildingId, startsAt: testingSlots.startsAt, endsAt: testingSlots.endsAt, title: testingRounds.title })
    .from(testingSlots)
    .innerJoin(testingRounds, eq(testingRounds.id, testingSlots.roundId))
    .where(and(eq(testingSlots.roundId, roundId), inArray(testingSlots.buildingId, buildingIds)));
  for (const slot of slots) {
    const until = formatShanghaiDateTime(slot.endsAt).slice(11);
    await app.chats.postSystemMessage(slot.buildingId, `核酸检测「${slot.title}」：本楼时段 ${formatShanghaiDateTime(slot.startsAt)}–${until}，请按时下楼，戴好口罩，保持间距。`);
  }
}

async function deliver(app: FastifyInstance, event: FollowUpEvent): Promise<void> {
  if (event.type === 'testing_round.scheduled') return announceTestingRound(app, event.roundId, event.buildingIds);
  const objectId = 'alertId' in event ? event.alertId : event.helpRequestId;
  await app.realtime.publishToUsers(await staffRecipients(app.db, event.communityId, event.gridId), { type: 'follow_up', kind: event.type, objectId });
}

export function realtimeFollowUpNotifier(app: FastifyInstance): FollowUpNotifier {
  return {
    notify(event) {
      deliver(app, event).catch((err: unknown) => app.log.error({ err, event }, `could not deliver follow-up event ${event.type}; staff see it on their next refresh`));
    },
  };
}
