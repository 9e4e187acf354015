// The volunteer registry and call-ups: residents apply, community staff decide (the decision grants or removes the
// volunteer role in the same transaction), staff call matching volunteers up, the called answer 能来 / 来不了.
import { and, eq, inArray, sql } from 'drizzle-orm';
import {
  ApplyVolunteerBody, CreateCallUpBody, decisionNeedsReason, isAvailableAt, volunteerApplicationStatusLabels, volunteerDecisionMoves,
  type CallUpAnswer, type CallUpEventBody, type VolunteerDecision,
} from '@linli/shared';
import type { z } from 'zod';
import type { Actor } from '../../authorization/policy';
import { can } from '../../authorization/policy';
import type { Database } from '../../db/client';
import { buildings, callUpRecipients, callUps, roleAssignments, volunteerApplications, wechatOutbox } from '../../db/schema';
import { badRequest, conflict, forbidden, notFound } from '../../errors';
import { recordAudit } from '../audit/service';

type ApplyBody = z.output<typeof ApplyVolunteerBody>;
type CallUpBody = z.output<typeof CreateCallUpBody>;

const fieldError = (field: string, message: string) => badRequest('VALIDATION_FAILED', message, [{ field, in: 'body', message }]);

/** Communities whose volunteers the actor manages: those where they are admin or a grid worker. */
export function managedCommunityIds(actor: Actor): string[] {
  return [...new Set(actor.roles.filter((r) => can(actor, 'volunteers.manage', { communityId: r.communityId })).map((r) => r.communityId))];
}

/** Communities where the actor currently holds the volunteer role (a suspended volunteer holds none). */
export function volunteerCommunityIds(actor: Actor): string[] {
  return [...new Set(actor.roles.filter((r) => r.role === 'volunteer').map((r) => r.communityId))];
}

function chooseCommunity(candidates: string[], requested: string | undefined, refusal: string): string {
  if (requested) {
    if (!candidates.includes(requested)) throw forbidden(refusal);
    return requested;
  }
  if (candidates.length === 0) throw forbidden(refusal);
  if (candidates.length > 1) throw fieldError('communityId', '你关联了多个社区，请选择社区');
  return candidates[0]!;
}

export async function applyToVolunteer(db: Database, actor: Actor, body: ApplyBody): Promise<string> {
  // A volunteer is a resident of the community: an account bound to one of its households.
  const residentOf = [...new Set(actor.households.map((h) => h.communityId))];
  const communityId = chooseCommunity(residentOf, body.communityId, '请先绑定本社区的住户，再申请当志愿者');
  if (body.preferredBuildingIds.length) {
    const found = await db
      .select({ id: buildings.id })
      .from(buildings)
      .where(and(inArray(buildings.id, body.preferredBuildingIds), eq(buildings.communityId, communityId)));
    if (found.length !== body.preferredBuildingIds.length) throw fieldError('preferredBuildingIds', '所选楼栋不属于本社区');
  }
  // The partial unique index decides races: one live application per account and community.
  const [created] = await db
    .insert(volunteerApplications)
    .values({
      userId: actor.userId,
      communityId,
      skills: body.skills,
      availability: body.availability,
      preferredBuildingIds: body.preferredBuildingIds,
      note: body.note ?? null,
    })
    .onConflictDoNothing()
    .returning({ id: volunteerApplications.id });
  if (!created) {
    const [live] = await db
      .select({ status: volunteerApplications.status })
      .from(volunteerApplications)
      .where(and(eq(volunteerApplications.userId, actor.userId), eq(volunteerApplications.communityId, communityId), sql`${volunteerApplications.status} <> 'rejected'`));
    const message = live?.status === 'suspended' ? '你的志愿者资格已暂停，请联系社区恢复' : live?.status === 'approved' ? '你已经是本社区志愿者' : '你的申请正在审核中';
    throw conflict('ALREADY_APPLIED', message, { status: live?.status ?? 'pending' });
  }
  return created.id;
}

