// Volunteer stats for the community's staff, and the thank-you board (感谢榜): staff publish a snapshot of the counts,
// every building chat of the community hears of it, every member of the community reads it.
import {
  ErrorBody, IdParams, PublishThankYouPostBody, resolveStatsPeriod, sumTasksByKind, thankYouChatText, ThankYouPost, ThankYouPostList,
  VolunteerStats, VolunteerStatsQuery,
} from '@linli/shared';
import { and, desc, eq, inArray, isNull } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Actor } from '../../authorization/policy';
import { buildings, thankYouPosts } from '../../db/schema';
import { badRequest, conflict, forbidden, notFound } from '../../errors';
import { managedCommunityIds } from '../volunteers/service';
import { volunteerStats } from './queries';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

function staffCommunity(actor: Actor, requested: string | undefined, where: 'query' | 'body'): string {
  const managed = managedCommunityIds(actor);
  if (requested) {
    if (!managed.includes(requested)) throw forbidden('仅本社区工作人员可以操作');
    return requested;
  }
  if (managed.length === 0) throw forbidden('仅社区工作人员可以查看志愿者统计');
  if (managed.length > 1) throw badRequest('VALIDATION_FAILED', '你管理多个社区，请选择社区', [{ field: 'communityId', in: where, message: '请选择社区' }]);
  return managed[0]!;
}

/** Communities the actor belongs to in any way: a role there or a bound household. */
function memberCommunityIds(actor: Actor): string[] {
  return [...new Set([...actor.roles.map((r) => r.communityId), ...actor.households.map((h) => h.communityId)])];
}

type PostRow = typeof thankYouPosts.$inferSelect;
const present = (p: PostRow): ThankYouPost => ({
  id: p.id,
  communityId: p.communityId,
  title: p.title,
  message: p.message,
  from: p.periodFrom,
  to: p.periodTo,
  entries: p.entries,
  publishedAt: p.publishedAt.toISOString(),
  hiddenAt: p.hiddenAt?.toISOString() ?? null,
});

export const volunteerThanksModule: FastifyPluginAsyncZod<{ now?: () => Date }> = async (app, opts) => {
  app.addHook('onRequest', app.authenticate);
  const now = opts.now ?? (() => new Date());

  app.get('/volunteer-stats', {
    schema: {
      tags: ['volunteers'],
      summary: 'Tasks completed (by kind) and orders handed over per volunteer per Asia/Shanghai day (staff; default the last 7 days, at most 31)',
      querystring: VolunteerStatsQuery,
      response: { 200: VolunteerStats, ...errors },
    },
  }, async (request) => {
    const communityId = staffCommunity(request.actor, request.query.communityId, 'query');
    const { from, to } = resolveStatsPeriod(request.query, now());
    return { communityId, from, to, volunteers: await volunteerStats(app.db, communityId, from, to) };
  });

  app.post('/thank-you-posts', {
    schema: {
      tags: ['volunteers'],
      summary: "Publish a thank-you board for a period: the volunteers' names and counts are frozen, every building chat gets a system message",
      body: PublishThankYouPostBody,
      response: { 201: ThankYouPost, ...errors },
    },
  }, async (request, reply) => {
    const { title, message, from, to } = request.body;
    const communityId = staffCommunity(request.actor, request.body.communityId, 'body');
    const counted = await volunteerStats(app.db, communityId, from, to);
    if (counted.length === 0) throw conflict('NOTHING_TO_THANK', '该时段还没有志愿者完成任务，换个时段再发布吧');
    const entries = counted.map((v) => ({ displayName: v.displayName, tasksCompleted: sumTasksByKind(v.totals.tasksCompleted), ordersHandedOver: v.totals.ordersHandedOver }));
    const [post] = await app.db
      .insert(thankYouPosts)
      .values({ communityId, title, message, periodFrom: from, periodTo: to, entries, publishedBy: request.actor.userId })
      .returning();
    const text = thankYouChatText({ title, from, to, entries });
    const targets = await app.db.select({ id: buildings.id }).from(buildings).where(eq(buildings.communityId, communityId));
    for (const b of targets) {
      await app.chats.postSystemMessage(b.id, text).catch((err: unknown) => app.log.error({ err, buildingId: b.id }, 'could not announce the thank-you board in a building chat; the board is published anyway'));
    }
    return reply.status(201).send(present(post!));
  });

  app.get('/thank-you-posts', {
    schema: {
      tags: ['volunteers'],
      summary: "Thank-you boards of the caller's communities, newest first (any member; staff also see unpublished ones)",
      response: { 200: ThankYouPostList, ...errors },
    },
  }, async (request) => {
    const communities = memberCommunityIds(request.actor);
    if (communities.length === 0) return { items: [] };
    const managed = managedCommunityIds(request.actor);
    const rows = await app.db
      .select()
      .from(thankYouPosts)
      .where(inArray(thankYouPosts.communityId, communities))
      .orderBy(desc(thankYouPosts.publishedAt))
      .limit(50);
    return { items: rows.filter((p) => p.hiddenAt === null || managed.includes(p.communityId)).map(present) };
  });

  app.post('/thank-you-posts/:id/hide', {
    schema: { tags: ['volunteers'], summary: 'Unpublish a thank-you board (staff of its community); residents no longer see it', params: IdParams, response: { 200: ThankYouPost, ...errors } },
  }, async (request) => {
    const [post] = await app.db.select().from(thankYouPosts).where(eq(thankYouPosts.id, request.params.id));
    if (!post || !managedCommunityIds(request.actor).includes(post.communityId)) throw notFound('感谢榜');
    const [hidden] = await app.db
      .update(thankYouPosts)
      .set({ hiddenAt: now(), hiddenBy: request.actor.userId })
      .where(and(eq(thankYouPosts.id, post.id), isNull(thankYouPosts.hiddenAt)))
      .returning();
    return present(hidden ?? post);
  });
};
