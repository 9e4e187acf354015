// Entry passes: the community's exit policy, passes per household, the rotating QR token, gate scans, and staff views.
import {
  CommunityQuery, ErrorBody, GateScanBody, GateScanResult, IdParams, IssueBuildingPassesResult, IssuePassBody, MyPasses,
  Pass, PassList, PassListQuery, PassPolicy, PassPolicyBody, PassToken, PassTripList, PassTripQuery, passTokenRefreshSeconds,
  quotaOf, shanghaiDate, TodayExitsByBuilding,
} from '@linli/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { communityOfRequest } from '../../authorization/community';
import type { Actor } from '../../authorization/policy';
import { staffGridIds } from '../../authorization/policy';
import { AppError } from '../../errors';
import { decodeCursor, encodeCursor } from '../../pagination';
import { exitsByBuilding, exitTimesSince, householdLabels, listPasses, listTrips, policyOf, type StaffScopes } from './queries';
import { issueBuildingPasses, issuePass, passOfOwnHousehold, revokePass, savePolicy, scanAtGate } from './service';
import { signPassToken } from './token';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

export interface PassesOptions {
  /** The HMAC key for QR tokens (see token.ts: passTokenKey). */
  tokenKey: Buffer;
}

function staffScopes(actor: Actor): StaffScopes {
  const scopes = staffGridIds(actor);
  if (!scopes.length) throw new AppError(403, 'FORBIDDEN', '只有社区工作人员可以查看');
  return scopes;
}

