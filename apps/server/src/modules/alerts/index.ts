// GET /alerts (staff of the grid; audit-logged), POST /alerts/:id/acknowledge · /resolve: open → acknowledged → resolved.
import {
  AlertList, AlertListQuery, ErrorBody, FollowUpNoteBody, IdParams, Alert, type AlertReason, type FollowUpStatus, type Alert as AlertDto,
} from '@linli/shared';
import { and, desc, eq, inArray, type SQL } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { can, type Actor } from '../../authorization/policy';
import type { Database } from '../../db/client';
import { alerts, buildings, households, persons } from '../../db/schema';
import { notFound } from '../../errors';
import { recordAudit } from '../audit/service';
import type { FollowUpOptions } from '../checkins/follow-up-options';
import { auditCommunityOf, requireStaff, withinStaffScopes } from '../checkins/staff-scope';
import { moveFollowUp } from './follow-up';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

async function selectAlerts(db: Database, where: SQL, limit: number): Promise<AlertDto[]> {
  const rows = await db
    .select({ alert: alerts, buildingName: buildings.name, unit: households.unit, room: households.room, personName: persons.name })
    .from(alerts)
    .innerJoin(buildings, eq(buildings.id, alerts.buildingId))
    .innerJoin(households, eq(households.id, alerts.householdId))
    .leftJoin(persons, eq(persons.id, alerts.personId))
    .where(where)
    .orderBy(desc(alerts.createdAt), desc(alerts.id))
    .limit(limit);
  return rows.map(({ alert: a, buildingName, unit, room, personName }) => ({
    id: a.id,
    status: a.status,
    day: a.day,
    buildingId: a.buildingId,
    buildingName,
    householdId: a.householdId,
    unit,
    room,
    personId: a.personId,
    personName,
    reasons: (a.reasons ?? []) as AlertReason[],
    temperatureC: a.temperatureTenths === null ? null : a.temperatureTenths / 10,
    acknowledgeNote: a.acknowledgeNote,
    resolutionNote: a.resolutionNote,
    createdAt: a.createdAt.toISOString(),
    acknowledgedAt: a.acknowledgedAt?.toISOString() ?? null,
    resolvedAt: a.resolvedAt?.toISOString() ?? null,
  }));
}

export const alertsModule: FastifyPluginAsyncZod<FollowUpOptions> = async (app, options) => {
  app.addHook('onRequest', app.authenticate);

  app.get('/alerts', {
    schema: {
      tags: ['alerts'],
      summary: "Staff: health alerts of their grids, newest first (?status=open|acknowledged|resolved); audit-logged",
      querystring: AlertListQuery,
      response: { 200: AlertList, ...errors },
    },
  }, async (request) => {
    const scopes = requireStaff(request.actor);
    const conditions: SQL[] = [withinStaffScopes(scopes, alerts.communityId, alerts.gridId)];
    if (request.query.status) conditions.push(eq(alerts.status, request.query.status));
    const items = await selectAlerts(app.db, and(...conditions)!, request.query.limit);
    await recordAudit(app.db, {
      actorId: request.actor.userId,
      communityId: auditCommunityOf(scopes),
      action: 'alerts.read',
      subjectType: 'grids',
      subjectId: 'all',
      details: { status: request.query.status ?? 'all', alerts: items.length },
    });
    return { items, nextCursor: null };
  });

  async function loadInScope(actor: Actor, id: string) {
    const [row] = await app.db.select({ communityId: alerts.communityId, gridId: alerts.gridId }).from(alerts).where(eq(alerts.id, id));
    if (!row || !can(actor, 'health.follow_up', row)) throw notFound('预警');
    return row;
  }

  for (const [verb, to] of [['acknowledge', 'acknowledged'], ['resolve', 'resolved']] as const) {
    app.post(`/alerts/:id/${verb}`, {
      schema: {
        tags: ['alerts'],
        summary: `${verb === 'acknowledge' ? 'Acknowledge' : 'Resolve'} an alert, with an optional note (staff of its grid)`,
        params: IdParams,
        body: FollowUpNoteBody.optional(),
        response: { 200: Alert, ...errors },
      },
    }, async (request) => {
      const scope = await loadInScope(request.actor, request.params.id);
      await moveFollowUp(app.db, alerts, request.params.id, to as Exclude<FollowUpStatus, 'open'>, request.actor.userId, request.body?.note, options.now());
      options.notifier.notify({ type: `alert.${to}`, communityId: scope.communityId, gridId: scope.gridId, alertId: request.params.id });
      const [alert] = await selectAlerts(app.db, inArray(alerts.id, [request.params.id]), 1);
      return alert!;
    });
  }
};
