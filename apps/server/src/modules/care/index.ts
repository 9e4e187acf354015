// The care roster of a grid (persons with care tags; audit-logged) and care visits staff record (POST /persons/:id/care-visits).
// Asking a volunteer to visit belongs to the volunteer tasks feature: it will create the task and set care_visits.volunteer_task_id.
import {
  CareRoster, CareRosterQuery, CareVisit, CreateCareVisitBody, ErrorBody, IdParams, maskPhone,
  alertReasonsOf, type AlertReason, type AntigenResult, type CareRosterEntry, type CareTag, type Symptom,
} from '@linli/shared';
import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { can } from '../../authorization/policy';
import { selectRows } from '../../db/client';
import { buildings, careVisits, households, persons, users } from '../../db/schema';
import { badRequest, notFound } from '../../errors';
import { recordAudit } from '../audit/service';
import type { FollowUpOptions } from '../checkins/follow-up-options';
import { auditCommunityOf, requireStaff, withinStaffScopes } from '../checkins/staff-scope';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };

/** A phone's clock may run a little ahead of the server's. */
const visitClockSkewMs = 5 * 60_000;

export const careModule: FastifyPluginAsyncZod<FollowUpOptions> = async (app, options) => {
  app.addHook('onRequest', app.authenticate);

  app.get('/care-roster', {
    schema: {
      tags: ['care'],
      summary: 'Staff: persons with care tags in their grids, with last check-in, open help requests and last visit; audit-logged',
      querystring: CareRosterQuery,
      response: { 200: CareRoster, ...errors },
    },
  }, async (request) => {
    const scopes = requireStaff(request.actor);
    const { gridId, careTag } = request.query;
    const conditions: SQL[] = [withinStaffScopes(scopes, buildings.communityId, buildings.gridId), sql`jsonb_array_length(${persons.careTags}) > 0`];
    if (gridId) conditions.push(eq(buildings.gridId, gridId));
    if (careTag) conditions.push(sql`${persons.careTags} ? ${careTag}`);
    const rows = await app.db
      .select({
        personId: persons.id,
        name: persons.name,
        careTags: persons.careTags,
        phone: persons.phone,
        householdId: households.id,
        buildingId: buildings.id,
        buildingName: buildings.name,
        unit: households.unit,
        room: households.room,
      })
      .from(persons)
      .innerJoin(households, eq(households.id, persons.householdId))
      .innerJoin(buildings, eq(buildings.id, households.buildingId))
      .where(and(...conditions))
      .orderBy(asc(buildings.sortOrder), asc(households.unit), asc(sql`length(${households.room})`), asc(households.room), asc(persons.name));
    const personIds = rows.map((r) => r.personId);
    const householdIds = [...new Set(rows.map((r) => r.householdId))];
    const [lastCheckins, openHelp, lastVisits] = personIds.length === 0 ? [[], [], []] : await Promise.all([
      selectRows<{ person_id: string; day: string; temperature_tenths: number; antigen: AntigenResult; symptoms: Symptom[] }>(app.db, sql`
        SELECT DISTINCT ON (person_id) person_id, day::text AS day, temperature_tenths, antigen, symptoms
        FROM checkins WHERE person_id = ANY(${sql.param(personIds)}::uuid[]) ORDER BY person_id, day DESC`),
      selectRows<{ household_id: string; n: number }>(app.db, sql`
        SELECT household_id, count(*)::int AS n FROM help_requests
        WHERE household_id = ANY(${sql.param(householdIds)}::uuid[]) AND status <> 'resolved' GROUP BY household_id`),
      selectRows<{ person_id: string; visited_at: Date | string; note: string | null; visitor_name: string }>(app.db, sql`
        SELECT DISTINCT ON (v.person_id) v.person_id, v.visited_at, v.note, u.display_name AS visitor_name
        FROM care_visits v JOIN users u ON u.id = v.visited_by
        WHERE v.person_id = ANY(${sql.param(personIds)}::uuid[]) ORDER BY v.person_id, v.visited_at DESC`),
    ]);
    const checkinOf = new Map(lastCheckins.map((c) => [c.person_id, c]));
    const helpOf = new Map(openHelp.map((h) => [h.household_id, Number(h.n)]));
    const visitOf = new Map(lastVisits.map((v) => [v.person_id, v]));
    const items: CareRosterEntry[] = rows.map((r) => {
      const c = checkinOf.get(r.personId);
      const v = visitOf.get(r.personId);
      return {
        personId: r.personId,
        name: r.name,
        careTags: r.careTags as CareTag[],
        householdId: r.householdId,
        buildingId: r.buildingId,
        buildingName: r.buildingName,
        unit: r.unit,
        room: r.room,
        phoneMasked: maskPhone(r.phone),
        lastCheckin: c
          ? { day: c.day, temperatureC: c.temperature_tenths / 10, alertReasons: alertReasonsOf({ temperatureC: c.temperature_tenths / 10, antigen: c.antigen, symptoms: c.symptoms }) as AlertReason[] }
          : null,
        openHelpRequests: helpOf.get(r.householdId) ?? 0,
        lastVisit: v ? { visitedAt: new Date(v.visited_at).toISOString(), note: v.note, visitorName: v.visitor_name } : null,
      };
    });
    await recordAudit(app.db, {
      actorId: request.actor.userId,
      communityId: auditCommunityOf(scopes),
      action: 'care_roster.read',
      subjectType: gridId ? 'grid' : 'grids',
      subjectId: gridId ?? 'all',
      details: { persons: items.length },
    });
    return { items, nextCursor: null };
  });

  app.post('/persons/:id/care-visits', {
    schema: {
      tags: ['care'],
      summary: 'Staff record a visit to a person on the care roster (staff of their grid)',
      params: IdParams,
      body: CreateCareVisitBody,
      response: { 201: CareVisit, ...errors },
    },
  }, async (request, reply) => {
    const [person] = await app.db
      .select({
        id: persons.id,
        householdId: households.id,
        buildingId: buildings.id,
        gridId: buildings.gridId,
        communityId: buildings.communityId,
      })
      .from(persons)
      .innerJoin(households, eq(households.id, persons.householdId))
      .innerJoin(buildings, eq(buildings.id, households.buildingId))
      .where(eq(persons.id, request.params.id));
    if (!person || !can(request.actor, 'health.follow_up', person)) throw notFound('成员');
    const now = options.now();
    const visitedAt = request.body.visitedAt ? new Date(request.body.visitedAt) : now;
    if (visitedAt.getTime() > now.getTime() + visitClockSkewMs) {
      throw badRequest('VALIDATION_FAILED', '走访时间不能晚于现在', [{ field: 'visitedAt', in: 'body', message: 'must not be in the future' }]);
    }
    const [visit] = await app.db
      .insert(careVisits)
      .values({
        personId: person.id,
        householdId: person.householdId,
        visitedBy: request.actor.userId,
        visitedAt,
        note: request.body.note ?? null,
      })
      .returning();
    const [visitor] = await app.db.select({ name: users.displayName }).from(users).where(inArray(users.id, [request.actor.userId]));
    return reply.status(201).send({
      id: visit!.id,
      personId: person.id,
      visitedAt: visit!.visitedAt.toISOString(),
      note: visit!.note,
      visitorName: visitor?.name ?? '',
      volunteerTaskId: visit!.volunteerTaskId,
    });
  });
};
