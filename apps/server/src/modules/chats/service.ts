// Chat rules: who is a member (derived, never stored), gap-free seq allocation, idempotent posting, recall, mute, read marks.
import { and, eq, gt, sql } from 'drizzle-orm';
import { canRecall, type ChatMessage, type PostMessageBody } from '@linli/shared';
import type { Actor } from '../../authorization/policy';
import { can, isStaffOf } from '../../authorization/policy';
import { scopeOfBuilding } from '../../authorization/scopes';
import type { Database, DbOrTx, Transaction } from '../../db/client';
import { chatGroups, chatMessages, chatMutes, chatReadMarks, users } from '../../db/schema';
import { AppError, badRequest, forbidden, notFound } from '../../errors';
import type { Realtime } from '../../plugins/realtime';
import { messageById, postMessageStatement, toChatMessage, type MessageRow, type PostRow } from './queries';
import { askSendBudget, type SendBudget, type SendRateLimiter } from './send-limit';

export interface GroupAccess {
  scope: { communityId: string; gridId: string; buildingId: string };
  isStaff: boolean;
}

/** The caller's standing in a building's group, or 404 when they are not a member (nothing about the group leaks). */
export async function accessToGroup(db: DbOrTx, actor: Actor, groupId: string): Promise<GroupAccess> {
  const scope = await scopeOfBuilding(db, groupId);
  if (!scope || !can(actor, 'building.read', scope)) throw notFound('楼栋群');
  return { scope, isStaff: isStaffOf(actor, scope) };
}

type NewMessage = Omit<typeof chatMessages.$inferInsert, 'seq' | 'groupId' | 'id'>;

/**
 * Appends a message to a building's group inside `tx`: the group row is created on first use and its counter bumped
 * by one under the row lock, so concurrent posts get 1, 2, 3 … with no gap (a rolled-back insert rolls the bump back).
 */
export async function appendMessage(tx: Transaction, buildingId: string, values: NewMessage): Promise<{ id: string; seq: number } | null> {
  const [group] = await tx
    .insert(chatGroups)
    .values({ buildingId, lastSeq: 1 })
    .onConflictDoUpdate({ target: chatGroups.buildingId, set: { lastSeq: sql`${chatGroups.lastSeq} + 1` } })
    .returning({ lastSeq: chatGroups.lastSeq });
  const [inserted] = await tx
    .insert(chatMessages)
    .values({ ...values, groupId: buildingId, seq: group!.lastSeq })
    .onConflictDoNothing()
    .returning({ id: chatMessages.id, seq: chatMessages.seq });
  return inserted ?? null;
}

async function findByClientId(db: DbOrTx, groupId: string, senderId: string, clientId: string) {
  const [row] = await db
    .select({ id: chatMessages.id })
    .from(chatMessages)
    .where(and(eq(chatMessages.groupId, groupId), eq(chatMessages.senderId, senderId), eq(chatMessages.clientId, clientId)));
  return row ? messageById(db, row.id) : null;
}

export interface PostContext {
  db: Database;
  realtime: Realtime;
  sendRate: SendRateLimiter;
}

/**
 * A member's post, the chat's hot path: one statement checks (membership, idempotency, mute, image, quote, send
 * budget), allocates the seq, inserts and reads the message back; the live sockets get it before the answer is
 * written. `sendBudget`: the send already taken from the caller's budget (kept if a message is created, else given
 * back before answering), or the 429.
 */
export async function postMessage(
  ctx: PostContext, userId: string, groupId: string, body: PostMessageBody,
  sendBudget: Promise<SendBudget> = askSendBudget(ctx.sendRate, userId),
): Promise<{ message: ChatMessage; created: boolean }> {
  const budget = await sendBudget;
  try {
    const message = await createMessage(ctx.db, userId, groupId, body, budget.refused ?? null);
    if (!message.created) return message;
    budget.reservation!.keep();
    await ctx.realtime.publishToBuildingGroup(groupId, { type: 'message', message: message.message }, message.message.seq);
    return message;
  } finally {
    await budget.reservation?.release();
  }
}

/** The post statement and its answer: the message created, the one a re-sent clientId already made, or the refusal. */
async function createMessage(db: Database, userId: string, groupId: string, body: PostMessageBody, limited: unknown): Promise<{ message: ChatMessage; created: boolean }> {
  let row: PostRow | undefined;
  try {
    [row] = await postMessageStatement(db, {
      userId, groupId, clientId: body.clientId, imageId: body.imageId ?? null, replyToId: body.replyToId ?? null,
      allowed: limited === null, mentionAll: body.mentionAll, kind: body.kind, text: body.text || null,
      mentions: JSON.stringify([...new Set(body.mentions)]),
    });
  } catch (err) {
    // The same clientId won a race: the failed statement took its seq bump with it; answer with the first message.
    if ((err as { code?: string }).code !== '23505') throw err;
    const first = await findByClientId(db, groupId, userId, body.clientId);
    if (!first) throw err;
    return { message: first, created: false };
  }
  // The checks in the order a caller should hear them; the statement wrote only if all of them passed.
  if (!row?.is_member) throw notFound('楼栋群');
  if (row.existing_id) {
    const existing = await messageById(db, row.existing_id);
    if (existing) return { message: existing, created: false };
  }
  if (body.mentionAll && !row.is_staff) throw forbidden('只有网格员和管理员可以 @所有人');
  if (row.muted_until) throw new AppError(403, 'MUTED', '您已被禁言，暂时不能发言', { mutedUntil: new Date(row.muted_until).toISOString() });
  if (limited) throw limited;
  if (!row.image_ok) throw badRequest('VALIDATION_FAILED', '图片不存在，请重新上传', [{ field: 'imageId', in: 'body', message: 'unknown image' }]);
  if (!row.reply_ok) throw badRequest('VALIDATION_FAILED', '回复的消息不存在', [{ field: 'replyToId', in: 'body', message: 'unknown message in this group' }]);
  if (row.id === null) throw new Error('chat post: every check passed but no message was written');
  return { message: toChatMessage(row as MessageRow), created: true };
}

