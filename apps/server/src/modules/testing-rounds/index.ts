// 核酸 testing rounds: staff schedule a time slot per building (whole buildings go down together), residents see
// their building's slot, staff mark a building done. Telling residents is the notices feature's: the notifier's
// `testing_round.scheduled` event is the hook it will listen to.
import {
  CreateTestingRoundBody, ErrorBody, TestingRound, TestingRoundBuildingParams, TestingRoundList,
  type TestingRound as TestingRoundDto,
} from '@linli/shared';
import { and, asc, desc, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { can, staffGridIds } from '../../authorization/policy';
import type { Database } from '../../db/client';
import { buildings, households, testingRounds, testingSlots } from '../../db/schema';
import { conflict, notFound } from '../../errors';
import type { FollowUpOptions } from '../checkins/follow-up-options';
import { requireStaff, withinStaffScopes } from '../checkins/staff-scope';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

/** Rounds with the slots the condition lets through (a resident's building, a worker's grids), newest day first. */
async function roundsWithSlots(db: Database, slotCondition: SQL, roundIds?: string[]): Promise<TestingRoundDto[]> {
  const rows = await db
    .select({
      round: testingRounds,
      slot: testingSlots,
      buildingName: buildings.name,
      householdCount: sql<number>`(SELECT count(*)::int FROM ${households} WHERE ${households.buildingId} = ${buildings.id})`,
    })
    .from(testingSlots)
    .innerJoin(testingRounds, eq(testingRounds.id, testingSlots.roundId))
    .innerJoin(buildings, eq(buildings.id, testingSlots.buildingId))
    .where(roundIds ? and(slotCondition, inArray(testingRounds.id, roundIds)) : slotCondition)
    .orderBy(desc(testingRounds.day), desc(testingRounds.createdAt), asc(testingSlots.startsAt), asc(buildings.sortOrder))
    .limit(500);
  const byRound = new Map<string, TestingRoundDto>();
  for (const { round, slot, buildingName, householdCount } of rows) {
    let dto = byRound.get(round.id);
    if (!dto) {
      dto = { id: round.id, title: round.title, day: round.day, createdAt: round.createdAt.toISOString(), slots: [], buildingsDone: 0, buildingsTotal: 0 };
      byRound.set(round.id, dto);
    }
    dto.slots.push({
      buildingId: slot.buildingId,
      buildingName,
      householdCount: Number(householdCount),
      startsAt: slot.startsAt.toISOString(),
      endsAt: slot.endsAt.toISOString(),
      status: slot.status,
      doneAt: slot.doneAt?.toISOString() ?? null,
    });
    dto.buildingsTotal++;
    if (slot.status === 'done') dto.buildingsDone++;
  }
  return [...byRound.values()];
}

export const testingRoundsModule: FastifyPluginAsyncZod<FollowUpOptions> = async (app, options) => {
  app.addHook('onRequest', app.authenticate);

  app.post('/testing-rounds', {
    schema: {
      tags: ['testing-rounds'],
      summary: 'Staff schedule a 核酸 round: one time slot (Asia/Shanghai) per building of their grids',
      body: CreateTestingRoundBody,
      response: { 201: TestingRound, ...errors },
    },
  }, async (request, reply) => {
    requireStaff(request.actor);
    const buildingIds = request.body.slots.map((s) => s.buildingId);
    const found = await app.db
      .select({ buildingId: buildings.id, gridId: buildings.gridId, communityId: buildings.communityId })
      .from(buildings)
      .where(inArray(buildings.id, buildingIds));
    const communityId = found[0]?.communityId;
    if (found.length !== buildingIds.length || !found.every((b) => b.communityId === communityId && can(request.actor, 'health.follow_up', b))) {
      throw notFound('楼栋');
    }
    const gridOf = new Map(found.map((b) => [b.buildingId, b.gridId]));
    const { title, day, slots } = request.body;
    const roundId = await app.db.transaction(async (tx) => {
      const [round] = await tx.insert(testingRounds).values({ communityId: communityId!, title, day, createdBy: request.actor.userId, createdAt: options.now() }).returning({ id: testingRounds.id });
      await tx.insert(testingSlots).values(slots.map((s) => ({
        roundId: round!.id,
        buildingId: s.buildingId,
        gridId: gridOf.get(s.buildingId)!,
        startsAt: new Date(`${day}T${s.startTime}:00+08:00`),
        endsAt: new Date(`${day}T${s.endTime}:00+08:00`),
      })));
      return round!.id;
    });
    options.notifier.notify({ type: 'testing_round.scheduled', communityId: communityId!, roundId, buildingIds });
    const [round] = await roundsWithSlots(app.db, sql`true`, [roundId]);
    return reply.status(201).send(round!);
  });

  app.get('/testing-rounds', {
    schema: {
      tags: ['testing-rounds'],
      summary: "Rounds with slots: a resident's buildings (my slot), or (staff) their grids' buildings with per-building completion",
      response: { 200: TestingRoundList, ...errors },
    },
  }, async (request) => {
    const scopes = staffGridIds(request.actor);
    const ownBuildings = request.actor.households.map((h) => h.buildingId);
    const visible: SQL[] = [];
    if (ownBuildings.length) visible.push(inArray(testingSlots.buildingId, ownBuildings));
    if (scopes.length) visible.push(withinStaffScopes(scopes, buildings.communityId, testingSlots.gridId));
    if (visible.length === 0) return { items: [], nextCursor: null };
    return { items: (await roundsWithSlots(app.db, or(...visible)!)).slice(0, 50), nextCursor: null };
  });

  app.post('/testing-rounds/:id/buildings/:buildingId/done', {
    schema: {
      tags: ['testing-rounds'],
      summary: "Staff mark a building's slot of a round done (staff of the building's grid); twice → 409",
      params: TestingRoundBuildingParams,
      response: { 200: TestingRound, ...errors },
    },
  }, async (request) => {
    const { id, buildingId } = request.params;
    const [slot] = await app.db
      .select({ status: testingSlots.status, gridId: testingSlots.gridId, communityId: buildings.communityId, buildingId: testingSlots.buildingId })
      .from(testingSlots)
      .innerJoin(buildings, eq(buildings.id, testingSlots.buildingId))
      .where(and(eq(testingSlots.roundId, id), eq(testingSlots.buildingId, buildingId)));
    if (!slot || !can(request.actor, 'health.follow_up', slot)) throw notFound('检测时段');
    const [done] = await app.db
      .update(testingSlots)
      .set({ status: 'done', doneAt: options.now(), doneBy: request.actor.userId })
      .where(and(eq(testingSlots.roundId, id), eq(testingSlots.buildingId, buildingId), eq(testingSlots.status, 'scheduled')))
      .returning({ id: testingSlots.id });
    if (!done) throw conflict('INVALID_TRANSITION', '该楼栋已标记为完成', { from: 'done', to: 'done' });
    const scopes = staffGridIds(request.actor);
    const [round] = await roundsWithSlots(app.db, withinStaffScopes(scopes, buildings.communityId, testingSlots.gridId), [id]);
    return round!;
  });
};
