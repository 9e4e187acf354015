// POST /household-bindings (resident asks), GET (own or in scope), approve / reject (staff of that building's grid).
import {
  Binding, BindingList, BindingListQuery, CreateBindingBody, DecideBindingBody, ErrorBody, IdParams, maskPhone,
} from '@linli/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { staffGridIds } from '../../authorization/policy';
import { decodeCursor, encodeCursor } from '../../pagination';
import { notFound } from '../../errors';
import type { Actor } from '../../authorization/policy';
import { listBindings, type BindingFilter } from './queries';
import { decideBinding, requestBinding } from './service';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

function filterFor(actor: Actor): BindingFilter {
  const scopes = staffGridIds(actor);
  return scopes.length ? { kind: 'staff', scopes, userId: actor.userId } : { kind: 'own', userId: actor.userId };
}

/** Staff see the applicant's phone masked; applicants see their own in full. */
function present(actor: Actor, binding: Binding): Binding {
  if (binding.userId === actor.userId) return binding;
  return { ...binding, userPhone: maskPhone(binding.userPhone) };
}

export const bindingsModule: FastifyPluginAsyncZod = async (app) => {
  app.addHook('onRequest', app.authenticate);

  async function loadOne(actor: Actor, id: string) {
    const [binding] = await listBindings(app.db, filterFor(actor), { limit: 1, after: null, id });
    if (!binding) throw notFound('绑定申请');
    return present(actor, binding);
  }

  app.post('/household-bindings', {
    schema: { tags: ['bindings'], summary: 'Ask to be bound to a household (a grid worker approves)', body: CreateBindingBody, response: { 201: Binding, ...errors } },
  }, async (request, reply) => {
    const id = await requestBinding(app.db, request.actor, request.body);
    return reply.status(201).send(await loadOne(request.actor, id));
  });

  app.get('/household-bindings', {
    schema: { tags: ['bindings'], summary: "The caller's own binding requests, or (staff) those in their grids", querystring: BindingListQuery, response: { 200: BindingList, ...errors } },
  }, async (request) => {
    const { status, limit, cursor } = request.query;
    const rows = await listBindings(app.db, filterFor(request.actor), { status, limit: limit + 1, after: decodeCursor(cursor) });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map((b) => present(request.actor, b)),
      nextCursor: rows.length > limit && last ? encodeCursor({ at: last.createdAt, id: last.id }) : null,
    };
  });

  for (const [verb, decision] of [['approve', 'approved'], ['reject', 'rejected']] as const) {
    app.post(`/household-bindings/:id/${verb}`, {
      schema: {
        tags: ['bindings'],
        summary: `${verb === 'approve' ? 'Approve' : 'Reject'} a pending binding (grid worker of that building, or admin)`,
        params: IdParams,
        body: DecideBindingBody.optional(),
        response: { 200: Binding, ...errors },
      },
    }, async (request) => {
      const id = await decideBinding(app.db, request.actor, request.params.id, decision, request.body?.reason);
      return loadOne(request.actor, id);
    });
  }
};