/** A message from the system (delivery arrived, a notice, …) into a building's group, pushed to its members. */
export async function postSystemMessage(db: Database, realtime: Realtime, buildingId: string, text: string): Promise<ChatMessage> {
  const row = await db.transaction((tx) => appendMessage(tx, buildingId, { senderId: null, kind: 'system', text: text.slice(0, 2000) }));
  const message = (await messageById(db, row!.id))!;
  await realtime.publishToBuildingGroup(buildingId, { type: 'message', message }, message.seq);
  return message;
}

export async function recallMessage(db: Database, realtime: Realtime, actor: Actor, groupId: string, messageId: string): Promise<ChatMessage> {
  const access = await accessToGroup(db, actor, groupId);
  const [message] = await db
    .select({ senderId: chatMessages.senderId, createdAt: chatMessages.createdAt, recalledAt: chatMessages.recalledAt })
    .from(chatMessages)
    .where(and(eq(chatMessages.id, messageId), eq(chatMessages.groupId, groupId)));
  if (!message) throw notFound('消息');
  const isSender = message.senderId === actor.userId;
  if (!isSender && !access.isStaff) throw forbidden('只能撤回自己发送的消息');
  if (!message.recalledAt) {
    if (!canRecall({ isSender, isStaff: access.isStaff, sentAt: message.createdAt })) {
      throw new AppError(409, 'RECALL_WINDOW_PASSED', '发送超过 2 分钟的消息不能撤回');
    }
    // The window is checked again in SQL against the database clock, and the content is erased, not hidden.
    const windowOk = access.isStaff ? sql`true` : sql`${chatMessages.createdAt} > now() - interval '2 minutes'`;
    const [recalled] = await db
      .update(chatMessages)
      .set({ recalledAt: sql`now()`, recalledBy: actor.userId, text: null, mentions: [], mentionAll: false })
      .where(and(eq(chatMessages.id, messageId), sql`${chatMessages.recalledAt} IS NULL`, windowOk))
      .returning({ seq: chatMessages.seq });
    if (recalled) await realtime.publishToBuildingGroup(groupId, { type: 'recall', groupId, messageId, seq: recalled.seq });
    else if (!access.isStaff) {
      const [again] = await db.select({ recalledAt: chatMessages.recalledAt }).from(chatMessages).where(eq(chatMessages.id, messageId));
      if (!again?.recalledAt) throw new AppError(409, 'RECALL_WINDOW_PASSED', '发送超过 2 分钟的消息不能撤回');
    }
  }
  return (await messageById(db, messageId))!;
}

export async function markRead(db: Database, realtime: Realtime, actor: Actor, groupId: string, seq: number) {
  await accessToGroup(db, actor, groupId);
  const [group] = await db.select({ lastSeq: chatGroups.lastSeq }).from(chatGroups).where(eq(chatGroups.buildingId, groupId));
  const target = Math.min(seq, group?.lastSeq ?? 0);
  // Read marks only move forward, whatever order two devices report in.
  const [mark] = await db
    .insert(chatReadMarks)
    .values({ groupId, userId: actor.userId, readSeq: target })
    .onConflictDoUpdate({
      target: [chatReadMarks.groupId, chatReadMarks.userId],
      set: { readSeq: sql`greatest(${chatReadMarks.readSeq}, excluded.read_seq)`, updatedAt: sql`now()` },
    })
    .returning({ readSeq: chatReadMarks.readSeq });
  const readSeq = mark!.readSeq;
  const [unread] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(chatMessages)
    .where(and(eq(chatMessages.groupId, groupId), gt(chatMessages.seq, readSeq), sql`${chatMessages.senderId} IS DISTINCT FROM ${actor.userId}::uuid`));
  await realtime.publishToUsers([actor.userId], { type: 'read', groupId, seq: readSeq });
  return { groupId, readSeq, unread: Number(unread?.n ?? 0) };
}

export async function muteMember(db: Database, actor: Actor, groupId: string, userId: string, minutes: number) {
  const access = await accessToGroup(db, actor, groupId);
  if (!access.isStaff) throw forbidden('只有网格员和管理员可以禁言');
  const [target] = await db.select({ id: users.id }).from(users).where(eq(users.id, userId));
  if (!target) throw notFound('用户');
  if (minutes === 0) {
    await db.delete(chatMutes).where(and(eq(chatMutes.groupId, groupId), eq(chatMutes.userId, userId)));
    return { groupId, userId, mutedUntil: null };
  }
  const until = new Date(Date.now() + minutes * 60_000);
  await db
    .insert(chatMutes)
    .values({ groupId, userId, mutedUntil: until, mutedBy: actor.userId })
    .onConflictDoUpdate({ target: [chatMutes.groupId, chatMutes.userId], set: { mutedUntil: until, mutedBy: actor.userId } });
  return { groupId, userId, mutedUntil: until.toISOString() };
}
