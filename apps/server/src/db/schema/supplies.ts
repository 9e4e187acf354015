// Supplies: catalog products, group buys with stocked items, household orders, and medicine requests.
// Stock and per-household limits are guarded by CHECKs so that no code path can oversell.
import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn, boolean, check, index, integer, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid,
} from 'drizzle-orm/pg-core';
import { buildings, communities, households } from './community';
import { users } from './identity';
import { tasks } from './tasks';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const productCategory = pgEnum('product_category', ['vegetables', 'meat_eggs_dairy', 'grain_oil', 'medicine', 'daily', 'mother_baby']);

export const products = pgTable('products', {
  id: uuid('id').primaryKey().defaultRandom(),
  communityId: uuid('community_id').notNull().references(() => communities.id),
  name: text('name').notNull(),
  category: productCategory('category').notNull(),
  unit: text('unit').notNull(),
  priceFen: integer('price_fen').notNull(),
  imageUrl: text('image_url'),
  active: boolean('active').notNull().default(true),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [
  index('products_community_idx').on(t.communityId),
  check('products_price_ck', sql`${t.priceFen} >= 0`),
]);

export const groupBuys = pgTable('group_buys', {
  id: uuid('id').primaryKey().defaultRandom(),
  communityId: uuid('community_id').notNull().references(() => communities.id),
  title: text('title').notNull(),
  description: text('description').notNull().default(''),
  opensAt: ts('opens_at').notNull(),
  closesAt: ts('closes_at').notNull(),
  deliveryDate: text('delivery_date'),
  // null: a draft. The open/closed state is computed from these times on read (no job, same answer on every instance).
  publishedAt: ts('published_at'),
  // Set when staff close early.
  closedAt: ts('closed_at'),
  closedBy: uuid('closed_by').references(() => users.id),
  createdBy: uuid('created_by').notNull().references(() => users.id),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [
  index('group_buys_community_opens_idx').on(t.communityId, t.opensAt),
  check('group_buys_window_ck', sql`${t.closesAt} > ${t.opensAt}`),
]);

export const groupBuyItems = pgTable('group_buy_items', {
  id: uuid('id').primaryKey().defaultRandom(),
  groupBuyId: uuid('group_buy_id').notNull().references(() => groupBuys.id, { onDelete: 'cascade' }),
  productId: uuid('product_id').references(() => products.id),
  name: text('name').notNull(),
  unit: text('unit').notNull(),
  category: productCategory('category'),
  priceFen: integer('price_fen').notNull(),
  stock: integer('stock').notNull(),
  remaining: integer('remaining').notNull(),
  perHouseholdLimit: integer('per_household_limit').notNull(),
  sortOrder: integer('sort_order').notNull().default(0),
}, (t) => [
  index('group_buy_items_group_buy_idx').on(t.groupBuyId),
  check('group_buy_items_remaining_ck', sql`${t.remaining} >= 0 AND ${t.remaining} <= ${t.stock}`),
  check('group_buy_items_price_ck', sql`${t.priceFen} >= 0`),
  check('group_buy_items_limit_ck', sql`${t.perHouseholdLimit} >= 1`),
]);

// How much of an item a household holds in live (not cancelled) orders: the per-household limit is a conditional
// upsert on this row, so concurrent orders of one household serialise on it and never exceed the limit.
export const groupBuyItemHouseholdQuantities = pgTable('group_buy_item_household_quantities', {
  itemId: uuid('item_id').notNull().references(() => groupBuyItems.id, { onDelete: 'cascade' }),
  householdId: uuid('household_id').notNull().references(() => households.id, { onDelete: 'cascade' }),
  quantity: integer('quantity').notNull(),
}, (t) => [
  primaryKey({ columns: [t.itemId, t.householdId] }),
  check('group_buy_item_household_quantities_ck', sql`${t.quantity} >= 0`),
]);

export const orderStatus = pgEnum('order_status', ['placed', 'packed', 'out_for_delivery', 'delivered', 'cancelled']);

export const orders = pgTable('orders', {
  id: uuid('id').primaryKey().defaultRandom(),
  communityId: uuid('community_id').notNull().references(() => communities.id),
  groupBuyId: uuid('group_buy_id').notNull().references(() => groupBuys.id),
  householdId: uuid('household_id').notNull().references(() => households.id),
  // Households never move buildings: kept here so staff lists by building and status use one index.
  buildingId: uuid('building_id').notNull().references(() => buildings.id),
  placedBy: uuid('placed_by').notNull().references(() => users.id),
  idempotencyKey: text('idempotency_key').notNull(),
  // sha256 of the canonical request: the same key with a different body is refused, not replayed.
  requestHash: text('request_hash').notNull(),
  status: orderStatus('status').notNull().default('placed'),
  totalFen: integer('total_fen').notNull(),
  deliveryCode: text('delivery_code').notNull(),
  note: text('note'),
  createdAt: ts('created_at').notNull().defaultNow(),
  packedAt: ts('packed_at'),
  cancelledAt: ts('cancelled_at'),
  cancelledBy: uuid('cancelled_by').references(() => users.id),
  deliveredAt: ts('delivered_at'),
}, (t) => [
  uniqueIndex('orders_idempotency_uq').on(t.placedBy, t.idempotencyKey),
  index('orders_building_status_idx').on(t.buildingId, t.status),
  index('orders_household_created_idx').on(t.householdId, t.createdAt),
  index('orders_group_buy_idx').on(t.groupBuyId),
  check('orders_total_ck', sql`${t.totalFen} >= 0`),
  check('orders_delivery_code_ck', sql`${t.deliveryCode} ~ '^[0-9]{4}$'`),
]);

export const orderItems = pgTable('order_items', {
  orderId: uuid('order_id').notNull().references(() => orders.id, { onDelete: 'cascade' }),
  itemId: uuid('item_id').notNull().references(() => groupBuyItems.id),
  name: text('name').notNull(),
  unit: text('unit').notNull(),
  priceFen: integer('price_fen').notNull(),
  quantity: integer('quantity').notNull(),
}, (t) => [
  primaryKey({ columns: [t.orderId, t.itemId] }),
  index('order_items_item_idx').on(t.itemId),
  check('order_items_quantity_ck', sql`${t.quantity} > 0`),
]);

export const medicineRequestStatus = pgEnum('medicine_request_status', ['pending', 'accepted', 'declined', 'cancelled', 'fulfilled']);
export const medicineUrgency = pgEnum('medicine_urgency', ['normal', 'urgent', 'critical']);

export const medicineRequests = pgTable('medicine_requests', {
  id: uuid('id').primaryKey().defaultRandom(),
  communityId: uuid('community_id').notNull().references(() => communities.id),
  householdId: uuid('household_id').notNull().references(() => households.id),
  buildingId: uuid('building_id').notNull().references(() => buildings.id),
  requestedBy: uuid('requested_by').notNull().references(() => users.id),
  medicineName: text('medicine_name').notNull(),
  amount: text('amount').notNull(),
  urgency: medicineUrgency('urgency').notNull().default('normal'),
  note: text('note'),
  // Key in the photo store (under DATA_DIR), never a client path.
  photoKey: text('photo_key'),
  photoType: text('photo_type'),
  status: medicineRequestStatus('status').notNull().default('pending'),
  declineReason: text('decline_reason'),
  decidedBy: uuid('decided_by').references(() => users.id),
  decidedAt: ts('decided_at'),
  // The medicine task it becomes when staff accept it.
  taskId: uuid('task_id').references((): AnyPgColumn => tasks.id),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [
  index('medicine_requests_building_status_idx').on(t.buildingId, t.status),
  index('medicine_requests_household_idx').on(t.householdId, t.createdAt),
]);
