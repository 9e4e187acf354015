// Entry passes: the community's exit policy, one live pass per household, trips through the gate, used QR nonces.
import { sql } from 'drizzle-orm';
import { check, index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { communities, households } from './community';
import { users } from './identity';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const passPolicies = pgTable('pass_policies', {
  communityId: uuid('community_id').primaryKey().references(() => communities.id),
  exitsPerWindow: integer('exits_per_window').notNull(),
  windowDays: integer('window_days').notNull(),
  maxOutMinutes: integer('max_out_minutes').notNull(),
  updatedBy: uuid('updated_by').references(() => users.id),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [
  check('pass_policies_exits_ck', sql`${t.exitsPerWindow} BETWEEN 1 AND 20`),
  check('pass_policies_window_ck', sql`${t.windowDays} BETWEEN 1 AND 30`),
  check('pass_policies_minutes_ck', sql`${t.maxOutMinutes} BETWEEN 15 AND 1440`),
]);

export const passKind = pgEnum('pass_kind', ['regular', 'medical']);
export const passStatus = pgEnum('pass_status', ['active', 'revoked']);

export const passes = pgTable('passes', {
  id: uuid('id').primaryKey().defaultRandom(),
  communityId: uuid('community_id').notNull().references(() => communities.id),
  householdId: uuid('household_id').notNull().references(() => households.id, { onDelete: 'cascade' }),
  kind: passKind('kind').notNull().default('regular'),
  status: passStatus('status').notNull().default('active'),
  reason: text('reason'),
  validUntil: ts('valid_until'),
  issuedBy: uuid('issued_by').notNull().references(() => users.id),
  issuedAt: ts('issued_at').notNull().defaultNow(),
  revokedBy: uuid('revoked_by').references(() => users.id),
  revokedAt: ts('revoked_at'),
}, (t) => [
  // One live pass per household: a medical exception replaces the regular pass while it lasts.
  uniqueIndex('passes_household_active_uq').on(t.householdId).where(sql`${t.status} = 'active'`),
  index('passes_community_idx').on(t.communityId, t.kind),
  check('passes_medical_ck', sql`${t.kind} = 'regular' OR (${t.reason} IS NOT NULL AND ${t.validUntil} IS NOT NULL)`),
]);

export const passTrips = pgTable('pass_trips', {
  id: uuid('id').primaryKey().defaultRandom(),
  passId: uuid('pass_id').notNull().references(() => passes.id, { onDelete: 'cascade' }),
  householdId: uuid('household_id').notNull().references(() => households.id, { onDelete: 'cascade' }),
  communityId: uuid('community_id').notNull().references(() => communities.id),
  exitAt: ts('exit_at').notNull().defaultNow(),
  exitScannedBy: uuid('exit_scanned_by').notNull().references(() => users.id),
  dueBackAt: ts('due_back_at').notNull(),
  returnAt: ts('return_at'),
  returnScannedBy: uuid('return_scanned_by').references(() => users.id),
}, (t) => [
  // A household is out at most once at a time: a second exit before the return is refused by this index too.
  uniqueIndex('pass_trips_household_out_uq').on(t.householdId).where(sql`${t.returnAt} IS NULL`),
  index('pass_trips_household_exit_idx').on(t.householdId, t.exitAt),
  index('pass_trips_community_exit_idx').on(t.communityId, t.exitAt),
  check('pass_trips_return_ck', sql`${t.returnAt} IS NULL OR ${t.returnAt} >= ${t.exitAt}`),
]);

// Every QR token carries a random nonce; the primary key makes a second scan of the same token fail in SQL.
export const passTokenUses = pgTable('pass_token_uses', {
  nonce: text('nonce').primaryKey(),
  passId: uuid('pass_id').notNull().references(() => passes.id, { onDelete: 'cascade' }),
  usedAt: ts('used_at').notNull().defaultNow(),
}, (t) => [index('pass_token_uses_used_idx').on(t.usedAt)]);
