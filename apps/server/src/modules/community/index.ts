// Who am I, and the community's structure: buildings, households and their persons, within the caller's scope.
import {
  BuildingList, ErrorBody, Household, householdLabel, HouseholdList, IdParams, maskPhone, MeResponse, PersonPhone, type CareTag,
} from '@linli/shared';
import { eq } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { can } from '../../authorization/policy';
import { scopeOfBuilding } from '../../authorization/scopes';
import { users } from '../../db/schema';
import { notFound } from '../../errors';
import { toUserDto } from '../auth/users';
import { recordAudit } from '../audit/service';
import {
  approvedHouseholdsOfUser, buildingDirectory, buildingsInScope, householdsOfBuilding, householdWithScope, personPhone, personsOfHousehold,
} from './queries';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };

export const communityModule: FastifyPluginAsyncZod = async (app) => {
  app.addHook('onRequest', app.authenticate);

  app.get('/me', {
    schema: { tags: ['community'], summary: 'The caller: account, roles with scope, bound households', response: { 200: MeResponse, ...errors } },
  }, async (request) => {
    const [user] = await app.db.select().from(users).where(eq(users.id, request.actor.userId));
    if (!user) throw notFound('账号');
    return {
      user: toUserDto(user),
      roles: request.actor.roles,
      households: await approvedHouseholdsOfUser(app.db, user.id),
    };
  });

  app.get('/buildings', {
    schema: { tags: ['community'], summary: "Buildings in the caller's scope", response: { 200: BuildingList, ...errors } },
  }, async (request) => ({ items: await buildingsInScope(app.db, request.actor), nextCursor: null }));

  app.get('/buildings/directory', {
    schema: { tags: ['community'], summary: 'All buildings by name, for choosing one to bind to', response: { 200: BuildingList, ...errors } },
  }, async () => ({ items: await buildingDirectory(app.db), nextCursor: null }));

  app.get('/buildings/:id/households', {
    schema: { tags: ['community'], summary: 'Rooms of a building (staff of its grid)', params: IdParams, response: { 200: HouseholdList, ...errors } },
  }, async (request) => {
    const scope = await scopeOfBuilding(app.db, request.params.id);
    if (!scope || !can(request.actor, 'building.households.list', scope)) throw notFound('楼栋');
    return { items: await householdsOfBuilding(app.db, request.params.id), nextCursor: null };
  });

  app.get('/households/:id', {
    schema: {
      tags: ['community'],
      summary: 'A household with its persons; phones are full for the household, masked for staff (reveal one with GET /persons/:id/phone)',
      params: IdParams,
      response: { 200: Household, ...errors },
    },
  }, async (request) => {
    // One read gives the household and its scope; its persons are read only once the caller may see them.
    const household = await householdWithScope(app.db, request.params.id);
    if (!household || !can(request.actor, 'household.read', { ...household, householdId: household.id })) throw notFound('住户');
    const members = await personsOfHousehold(app.db, household.id);
    const ownHousehold = request.actor.households.some((h) => h.householdId === household.id);
    const { id, buildingId, buildingName, gridId, unit, room } = household;
    return {
      id,
      buildingId,
      buildingName,
      gridId,
      unit,
      room,
      persons: members.map((p) => ({
        id: p.id,
        name: p.name,
        relation: p.relation,
        birthYear: p.birthYear,
        isRenter: p.isRenter,
        careTags: p.careTags as CareTag[],
        phone: ownHousehold ? p.phone : maskPhone(p.phone),
        phoneMasked: !ownHousehold && p.phone !== null,
      })),
    };
  });

  app.get('/persons/:id/phone', {
    schema: {
      tags: ['community'],
      summary: "A person's full phone number, for a call; every staff read is audit-logged",
      params: IdParams,
      response: { 200: PersonPhone, ...errors },
    },
  }, async (request) => {
    const person = await personPhone(app.db, request.params.id);
    if (!person || !can(request.actor, 'person.phone.reveal', person)) throw notFound('成员');
    const ownHousehold = request.actor.households.some((h) => h.householdId === person.householdId);
    if (!ownHousehold) {
      await recordAudit(app.db, {
        actorId: request.actor.userId,
        communityId: person.communityId,
        action: 'person.phone.read',
        subjectType: 'person',
        subjectId: person.id,
        details: { householdId: person.householdId, household: householdLabel(person), personName: person.name },
      });
    }
    return { personId: person.id, phone: person.phone };
  });
};
