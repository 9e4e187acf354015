// The rules of tasks, each decided in SQL: one claimer per task (conditional UPDATE), at most three held per
// volunteer (a hold count raised by the claim's own statement), each order in at most one task, handovers against
// the household's code with a per-order attempt counter.
import { maxDeliveryCodeAttempts, maxHeldTasks, maxOrdersPerDeliveryTask, type TaskKind } from '@linli/shared';
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../../authorization/policy';
import { preparedStatement, selectRows, type Database, type DbOrTx, type Transaction } from '../../db/client';
import { buildings, careVisits, helpRequests, households, medicineRequests, orders, roleAssignments, taskOrders, tasks, volunteerHolds } from '../../db/schema';
import { AppError, conflict, notFound } from '../../errors';
import { householdIsCareTagged, rawTaskRowFrom, selectTasks, taskRowOfRaw, type RawTaskRow, type TaskRow } from './queries';

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

/** Lowers the hold count of each claimer in `left` (rows with `claimed_by` of tasks that have just left `claimed`). */
const lowerHolds = (left: SQL) => sql`
  UPDATE ${volunteerHolds} v SET held = v.held - d.tasks
  FROM (SELECT claimed_by, count(*)::int AS tasks FROM ${left} GROUP BY claimed_by) d WHERE v.user_id = d.claimed_by`;

interface ClaimRefusal {
  status: string;
  claimed_by: string | null;
  volunteer: boolean;
  held: number;
}

/**
 * open → claimed in one statement (one round trip): lock the task while it is open, raise the volunteer's hold count
 * only below the limit and only for a volunteer of the task's community (read at this moment, so a suspension bites),
 * then claim it and answer the task as the list shows it. Refused, the same statement answers what it saw instead.
 * In READ COMMITTED a row lock re-reads the latest version of its row, so the task lock sees a concurrent claim and the
 * hold count counts one at a time; every way out of `claimed` lowers the count again.
 */
const claimStatement = preparedStatement<{ claimed: RawTaskRow | null; refused: ClaimRefusal | null }>('claim_task', () => {
  const userId = sql`${sql.placeholder('userId')}::uuid`;
  const taskId = sql`${sql.placeholder('taskId')}::uuid`;
  return sql`
    WITH target AS (
      SELECT id, community_id FROM ${tasks} WHERE id = ${taskId} AND status = 'open' FOR NO KEY UPDATE
    ), hold AS (
      INSERT INTO ${volunteerHolds} AS v (user_id, held)
      SELECT ${userId}, 1 FROM target
      WHERE EXISTS (SELECT 1 FROM ${roleAssignments} r WHERE r.user_id = ${userId} AND r.role = 'volunteer' AND r.community_id = target.community_id)
      ON CONFLICT (user_id) DO UPDATE SET held = v.held + 1 WHERE v.held < ${maxHeldTasks}
      RETURNING v.user_id
    ), claimed AS (
      UPDATE ${tasks} t SET status = 'claimed', claimed_by = hold.user_id, claimed_at = now(),
        claim_expires_at = now() + make_interval(mins => ${sql.placeholder('claimTimeoutMinutes')}::int)
      FROM hold WHERE t.id = ${taskId} AND t.status = 'open'
      RETURNING t.*
    )
    SELECT
      (SELECT row_to_json(a) FROM (${rawTaskRowFrom(sql`claimed`)}) a) AS claimed,
      (SELECT row_to_json(w) FROM (
        SELECT t.status, t.claimed_by,
          EXISTS (SELECT 1 FROM ${roleAssignments} r WHERE r.user_id = ${userId} AND r.role = 'volunteer' AND r.community_id = t.community_id) AS volunteer,
          coalesce((SELECT held FROM ${volunteerHolds} WHERE user_id = ${userId}), 0)::int AS held
        FROM ${tasks} t WHERE t.id = ${taskId} AND NOT EXISTS (SELECT 1 FROM claimed)) w) AS refused`;
});

export class ClaimRefused extends AppError {
  /** Whether the caller is a volunteer of the task's community (then the task is visible to them). */
  constructor(error: AppError, readonly volunteerOfCommunity: boolean) {
    super(error.statusCode, error.code, error.message, error.details);
  }
}

/**
 * open → claimed for a volunteer of the task's community holding fewer than three; a repeat by the claimer answers the
 * task as it is. One round trip, refused or not (another when what the claim saw is already out of date).
 */
export async function claimTask(db: Database, userId: string, taskId: string, rules: TaskRules): Promise<TaskRow> {
  for (let attempt = 0; ; attempt++) {
    const [{ claimed, refused: why } = { claimed: null, refused: null }] = await claimStatement(db, { userId, taskId, claimTimeoutMinutes: rules.claimTimeoutMinutes });
    if (claimed) return taskRowOfRaw(claimed);
    if (!why) throw new ClaimRefused(notFound('任务'), false);
    const refuse = (error: AppError) => new ClaimRefused(error, why.volunteer);
    if (!why.volunteer) throw refuse(new AppError(403, 'NOT_A_VOLUNTEER', '只有本社区已通过审核的志愿者可以认领任务'));
    if (why.status === 'claimed' && why.claimed_by === userId) {
      const [task] = await selectTasks(db, eq(tasks.id, taskId), 1);
      return task!;
    }
    if (why.status === 'claimed') throw refuse(conflict('ALREADY_CLAIMED', '手慢了，该任务已被其他志愿者认领'));
    if (why.status !== 'open') throw refuse(conflict('INVALID_TRANSITION', '该任务已结束', { from: why.status, to: 'claimed' }));
    if (why.held >= maxHeldTasks) {
      throw refuse(conflict('TASK_HOLD_LIMIT', `每位志愿者同时最多认领 ${maxHeldTasks} 个任务，请先完成手上的任务`, { limit: maxHeldTasks, held: why.held }));
    }
    // Open and below the limit as of the statement's start, yet refused: it changed meanwhile; look again.
    if (attempt >= 2) throw refuse(conflict('ALREADY_CLAIMED', '手慢了，该任务已被其他志愿者认领'));
  }
}