export const passesModule: FastifyPluginAsyncZod<PassesOptions> = async (app, opts) => {
  app.addHook('onRequest', app.authenticate);

  app.get('/pass-policy', {
    schema: { tags: ['passes'], summary: "The community's exit rule (any member of the community)", querystring: CommunityQuery, response: { 200: PassPolicy, ...errors } },
  }, async (request) => {
    const communityId = communityOfRequest(request.actor, request.query.communityId);
    const policy = await policyOf(app.db, communityId);
    return { communityId, exitsPerWindow: policy.exitsPerWindow, windowDays: policy.windowDays, maxOutMinutes: policy.maxOutMinutes, updatedAt: policy.updatedAt?.toISOString() ?? null };
  });

  app.put('/pass-policy', {
    schema: { tags: ['passes'], summary: "Set the community's exit rule (admin or grid worker of the community)", querystring: CommunityQuery, body: PassPolicyBody, response: { 200: PassPolicy, ...errors } },
  }, async (request) => {
    const communityId = communityOfRequest(request.actor, request.query.communityId);
    await savePolicy(app.db, request.actor, communityId, request.body);
    const policy = await policyOf(app.db, communityId);
    return { communityId, ...request.body, updatedAt: policy.updatedAt?.toISOString() ?? null };
  });

  app.get('/passes', {
    schema: { tags: ['passes'], summary: 'Passes of households in the caller\'s grids (staff); ?kind=medical lists the medical exceptions', querystring: PassListQuery, response: { 200: PassList, ...errors } },
  }, async (request) => {
    const { limit, cursor, ...filter } = request.query;
    const rows = await listPasses(app.db, { scopes: staffScopes(request.actor), ...filter }, { limit: limit + 1, after: decodeCursor(cursor) });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return { items: page, nextCursor: rows.length > limit && last ? encodeCursor({ at: last.issuedAt, id: last.id }) : null };
  });

  app.post('/passes', {
    schema: { tags: ['passes'], summary: 'Issue a pass (or a medical exception) to a household; it replaces the live one', body: IssuePassBody, response: { 201: Pass, ...errors } },
  }, async (request, reply) => {
    const id = await issuePass(app.db, request.actor, request.body);
    const [pass] = await listPasses(app.db, { id }, { limit: 1, after: null });
    return reply.status(201).send(pass!);
  });

  app.post('/buildings/:id/passes', {
    schema: { tags: ['passes'], summary: 'Issue regular passes to every household of a building that has none', params: IdParams, response: { 200: IssueBuildingPassesResult, ...errors } },
  }, async (request) => issueBuildingPasses(app.db, request.actor, request.params.id));

  app.post('/passes/:id/revoke', {
    schema: { tags: ['passes'], summary: 'Revoke a pass (staff of its grid)', params: IdParams, response: { 200: Pass, ...errors } },
  }, async (request) => {
    await revokePass(app.db, request.actor, request.params.id);
    const [pass] = await listPasses(app.db, { id: request.params.id }, { limit: 1, after: null });
    return pass!;
  });

  app.get('/passes/mine', {
    schema: { tags: ['passes'], summary: "The caller's households: the rule, their pass, exits left and whether someone is out", response: { 200: MyPasses, ...errors } },
  }, async (request) => {
    const householdIds = request.actor.households.map((h) => h.householdId);
    const [labels, livePasses, openTrips] = await Promise.all([
      householdLabels(app.db, householdIds),
      listPasses(app.db, { householdIds, status: 'active' }, { limit: 100, after: null }),
      listTrips(app.db, { householdIds, state: 'out' }, { limit: 100, after: null }),
    ]);
    const now = new Date();
    const items = [];
    for (const label of labels) {
      const communityId = request.actor.households.find((h) => h.householdId === label.householdId)!.communityId;
      const { updatedAt: _, ...policy } = await policyOf(app.db, communityId);
      const pass = livePasses.find((p) => p.householdId === label.householdId) ?? null;
      const exits = pass ? await exitTimesSince(app.db, label.householdId, new Date(now.getTime() - policy.windowDays * 86_400_000)) : [];
      items.push({
        ...label,
        policy,
        pass,
        quota: pass ? quotaOf(policy, pass.kind, exits, now) : null,
        currentTrip: openTrips.find((t) => t.householdId === label.householdId) ?? null,
      });
    }
    return { items };
  });

  app.get('/passes/:id/token', {
    schema: {
      tags: ['passes'],
      summary: 'A fresh QR token for the pass (members of its household only); valid 60 s, usable for one scan',
      params: IdParams,
      response: { 200: PassToken, ...errors },
    },
  }, async (request, reply) => {
    const pass = await passOfOwnHousehold(app.db, request.actor, request.params.id);
    const { token, expiresAt } = signPassToken(opts.tokenKey, { passId: pass.id, issuedAt: Math.floor(Date.now() / 1000) });
    reply.header('cache-control', 'no-store');
    return { token, expiresAt: new Date(expiresAt * 1000).toISOString(), refreshAfterSeconds: passTokenRefreshSeconds };
  });

  app.post('/gate/scans', {
    schema: {
      tags: ['passes'],
      summary: 'Record an exit or a return at the gate from a scanned QR token (volunteers and staff of the community)',
      description: 'Refused: 400 PASS_TOKEN_INVALID (forged/garbled), 409 PASS_TOKEN_EXPIRED, PASS_TOKEN_REPLAYED, PASS_INACTIVE, PASS_QUOTA_EXCEEDED, ALREADY_OUT, NOT_OUT.',
      body: GateScanBody,
      response: { 201: GateScanResult, ...errors },
    },
  }, async (request, reply) => reply.status(201).send(await scanAtGate(app.db, request.actor, opts.tokenKey, request.body)));

  app.get('/pass-trips', {
    schema: { tags: ['passes'], summary: 'Who is out now (?state=out) or overdue (?state=overdue), in the caller\'s grids (staff)', querystring: PassTripQuery, response: { 200: PassTripList, ...errors } },
  }, async (request) => {
    const { limit, cursor, ...filter } = request.query;
    const rows = await listTrips(app.db, { scopes: staffScopes(request.actor), ...filter }, { limit: limit + 1, after: decodeCursor(cursor) });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return { items: page, nextCursor: rows.length > limit && last ? encodeCursor({ at: last.exitAt, id: last.id }) : null };
  });

  app.get('/pass-trips/today', {
    schema: { tags: ['passes'], summary: "Today's exits (Asia/Shanghai), who is out and overdue, per building in the caller's grids (staff)", response: { 200: TodayExitsByBuilding, ...errors } },
  }, async (request) => {
    const now = new Date();
    const date = shanghaiDate(now);
    const items = await exitsByBuilding(app.db, staffScopes(request.actor), new Date(`${date}T00:00:00+08:00`), now);
    return { date, items };
  });

};
