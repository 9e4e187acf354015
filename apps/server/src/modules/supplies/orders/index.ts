// Orders: households place and cancel; staff of the building list, pack and print the picking list (分拣单).
import {
  BuildingOrdersQuery, ErrorBody, IdParams, Order, OrderList, OrderListQuery, PackAllResult, PickingList, PlaceOrderBody, PlaceOrderHeaders,
} from '@linli/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Actor } from '../../../authorization/policy';
import { can } from '../../../authorization/policy';
import { scopeOfBuilding, scopeOfHousehold } from '../../../authorization/scopes';
import { AppError, notFound } from '../../../errors';
import { sendAppError } from '../../../plugins/errors';
import { decodeCursor, encodeCursor } from '../../../pagination';
import type { SoldOutGate } from '../sold-out-gate';
import type { PublishedItems } from './published-items';
import { pickingListCsv, pickingListHtml, pickingListOf } from './picking-list';
import { loadActor } from '../../../authorization/actor';
import { documentSecurityHeaders } from '../../../plugins/security';
import { listOrders, type OrderFilter } from './queries';
import { cancelOrder, orderPlacements, outOfStockAnswer, packAllOfBuilding, packOrder, placeOrder, soldOutRefusal } from './service';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody };


export function ordersModule(gate: SoldOutGate, published: PublishedItems): FastifyPluginAsyncZod {
  return async (orders) => {
    await orders.register(placingModule(gate, published));
    await orders.register(servingModule(gate));
  };
}

/**
 * POST /orders: the hot path of a flash sale. The caller's id comes from the access token and the placement statement
 * checks the binding itself, so an order is one round trip and loads no Actor (only a replayed order does, to read it back).
 */
function placingModule(gate: SoldOutGate, published: PublishedItems): FastifyPluginAsyncZod {
  return async (app) => {
    const placements = orderPlacements(app.db, gate);
    app.addHook('onRequest', app.identifyCaller);

    app.post('/orders', {
      // An order or a refusal is ~1 KB or less: gzip would save no round trip and cost CPU on both ends, in the rush.
      compress: false,
      schema: {
        tags: ['supplies'],
        summary: 'Place an order for a household (a resident bound to it). Idempotency-Key is required: a retry returns the first order',
        headers: PlaceOrderHeaders,
        body: PlaceOrderBody,
        response: { 201: Order, ...errors },
      },
    }, (request, reply) => {
      const userId = request.callerId;
      const refusedItem = soldOutRefusal(app.db, userId, request.body, request.headers['idempotency-key'], gate);
      if (refusedItem !== null) {
        sendAppError(reply, outOfStockAnswer(refusedItem, null, 0));
        return;
      }
      return placeAndAnswer(request, reply, userId, request.body, request.headers['idempotency-key']);
    });

    async function placeAndAnswer(request: FastifyRequest, reply: FastifyReply, userId: string, body: PlaceOrderBody, key: string): Promise<void> {
      let outcome;
      try {
        outcome = await placeOrder(app.db, userId, body, key, gate, published, placements);
      } catch (err) {
        // A refusal answered here, not through Fastify's error path: in a sold-out rush that is most of the answers.
        if (err instanceof AppError) {
          sendAppError(reply, err);
          return;
        }
        throw err;
      }
      if (outcome.replayed) reply.header('idempotent-replayed', 'true');
      if (outcome.placed) {
        reply.status(201).send(outcome.placed);
        return;
      }
      const actor = await loadActor(app.db, userId);
      request.actor = actor;
      const [order] = await listOrders(app.db, actor, { id: outcome.orderId }, 1);
      if (!order) throw notFound('订单');
      reply.status(201).send(order);
    }
  };
}

