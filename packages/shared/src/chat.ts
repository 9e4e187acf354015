// Building group chats: message kinds, the REST bodies, the WebSocket event union, and the pure rules both sides apply.
import { z } from 'zod';
import { CallUpEventBody, CallUpStatus } from './volunteers';

export const MessageKind = z.enum(['text', 'image', 'system', 'notice']);
export type MessageKind = z.infer<typeof MessageKind>;

export const messageTextMaxLength = 2000;
/** A sender may recall their own message for this long; staff may recall any message at any time. */
export const recallWindowMs = 2 * 60 * 1000;
export const recalledMessageLabel = '消息已撤回';
export const mentionAllLabel = '@所有人';
/** seq is a PostgreSQL integer: a larger one in a query or body must be refused as input, not fail in the database. */
export const maxSeq = 2_147_483_647;
export const chatImageMaxBytes = 5 * 1024 * 1024;
export const chatImageTypes = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type ChatImageType = (typeof chatImageTypes)[number];

/** The image type named by a file's first bytes (never trust the file name or the declared type). */
export function sniffImageType(head: Uint8Array): ChatImageType | null {
  const at = (i: number) => head[i] ?? -1;
  if (at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return 'image/jpeg';
  if (at(0) === 0x89 && at(1) === 0x50 && at(2) === 0x4e && at(3) === 0x47 && at(4) === 0x0d && at(5) === 0x0a && at(6) === 0x1a && at(7) === 0x0a) return 'image/png';
  const ascii = (from: number, to: number) => String.fromCharCode(...Array.from(head.subarray(from, to)));
  if (head.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  return null;
}

/** May `sender` still recall a message sent at `sentAt`? Staff always may. */
export function canRecall(options: { isSender: boolean; isStaff: boolean; sentAt: Date | string; now?: Date }): boolean {
  if (options.isStaff) return true;
  if (!options.isSender) return false;
  const age = (options.now ?? new Date()).getTime() - new Date(options.sentAt).getTime();
  return age <= recallWindowMs;
}

export const ReplyPreview = z.object({
  id: z.uuid(),
  seq: z.number().int(),
  senderName: z.string().nullable(),
  /** The first characters of the replied-to text; null once it is recalled or when it is not text. */
  text: z.string().nullable(),
  kind: MessageKind,
});
export type ReplyPreview = z.infer<typeof ReplyPreview>;

export const NoticePriority = z.enum(['normal', 'urgent']);
export type NoticePriority = z.infer<typeof NoticePriority>;

export const NoticeCard = z.object({
  id: z.uuid(),
  title: z.string(),
  body: z.string(),
  priority: NoticePriority,
  requiresAck: z.boolean(),
});
export type NoticeCard = z.infer<typeof NoticeCard>;

export const ChatMessage = z.object({
  id: z.uuid(),
  groupId: z.uuid(),
  seq: z.number().int().min(1),
  senderId: z.uuid().nullable(),
  senderName: z.string().nullable(),
  senderIsStaff: z.boolean(),
  kind: MessageKind,
  /** null when recalled, or for an image without caption. */
  text: z.string().nullable(),
  imageId: z.uuid().nullable(),
  replyTo: ReplyPreview.nullable(),
  mentions: z.array(z.uuid()),
  mentionAll: z.boolean(),
  notice: NoticeCard.nullable(),
  clientId: z.string().nullable(),
  recalled: z.boolean(),
  createdAt: z.string(),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

export const ChatGroup = z.object({
  /** A building's group has the building's id. */
  id: z.uuid(),
  buildingId: z.uuid(),
  name: z.string(),
  lastSeq: z.number().int().min(0),
  readSeq: z.number().int().min(0),
  unread: z.number().int().min(0),
  lastMessage: ChatMessage.nullable(),
});
export type ChatGroup = z.infer<typeof ChatGroup>;
export const ChatGroupList = z.object({ items: z.array(ChatGroup), nextCursor: z.string().nullable() });

export const PinnedNotice = NoticeCard.extend({ createdAt: z.string(), expiresAt: z.string().nullable() });
export const ChatGroupDetail = ChatGroup.extend({
  /** Urgent notices the caller's household has not acknowledged yet (staff: all live urgent ones); shown on top. */
  pinnedNotices: z.array(PinnedNotice),
  isStaff: z.boolean(),
  mutedUntil: z.string().nullable(),
});
export type ChatGroupDetail = z.infer<typeof ChatGroupDetail>;

export const ChatMember = z.object({ userId: z.uuid(), displayName: z.string(), isStaff: z.boolean(), label: z.string() });
export type ChatMember = z.infer<typeof ChatMember>;
export const ChatMemberList = z.object({ items: z.array(ChatMember), nextCursor: z.string().nullable() });

export const ChatParams = z.object({ id: z.uuid({ message: '不是有效的群编号' }) });
export const ChatMessageParams = z.object({ id: z.uuid(), messageId: z.uuid() });
export const ChatImageParams = z.object({ id: z.uuid(), imageId: z.uuid() });

export const MessageListQuery = z
  .object({
    after: z.coerce.number().int().min(0).max(maxSeq).optional(),
    before: z.coerce.number().int().min(1).max(maxSeq).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
  })
  .refine((q) => q.after === undefined || q.before === undefined, { message: 'use after or before, not both', path: ['before'] });
export const MessageList = z.object({
  items: z.array(ChatMessage),
  /** True when more messages lie beyond this page in the direction asked. */
  hasMore: z.boolean(),
  nextCursor: z.string().nullable(),
});
export type MessageList = z.infer<typeof MessageList>;

export const ClientId = z.string().trim().min(1).max(64).regex(/^[\w.:-]+$/, { message: '只能含字母、数字和 _ . : -' });

export const PostMessageBody = z
  .object({
    clientId: ClientId,
    kind: z.enum(['text', 'image']).default('text'),
    text: z.string().trim().max(messageTextMaxLength, { message: `消息最长 ${messageTextMaxLength} 字` }).optional(),
    imageId: z.uuid().optional(),
    replyToId: z.uuid().optional(),
    mentions: z.array(z.uuid()).max(50).default([]),
    mentionAll: z.boolean().default(false),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.kind === 'text' && !b.text) ctx.addIssue({ code: 'custom', path: ['text'], message: '消息不能为空' });
    if (b.kind === 'image' && !b.imageId) ctx.addIssue({ code: 'custom', path: ['imageId'], message: '图片消息需要 imageId' });
    if (b.kind === 'text' && b.imageId) ctx.addIssue({ code: 'custom', path: ['imageId'], message: '文字消息不能带 imageId' });
  });
export type PostMessageBody = z.infer<typeof PostMessageBody>;

export const ReadMarkBody = z.object({ seq: z.number().int().min(0).max(maxSeq) }).strict();
export const ReadMark = z.object({ groupId: z.uuid(), readSeq: z.number().int().min(0), unread: z.number().int().min(0) });

export const MuteBody = z.object({ userId: z.uuid(), minutes: z.number().int().min(0).max(7 * 24 * 60) }).strict();
export const Mute = z.object({ groupId: z.uuid(), userId: z.uuid(), mutedUntil: z.string().nullable() });

export const ChatImage = z.object({ id: z.uuid(), groupId: z.uuid(), contentType: z.enum(chatImageTypes), size: z.number().int() });
export type ChatImage = z.infer<typeof ChatImage>;

export const WsQuery = z.object({ token: z.string().max(4096).optional() });

// The WebSocket: events the server pushes, and frames a client may send.
export const ResumeFrame = z
  .object({ type: z.literal('resume'), after: z.record(z.uuid(), z.number().int().min(0).max(maxSeq)) })
  .strict();
export const ClientFrame = z.discriminatedUnion('type', [ResumeFrame, z.object({ type: z.literal('ping') }).strict()]);
export type ClientFrame = z.infer<typeof ClientFrame>;

export const NoticeEventBody = NoticeCard.extend({ buildingIds: z.array(z.uuid()), createdAt: z.string() });
export const FollowUpEventKind = z.enum([
  'alert.opened', 'alert.acknowledged', 'alert.resolved',
  'help_request.opened', 'help_request.acknowledged', 'help_request.resolved',
]);
export type FollowUpEventKind = z.infer<typeof FollowUpEventKind>;

export const RealtimeEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('message'), message: ChatMessage }),
  z.object({ type: z.literal('recall'), groupId: z.uuid(), messageId: z.uuid(), seq: z.number().int() }),
  z.object({ type: z.literal('read'), groupId: z.uuid(), seq: z.number().int() }),
  z.object({ type: z.literal('notice'), notice: NoticeEventBody }),
  z.object({ type: z.literal('notice.ack'), noticeId: z.uuid(), householdId: z.uuid() }),
  /** Sent once a resume has been replayed: what follows is live. */
  z.object({ type: z.literal('resumed'), lastSeq: z.record(z.uuid(), z.number().int()) }),
  z.object({ type: z.literal('pong') }),
  /** To the grid's staff: an alert or help request was opened or moved; the client reloads what it may see. */
  z.object({ type: z.literal('follow_up'), kind: FollowUpEventKind, objectId: z.uuid() }),
  /** To the community's staff: a reserve item fell to or below its low-stock threshold. */
  z.object({ type: z.literal('reserve.low_stock'), itemId: z.uuid(), name: z.string(), unit: z.string(), stock: z.number().int(), lowStockThreshold: z.number().int() }),
  /** To the grid's staff: a delivery order was locked after too many wrong handover codes. */
  z.object({ type: z.literal('task.order_locked'), taskId: z.uuid(), orderId: z.uuid(), buildingName: z.string(), unit: z.string(), room: z.string() }),
  /** To a volunteer: their claim passed its deadline without a handover and the task went back to the hall. */
  z.object({ type: z.literal('task.claim_expired'), taskId: z.uuid() }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
  /** To each volunteer a call-up (一键召集) matched: what, where, when; they answer over REST. */
  z.object({ type: z.literal('call_up'), callUp: CallUpEventBody }),
  /** To the community's staff: a called volunteer answered (the call may have closed as filled); the client reloads. */
  z.object({ type: z.literal('call_up.answered'), callUpId: z.uuid(), status: CallUpStatus }),
]);
export type RealtimeEvent = z.infer<typeof RealtimeEvent>;

/** WebSocket close codes the server uses, with the reason text it sends. */
export const wsCloseCodes = {
  unauthenticated: 4001,
  slowConsumer: 4008,
  serverShutdown: 1001,
} as const;
