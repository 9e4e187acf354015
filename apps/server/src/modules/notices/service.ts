// Notices: staff write them for buildings (or whole grids) in their scope; each lands as a card in the buildings' chats,
// is pushed live and queued for WeChat; households acknowledge once; staff see reach and who is still unreached.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { maskPhone, type CreateNoticeBody, type Notice, type NoticeStats, type UnreachedHousehold } from '@linli/shared';
import type { Actor } from '../../authorization/policy';
import { can, isStaffOf, staffGridIds } from '../../authorization/policy';
import { selectRows, type Database, type DbOrTx } from '../../db/client';
import { buildings, grids, noticeAcks, notices, noticeTargets, wechatOutbox } from '../../db/schema';
import { badRequest, forbidden, notFound } from '../../errors';
import type { Realtime } from '../../plugins/realtime';
import { appendMessage } from '../chats/service';
import { messageById } from '../chats/queries';
import { residentUserIdsOfBuildings } from '../chats/members';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
const uuidList = (ids: string[]) => sql`(${sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `)})`;

async function resolveTargets(db: DbOrTx, actor: Actor, body: CreateNoticeBody) {
  const byId = body.buildingIds.length ? await db.select().from(buildings).where(inArray(buildings.id, body.buildingIds)) : [];
  if (byId.length !== new Set(body.buildingIds).size) throw notFound('楼栋');
  const gridRows = body.gridIds.length ? await db.select().from(grids).where(inArray(grids.id, body.gridIds)) : [];
  if (gridRows.length !== new Set(body.gridIds).size) throw notFound('网格');
  for (const g of gridRows) if (!isStaffOf(actor, { communityId: g.communityId, gridId: g.id })) throw notFound('网格');
  const byGrid = body.gridIds.length ? await db.select().from(buildings).where(inArray(buildings.gridId, body.gridIds)) : [];
  const targets = new Map([...byId, ...byGrid].map((b) => [b.id, b]));
  for (const b of targets.values()) {
    if (!isStaffOf(actor, { communityId: b.communityId, gridId: b.gridId, buildingId: b.id })) throw notFound('楼栋');
  }
  const communities = new Set([...targets.values()].map((b) => b.communityId));
  if (communities.size !== 1) throw badRequest('VALIDATION_FAILED', '通知只能发给同一社区的楼栋', [{ field: 'buildingIds', in: 'body', message: 'one community' }]);
  if (targets.size === 0) throw badRequest('VALIDATION_FAILED', '所选网格下没有楼栋', [{ field: 'gridIds', in: 'body', message: 'no buildings' }]);
  return { buildings: [...targets.values()].sort((a, b) => a.sortOrder - b.sortOrder), communityId: [...communities][0]! };
}

export async function createNotice(db: Database, realtime: Realtime, actor: Actor, body: CreateNoticeBody, onQueued: () => void): Promise<string> {
  if (body.expiresAt && new Date(body.expiresAt).getTime() <= Date.now()) {
    throw badRequest('VALIDATION_FAILED', '截止时间必须晚于现在', [{ field: 'expiresAt', in: 'body', message: 'must be in the future' }]);
  }
  const targets = await resolveTargets(db, actor, body);
  const buildingIds = targets.buildings.map((b) => b.id);
  const recipients = await residentUserIdsOfBuildings(db, buildingIds);
  const { noticeId, cards } = await db.transaction(async (tx) => {
    const [notice] = await tx.insert(notices).values({
      communityId: targets.communityId,
      authorId: actor.userId,
      title: body.title,
      body: body.body,
      priority: body.priority,
      requiresAck: body.requiresAck,
      expiresAt: body.expiresAt ? new Date(body.expiresAt) : null,
    }).returning({ id: notices.id });
    await tx.insert(noticeTargets).values(buildingIds.map((buildingId) => ({ noticeId: notice!.id, buildingId })));
    const cards: { buildingId: string; id: string }[] = [];
    for (const buildingId of buildingIds) {
      const row = await appendMessage(tx, buildingId, { senderId: actor.userId, senderIsStaff: true, kind: 'notice', text: body.title, noticeId: notice!.id });
      cards.push({ buildingId, id: row!.id });
    }
    if (recipients.length) {
      await tx.insert(wechatOutbox).values(recipients.map((userId) => ({
        userId,
        noticeId: notice!.id,
        payload: { kind: 'notice', noticeId: notice!.id, title: body.title, priority: body.priority, page: `pages/resident/chat/index` },
      }))).onConflictDoNothing();
    }
    return { noticeId: notice!.id, cards };
  });
  for (const card of cards) {
    const message = (await messageById(db, card.id))!;
    await realtime.publishToBuildingGroup(card.buildingId, { type: 'message', message }, message.seq);
  }
  await realtime.publish({ buildingIds }, {
    type: 'notice',
    notice: { id: noticeId, title: body.title, body: body.body, priority: body.priority, requiresAck: body.requiresAck, buildingIds, createdAt: new Date().toISOString() },
  });
  onQueued();
  return noticeId;
}

interface NoticeRow {
  id: string; title: string; body: string; priority: 'normal' | 'urgent'; requires_ack: boolean; author_name: string;
  created_at: Date | string; expires_at: Date | string | null; buildings: { id: string; name: string }[] | string; acknowledged: boolean;
}

/** Buildings the caller sees notices for: their households' buildings and, for staff, the buildings of their grids. */
async function visibleBuildingIds(db: DbOrTx, actor: Actor): Promise<{ own: string[]; staff: string[] }> {
  const staffScopes = staffGridIds(actor);
  let staff: string[] = [];
  if (staffScopes.length) {
    const conditions = staffScopes.map(({ communityId, gridIds }) =>
      gridIds === null ? sql`community_id = ${communityId}` : sql`(community_id = ${communityId} AND grid_id IN ${uuidList(gridIds)})`);
    staff = (await selectRows<{ id: string }>(db, sql`SELECT id FROM buildings WHERE ${sql.join(conditions, sql` OR `)}`)).map((r) => r.id);
  }
  return { own: [...new Set(actor.households.map((h) => h.buildingId))], staff };
}

async function reachOf(db: DbOrTx, noticeIds: string[], buildingIds: string[]) {
  if (!noticeIds.length || !buildingIds.length) return new Map<string, { targetHouseholds: number; ackedHouseholds: number }>();
  const rows = await selectRows<{ notice_id: string; target: number; acked: number }>(db, sql`
    SELECT t.notice_id, count(h.id)::int AS target, count(a.household_id)::int AS acked
    FROM notice_targets t
    JOIN households h ON h.building_id = t.building_id
    LEFT JOIN notice_acks a ON a.notice_id = t.notice_id AND a.household_id = h.id
    WHERE t.notice_id IN ${uuidList(noticeIds)} AND t.building_id IN ${uuidList(buildingIds)}
    GROUP BY t.notice_id`);
  return new Map(rows.map((r) => [r.notice_id, { targetHouseholds: r.target, ackedHouseholds: r.acked }]));
}

async function noticesWhere(db: DbOrTx, actor: Actor, where: ReturnType<typeof sql>, limit: number, visible: string[]): Promise<NoticeRow[]> {
  const households = actor.households.map((h) => h.householdId);
  const ackedExpr = households.length
    ? sql`EXISTS (SELECT 1 FROM notice_acks a WHERE a.notice_id = n.id AND a.household_id IN ${uuidList(households)})`
    : sql`false`;
  return selectRows<NoticeRow>(db, sql`
    SELECT n.id, n.title, n.body, n.priority, n.requires_ack, u.display_name AS author_name, n.created_at, n.expires_at,
      (SELECT coalesce(json_agg(json_build_object('id', b.id, 'name', b.name) ORDER BY b.sort_order), '[]'::json)
         FROM notice_targets t JOIN buildings b ON b.id = t.building_id
        WHERE t.notice_id = n.id AND t.building_id IN ${uuidList(visible)}) AS buildings,
      ${ackedExpr} AS acknowledged
    FROM notices n JOIN users u ON u.id = n.author_id
    WHERE EXISTS (SELECT 1 FROM notice_targets t WHERE t.notice_id = n.id AND t.building_id IN ${uuidList(visible)}) AND ${where}
    ORDER BY n.created_at DESC, n.id DESC
    LIMIT ${limit}`);
}

function toNotice(r: NoticeRow, reach: { targetHouseholds: number; ackedHouseholds: number } | null): Notice {
  return {
    id: r.id, title: r.title, body: r.body, priority: r.priority, requiresAck: r.requires_ack, authorName: r.author_name,
    buildings: typeof r.buildings === 'string' ? JSON.parse(r.buildings) : r.buildings,
    createdAt: iso(r.created_at)!, expiresAt: iso(r.expires_at), acknowledged: r.acknowledged, reach,
  };
}

export async function listNotices(db: DbOrTx, actor: Actor, page: { limit: number; before: { at: string; id: string } | null }) {
  const { own, staff } = await visibleBuildingIds(db, actor);
  const visible = [...new Set([...own, ...staff])];
  if (!visible.length) return { items: [] as Notice[], hasMore: false };
  const where = page.before ? sql`(n.created_at, n.id) < (${page.before.at}::timestamptz, ${page.before.id}::uuid)` : sql`true`;
  const rows = await noticesWhere(db, actor, where, page.limit + 1, visible);
  const shown = rows.slice(0, page.limit);
  const reach = await reachOf(db, shown.map((r) => r.id), staff);
  return { items: shown.map((r) => toNotice(r, staff.length ? reach.get(r.id) ?? { targetHouseholds: 0, ackedHouseholds: 0 } : null)), hasMore: rows.length > page.limit };
}

export async function getNotice(db: DbOrTx, actor: Actor, noticeId: string): Promise<Notice> {
  const { own, staff } = await visibleBuildingIds(db, actor);
  const visible = [...new Set([...own, ...staff])];
  if (!visible.length) throw notFound('通知');
  const [row] = await noticesWhere(db, actor, sql`n.id = ${noticeId}`, 1, visible);
  if (!row) throw notFound('通知');
  const reach = staff.length ? (await reachOf(db, [noticeId], staff)).get(noticeId) ?? { targetHouseholds: 0, ackedHouseholds: 0 } : null;
  return toNotice(row, reach);
}

/** 我已知晓: once per household. Acks every household of the caller in a target building (or the one named). */
export async function acknowledgeNotice(db: Database, realtime: Realtime, actor: Actor, noticeId: string, householdId?: string) {
  const targets = await db.select({ buildingId: noticeTargets.buildingId }).from(noticeTargets).where(eq(noticeTargets.noticeId, noticeId));
  const targetSet = new Set(targets.map((t) => t.buildingId));
  const mine = actor.households.filter((h) => targetSet.has(h.buildingId));
  if (!mine.length) {
    if (targets.length && staffGridIds(actor).length) throw forbidden('只有目标楼栋的住户可以确认已知晓');
    throw notFound('通知');
  }
  const chosen = householdId ? mine.filter((h) => h.householdId === householdId) : mine;
  if (!chosen.length) throw notFound('住户');
  for (const h of chosen) {
    if (!can(actor, 'household.act', { communityId: h.communityId, gridId: h.gridId, buildingId: h.buildingId, householdId: h.householdId })) throw notFound('住户');
  }
  const inserted = await db
    .insert(noticeAcks)
    .values(chosen.map((h) => ({ noticeId, householdId: h.householdId, userId: actor.userId })))
    .onConflictDoNothing()
    .returning({ householdId: noticeAcks.householdId });
  for (const row of inserted) {
    // To the building's group, so an open stats page and the household's other members update at once.
    const buildingId = chosen.find((h) => h.householdId === row.householdId)!.buildingId;
    await realtime.publishToBuildingGroup(buildingId, { type: 'notice.ack', noticeId, householdId: row.householdId });
  }
  return { noticeId, householdIds: chosen.map((h) => h.householdId), acknowledged: true as const };
}

/** Reach within the buildings of the notice that the caller is staff of; 404 when there are none. */
export async function noticeStats(db: DbOrTx, actor: Actor, noticeId: string): Promise<NoticeStats> {
  const targets = await selectRows<{ building_id: string; name: string; grid_id: string; community_id: string }>(db, sql`
    SELECT b.id AS building_id, b.name, b.grid_id, b.community_id FROM notice_targets t JOIN buildings b ON b.id = t.building_id
    WHERE t.notice_id = ${noticeId} ORDER BY b.sort_order`);
  const inScope = targets.filter((t) => isStaffOf(actor, { communityId: t.community_id, gridId: t.grid_id, buildingId: t.building_id }));
  if (!inScope.length) throw notFound('通知');
  const ids = inScope.map((t) => t.building_id);
  const perBuilding = await selectRows<{ building_id: string; target: number; acked: number }>(db, sql`
    SELECT h.building_id, count(h.id)::int AS target, count(a.household_id)::int AS acked
    FROM households h LEFT JOIN notice_acks a ON a.notice_id = ${noticeId} AND a.household_id = h.id
    WHERE h.building_id IN ${uuidList(ids)} GROUP BY h.building_id`);
  const counts = new Map(perBuilding.map((r) => [r.building_id, r]));
  const byBuilding = inScope.map((t) => ({
    buildingId: t.building_id, buildingName: t.name,
    targetHouseholds: counts.get(t.building_id)?.target ?? 0, ackedHouseholds: counts.get(t.building_id)?.acked ?? 0,
  }));
  return {
    noticeId,
    targetHouseholds: byBuilding.reduce((s, b) => s + b.targetHouseholds, 0),
    ackedHouseholds: byBuilding.reduce((s, b) => s + b.ackedHouseholds, 0),
    byBuilding,
    unacknowledged: (await unreachedHouseholds(db, noticeId, ids)).map(({ phone, ...rest }) => ({ ...rest, maskedPhone: maskPhone(phone) })),
  };
}

export async function unreachedHouseholds(db: DbOrTx, noticeId: string, buildingIds: string[]): Promise<(Omit<UnreachedHousehold, 'maskedPhone'> & { phone: string | null })[]> {
  const rows = await selectRows<{ household_id: string; building_id: string; building_name: string; unit: string; room: string; person_id: string | null; person_name: string | null; phone: string | null }>(db, sql`
    SELECT h.id AS household_id, b.id AS building_id, b.name AS building_name, h.unit, h.room, p.id AS person_id, p.name AS person_name, p.phone
    FROM households h
    JOIN buildings b ON b.id = h.building_id
    LEFT JOIN LATERAL (
      SELECT id, name, phone FROM persons WHERE household_id = h.id ORDER BY (phone IS NULL), (relation <> 'owner'), created_at, id LIMIT 1
    ) p ON true
    WHERE h.building_id IN ${uuidList(buildingIds)}
      AND NOT EXISTS (SELECT 1 FROM notice_acks a WHERE a.notice_id = ${noticeId} AND a.household_id = h.id)
    ORDER BY b.sort_order, h.unit, length(h.room), h.room`);
  return rows.map((r) => ({
    householdId: r.household_id, buildingId: r.building_id, buildingName: r.building_name, unit: r.unit, room: r.room,
    contactPersonId: r.person_id, contactName: r.person_name, phone: r.phone,
  }));
}

/** Buildings of the notice the caller is staff of (for the CSV), with the community for the audit entry. */
export async function staffBuildingsOfNotice(db: DbOrTx, actor: Actor, noticeId: string) {
  const targets = await selectRows<{ building_id: string; grid_id: string; community_id: string }>(db, sql`
    SELECT b.id AS building_id, b.grid_id, b.community_id FROM notice_targets t JOIN buildings b ON b.id = t.building_id WHERE t.notice_id = ${noticeId}`);
  const inScope = targets.filter((t) => isStaffOf(actor, { communityId: t.community_id, gridId: t.grid_id, buildingId: t.building_id }));
  if (!inScope.length) throw notFound('通知');
  return { buildingIds: inScope.map((t) => t.building_id), communityId: inScope[0]!.community_id };
}

/** Urgent notices still live in a building: for a resident, only those their household has not acknowledged. */
export async function pinnedNoticesFor(db: DbOrTx, actor: Actor, buildingId: string, isStaff: boolean) {
  const households = actor.households.filter((h) => h.buildingId === buildingId).map((h) => h.householdId);
  const notAcked = !isStaff && households.length
    ? sql`AND NOT EXISTS (SELECT 1 FROM notice_acks a WHERE a.notice_id = n.id AND a.household_id IN ${uuidList(households)})`
    : sql``;
  const rows = await selectRows<{ id: string; title: string; body: string; priority: 'normal' | 'urgent'; requires_ack: boolean; created_at: Date | string; expires_at: Date | string | null }>(db, sql`
    SELECT n.id, n.title, n.body, n.priority, n.requires_ack, n.created_at, n.expires_at
    FROM notices n JOIN notice_targets t ON t.notice_id = n.id
    WHERE t.building_id = ${buildingId} AND n.priority = 'urgent' AND (n.expires_at IS NULL OR n.expires_at > now()) ${notAcked}
    ORDER BY n.created_at DESC LIMIT 5`);
  return rows.map((r) => ({
    id: r.id, title: r.title, body: r.body, priority: r.priority, requiresAck: r.requires_ack, createdAt: iso(r.created_at)!, expiresAt: iso(r.expires_at),
  }));
}
