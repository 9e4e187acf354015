// Check-ins: a household's members checked in for today in one upsert (many households' in one statement at the morning
// rush), alerts opened by the shared rule.
import {
  alertReasonsOf, checkinDayOf, entriesOfCheckinBody, type AlertReason, type AntigenResult, type Checkin, type CheckinBody, type CheckinEntry,
  type QuarantineStatus, type Symptom,
} from '@linli/shared';
import { sql } from 'drizzle-orm';
import { preparedStatement, type Database } from '../../db/client';
import { StatementBatcher } from '../../db/statement-batcher';
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

/** One household submission as it waits for its batch: entries sorted by person (lower-case ids, as PostgreSQL's). */
interface Submission {
  userId: string;
  entries: CheckinEntry[];
  reasons: AlertReason[][];
  day: string;
  now: Date;
}

/** What the statement says of one submission. */
interface SubmissionRow {
  matched: number;
  households: number;
  ok: boolean;
  household_id: string | null;
  /** [personId, checkinId] of each entry written, by person. */
  written: [string, string][] | null;
  /** Alerts this submission opened (not those it updated). */
  opened: { id: string; grid_id: string; community_id: string }[] | null;
}

export interface HouseholdCheckinOutcome {
  day: string;
  items: Checkin[];
  alertsOpened: number;
  events: FollowUpEvent[];
}

/** Ids are kept as PostgreSQL writes them (lower case), so a person named in capitals is the same person in a batch. */
const hasCapitals = (id: string) => /[A-F]/.test(id);

/** A submission that touches a person an earlier one of its batch touches waits for the next batch. */
const nextBatch = Symbol('next batch');

const value = (name: string) => sql.placeholder(name);

// One statement for a batch of submissions (group commit): per submission (`sub`, its ordinal), the scope check (an
// approved binding of its caller to the persons' household, read in the same snapshot, so a revoked binding bites at
// once) and the verdict (every entry matched, one household); then the upserts and alerts of the submissions that pass,
// all committed together. A refused submission writes nothing. No person appears twice in a batch (see
// `nextBatch`), so no row is upserted twice by one statement; rows are locked in person order, check-ins before alerts,
// so concurrent batches never deadlock.
const submitBatchQuery = () => sql`
    WITH submission AS (
      SELECT * FROM unnest(${value('userIds')}::uuid[], ${value('entryCounts')}::int[], ${value('days')}::date[], ${value('nows')}::timestamptz[])
        WITH ORDINALITY AS s(user_id, entry_count, day, submitted_at, sub)
    ),
    input AS (
      SELECT * FROM unnest(
        ${value('subs')}::int[], ${value('personIds')}::uuid[], ${value('temperatures')}::smallint[], ${value('symptoms')}::jsonb[],
        ${value('antigens')}::antigen_result[], ${value('photos')}::text[], ${value('quarantines')}::quarantine_status[], ${value('notes')}::text[],
        ${value('reasons')}::jsonb[]
      ) AS i(sub, person_id, temperature_tenths, symptoms, antigen, antigen_photo_url, quarantine, note, reasons)
    ),
    target AS (
      SELECT i.*, s.user_id, s.day, s.submitted_at, p.household_id
      FROM input i
      JOIN submission s ON s.sub = i.sub
      JOIN ${persons} p ON p.id = i.person_id
      -- An approved binding of the caller to the person's household, probed by index entry by entry: the LIMIT keeps
      -- it a per-entry lookup, where an EXISTS became a semi-join that PostgreSQL, on stale statistics (a table filled
      -- since its last ANALYZE), ran as a hash of every approved binding (~11 ms of a 20 ms statement at 10,000).
      CROSS JOIN LATERAL (SELECT 1 FROM ${householdBindings} hb
                          WHERE hb.user_id = s.user_id AND hb.household_id = p.household_id AND hb.status = 'approved'
                          LIMIT 1) bound
    ),
    verdict AS (
      SELECT s.sub, count(t.person_id)::int AS matched, count(DISTINCT t.household_id)::int AS households,
             count(t.person_id) = s.entry_count AND count(DISTINCT t.household_id) = 1 AS ok
      FROM submission s LEFT JOIN target t ON t.sub = s.sub
      GROUP BY s.sub, s.entry_count
    ),
    accepted AS (
      SELECT t.* FROM target t JOIN verdict v ON v.sub = t.sub AND v.ok
    ),
    written AS (
      INSERT INTO ${checkins} (person_id, household_id, day, temperature_tenths, symptoms, antigen, antigen_photo_url, quarantine, note, submitted_by, updated_at)
      SELECT person_id, household_id, day, temperature_tenths, symptoms, antigen, antigen_photo_url, quarantine, note, user_id, submitted_at
      FROM accepted
      ORDER BY person_id
      ON CONFLICT (person_id, day) DO UPDATE SET
        temperature_tenths = excluded.temperature_tenths, symptoms = excluded.symptoms, antigen = excluded.antigen,
        antigen_photo_url = excluded.antigen_photo_url, quarantine = excluded.quarantine, note = excluded.note,
        submitted_by = excluded.submitted_by, updated_at = excluded.updated_at
      RETURNING id, person_id
    ),
    opened AS (
      -- A second alarming submission the same day updates the person's alert (the worst reading stays visible).
      -- Only these few entries need their building's grid and community.
      INSERT INTO ${alerts} (community_id, grid_id, building_id, household_id, day, person_id, reasons, temperature_tenths, created_at)
      SELECT b.community_id, b.grid_id, b.id, a.household_id, a.day, a.person_id, a.reasons, a.temperature_tenths, a.submitted_at
      FROM accepted a
      JOIN ${households} h ON h.id = a.household_id
      JOIN ${buildings} b ON b.id = h.building_id
      WHERE jsonb_array_length(a.reasons) > 0
      ORDER BY a.person_id
      ON CONFLICT (person_id, day) DO UPDATE SET
        reasons = (SELECT jsonb_agg(DISTINCT r) FROM jsonb_array_elements(alerts.reasons || excluded.reasons) r),
        temperature_tenths = greatest(alerts.temperature_tenths, excluded.temperature_tenths)
      RETURNING id, person_id, (xmax = 0) AS inserted, grid_id, community_id
    ),
    written_by_submission AS (
      SELECT a.sub, (array_agg(a.household_id))[1] AS household_id, json_agg(json_build_array(w.person_id, w.id) ORDER BY w.person_id) AS written
      FROM written w JOIN accepted a ON a.person_id = w.person_id
      GROUP BY a.sub
    ),
    opened_by_submission AS (
      SELECT a.sub, json_agg(json_build_object('id', o.id, 'grid_id', o.grid_id, 'community_id', o.community_id)) AS opened
      FROM opened o JOIN accepted a ON a.person_id = o.person_id
      WHERE o.inserted
      GROUP BY a.sub
    )
    SELECT v.sub, v.matched, v.households, v.ok, w.household_id, w.written, o.opened
    FROM verdict v
    LEFT JOIN written_by_submission w ON w.sub = v.sub
    LEFT JOIN opened_by_submission o ON o.sub = v.sub
    ORDER BY v.sub`;

