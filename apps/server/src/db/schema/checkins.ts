// Health follow-up: daily check-ins, the alerts they open, help requests, care visits and 核酸 testing rounds.
import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn, check, date, index, jsonb, pgEnum, pgTable, smallint, text, timestamp, uniqueIndex, uuid,
} from 'drizzle-orm/pg-core';
import { buildings, communities, grids, households, persons } from './community';
import { users } from './identity';
import { tasks } from './tasks';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const antigenResult = pgEnum('antigen_result', ['negative', 'positive', 'not_tested']);
export const quarantineStatus = pgEnum('quarantine_status', ['home', 'centralized', 'none']);
export const followUpStatus = pgEnum('follow_up_status', ['open', 'acknowledged', 'resolved']);

export const checkins = pgTable('checkins', {
  id: uuid('id').primaryKey().defaultRandom(),
  personId: uuid('person_id').notNull().references(() => persons.id, { onDelete: 'cascade' }),
  householdId: uuid('household_id').notNull().references(() => households.id, { onDelete: 'cascade' }),
  /** The Asia/Shanghai calendar day the check-in is for. */
  day: date('day', { mode: 'string' }).notNull(),
  /** Tenths of a degree: 365 = 36.5 °C, exact where a float is not. */
  temperatureTenths: smallint('temperature_tenths').notNull(),
  symptoms: jsonb('symptoms').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
  antigen: antigenResult('antigen').notNull().default('not_tested'),
  antigenPhotoUrl: text('antigen_photo_url'),
  quarantine: quarantineStatus('quarantine').notNull().default('none'),
  note: text('note'),
  submittedBy: uuid('submitted_by').notNull().references(() => users.id),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [
  uniqueIndex('checkins_person_day_uq').on(t.personId, t.day),
  index('checkins_household_day_idx').on(t.householdId, t.day),
  index('checkins_day_idx').on(t.day),
  check('checkins_temperature_ck', sql`${t.temperatureTenths} BETWEEN 340 AND 430`),
]);

export const alerts = pgTable('alerts', {
  id: uuid('id').primaryKey().defaultRandom(),
  communityId: uuid('community_id').notNull().references(() => communities.id),
  gridId: uuid('grid_id').notNull().references(() => grids.id),
  buildingId: uuid('building_id').notNull().references(() => buildings.id),
  householdId: uuid('household_id').notNull().references(() => households.id, { onDelete: 'cascade' }),
  day: date('day', { mode: 'string' }).notNull(),
  // Health details: stripped (set null) by retention, which keeps only the outcome.
  personId: uuid('person_id').references(() => persons.id, { onDelete: 'set null' }),
  reasons: jsonb('reasons').$type<string[]>(),
  temperatureTenths: smallint('temperature_tenths'),
  status: followUpStatus('status').notNull().default('open'),
  acknowledgedBy: uuid('acknowledged_by').references(() => users.id),
  acknowledgedAt: ts('acknowledged_at'),
  acknowledgeNote: text('acknowledge_note'),
  resolvedBy: uuid('resolved_by').references(() => users.id),
  resolvedAt: ts('resolved_at'),
  resolutionNote: text('resolution_note'),
  detailsPurgedAt: ts('details_purged_at'),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [
  // One alert per person and day: a second submission that day updates it instead of opening another.
  uniqueIndex('alerts_person_day_uq').on(t.personId, t.day),
  index('alerts_grid_status_idx').on(t.gridId, t.status),
  index('alerts_day_idx').on(t.day),
]);

export const helpKind = pgEnum('help_kind', ['medical', 'medicine', 'food', 'counselling', 'other']);
export const helpUrgency = pgEnum('help_urgency', ['normal', 'urgent', 'critical']);

export const helpRequests = pgTable('help_requests', {
  id: uuid('id').primaryKey().defaultRandom(),
  communityId: uuid('community_id').notNull().references(() => communities.id),
  gridId: uuid('grid_id').notNull().references(() => grids.id),
  buildingId: uuid('building_id').notNull().references(() => buildings.id),
  householdId: uuid('household_id').notNull().references(() => households.id, { onDelete: 'cascade' }),
  requestedBy: uuid('requested_by').notNull().references(() => users.id),
  kind: helpKind('kind').notNull(),
  urgency: helpUrgency('urgency').notNull().default('normal'),
  details: text('details').notNull(),
  status: followUpStatus('status').notNull().default('open'),
  acknowledgedBy: uuid('acknowledged_by').references(() => users.id),
  acknowledgedAt: ts('acknowledged_at'),
  acknowledgeNote: text('acknowledge_note'),
  resolvedBy: uuid('resolved_by').references(() => users.id),
  resolvedAt: ts('resolved_at'),
  resolutionNote: text('resolution_note'),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [
  index('help_requests_grid_status_idx').on(t.gridId, t.status),
  index('help_requests_household_idx').on(t.householdId),
]);

export const careVisits = pgTable('care_visits', {
  id: uuid('id').primaryKey().defaultRandom(),
  personId: uuid('person_id').notNull().references(() => persons.id, { onDelete: 'cascade' }),
  householdId: uuid('household_id').notNull().references(() => households.id, { onDelete: 'cascade' }),
  visitedBy: uuid('visited_by').notNull().references(() => users.id),
  visitedAt: ts('visited_at').notNull().defaultNow(),
  note: text('note'),
  // The visit task a volunteer did, when the visit came from one.
  volunteerTaskId: uuid('volunteer_task_id').references((): AnyPgColumn => tasks.id),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [index('care_visits_person_idx').on(t.personId, t.visitedAt)]);

export const testingSlotStatus = pgEnum('testing_slot_status', ['scheduled', 'done']);

export const testingRounds = pgTable('testing_rounds', {
  id: uuid('id').primaryKey().defaultRandom(),
  communityId: uuid('community_id').notNull().references(() => communities.id),
  title: text('title').notNull(),
  day: date('day', { mode: 'string' }).notNull(),
  createdBy: uuid('created_by').notNull().references(() => users.id),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [index('testing_rounds_community_day_idx').on(t.communityId, t.day)]);

export const testingSlots = pgTable('testing_slots', {
  id: uuid('id').primaryKey().defaultRandom(),
  roundId: uuid('round_id').notNull().references(() => testingRounds.id, { onDelete: 'cascade' }),
  buildingId: uuid('building_id').notNull().references(() => buildings.id),
  gridId: uuid('grid_id').notNull().references(() => grids.id),
  startsAt: ts('starts_at').notNull(),
  endsAt: ts('ends_at').notNull(),
  status: testingSlotStatus('status').notNull().default('scheduled'),
  doneAt: ts('done_at'),
  doneBy: uuid('done_by').references(() => users.id),
}, (t) => [
  uniqueIndex('testing_slots_round_building_uq').on(t.roundId, t.buildingId),
  index('testing_slots_building_idx').on(t.buildingId),
  check('testing_slots_time_ck', sql`${t.endsAt} > ${t.startsAt}`),
]);
