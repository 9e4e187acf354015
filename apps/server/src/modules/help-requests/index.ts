// 求助: POST /help-requests (a household), GET /help-requests (own households; staff: their grids, audit-logged),
// POST /help-requests/:id/acknowledge · /resolve (staff of the grid), with the time it took to acknowledge.
import {
  CreateHelpRequestBody, ErrorBody, FollowUpNoteBody, HelpRequest, HelpRequestList, HelpRequestListQuery, IdParams,
  type FollowUpStatus, type HelpRequest as HelpRequestDto,
} from '@linli/shared';
import { and, desc, eq, inArray, or, type SQL } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { can, staffGridIds, type Actor } from '../../authorization/policy';
import { scopeOfHousehold } from '../../authorization/scopes';
import type { Database } from '../../db/client';
import { buildings, helpRequests, households } from '../../db/schema';
import { notFound } from '../../errors';
import { moveFollowUp } from '../alerts/follow-up';
import { recordAudit } from '../audit/service';
import type { FollowUpOptions } from '../checkins/follow-up-options';
import { auditCommunityOf, withinStaffScopes } from '../checkins/staff-scope';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

async function selectHelpRequests(db: Database, where: SQL, limit: number): Promise<HelpRequestDto[]> {
  const rows = await db
    .select({ help: helpRequests, buildingName: buildings.name, unit: households.unit, room: households.room })
    .from(helpRequests)
    .innerJoin(buildings, eq(buildings.id, helpRequests.buildingId))
    .innerJoin(households, eq(households.id, helpRequests.householdId))
    .where(where)
    .orderBy(desc(helpRequests.createdAt), desc(helpRequests.id))
    .limit(limit);
  return rows.map(({ help: h, buildingName, unit, room }) => ({
    id: h.id,
    householdId: h.householdId,
    buildingId: h.buildingId,
    buildingName,
    unit,
    room,
    kind: h.kind,
    urgency: h.urgency,
    details: h.details,
    status: h.status,
    acknowledgeNote: h.acknowledgeNote,
    resolutionNote: h.resolutionNote,
    createdAt: h.createdAt.toISOString(),
    acknowledgedAt: h.acknowledgedAt?.toISOString() ?? null,
    resolvedAt: h.resolvedAt?.toISOString() ?? null,
    secondsToAcknowledge: h.acknowledgedAt ? Math.max(0, Math.round((h.acknowledgedAt.getTime() - h.createdAt.getTime()) / 1000)) : null,
  }));
}

export const helpRequestsModule: FastifyPluginAsyncZod<FollowUpOptions> = async (app, options) => {
  app.addHook('onRequest', app.authenticate);

  app.post('/help-requests', {
    schema: {
      tags: ['help-requests'],
      summary: "A household asks its grid's workers for help (就医, 买药, 缺食物, 心理疏导, 其他)",
      body: CreateHelpRequestBody,
      response: { 201: HelpRequest, ...errors },
    },
  }, async (request, reply) => {
    const scope = await scopeOfHousehold(app.db, request.body.householdId);
    if (!scope || !can(request.actor, 'household.act', scope)) throw notFound('住户');
    const [created] = await app.db
      .insert(helpRequests)
      .values({
        communityId: scope.communityId,
        gridId: scope.gridId,
        buildingId: scope.buildingId,
        householdId: scope.householdId,
        requestedBy: request.actor.userId,
        kind: request.body.kind,
        urgency: request.body.urgency,
        details: request.body.details,
        createdAt: options.now(),
      })
      .returning({ id: helpRequests.id });
    options.notifier.notify({ type: 'help_request.opened', communityId: scope.communityId, gridId: scope.gridId, helpRequestId: created!.id });
    const [dto] = await selectHelpRequests(app.db, eq(helpRequests.id, created!.id), 1);
    return reply.status(201).send(dto!);
  });

  app.get('/help-requests', {
    schema: {
      tags: ['help-requests'],
      summary: "The caller's households' requests, or (staff) those of their grids; staff reads are audit-logged",
      querystring: HelpRequestListQuery,
      response: { 200: HelpRequestList, ...errors },
    },
  }, async (request) => {
    const scopes = staffGridIds(request.actor);
    const own = request.actor.households.map((h) => h.householdId);
    const visible: SQL[] = [];
    if (own.length) visible.push(inArray(helpRequests.householdId, own));
    if (scopes.length) visible.push(withinStaffScopes(scopes, helpRequests.communityId, helpRequests.gridId));
    if (visible.length === 0) return { items: [], nextCursor: null };
    const conditions: SQL[] = [or(...visible)!];
    if (request.query.status) conditions.push(eq(helpRequests.status, request.query.status));
    const items = await selectHelpRequests(app.db, and(...conditions)!, request.query.limit);
    if (scopes.length) {
      await recordAudit(app.db, {
        actorId: request.actor.userId,
        communityId: auditCommunityOf(scopes),
        action: 'help_requests.read',
        subjectType: 'grids',
        subjectId: 'all',
        details: { status: request.query.status ?? 'all', helpRequests: items.length },
      });
    }
    return { items, nextCursor: null };
  });

  async function loadInScope(actor: Actor, id: string) {
    const [row] = await app.db.select({ communityId: helpRequests.communityId, gridId: helpRequests.gridId }).from(helpRequests).where(eq(helpRequests.id, id));
    if (!row || !can(actor, 'health.follow_up', row)) throw notFound('求助');
    return row;
  }

  for (const [verb, to] of [['acknowledge', 'acknowledged'], ['resolve', 'resolved']] as const) {
    app.post(`/help-requests/:id/${verb}`, {
      schema: {
        tags: ['help-requests'],
        summary: `${verb === 'acknowledge' ? 'Acknowledge' : 'Resolve'} a help request, with an optional note (staff of its grid)`,
        params: IdParams,
        body: FollowUpNoteBody.optional(),
        response: { 200: HelpRequest, ...errors },
      },
    }, async (request) => {
      const scope = await loadInScope(request.actor, request.params.id);
      await moveFollowUp(app.db, helpRequests, request.params.id, to as Exclude<FollowUpStatus, 'open'>, request.actor.userId, request.body?.note, options.now());
      options.notifier.notify({ type: `help_request.${to}`, communityId: scope.communityId, gridId: scope.gridId, helpRequestId: request.params.id });
      const [dto] = await selectHelpRequests(app.db, eq(helpRequests.id, request.params.id), 1);
      return dto!;
    });
  }
};
