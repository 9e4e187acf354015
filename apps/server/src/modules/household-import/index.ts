// POST /households/import (a grid office's CSV roll → households and persons, all or nothing) and its template.
import { ErrorBody, ImportQuery, ImportResult, importTemplateRows } from '@linli/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors';
import { formatCsvRow } from './csv';
import { assertStaff, countImport, importCommunity, planImport, writeImport } from './service';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 413: ErrorBody, 415: ErrorBody };
const csvContentTypes = ['text/csv', 'application/octet-stream', 'application/vnd.ms-excel'];
// A district's roll can be far larger than the 1 MB every other route accepts (5,000 rows ≈ 250 KB).
const importBodyLimit = 5 * 1024 * 1024;

const templateFileName = '住户导入模板.csv';
// Without the byte-order mark Excel on Chinese Windows reads UTF-8 as GBK and shows mojibake.
const utf8Bom = '\uFEFF';

function charsetOf(contentType: string | undefined): string | undefined {
  return contentType ? /;\s*charset="?([\w-]+)"?/i.exec(contentType)?.[1] : undefined;
}

export const householdImportModule: FastifyPluginAsyncZod = async (app) => {
  app.addHook('onRequest', app.authenticate);
  // The file's bytes as they are: the encoding is decided in csv.ts (UTF-8 or GBK), not by the HTTP layer.
  app.addContentTypeParser(csvContentTypes, { parseAs: 'buffer', bodyLimit: importBodyLimit }, (_request, body, done) => done(null, body));

  app.post('/households/import', {
    bodyLimit: importBodyLimit,
    schema: {
      tags: ['households'],
      summary: 'Import the roll CSV (one row per person; UTF-8 with or without BOM, or GBK) as raw bytes with Content-Type text/csv',
      description:
        'Creates missing households and creates or updates persons (matched by household and name) in one transaction. '
        + 'Any bad row → 400 IMPORT_INVALID with details.errors [{line, message}] for every bad line, and nothing is written. '
        + '?dryRun=true validates and counts without writing.',
      consumes: csvContentTypes,
      body: z.any().describe('The CSV file as it was saved, bytes unchanged'),
      querystring: ImportQuery,
      response: { 200: ImportResult, ...errors },
    },
  }, async (request) => {
    const { communityId } = importCommunity(request.actor, request.query.communityId);
    const body: unknown = request.body;
    if (body !== undefined && body !== null && !Buffer.isBuffer(body)) {
      throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', '请以 text/csv 上传 CSV 文件的原始内容');
    }
    const planned = await planImport(app.db, request.actor, communityId, body ?? undefined, charsetOf(request.headers['content-type']));
    return request.query.dryRun
      ? countImport(app.db, planned)
      : writeImport(app.db, planned, { actorId: request.actor.userId, communityId });
  });

  app.get('/households/import/template.csv', {
    schema: {
      tags: ['households'],
      summary: 'The import template: UTF-8 CSV with BOM (Excel opens it with Chinese intact), headers and example rows',
      produces: ['text/csv'],
      response: { 200: z.string().describe('CSV text (text/csv; charset=utf-8), starting with a byte-order mark'), ...errors },
    },
  }, async (request, reply) => {
    assertStaff(request.actor);
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="household-import-template.csv"; filename*=UTF-8''${encodeURIComponent(templateFileName)}`)
      .send(`${utf8Bom}${importTemplateRows.map(formatCsvRow).join('')}`);
  });
};
