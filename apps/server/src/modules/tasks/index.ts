// Volunteer tasks: staff batch a building's packed orders into delivery tasks (and turn help requests and care
// visits into tasks); volunteers of the community see the hall, claim, hand orders over with the household's code.
import { randomUUID } from 'node:crypto';
import {
  CompleteTaskBody, ConfirmedDelivery, CreateDeliveryTasksBody, CreatedDeliveryTasks, CreateErrandTaskBody, CreateVisitTaskBody, doorPhotoMaxBytes, doorPhotoTypes,
  ErrorBody, HandOverBody, HandOverResult, helpKindLabels, IdParams, maskPhone, RevealedPhone, sniffImageType, Task, TaskDetail, TaskHouseholdParams,
  TaskList, TaskListQuery, TaskOrderParams, careTagLabels, type CareTag,
} from '@linli/shared';
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { loadActor } from '../../authorization/actor';
import { can, isStaffOf, type Actor } from '../../authorization/policy';
import { scopeOfBuilding, scopeOfHousehold } from '../../authorization/scopes';
import type { Database } from '../../db/client';
import { buildings, helpRequests, householdBindings, households, persons, taskOrders, tasks } from '../../db/schema';
import { AppError, badRequest, conflict, notFound } from '../../errors';
import { staffRecipients } from '../../realtime/staff-recipients';
import { recordAudit } from '../audit/service';
import { fileSystemPhotoStore, type PhotoStore } from '../supplies/medicine-requests/photo-store';
import { selectTaskOrders, selectTasks, visibleTasks, type TaskRow } from './queries';
import {
  claimTask, ClaimRefused, completeTask, confirmLeftAtDoor, createDeliveryTasks, createHouseholdTask, handOverWithCode, leaveAtDoor, releaseOwnClaim, releaseTask,
  unlockOrder, type TaskRules,
} from './service';

export interface TasksOptions extends TaskRules {
  /** Where 放门口 photos are kept: a PhotoStore, or a directory for the file-system one. */
  photos: PhotoStore | string;
}

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 413: ErrorBody, 415: ErrorBody };

function publicTask({ gridId: _gridId, contactPhone: _contactPhone, ...task }: TaskRow) {
  return task;
}

export const tasksModule: FastifyPluginAsyncZod<TasksOptions> = async (app, options) => {
  await app.register(claimingModule, options);
  await app.register(actorModule, options);
};

/** The task if the actor may see it (staff of its grid, the community's volunteers while open or claimed, its claimer); otherwise 404. */
async function visibleTaskOf(db: Database, actor: Actor, id: string): Promise<TaskRow> {
  const [task] = await selectTasks(db, and(eq(tasks.id, id), visibleTasks(actor))!, 1);
  if (!task) throw notFound('任务');
  return task;
}

/**
 * Claim and release, the rush: the caller's id comes from the access token and one statement checks the volunteer role,
 * the hold limit and the state and answers the task, so a claim is one round trip and loads no Actor. The Actor is
 * loaded only to word a refusal the caller may not see (404 for a task outside their view).
 */
const claimingModule: FastifyPluginAsyncZod<TasksOptions> = async (app, options) => {
  const rules: TaskRules = { claimTimeoutMinutes: options.claimTimeoutMinutes };
  app.addHook('onRequest', app.identifyCaller);

  app.post('/tasks/:id/claim', {
    compress: false,
    schema: { tags: ['tasks'], summary: 'open → claimed (a volunteer of the community holding fewer than 3); the loser of a race gets 409 ALREADY_CLAIMED', params: IdParams, response: { 200: Task, ...errors } },
  }, async (request) => {
    const userId = request.callerId;
    try {
      return publicTask(await claimTask(app.db, userId, request.params.id, rules));
    } catch (err) {
      // A volunteer of the task's community sees it; anyone else learns why only if they may see it.
      if (!(err instanceof ClaimRefused && err.volunteerOfCommunity)) await visibleTaskOf(app.db, await loadActor(app.db, userId), request.params.id);
      throw err;
    }
  });

  app.post('/tasks/:id/release', {
    compress: false,
    schema: { tags: ['tasks'], summary: 'claimed → open (its claimer, or staff of the task)', params: IdParams, response: { 200: Task, ...errors } },
  }, async (request) => {
    const userId = request.callerId;
    const released = await releaseOwnClaim(app.db, userId, request.params.id);
    if (released) return publicTask(released);
    const actor = await loadActor(app.db, userId);
    const task = await visibleTaskOf(app.db, actor, request.params.id);
    await releaseTask(app.db, userId, task.id, isStaffOf(actor, { communityId: task.communityId, gridId: task.gridId }));
    const [after] = await selectTasks(app.db, eq(tasks.id, task.id), 1);
    return publicTask(after!);
  });
};