// One plan per connection: the statement's best plan is the same whatever the batch (an index probe per entry), and
// re-planning it at every execution about doubled PostgreSQL's CPU for a submission sent alone (plan-probe in bench/).
const submitBatchStatement = {
  generic: preparedStatement<SubmissionRow & { sub: number }>('submit_household_checkins', submitBatchQuery, { genericPlan: true }),
  custom: preparedStatement<SubmissionRow & { sub: number }>('submit_household_checkins', submitBatchQuery),
};

/** Sends a batch of submissions as one statement; answers each with its row, or `nextBatch`. */
async function sendBatch(db: Database, batch: Submission[], genericPlan: boolean): Promise<(SubmissionRow | typeof nextBatch)[]> {
  const seen = new Set<string>();
  const placeOf: number[] = [];
  const userIds: string[] = [], entryCounts: number[] = [], days: string[] = [], nows: string[] = [];
  const subs: number[] = [], personIds: string[] = [], temperatures: number[] = [], symptoms: string[] = [], antigens: string[] = [];
  const photos: (string | null)[] = [], quarantines: string[] = [], notes: (string | null)[] = [], reasons: string[] = [];
  for (const submission of batch) {
    if (submission.entries.some((e) => seen.has(e.personId))) {
      placeOf.push(-1);
      continue;
    }
    placeOf.push(userIds.length);
    userIds.push(submission.userId);
    entryCounts.push(submission.entries.length);
    days.push(submission.day);
    nows.push(submission.now.toISOString());
    const sub = userIds.length;
    submission.entries.forEach((e, k) => {
      seen.add(e.personId);
      subs.push(sub);
      personIds.push(e.personId);
      temperatures.push(Math.round(e.temperatureC * 10));
      symptoms.push(jsonOf(e.symptoms));
      antigens.push(e.antigen);
      photos.push(e.antigenPhotoUrl ?? null);
      quarantines.push(e.quarantine);
      notes.push(e.note ?? null);
      reasons.push(jsonOf(submission.reasons[k]!));
    });
  }
  const rows = await submitBatchStatement[genericPlan ? 'generic' : 'custom'](db, {
    userIds, entryCounts, days, nows, subs, personIds, temperatures, symptoms, antigens, photos, quarantines, notes, reasons,
  });
  if (rows.length !== userIds.length) throw new Error(`submit_household_checkins: ${rows.length} verdicts for ${userIds.length} submissions`);
  return placeOf.map((place) => (place < 0 ? nextBatch : rows[place]!));
}

