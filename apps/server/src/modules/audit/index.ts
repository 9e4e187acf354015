// GET /audit: the admin's view of who read what.
import { AuditList, AuditQuery, ErrorBody } from '@linli/shared';
import { and, desc, eq, inArray, lt, or, type SQL } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { auditLog, users } from '../../db/schema';
import { forbidden } from '../../errors';
import { decodeCursor, encodeCursor } from '../../pagination';

export const auditModule: FastifyPluginAsyncZod = async (app) => {
  app.addHook('onRequest', app.authenticate);

  app.get('/audit', {
    schema: {
      tags: ['audit'],
      summary: 'Audit log of staff reads of phones and health data (admins, their community)',
      querystring: AuditQuery,
      response: { 200: AuditList, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
    },
  }, async (request) => {
    const communityIds = request.actor.roles.filter((r) => r.role === 'admin').map((r) => r.communityId);
    if (communityIds.length === 0) throw forbidden('只有社区管理员可以查看审计日志');
    const { limit, cursor, action, actorId } = request.query;
    const conditions: SQL[] = [inArray(auditLog.communityId, communityIds)];
    if (action) conditions.push(eq(auditLog.action, action));
    if (actorId) conditions.push(eq(auditLog.actorId, actorId));
    const after = decodeCursor(cursor);
    if (after) {
      const at = new Date(after.at);
      conditions.push(or(lt(auditLog.createdAt, at), and(eq(auditLog.createdAt, at), lt(auditLog.id, after.id)))!);
    }
    const rows = await app.db
      .select({ entry: auditLog, actorName: users.displayName })
      .from(auditLog)
      .innerJoin(users, eq(users.id, auditLog.actorId))
      .where(and(...conditions))
      .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
      .limit(limit + 1);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(({ entry, actorName }) => ({
        id: entry.id,
        actorId: entry.actorId,
        actorName,
        action: entry.action,
        subjectType: entry.subjectType,
        subjectId: entry.subjectId,
        details: entry.details,
        createdAt: entry.createdAt.toISOString(),
      })),
      nextCursor: rows.length > limit && last ? encodeCursor({ at: last.entry.createdAt.toISOString(), id: last.entry.id }) : null,
    };
  });
};
