// Building group chats (one per building, keyed by the building's id), their messages, read marks, mutes and images,
// and notices with their target buildings, per-household acknowledgements and the WeChat subscribe-message outbox.
import { sql } from 'drizzle-orm';
import {
  boolean, check, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid,
} from 'drizzle-orm/pg-core';
import { buildings, communities, households } from './community';
import { users } from './identity';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

// Membership is not stored: it is derived from approved bindings and staff roles, so it never drifts.
export const chatGroups = pgTable('chat_groups', {
  buildingId: uuid('building_id').primaryKey().references(() => buildings.id, { onDelete: 'cascade' }),
  lastSeq: integer('last_seq').notNull().default(0),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [check('chat_groups_last_seq_ck', sql`${t.lastSeq} >= 0`)]);

export const messageKind = pgEnum('chat_message_kind', ['text', 'image', 'system', 'notice']);
export const noticePriority = pgEnum('notice_priority', ['normal', 'urgent']);

export const notices = pgTable('notices', {
  id: uuid('id').primaryKey().defaultRandom(),
  communityId: uuid('community_id').notNull().references(() => communities.id),
  authorId: uuid('author_id').notNull().references(() => users.id),
  title: text('title').notNull(),
  body: text('body').notNull(),
  priority: noticePriority('priority').notNull().default('normal'),
  requiresAck: boolean('requires_ack').notNull().default(false),
  expiresAt: ts('expires_at'),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [index('notices_community_created_idx').on(t.communityId, t.createdAt)]);

export const noticeTargets = pgTable('notice_targets', {
  noticeId: uuid('notice_id').notNull().references(() => notices.id, { onDelete: 'cascade' }),
  buildingId: uuid('building_id').notNull().references(() => buildings.id, { onDelete: 'cascade' }),
}, (t) => [primaryKey({ columns: [t.noticeId, t.buildingId] }), index('notice_targets_building_idx').on(t.buildingId)]);

// One acknowledgement per household: the primary key makes a repeated or concurrent 我已知晓 a no-op.
export const noticeAcks = pgTable('notice_acks', {
  noticeId: uuid('notice_id').notNull().references(() => notices.id, { onDelete: 'cascade' }),
  householdId: uuid('household_id').notNull().references(() => households.id, { onDelete: 'cascade' }),
  userId: uuid('user_id').notNull().references(() => users.id),
  ackedAt: ts('acked_at').notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.noticeId, t.householdId] })]);

export const chatImages = pgTable('chat_images', {
  id: uuid('id').primaryKey().defaultRandom(),
  groupId: uuid('group_id').notNull().references(() => buildings.id, { onDelete: 'cascade' }),
  uploaderId: uuid('uploader_id').notNull().references(() => users.id),
  contentType: text('content_type').notNull(),
  size: integer('size').notNull(),
  storageKey: text('storage_key').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [index('chat_images_group_idx').on(t.groupId)]);

export const chatMessages = pgTable('chat_messages', {
  id: uuid('id').primaryKey().defaultRandom(),
  groupId: uuid('group_id').notNull().references(() => chatGroups.buildingId, { onDelete: 'cascade' }),
  seq: integer('seq').notNull(),
  senderId: uuid('sender_id').references(() => users.id),
  senderIsStaff: boolean('sender_is_staff').notNull().default(false),
  kind: messageKind('kind').notNull(),
  text: text('text'),
  imageId: uuid('image_id').references(() => chatImages.id),
  replyToId: uuid('reply_to_id'),
  mentions: jsonb('mentions').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
  mentionAll: boolean('mention_all').notNull().default(false),
  noticeId: uuid('notice_id').references(() => notices.id, { onDelete: 'cascade' }),
  clientId: text('client_id'),
  recalledAt: ts('recalled_at'),
  recalledBy: uuid('recalled_by').references(() => users.id),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [
  uniqueIndex('chat_messages_group_seq_uq').on(t.groupId, t.seq),
  // A re-sent message (same sender, same clientId) is the same message.
  uniqueIndex('chat_messages_client_uq').on(t.groupId, t.senderId, t.clientId).where(sql`${t.clientId} IS NOT NULL`),
  index('chat_messages_sender_created_idx').on(t.senderId, t.createdAt),
  check('chat_messages_seq_ck', sql`${t.seq} >= 1`),
  check('chat_messages_text_len_ck', sql`${t.text} IS NULL OR char_length(${t.text}) <= 2000`),
]);

export const chatReadMarks = pgTable('chat_read_marks', {
  groupId: uuid('group_id').notNull().references(() => buildings.id, { onDelete: 'cascade' }),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  readSeq: integer('read_seq').notNull().default(0),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.groupId, t.userId] })]);

export const chatMutes = pgTable('chat_mutes', {
  groupId: uuid('group_id').notNull().references(() => buildings.id, { onDelete: 'cascade' }),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  mutedUntil: ts('muted_until').notNull(),
  mutedBy: uuid('muted_by').notNull().references(() => users.id),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.groupId, t.userId] })]);

export const outboxStatus = pgEnum('wechat_outbox_status', ['pending', 'sent', 'failed']);

// WeChat subscribe messages waiting to be sent; a dispatcher claims rows with SKIP LOCKED, so N instances share it.
export const wechatOutbox = pgTable('wechat_outbox', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  noticeId: uuid('notice_id').references(() => notices.id, { onDelete: 'cascade' }),
  payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
  status: outboxStatus('status').notNull().default('pending'),
  attempts: integer('attempts').notNull().default(0),
  lastError: text('last_error'),
  createdAt: ts('created_at').notNull().defaultNow(),
  sentAt: ts('sent_at'),
}, (t) => [
  index('wechat_outbox_pending_idx').on(t.createdAt).where(sql`${t.status} = 'pending'`),
  uniqueIndex('wechat_outbox_notice_user_uq').on(t.noticeId, t.userId),
]);