/** Everything else about orders: lists, cancel, pack, picking lists. */
function servingModule(gate: SoldOutGate): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('onRequest', app.authenticate);

    async function loadOrder(actor: Actor, id: string) {
      const [order] = await listOrders(app.db, actor, { id }, 1);
      if (!order) throw notFound('订单');
      return order;
    }

    /** The order if the actor is of its household or its staff; otherwise 404. */
    async function visibleOrder(actor: Actor, id: string) {
      const order = await loadOrder(actor, id);
      const scope = await scopeOfHousehold(app.db, order.householdId);
      if (!scope || !can(actor, 'household.read', scope)) throw notFound('订单');
      return order;
    }

    app.get('/orders', {
      schema: {
        tags: ['supplies'],
        summary: "The caller's households' orders; staff: ?buildingId= (and status, groupBuyId) within their grids",
        querystring: OrderListQuery,
        response: { 200: OrderList, ...errors },
      },
    }, async (request) => {
      const { householdId, buildingId, groupBuyId, status, limit, cursor } = request.query;
      const filter: OrderFilter = { groupBuyId, status, after: decodeCursor(cursor) };
      if (buildingId) {
        const scope = await scopeOfBuilding(app.db, buildingId);
        if (!scope || !can(request.actor, 'building.households.list', scope)) throw notFound('楼栋');
        filter.buildingIds = [buildingId];
      } else if (!householdId) {
        filter.householdIds = request.actor.households.map((h) => h.householdId);
      }
      if (householdId) {
        const scope = await scopeOfHousehold(app.db, householdId);
        if (!scope || !can(request.actor, 'household.read', scope)) throw notFound('住户');
        filter.householdIds = [householdId];
      }
      if (filter.householdIds?.length === 0) return { items: [], nextCursor: null };
      const rows = await listOrders(app.db, request.actor, filter, limit + 1);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return { items: page, nextCursor: rows.length > limit && last ? encodeCursor({ at: last.createdAt, id: last.id }) : null };
    });

    app.get('/orders/:id', {
      schema: { tags: ['supplies'], summary: 'One order (its household, or staff of its building)', params: IdParams, response: { 200: Order, ...errors } },
    }, async (request) => visibleOrder(request.actor, request.params.id));

    app.post('/orders/:id/cancel', {
      schema: { tags: ['supplies'], summary: 'Cancel: the household while placed, staff also while packed; stock returns exactly once', params: IdParams, response: { 200: Order, ...errors } },
    }, async (request) => {
      await cancelOrder(app.db, request.actor, request.params.id, gate);
      return loadOrder(request.actor, request.params.id);
    });

    app.post('/orders/:id/pack', {
      schema: { tags: ['supplies'], summary: 'placed → packed (staff of the building)', params: IdParams, response: { 200: Order, ...errors } },
    }, async (request) => {
      await packOrder(app.db, request.actor, request.params.id);
      return loadOrder(request.actor, request.params.id);
    });

    async function staffBuilding(actor: Actor, buildingId: string) {
      const scope = await scopeOfBuilding(app.db, buildingId);
      if (!scope || !can(actor, 'building.households.list', scope)) throw notFound('楼栋');
      return scope;
    }

    app.post('/buildings/:id/orders/pack', {
      schema: {
        tags: ['supplies'],
        summary: 'Pack every placed order of a building (optionally of one group buy)',
        params: IdParams,
        querystring: BuildingOrdersQuery,
        response: { 200: PackAllResult, ...errors },
      },
    }, async (request) => {
      await staffBuilding(request.actor, request.params.id);
      const orderIds = await packAllOfBuilding(app.db, request.params.id, request.query.groupBuyId);
      return { packed: orderIds.length, orderIds };
    });

    app.get('/buildings/:id/picking-list', {
      schema: { tags: ['supplies'], summary: '分拣单 of a building: item totals and per-household lines, care-tagged households first', params: IdParams, querystring: BuildingOrdersQuery, response: { 200: PickingList, ...errors } },
    }, async (request) => {
      await staffBuilding(request.actor, request.params.id);
      return pickingListOf(app.db, request.params.id, request.query.groupBuyId);
    });

    app.get('/buildings/:id/picking-list.csv', {
      schema: { tags: ['supplies'], summary: '分拣单 as CSV (UTF-8 with BOM) for the supplier', params: IdParams, querystring: BuildingOrdersQuery },
    }, async (request, reply) => {
      await staffBuilding(request.actor, request.params.id);
      const list = await pickingListOf(app.db, request.params.id, request.query.groupBuyId);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="picking-list.csv"; filename*=UTF-8''${encodeURIComponent(`分拣单-${list.buildingName}.csv`)}`)
        .send(pickingListCsv(list));
    });

    app.get('/buildings/:id/picking-list.html', {
      schema: { tags: ['supplies'], summary: '分拣单 as a printable page', params: IdParams, querystring: BuildingOrdersQuery },
    }, async (request, reply) => {
      await staffBuilding(request.actor, request.params.id);
      const list = await pickingListOf(app.db, request.params.id, request.query.groupBuyId);
      return reply.type('text/html; charset=utf-8').headers(documentSecurityHeaders).send(pickingListHtml(list));
    });

  };
}
