// GET /group-buys (everyone in the community; drafts for its staff), create / edit / publish / close (staff).
import {
  CreateGroupBuyBody, ErrorBody, GroupBuy, GroupBuyList, GroupBuyListQuery, IdParams, UpdateGroupBuyBody, type GroupBuyState,
} from '@linli/shared';
import { and, eq, inArray, isNotNull, or } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Actor } from '../../../authorization/policy';
import type { DbOrTx } from '../../../db/client';
import { groupBuys } from '../../../db/schema';
import { notFound } from '../../../errors';
import { communitiesOfActor, managedCommunities } from '../community-scope';
import type { PublishedItems } from '../orders/published-items';
import type { SoldOutGate } from '../sold-out-gate';
import { loadGroupBuys } from './queries';
import { closeGroupBuy, createGroupBuy, publishGroupBuy, updateGroupBuy } from './service';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const stateOrder: Record<GroupBuyState, number> = { open: 0, upcoming: 1, draft: 2, closed: 3 };

/** Group buys the actor may see: published ones of their communities, drafts of communities they manage. */
function visibleTo(actor: Actor) {
  const communities = communitiesOfActor(actor);
  if (communities.length === 0) return null;
  const managed = managedCommunities(actor);
  const published = and(inArray(groupBuys.communityId, communities), isNotNull(groupBuys.publishedAt))!;
  return managed.length ? or(published, inArray(groupBuys.communityId, managed))! : published;
}

export async function visibleGroupBuy(db: DbOrTx, actor: Actor, id: string) {
  const where = visibleTo(actor);
  const [found] = where ? await loadGroupBuys(db, and(where, eq(groupBuys.id, id)), 1) : [];
  if (!found) throw notFound('团购');
  return found;
}

export function groupBuysModule(gate: SoldOutGate, published: PublishedItems): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('onRequest', app.authenticate);

    app.get('/group-buys', {
      schema: {
        tags: ['supplies'],
        summary: 'Group buys of the caller\'s community with live remaining stock and the server clock for countdowns',
        querystring: GroupBuyListQuery,
        response: { 200: GroupBuyList, ...errors },
      },
    }, async (request) => {
      const serverNow = new Date().toISOString();
      const where = visibleTo(request.actor);
      if (!where) return { items: [], nextCursor: null, serverNow };
      const all = await loadGroupBuys(app.db, where);
      const items = all
        .filter((g) => !request.query.state || g.state === request.query.state)
        .sort((a, b) => stateOrder[a.state] - stateOrder[b.state] || (a.state === 'closed' ? b.closesAt.localeCompare(a.closesAt) : a.opensAt.localeCompare(b.opensAt)))
        .slice(0, request.query.limit);
      return { items, nextCursor: null, serverNow };
    });

    app.get('/group-buys/:id', {
      schema: { tags: ['supplies'], summary: 'One group buy with live remaining stock', params: IdParams, response: { 200: GroupBuy, ...errors } },
    }, async (request) => visibleGroupBuy(app.db, request.actor, request.params.id));

    app.post('/group-buys', {
      schema: { tags: ['supplies'], summary: 'Create a group buy, as a draft or published (staff of the community)', body: CreateGroupBuyBody, response: { 201: GroupBuy, ...errors } },
    }, async (request, reply) => {
      const id = await createGroupBuy(app.db, request.actor, request.body);
      return reply.status(201).send(await visibleGroupBuy(app.db, request.actor, id));
    });

    app.patch('/group-buys/:id', {
      schema: {
        tags: ['supplies'],
        summary: 'Edit a group buy: everything while a draft; once published, texts, closing time and added stock',
        params: IdParams,
        body: UpdateGroupBuyBody,
        response: { 200: GroupBuy, ...errors },
      },
    }, async (request) => {
      await updateGroupBuy(app.db, request.actor, request.params.id, request.body, gate);
      published.forget(request.params.id);
      return visibleGroupBuy(app.db, request.actor, request.params.id);
    });

    app.post('/group-buys/:id/publish', {
      schema: { tags: ['supplies'], summary: 'Publish a draft: residents see it, it opens at opensAt', params: IdParams, response: { 200: GroupBuy, ...errors } },
    }, async (request) => {
      await publishGroupBuy(app.db, request.actor, request.params.id);
      return visibleGroupBuy(app.db, request.actor, request.params.id);
    });

    app.post('/group-buys/:id/close', {
      schema: { tags: ['supplies'], summary: 'Close a group buy early (staff); orders already placed stay', params: IdParams, response: { 200: GroupBuy, ...errors } },
    }, async (request) => {
      await closeGroupBuy(app.db, request.actor, request.params.id);
      published.forget(request.params.id);
      return visibleGroupBuy(app.db, request.actor, request.params.id);
    });

  };
}
