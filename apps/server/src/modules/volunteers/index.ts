// Volunteers over REST: apply (a resident of the community), decide (its staff: approve, reject, suspend, reinstate),
// call-ups (staff send and close; the called volunteers answer 能来 / 来不了). Staff see volunteers' phones masked.
import {
  AnswerCallUpBody, ApplyVolunteerBody, CallUpDetail, CallUpList, CallUpListQuery, CreateCallUpBody, DecideVolunteerBody,
  ErrorBody, IdParams, maskPhone, MyCallUp, MyCallUpList, OwnVolunteerApplication, VolunteerApplication,
  VolunteerApplicationList, VolunteerApplicationListQuery, VolunteerDecision, VolunteerPhone, volunteerDecisionMoves,
} from '@linli/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { WechatSubscribeSender } from '../../adapters/wechat/subscribe';
import type { Actor } from '../../authorization/policy';
import { forbidden, notFound } from '../../errors';
import { decodeCursor, encodeCursor } from '../../pagination';
import { staffRecipients } from '../../realtime/staff-recipients';
import { dispatchOutbox } from '../notices/outbox';
import { callUpsOfVolunteer, listApplications, listCallUps, responderRows } from './queries';
import {
  answerCallUp, applyToVolunteer, closeCallUp, createCallUp, decideApplication, managedCommunityIds, revealVolunteerPhoneAudit,
  volunteerCommunityIds,
} from './service';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

/** Applicants see their own phone; staff see it masked. */
function present(actor: Actor, application: VolunteerApplication): VolunteerApplication {
  return application.userId === actor.userId ? application : { ...application, phone: maskPhone(application.phone) };
}

function nextCursorOf<T extends { createdAt: string; id: string }>(rows: T[], limit: number): string | null {
  const last = rows.slice(0, limit).at(-1);
  return rows.length > limit && last ? encodeCursor({ at: last.createdAt, id: last.id }) : null;
}