/** Most entries have no symptoms and no alert: skip stringifying the empty list. */
const jsonOf = (list: readonly string[]) => (list.length ? JSON.stringify(list) : '[]');

/** The outcome of one submission, or its refusal: a person not found in the caller's households, or two households. */
function outcomeOf(submission: Submission, row: SubmissionRow): HouseholdCheckinOutcome {
  const { entries, reasons, day } = submission;
  if (row.matched !== entries.length) throw notFound('成员');
  if (row.households !== 1 || !row.ok || !row.written || row.written.length !== entries.length) {
    throw badRequest('MIXED_HOUSEHOLDS', '一次只能为同一户的成员打卡');
  }
  const idOfPerson = new Map(row.written);
  const householdId = row.household_id!;
  const updatedAt = submission.now.toISOString();
  const items: Checkin[] = entries.map((e, k) => ({
    id: idOfPerson.get(e.personId)!,
    personId: e.personId,
    householdId,
    day,
    temperatureC: Math.round(e.temperatureC * 10) / 10,
    symptoms: e.symptoms,
    antigen: e.antigen,
    antigenPhotoUrl: e.antigenPhotoUrl ?? null,
    quarantine: e.quarantine,
    note: e.note ?? null,
    alertReasons: reasons[k]!,
    updatedAt,
  }));
  const events: FollowUpEvent[] = (row.opened ?? [])
    .map((a) => ({ type: 'alert.opened', communityId: a.community_id, gridId: a.grid_id, alertId: a.id }));
  return { day, items, alertsOpened: events.length, events };
}

export interface HouseholdCheckinSubmitterOptions {
  /** Most submissions in one statement. */
  maxBatch: number;
  /** Statements at the database at once. */
  maxInFlight: number;
  /** A submission that waits longer for its turn gets 503. */
  maxWaitMs: number;
  /** The statement planned once per connection (the default) or, false, at every execution: for A/B experiments. */
  genericPlan?: boolean;
}

// One statement at the database at a time: the rest gather behind it, so a burst becomes few, large statements (in
// bench/checkin-burst, 2 at a time cost PostgreSQL ~1.3× the CPU per submission and the server ~1.2×, for no gain).
export const householdCheckinBatching: HouseholdCheckinSubmitterOptions = { maxBatch: 64, maxInFlight: 1, maxWaitMs: 5000 };

/**
 * Upserts today's check-in of every entry (one row per person and day, whatever the concurrency) and opens one alert
 * per person and day where the rule says so. All persons must belong to one household the caller (`userId`, from the
 * access token) is bound to, as approved. Submissions that arrive while earlier ones are at the database are written
 * together (group commit), each judged on its own.
 */
export class HouseholdCheckinSubmitter {
  private readonly batcher: StatementBatcher<Submission, SubmissionRow | typeof nextBatch>;

  constructor(db: Database, options: HouseholdCheckinSubmitterOptions = householdCheckinBatching) {
    this.batcher = new StatementBatcher((batch) => sendBatch(db, batch, options.genericPlan ?? true), { ...options, busyMessage: '打卡人数较多，请稍后重试' });
  }

  /** Sizes of the batches sent (for tests and benches). */
  get sentSizes(): readonly number[] {
    return this.batcher.sentSizes;
  }

  async submit(userId: string, body: CheckinBody, now: Date): Promise<HouseholdCheckinOutcome> {
    const entries = entriesOfCheckinBody(body)
      .map((e) => (hasCapitals(e.personId) ? { ...e, personId: e.personId.toLowerCase() } : e))
      // The answer lists members in person order, the order the statement writes them in.
      .sort((a, b) => (a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : 0));
    const submission: Submission = { userId, entries, reasons: entries.map(alertReasonsOf), day: checkinDayOf(now), now };
    for (;;) {
      const row = await this.batcher.submit(submission);
      if (row !== nextBatch) return outcomeOf(submission, row);
    }
  }
}
