// Check-ins: a household's members checked in for today in one upsert, alerts opened by the shared rule.
import {
  alertReasonsOf, checkinDayOf, type AlertReason, type AntigenResult, type Checkin, type HouseholdCheckinBody, type QuarantineStatus, type Symptom,
} from '@linli/shared';
import { inArray, sql } from 'drizzle-orm';
import { can, type Actor } from '../../authorization/policy';
import type { Database } from '../../db/client';
import { alerts, buildings, checkins, households, persons } from '../../db/schema';
import { badRequest, notFound } from '../../errors';
import type { FollowUpEvent } from '../alerts/notifier';
import { eq } from 'drizzle-orm';

export type CheckinRow = typeof checkins.$inferSelect;

export function toCheckin(row: CheckinRow): Checkin {
  const temperatureC = row.temperatureTenths / 10;
  const symptoms = row.symptoms as Symptom[];
  return {
    id: row.id,
    personId: row.personId,
    householdId: row.householdId,
    day: row.day,
    temperatureC,
    symptoms,
    antigen: row.antigen as AntigenResult,
    antigenPhotoUrl: row.antigenPhotoUrl,
    quarantine: row.quarantine as QuarantineStatus,
    note: row.note,
    alertReasons: alertReasonsOf({ temperatureC, antigen: row.antigen, symptoms }),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * Upserts today's check-in of every entry (one row per person and day, whatever the concurrency) and opens one alert
 * per person and day where the rule says so. All persons must belong to one household the caller acts for.
 */
export async function submitHouseholdCheckin(db: Database, actor: Actor, body: HouseholdCheckinBody, now: Date) {
  const personIds = body.entries.map((e) => e.personId);
  const found = await db
    .select({
      personId: persons.id,
      householdId: households.id,
      buildingId: buildings.id,
      gridId: buildings.gridId,
      communityId: buildings.communityId,
    })
    .from(persons)
    .innerJoin(households, eq(households.id, persons.householdId))
    .innerJoin(buildings, eq(buildings.id, households.buildingId))
    .where(inArray(persons.id, personIds));
  const householdIds = new Set(found.map((p) => p.householdId));
  const scope = found[0];
  // Unknown persons and persons of a household the caller does not act for look the same: not found.
  if (!scope || found.length !== personIds.length || ![...householdIds].every((id) => can(actor, 'household.act', { ...scope, householdId: id }))) {
    throw notFound('成员');
  }
  if (householdIds.size > 1) throw badRequest('MIXED_HOUSEHOLDS', '一次只能为同一户的成员打卡');

  const day = checkinDayOf(now);
  // A fixed order, so two submissions for the same household lock rows in the same order and never deadlock.
  const entries = [...body.entries].sort((a, b) => a.personId.localeCompare(b.personId));
  const events: FollowUpEvent[] = [];
  const rows = await db.transaction(async (tx) => {
    const written = await tx
      .insert(checkins)
      .values(entries.map((e) => ({
        personId: e.personId,
        householdId: scope.householdId,
        day,
        temperatureTenths: Math.round(e.temperatureC * 10),
        symptoms: e.symptoms,
        antigen: e.antigen,
        antigenPhotoUrl: e.antigenPhotoUrl ?? null,
        quarantine: e.quarantine,
        note: e.note ?? null,
        submittedBy: actor.userId,
        updatedAt: now,
      })))
      .onConflictDoUpdate({
        target: [checkins.personId, checkins.day],
        set: {
          temperatureTenths: sql`excluded.temperature_tenths`,
          symptoms: sql`excluded.symptoms`,
          antigen: sql`excluded.antigen`,
          antigenPhotoUrl: sql`excluded.antigen_photo_url`,
          quarantine: sql`excluded.quarantine`,
          note: sql`excluded.note`,
          submittedBy: sql`excluded.submitted_by`,
          updatedAt: sql`excluded.updated_at`,
        },
      })
      .returning();

    const alerting = entries
      .map((e) => ({ entry: e, reasons: alertReasonsOf(e) }))
      .filter((a): a is { entry: typeof a.entry; reasons: AlertReason[] } => a.reasons.length > 0);
    if (alerting.length > 0) {
      // A second alarming submission the same day updates the person's alert (the worst reading stays visible).
      const opened = await tx
        .insert(alerts)
        .values(alerting.map(({ entry, reasons }) => ({
          communityId: scope.communityId,
          gridId: scope.gridId,
          buildingId: scope.buildingId,
          householdId: scope.householdId,
          day,
          personId: entry.personId,
          reasons,
          temperatureTenths: Math.round(entry.temperatureC * 10),
          createdAt: now,
        })))
        .onConflictDoUpdate({
          target: [alerts.personId, alerts.day],
          set: {
            reasons: sql`(SELECT jsonb_agg(DISTINCT r) FROM jsonb_array_elements(${alerts.reasons} || excluded.reasons) r)`,
            temperatureTenths: sql`greatest(${alerts.temperatureTenths}, excluded.temperature_tenths)`,
          },
        })
        .returning({ id: alerts.id, inserted: sql<boolean>`(xmax = 0)` });
      for (const a of opened) {
        if (a.inserted) events.push({ type: 'alert.opened', communityId: scope.communityId, gridId: scope.gridId, alertId: a.id });
      }
    }
    return written;
  });
  return { day, items: rows.map(toCheckin), alertsOpened: events.length, events };
}