export const volunteersModule: FastifyPluginAsyncZod<{ subscribeSender: WechatSubscribeSender; now?: () => Date }> = async (app, opts) => {
  app.addHook('onRequest', app.authenticate);
  const now = opts.now ?? (() => new Date());

  /** Staff in scope, or the applicant themself; anyone else gets 404. */
  async function loadApplication(actor: Actor, id: string) {
    const [application] = await listApplications(app.db, { id }, { limit: 1, after: null });
    if (!application) throw notFound('志愿者申请');
    const mine = application.userId === actor.userId;
    if (!mine && !managedCommunityIds(actor).includes(application.communityId)) throw notFound('志愿者申请');
    return application;
  }

  function requireStaff(actor: Actor): string[] {
    const communities = managedCommunityIds(actor);
    if (communities.length === 0) throw forbidden('仅社区工作人员可以查看');
    return communities;
  }

  app.post('/volunteer-applications', {
    schema: { tags: ['volunteers'], summary: 'Apply to volunteer in the community of a bound household', body: ApplyVolunteerBody, response: { 201: VolunteerApplication, ...errors } },
  }, async (request, reply) => {
    const id = await applyToVolunteer(app.db, request.actor, request.body);
    return reply.status(201).send(await loadApplication(request.actor, id));
  });

  app.get('/volunteer-applications/mine', {
    schema: { tags: ['volunteers'], summary: "The caller's latest volunteer application, or null", response: { 200: OwnVolunteerApplication, ...errors } },
  }, async (request) => {
    const [application] = await listApplications(app.db, { userId: request.actor.userId }, { limit: 1, after: null });
    return { application: application ?? null };
  });

  app.get('/volunteer-applications', {
    schema: {
      tags: ['volunteers'],
      summary: "Applications in the caller's communities (admins and grid workers), newest first; phones masked",
      querystring: VolunteerApplicationListQuery,
      response: { 200: VolunteerApplicationList, ...errors },
    },
  }, async (request) => {
    const { status, skill, limit, cursor } = request.query;
    const communityIds = requireStaff(request.actor);
    const rows = await listApplications(app.db, { communityIds, status, skill }, { limit: limit + 1, after: decodeCursor(cursor) });
    return { items: rows.slice(0, limit).map((a) => present(request.actor, a)), nextCursor: nextCursorOf(rows, limit) };
  });

  app.get('/volunteer-applications/:id', {
    schema: { tags: ['volunteers'], summary: 'One application (its staff, or the applicant)', params: IdParams, response: { 200: VolunteerApplication, ...errors } },
  }, async (request) => present(request.actor, await loadApplication(request.actor, request.params.id)));

  app.get('/volunteer-applications/:id/phone', {
    schema: { tags: ['volunteers'], summary: "A volunteer's full phone number, for a call; every staff read is audit-logged", params: IdParams, response: { 200: VolunteerPhone, ...errors } },
  }, async (request) => {
    const application = await loadApplication(request.actor, request.params.id);
    await revealVolunteerPhoneAudit(app.db, request.actor, application);
    return { applicationId: application.id, phone: application.phone };
  });

  for (const decision of VolunteerDecision.options) {
    const move = volunteerDecisionMoves[decision];
    app.post(`/volunteer-applications/:id/${decision}`, {
      schema: {
        tags: ['volunteers'],
        summary: `${decision}: ${move.from} → ${move.to} (the community's admins and grid workers; audit-logged)`,
        params: IdParams,
        body: DecideVolunteerBody.optional(),
        response: { 200: VolunteerApplication, ...errors },
      },
    }, async (request) => {
      const id = await decideApplication(app.db, request.actor, request.params.id, decision, request.body?.reason);
      return present(request.actor, await loadApplication(request.actor, id));
    });
  }

  async function callUpDetail(actor: Actor, id: string) {
    const [callUp] = await listCallUps(app.db, { communityIds: managedCommunityIds(actor), id }, { limit: 1, after: null });
    if (!callUp) throw notFound('召集');
    const responders = await responderRows(app.db, id);
    return { ...callUp, responders: responders.map((r) => ({ ...r, phone: maskPhone(r.phone) })) };
  }

  app.post('/call-ups', {
    schema: { tags: ['volunteers'], summary: 'Call up volunteers with a skill (一键召集); matching ones are notified', body: CreateCallUpBody, response: { 201: CallUpDetail, ...errors } },
  }, async (request, reply) => {
    const created = await createCallUp(app.db, request.actor, request.body, now());
    await app.realtime.publishToUsers(created.recipients, { type: 'call_up', callUp: created.event });
    if (created.recipients.length) {
      dispatchOutbox(app.db, opts.subscribeSender).catch((err: unknown) => app.log.warn({ err }, 'call-up subscribe messages not sent yet; the notices outbox retries them'));
    }
    return reply.status(201).send(await callUpDetail(request.actor, created.id));
  });

  app.get('/call-ups', {
    schema: { tags: ['volunteers'], summary: "Call-ups of the caller's communities with answer counts (staff)", querystring: CallUpListQuery, response: { 200: CallUpList, ...errors } },
  }, async (request) => {
    const { status, limit, cursor } = request.query;
    const rows = await listCallUps(app.db, { communityIds: requireStaff(request.actor), status }, { limit: limit + 1, after: decodeCursor(cursor) });
    return { items: rows.slice(0, limit), nextCursor: nextCursorOf(rows, limit) };
  });

  app.get('/call-ups/mine', {
    schema: { tags: ['volunteers'], summary: 'Open call-ups that reached the caller (volunteers), with their answer', response: { 200: MyCallUpList, ...errors } },
  }, async (request) => {
    const communityIds = volunteerCommunityIds(request.actor);
    if (communityIds.length === 0) throw forbidden('仅志愿者可以查看召集');
    return { items: await callUpsOfVolunteer(app.db, request.actor.userId, { communityIds, status: 'open' }) };
  });

  app.get('/call-ups/:id', {
    schema: { tags: ['volunteers'], summary: 'A call-up with who answered what (staff); phones masked', params: IdParams, response: { 200: CallUpDetail, ...errors } },
  }, async (request) => callUpDetail(request.actor, request.params.id));

  app.post('/call-ups/:id/answer', {
    schema: {
      tags: ['volunteers'],
      summary: 'Answer 能来 (yes) / 来不了 (no); idempotent, changeable while open; the Nth yes closes it as filled',
      params: IdParams,
      body: AnswerCallUpBody,
      response: { 200: MyCallUp, ...errors },
    },
  }, async (request) => {
    const changed = await answerCallUp(app.db, request.actor, request.params.id, request.body.answer);
    if (changed) {
      staffRecipients(app.db, changed.communityId)
        .then((userIds) => app.realtime.publishToUsers(userIds, { type: 'call_up.answered', callUpId: request.params.id, status: changed.status }))
        .catch((err: unknown) => app.log.warn({ err }, 'could not push the call-up answer; staff see it on their next refresh'));
    }
    const [mine] = await callUpsOfVolunteer(app.db, request.actor.userId, { communityIds: volunteerCommunityIds(request.actor), id: request.params.id });
    if (!mine) throw notFound('召集');
    return mine;
  });

  app.post('/call-ups/:id/close', {
    schema: { tags: ['volunteers'], summary: 'Close an open call-up (staff of its community)', params: IdParams, response: { 200: CallUpDetail, ...errors } },
  }, async (request) => {
    await closeCallUp(app.db, request.actor, request.params.id);
    return callUpDetail(request.actor, request.params.id);
  });
};
