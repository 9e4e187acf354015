// The rules of tasks, each decided in SQL: one claimer per task (conditional UPDATE), at most three held per
// volunteer (claims of one account serialise on its users row), each order in at most one task, handovers against
// the household's code with a per-order attempt counter.
import { maxDeliveryCodeAttempts, maxHeldTasks, maxOrdersPerDeliveryTask, type TaskKind } from '@linli/shared';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Actor } from '../../authorization/policy';
import { selectRows, type Database, type DbOrTx, type Transaction } from '../../db/client';
import { buildings, careVisits, helpRequests, households, medicineRequests, orders, taskOrders, tasks } from '../../db/schema';
import { AppError, conflict, notFound } from '../../errors';
import { householdIsCareTagged } from './queries';

export interface TaskRules {
  claimTimeoutMinutes: number;
}

const claimDeadline = (rules: TaskRules) => sql`now() + make_interval(mins => ${rules.claimTimeoutMinutes}::int)`;

// ---- Creating ----

/** Rooms in reading order: 1单元 101, 102, …, 1201, then 2单元. */
function byUnitAndRoom(a: { unit: string; room: string }, b: { unit: string; room: string }) {
  return a.unit.localeCompare(b.unit, 'zh-CN', { numeric: true }) || a.room.localeCompare(b.room, 'zh-CN', { numeric: true });
}

/**
 * Takes every packed order of the building out for delivery (packed → out_for_delivery) and splits them into tasks
 * of at most 30 orders. The status update is the claim on the orders: a concurrent call finds none left.
 */
export async function createDeliveryTasks(db: Database, actor: Actor, building: { buildingId: string; communityId: string }, groupBuyId?: string) {
  return db.transaction(async (tx) => {
    const taken = await tx
      .update(orders)
      .set({ status: 'out_for_delivery' })
      .where(and(eq(orders.buildingId, building.buildingId), eq(orders.status, 'packed'), groupBuyId ? eq(orders.groupBuyId, groupBuyId) : undefined))
      .returning({ orderId: orders.id, householdId: orders.householdId });
    if (taken.length === 0) throw conflict('NOTHING_TO_DELIVER', '该楼栋没有待配送的已分拣订单', { buildingId: building.buildingId });
    const homes = await tx
      .select({ householdId: households.id, unit: households.unit, room: households.room, careTagged: householdIsCareTagged(sql`${households.id}`) })
      .from(households)
      .where(inArray(households.id, [...new Set(taken.map((o) => o.householdId))]));
    const homeOf = new Map(homes.map((h) => [h.householdId, h]));
    const sorted = taken.map((o) => ({ ...o, ...homeOf.get(o.householdId)! })).sort(byUnitAndRoom);
    const [b] = await tx.select({ name: buildings.name }).from(buildings).where(eq(buildings.id, building.buildingId));
    const batches: (typeof sorted)[] = [];
    for (let i = 0; i < sorted.length; i += maxOrdersPerDeliveryTask) batches.push(sorted.slice(i, i + maxOrdersPerDeliveryTask));
    const created: { id: string; orderIds: string[] }[] = [];
    for (const [index, batch] of batches.entries()) {
      const first = batch[0]!;
      const last = batch.at(-1)!;
      const span = batch.length === 1 ? `${first.unit}单元 ${first.room}` : `${first.unit}单元 ${first.room} – ${last.unit}单元 ${last.room}`;
      const [task] = await tx
        .insert(tasks)
        .values({
          communityId: building.communityId,
          kind: 'delivery',
          title: `${b!.name} 整楼配送${batches.length > 1 ? `（第 ${index + 1}/${batches.length} 批）` : ''}`,
          details: `${batch.length} 户：${span}`,
          buildingId: building.buildingId,
          careTagged: batch.some((o) => Boolean(o.careTagged)),
          orderCount: batch.length,
          createdBy: actor.userId,
        })
        .returning({ id: tasks.id });
      await tx.insert(taskOrders).values(batch.map((o) => ({ orderId: o.orderId, taskId: task!.id, householdId: o.householdId })));
      created.push({ id: task!.id, orderIds: batch.map((o) => o.orderId) });
    }
    return created;
  });
}

export interface HouseholdTaskInput {
  kind: Exclude<TaskKind, 'delivery'>;
  communityId: string;
  buildingId: string;
  householdId: string;
  contactUserId: string | null;
  personId?: string | null;
  title: string;
  details: string | null;
  urgent: boolean;
  createdBy: string;
  medicineRequestId?: string | null;
  helpRequestId?: string | null;
}