export async function decideApplication(db: Database, actor: Actor, applicationId: string, decision: VolunteerDecision, reason: string | undefined): Promise<string> {
  const [application] = await db.select().from(volunteerApplications).where(eq(volunteerApplications.id, applicationId));
  if (!application) throw notFound('志愿者申请');
  if (!can(actor, 'volunteers.manage', { communityId: application.communityId })) {
    if (application.userId === actor.userId) throw forbidden('不能审核自己的志愿者申请');
    throw notFound('志愿者申请');
  }
  if (application.userId === actor.userId) throw forbidden('不能审核自己的志愿者申请');
  if (decisionNeedsReason(decision) && !reason) throw fieldError('reason', `${volunteerDecisionMoves[decision].label}需要填写原因`);
  const move = volunteerDecisionMoves[decision];
  return db.transaction(async (tx) => {
    // Conditional update: of concurrent decisions on one application, exactly one moves it.
    const [decided] = await tx
      .update(volunteerApplications)
      .set({ status: move.to, decidedBy: actor.userId, decidedAt: sql`now()`, decisionReason: reason ?? null })
      .where(and(eq(volunteerApplications.id, applicationId), eq(volunteerApplications.status, move.from)))
      .returning();
    if (!decided) {
      const [current] = await tx.select({ status: volunteerApplications.status }).from(volunteerApplications).where(eq(volunteerApplications.id, applicationId));
      const from = current?.status ?? application.status;
      throw conflict('INVALID_TRANSITION', `该申请当前为「${volunteerApplicationStatusLabels[from]}」，不能${move.label}`, { from, to: move.to });
    }
    const role = and(eq(roleAssignments.userId, decided.userId), eq(roleAssignments.role, 'volunteer'), eq(roleAssignments.communityId, decided.communityId));
    if (move.to === 'approved') {
      await tx.insert(roleAssignments).values({ userId: decided.userId, role: 'volunteer', communityId: decided.communityId }).onConflictDoNothing();
    } else if (move.to === 'suspended') {
      // The role goes at once: every request re-reads roles, so claims and answers are refused from the next one.
      await tx.delete(roleAssignments).where(role);
    }
    await recordAudit(tx, {
      actorId: actor.userId,
      communityId: decided.communityId,
      action: `volunteer.${decision}`,
      subjectType: 'volunteer_application',
      subjectId: decided.id,
      details: { volunteerUserId: decided.userId, from: move.from, to: move.to, ...(reason ? { reason } : {}) },
    });
    return decided.id;
  });
}

export async function revealVolunteerPhoneAudit(db: Database, actor: Actor, application: { id: string; userId: string; communityId: string; displayName: string }) {
  if (application.userId === actor.userId) return;
  await recordAudit(db, {
    actorId: actor.userId,
    communityId: application.communityId,
    action: 'volunteer.phone.read',
    subjectType: 'volunteer_application',
    subjectId: application.id,
    details: { volunteerUserId: application.userId, personName: application.displayName },
  });
}

export interface CreatedCallUp {
  id: string;
  recipients: string[];
  event: CallUpEventBody;
}

export async function createCallUp(db: Database, actor: Actor, body: CallUpBody, now: Date): Promise<CreatedCallUp> {
  const communityId = chooseCommunity(managedCommunityIds(actor), body.communityId, '只有本社区的工作人员可以发起召集');
  const startsAt = new Date(body.startsAt);
  if (startsAt.getTime() < now.getTime() - 30 * 60_000) throw fieldError('startsAt', '集合时间已经过去');
  if (startsAt.getTime() > now.getTime() + 30 * 86_400_000) throw fieldError('startsAt', '集合时间不能晚于 30 天后');

  const candidates = await db
    .select({ applicationId: volunteerApplications.id, userId: volunteerApplications.userId, availability: volunteerApplications.availability })
    .from(volunteerApplications)
    // The role is the live truth (suspension deletes it); the approved application carries skills and windows.
    .innerJoin(roleAssignments, and(
      eq(roleAssignments.userId, volunteerApplications.userId),
      eq(roleAssignments.role, 'volunteer'),
      eq(roleAssignments.communityId, volunteerApplications.communityId),
    ))
    .where(and(
      eq(volunteerApplications.communityId, communityId),
      eq(volunteerApplications.status, 'approved'),
      sql`${body.skill} = ANY(${volunteerApplications.skills})`,
    ));
  const matched = candidates.filter((c) => body.ignoreAvailability || isAvailableAt(c.availability, startsAt));

  return db.transaction(async (tx) => {
    const [callUp] = await tx
      .insert(callUps)
      .values({ communityId, createdBy: actor.userId, skill: body.skill, needed: body.needed, place: body.place, startsAt, note: body.note ?? null })
      .returning();
    const event: CallUpEventBody = {
      id: callUp!.id, skill: callUp!.skill, needed: callUp!.needed, place: callUp!.place, startsAt: callUp!.startsAt.toISOString(), note: callUp!.note,
    };
    if (matched.length) {
      await tx.insert(callUpRecipients).values(matched.map((m) => ({ callUpId: callUp!.id, userId: m.userId, applicationId: m.applicationId })));
      await tx.insert(wechatOutbox).values(matched.map((m) => ({
        userId: m.userId,
        payload: { kind: 'call_up', callUpId: callUp!.id, title: `志愿者召集：${body.place}`, priority: 'urgent', page: 'pages/volunteer/callups/index' },
      })));
    }
    await recordAudit(tx, {
      actorId: actor.userId,
      communityId,
      action: 'call_up.create',
      subjectType: 'call_up',
      subjectId: callUp!.id,
      details: { skill: body.skill, needed: body.needed, called: matched.length },
    });
    return { id: callUp!.id, recipients: matched.map((m) => m.userId), event };
  });
}

