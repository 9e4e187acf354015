// Volunteer tasks and the orders a delivery task carries. At most one claimer per task is the conditional
// `UPDATE … WHERE status = 'open'`; an order belongs to at most one task (primary key on order_id).
import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { helpRequests } from './checkins';
import { buildings, communities, households, persons } from './community';
import { users } from './identity';
import { medicineRequests, orders } from './supplies';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const taskKind = pgEnum('task_kind', ['delivery', 'medicine', 'errand', 'visit']);
export const taskStatus = pgEnum('task_status', ['open', 'claimed', 'completed', 'cancelled']);
export const taskOrderHandover = pgEnum('task_order_handover', ['pending', 'code', 'left_at_door']);

export const tasks = pgTable('tasks', {
  id: uuid('id').primaryKey().defaultRandom(),
  communityId: uuid('community_id').notNull().references(() => communities.id),
  kind: taskKind('kind').notNull(),
  status: taskStatus('status').notNull().default('open'),
  title: text('title').notNull(),
  details: text('details'),
  buildingId: uuid('building_id').notNull().references(() => buildings.id),
  // The one household of a medicine, errand or visit task (delivery tasks name theirs per order).
  householdId: uuid('household_id').references(() => households.id),
  // Whose phone the claimer may reveal for a one-household task: the account that asked.
  contactUserId: uuid('contact_user_id').references(() => users.id),
  personId: uuid('person_id').references(() => persons.id, { onDelete: 'set null' }),
  medicineRequestId: uuid('medicine_request_id').references(() => medicineRequests.id),
  helpRequestId: uuid('help_request_id').references(() => helpRequests.id),
  urgent: boolean('urgent').notNull().default(false),
  careTagged: boolean('care_tagged').notNull().default(false),
  orderCount: integer('order_count').notNull().default(0),
  handedOverCount: integer('handed_over_count').notNull().default(0),
  // Kept once completed: who did the task.
  claimedBy: uuid('claimed_by').references(() => users.id),
  claimedAt: ts('claimed_at'),
  claimExpiresAt: ts('claim_expires_at'),
  completedAt: ts('completed_at'),
  completionNote: text('completion_note'),
  createdBy: uuid('created_by').notNull().references(() => users.id),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [
  index('tasks_community_status_idx').on(t.communityId, t.status, t.createdAt),
  index('tasks_claimed_by_idx').on(t.claimedBy).where(sql`${t.status} = 'claimed'`),
  index('tasks_claim_expiry_idx').on(t.claimExpiresAt).where(sql`${t.status} = 'claimed'`),
  uniqueIndex('tasks_medicine_request_uq').on(t.medicineRequestId),
  uniqueIndex('tasks_help_request_uq').on(t.helpRequestId),
  check('tasks_claimed_ck', sql`${t.status} <> 'claimed' OR (${t.claimedBy} IS NOT NULL AND ${t.claimExpiresAt} IS NOT NULL)`),
  check('tasks_open_ck', sql`${t.status} <> 'open' OR ${t.claimedBy} IS NULL`),
  check('tasks_counts_ck', sql`${t.handedOverCount} >= 0 AND ${t.handedOverCount} <= ${t.orderCount}`),
]);

export const taskOrders = pgTable('task_orders', {
  orderId: uuid('order_id').notNull().references(() => orders.id),
  taskId: uuid('task_id').notNull().references(() => tasks.id, { onDelete: 'cascade' }),
  householdId: uuid('household_id').notNull().references(() => households.id),
  failedAttempts: integer('failed_attempts').notNull().default(0),
  // Set at the 5th wrong code; staff unlock it after checking with the household.
  lockedAt: ts('locked_at'),
  handover: taskOrderHandover('handover').notNull().default('pending'),
  handedOverAt: ts('handed_over_at'),
  handedOverBy: uuid('handed_over_by').references(() => users.id),
  // 放门口: key in the photo store, never a client path.
  doorPhotoKey: text('door_photo_key'),
  doorPhotoType: text('door_photo_type'),
  confirmedAt: ts('confirmed_at'),
}, (t) => [
  primaryKey({ columns: [t.orderId] }),
  index('task_orders_task_idx').on(t.taskId),
  check('task_orders_attempts_ck', sql`${t.failedAttempts} >= 0`),
]);

/**
 * How many tasks each volunteer holds (status `claimed`) right now. A claim raises it in the same statement that
 * claims the task, and only below the limit: the row lock of that increment is what keeps the hold limit under
 * concurrency without a transaction. Every way out of `claimed` (release, expiry, completion) lowers it.
 */
export const volunteerHolds = pgTable('volunteer_holds', {
  userId: uuid('user_id').primaryKey().references(() => users.id),
  held: integer('held').notNull().default(0),
}, (t) => [
  check('volunteer_holds_held_ck', sql`${t.held} >= 0`),
]);
