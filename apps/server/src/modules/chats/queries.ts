// Reads of the chat tables: messages with their sender, reply preview and notice card; groups with unread counts.
import { sql, type SQL } from 'drizzle-orm';
import type { ChatMessage } from '@linli/shared';
import type { Actor } from '../../authorization/policy';
import { staffGridIds } from '../../authorization/policy';
import { preparedStatement, selectRows, type Database, type DbOrTx } from '../../db/client';

export interface MessageRow {
  id: string; group_id: string; seq: number; sender_id: string | null; sender_name: string | null; sender_is_staff: boolean;
  kind: ChatMessage['kind']; text: string | null; image_id: string | null; mentions: string[] | string; mention_all: boolean;
  client_id: string | null; recalled_at: Date | string | null; created_at: Date | string;
  reply_id: string | null; reply_seq: number | null; reply_sender_name: string | null; reply_kind: ChatMessage['kind'] | null; reply_text: string | null;
  notice_id: string | null; notice_title: string | null; notice_body: string | null; notice_priority: 'normal' | 'urgent' | null; notice_requires_ack: boolean | null;
}

const iso = (value: Date | string) => new Date(value).toISOString();

export function toChatMessage(r: MessageRow): ChatMessage {
  const recalled = r.recalled_at !== null;
  return {
    id: r.id,
    groupId: r.group_id,
    seq: Number(r.seq),
    senderId: r.sender_id,
    senderName: r.sender_name,
    senderIsStaff: r.sender_is_staff,
    kind: r.kind,
    text: recalled ? null : r.text,
    imageId: recalled ? null : r.image_id,
    replyTo: r.reply_id && !recalled
      ? { id: r.reply_id, seq: Number(r.reply_seq), senderName: r.reply_sender_name, text: r.reply_text, kind: r.reply_kind ?? 'text' }
      : null,
    mentions: recalled ? [] : typeof r.mentions === 'string' ? JSON.parse(r.mentions) : r.mentions,
    mentionAll: recalled ? false : r.mention_all,
    notice: r.notice_id && !recalled
      ? { id: r.notice_id, title: r.notice_title ?? '', body: r.notice_body ?? '', priority: r.notice_priority ?? 'normal', requiresAck: Boolean(r.notice_requires_ack) }
      : null,
    clientId: r.client_id,
    recalled,
    createdAt: iso(r.created_at),
  };
}

function messagesQuery(where: SQL, order: 'asc' | 'desc', limit: SQL | number, from: SQL = sql`chat_messages m`): SQL {
  return sql`
    SELECT m.id, m.group_id, m.seq, m.sender_id, u.display_name AS sender_name, m.sender_is_staff, m.kind, m.text, m.image_id,
           m.mentions, m.mention_all, m.client_id, m.recalled_at, m.created_at,
           r.id AS reply_id, r.seq AS reply_seq, ru.display_name AS reply_sender_name, r.kind AS reply_kind,
           CASE WHEN r.recalled_at IS NULL THEN left(r.text, 80) END AS reply_text,
           n.id AS notice_id, n.title AS notice_title, n.body AS notice_body, n.priority AS notice_priority, n.requires_ack AS notice_requires_ack
    FROM ${from}
    LEFT JOIN users u ON u.id = m.sender_id
    LEFT JOIN chat_messages r ON r.id = m.reply_to_id
    LEFT JOIN users ru ON ru.id = r.sender_id
    LEFT JOIN notices n ON n.id = m.notice_id
    WHERE ${where}
    ORDER BY m.seq ${order === 'asc' ? sql`ASC` : sql`DESC`}
    LIMIT ${limit}`;
}

export async function selectMessages(db: DbOrTx, where: SQL, order: 'asc' | 'desc' = 'asc', limit = 100): Promise<ChatMessage[]> {
  const rows = await selectRows<MessageRow>(db, messagesQuery(where, order, limit));
  return rows.map(toChatMessage);
}

// The pages a chat room reads, planned once per connection: opening a room is the commonest read there is, and
// planning the page's joins cost PostgreSQL more than running them (0.74 against 0.16 ms on 3,000 messages).
const groupId = sql`m.group_id = ${sql.placeholder('groupId')}::uuid`;
const pageLimit = sql`${sql.placeholder('limit')}::int`;
/** The latest page of a group, newest first (placeholders `groupId`, `limit`); bench/chat-read runs it bare as its yardstick. */
export const latestPageQuery = () => messagesQuery(groupId, 'desc', pageLimit);
const latestPageStatement = preparedStatement<MessageRow>('chat_latest_page', latestPageQuery);
const olderPageStatement = preparedStatement<MessageRow>('chat_older_page', () =>
  messagesQuery(sql`${groupId} AND m.seq < ${sql.placeholder('before')}::int`, 'desc', pageLimit));
