// Volunteer applications (the registry) and call-ups (一键召集) with the volunteers each one called and their answers.
import type { AvailabilityWindow, VolunteerSkill } from '@linli/shared';
import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { communities } from './community';
import { users } from './identity';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const volunteerApplicationStatus = pgEnum('volunteer_application_status', ['pending', 'approved', 'rejected', 'suspended']);

export const volunteerApplications = pgTable('volunteer_applications', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  communityId: uuid('community_id').notNull().references(() => communities.id),
  skills: text('skills').array().$type<VolunteerSkill[]>().notNull(),
  availability: jsonb('availability').$type<AvailabilityWindow[]>().notNull(),
  preferredBuildingIds: uuid('preferred_building_ids').array().notNull().default(sql`'{}'::uuid[]`),
  note: text('note'),
  status: volunteerApplicationStatus('status').notNull().default('pending'),
  decisionReason: text('decision_reason'),
  decidedBy: uuid('decided_by').references(() => users.id),
  decidedAt: ts('decided_at'),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [
  // One live application (pending, approved or suspended) per account and community; a rejected one may be followed by a new one.
  uniqueIndex('volunteer_applications_live_uq').on(t.userId, t.communityId).where(sql`${t.status} <> 'rejected'`),
  index('volunteer_applications_community_status_idx').on(t.communityId, t.status, t.createdAt),
  check('volunteer_applications_skills_ck', sql`cardinality(${t.skills}) >= 1`),
]);

export const callUpStatus = pgEnum('call_up_status', ['open', 'closed']);
export const callUpClosedReason = pgEnum('call_up_closed_reason', ['staff', 'filled']);
export const callUpAnswer = pgEnum('call_up_answer', ['yes', 'no']);

export const callUps = pgTable('call_ups', {
  id: uuid('id').primaryKey().defaultRandom(),
  communityId: uuid('community_id').notNull().references(() => communities.id),
  createdBy: uuid('created_by').notNull().references(() => users.id),
  skill: text('skill').$type<VolunteerSkill>().notNull(),
  needed: integer('needed').notNull(),
  place: text('place').notNull(),
  startsAt: ts('starts_at').notNull(),
  note: text('note'),
  status: callUpStatus('status').notNull().default('open'),
  closedReason: callUpClosedReason('closed_reason'),
  closedBy: uuid('closed_by').references(() => users.id),
  closedAt: ts('closed_at'),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [
  index('call_ups_community_created_idx').on(t.communityId, t.createdAt),
  check('call_ups_needed_ck', sql`${t.needed} >= 1`),
]);

/** The volunteers a call-up reached (fixed when it is sent), with their answer. Only they may answer. */
export const callUpRecipients = pgTable('call_up_recipients', {
  callUpId: uuid('call_up_id').notNull().references(() => callUps.id, { onDelete: 'cascade' }),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  applicationId: uuid('application_id').notNull().references(() => volunteerApplications.id, { onDelete: 'cascade' }),
  answer: callUpAnswer('answer'),
  answeredAt: ts('answered_at'),
}, (t) => [
  primaryKey({ columns: [t.callUpId, t.userId] }),
  index('call_up_recipients_user_idx').on(t.userId),
]);