/** A medicine, errand or visit task for one household; other modules call this inside their own transaction. */
export async function createHouseholdTask(tx: DbOrTx, input: HouseholdTaskInput): Promise<string> {
  const [task] = await tx
    .insert(tasks)
    .values({
      ...input,
      personId: input.personId ?? null,
      medicineRequestId: input.medicineRequestId ?? null,
      helpRequestId: input.helpRequestId ?? null,
      careTagged: householdIsCareTagged(input.householdId),
    })
    .returning({ id: tasks.id });
  return task!.id;
}

// ---- Claiming ----

async function lockClaimsOf(tx: Transaction, userId: string) {
  // Serialises this account's claims (the hold limit is counted under this lock); FOR NO KEY UPDATE leaves
  // foreign-key checks against the users row unblocked.
  await tx.execute(sql`SELECT 1 FROM users WHERE id = ${userId} FOR NO KEY UPDATE`);
}

/** open → claimed for a volunteer of the task's community holding fewer than three; a repeat by the claimer is a no-op. */
export async function claimTask(db: Database, userId: string, taskId: string, rules: TaskRules): Promise<void> {
  await db.transaction(async (tx) => {
    await lockClaimsOf(tx, userId);
    const [claimed] = await selectRows<{ id: string }>(tx, sql`
      UPDATE ${tasks} t SET status = 'claimed', claimed_by = ${userId}, claimed_at = now(), claim_expires_at = ${claimDeadline(rules)}
      WHERE t.id = ${taskId} AND t.status = 'open'
        AND EXISTS (SELECT 1 FROM role_assignments r WHERE r.user_id = ${userId} AND r.role = 'volunteer' AND r.community_id = t.community_id)
        AND (SELECT count(*) FROM ${tasks} h WHERE h.claimed_by = ${userId} AND h.status = 'claimed') < ${maxHeldTasks}
      RETURNING t.id`);
    if (claimed) return;
    const [why] = await selectRows<{ status: string; claimed_by: string | null; volunteer: boolean; held: number }>(tx, sql`
      SELECT t.status, t.claimed_by,
        EXISTS (SELECT 1 FROM role_assignments r WHERE r.user_id = ${userId} AND r.role = 'volunteer' AND r.community_id = t.community_id) AS volunteer,
        (SELECT count(*)::int FROM ${tasks} h WHERE h.claimed_by = ${userId} AND h.status = 'claimed') AS held
      FROM ${tasks} t WHERE t.id = ${taskId}`);
    if (!why) throw notFound('任务');
    if (!why.volunteer) throw new AppError(403, 'NOT_A_VOLUNTEER', '只有本社区已通过审核的志愿者可以认领任务');
    if (why.status === 'claimed' && why.claimed_by === userId) return;
    if (why.status === 'claimed') throw conflict('ALREADY_CLAIMED', '手慢了，该任务已被其他志愿者认领');
    if (why.status !== 'open') throw conflict('INVALID_TRANSITION', '该任务已结束', { from: why.status, to: 'claimed' });
    throw conflict('TASK_HOLD_LIMIT', `每位志愿者同时最多认领 ${maxHeldTasks} 个任务，请先完成手上的任务`, { limit: maxHeldTasks, held: why.held });
  });
}

/** claimed → open by its claimer; false when the caller does not hold it (then `releaseTask` words why, or lets staff). */
export async function releaseOwnClaim(db: Database, userId: string, taskId: string): Promise<boolean> {
  const [released] = await db
    .update(tasks)
    .set({ status: 'open', claimedBy: null, claimedAt: null, claimExpiresAt: null })
    .where(and(eq(tasks.id, taskId), eq(tasks.status, 'claimed'), eq(tasks.claimedBy, userId)))
    .returning({ id: tasks.id });
  return Boolean(released);
}

/** claimed → open: by the claimer, or by staff of the task (e.g. a volunteer who cannot go). */
export async function releaseTask(db: Database, userId: string, taskId: string, asStaff: boolean): Promise<void> {
  const [released] = await db
    .update(tasks)
    .set({ status: 'open', claimedBy: null, claimedAt: null, claimExpiresAt: null })
    .where(and(eq(tasks.id, taskId), eq(tasks.status, 'claimed'), asStaff ? undefined : eq(tasks.claimedBy, userId)))
    .returning({ id: tasks.id });
  if (released) return;
  const [current] = await db.select({ status: tasks.status, claimedBy: tasks.claimedBy }).from(tasks).where(eq(tasks.id, taskId));
  if (current?.status === 'claimed') throw new AppError(403, 'NOT_CLAIMER', '只有认领人可以放弃该任务');
  throw conflict('INVALID_TRANSITION', '该任务不在进行中', { from: current?.status, to: 'open' });
}