const newerPageStatement = preparedStatement<MessageRow>('chat_newer_page', () =>
  messagesQuery(sql`${groupId} AND m.seq > ${sql.placeholder('after')}::int`, 'asc', pageLimit));

/** Up to `limit` messages of a group, ascending: after `after`, or before `before`, or the latest. */
export async function messagePage(db: Database, page: { groupId: string; after?: number; before?: number; limit: number }): Promise<ChatMessage[]> {
  const { after, before, ...values } = page;
  if (after !== undefined) return (await newerPageStatement(db, { ...values, after })).map(toChatMessage);
  const rows = before !== undefined ? await olderPageStatement(db, { ...values, before }) : await latestPageStatement(db, values);
  return rows.map(toChatMessage).reverse();
}

export async function messageById(db: DbOrTx, messageId: string): Promise<ChatMessage | null> {
  const [m] = await selectMessages(db, sql`m.id = ${messageId}`, 'asc', 1);
  return m ?? null;
}

/** What the post statement answers: its checks, and the message when it wrote one (`id` null when it did not). */
export type PostRow = Omit<MessageRow, 'id'> & {
  id: string | null;
  is_member: boolean;
  is_staff: boolean;
  existing_id: string | null;
  muted_until: Date | string | null;
  image_ok: boolean;
  reply_ok: boolean;
};

/**
 * A member's post in one statement, and so one round trip and one transaction. It reads what the checks need, fresh:
 * membership and staff standing as `can(actor, 'building.read')` and `isStaffOf` decide them (an approved binding to
 * a household of the building; an admin of its community; a grid worker of its grid), a message already sent with
 * this clientId, a mute in force, whether the image and the quoted message belong to this group; and only when every
 * check passes (and `allowed`, the send budget) does it bump the group's counter under its row lock (the row created
 * on first use) and insert with that seq, so concurrent posts get 1, 2, 3 … with no gap. A duplicate clientId that
 * won a race fails the statement (unique violation), which rolls the bump back. The new message comes back whole.
 */
export const postMessageStatement = preparedStatement<PostRow>('chat_post_message', () => {
  const userId = sql`${sql.placeholder('userId')}::uuid`;
  const groupId = sql`${sql.placeholder('groupId')}::uuid`;
  const imageId = sql`${sql.placeholder('imageId')}::uuid`;
  const replyToId = sql`${sql.placeholder('replyToId')}::uuid`;
  return sql`
    WITH c AS (
      SELECT staff.is_staff,
             staff.is_staff OR EXISTS (
               SELECT 1 FROM household_bindings hb JOIN households h ON h.id = hb.household_id
                WHERE hb.user_id = ${userId} AND hb.status = 'approved' AND h.building_id = ${groupId}) AS is_member,
             (SELECT m.id FROM chat_messages m
               WHERE m.group_id = ${groupId} AND m.sender_id = ${userId} AND m.client_id = ${sql.placeholder('clientId')}::text) AS existing_id,
             (SELECT max(mu.muted_until) FROM chat_mutes mu
               WHERE mu.group_id = ${groupId} AND mu.user_id = ${userId} AND mu.muted_until > now()) AS muted_until,
             (${imageId} IS NULL OR EXISTS (SELECT 1 FROM chat_images i
               WHERE i.id = ${imageId} AND i.group_id = ${groupId} AND i.uploader_id = ${userId})) AS image_ok,
             (${replyToId} IS NULL OR EXISTS (SELECT 1 FROM chat_messages r WHERE r.id = ${replyToId} AND r.group_id = ${groupId})) AS reply_ok
      FROM (SELECT EXISTS (
              SELECT 1 FROM role_assignments ra JOIN buildings b ON b.community_id = ra.community_id
               WHERE ra.user_id = ${userId} AND b.id = ${groupId}
                 AND (ra.role = 'admin' OR (ra.role = 'grid_worker' AND ra.grid_id = b.grid_id))) AS is_staff) AS staff
    ), go AS (
      SELECT is_staff FROM c
       WHERE is_member AND existing_id IS NULL AND muted_until IS NULL AND image_ok AND reply_ok
         AND ${sql.placeholder('allowed')}::boolean AND (is_staff OR NOT ${sql.placeholder('mentionAll')}::boolean)
    ), g AS (
      INSERT INTO chat_groups (building_id, last_seq) SELECT ${groupId}, 1 FROM go
      ON CONFLICT (building_id) DO UPDATE SET last_seq = chat_groups.last_seq + 1
      RETURNING last_seq
    ), inserted AS (
      INSERT INTO chat_messages (group_id, seq, sender_id, sender_is_staff, kind, text, image_id, reply_to_id, mentions, mention_all, client_id)
      SELECT ${groupId}, g.last_seq, ${userId}, go.is_staff, ${sql.placeholder('kind')}::chat_message_kind, ${sql.placeholder('text')}::text,
             ${imageId}, ${replyToId}, ${sql.placeholder('mentions')}::jsonb, ${sql.placeholder('mentionAll')}::boolean, ${sql.placeholder('clientId')}::text
      FROM g CROSS JOIN go
      RETURNING *
    )
    SELECT c.is_member, c.is_staff, c.existing_id, c.muted_until, c.image_ok, c.reply_ok, msg.*
    FROM c LEFT JOIN (${messagesQuery(sql`true`, 'asc', 1, sql`inserted m`)}) AS msg ON true`;
});

