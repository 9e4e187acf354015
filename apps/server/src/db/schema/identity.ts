// Accounts, their roles with scope, refresh-token families, bindings to households, and the audit log.
import { sql } from 'drizzle-orm';
import { index, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { communities, grids, households, personRelation } from './community';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  phone: text('phone'),
  wechatOpenid: text('wechat_openid'),
  // code2session's session_key: kept server-side only, never serialised to a client.
  wechatSessionKey: text('wechat_session_key'),
  displayName: text('display_name').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [
  uniqueIndex('users_phone_uq').on(t.phone),
  uniqueIndex('users_wechat_openid_uq').on(t.wechatOpenid),
]);

export const roleName = pgEnum('role_name', ['resident', 'volunteer', 'grid_worker', 'admin']);

export const roleAssignments = pgTable('role_assignments', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  role: roleName('role').notNull(),
  communityId: uuid('community_id').notNull().references(() => communities.id),
  gridId: uuid('grid_id').references(() => grids.id),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [
  uniqueIndex('role_assignments_uq').on(t.userId, t.role, t.communityId, sql`coalesce(${t.gridId}, '00000000-0000-0000-0000-000000000000'::uuid)`),
  index('role_assignments_user_idx').on(t.userId),
]);

export const refreshTokens = pgTable('refresh_tokens', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  familyId: uuid('family_id').notNull(),
  tokenHash: text('token_hash').notNull(),
  expiresAt: ts('expires_at').notNull(),
  usedAt: ts('used_at'),
  revokedAt: ts('revoked_at'),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [
  uniqueIndex('refresh_tokens_hash_uq').on(t.tokenHash),
  index('refresh_tokens_family_idx').on(t.familyId),
]);

export const bindingStatus = pgEnum('binding_status', ['pending', 'approved', 'rejected']);

export const householdBindings = pgTable('household_bindings', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  householdId: uuid('household_id').notNull().references(() => households.id, { onDelete: 'cascade' }),
  relation: personRelation('relation').notNull().default('owner'),
  status: bindingStatus('status').notNull().default('pending'),
  note: text('note'),
  decisionReason: text('decision_reason'),
  decidedBy: uuid('decided_by').references(() => users.id),
  decidedAt: ts('decided_at'),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [
  // One live (pending or approved) binding per account and household; rejected ones may be retried.
  uniqueIndex('household_bindings_live_uq').on(t.userId, t.householdId).where(sql`${t.status} <> 'rejected'`),
  index('household_bindings_household_idx').on(t.householdId),
  index('household_bindings_user_idx').on(t.userId),
]);

export const auditLog = pgTable('audit_log', {
  id: uuid('id').primaryKey().defaultRandom(),
  actorId: uuid('actor_id').notNull().references(() => users.id),
  communityId: uuid('community_id').notNull().references(() => communities.id),
  action: text('action').notNull(),
  subjectType: text('subject_type').notNull(),
  subjectId: text('subject_id').notNull(),
  details: jsonb('details').$type<Record<string, unknown>>(),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [index('audit_log_community_created_idx').on(t.communityId, t.createdAt), index('audit_log_actor_idx').on(t.actorId)]);
