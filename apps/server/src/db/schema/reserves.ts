// Emergency reserves: items with a running stock (never negative) and the ledger that explains every change to it.
import { sql } from 'drizzle-orm';
import { check, index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { communities, households } from './community';
import { users } from './identity';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const reserveItems = pgTable('reserve_items', {
  id: uuid('id').primaryKey().defaultRandom(),
  communityId: uuid('community_id').notNull().references(() => communities.id),
  name: text('name').notNull(),
  unit: text('unit').notNull(),
  lowStockThreshold: integer('low_stock_threshold').notNull().default(0),
  // The sum of the ledger, kept in step in the same transaction as each ledger insert (a conditional update).
  stock: integer('stock').notNull().default(0),
  createdBy: uuid('created_by').notNull().references(() => users.id),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [
  uniqueIndex('reserve_items_community_name_uq').on(t.communityId, t.name),
  check('reserve_items_stock_ck', sql`${t.stock} >= 0`),
  check('reserve_items_threshold_ck', sql`${t.lowStockThreshold} >= 0`),
]);

export const ledgerEntryKind = pgEnum('reserve_ledger_kind', ['received', 'issued', 'lost_expired']);

export const reserveLedger = pgTable('reserve_ledger', {
  id: uuid('id').primaryKey().defaultRandom(),
  itemId: uuid('item_id').notNull().references(() => reserveItems.id),
  communityId: uuid('community_id').notNull().references(() => communities.id),
  kind: ledgerEntryKind('kind').notNull(),
  quantity: integer('quantity').notNull(),
  balanceAfter: integer('balance_after').notNull(),
  reason: text('reason').notNull(),
  householdId: uuid('household_id').references(() => households.id),
  recipientUserId: uuid('recipient_user_id').references(() => users.id),
  distributionId: uuid('distribution_id'),
  recordedBy: uuid('recorded_by').notNull().references(() => users.id),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [
  index('reserve_ledger_item_created_idx').on(t.itemId, t.createdAt),
  index('reserve_ledger_community_created_idx').on(t.communityId, t.createdAt),
  uniqueIndex('reserve_ledger_distribution_household_uq').on(t.distributionId, t.householdId).where(sql`${t.distributionId} IS NOT NULL`),
  check('reserve_ledger_quantity_ck', sql`${t.quantity} > 0`),
  check('reserve_ledger_balance_ck', sql`${t.balanceAfter} >= 0`),
  check(
    'reserve_ledger_recipient_ck',
    sql`(${t.kind} = 'issued') = ((${t.householdId} IS NOT NULL) <> (${t.recipientUserId} IS NOT NULL)) AND (${t.kind} = 'issued' OR (${t.householdId} IS NULL AND ${t.recipientUserId} IS NULL))`,
  ),
]);
