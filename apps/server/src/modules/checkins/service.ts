// Check-ins: a household's members checked in for today in one upsert, alerts opened by the shared rule.
import {
  alertReasonsOf, checkinDayOf, entriesOfCheckinBody, type AntigenResult, type Checkin, type CheckinBody, type QuarantineStatus, type Symptom,
} from '@linli/shared';
import { sql } from 'drizzle-orm';
import { preparedStatement, type Database } from '../../db/client';
import { alerts, buildings, checkins, householdBindings, households, persons } from '../../db/schema';
import { badRequest, notFound } from '../../errors';
import type { FollowUpEvent } from '../alerts/notifier';

export type CheckinRow = typeof checkins.$inferSelect;

export function toCheckin(row: Pick<CheckinRow, 'id' | 'personId' | 'householdId' | 'day' | 'temperatureTenths' | 'symptoms' | 'antigen' | 'antigenPhotoUrl' | 'quarantine' | 'note' | 'updatedAt'>): Checkin {
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

interface WrittenRow {
  id: string;
  person_id: string;
  household_id: string;
  day: string;
  temperature_tenths: number;
  symptoms: string[];
  antigen: AntigenResult;
  antigen_photo_url: string | null;
  quarantine: QuarantineStatus;
  note: string | null;
  updated_at: string;
}

interface SubmissionOutcome {
  matched: number;
  households: number;
  written: WrittenRow[] | null;
  opened: { id: string; inserted: boolean; grid_id: string; community_id: string }[] | null;
}

const value = (name: string) => sql.placeholder(name);

// One statement does it all: the scope check (an approved binding of the caller to the persons' household, read in the
// same snapshot, so a revoked binding bites at once), the upsert and the alerts commit together or not at all, and a
// burst of households costs one round trip each, with no separate Actor load (bench/checkin-burst).
const submitStatement = preparedStatement<SubmissionOutcome>('submit_household_checkin', () => sql`
    WITH input AS (
      SELECT * FROM unnest(
        ${value('personIds')}::uuid[], ${value('temperatures')}::smallint[], ${value('symptoms')}::jsonb[], ${value('antigens')}::antigen_result[],
        ${value('photos')}::text[], ${value('quarantines')}::quarantine_status[], ${value('notes')}::text[], ${value('reasons')}::jsonb[]
      ) AS i(person_id, temperature_tenths, symptoms, antigen, antigen_photo_url, quarantine, note, reasons)
    ),
    target AS (
      SELECT i.*, p.household_id, b.id AS building_id, b.grid_id, b.community_id
      FROM input i
      JOIN ${persons} p ON p.id = i.person_id
      JOIN ${households} h ON h.id = p.household_id
      JOIN ${buildings} b ON b.id = h.building_id
      WHERE EXISTS (SELECT 1 FROM ${householdBindings} hb
                    WHERE hb.user_id = ${value('userId')}::uuid AND hb.household_id = p.household_id AND hb.status = 'approved')
    ),
    verdict AS (
      SELECT count(*)::int AS matched, count(DISTINCT household_id)::int AS households,
             count(*) = ${value('count')}::int AND count(DISTINCT household_id) = 1 AS ok
      FROM target
    ),
    written AS (
      INSERT INTO ${checkins} (person_id, household_id, day, temperature_tenths, symptoms, antigen, antigen_photo_url, quarantine, note, submitted_by, updated_at)
      SELECT person_id, household_id, ${value('day')}::date, temperature_tenths, symptoms, antigen, antigen_photo_url, quarantine, note,
             ${value('userId')}::uuid, ${value('now')}::timestamptz
      FROM target WHERE (SELECT ok FROM verdict)
      ORDER BY person_id
      ON CONFLICT (person_id, day) DO UPDATE SET
        temperature_tenths = excluded.temperature_tenths, symptoms = excluded.symptoms, antigen = excluded.antigen,
        antigen_photo_url = excluded.antigen_photo_url, quarantine = excluded.quarantine, note = excluded.note,
        submitted_by = excluded.submitted_by, updated_at = excluded.updated_at
      RETURNING id, person_id, household_id, day::text AS day, temperature_tenths, symptoms, antigen, antigen_photo_url, quarantine, note, updated_at
    ),
    opened AS (
      -- A second alarming submission the same day updates the person's alert (the worst reading stays visible).
      INSERT INTO ${alerts} (community_id, grid_id, building_id, household_id, day, person_id, reasons, temperature_tenths, created_at)
      SELECT community_id, grid_id, building_id, household_id, ${value('day')}::date, person_id, reasons, temperature_tenths, ${value('now')}::timestamptz
      FROM target WHERE (SELECT ok FROM verdict) AND jsonb_array_length(reasons) > 0
      ORDER BY person_id
      ON CONFLICT (person_id, day) DO UPDATE SET
        reasons = (SELECT jsonb_agg(DISTINCT r) FROM jsonb_array_elements(alerts.reasons || excluded.reasons) r),
        temperature_tenths = greatest(alerts.temperature_tenths, excluded.temperature_tenths)
      RETURNING id, (xmax = 0) AS inserted, grid_id, community_id
    )
    SELECT v.matched, v.households,
           (SELECT json_agg(w ORDER BY w.person_id) FROM written w) AS written,
           (SELECT json_agg(o) FROM opened o) AS opened
    FROM verdict v`);

/**
 * Upserts today's check-in of every entry (one row per person and day, whatever the concurrency) and opens one alert
 * per person and day where the rule says so. All persons must belong to one household the caller (`userId`, from the
 * access token) is bound to, as approved.
 */
export async function submitHouseholdCheckin(db: Database, userId: string, body: CheckinBody, now: Date) {
  const day = checkinDayOf(now);
  // A fixed order, so two submissions for the same household lock rows in the same order and never deadlock.
  const entries = [...entriesOfCheckinBody(body)].sort((a, b) => a.personId.localeCompare(b.personId));
  const [outcome] = await submitStatement(db, {
    personIds: entries.map((e) => e.personId),
    temperatures: entries.map((e) => Math.round(e.temperatureC * 10)),
    symptoms: entries.map((e) => JSON.stringify(e.symptoms)),
    antigens: entries.map((e) => e.antigen),
    photos: entries.map((e) => e.antigenPhotoUrl ?? null),
    quarantines: entries.map((e) => e.quarantine),
    notes: entries.map((e) => e.note ?? null),
    reasons: entries.map((e) => JSON.stringify(alertReasonsOf(e))),
    count: entries.length,
    day,
    userId,
    now: now.toISOString(),
  });
  if (!outcome || outcome.matched !== entries.length) throw notFound('成员');
  if (outcome.households !== 1 || !outcome.written) throw badRequest('MIXED_HOUSEHOLDS', '一次只能为同一户的成员打卡');
  const events: FollowUpEvent[] = (outcome.opened ?? [])
    .filter((a) => a.inserted)
    .map((a) => ({ type: 'alert.opened', communityId: a.community_id, gridId: a.grid_id, alertId: a.id }));
  const items = outcome.written.map((r) => toCheckin({
    id: r.id,
    personId: r.person_id,
    householdId: r.household_id,
    day: r.day,
    temperatureTenths: r.temperature_tenths,
    symptoms: r.symptoms,
    antigen: r.antigen,
    antigenPhotoUrl: r.antigen_photo_url,
    quarantine: r.quarantine,
    note: r.note,
    updatedAt: new Date(r.updated_at),
  }));
  return { day, items, alertsOpened: events.length, events };
}
