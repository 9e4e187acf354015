// 代购药: a household asks for a medicine (with an optional photo of the prescription or box); staff of its building
// accept it (it becomes a medicine task volunteers claim) or decline with a reason the household sees.
import { randomUUID } from 'node:crypto';
import {
  CreateMedicineRequestBody, DeclineMedicineRequestBody, ErrorBody, IdParams, MedicineRequest, MedicineRequestList, MedicineRequestListQuery,
  medicinePhotoMaxBytes, medicinePhotoTypes, sniffImageType, type MedicineRequestStatus,
} from '@linli/shared';
import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Actor } from '../../../authorization/policy';
import { can } from '../../../authorization/policy';
import { scopeOfBuilding, scopeOfHousehold } from '../../../authorization/scopes';
import { buildings, households, medicineRequests } from '../../../db/schema';
import { AppError, badRequest, conflict, notFound } from '../../../errors';
import { type PhotoStore } from './photo-store';
import { createHouseholdTask } from '../../tasks/service';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 413: ErrorBody, 415: ErrorBody };

async function listRequests(app: { db: import('../../../db/client').Database }, conditions: SQL[], limit: number): Promise<MedicineRequest[]> {
  const rows = await app.db
    .select({ r: medicineRequests, buildingName: buildings.name, unit: households.unit, room: households.room })
    .from(medicineRequests)
    .innerJoin(households, eq(households.id, medicineRequests.householdId))
    .innerJoin(buildings, eq(buildings.id, medicineRequests.buildingId))
    .where(and(...conditions))
    .orderBy(desc(medicineRequests.createdAt), desc(medicineRequests.id))
    .limit(limit);
  return rows.map(({ r, ...h }) => ({
    id: r.id,
    householdId: r.householdId,
    buildingId: r.buildingId,
    buildingName: h.buildingName,
    unit: h.unit,
    room: h.room,
    medicineName: r.medicineName,
    amount: r.amount,
    urgency: r.urgency,
    note: r.note,
    hasPhoto: r.photoKey !== null,
    status: r.status,
    declineReason: r.declineReason,
    taskId: r.taskId,
    createdAt: r.createdAt.toISOString(),
    decidedAt: r.decidedAt?.toISOString() ?? null,
  }));
}