/** claimed → open by its claimer, answering the task as the list shows it; none when the caller does not hold it. */
const releaseOwnStatement = preparedStatement<RawTaskRow>('release_own_claim', () => {
  const userId = sql`${sql.placeholder('userId')}::uuid`;
  return sql`
    WITH released AS (
      UPDATE ${tasks} SET status = 'open', claimed_by = NULL, claimed_at = NULL, claim_expires_at = NULL
      WHERE id = ${sql.placeholder('taskId')}::uuid AND status = 'claimed' AND claimed_by = ${userId}
      RETURNING *
    ), lowered AS (
      UPDATE ${volunteerHolds} SET held = held - 1 WHERE user_id = ${userId} AND EXISTS (SELECT 1 FROM released)
    )
    ${rawTaskRowFrom(sql`released`)}`;
});

/** claimed → open by its claimer (one round trip); undefined when the caller does not hold it (then `releaseTask` words why, or lets staff). */
export async function releaseOwnClaim(db: Database, userId: string, taskId: string): Promise<TaskRow | undefined> {
  const [released] = await releaseOwnStatement(db, { userId, taskId });
  return released ? taskRowOfRaw(released) : undefined;
}

/** claimed → open: by the claimer, or by staff of the task (e.g. a volunteer who cannot go). */
export async function releaseTask(db: Database, userId: string, taskId: string, asStaff: boolean): Promise<void> {
  const [released] = await selectRows<{ claimed_by: string }>(db, sql`
    WITH held AS (
      SELECT id, claimed_by FROM ${tasks} WHERE id = ${taskId} AND status = 'claimed' ${asStaff ? sql`` : sql`AND claimed_by = ${userId}`}
      FOR NO KEY UPDATE
    ), released AS (
      UPDATE ${tasks} t SET status = 'open', claimed_by = NULL, claimed_at = NULL, claim_expires_at = NULL
      FROM held WHERE t.id = held.id RETURNING held.claimed_by
    ), lowered AS (${lowerHolds(sql`released`)})
    SELECT claimed_by FROM released`);
  if (released) return;
  const [current] = await db.select({ status: tasks.status, claimedBy: tasks.claimedBy }).from(tasks).where(eq(tasks.id, taskId));
  if (current?.status === 'claimed') throw new AppError(403, 'NOT_CLAIMER', '只有认领人可以放弃该任务');
  throw conflict('INVALID_TRANSITION', '该任务不在进行中', { from: current?.status, to: 'open' });
}

/**
 * Expired claims go back to the hall: one statement picks them with SKIP LOCKED, so with several instances each task
 * returns exactly once. The claimers' hold rows are locked in id order before they are lowered, so two instances
 * lowering the same volunteers cannot deadlock.
 */
export async function expireClaims(db: DbOrTx): Promise<{ taskId: string; claimedBy: string }[]> {
  return db.transaction(async (tx) => {
    const rows = await selectRows<{ id: string; claimed_by: string }>(tx, sql`
      WITH expired AS (
        SELECT id, claimed_by FROM ${tasks} WHERE status = 'claimed' AND claim_expires_at <= now()
        ORDER BY claim_expires_at LIMIT 500 FOR UPDATE SKIP LOCKED)
      UPDATE ${tasks} t SET status = 'open', claimed_by = NULL, claimed_at = NULL, claim_expires_at = NULL
      FROM expired e WHERE t.id = e.id
      RETURNING t.id, e.claimed_by`);
    if (rows.length === 0) return [];
    const claimers = [...new Set(rows.map((r) => r.claimed_by))];
    await tx.execute(sql`SELECT 1 FROM ${volunteerHolds} WHERE user_id IN (${sql.join(claimers.map((id) => sql`${id}::uuid`), sql`, `)}) ORDER BY user_id FOR NO KEY UPDATE`);
    const left = sql.join(rows.map((r) => sql`(${r.claimed_by}::uuid)`), sql`, `);
    await tx.execute(lowerHolds(sql`(VALUES ${left}) AS left_claims (claimed_by)`));
    return rows.map((r) => ({ taskId: r.id, claimedBy: r.claimed_by }));
  });
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
    await tx.update(volunteerHolds).set({ held: sql`${volunteerHolds.held} - 1` }).where(eq(volunteerHolds.userId, userId));
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
    WITH counted AS (
      UPDATE ${tasks} SET handed_over_count = handed_over_count + 1, claim_expires_at = ${claimDeadline(rules)},
        status = CASE WHEN handed_over_count + 1 = order_count THEN 'completed'::task_status ELSE status END,
        completed_at = CASE WHEN handed_over_count + 1 = order_count THEN now() ELSE NULL END
      WHERE id = ${taskId}
      RETURNING status, claimed_by)
    ${lowerHolds(sql`(SELECT claimed_by FROM counted WHERE status = 'completed') AS completed`)}`);
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
