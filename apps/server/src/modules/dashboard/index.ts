// GET /dashboard: today's check-in completion per building, the 7-day trend, open alerts and help, care roster size,
// orders and volunteer tasks by status, over the caller's grids.
import { checkinDayOf, Dashboard, ErrorBody, OrderStatus, shiftDay, TaskStatus } from '@linli/shared';
import { and, asc, count, eq, ne, sql } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { alerts, buildings, checkins, helpRequests, households, orders, persons, tasks } from '../../db/schema';
import type { FollowUpOptions } from '../checkins/follow-up-options';
import { requireStaff, withinStaffScopes } from '../checkins/staff-scope';

export const dashboardModule: FastifyPluginAsyncZod<FollowUpOptions> = async (app, options) => {
  app.addHook('onRequest', app.authenticate);

  app.get('/dashboard', {
    schema: {
      tags: ['dashboard'],
      summary: "Staff: their grids today — check-in completion per building, 7-day trend, open alerts and help requests, care roster count, orders and volunteer tasks by status",
      response: { 200: Dashboard, 401: ErrorBody, 403: ErrorBody },
    },
  }, async (request) => {
    const scopes = requireStaff(request.actor);
    const day = checkinDayOf(options.now());
    const firstDay = shiftDay(day, -6);
    const inScope = withinStaffScopes(scopes, buildings.communityId, buildings.gridId);
    const [perBuilding, checkedPerBuilding, trendRows, [openAlerts], [openHelp], [care], orderRows, taskRows] = await Promise.all([
      app.db
        .select({ buildingId: buildings.id, buildingName: buildings.name, persons: count(persons.id) })
        .from(buildings)
        .leftJoin(households, eq(households.buildingId, buildings.id))
        .leftJoin(persons, eq(persons.householdId, households.id))
        .where(inScope)
        .groupBy(buildings.id, buildings.name, buildings.sortOrder)
        .orderBy(asc(buildings.sortOrder), asc(buildings.name)),
      app.db
        .select({ buildingId: buildings.id, checkedIn: count(checkins.id) })
        .from(checkins)
        .innerJoin(households, eq(households.id, checkins.householdId))
        .innerJoin(buildings, eq(buildings.id, households.buildingId))
        .where(and(inScope, eq(checkins.day, day)))
        .groupBy(buildings.id),
      app.db
        .select({ day: checkins.day, checkedIn: count(checkins.id) })
        .from(checkins)
        .innerJoin(households, eq(households.id, checkins.householdId))
        .innerJoin(buildings, eq(buildings.id, households.buildingId))
        .where(and(inScope, sql`${checkins.day} BETWEEN ${firstDay}::date AND ${day}::date`))
        .groupBy(checkins.day),
      app.db.select({ n: count() }).from(alerts).where(and(withinStaffScopes(scopes, alerts.communityId, alerts.gridId), ne(alerts.status, 'resolved'))),
      app.db.select({ n: count() }).from(helpRequests).where(and(withinStaffScopes(scopes, helpRequests.communityId, helpRequests.gridId), ne(helpRequests.status, 'resolved'))),
      app.db
        .select({ n: count() })
        .from(persons)
        .innerJoin(households, eq(households.id, persons.householdId))
        .innerJoin(buildings, eq(buildings.id, households.buildingId))
        .where(and(inScope, sql`jsonb_array_length(${persons.careTags}) > 0`)),
      app.db
        .select({ status: orders.status, n: count() })
        .from(orders)
        .innerJoin(buildings, eq(buildings.id, orders.buildingId))
        .where(inScope)
        .groupBy(orders.status),
      app.db
        .select({ status: tasks.status, n: count() })
        .from(tasks)
        .innerJoin(buildings, eq(buildings.id, tasks.buildingId))
        .where(inScope)
        .groupBy(tasks.status),
    ]);
    const checkedOf = new Map(checkedPerBuilding.map((r) => [r.buildingId, Number(r.checkedIn)]));
    const trendOf = new Map(trendRows.map((r) => [r.day, Number(r.checkedIn)]));
    const totalPersons = perBuilding.reduce((n, b) => n + Number(b.persons), 0);
    return {
      day,
      cutoff: options.checkinCutoff,
      completion: perBuilding.map((b) => ({ buildingId: b.buildingId, buildingName: b.buildingName, persons: Number(b.persons), checkedIn: checkedOf.get(b.buildingId) ?? 0 })),
      // Persons are today's roll: a past day is measured against who lives here now.
      trend: Array.from({ length: 7 }, (_, i) => shiftDay(firstDay, i)).map((d) => ({ day: d, persons: totalPersons, checkedIn: trendOf.get(d) ?? 0 })),
      openAlerts: Number(openAlerts?.n ?? 0),
      openHelpRequests: Number(openHelp?.n ?? 0),
      careRosterCount: Number(care?.n ?? 0),
      ordersByStatus: Object.fromEntries(OrderStatus.options.map((status) => [status, Number(orderRows.find((r) => r.status === status)?.n ?? 0)])) as Record<OrderStatus, number>,
      tasksByStatus: Object.fromEntries(TaskStatus.options.map((status) => [status, Number(taskRows.find((r) => r.status === status)?.n ?? 0)])) as Record<TaskStatus, number>,
    };
  });
};