/** Expired claims go back to the hall: one statement, so with several instances each task returns exactly once. */
export async function expireClaims(db: DbOrTx): Promise<{ taskId: string; claimedBy: string }[]> {
  const rows = await selectRows<{ id: string; claimed_by: string }>(db, sql`
    WITH expired AS (
      SELECT id, claimed_by FROM ${tasks} WHERE status = 'claimed' AND claim_expires_at <= now()
      ORDER BY claim_expires_at LIMIT 500 FOR UPDATE SKIP LOCKED)
    UPDATE ${tasks} t SET status = 'open', claimed_by = NULL, claimed_at = NULL, claim_expires_at = NULL
    FROM expired e WHERE t.id = e.id
    RETURNING t.id, e.claimed_by`);
  return rows.map((r) => ({ taskId: r.id, claimedBy: r.claimed_by }));
}

function notClaimer(status: string) {
  return status === 'claimed'
    ? new AppError(403, 'NOT_CLAIMER', '只有认领该任务的志愿者可以操作')
    : conflict('INVALID_TRANSITION', status === 'open' ? '请先认领该任务' : '该任务已结束', { from: status });
}

/**
 * claimed → completed for a task without orders (medicine, errand, visit), by its claimer. What it came from moves on
 * in the same transaction: the medicine request is fulfilled, the help request resolved, the visit recorded.
 */
export async function completeTask(db: Database, userId: string, taskId: string, note: string | null): Promise<void> {
  await db.transaction(async (tx) => {
    const [done] = await tx
      .update(tasks)
      .set({ status: 'completed', completedAt: sql`now()`, completionNote: note })
      .where(and(eq(tasks.id, taskId), eq(tasks.status, 'claimed'), eq(tasks.claimedBy, userId), sql`${tasks.kind} <> 'delivery'`))
      .returning();
    if (!done) {
      const [current] = await tx.select({ status: tasks.status, kind: tasks.kind }).from(tasks).where(eq(tasks.id, taskId));
      if (!current) throw notFound('任务');
      if (current.kind === 'delivery' && current.status === 'claimed') throw conflict('TASK_HAS_ORDERS', '配送任务在全部订单交付后自动完成');
      throw notClaimer(current.status);
    }
    if (done.medicineRequestId) {
      await tx.update(medicineRequests).set({ status: 'fulfilled' }).where(and(eq(medicineRequests.id, done.medicineRequestId), eq(medicineRequests.status, 'accepted')));
    }
    if (done.helpRequestId) {
      await tx
        .update(helpRequests)
        .set({ status: 'resolved', resolvedBy: userId, resolvedAt: sql`now()`, resolutionNote: note ?? '志愿者已完成跑腿' })
        .where(and(eq(helpRequests.id, done.helpRequestId), inArray(helpRequests.status, ['open', 'acknowledged'])));
    }
    if (done.kind === 'visit' && done.personId && done.householdId) {
      await tx.insert(careVisits).values({ personId: done.personId, householdId: done.householdId, visitedBy: userId, note, volunteerTaskId: done.id });
    }
  });
}

// ---- Handing over ----

interface HandoverTarget {
  taskId: string;
  orderId: string;
  userId: string;
}

/**
 * The task must be claimed by this user; the order must be one of its orders, not yet handed over and not locked.
 * The task row is locked (FOR NO KEY UPDATE) so two orders of one task handed over at once count one after the other,
 * and the expiry job skips a task in the middle of a handover.
 */
async function lockPendingOrder(tx: Transaction, target: HandoverTarget) {
  const [task] = await tx.select({ status: tasks.status, claimedBy: tasks.claimedBy }).from(tasks).where(eq(tasks.id, target.taskId)).for('no key update');
  if (!task) throw notFound('任务');
  if (task.status !== 'claimed' || task.claimedBy !== target.userId) throw notClaimer(task.status);
  const [line] = await tx.select().from(taskOrders).where(and(eq(taskOrders.taskId, target.taskId), eq(taskOrders.orderId, target.orderId))).for('update');
  if (!line) throw notFound('订单');
  if (line.handover !== 'pending') throw conflict('ALREADY_HANDED_OVER', '该订单已交付');
  if (line.lockedAt) throw conflict('ORDER_LOCKED', '取件码错误次数过多，该订单已锁定，请联系网格员');
  return line;
}

/** One more order of the task is handed over: the claim deadline moves on, and the last one completes the task. */
async function countHandover(tx: Transaction, taskId: string, rules: TaskRules) {
  await tx.execute(sql`
    UPDATE ${tasks} SET handed_over_count = handed_over_count + 1, claim_expires_at = ${claimDeadline(rules)},
      status = CASE WHEN handed_over_count + 1 = order_count THEN 'completed'::task_status ELSE status END,
      completed_at = CASE WHEN handed_over_count + 1 = order_count THEN now() ELSE NULL END
    WHERE id = ${taskId}`);
}

