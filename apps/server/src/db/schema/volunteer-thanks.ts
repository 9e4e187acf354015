// The thank-you board (感谢榜): a post staff publish with a snapshot of the volunteers' counts for a period.
import type { ThankYouEntry } from '@linli/shared';
import { date, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { communities } from './community';
import { users } from './identity';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const thankYouPosts = pgTable('thank_you_posts', {
  id: uuid('id').primaryKey().defaultRandom(),
  communityId: uuid('community_id').notNull().references(() => communities.id),
  title: text('title').notNull(),
  message: text('message').notNull(),
  // Asia/Shanghai calendar days, both included.
  periodFrom: date('period_from', { mode: 'string' }).notNull(),
  periodTo: date('period_to', { mode: 'string' }).notNull(),
  // Frozen at publication: later handovers do not change a published board.
  entries: jsonb('entries').$type<ThankYouEntry[]>().notNull(),
  publishedBy: uuid('published_by').notNull().references(() => users.id),
  publishedAt: ts('published_at').notNull().defaultNow(),
  hiddenBy: uuid('hidden_by').references(() => users.id),
  hiddenAt: ts('hidden_at'),
}, (t) => [index('thank_you_posts_community_idx').on(t.communityId, t.publishedAt)]);
