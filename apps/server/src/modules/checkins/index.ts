// POST /checkins (a household's members, or one person, for today), GET /checkins (a day of a building or of the caller's
// households), GET /households/:id/checkins, GET /checkins/missed, GET /checkins/export.csv.
import {
  antigenLabels, CheckinBody, CheckinList, CheckinListQuery, checkinDayOf, checkinExportHeader, DayQuery, ErrorBody, ExportQuery, formatShanghaiDateTime, householdLabel,
  HouseholdCheckinResult, HouseholdCheckinStatus, IdParams, isPastCutoff, maskPhone, MissedCheckins, quarantineLabels, StaffDayQuery,
  symptomLabels, type AntigenResult, type MissedCheckins as MissedCheckinsType, type QuarantineStatus, type Symptom,
} from '@linli/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can } from '../../authorization/policy';
import { scopeOfBuilding } from '../../authorization/scopes';
import { notFound } from '../../errors';
import { recordAudit } from '../audit/service';
import { householdWithScope } from '../community/queries';
import type { FollowUpOptions } from './follow-up-options';
import { checkinsOfDay, contactsOfHouseholds, dayReport, householdDay, personsWithoutCheckin } from './queries';
import { HouseholdCheckinSubmitter, toCheckin } from './service';
import { auditCommunityOf, requireStaff } from './staff-scope';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
// Without the byte-order mark Excel on Chinese Windows reads UTF-8 as GBK and shows mojibake.
const utf8Bom = '\uFEFF';

/** A CSV field, quoted when needed; a leading = + - @ is defused so Excel never runs it as a formula. */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
const csvRow = (fields: readonly string[]) => `${fields.map(csvField).join(',')}\r\n`;

export const checkinsModule: FastifyPluginAsyncZod<FollowUpOptions> = async (app, options) => {
  await app.register(submittingModule, options);
  await app.register(readingModule, options);
};

/**
 * POST /checkins, the morning rush: the caller's id comes from the access token and the statement itself checks the
 * binding, so a submission loads no Actor, and submissions that arrive together share one statement and one commit.
 */
const submittingModule: FastifyPluginAsyncZod<FollowUpOptions> = async (app, options) => {
  const submitter = new HouseholdCheckinSubmitter(app.db);
  app.addHook('onRequest', app.identifyCaller);

  app.post('/checkins', {
    // The answer is ~1 KB: gzip would save no round trip and cost CPU on both ends, at the morning rush.
    compress: false,
    // The answer is built field by field in the response schema's shape (outcomeOf in service.ts), errors as ErrorBody:
    // stringified as they are, without a second pass through the schema.
    serializerCompiler: () => (data) => JSON.stringify(data),
    schema: {
      tags: ['checkins'],
      summary: "Check in members of one household ({entries:[…]}) or one person ({personId, …}) for today (Asia/Shanghai); one row per person and day, re-sending edits it",
      description: 'Every person must be a member of one household the caller is bound to. ≥ 37.3 °C, a positive antigen or 呼吸困难 opens an alert for the grid.',
      body: CheckinBody,
      response: { 200: HouseholdCheckinResult, ...errors },
    },
  }, async (request) => {
    const { events, ...result } = await submitter.submit(request.callerId, request.body, options.now());
    for (const event of events) options.notifier.notify(event);
    return result;
  });
};