const actorModule: FastifyPluginAsyncZod<TasksOptions> = async (app, options) => {
  const rules: TaskRules = { claimTimeoutMinutes: options.claimTimeoutMinutes };
  const photos = typeof options.photos === 'string' ? fileSystemPhotoStore(options.photos) : options.photos;
  app.addHook('onRequest', app.authenticate);
  app.addContentTypeParser([...doorPhotoTypes], { parseAs: 'buffer', bodyLimit: doorPhotoMaxBytes }, (_request, body, done) => done(null, body));

  /** The task if the actor may see it (staff of its grid, the community's volunteers while open or claimed, its claimer); otherwise 404. */
  const visibleTask = (actor: Actor, id: string) => visibleTaskOf(app.db, actor, id);
  const isTaskStaff = (actor: Actor, task: TaskRow) => isStaffOf(actor, { communityId: task.communityId, gridId: task.gridId });

  async function detailOf(actor: Actor, id: string) {
    const task = await visibleTask(actor, id);
    const lines = await selectTaskOrders(app.db, id);
    return {
      ...publicTask(task),
      maskedPhone: maskPhone(task.contactPhone),
      orders: lines.map(({ buildingId: _b, contactPhone: _p, ...line }) => line),
    };
  }

  app.post('/delivery-tasks', {
    schema: {
      tags: ['tasks'],
      summary: "Staff of the building: its packed orders go out for delivery as tasks of at most 30 orders",
      body: CreateDeliveryTasksBody,
      response: { 201: CreatedDeliveryTasks, ...errors },
    },
  }, async (request, reply) => {
    const scope = await scopeOfBuilding(app.db, request.body.buildingId);
    if (!scope || !can(request.actor, 'building.households.list', scope)) throw notFound('楼栋');
    const created = await createDeliveryTasks(app.db, request.actor, scope, request.body.groupBuyId);
    const rows = await selectTasks(app.db, inArray(tasks.id, created.map((c) => c.id)), created.length, 'recent');
    const byId = new Map(rows.map((r) => [r.id, r]));
    return reply.status(201).send({ tasks: created.map((c) => ({ ...publicTask(byId.get(c.id)!), orderIds: c.orderIds })) });
  });

  app.get('/tasks', {
    schema: {
      tags: ['tasks'],
      summary: "The hall (volunteers: the community's open tasks, urgent and care-tagged first) or the board (staff: their grids' tasks by status)",
      querystring: TaskListQuery,
      response: { 200: TaskList, ...errors },
    },
  }, async (request) => {
    const { kind, buildingId, status, limit } = request.query;
    const conditions: (SQL | undefined)[] = [visibleTasks(request.actor)];
    if (kind) conditions.push(eq(tasks.kind, kind));
    if (buildingId) conditions.push(eq(tasks.buildingId, buildingId));
    if (status) conditions.push(eq(tasks.status, status));
    const rows = await selectTasks(app.db, and(...conditions)!, limit, status === 'open' || !status ? 'hall' : 'recent');
    return { items: rows.map(publicTask), nextCursor: null };
  });

  app.get('/tasks/mine', {
    schema: { tags: ['tasks'], summary: "The caller's claimed tasks first, then the ones they completed", querystring: TaskListQuery.pick({ limit: true }), response: { 200: TaskList, ...errors } },
  }, async (request) => {
    const rows = await selectTasks(app.db, eq(tasks.claimedBy, request.actor.userId), request.query.limit, 'recent');
    return { items: rows.map(publicTask), nextCursor: null };
  });

  app.get('/tasks/:id', {
    schema: { tags: ['tasks'], summary: 'One task with its households (masked phones, never delivery codes)', params: IdParams, response: { 200: TaskDetail, ...errors } },
  }, async (request) => detailOf(request.actor, request.params.id));

  app.post('/tasks/:id/complete', {
    schema: { tags: ['tasks'], summary: 'claimed → completed for a medicine, errand or visit task (its claimer)', params: IdParams, body: CompleteTaskBody, response: { 200: TaskDetail, ...errors } },
  }, async (request) => {
    await visibleTask(request.actor, request.params.id);
    await completeTask(app.db, request.actor.userId, request.params.id, request.body.note ?? null);
    return detailOf(request.actor, request.params.id);
  });

  function announce(buildingId: string, text: string) {
    app.chats.postSystemMessage(buildingId, text).catch((err: unknown) => app.log.error({ err, buildingId }, 'could not post the delivery message; the order shows as delivered anyway'));
  }

  app.post('/tasks/:id/deliveries', {
    schema: { tags: ['tasks'], summary: "Hand one order over against the household's 4-digit code (the claimer); 5 wrong codes lock the order", params: IdParams, body: HandOverBody, response: { 200: HandOverResult, ...errors } },
  }, async (request) => {
    const task = await visibleTask(request.actor, request.params.id);
    const target = { taskId: task.id, orderId: request.body.orderId, userId: request.actor.userId };
    const outcome = await handOverWithCode(app.db, target, request.body.code, rules);
    if (outcome.kind === 'bad_code') {
      if (outcome.locked) await alertLockedOrder(task, request.body.orderId);
      throw badRequest('BAD_DELIVERY_CODE', outcome.locked ? '取件码错误次数过多，该订单已锁定，已通知网格员' : `取件码不正确，还可尝试 ${outcome.attemptsLeft} 次`, outcome);
    }
    announce(outcome.buildingId, `${outcome.unit}单元 ${outcome.room} 的订单已由志愿者送达，请查收。`);
    return { task: await detailOf(request.actor, task.id), orderId: request.body.orderId, orderStatus: 'delivered' as const };
  });

  async function alertLockedOrder(task: TaskRow, orderId: string) {
    const [home] = await app.db
      .select({ unit: households.unit, room: households.room })
      .from(taskOrders)
      .innerJoin(households, eq(households.id, taskOrders.householdId))
      .where(eq(taskOrders.orderId, orderId));
    const recipients = await staffRecipients(app.db, task.communityId, task.gridId);
    await app.realtime
      .publishToUsers(recipients, { type: 'task.order_locked', taskId: task.id, orderId, buildingName: task.buildingName ?? '', unit: home?.unit ?? '', room: home?.room ?? '' })
      .catch((err: unknown) => app.log.error({ err, orderId }, 'could not alert staff of a locked order; it shows on the task board'));
  }

  app.put('/tasks/:id/orders/:orderId/door-photo', {
    bodyLimit: doorPhotoMaxBytes,
    schema: {
      tags: ['tasks'],
      summary: '放门口: the claimer leaves the order at the door with a photo (JPEG, PNG or WebP up to 5 MB, raw bytes); the household confirms',
      consumes: [...doorPhotoTypes],
      params: TaskOrderParams,
      body: z.any().describe('The image bytes'),
      response: { 200: TaskDetail, ...errors },
    },
  }, async (request) => {
    const task = await visibleTask(request.actor, request.params.id);
    const body: unknown = request.body;
    if (!Buffer.isBuffer(body) || body.length === 0) throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', '请上传 JPEG、PNG 或 WebP 图片');
    const type = sniffImageType(body);
    if (!type) throw badRequest('VALIDATION_FAILED', '文件不是 JPEG、PNG 或 WebP 图片', [{ field: '(body)', in: 'body', message: 'not an image' }]);
    const key = randomUUID();
    await photos.put(key, body);
    const home = await leaveAtDoor(app.db, { taskId: task.id, orderId: request.params.orderId, userId: request.actor.userId }, { key, type }, rules);
    announce(home.buildingId, `${home.unit}单元 ${home.room} 的订单已放在门口，请及时取回，并在「我的订单」确认收货。`);
    return detailOf(request.actor, task.id);
  });

  /** The order's household, staff of its building, or the volunteer who holds (or completed) its task. */
  async function orderForDoorPhoto(actor: Actor, orderId: string) {
    const [row] = await app.db
      .select({ line: taskOrders, claimedBy: tasks.claimedBy })
      .from(taskOrders)
      .innerJoin(tasks, eq(tasks.id, taskOrders.taskId))
      .where(eq(taskOrders.orderId, orderId));
    const scope = row ? await scopeOfHousehold(app.db, row.line.householdId) : null;
    if (!row || !scope || !(can(actor, 'household.read', scope) || row.claimedBy === actor.userId)) throw notFound('订单');
    return { ...row, scope };
  }

  app.get('/orders/:id/door-photo', {
    schema: { tags: ['tasks'], summary: 'The 放门口 photo (the household, staff of its building, the volunteer)', params: IdParams },
  }, async (request, reply) => {
    const { line } = await orderForDoorPhoto(request.actor, request.params.id);
    const bytes = line.doorPhotoKey ? await photos.get(line.doorPhotoKey) : null;
    if (!bytes || !line.doorPhotoType) throw notFound('照片');
    return reply.type(line.doorPhotoType).header('cache-control', 'private, max-age=3600').send(bytes);
  });

  app.post('/orders/:id/confirm-delivery', {
    schema: { tags: ['tasks'], summary: 'The household confirms an order left at its door: out_for_delivery → delivered', params: IdParams, response: { 200: ConfirmedDelivery, ...errors } },
  }, async (request) => {
    const { scope } = await orderForDoorPhoto(request.actor, request.params.id);
    if (!can(request.actor, 'household.act', scope)) throw notFound('订单');
    await confirmLeftAtDoor(app.db, request.params.id);
    return { orderId: request.params.id, status: 'delivered' as const };
  });

  app.post('/tasks/:id/orders/:orderId/unlock', {
    schema: { tags: ['tasks'], summary: 'Staff of the task unlock an order locked by wrong codes', params: TaskOrderParams, response: { 200: TaskDetail, ...errors } },
  }, async (request) => {
    const task = await visibleTask(request.actor, request.params.id);
    if (!isTaskStaff(request.actor, task)) throw notFound('任务');
    await unlockOrder(app.db, task.id, request.params.orderId);
    return detailOf(request.actor, task.id);
  });

  app.get('/tasks/:id/households/:householdId/phone', {
    schema: { tags: ['tasks'], summary: "A household's full phone, for the claimer of a task that serves it (audit-logged)", params: TaskHouseholdParams, response: { 200: RevealedPhone, ...errors } },
  }, async (request) => {
    const task = await visibleTask(request.actor, request.params.id);
    if (task.status !== 'claimed' || task.claimedBy !== request.actor.userId) throw new AppError(403, 'NOT_CLAIMER', '认领任务后才能查看完整电话');
    const { householdId } = request.params;
    let phone: string | null;
    if (task.householdId === householdId) {
      phone = task.contactPhone;
    } else {
      const line = (await selectTaskOrders(app.db, task.id)).find((l) => l.householdId === householdId);
      if (!line) throw notFound('住户');
      phone = line.contactPhone;
    }
    const [home] = await app.db.select({ unit: households.unit, room: households.room }).from(households).where(eq(households.id, householdId));
    await recordAudit(app.db, {
      actorId: request.actor.userId,
      communityId: task.communityId,
      action: 'person.phone.read',
      subjectType: 'household',
      subjectId: householdId,
      details: { household: `${task.buildingName} ${home!.unit}单元 ${home!.room}`, taskId: task.id, via: 'task' },
    });
    return { householdId, phone };
  });

  app.post('/help-requests/:id/errand-task', {
    schema: { tags: ['tasks'], summary: 'Staff of the grid turn a help request into an errand task for volunteers', params: IdParams, body: CreateErrandTaskBody, response: { 201: TaskDetail, ...errors } },
  }, async (request, reply) => {
    const [help] = await app.db.select().from(helpRequests).where(eq(helpRequests.id, request.params.id));
    if (!help || !can(request.actor, 'health.follow_up', { communityId: help.communityId, gridId: help.gridId })) throw notFound('求助');
    if (help.status === 'resolved') throw conflict('INVALID_TRANSITION', '该求助已解决', { from: help.status });
    const taskId = await app.db.transaction(async (tx) => {
      const [existing] = await tx.select({ id: tasks.id }).from(tasks).where(eq(tasks.helpRequestId, help.id));
      if (existing) throw conflict('CONFLICT', '该求助已派为跑腿任务', { taskId: existing.id });
      const id = await createHouseholdTask(tx, {
        kind: 'errand',
        communityId: help.communityId,
        buildingId: help.buildingId,
        householdId: help.householdId,
        contactUserId: help.requestedBy,
        title: `跑腿：${helpKindLabels[help.kind]}`,
        details: request.body.details ?? help.details,
        urgent: help.urgency !== 'normal',
        createdBy: request.actor.userId,
        helpRequestId: help.id,
      });
      await tx
        .update(helpRequests)
        .set({ status: 'acknowledged', acknowledgedBy: request.actor.userId, acknowledgedAt: sql`now()`, acknowledgeNote: '已派志愿者跑腿' })
        .where(and(eq(helpRequests.id, help.id), eq(helpRequests.status, 'open')));
      return id;
    });
    return reply.status(201).send(await detailOf(request.actor, taskId));
  });

  app.post('/visit-tasks', {
    schema: { tags: ['tasks'], summary: 'Staff of the grid ask volunteers to check on a care-tagged person', body: CreateVisitTaskBody, response: { 201: TaskDetail, ...errors } },
  }, async (request, reply) => {
    const [person] = await app.db
      .select({ id: persons.id, householdId: persons.householdId, careTags: persons.careTags, buildingId: households.buildingId, buildingName: buildings.name, unit: households.unit, room: households.room })
      .from(persons)
      .innerJoin(households, eq(households.id, persons.householdId))
      .innerJoin(buildings, eq(buildings.id, households.buildingId))
      .where(eq(persons.id, request.body.personId));
    const scope = person ? await scopeOfHousehold(app.db, person.householdId) : null;
    if (!person || !scope || !can(request.actor, 'health.follow_up', scope)) throw notFound('成员');
    // The household's phone for the volunteer is that of its first approved account.
    const [resident] = await app.db
      .select({ userId: householdBindings.userId })
      .from(householdBindings)
      .where(and(eq(householdBindings.householdId, person.householdId), eq(householdBindings.status, 'approved')))
      .orderBy(householdBindings.createdAt)
      .limit(1);
    const tags = (person.careTags as CareTag[]).map((t) => careTagLabels[t] ?? t).join('、');
    const taskId = await createHouseholdTask(app.db, {
      kind: 'visit',
      communityId: scope.communityId,
      buildingId: person.buildingId,
      householdId: person.householdId,
      contactUserId: resident?.userId ?? null,
      personId: person.id,
      title: `探访：${person.buildingName} ${person.unit}单元 ${person.room}`,
      details: request.body.details ?? (tags ? `关怀对象（${tags}），请上门查看并记录情况` : '请上门查看并记录情况'),
      urgent: false,
      createdBy: request.actor.userId,
    });
    return reply.status(201).send(await detailOf(request.actor, taskId));
  });

};