export function medicineRequestsModule(photos: PhotoStore): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('onRequest', app.authenticate);
    app.addContentTypeParser([...medicinePhotoTypes], { parseAs: 'buffer', bodyLimit: medicinePhotoMaxBytes }, (_request, body, done) => done(null, body));

    /** The request with its scope if the actor is of its household or its staff; otherwise 404. */
    async function visibleRequest(actor: Actor, id: string) {
      const [row] = await app.db.select().from(medicineRequests).where(eq(medicineRequests.id, id));
      const scope = row ? await scopeOfHousehold(app.db, row.householdId) : null;
      if (!row || !scope || !can(actor, 'household.read', scope)) throw notFound('代购药申请');
      return { row, scope };
    }
    const present = async (id: string) => (await listRequests(app, [eq(medicineRequests.id, id)], 1))[0]!;

    app.post('/medicine-requests', {
      schema: { tags: ['supplies'], summary: 'Ask for a medicine run for a household (a resident bound to it)', body: CreateMedicineRequestBody, response: { 201: MedicineRequest, ...errors } },
    }, async (request, reply) => {
      const household = request.actor.households.find((h) => h.householdId === request.body.householdId);
      if (!household || !can(request.actor, 'household.act', household)) throw notFound('住户');
      const [created] = await app.db
        .insert(medicineRequests)
        .values({
          communityId: household.communityId,
          householdId: household.householdId,
          buildingId: household.buildingId,
          requestedBy: request.actor.userId,
          medicineName: request.body.medicineName,
          amount: request.body.amount,
          urgency: request.body.urgency,
          note: request.body.note ?? null,
        })
        .returning({ id: medicineRequests.id });
      return reply.status(201).send(await present(created!.id));
    });

    app.get('/medicine-requests', {
      schema: {
        tags: ['supplies'],
        summary: "The caller's households' requests; staff: ?buildingId= within their grids",
        querystring: MedicineRequestListQuery,
        response: { 200: MedicineRequestList, ...errors },
      },
    }, async (request) => {
      const { householdId, buildingId, status, limit } = request.query;
      const conditions: SQL[] = [];
      if (buildingId) {
        const scope = await scopeOfBuilding(app.db, buildingId);
        if (!scope || !can(request.actor, 'building.households.list', scope)) throw notFound('楼栋');
        conditions.push(eq(medicineRequests.buildingId, buildingId));
      }
      if (householdId) {
        const scope = await scopeOfHousehold(app.db, householdId);
        if (!scope || !can(request.actor, 'household.read', scope)) throw notFound('住户');
        conditions.push(eq(medicineRequests.householdId, householdId));
      }
      if (!buildingId && !householdId) {
        const own = request.actor.households.map((h) => h.householdId);
        if (own.length === 0) return { items: [], nextCursor: null };
        conditions.push(inArray(medicineRequests.householdId, own));
      }
      if (status) conditions.push(eq(medicineRequests.status, status));
      return { items: await listRequests(app, conditions, limit), nextCursor: null };
    });

    app.get('/medicine-requests/:id', {
      schema: { tags: ['supplies'], summary: 'One request (its household, or staff of its building)', params: IdParams, response: { 200: MedicineRequest, ...errors } },
    }, async (request) => {
      await visibleRequest(request.actor, request.params.id);
      return present(request.params.id);
    });

    /** pending → accepted (it becomes a medicine task for volunteers, in the same transaction) or declined. */
    async function decide(actor: Actor, id: string, to: MedicineRequestStatus, reason: string | null) {
      const { scope } = await visibleRequest(actor, id);
      if (!can(actor, 'household.serve', scope)) throw notFound('代购药申请');
      await app.db.transaction(async (tx) => {
        const [moved] = await tx
          .update(medicineRequests)
          .set({ status: to, declineReason: reason, decidedBy: actor.userId, decidedAt: sql`now()` })
          .where(and(eq(medicineRequests.id, id), eq(medicineRequests.status, 'pending')))
          .returning();
        if (!moved) {
          const [current] = await tx.select({ status: medicineRequests.status }).from(medicineRequests).where(eq(medicineRequests.id, id));
          throw conflict('INVALID_TRANSITION', '该申请已处理', { from: current?.status, to });
        }
        if (to !== 'accepted') return;
        const taskId = await createHouseholdTask(tx, {
          kind: 'medicine',
          communityId: moved.communityId,
          buildingId: moved.buildingId,
          householdId: moved.householdId,
          contactUserId: moved.requestedBy,
          title: `代购药：${moved.medicineName} ${moved.amount}`,
          details: moved.note,
          urgent: moved.urgency !== 'normal',
          createdBy: actor.userId,
          medicineRequestId: moved.id,
        });
        await tx.update(medicineRequests).set({ taskId }).where(eq(medicineRequests.id, id));
      });
    }

    app.post('/medicine-requests/:id/accept', {
      schema: { tags: ['supplies'], summary: 'Accept (staff of the building): it becomes an errand for volunteers', params: IdParams, response: { 200: MedicineRequest, ...errors } },
    }, async (request) => {
      await decide(request.actor, request.params.id, 'accepted', null);
      return present(request.params.id);
    });

    app.post('/medicine-requests/:id/decline', {
      schema: { tags: ['supplies'], summary: 'Decline with a reason the household sees (staff of the building)', params: IdParams, body: DeclineMedicineRequestBody, response: { 200: MedicineRequest, ...errors } },
    }, async (request) => {
      await decide(request.actor, request.params.id, 'declined', request.body.reason);
      return present(request.params.id);
    });

    app.post('/medicine-requests/:id/cancel', {
      schema: { tags: ['supplies'], summary: 'The household withdraws a request that is not yet done', params: IdParams, response: { 200: MedicineRequest, ...errors } },
    }, async (request) => {
      const { row } = await visibleRequest(request.actor, request.params.id);
      if (!request.actor.households.some((h) => h.householdId === row.householdId)) throw notFound('代购药申请');
      const [moved] = await app.db
        .update(medicineRequests)
        .set({ status: 'cancelled' })
        .where(and(eq(medicineRequests.id, row.id), inArray(medicineRequests.status, ['pending', 'accepted'])))
        .returning({ id: medicineRequests.id });
      if (!moved) throw conflict('INVALID_TRANSITION', '该申请已结束，不能取消', { from: row.status, to: 'cancelled' });
      return present(row.id);
    });

    app.put('/medicine-requests/:id/photo', {
      bodyLimit: medicinePhotoMaxBytes,
      schema: {
        tags: ['supplies'],
        summary: 'Attach a photo of the prescription or box (the household; JPEG, PNG or WebP up to 5 MB, raw bytes)',
        consumes: [...medicinePhotoTypes],
        params: IdParams,
        body: z.any().describe('The image bytes'),
        response: { 200: MedicineRequest, ...errors },
      },
    }, async (request) => {
      const { row } = await visibleRequest(request.actor, request.params.id);
      if (!request.actor.households.some((h) => h.householdId === row.householdId)) throw notFound('代购药申请');
      const body: unknown = request.body;
      if (!Buffer.isBuffer(body) || body.length === 0) throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', '请上传 JPEG、PNG 或 WebP 图片');
      const type = sniffImageType(body);
      if (!type) throw badRequest('VALIDATION_FAILED', '文件不是 JPEG、PNG 或 WebP 图片', [{ field: '(body)', in: 'body', message: 'not an image' }]);
      const key = randomUUID();
      await photos.put(key, body);
      await app.db.update(medicineRequests).set({ photoKey: key, photoType: type }).where(eq(medicineRequests.id, row.id));
      return present(row.id);
    });

    app.get('/medicine-requests/:id/photo', {
      schema: { tags: ['supplies'], summary: 'The attached photo (its household, or staff of its building)', params: IdParams },
    }, async (request, reply) => {
      const { row } = await visibleRequest(request.actor, request.params.id);
      const bytes = row.photoKey ? await photos.get(row.photoKey) : null;
      if (!bytes || !row.photoType) throw notFound('照片');
      return reply.type(row.photoType).header('cache-control', 'private, max-age=3600').send(bytes);
    });
  };
}
