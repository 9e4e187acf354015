// Reading tasks as the API shows them: who may see which (staff of the grid, volunteers of the community while open,
// the claimer), and the per-order household lines of a delivery task with masked phones and never the delivery code.
import { maskPhone, type Task, type TaskOrder } from '@linli/shared';
import { and, asc, desc, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { staffGridIds, type Actor } from '../../authorization/policy';
import type { DbOrTx } from '../../db/client';
import { buildings, households, orderItems, orders, persons, taskOrders, tasks, users } from '../../db/schema';

const claimer = alias(users, 'claimer');
const contact = alias(users, 'contact');

/** A household with a person carrying a care tag (elderly living alone, disabled, …). */
export const householdIsCareTagged = (householdId: SQL | string) =>
  sql<boolean>`EXISTS (SELECT 1 FROM ${persons} p WHERE p.household_id = ${householdId} AND jsonb_array_length(p.care_tags) > 0)`;

export function volunteerCommunities(actor: Actor): string[] {
  return actor.roles.filter((r) => r.role === 'volunteer').map((r) => r.communityId);
}

/**
 * Tasks the actor may see: staff their grids' (any status), volunteers their community's open and claimed ones (the
 * hall shows who got there first), anyone the ones they claimed.
 */
export function visibleTasks(actor: Actor): SQL {
  const parts: SQL[] = [eq(tasks.claimedBy, actor.userId)];
  for (const { communityId, gridIds } of staffGridIds(actor)) {
    parts.push(gridIds === null ? eq(tasks.communityId, communityId) : and(eq(tasks.communityId, communityId), inArray(buildings.gridId, gridIds))!);
  }
  const volunteerOf = volunteerCommunities(actor);
  if (volunteerOf.length > 0) parts.push(and(inArray(tasks.communityId, volunteerOf), inArray(tasks.status, ['open', 'claimed']))!);
  return or(...parts)!;
}

export interface TaskRow extends Task {
  gridId: string;
  contactPhone: string | null;
}

/** The hall's order: urgent first, then care-tagged households, then the oldest. */
export async function selectTasks(db: DbOrTx, where: SQL, limit: number, order: 'hall' | 'recent' = 'hall'): Promise<TaskRow[]> {
  const rows = await db
    .select({
      t: tasks,
      buildingName: buildings.name,
      gridId: buildings.gridId,
      unit: households.unit,
      room: households.room,
      claimedByName: claimer.displayName,
      contactPhone: contact.phone,
    })
    .from(tasks)
    .innerJoin(buildings, eq(buildings.id, tasks.buildingId))
    .leftJoin(households, eq(households.id, tasks.householdId))
    .leftJoin(claimer, eq(claimer.id, tasks.claimedBy))
    .leftJoin(contact, eq(contact.id, tasks.contactUserId))
    .where(where)
    .orderBy(...(order === 'hall'
      ? [desc(tasks.urgent), desc(tasks.careTagged), asc(tasks.createdAt), asc(tasks.id)]
      : [sql`${tasks.status} = 'claimed' DESC`, desc(sql`coalesce(${tasks.completedAt}, ${tasks.claimedAt}, ${tasks.createdAt})`), desc(tasks.id)]))
    .limit(limit);
  return rows.map(({ t, ...r }) => ({
    id: t.id,
    communityId: t.communityId,
    kind: t.kind,
    status: t.status,
    title: t.title,
    details: t.details,
    buildingId: t.buildingId,
    buildingName: r.buildingName,
    householdId: t.householdId,
    unit: r.unit,
    room: r.room,
    urgent: t.urgent,
    careTagged: t.careTagged,
    orderCount: t.orderCount,
    handedOverCount: t.handedOverCount,
    claimedBy: t.claimedBy,
    claimedByName: r.claimedByName,
    claimedAt: t.claimedAt?.toISOString() ?? null,
    claimExpiresAt: t.status === 'claimed' ? (t.claimExpiresAt?.toISOString() ?? null) : null,
    completedAt: t.completedAt?.toISOString() ?? null,
    createdAt: t.createdAt.toISOString(),
    medicineRequestId: t.medicineRequestId,
    helpRequestId: t.helpRequestId,
    gridId: r.gridId,
    contactPhone: r.contactPhone,
  }));
}

/** The columns of a task row `t` as the list shows it (joined like `selectTasks`), for a raw statement that answers in one round trip. */
export function rawTaskRowFrom(source: SQL): SQL {
  return sql`
    SELECT t.id, t.community_id, t.kind, t.status, t.title, t.details, t.building_id, b.name AS building_name, t.household_id, h.unit, h.room,
      t.urgent, t.care_tagged, t.order_count, t.handed_over_count, t.claimed_by, cu.display_name AS claimed_by_name, t.claimed_at,
      t.claim_expires_at, t.completed_at, t.created_at, t.medicine_request_id, t.help_request_id, b.grid_id, co.phone AS contact_phone
    FROM ${source} t
    JOIN ${buildings} b ON b.id = t.building_id
    LEFT JOIN ${households} h ON h.id = t.household_id
    LEFT JOIN ${users} cu ON cu.id = t.claimed_by
    LEFT JOIN ${users} co ON co.id = t.contact_user_id`;
}

type Timestamp = Date | string | null;
export interface RawTaskRow {
  id: string; community_id: string; kind: Task['kind']; status: Task['status']; title: string; details: string | null; building_id: string;
  building_name: string; household_id: string | null; unit: string | null; room: string | null; urgent: boolean; care_tagged: boolean;
  order_count: number; handed_over_count: number; claimed_by: string | null; claimed_by_name: string | null; claimed_at: Timestamp;
  claim_expires_at: Timestamp; completed_at: Timestamp; created_at: Date | string; medicine_request_id: string | null; help_request_id: string | null;
  grid_id: string; contact_phone: string | null;
}

const isoOf = (value: Timestamp) => (value === null ? null : new Date(value).toISOString());

export function taskRowOfRaw(r: RawTaskRow): TaskRow {
  return {
    id: r.id,
    communityId: r.community_id,
    kind: r.kind,
    status: r.status,
    title: r.title,
    details: r.details,
    buildingId: r.building_id,
    buildingName: r.building_name,
    householdId: r.household_id,
    unit: r.unit,
    room: r.room,
    urgent: r.urgent,
    careTagged: r.care_tagged,
    orderCount: r.order_count,
    handedOverCount: r.handed_over_count,
    claimedBy: r.claimed_by,
    claimedByName: r.claimed_by_name,
    claimedAt: isoOf(r.claimed_at),
    claimExpiresAt: r.status === 'claimed' ? isoOf(r.claim_expires_at) : null,
    completedAt: isoOf(r.completed_at),
    createdAt: isoOf(r.created_at)!,
    medicineRequestId: r.medicine_request_id,
    helpRequestId: r.help_request_id,
    gridId: r.grid_id,
    contactPhone: r.contact_phone,
  };
}

export interface TaskOrderRow extends TaskOrder {
  buildingId: string;
  contactPhone: string | null;
}

/** The orders of a delivery task, by unit and room, with what is in each. */
export async function selectTaskOrders(db: DbOrTx, taskId: string): Promise<TaskOrderRow[]> {
  const rows = await db
    .select({
      to: taskOrders,
      status: orders.status,
      buildingId: orders.buildingId,
      buildingName: buildings.name,
      unit: households.unit,
      room: households.room,
      contactPhone: users.phone,
      careTagged: householdIsCareTagged(sql`${households.id}`),
    })
    .from(taskOrders)
    .innerJoin(orders, eq(orders.id, taskOrders.orderId))
    .innerJoin(households, eq(households.id, taskOrders.householdId))
    .innerJoin(buildings, eq(buildings.id, households.buildingId))
    .innerJoin(users, eq(users.id, orders.placedBy))
    .where(eq(taskOrders.taskId, taskId))
    .orderBy(asc(households.unit), asc(sql`length(${households.room})`), asc(households.room), asc(taskOrders.orderId));
  if (rows.length === 0) return [];
  const lines = await db
    .select({ orderId: orderItems.orderId, name: orderItems.name, unit: orderItems.unit, qty: orderItems.quantity })
    .from(orderItems)
    .where(inArray(orderItems.orderId, rows.map((r) => r.to.orderId)))
    .orderBy(asc(orderItems.name));
  return rows.map((r) => ({
    orderId: r.to.orderId,
    householdId: r.to.householdId,
    buildingId: r.buildingId,
    buildingName: r.buildingName,
    unit: r.unit,
    room: r.room,
    contactPhone: r.contactPhone,
    maskedPhone: maskPhone(r.contactPhone),
    careTagged: Boolean(r.careTagged),
    status: r.status,
    items: lines.filter((l) => l.orderId === r.to.orderId).map(({ name, unit, qty }) => ({ name, unit, qty })),
    handover: r.to.handover,
    failedAttempts: r.to.failedAttempts,
    locked: r.to.lockedAt !== null,
    handedOverAt: r.to.handedOverAt?.toISOString() ?? null,
    confirmedAt: r.to.confirmedAt?.toISOString() ?? null,
  }));
}