/** The reads: lists, a household's day, the missed list and the export. */
const readingModule: FastifyPluginAsyncZod<FollowUpOptions> = async (app, options) => {
  app.addHook('onRequest', app.authenticate);

  app.get('/checkins', {
    schema: {
      tags: ['checkins'],
      summary: "The check-ins of a day (default today): staff name a building of their grids (audit-logged); otherwise the caller's own households",
      description: 'A resident naming a building gets only their own households in it; a building neither in the caller\'s grids nor holding one of their households is 404.',
      querystring: CheckinListQuery,
      response: { 200: CheckinList, ...errors },
    },
  }, async (request) => {
    const { actor } = request;
    const { buildingId } = request.query;
    const day = request.query.date ?? checkinDayOf(options.now());
    const ownHouseholds = (inBuilding?: string) =>
      actor.households.filter((h) => !inBuilding || h.buildingId === inBuilding).map((h) => h.householdId);
    let rows: Awaited<ReturnType<typeof checkinsOfDay>>;
    if (!buildingId) {
      rows = await checkinsOfDay(app.db, day, { householdIds: ownHouseholds() });
    } else {
      const scope = await scopeOfBuilding(app.db, buildingId);
      if (scope && can(actor, 'health.follow_up', scope)) {
        rows = await checkinsOfDay(app.db, day, { buildingId });
        await recordAudit(app.db, {
          actorId: actor.userId,
          communityId: scope.communityId,
          action: 'checkins.read',
          subjectType: 'building',
          subjectId: buildingId,
          details: { day, rows: rows.length },
        });
      } else if (scope && ownHouseholds(buildingId).length > 0) {
        rows = await checkinsOfDay(app.db, day, { householdIds: ownHouseholds(buildingId) });
      } else {
        throw notFound('楼栋');
      }
    }
    return {
      day,
      buildingId: buildingId ?? null,
      items: rows.map(({ checkin, personName, unit, room }) => ({ ...toCheckin(checkin), personName, unit, room })),
    };
  });

  app.get('/households/:id/checkins', {
    schema: {
      tags: ['checkins'],
      summary: "A household's members with their check-in of a day (default today); staff reads are audit-logged",
      params: IdParams,
      querystring: DayQuery,
      response: { 200: HouseholdCheckinStatus, ...errors },
    },
  }, async (request) => {
    const household = await householdWithScope(app.db, request.params.id);
    if (!household || !can(request.actor, 'household.read', { ...household, householdId: household.id })) throw notFound('住户');
    const day = request.query.date ?? checkinDayOf(options.now());
    const rows = await householdDay(app.db, household.id, day);
    if (!request.actor.households.some((h) => h.householdId === household.id)) {
      await recordAudit(app.db, {
        actorId: request.actor.userId,
        communityId: household.communityId,
        action: 'checkins.read',
        subjectType: 'household',
        subjectId: household.id,
        details: { householdId: household.id, household: householdLabel(household), day },
      });
    }
    return {
      day,
      householdId: household.id,
      complete: rows.length > 0 && rows.every((r) => r.checkin !== null),
      members: rows.map(({ person, checkin }) => ({
        personId: person.id,
        name: person.name,
        relation: person.relation,
        careTags: person.careTags,
        checkin: checkin ? toCheckin(checkin) : null,
      })),
    };
  });

  app.get('/checkins/missed', {
    schema: {
      tags: ['checkins'],
      summary: "Staff: per building, households with members not checked in after the cut-off (phones masked; call via GET /persons/:id/phone)",
      querystring: StaffDayQuery,
      response: { 200: MissedCheckins, ...errors },
    },
  }, async (request): Promise<MissedCheckinsType> => {
    const scopes = requireStaff(request.actor);
    const { buildingId } = request.query;
    if (buildingId) {
      const scope = await scopeOfBuilding(app.db, buildingId);
      if (!scope || !can(request.actor, 'health.follow_up', scope)) throw notFound('楼栋');
    }
    const now = options.now();
    const day = request.query.date ?? checkinDayOf(now);
    const pastCutoff = isPastCutoff(day, options.checkinCutoff, now);
    const result: MissedCheckinsType = { day, cutoff: options.checkinCutoff, pastCutoff, buildings: [] };
    if (!pastCutoff) return result;
    const missing = await personsWithoutCheckin(app.db, scopes, day, buildingId);
    const contacts = await contactsOfHouseholds(app.db, [...new Set(missing.map((m) => m.householdId))]);
    for (const m of missing) {
      let building = result.buildings.at(-1);
      if (building?.buildingId !== m.buildingId) {
        building = { buildingId: m.buildingId, buildingName: m.buildingName, households: [] };
        result.buildings.push(building);
      }
      let household = building.households.at(-1);
      if (household?.householdId !== m.householdId) {
        const contact = contacts.get(m.householdId);
        household = {
          householdId: m.householdId,
          unit: m.unit,
          room: m.room,
          missing: [],
          contact: contact ? { personId: contact.personId, name: contact.name, phoneMasked: maskPhone(contact.phone)! } : null,
        };
        building.households.push(household);
      }
      household.missing.push({ personId: m.personId, name: m.name });
    }
    await recordAudit(app.db, {
      actorId: request.actor.userId,
      communityId: auditCommunityOf(scopes),
      action: 'checkins.missed.read',
      subjectType: buildingId ? 'building' : 'grids',
      subjectId: buildingId ?? 'all',
      details: { day, households: result.buildings.reduce((n, b) => n + b.households.length, 0) },
    });
    return result;
  });

  app.get('/checkins/export.csv', {
    schema: {
      tags: ['checkins'],
      summary: "Staff: the day's check-in report of their grids as CSV (UTF-8 with BOM, opens in Excel); audit-logged",
      querystring: ExportQuery,
      produces: ['text/csv'],
      response: { 200: z.string().describe('CSV text (text/csv; charset=utf-8), starting with a byte-order mark'), ...errors },
    },
  }, async (request, reply) => {
    const scopes = requireStaff(request.actor);
    const day = request.query.date ?? checkinDayOf(options.now());
    const rows = await dayReport(app.db, scopes, day);
    await recordAudit(app.db, {
      actorId: request.actor.userId,
      communityId: auditCommunityOf(scopes),
      action: 'checkins.export',
      subjectType: 'grids',
      subjectId: 'all',
      details: { day, rows: rows.length },
    });
    let csv = utf8Bom + csvRow(checkinExportHeader);
    for (const r of rows) {
      const c = r.checkin;
      csv += csvRow([
        r.buildingName,
        r.unit,
        r.room,
        r.name,
        c ? (c.temperatureTenths / 10).toFixed(1) : '未打卡',
        c ? (c.symptoms as Symptom[]).map((s) => symptomLabels[s]).join('、') : '',
        c ? antigenLabels[c.antigen as AntigenResult] : '',
        c ? quarantineLabels[c.quarantine as QuarantineStatus] : '',
        c ? formatShanghaiDateTime(c.updatedAt) : '',
      ]);
    }
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="checkins-${day}.csv"; filename*=UTF-8''${encodeURIComponent(`打卡日报-${day}.csv`)}`)
      .send(csv);
  });
};
