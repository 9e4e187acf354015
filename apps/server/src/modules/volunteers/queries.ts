// Reads of the volunteer registry and call-ups, shaped as the shared contract (phones still unmasked: the routes mask).
import { and, desc, eq, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import type { CallUp, CallUpAnswer, CallUpResponder, MyCallUp, VolunteerApplication, VolunteerApplicationStatus, VolunteerSkill } from '@linli/shared';
import type { DbOrTx } from '../../db/client';
import { buildings, callUpRecipients, callUps, users, volunteerApplications } from '../../db/schema';
import type { CursorPosition } from '../../pagination';

const iso = (d: Date | null) => d?.toISOString() ?? null;

function before(createdAt: typeof volunteerApplications.createdAt | typeof callUps.createdAt, id: typeof volunteerApplications.id | typeof callUps.id, after: CursorPosition) {
  const at = new Date(after.at);
  return or(lt(createdAt, at), and(eq(createdAt, at), lt(id, after.id)))!;
}

export interface ApplicationFilter {
  /** Applications of these communities (staff), or of this account (own). */
  communityIds?: string[];
  userId?: string;
  id?: string;
  status?: VolunteerApplicationStatus;
  skill?: VolunteerSkill;
}

export async function listApplications(db: DbOrTx, filter: ApplicationFilter, page: { limit: number; after: CursorPosition | null }): Promise<VolunteerApplication[]> {
  const conditions: SQL[] = [];
  if (filter.communityIds) {
    if (filter.communityIds.length === 0) return [];
    conditions.push(inArray(volunteerApplications.communityId, filter.communityIds));
  }
  if (filter.userId) conditions.push(eq(volunteerApplications.userId, filter.userId));
  if (filter.id) conditions.push(eq(volunteerApplications.id, filter.id));
  if (filter.status) conditions.push(eq(volunteerApplications.status, filter.status));
  if (filter.skill) conditions.push(sql`${filter.skill} = ANY(${volunteerApplications.skills})`);
  if (page.after) conditions.push(before(volunteerApplications.createdAt, volunteerApplications.id, page.after));
  const rows = await db
    .select({
      id: volunteerApplications.id,
      userId: volunteerApplications.userId,
      displayName: users.displayName,
      phone: users.phone,
      communityId: volunteerApplications.communityId,
      skills: volunteerApplications.skills,
      availability: volunteerApplications.availability,
      preferredBuildingIds: volunteerApplications.preferredBuildingIds,
      note: volunteerApplications.note,
      status: volunteerApplications.status,
      decisionReason: volunteerApplications.decisionReason,
      createdAt: volunteerApplications.createdAt,
      decidedAt: volunteerApplications.decidedAt,
    })
    .from(volunteerApplications)
    .innerJoin(users, eq(users.id, volunteerApplications.userId))
    .where(and(...conditions))
    .orderBy(desc(volunteerApplications.createdAt), desc(volunteerApplications.id))
    .limit(page.limit);
  const buildingIds = [...new Set(rows.flatMap((r) => r.preferredBuildingIds))];
  const names = new Map(
    buildingIds.length
      ? (await db.select({ id: buildings.id, name: buildings.name }).from(buildings).where(inArray(buildings.id, buildingIds))).map((b) => [b.id, b.name])
      : [],
  );
  return rows.map(({ preferredBuildingIds, ...r }) => ({
    ...r,
    preferredBuildings: preferredBuildingIds.flatMap((id) => (names.has(id) ? [{ id, name: names.get(id)! }] : [])),
    createdAt: r.createdAt.toISOString(),
    decidedAt: iso(r.decidedAt),
  }));
}

const answerCounts = {
  called: sql<number>`(SELECT count(*)::int FROM call_up_recipients r WHERE r.call_up_id = ${callUps.id})`,
  yes: sql<number>`(SELECT count(*)::int FROM call_up_recipients r WHERE r.call_up_id = ${callUps.id} AND r.answer = 'yes')`,
  no: sql<number>`(SELECT count(*)::int FROM call_up_recipients r WHERE r.call_up_id = ${callUps.id} AND r.answer = 'no')`,
};

const callUpColumns = {
  id: callUps.id,
  communityId: callUps.communityId,
  skill: callUps.skill,
  needed: callUps.needed,
  place: callUps.place,
  startsAt: callUps.startsAt,
  note: callUps.note,
  status: callUps.status,
  closedReason: callUps.closedReason,
  createdAt: callUps.createdAt,
  closedAt: callUps.closedAt,
};

function callUpTimes<T extends { startsAt: Date; createdAt: Date; closedAt: Date | null }>(r: T) {
  return { ...r, startsAt: r.startsAt.toISOString(), createdAt: r.createdAt.toISOString(), closedAt: iso(r.closedAt) };
}

export async function listCallUps(
  db: DbOrTx,
  filter: { communityIds: string[]; id?: string; status?: 'open' | 'closed' },
  page: { limit: number; after: CursorPosition | null },
): Promise<CallUp[]> {
  if (filter.communityIds.length === 0) return [];
  const conditions: SQL[] = [inArray(callUps.communityId, filter.communityIds)];
  if (filter.id) conditions.push(eq(callUps.id, filter.id));
  if (filter.status) conditions.push(eq(callUps.status, filter.status));
  if (page.after) conditions.push(before(callUps.createdAt, callUps.id, page.after));
  const rows = await db
    .select({ ...callUpColumns, ...answerCounts })
    .from(callUps)
    .where(and(...conditions))
    .orderBy(desc(callUps.createdAt), desc(callUps.id))
    .limit(page.limit);
  return rows.map(({ called, yes, no, ...r }) => ({ ...callUpTimes(r), counts: { called, yes, no, unanswered: called - yes - no } }));
}

export async function responderRows(db: DbOrTx, callUpId: string): Promise<CallUpResponder[]> {
  const rows = await db
    .select({
      userId: callUpRecipients.userId,
      displayName: users.displayName,
      phone: users.phone,
      applicationId: callUpRecipients.applicationId,
      answer: callUpRecipients.answer,
      answeredAt: callUpRecipients.answeredAt,
    })
    .from(callUpRecipients)
    .innerJoin(users, eq(users.id, callUpRecipients.userId))
    .where(eq(callUpRecipients.callUpId, callUpId))
    // Those who can come first, then those who cannot, then the silent.
    .orderBy(sql`CASE ${callUpRecipients.answer} WHEN 'yes' THEN 0 WHEN 'no' THEN 1 ELSE 2 END`, callUpRecipients.answeredAt, users.displayName);
  return rows.map((r) => ({ ...r, answeredAt: iso(r.answeredAt) }));
}

/** Call-ups that reached this volunteer in these communities, with the caller's answer. */
export async function callUpsOfVolunteer(
  db: DbOrTx,
  userId: string,
  filter: { communityIds: string[]; id?: string; status?: 'open' | 'closed' },
): Promise<MyCallUp[]> {
  if (filter.communityIds.length === 0) return [];
  const conditions: SQL[] = [eq(callUpRecipients.userId, userId), inArray(callUps.communityId, filter.communityIds)];
  if (filter.id) conditions.push(eq(callUps.id, filter.id));
  if (filter.status) conditions.push(eq(callUps.status, filter.status));
  const rows = await db
    .select({ ...callUpColumns, yesCount: answerCounts.yes, myAnswer: callUpRecipients.answer })
    .from(callUpRecipients)
    .innerJoin(callUps, eq(callUps.id, callUpRecipients.callUpId))
    .where(and(...conditions))
    .orderBy(callUps.startsAt, callUps.id)
    .limit(100);
  return rows.map((r) => ({ ...callUpTimes(r), myAnswer: r.myAnswer as CallUpAnswer | null }));
}
