// Grids with their buildings and grid workers; admins assign and remove grid workers.
import {
  AssignGridWorkerBody, ErrorBody, GridDetail, GridList, GridWorkerParams, IdParams, maskPhone,
} from '@linli/shared';
import { and, asc, eq, inArray, or, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { can, staffGridIds, type Actor } from '../../authorization/policy';
import type { DbOrTx } from '../../db/client';
import { buildings, grids, roleAssignments, users } from '../../db/schema';
import { conflict, notFound } from '../../errors';
import { findOrCreateUserByPhone } from '../auth/users';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

async function gridDetails(db: DbOrTx, actor: Actor, where: SQL): Promise<GridDetail[]> {
  const gridRows = await db.select().from(grids).where(where).orderBy(asc(grids.name));
  if (gridRows.length === 0) return [];
  const gridIds = gridRows.map((g) => g.id);
  const [buildingRows, workerRows] = await Promise.all([
    db.select({ id: buildings.id, name: buildings.name, gridId: buildings.gridId }).from(buildings).where(inArray(buildings.gridId, gridIds)).orderBy(asc(buildings.sortOrder)),
    db
      .select({ userId: users.id, displayName: users.displayName, phone: users.phone, gridId: roleAssignments.gridId })
      .from(roleAssignments)
      .innerJoin(users, eq(users.id, roleAssignments.userId))
      .where(and(eq(roleAssignments.role, 'grid_worker'), inArray(roleAssignments.gridId, gridIds)))
      .orderBy(asc(users.displayName)),
  ]);
  return gridRows.map((g) => {
    const admin = can(actor, 'community.manage', { communityId: g.communityId });
    return {
      id: g.id,
      communityId: g.communityId,
      name: g.name,
      buildings: buildingRows.filter((b) => b.gridId === g.id).map(({ id, name }) => ({ id, name })),
      workers: workerRows
        .filter((w) => w.gridId === g.id)
        .map(({ userId, displayName, phone }) => ({ userId, displayName, phone: admin ? phone : maskPhone(phone) })),
    };
  });
}

export const gridsModule: FastifyPluginAsyncZod = async (app) => {
  app.addHook('onRequest', app.authenticate);

  async function gridForAdmin(actor: Actor, gridId: string) {
    const [grid] = await app.db.select().from(grids).where(eq(grids.id, gridId));
    if (!grid || !can(actor, 'community.manage', { communityId: grid.communityId })) throw notFound('网格');
    return grid;
  }

  app.get('/grids', {
    schema: { tags: ['community'], summary: 'Grids the caller works on (admins: all of their community), with buildings and grid workers', response: { 200: GridList, ...errors } },
  }, async (request) => {
    const scopes = staffGridIds(request.actor).map(({ communityId, gridIds }) =>
      gridIds === null ? eq(grids.communityId, communityId) : and(eq(grids.communityId, communityId), inArray(grids.id, gridIds))!,
    );
    if (scopes.length === 0) return { items: [], nextCursor: null };
    return { items: await gridDetails(app.db, request.actor, or(...scopes)!), nextCursor: null };
  });

  app.post('/grids/:id/workers', {
    schema: { tags: ['community'], summary: 'Assign a grid worker to a grid by phone (admins)', params: IdParams, body: AssignGridWorkerBody, response: { 201: GridDetail, ...errors } },
  }, async (request, reply) => {
    const grid = await gridForAdmin(request.actor, request.params.id);
    const user = await findOrCreateUserByPhone(app.db, request.body.phone);
    if (request.body.displayName && user.displayName.startsWith('用户')) {
      await app.db.update(users).set({ displayName: request.body.displayName }).where(eq(users.id, user.id));
    }
    const [assigned] = await app.db
      .insert(roleAssignments)
      .values({ userId: user.id, role: 'grid_worker', communityId: grid.communityId, gridId: grid.id })
      .onConflictDoNothing()
      .returning({ id: roleAssignments.id });
    if (!assigned) throw conflict('CONFLICT', '此人已是该网格的网格员');
    const [detail] = await gridDetails(app.db, request.actor, eq(grids.id, grid.id));
    return reply.status(201).send(detail!);
  });

  app.delete('/grids/:id/workers/:userId', {
    schema: { tags: ['community'], summary: 'Remove a grid worker from a grid (admins)', params: GridWorkerParams, response: { 204: z.null().describe('Removed'), ...errors } },
  }, async (request, reply) => {
    const grid = await gridForAdmin(request.actor, request.params.id);
    const removed = await app.db
      .delete(roleAssignments)
      .where(and(eq(roleAssignments.userId, request.params.userId), eq(roleAssignments.role, 'grid_worker'), eq(roleAssignments.gridId, grid.id)))
      .returning({ id: roleAssignments.id });
    if (removed.length === 0) throw notFound('该网格员');
    return reply.status(204).send(null);
  });
};
