// Building group chats over REST: the caller's groups, history pages, posting (idempotent by clientId), read marks,
// recall, mute, members for @mentions, and images served only to members.
import { randomUUID } from 'node:crypto';
import fastifyMultipart from '@fastify/multipart';
import {
  ChatGroupDetail, ChatGroupList, ChatImage, ChatImageParams, ChatMemberList, ChatMessage, ChatMessageParams, ChatParams, chatImageMaxBytes,
  ErrorBody, MessageList, MessageListQuery, Mute, MuteBody, PostMessageBody, ReadMark, ReadMarkBody, sniffImageType,
} from '@linli/shared';
import { and, eq, sql } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { chatImages, chatMessages, chatMutes } from '../../db/schema';
import { AppError, notFound } from '../../errors';
import { pinnedNoticesFor } from '../notices/service';
import type { ImageStore } from './image-store';
import { groupsOf, lastMessages, memberBuildingIds, messagePage } from './queries';
import { groupMembers } from './members';
import { accessToGroup, markRead, muteMember, postMessage, recallMessage } from './service';
import { askSendBudget, inProcessSendRateLimiter, redisSendRateLimiter, type SendBudget } from './send-limit';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 413: ErrorBody, 415: ErrorBody, 429: ErrorBody };

declare module 'fastify' {
  interface FastifyRequest {
    /** On a chat post: the send taken from the caller's budget, or the 429 to answer with. */
    sendBudget: Promise<SendBudget> | null;
  }
}

export interface ChatsModuleOptions {
  imageStore: ImageStore;
  sendLimit: { max: number; windowMs: number };
}

export const chatsModule: FastifyPluginAsyncZod<ChatsModuleOptions> = async (app, opts) => {
  await app.register(postingModule, opts);
  await app.register(groupsModule, opts);
};

/**
 * POST /chats/:id/messages, the hot path of a chat: the caller's id comes from the access token and the post's own
 * first statement reads the caller's roles and households with everything else it checks, so no separate Actor load.
 */
const postingModule: FastifyPluginAsyncZod<ChatsModuleOptions> = async (app, opts) => {
  app.addHook('onRequest', app.identifyCaller);
  const { max, windowMs } = opts.sendLimit;
  const sendRate = app.redis ? redisSendRateLimiter(app.redis, max, windowMs, app.log) : inProcessSendRateLimiter(max, windowMs);
  // The send is taken from the budget as soon as the caller is known, so the answer (a Redis round trip with
  // REDIS_URL) comes back while the body is read and validated rather than after; a post that creates no message,
  // also one refused before its handler ran (bad input), gives it back.
  app.decorateRequest('sendBudget', null);
  app.addHook('onRequest', async (request) => {
    request.sendBudget = askSendBudget(sendRate, request.callerId);
  });
  app.addHook('onResponse', async (request) => {
    await (await request.sendBudget)?.reservation?.release();
  });

  app.post('/chats/:id/messages', {
    // The answer is one message (~0.6 KB): gzip would save no round trip and cost CPU on both ends.
    compress: false,
    schema: {
      tags: ['chats'],
      summary: 'Post a message; re-sending the same clientId returns the first message (200) instead of a new one (201)',
      params: ChatParams, body: PostMessageBody, response: { 200: ChatMessage, 201: ChatMessage, ...errors },
    },
  }, async (request, reply) => {
    const { message, created } = await postMessage({ db: app.db, realtime: app.realtime, sendRate }, request.callerId, request.params.id, request.body, request.sendBudget!);
    return reply.status(created ? 201 : 200).send(message);
  });
};

/**
 * Why an upload's body could not be read, as the caller should hear it: too large, a limit of the form, or a body
 * that is not the multipart form it says it is (no boundary, cut short, a malformed part), which the parser throws
 * as a plain Error: the caller's bytes, never a server fault.
 */