/** Buildings whose group the actor belongs to: residents by approved binding, grid workers by grid, admins by community. */
export async function memberBuildingIds(db: DbOrTx, actor: Actor): Promise<string[]> {
  const own = actor.households.map((h) => h.buildingId);
  const staff = staffGridIds(actor);
  if (staff.length === 0) return [...new Set(own)];
  const conditions = staff.map(({ communityId, gridIds }) =>
    gridIds === null ? sql`community_id = ${communityId}` : sql`(community_id = ${communityId} AND grid_id IN (${sql.join(gridIds.map((g) => sql`${g}`), sql`, `)}))`);
  const rows = await selectRows<{ id: string }>(db, sql`SELECT id FROM buildings WHERE ${sql.join(conditions, sql` OR `)}`);
  return [...new Set([...own, ...rows.map((r) => r.id)])];
}

/**
 * `memberBuildingIds` for many accounts in one query (the periodic refresh of open sockets): approved bindings, grid
 * workers' grids, admins' communities. Accounts with no group map to an empty list.
 */
export async function memberBuildingIdsOfUsers(db: DbOrTx, userIds: string[]): Promise<Map<string, string[]>> {
  const result = new Map(userIds.map((id) => [id, [] as string[]]));
  if (userIds.length === 0) return result;
  const rows = await selectRows<{ user_id: string; building_id: string }>(db, sql`
    SELECT hb.user_id, h.building_id
      FROM household_bindings hb JOIN households h ON h.id = hb.household_id
     WHERE hb.status = 'approved' AND hb.user_id IN ${idList(userIds)}
    UNION
    SELECT ra.user_id, b.id
      FROM role_assignments ra
      JOIN buildings b ON b.community_id = ra.community_id AND (ra.role = 'admin' OR (ra.role = 'grid_worker' AND b.grid_id = ra.grid_id))
     WHERE ra.user_id IN ${idList(userIds)}`);
  for (const r of rows) result.get(r.user_id)?.push(r.building_id);
  return result;
}

export interface GroupRow {
  building_id: string; name: string; sort_order: number; last_seq: number; read_seq: number; unread: number;
}

export const idList = (ids: string[]) => sql`(${sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `)})`;

export async function groupsOf(db: DbOrTx, userId: string, buildingIds: string[]): Promise<GroupRow[]> {
  if (buildingIds.length === 0) return [];
  return selectRows<GroupRow>(db, sql`
    SELECT b.id AS building_id, b.name, b.sort_order, coalesce(g.last_seq, 0)::int AS last_seq, coalesce(rm.read_seq, 0)::int AS read_seq,
           (SELECT count(*)::int FROM chat_messages m
             WHERE m.group_id = b.id AND m.seq > coalesce(rm.read_seq, 0) AND m.sender_id IS DISTINCT FROM ${userId}::uuid) AS unread
    FROM buildings b
    LEFT JOIN chat_groups g ON g.building_id = b.id
    LEFT JOIN chat_read_marks rm ON rm.group_id = b.id AND rm.user_id = ${userId}
    WHERE b.id IN ${idList(buildingIds)}
    ORDER BY b.sort_order, b.name`);
}

export async function lastMessages(db: DbOrTx, groups: { building_id: string; last_seq: number }[]): Promise<Map<string, ChatMessage>> {
  const wanted = groups.filter((g) => g.last_seq > 0);
  if (wanted.length === 0) return new Map();
  const conditions = wanted.map((g) => sql`(m.group_id = ${g.building_id} AND m.seq = ${g.last_seq})`);
  const messages = await selectMessages(db, sql.join(conditions, sql` OR `), 'asc', wanted.length);
  return new Map(messages.map((m) => [m.groupId, m]));
}