export type HandOverOutcome =
  | { kind: 'delivered'; buildingId: string; unit: string; room: string }
  | { kind: 'bad_code'; attemptsLeft: number; locked: boolean };

/** out_for_delivery → delivered when the code matches; a wrong code counts, and the fifth locks the order. */
export async function handOverWithCode(db: Database, target: HandoverTarget, code: string, rules: TaskRules): Promise<HandOverOutcome> {
  return db.transaction(async (tx): Promise<HandOverOutcome> => {
    await lockPendingOrder(tx, target);
    const [delivered] = await tx
      .update(orders)
      .set({ status: 'delivered', deliveredAt: sql`now()` })
      .where(and(eq(orders.id, target.orderId), eq(orders.status, 'out_for_delivery'), eq(orders.deliveryCode, code)))
      .returning({ buildingId: orders.buildingId, householdId: orders.householdId });
    if (!delivered) {
      const [order] = await tx.select({ status: orders.status }).from(orders).where(eq(orders.id, target.orderId));
      if (order?.status !== 'out_for_delivery') throw conflict('INVALID_TRANSITION', '订单当前状态不能交付', { from: order?.status, to: 'delivered' });
      const [counted] = await tx
        .update(taskOrders)
        .set({
          failedAttempts: sql`${taskOrders.failedAttempts} + 1`,
          lockedAt: sql`CASE WHEN ${taskOrders.failedAttempts} + 1 >= ${maxDeliveryCodeAttempts} THEN now() END`,
        })
        .where(eq(taskOrders.orderId, target.orderId))
        .returning({ failedAttempts: taskOrders.failedAttempts, lockedAt: taskOrders.lockedAt });
      return { kind: 'bad_code', attemptsLeft: Math.max(0, maxDeliveryCodeAttempts - counted!.failedAttempts), locked: counted!.lockedAt !== null };
    }
    await tx
      .update(taskOrders)
      .set({ handover: 'code', handedOverAt: sql`now()`, handedOverBy: target.userId })
      .where(eq(taskOrders.orderId, target.orderId));
    await countHandover(tx, target.taskId, rules);
    const [home] = await tx.select({ unit: households.unit, room: households.room }).from(households).where(eq(households.id, delivered.householdId));
    return { kind: 'delivered', buildingId: delivered.buildingId, ...home! };
  });
}

/** 放门口: the volunteer leaves the order at the door with a photo; it stays out for delivery until the household confirms. */
export async function leaveAtDoor(db: Database, target: HandoverTarget, photo: { key: string; type: string }, rules: TaskRules) {
  return db.transaction(async (tx) => {
    await lockPendingOrder(tx, target);
    await tx
      .update(taskOrders)
      .set({ handover: 'left_at_door', handedOverAt: sql`now()`, handedOverBy: target.userId, doorPhotoKey: photo.key, doorPhotoType: photo.type })
      .where(eq(taskOrders.orderId, target.orderId));
    await countHandover(tx, target.taskId, rules);
    const [home] = await tx
      .select({ buildingId: orders.buildingId, unit: households.unit, room: households.room })
      .from(orders)
      .innerJoin(households, eq(households.id, orders.householdId))
      .where(eq(orders.id, target.orderId));
    return home!;
  });
}

/** The household found the order at its door: out_for_delivery → delivered. */
export async function confirmLeftAtDoor(db: Database, orderId: string) {
  return db.transaction(async (tx) => {
    const [confirmed] = await tx
      .update(taskOrders)
      .set({ confirmedAt: sql`now()` })
      .where(and(eq(taskOrders.orderId, orderId), eq(taskOrders.handover, 'left_at_door'), sql`${taskOrders.confirmedAt} IS NULL`))
      .returning({ orderId: taskOrders.orderId });
    if (!confirmed) throw conflict('INVALID_TRANSITION', '该订单没有待确认的放门口交付', { to: 'delivered' });
    const [delivered] = await tx
      .update(orders)
      .set({ status: 'delivered', deliveredAt: sql`now()` })
      .where(and(eq(orders.id, orderId), eq(orders.status, 'out_for_delivery')))
      .returning({ id: orders.id });
    if (!delivered) throw conflict('INVALID_TRANSITION', '订单当前状态不能确认收货', { to: 'delivered' });
  });
}

/** Staff, having checked with the household, let the volunteer try the code again. */
export async function unlockOrder(db: Database, taskId: string, orderId: string) {
  const [unlocked] = await db
    .update(taskOrders)
    .set({ failedAttempts: 0, lockedAt: null })
    .where(and(eq(taskOrders.taskId, taskId), eq(taskOrders.orderId, orderId), sql`${taskOrders.lockedAt} IS NOT NULL`))
    .returning({ orderId: taskOrders.orderId });
  if (!unlocked) throw conflict('INVALID_TRANSITION', '该订单未被锁定');
}
