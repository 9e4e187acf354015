// Emergency reserves: items and stock, the ledger (received / issued / lost-expired), building distributions, CSV export.
import {
  CreateReserveItemBody, DistributionBody, DistributionResult, ErrorBody, IdParams, LedgerEntry, LedgerEntryBody, LedgerEntryList,
  LedgerExportQuery, LedgerQuery, ReserveItem, ReserveItemList, ReserveItemListQuery, CommunityQuery, formatShanghaiDateTime,
  ledgerCsvHeader, ledgerEntryKindLabels, UpdateReserveItemBody,
} from '@linli/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { communityOfRequest, isCommunityStaff } from '../../authorization/community';
import { AppError } from '../../errors';
import { decodeCursor, encodeCursor } from '../../pagination';
import { recordAudit } from '../audit/service';
import { formatCsvRow } from '../household-import/csv';
import { listItems, listLedger } from './queries';
import { createItem, distribute, itemInScope, recordEntry, updateItem, type LowStockListener } from './service';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
// Without the byte-order mark Excel on Chinese Windows reads UTF-8 as GBK and shows mojibake.
const utf8Bom = '\uFEFF';
const exportRowLimit = 100_000;

export interface ReservesOptions {
  /** Called after a change leaves an item at or below its low-stock threshold; wire the realtime push here. */
  onLowStock?: LowStockListener;
}

export const reservesModule: FastifyPluginAsyncZod<ReservesOptions> = async (app, opts) => {
  app.addHook('onRequest', app.authenticate);

  function staffCommunity(actor: Parameters<typeof isCommunityStaff>[0], requested: string | undefined) {
    const communityId = communityOfRequest(actor, requested);
    if (!isCommunityStaff(actor, communityId)) throw new AppError(403, 'FORBIDDEN', '只有社区工作人员可以管理物资储备');
    return communityId;
  }

  app.get('/reserve-items', {
    schema: { tags: ['reserves'], summary: 'Reserve items with stock and a low-stock flag (staff of the community); ?lowOnly=true for the alert list', querystring: ReserveItemListQuery, response: { 200: ReserveItemList, ...errors } },
  }, async (request) => {
    const communityId = staffCommunity(request.actor, request.query.communityId);
    return { items: await listItems(app.db, communityId, request.query.lowOnly ?? false), nextCursor: null };
  });

  app.post('/reserve-items', {
    schema: { tags: ['reserves'], summary: 'Add a reserve item (stock starts at 0; receive stock with a ledger entry)', querystring: CommunityQuery, body: CreateReserveItemBody, response: { 201: ReserveItem, ...errors } },
  }, async (request, reply) => {
    const communityId = staffCommunity(request.actor, request.query.communityId);
    return reply.status(201).send(await createItem(app.db, request.actor, communityId, request.body));
  });

  app.patch('/reserve-items/:id', {
    schema: { tags: ['reserves'], summary: 'Rename an item, change its unit or low-stock threshold (stock moves only through the ledger)', params: IdParams, body: UpdateReserveItemBody, response: { 200: ReserveItem, ...errors } },
  }, async (request) => updateItem(app.db, request.actor, request.params.id, request.body));

  app.get('/reserve-items/:id/entries', {
    schema: { tags: ['reserves'], summary: "An item's ledger, newest first", params: IdParams, querystring: LedgerQuery, response: { 200: LedgerEntryList, ...errors } },
  }, async (request) => {
    const item = await itemInScope(app.db, request.actor, request.params.id);
    const { limit, cursor } = request.query;
    const rows = await listLedger(app.db, { communityId: item.communityId, itemId: item.id }, { limit: limit + 1, after: decodeCursor(cursor) });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return { items: page, nextCursor: rows.length > limit && last ? encodeCursor({ at: last.createdAt, id: last.id }) : null };
  });

  app.post('/reserve-items/:id/entries', {
    schema: {
      tags: ['reserves'],
      summary: 'Record a change: received, issued (to a household or a volunteer) or lost/expired; 409 INSUFFICIENT_STOCK rather than going below zero',
      params: IdParams,
      body: LedgerEntryBody,
      response: { 201: LedgerEntry, ...errors },
    },
  }, async (request, reply) => {
    const id = await recordEntry(app.db, request.actor, request.params.id, request.body, opts.onLowStock);
    const item = await itemInScope(app.db, request.actor, request.params.id);
    const [entry] = await listLedger(app.db, { communityId: item.communityId, ids: [id] }, { limit: 1, after: null });
    return reply.status(201).send(entry!);
  });

  app.post('/reserve-items/:id/distributions', {
    schema: {
      tags: ['reserves'],
      summary: 'Issue N per household or per person to every household of a building: one ledger entry each, all or nothing',
      params: IdParams,
      body: DistributionBody,
      response: { 201: DistributionResult, ...errors },
    },
  }, async (request, reply) => reply.status(201).send(await distribute(app.db, request.actor, request.params.id, request.body, opts.onLowStock)));

  app.get('/reserve-ledger.csv', {
    schema: {
      tags: ['reserves'],
      summary: 'The ledger as CSV (UTF-8 with BOM, opens in Excel), oldest first; ?itemId= for one item',
      querystring: LedgerExportQuery,
      produces: ['text/csv'],
      response: { 200: z.string().describe('CSV text starting with a byte-order mark'), ...errors },
    },
  }, async (request, reply) => {
    const communityId = staffCommunity(request.actor, request.query.communityId);
    if (request.query.itemId) {
      const item = await itemInScope(app.db, request.actor, request.query.itemId);
      if (item.communityId !== communityId) throw new AppError(404, 'NOT_FOUND', '物资不存在或无权查看');
    }
    const rows = await listLedger(app.db, { communityId, itemId: request.query.itemId }, { limit: exportRowLimit, after: null, ascending: true });
    await recordAudit(app.db, {
      actorId: request.actor.userId,
      communityId,
      action: 'export.read',
      subjectType: 'reserve_ledger',
      subjectId: request.query.itemId ?? communityId,
      details: { rows: rows.length },
    });
    const lines = rows.map((e) => formatCsvRow([
      formatShanghaiDateTime(e.createdAt),
      e.itemName,
      ledgerEntryKindLabels[e.kind],
      String(e.kind === 'received' ? e.quantity : -e.quantity),
      e.unit,
      String(e.balanceAfter),
      e.householdLabel ?? '',
      e.volunteerName ?? '',
      e.reason,
      e.recordedByName,
    ]));
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="reserve-ledger.csv"; filename*=UTF-8''${encodeURIComponent('物资台账.csv')}`)
      .send(`${utf8Bom}${formatCsvRow([...ledgerCsvHeader])}${lines.join('')}`);
  });
};