function uploadRefusal(err: unknown): unknown {
  if (err instanceof AppError) return err;
  const { code, statusCode } = err as { code?: string; statusCode?: number };
  if (code === 'FST_REQ_FILE_TOO_LARGE') return new AppError(413, 'PAYLOAD_TOO_LARGE', '图片不能超过 5 MB');
  // Too many parts before the file (the form's limits): its own words, not the JSON body's "上限 1 MB".
  if (code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT' || code === 'FST_FILES_LIMIT') {
    return new AppError(413, 'PAYLOAD_TOO_LARGE', '表单内容过多：每次只上传一张图片（字段名 file）', { reason: code });
  }
  if (statusCode && statusCode >= 400 && statusCode < 500) return err;
  return new AppError(400, 'MALFORMED_MULTIPART', '上传的内容不完整或格式有误，请重新选择图片上传', { reason: (err as Error).message });
}

/** Everything else: groups, pages, read marks, recall, mutes, members, images. */
const groupsModule: FastifyPluginAsyncZod<ChatsModuleOptions> = async (app, opts) => {
  app.addHook('onRequest', app.authenticate);
  await app.register(fastifyMultipart, { limits: { fileSize: chatImageMaxBytes, files: 1, fields: 5, parts: 6 } });

  app.get('/chats', {
    schema: { tags: ['chats'], summary: "The caller's building groups with last message and unread count", response: { 200: ChatGroupList, ...errors } },
  }, async (request) => {
    const rows = await groupsOf(app.db, request.actor.userId, await memberBuildingIds(app.db, request.actor));
    const last = await lastMessages(app.db, rows);
    return {
      items: rows.map((g) => ({
        id: g.building_id, buildingId: g.building_id, name: `${g.name}群`, lastSeq: g.last_seq, readSeq: g.read_seq, unread: g.unread,
        lastMessage: last.get(g.building_id) ?? null,
      })),
      nextCursor: null,
    };
  });

  app.get('/chats/:id', {
    schema: { tags: ['chats'], summary: 'One group: counters, pinned urgent notices, whether the caller is staff or muted', params: ChatParams, response: { 200: ChatGroupDetail, ...errors } },
  }, async (request) => {
    const { id } = request.params;
    const access = await accessToGroup(app.db, request.actor, id);
    const [g] = await groupsOf(app.db, request.actor.userId, [id]);
    const last = await lastMessages(app.db, [g!]);
    const [mute] = await app.db
      .select({ until: chatMutes.mutedUntil })
      .from(chatMutes)
      .where(and(eq(chatMutes.groupId, id), eq(chatMutes.userId, request.actor.userId), sql`${chatMutes.mutedUntil} > now()`));
    return {
      id, buildingId: id, name: `${g!.name}群`, lastSeq: g!.last_seq, readSeq: g!.read_seq, unread: g!.unread,
      lastMessage: last.get(id) ?? null,
      pinnedNotices: await pinnedNoticesFor(app.db, request.actor, id, access.isStaff),
      isStaff: access.isStaff,
      mutedUntil: mute ? mute.until.toISOString() : null,
    };
  });

  app.get('/chats/:id/messages', {
    schema: {
      tags: ['chats'],
      summary: 'Messages ascending by seq: ?after=seq (newer), ?before=seq (older page), neither = the latest page',
      params: ChatParams, querystring: MessageListQuery, response: { 200: MessageList, ...errors },
    },
  }, async (request) => {
    const { id } = request.params;
    const { after, before, limit } = request.query;
    await accessToGroup(app.db, request.actor, id);
    let items = await messagePage(app.db, { groupId: id, after, before, limit: limit + 1 });
    const hasMore = items.length > limit;
    if (hasMore) items = after !== undefined ? items.slice(0, limit) : items.slice(1);
    return { items, hasMore, nextCursor: null };
  });

  app.post('/chats/:id/read', {
    schema: { tags: ['chats'], summary: 'Move the read mark forward to seq', params: ChatParams, body: ReadMarkBody, response: { 200: ReadMark, ...errors } },
  }, async (request) => markRead(app.db, app.realtime, request.actor, request.params.id, request.body.seq));

  app.delete('/chats/:id/messages/:messageId', {
    schema: {
      tags: ['chats'], summary: 'Recall: the sender within 2 minutes, staff at any time; everyone then sees 消息已撤回',
      params: ChatMessageParams, response: { 200: ChatMessage, ...errors },
    },
  }, async (request) => recallMessage(app.db, app.realtime, request.actor, request.params.id, request.params.messageId));

  app.post('/chats/:id/mutes', {
    schema: { tags: ['chats'], summary: 'Mute a member for some minutes (0 lifts it); staff of the building', params: ChatParams, body: MuteBody, response: { 200: Mute, ...errors } },
  }, async (request) => muteMember(app.db, request.actor, request.params.id, request.body.userId, request.body.minutes));

  app.get('/chats/:id/members', {
    schema: { tags: ['chats'], summary: 'Members of the group, for the @mention picker', params: ChatParams, response: { 200: ChatMemberList, ...errors } },
  }, async (request) => {
    const access = await accessToGroup(app.db, request.actor, request.params.id);
    return { items: await groupMembers(app.db, access.scope), nextCursor: null };
  });

  app.post('/chats/:id/images', {
    schema: {
      tags: ['chats'],
      summary: 'Upload an image (multipart field "file"; jpeg, png or webp, at most 5 MB); then post it with kind "image"',
      params: ChatParams, consumes: ['multipart/form-data'], response: { 201: ChatImage, ...errors },
    },
  }, async (request, reply) => {
    const { id } = request.params;
    await accessToGroup(app.db, request.actor, id);
    if (!request.isMultipart()) throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', '请以 multipart/form-data 上传图片（字段名 file）');
    let bytes: Buffer;
    try {
      const file = await request.file();
      if (!file) throw new AppError(400, 'VALIDATION_FAILED', '没有收到图片文件', [{ field: 'file', in: 'body', message: 'missing file' }]);
      bytes = await file.toBuffer();
    } catch (err) {
      throw uploadRefusal(err);
    }
    const contentType = sniffImageType(bytes.subarray(0, 16));
    if (!contentType) throw new AppError(415, 'UNSUPPORTED_IMAGE', '只支持 JPEG、PNG 或 WebP 图片');
    const imageId = randomUUID();
    const storageKey = `chat-images/${id}/${imageId}`;
    await opts.imageStore.put(storageKey, bytes);
    await app.db.insert(chatImages).values({ id: imageId, groupId: id, uploaderId: request.actor.userId, contentType, size: bytes.length, storageKey });
    return reply.status(201).send({ id: imageId, groupId: id, contentType, size: bytes.length });
  });

  app.get('/chats/:id/images/:imageId', {
    schema: { tags: ['chats'], summary: 'An image of the group, to members only (not once its message is recalled)', params: ChatImageParams },
  }, async (request, reply) => {
    const { id, imageId } = request.params;
    await accessToGroup(app.db, request.actor, id);
    const [image] = await app.db
      .select({ contentType: chatImages.contentType, storageKey: chatImages.storageKey })
      .from(chatImages)
      .where(and(eq(chatImages.id, imageId), eq(chatImages.groupId, id)));
    const [recalled] = await app.db
      .select({ id: chatMessages.id })
      .from(chatMessages)
      .where(and(eq(chatMessages.imageId, imageId), sql`${chatMessages.recalledAt} IS NOT NULL`));
    const bytes = image && !recalled ? await opts.imageStore.get(image.storageKey) : null;
    if (!image || !bytes) throw notFound('图片');
    return reply
      .header('content-type', image.contentType)
      .header('cache-control', 'private, max-age=86400')
      .header('x-content-type-options', 'nosniff')
      .send(bytes);
  });
};
