// Community structure: community → grid → building → household → person, and the accounts bound to them.
import { sql } from 'drizzle-orm';
import {
  boolean, check, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();

export const communities = pgTable('communities', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  createdAt: createdAt(),
});

export const grids = pgTable('grids', {
  id: uuid('id').primaryKey().defaultRandom(),
  communityId: uuid('community_id').notNull().references(() => communities.id),
  name: text('name').notNull(),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('grids_community_name_uq').on(t.communityId, t.name)]);

export const buildings = pgTable('buildings', {
  id: uuid('id').primaryKey().defaultRandom(),
  communityId: uuid('community_id').notNull().references(() => communities.id),
  gridId: uuid('grid_id').notNull().references(() => grids.id),
  name: text('name').notNull(),
  sortOrder: integer('sort_order').notNull().default(0),
  createdAt: createdAt(),
}, (t) => [
  uniqueIndex('buildings_community_name_uq').on(t.communityId, t.name),
  index('buildings_grid_idx').on(t.gridId),
]);

export const households = pgTable('households', {
  id: uuid('id').primaryKey().defaultRandom(),
  buildingId: uuid('building_id').notNull().references(() => buildings.id),
  unit: text('unit').notNull(),
  room: text('room').notNull(),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('households_building_unit_room_uq').on(t.buildingId, t.unit, t.room)]);

export const personRelation = pgEnum('person_relation', ['owner', 'spouse', 'child', 'parent', 'relative', 'renter', 'other']);

export const persons = pgTable('persons', {
  id: uuid('id').primaryKey().defaultRandom(),
  householdId: uuid('household_id').notNull().references(() => households.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  relation: personRelation('relation').notNull().default('owner'),
  birthYear: integer('birth_year'),
  isRenter: boolean('is_renter').notNull().default(false),
  careTags: jsonb('care_tags').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
  phone: text('phone'),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, (t) => [
  index('persons_household_idx').on(t.householdId),
  uniqueIndex('persons_household_name_uq').on(t.householdId, t.name),
  check('persons_birth_year_ck', sql`${t.birthYear} IS NULL OR ${t.birthYear} BETWEEN 1900 AND 2100`),
]);