/** Records the answer; returns the call-up's community and status after it (null when the answer was already that). */
export async function answerCallUp(db: Database, actor: Actor, callUpId: string, answer: CallUpAnswer): Promise<{ communityId: string; status: 'open' | 'closed' } | null> {
  return db.transaction(async (tx) => {
    // The row lock serialises answers to one call-up, so the Nth 能来 closes it and no one is let in past N.
    const [callUp] = await tx.select().from(callUps).where(eq(callUps.id, callUpId)).for('update');
    const [recipient] = callUp
      ? await tx.select().from(callUpRecipients).where(and(eq(callUpRecipients.callUpId, callUpId), eq(callUpRecipients.userId, actor.userId)))
      : [];
    const isVolunteerThere = !!callUp && volunteerCommunityIds(actor).includes(callUp.communityId);
    if (!callUp || (!recipient && !isVolunteerThere)) throw notFound('召集');
    if (!isVolunteerThere) throw forbidden('你的志愿者资格已暂停，不能回复召集');
    if (!recipient) throw forbidden('这次召集没有通知你，不能回复');
    if (callUp.status !== 'open') {
      throw conflict('CALL_UP_CLOSED', callUp.closedReason === 'filled' ? '召集人数已满，感谢你的响应' : '召集已结束', { closedReason: callUp.closedReason });
    }
    if (recipient.answer === answer) return null;
    await tx
      .update(callUpRecipients)
      .set({ answer, answeredAt: sql`now()` })
      .where(and(eq(callUpRecipients.callUpId, callUpId), eq(callUpRecipients.userId, actor.userId)));
    if (answer !== 'yes') return { communityId: callUp.communityId, status: 'open' as const };
    const [{ yes }] = (await tx
      .select({ yes: sql<number>`count(*)::int` })
      .from(callUpRecipients)
      .where(and(eq(callUpRecipients.callUpId, callUpId), eq(callUpRecipients.answer, 'yes')))) as [{ yes: number }];
    if (yes < callUp.needed) return { communityId: callUp.communityId, status: 'open' as const };
    await tx.update(callUps).set({ status: 'closed', closedReason: 'filled', closedAt: sql`now()` }).where(eq(callUps.id, callUpId));
    return { communityId: callUp.communityId, status: 'closed' as const };
  });
}

export async function closeCallUp(db: Database, actor: Actor, callUpId: string): Promise<void> {
  const [callUp] = await db.select({ communityId: callUps.communityId }).from(callUps).where(eq(callUps.id, callUpId));
  if (!callUp || !can(actor, 'volunteers.manage', callUp)) throw notFound('召集');
  await db.transaction(async (tx) => {
    const [closed] = await tx
      .update(callUps)
      .set({ status: 'closed', closedReason: 'staff', closedBy: actor.userId, closedAt: sql`now()` })
      .where(and(eq(callUps.id, callUpId), eq(callUps.status, 'open')))
      .returning({ id: callUps.id });
    if (!closed) throw conflict('INVALID_TRANSITION', '召集已结束', { from: 'closed', to: 'closed' });
    await recordAudit(tx, { actorId: actor.userId, communityId: callUp.communityId, action: 'call_up.close', subjectType: 'call_up', subjectId: callUpId });
  });
}
