// Notices over REST: write (staff, for buildings or grids in scope), list, acknowledge (once per household), reach stats
// and the CSV of unreached households for phone follow-up (full phones, so the export is audit-logged).
import {
  Ack, AckBody, CreateNoticeBody, ErrorBody, IdParams, Notice, NoticeList, NoticeListQuery, NoticeStats,
} from '@linli/shared';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { WechatSubscribeSender } from '../../adapters/wechat/subscribe';
import { decodeCursor, encodeCursor } from '../../pagination';
import { recordAudit } from '../audit/service';
import { dispatchOutbox } from './outbox';
import {
  acknowledgeNotice, createNotice, getNotice, listNotices, noticeStats, staffBuildingsOfNotice, unreachedHouseholds,
} from './service';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

function csvField(value: string | null): string {
  const v = value ?? '';
  // A leading = + - @ would run as a formula when the grid office opens the file in Excel.
  const safe = /^[=+\-@]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const noticesModule: FastifyPluginAsyncZod<{ subscribeSender: WechatSubscribeSender; outboxIntervalMs?: number }> = async (app, opts) => {
  app.addHook('onRequest', app.authenticate);

  let draining: Promise<void> | null = null;
  const drainOutbox = () => {
    if (draining) return;
    draining = (async () => {
      for (let round = 0; round < 100; round++) {
        const { sent, failed } = await dispatchOutbox(app.db, opts.subscribeSender);
        if (sent + failed === 0) break;
      }
    })()
      .catch((err) => app.log.warn({ err }, 'WeChat outbox dispatch failed; retried later'))
      .finally(() => (draining = null));
  };
  const retry = setInterval(drainOutbox, opts.outboxIntervalMs ?? 60_000);
  retry.unref();
  app.addHook('onClose', async () => {
    clearInterval(retry);
    await draining;
  });

  app.post('/notices', {
    schema: {
      tags: ['notices'],
      summary: 'Write a notice for buildings and/or whole grids in the caller\'s scope: a card in each building chat, a push, a WeChat message',
      body: CreateNoticeBody, response: { 201: Notice, ...errors },
    },
  }, async (request, reply) => {
    const id = await createNotice(app.db, app.realtime, request.actor, request.body, drainOutbox);
    return reply.status(201).send(await getNotice(app.db, request.actor, id));
  });

  app.get('/notices', {
    schema: { tags: ['notices'], summary: "Notices for the caller's buildings, newest first, with acknowledged (resident) or reach (staff)", querystring: NoticeListQuery, response: { 200: NoticeList, ...errors } },
  }, async (request) => {
    const { limit, cursor } = request.query;
    const { items, hasMore } = await listNotices(app.db, request.actor, { limit, before: decodeCursor(cursor) });
    const last = items.at(-1);
    return { items, nextCursor: hasMore && last ? encodeCursor({ at: last.createdAt, id: last.id }) : null };
  });

  app.get('/notices/:id', {
    schema: { tags: ['notices'], summary: 'One notice, if it targets one of the caller\'s buildings', params: IdParams, response: { 200: Notice, ...errors } },
  }, async (request) => getNotice(app.db, request.actor, request.params.id));

  app.post('/notices/:id/ack', {
    schema: { tags: ['notices'], summary: '我已知晓: acknowledge for the caller\'s household(s) in a target building; repeating it changes nothing', params: IdParams, body: AckBody.nullish(), response: { 200: Ack, ...errors } },
  }, async (request) => acknowledgeNotice(app.db, app.realtime, request.actor, request.params.id, request.body?.householdId));

  app.get('/notices/:id/stats', {
    schema: { tags: ['notices'], summary: 'Targeted and acknowledged households per building (caller\'s scope), and the unreached ones with masked phones', params: IdParams, response: { 200: NoticeStats, ...errors } },
  }, async (request) => noticeStats(app.db, request.actor, request.params.id));

  app.get('/notices/:id/unreached.csv', {
    schema: {
      tags: ['notices'], summary: 'Unreached households as UTF-8 CSV with BOM for phone follow-up (full phones; the export is audit-logged)',
      params: IdParams, produces: ['text/csv'], response: { 200: z.string(), ...errors },
    },
  }, async (request, reply) => {
    const { buildingIds, communityId } = await staffBuildingsOfNotice(app.db, request.actor, request.params.id);
    const rows = await unreachedHouseholds(app.db, request.params.id, buildingIds);
    await recordAudit(app.db, {
      actorId: request.actor.userId, communityId, action: 'export.read', subjectType: 'notice', subjectId: request.params.id,
      details: { export: 'notice.unreached', households: rows.length },
    });
    const lines = [['楼栋', '单元', '房号', '联系人', '手机号'].join(','), ...rows.map((r) => [r.buildingName, r.unit, r.room, r.contactName, r.phone].map(csvField).join(','))];
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="unreached-${request.params.id.slice(0, 8)}.csv"`)
      .send(`\uFEFF${lines.join('\r\n')}\r\n`);
  });
};
