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
