// The authorization matrix: ONE table with a row for every route of the live OpenAPI document, declaring the answer
// for every actor against an object in scope (1号楼 1单元 101 of 阳光社区, the actors' own community) and an object out
// of scope (河畔社区, a second community none of the actors belongs to). Every cell runs through the real routes.
//
// What was chosen (issue 8, "Authorization matrix"):
// - Actors are fixed demo accounts (see matrixActors): anonymous, the resident of the object's household, a resident of
//   the same building (another household), a resident of another building (第二网格), a volunteer, the grid worker of
//   the object's grid, the grid worker of the other grid, the admin. "In" objects sit in 1号楼 (第一网格), so these
//   actors span household / building / grid / community scope; "out" objects sit in another community, so every
//   signed-in actor must be refused there (or, on a listing route, must not see the object).
// - Outcomes are small named classes (staffOfGrid, householdAndStaff, buildingMembers, householdOnly, communityStaff,
//   communityMembers, anyAccount, publicRoute…) built by `allowed(actors, status)`, with per-route exact overrides
//   where a route answers a role refusal with 403 or a state refusal (409/400) that passes authorization. Each cell
//   declares one exact status: no ranges.
// - A refused cell (401/403/404) must answer exactly `{ error: {...} }` and contain none of the world's identifying
//   values (household id, person id, name, phone) nor the ids in the request. A `listing` row (a list filtered by the
//   caller's scope) declares who `sees` the in-scope object: they must find its ids (`hidden`) in the answer, every
//   other actor must find none of them nor the household's values, and nobody may find anything of the out world.
// - Mutating rows build a fresh object per cell from factories (tests/support/matrix-fixtures.ts), so one actor's
//   success never changes the next cell. Reads share one object per world, made in beforeAll.
// - This file replaces route-coverage.test.ts (the row check and the 401-before-the-body check are kept below) and
//   scope.test.ts (every route it ran is a row here; its extra promises are `verify` hooks).
import { createTestApp, type TestApp } from '../support/app';
import {
  actorNames, createWorlds, matrixActors, matrixFactories, multipartImage, pngBytes, secretsOf, thanksPeriod,
  type MatrixActor, type MatrixFactories, type Side, type World,
} from '../support/matrix-fixtures';
import type { LightMyRequestResponse } from 'fastify';
import { importColumns } from '@linli/shared';

type Statuses = Record<MatrixActor, number>;
interface Outcome { in: Statuses; out: Statuses }

interface Call {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  payload?: unknown;
  headers?: Record<string, string>;
  /** Ids of the objects this call is about (besides the world's household), which a refusal must not echo. */
  hidden?: string[];
}

interface Row {
  expect: Outcome;
  call: (w: World, shared: Shared, f: MatrixFactories, token: string | null) => Call | Promise<Call>;
  /**
   * A list filtered by the caller's scope: on the in side, the actors in `sees` find the `hidden` ids in it and every
   * other actor finds none of them (nor the household's values, except the household itself); on the out side nobody
   * finds any of the out world's.
   */
  listing?: { sees: readonly MatrixActor[] };
  /** Further promises of a 2xx answer. */
  verify?: (res: LightMyRequestResponse, actor: MatrixActor, w: World, shared: Shared) => void;
  why?: string;
}

// ---- outcome classes -------------------------------------------------------------------------------------------

const signedIn = actorNames.filter((a) => a !== 'anonymous');

/** `who` get `status` on the in-scope object; everyone else, and everyone on the out-of-scope object, is refused. */
function allowed(who: readonly MatrixActor[], status: number, refusal = 404): Outcome {
  const side = (allow: readonly MatrixActor[]) =>
    Object.fromEntries(actorNames.map((a) => [a, a === 'anonymous' ? 401 : allow.includes(a) ? status : refusal])) as Statuses;
  return { in: side(who), out: side([]) };
}
/** Overrides of single cells: `{ in: { volunteer: 403 } }`. */
function but(outcome: Outcome, changes: { in?: Partial<Statuses>; out?: Partial<Statuses> }): Outcome {
  return { in: { ...outcome.in, ...changes.in }, out: { ...outcome.out, ...changes.out } };
}
/** `roles` are refused by role (403) before any object is looked up: on both sides, or only in their own community. */
function roleRefused(outcome: Outcome, roles: readonly MatrixActor[], sides: readonly Side[] = ['in', 'out']): Outcome {
  const forbid = Object.fromEntries(roles.map((a) => [a, 403]));
  return but(outcome, { in: sides.includes('in') ? forbid : {}, out: sides.includes('out') ? forbid : {} });
}
/** A create naming another community is refused with 403 (there is no object to hide yet) for every signed-in actor. */
function otherCommunityForbidden(outcome: Outcome): Outcome {
  return but(outcome, { out: Object.fromEntries(signedIn.map((a) => [a, 403])) });
}

const staffOfGrid = (s: number) => allowed(['workerIn', 'admin'], s);
const householdAndStaff = (s: number) => allowed(['household', 'workerIn', 'admin'], s);
const householdOnly = (s: number) => allowed(['household'], s);
const buildingMembers = (s: number) => allowed(['household', 'neighbour', 'workerIn', 'admin'], s);
const communityStaff = (s: number) => allowed(['workerIn', 'workerOut', 'admin'], s);
const adminOnly = (s: number) => allowed(['admin'], s);
const communityMembers = (s: number) => allowed(signedIn, s);
/** About the caller only (or a list filtered to the caller's scope): every account is answered on both sides. */
const anyAccount = (s: number): Outcome => ({ in: allowed(signedIn, s).in, out: allowed(signedIn, s).in });
const publicRoute = (s: number): Outcome => {
  const all = Object.fromEntries(actorNames.map((a) => [a, s])) as Statuses;
  return { in: all, out: all };
};
/** The claimer of a task (the volunteer actor claims the in-world ones); staff who see the task get 403 NOT_CLAIMER. */
const claimerOnly = (s: number) => but(allowed(['volunteer'], s), { in: { workerIn: 403, admin: 403 } });
const residents: MatrixActor[] = ['household', 'neighbour', 'otherBuilding'];
const nonStaff: MatrixActor[] = [...residents, 'volunteer'];

// ---- objects shared by read rows --------------------------------------------------------------------------------

interface Shared {
  notice: string; alert: string; binding: string; testingRound: string; thankYouPost: string; medicine: string;
  groupBuy: { id: string; itemId: string }; order: { id: string; code: string };
  message: string; image: string; pass: string; reserveItem: string; product: string; application: string; callUp: string;
  errand: string; delivery: { taskId: string; orderId: string; code: string }; atDoor: { taskId: string; orderId: string };
}

async function sharedObjects(w: World, f: MatrixFactories): Promise<Shared> {
  await f.checkIn(w); // today's check-in of the household, for the check-in lists and the export
  const groupBuy = await f.groupBuy(w);
  return {
    notice: await f.notice(w),
    alert: await f.alert(w),
    binding: await f.pendingBinding(w),
    testingRound: await f.testingRound(w),
    thankYouPost: await f.thankYouPost(w),
    groupBuy,
    order: await f.order(w, groupBuy),
    medicine: await f.medicineRequest(w, true),
    message: await f.message(w),
    image: await f.chatImage(w),
    pass: await f.pass(w),
    reserveItem: await f.reserveItem(w),
    product: await f.product(w),
    application: await f.volunteerApplication(w, 'approved'),
    callUp: await f.callUp(w),
    errand: await f.claimedErrand(w),
    delivery: await f.claimedDelivery(w),
    atDoor: await f.orderAtDoor(w),
  };
}

let phoneSerial = 0;
const freshPhone = () => `1372${String(++phoneSerial).padStart(7, '0')}`;
const csvHeader = importColumns.join(',');
const availability = [{ weekdays: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '23:59' }];
const buildingName = (w: World) => (w.side === 'in' ? '1号楼' : '河畔1号楼');

// ---- the table: one row per route of the OpenAPI document --------------------------------------------------------

const table: Record<string, Row> = {
  'GET /healthz': { expect: publicRoute(200), call: () => ({ url: '/healthz' }) },
  'GET /readyz': { expect: publicRoute(200), call: () => ({ url: '/readyz' }) },
  'POST /api/v1/auth/dev-login': { expect: publicRoute(200), call: (w) => ({ method: 'POST', url: '/api/v1/auth/dev-login', payload: { phone: w.phones.applicant } }), why: 'log-in (off in production)' },
  'POST /api/v1/auth/wechat': { expect: publicRoute(200), call: () => ({ method: 'POST', url: '/api/v1/auth/wechat', payload: { code: 'matrix-code' } }) },
  'POST /api/v1/auth/refresh': { expect: publicRoute(200), call: async (w, _s) => ({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: await freshRefreshToken(w) } }), why: 'the refresh token is the credential' },
  'POST /api/v1/auth/logout': { expect: publicRoute(204), call: async (w) => ({ method: 'POST', url: '/api/v1/auth/logout', payload: { refreshToken: await freshRefreshToken(w) } }) },

  'GET /api/v1/me': { expect: anyAccount(200), listing: { sees: ['household'] }, call: (w) => ({ url: '/api/v1/me', hidden: [w.householdId] }) },
  'GET /api/v1/buildings': {
    expect: anyAccount(200), listing: { sees: ['household', 'neighbour', 'volunteer', 'workerIn', 'admin'] }, call: (w) => ({ url: '/api/v1/buildings', hidden: [w.buildingId] }),
    verify: (res, actor, w) => {
      if (w.side === 'out') return;
      const names = (res.json().items as { name: string }[]).map((b) => b.name);
      const all = ['1号楼', '2号楼', '3号楼', '4号楼', '5号楼', '6号楼'];
      const expected: Partial<Record<MatrixActor, string[]>> = { household: ['1号楼'], neighbour: ['1号楼'], otherBuilding: ['4号楼'], workerIn: all.slice(0, 3), workerOut: all.slice(3), admin: all, volunteer: all };
      expect(names).toEqual(expected[actor]);
    },
  },
  'GET /api/v1/buildings/directory': {
    expect: anyAccount(200), call: () => ({ url: '/api/v1/buildings/directory' }),
    why: 'buildings of every community (name, grid, household count) to choose one to bind to: nothing of a household',
    verify: (res, _actor, w) => {
      for (const value of secretsOf(w)) expect(res.body).not.toContain(value);
    },
  },
  'GET /api/v1/buildings/{id}/households': { expect: staffOfGrid(200), call: (w) => ({ url: `/api/v1/buildings/${w.buildingId}/households` }) },
  'GET /api/v1/households/{id}': { expect: householdAndStaff(200), call: (w) => ({ url: `/api/v1/households/${w.householdId}` }) },
  'GET /api/v1/persons/{id}/phone': { expect: householdAndStaff(200), call: (w) => ({ url: `/api/v1/persons/${w.personId}/phone` }) },
  'GET /api/v1/grids': { expect: anyAccount(200), listing: { sees: ['workerIn', 'admin'] }, call: (w) => ({ url: '/api/v1/grids', hidden: [w.gridId] }) },
  'POST /api/v1/grids/{id}/workers': { expect: adminOnly(201), call: (w) => ({ method: 'POST', url: `/api/v1/grids/${w.gridId}/workers`, payload: { phone: freshPhone() } }) },
  'DELETE /api/v1/grids/{id}/workers/{userId}': { expect: adminOnly(204), call: async (w, _s, f) => ({ method: 'DELETE', url: `/api/v1/grids/${w.gridId}/workers/${await f.extraWorker(w)}` }) },

  'POST /api/v1/household-bindings': {
    expect: but(anyAccount(201), { out: Object.fromEntries(signedIn.map((a) => [a, 201])) }),
    // Room 201 (in) and 102 (out), not the world's household: the requests it leaves must not show up in listings of 101.
    call: (w) => ({ method: 'POST', url: '/api/v1/household-bindings', payload: { buildingId: w.buildingId, unit: '1', room: w.side === 'in' ? '201' : '102', relation: 'relative' } }),
    why: 'asks to bind the caller to any room by address (that is how one joins); a grid worker of that building decides',
  },
  'GET /api/v1/household-bindings': { expect: anyAccount(200), listing: { sees: ['workerIn', 'admin'] }, call: (w, s) => ({ url: '/api/v1/household-bindings?status=pending&limit=100', hidden: [s.binding] }), why: "the caller's own requests, or (staff) those of their grids" },
  'POST /api/v1/household-bindings/{id}/approve': { expect: staffOfGrid(200), call: async (w, _s, f) => ({ method: 'POST', url: `/api/v1/household-bindings/${await f.pendingBinding(w)}/approve`, payload: {} }) },
  'POST /api/v1/household-bindings/{id}/reject': { expect: staffOfGrid(200), call: async (w, _s, f) => ({ method: 'POST', url: `/api/v1/household-bindings/${await f.pendingBinding(w)}/reject`, payload: {} }) },
  'POST /api/v1/households/import': {
    // Staff only (403 by role); a grid worker of another grid passes that check but the row naming 1号楼 is refused (400,
    // nothing written); another community's id is refused to everyone (403).
    expect: otherCommunityForbidden(roleRefused(but(staffOfGrid(200), { in: { workerOut: 400 } }), nonStaff)),
    call: (w) => ({
      method: 'POST', url: `/api/v1/households/import?communityId=${w.communityId}&dryRun=true`, headers: { 'content-type': 'text/csv' },
      payload: `${csvHeader}\r\n${buildingName(w)},1,101,矩阵导入,户主,1960,否,,\r\n`,
    }),
  },
  'GET /api/v1/households/import/template.csv': { expect: roleRefused(anyAccount(200), nonStaff), call: () => ({ url: '/api/v1/households/import/template.csv' }), why: 'a blank template, staff only' },
  'GET /api/v1/audit': { expect: roleRefused(anyAccount(200), [...nonStaff, 'workerIn', 'workerOut']), listing: { sees: ['admin'] }, call: () => ({ url: '/api/v1/audit?limit=100' }) },

  'GET /api/v1/chats': { expect: anyAccount(200), listing: { sees: ['household', 'neighbour', 'workerIn', 'admin'] }, call: (w) => ({ url: '/api/v1/chats', hidden: [w.buildingId] }) },
  'GET /api/v1/chats/{id}': { expect: buildingMembers(200), call: (w) => ({ url: `/api/v1/chats/${w.buildingId}` }) },
  'GET /api/v1/chats/{id}/messages': { expect: buildingMembers(200), call: (w) => ({ url: `/api/v1/chats/${w.buildingId}/messages` }) },
  'POST /api/v1/chats/{id}/messages': { expect: buildingMembers(201), call: (w) => ({ method: 'POST', url: `/api/v1/chats/${w.buildingId}/messages`, payload: { clientId: `matrix-cell-${freshPhone()}`, text: '矩阵' } }) },
  'POST /api/v1/chats/{id}/read': { expect: buildingMembers(200), call: (w) => ({ method: 'POST', url: `/api/v1/chats/${w.buildingId}/read`, payload: { seq: 1 } }) },
  'DELETE /api/v1/chats/{id}/messages/{messageId}': {
    // A member who is not the sender is refused with 403 (the message is visible to them anyway).
    expect: but(allowed(['household', 'workerIn', 'admin'], 200), { in: { neighbour: 403 } }), why: 'the sender (the household) within 2 minutes, or staff of the building',
    call: async (w, _s, f) => ({ method: 'DELETE', url: `/api/v1/chats/${w.buildingId}/messages/${await f.message(w)}` }),
  },
  'POST /api/v1/chats/{id}/mutes': {
    expect: but(staffOfGrid(200), { in: { household: 403, neighbour: 403 } }), why: 'members of the group who are not staff: 403',
    call: async (w) => ({ method: 'POST', url: `/api/v1/chats/${w.buildingId}/mutes`, payload: { userId: (await t.login(w.phones.applicant)).userId, minutes: 1 } }),
  },
  'GET /api/v1/chats/{id}/members': { expect: buildingMembers(200), call: (w) => ({ url: `/api/v1/chats/${w.buildingId}/members` }) },
  'POST /api/v1/chats/{id}/images': { expect: buildingMembers(201), call: (w) => ({ method: 'POST', url: `/api/v1/chats/${w.buildingId}/images`, ...multipartImage() }) },
  'GET /api/v1/chats/{id}/images/{imageId}': { expect: buildingMembers(200), call: (w, s) => ({ url: `/api/v1/chats/${w.buildingId}/images/${s.image}` }) },
  'GET /api/v1/ws': {
    expect: anyAccount(426), call: (_w, _s, _f, token) => ({ url: `/api/v1/ws${token ? `?token=${token}` : ''}` }),
    why: 'the WebSocket (token in the query); plain HTTP gets 426. Per-group isolation of its messages: tests/realtime/socket.test.ts',
  },

  'POST /api/v1/notices': { expect: staffOfGrid(201), call: (w) => ({ method: 'POST', url: '/api/v1/notices', payload: { title: '矩阵通知', body: '内容', buildingIds: [w.buildingId] } }) },
  'GET /api/v1/notices': { expect: anyAccount(200), listing: { sees: ['household', 'neighbour', 'workerIn', 'admin'] }, call: (w, s) => ({ url: '/api/v1/notices?limit=100', hidden: [s.notice] }) },
  'GET /api/v1/notices/{id}': { expect: buildingMembers(200), call: (w, s) => ({ url: `/api/v1/notices/${s.notice}` }) },
  'POST /api/v1/notices/{id}/ack': {
    expect: roleRefused(householdOnly(200), ['workerIn', 'workerOut', 'admin']), why: 'staff are refused by role (403): only targeted residents acknowledge',
    call: (w, s) => ({ method: 'POST', url: `/api/v1/notices/${s.notice}/ack`, payload: { householdId: w.householdId } }),
  },
  'GET /api/v1/notices/{id}/stats': { expect: staffOfGrid(200), call: (w, s) => ({ url: `/api/v1/notices/${s.notice}/stats` }) },
  'GET /api/v1/notices/{id}/unreached.csv': { expect: staffOfGrid(200), call: (w, s) => ({ url: `/api/v1/notices/${s.notice}/unreached.csv` }) },

  'GET /api/v1/products': { expect: anyAccount(200), listing: { sees: [...signedIn] }, call: (w, s) => ({ url: '/api/v1/products', hidden: [s.product] }) },
  'POST /api/v1/products': { expect: otherCommunityForbidden(roleRefused(communityStaff(201), nonStaff)), call: (w) => ({ method: 'POST', url: '/api/v1/products', payload: { name: '矩阵商品', category: 'daily', unit: '个', priceFen: 100, communityId: w.communityId } }) },
  'PATCH /api/v1/products/{id}': { expect: communityStaff(200), call: (w, s) => ({ method: 'PATCH', url: `/api/v1/products/${s.product}`, payload: { priceFen: 600 } }) },
  'GET /api/v1/group-buys': { expect: anyAccount(200), listing: { sees: [...signedIn] }, call: (w, s) => ({ url: '/api/v1/group-buys?limit=100', hidden: [s.groupBuy.id] }) },
  'GET /api/v1/group-buys/{id}': { expect: communityMembers(200), call: (w, s) => ({ url: `/api/v1/group-buys/${s.groupBuy.id}` }) },
  'POST /api/v1/group-buys': {
    expect: otherCommunityForbidden(roleRefused(communityStaff(201), nonStaff)),
    call: (w) => ({
      method: 'POST', url: '/api/v1/group-buys',
      payload: { title: '矩阵团购', opensAt: new Date(Date.now() + 3_600_000).toISOString(), closesAt: new Date(Date.now() + 7_200_000).toISOString(), communityId: w.communityId, items: [{ name: '米', unit: '袋', priceFen: 100, stock: 10, perHouseholdLimit: 1 }] },
    }),
  },
  'PATCH /api/v1/group-buys/{id}': { expect: communityStaff(200), call: (w, s) => ({ method: 'PATCH', url: `/api/v1/group-buys/${s.groupBuy.id}`, payload: { description: '保供' } }) },
  'POST /api/v1/group-buys/{id}/publish': { expect: communityStaff(200), call: async (w, _s, f) => ({ method: 'POST', url: `/api/v1/group-buys/${(await f.groupBuy(w, { publish: false })).id}/publish` }) },
  'POST /api/v1/group-buys/{id}/close': { expect: communityStaff(200), call: async (w, _s, f) => ({ method: 'POST', url: `/api/v1/group-buys/${(await f.groupBuy(w)).id}/close` }) },
  'POST /api/v1/orders': {
    expect: householdOnly(201),
    call: (w, s) => ({ method: 'POST', url: '/api/v1/orders', headers: { 'idempotency-key': `matrix-${freshPhone()}` }, payload: { householdId: w.householdId, items: [{ itemId: s.groupBuy.itemId, qty: 1 }] } }),
  },
  'GET /api/v1/orders': { expect: householdAndStaff(200), call: (w, s) => ({ url: `/api/v1/orders?householdId=${w.householdId}`, hidden: [s.order.id] }), why: 'filtered by a household: 404 outside it' },
  'GET /api/v1/orders/{id}': {
    expect: householdAndStaff(200), call: (w, s) => ({ url: `/api/v1/orders/${s.order.id}` }),
    verify: (res, actor, _w, s) => expect(res.json().deliveryCode).toBe(actor === 'household' ? s.order.code : null),
  },
  'POST /api/v1/orders/{id}/cancel': { expect: householdAndStaff(200), call: async (w, _s, f) => ({ method: 'POST', url: `/api/v1/orders/${(await f.order(w)).id}/cancel` }) },
  'POST /api/v1/orders/{id}/pack': { expect: staffOfGrid(200), call: async (w, _s, f) => ({ method: 'POST', url: `/api/v1/orders/${(await f.order(w)).id}/pack` }) },
  'POST /api/v1/buildings/{id}/orders/pack': { expect: staffOfGrid(200), call: (w, s) => ({ method: 'POST', url: `/api/v1/buildings/${w.buildingId}/orders/pack?groupBuyId=${s.groupBuy.id}` }) },
  'GET /api/v1/buildings/{id}/picking-list': { expect: staffOfGrid(200), call: (w) => ({ url: `/api/v1/buildings/${w.buildingId}/picking-list` }) },
  'GET /api/v1/buildings/{id}/picking-list.csv': { expect: staffOfGrid(200), call: (w) => ({ url: `/api/v1/buildings/${w.buildingId}/picking-list.csv` }) },
  'GET /api/v1/buildings/{id}/picking-list.html': { expect: staffOfGrid(200), call: (w) => ({ url: `/api/v1/buildings/${w.buildingId}/picking-list.html` }) },

  'POST /api/v1/medicine-requests': { expect: householdOnly(201), call: (w) => ({ method: 'POST', url: '/api/v1/medicine-requests', payload: { householdId: w.householdId, medicineName: '布洛芬', amount: '1盒' } }) },
  'GET /api/v1/medicine-requests': { expect: householdAndStaff(200), call: (w, s) => ({ url: `/api/v1/medicine-requests?householdId=${w.householdId}`, hidden: [s.medicine] }) },
  'GET /api/v1/medicine-requests/{id}': { expect: householdAndStaff(200), call: (w, s) => ({ url: `/api/v1/medicine-requests/${s.medicine}` }) },
  'POST /api/v1/medicine-requests/{id}/accept': { expect: staffOfGrid(200), call: async (w, _s, f) => ({ method: 'POST', url: `/api/v1/medicine-requests/${await f.medicineRequest(w)}/accept` }) },
  'POST /api/v1/medicine-requests/{id}/decline': { expect: staffOfGrid(200), call: async (w, _s, f) => ({ method: 'POST', url: `/api/v1/medicine-requests/${await f.medicineRequest(w)}/decline`, payload: { reason: '缺货' } }) },
  'POST /api/v1/medicine-requests/{id}/cancel': { expect: householdOnly(200), call: async (w, _s, f) => ({ method: 'POST', url: `/api/v1/medicine-requests/${await f.medicineRequest(w)}/cancel` }), why: 'the household withdraws; staff decline instead' },
  'PUT /api/v1/medicine-requests/{id}/photo': { expect: householdOnly(200), call: (w, s) => ({ method: 'PUT', url: `/api/v1/medicine-requests/${s.medicine}/photo`, headers: { 'content-type': 'image/png' }, payload: pngBytes }) },
  'GET /api/v1/medicine-requests/{id}/photo': { expect: householdAndStaff(200), call: (w, s) => ({ url: `/api/v1/medicine-requests/${s.medicine}/photo` }) },

  'POST /api/v1/checkins': { expect: householdOnly(200), call: (w) => ({ method: 'POST', url: '/api/v1/checkins', payload: { personId: w.personId, temperatureC: 36.5 } }) },
  'GET /api/v1/checkins': {
    expect: buildingMembers(200), listing: { sees: ['household', 'workerIn', 'admin'] },
    call: (w) => ({ url: `/api/v1/checkins?buildingId=${w.buildingId}`, hidden: [w.personId] }),
    why: "staff of the building see all of it; a resident of it only their own household's rows",
  },
  'GET /api/v1/households/{id}/checkins': { expect: householdAndStaff(200), call: (w) => ({ url: `/api/v1/households/${w.householdId}/checkins` }) },
  'GET /api/v1/checkins/missed': { expect: roleRefused(staffOfGrid(200), nonStaff), call: (w) => ({ url: `/api/v1/checkins/missed?buildingId=${w.buildingId}` }) },
  'GET /api/v1/checkins/export.csv': { expect: roleRefused(anyAccount(200), nonStaff), listing: { sees: ['workerIn', 'admin'] }, call: (w) => ({ url: '/api/v1/checkins/export.csv', hidden: [w.personName] }) },
  'GET /api/v1/alerts': { expect: roleRefused(anyAccount(200), nonStaff), listing: { sees: ['workerIn', 'admin'] }, call: (w, s) => ({ url: '/api/v1/alerts?limit=100', hidden: [s.alert] }) },
  'POST /api/v1/alerts/{id}/acknowledge': { expect: staffOfGrid(200), call: async (w, _s, f) => ({ method: 'POST', url: `/api/v1/alerts/${await f.alert(w)}/acknowledge`, payload: {} }) },
  'POST /api/v1/alerts/{id}/resolve': { expect: staffOfGrid(200), call: async (w, _s, f) => ({ method: 'POST', url: `/api/v1/alerts/${await f.alert(w)}/resolve`, payload: {} }) },
  'POST /api/v1/help-requests': { expect: householdOnly(201), call: (w) => ({ method: 'POST', url: '/api/v1/help-requests', payload: { householdId: w.householdId, kind: 'food', details: '家里没米了' } }) },
  'GET /api/v1/help-requests': { expect: anyAccount(200), listing: { sees: ['household', 'workerIn', 'admin'] }, call: (w) => ({ url: '/api/v1/help-requests?limit=100', hidden: [w.householdId] }) },
  'POST /api/v1/help-requests/{id}/acknowledge': { expect: staffOfGrid(200), call: async (w, _s, f) => ({ method: 'POST', url: `/api/v1/help-requests/${await f.helpRequest(w)}/acknowledge`, payload: {} }) },
  'POST /api/v1/help-requests/{id}/resolve': { expect: staffOfGrid(200), call: async (w, _s, f) => ({ method: 'POST', url: `/api/v1/help-requests/${await f.helpRequest(w)}/resolve`, payload: {} }) },
  'GET /api/v1/care-roster': { expect: roleRefused(anyAccount(200), nonStaff), listing: { sees: ['workerIn', 'admin'] }, call: () => ({ url: '/api/v1/care-roster' }) },
  'POST /api/v1/persons/{id}/care-visits': { expect: staffOfGrid(201), call: (w) => ({ method: 'POST', url: `/api/v1/persons/${w.personId}/care-visits`, payload: { note: '上门看望' } }) },
  'POST /api/v1/testing-rounds': {
    expect: roleRefused(staffOfGrid(201), nonStaff),
    call: (w) => ({ method: 'POST', url: '/api/v1/testing-rounds', payload: { title: '矩阵核酸', day: '2026-12-02', slots: [{ buildingId: w.buildingId, startTime: '08:00', endTime: '09:00' }] } }),
  },
  'GET /api/v1/testing-rounds': { expect: anyAccount(200), listing: { sees: ['household', 'neighbour', 'workerIn', 'admin'] }, call: (w, s) => ({ url: '/api/v1/testing-rounds', hidden: [s.testingRound] }) },
  'POST /api/v1/testing-rounds/{id}/buildings/{buildingId}/done': { expect: staffOfGrid(200), call: async (w, _s, f) => ({ method: 'POST', url: `/api/v1/testing-rounds/${await f.testingRound(w)}/buildings/${w.buildingId}/done` }) },
  'GET /api/v1/dashboard': { expect: roleRefused(anyAccount(200), nonStaff), listing: { sees: ['workerIn', 'admin'] }, call: () => ({ url: '/api/v1/dashboard' }) },

  'GET /api/v1/pass-policy': { expect: communityMembers(200), call: (w) => ({ url: `/api/v1/pass-policy?communityId=${w.communityId}` }) },
  'PUT /api/v1/pass-policy': { expect: roleRefused(communityStaff(200), nonStaff, ['in']), call: (w) => ({ method: 'PUT', url: `/api/v1/pass-policy?communityId=${w.communityId}`, payload: { exitsPerWindow: 2, windowDays: 1, maxOutMinutes: 120 } }), why: 'the community-wide exit rule: its admin or any of its grid workers' },
  'GET /api/v1/passes': { expect: roleRefused(anyAccount(200), nonStaff), listing: { sees: ['workerIn', 'admin'] }, call: (w, s) => ({ url: `/api/v1/passes?buildingId=${w.buildingId}`, hidden: [s.pass] }) },
  'POST /api/v1/passes': { expect: staffOfGrid(201), call: (w) => ({ method: 'POST', url: '/api/v1/passes', payload: { householdId: w.householdId, kind: 'medical', reason: '就医', validUntil: new Date(Date.now() + 86_400_000).toISOString() } }) },
  'POST /api/v1/buildings/{id}/passes': { expect: staffOfGrid(200), call: (w) => ({ method: 'POST', url: `/api/v1/buildings/${w.buildingId}/passes` }) },
  'POST /api/v1/passes/{id}/revoke': { expect: staffOfGrid(200), call: async (w, _s, f) => ({ method: 'POST', url: `/api/v1/passes/${await f.pass(w)}/revoke` }) },
  'GET /api/v1/passes/mine': { expect: anyAccount(200), listing: { sees: ['household'] }, call: (w) => ({ url: '/api/v1/passes/mine', hidden: [w.householdId] }) },
  'GET /api/v1/passes/{id}/token': { expect: householdOnly(200), call: async (w, _s, f) => ({ url: `/api/v1/passes/${await f.pass(w)}/token` }), why: 'only the household mints the QR token' },
  'POST /api/v1/gate/scans': { expect: allowed(['volunteer', 'workerIn', 'workerOut', 'admin'], 201), call: async (w, _s, f) => ({ method: 'POST', url: '/api/v1/gate/scans', payload: { token: await f.passToken(w), direction: 'out' } }) },
  'GET /api/v1/pass-trips': { expect: roleRefused(anyAccount(200), nonStaff), listing: { sees: ['workerIn', 'admin'] }, call: async (w, _s, f) => { await f.tripOut(w); return { url: '/api/v1/pass-trips', hidden: [w.householdId] }; } },
  'GET /api/v1/pass-trips/today': { expect: roleRefused(anyAccount(200), nonStaff), listing: { sees: ['workerIn', 'admin'] }, call: async (w, _s, f) => { await f.tripOut(w); return { url: '/api/v1/pass-trips/today', hidden: [w.buildingId] }; }, why: 'per building of the caller\'s grids' },

  'GET /api/v1/reserve-items': { expect: roleRefused(communityStaff(200), nonStaff, ['in']), call: (w) => ({ url: `/api/v1/reserve-items?communityId=${w.communityId}` }) },
  'POST /api/v1/reserve-items': { expect: roleRefused(communityStaff(201), nonStaff, ['in']), call: (w) => ({ method: 'POST', url: `/api/v1/reserve-items?communityId=${w.communityId}`, payload: { name: `矩阵物资 ${freshPhone()}`, unit: '个', lowStockThreshold: 1 } }) },
  'PATCH /api/v1/reserve-items/{id}': { expect: communityStaff(200), call: (w, s) => ({ method: 'PATCH', url: `/api/v1/reserve-items/${s.reserveItem}`, payload: { lowStockThreshold: 2 } }) },
  'GET /api/v1/reserve-items/{id}/entries': { expect: communityStaff(200), call: (w, s) => ({ url: `/api/v1/reserve-items/${s.reserveItem}/entries` }) },
  'POST /api/v1/reserve-items/{id}/entries': { expect: communityStaff(201), call: (w, s) => ({ method: 'POST', url: `/api/v1/reserve-items/${s.reserveItem}/entries`, payload: { kind: 'received', quantity: 1, reason: '入库' } }) },
  'POST /api/v1/reserve-items/{id}/distributions': { expect: staffOfGrid(201), call: (w, s) => ({ method: 'POST', url: `/api/v1/reserve-items/${s.reserveItem}/distributions`, payload: { buildingId: w.buildingId, per: 'household', quantity: 1, reason: '发放' } }) },
  'GET /api/v1/reserve-ledger.csv': { expect: roleRefused(communityStaff(200), nonStaff, ['in']), call: (w) => ({ url: `/api/v1/reserve-ledger.csv?communityId=${w.communityId}` }) },

  'POST /api/v1/volunteer-applications': {
    // The caller applies for a community they are bound to a household in: residents of it only; anyone else 403.
    expect: otherCommunityForbidden(roleRefused(allowed(residents, 201), ['volunteer', 'workerIn', 'workerOut', 'admin'])),
    call: (w) => ({ method: 'POST', url: '/api/v1/volunteer-applications', payload: { communityId: w.communityId, skills: ['delivery'], availability } }),
  },
  'GET /api/v1/volunteer-applications/mine': { expect: anyAccount(200), listing: { sees: ['household'] }, call: () => ({ url: '/api/v1/volunteer-applications/mine' }), why: "the caller's own application (the household applied in the row above)" },
  'GET /api/v1/volunteer-applications': { expect: roleRefused(anyAccount(200), nonStaff), listing: { sees: ['workerIn', 'workerOut', 'admin'] }, call: (w, s) => ({ url: '/api/v1/volunteer-applications?limit=100', hidden: [s.application] }) },
  'GET /api/v1/volunteer-applications/{id}': { expect: communityStaff(200), call: (w, s) => ({ url: `/api/v1/volunteer-applications/${s.application}` }) },
  'GET /api/v1/volunteer-applications/{id}/phone': { expect: communityStaff(200), call: (w, s) => ({ url: `/api/v1/volunteer-applications/${s.application}/phone` }) },
  'POST /api/v1/volunteer-applications/{id}/approve': { expect: communityStaff(200), call: async (w, _s, f) => ({ method: 'POST', url: `/api/v1/volunteer-applications/${await f.volunteerApplication(w)}/approve`, payload: {} }) },
  'POST /api/v1/volunteer-applications/{id}/reject': { expect: communityStaff(200), call: async (w, _s, f) => ({ method: 'POST', url: `/api/v1/volunteer-applications/${await f.volunteerApplication(w)}/reject`, payload: { reason: '人数已满' } }) },
  'POST /api/v1/volunteer-applications/{id}/suspend': { expect: communityStaff(200), call: async (w, _s, f) => ({ method: 'POST', url: `/api/v1/volunteer-applications/${await f.volunteerApplication(w, 'approved')}/suspend`, payload: { reason: '暂停' } }) },
  'POST /api/v1/volunteer-applications/{id}/reinstate': {
    expect: communityStaff(200),
    call: async (w, _s, f) => {
      const id = await f.volunteerApplication(w, 'approved');
      await t.call((await t.login(w.phones.admin)).token, { method: 'POST', url: `/api/v1/volunteer-applications/${id}/suspend`, payload: { reason: '暂停' } });
      return { method: 'POST', url: `/api/v1/volunteer-applications/${id}/reinstate`, payload: {} };
    },
  },
  'POST /api/v1/call-ups': { expect: otherCommunityForbidden(roleRefused(communityStaff(201), nonStaff)), call: (w) => ({ method: 'POST', url: '/api/v1/call-ups', payload: { communityId: w.communityId, skill: 'delivery', needed: 1, place: '东门', startsAt: new Date(Date.now() + 3_600_000).toISOString() } }) },
  'GET /api/v1/call-ups': { expect: roleRefused(anyAccount(200), nonStaff), listing: { sees: ['workerIn', 'workerOut', 'admin'] }, call: (w, s) => ({ url: '/api/v1/call-ups?limit=100', hidden: [s.callUp] }) },
  'GET /api/v1/call-ups/mine': { expect: roleRefused(anyAccount(200), [...residents, 'workerIn', 'workerOut', 'admin']), listing: { sees: ['volunteer'] }, call: (w, s) => ({ url: '/api/v1/call-ups/mine', hidden: [s.callUp] }) },
  'GET /api/v1/call-ups/{id}': { expect: communityStaff(200), call: (w, s) => ({ url: `/api/v1/call-ups/${s.callUp}` }), why: 'staff; a volunteer sees it in /call-ups/mine' },
  'POST /api/v1/call-ups/{id}/answer': { expect: allowed(['volunteer'], 200), call: async (w, _s, f) => ({ method: 'POST', url: `/api/v1/call-ups/${await f.callUp(w)}/answer`, payload: { answer: 'yes' } }) },
  'POST /api/v1/call-ups/{id}/close': { expect: communityStaff(200), call: async (w, _s, f) => ({ method: 'POST', url: `/api/v1/call-ups/${await f.callUp(w)}/close` }) },

  'POST /api/v1/delivery-tasks': { expect: staffOfGrid(201), call: async (w, _s, f) => { await f.packedOrder(w); return { method: 'POST', url: '/api/v1/delivery-tasks', payload: { buildingId: w.buildingId } }; } },
  'GET /api/v1/tasks': { expect: anyAccount(200), listing: { sees: ['volunteer', 'workerIn', 'admin'] }, call: (w, s) => ({ url: '/api/v1/tasks', hidden: [s.errand, s.delivery.taskId] }) },
  'GET /api/v1/tasks/mine': { expect: anyAccount(200), listing: { sees: ['volunteer'] }, call: (w, s) => ({ url: '/api/v1/tasks/mine', hidden: [s.errand, s.delivery.taskId] }) },
  'GET /api/v1/tasks/{id}': { expect: allowed(['volunteer', 'workerIn', 'admin'], 200), call: (w, s) => ({ url: `/api/v1/tasks/${s.errand}` }) },
  'POST /api/v1/tasks/{id}/claim': { expect: but(allowed(['volunteer'], 200), { in: { workerIn: 403, admin: 403 } }), call: async (w, _s, f) => ({ method: 'POST', url: `/api/v1/tasks/${await f.openErrand(w)}/claim` }), why: 'staff see the task but are not volunteers: 403 NOT_A_VOLUNTEER' },
  'POST /api/v1/tasks/{id}/release': { expect: allowed(['volunteer', 'workerIn', 'admin'], 200), why: 'its claimer, or staff of the task', call: async (w, _s, f) => ({ method: 'POST', url: `/api/v1/tasks/${await f.claimedErrand(w)}/release` }) },
  'POST /api/v1/tasks/{id}/complete': { expect: claimerOnly(200), call: async (w, _s, f) => ({ method: 'POST', url: `/api/v1/tasks/${await f.claimedErrand(w)}/complete`, payload: {} }) },
  'POST /api/v1/tasks/{id}/deliveries': {
    expect: claimerOnly(200), why: 'the claimer (the volunteer actor claimed the in-world task)',
    call: async (w, _s, f) => { const d = await f.claimedDelivery(w); return { method: 'POST', url: `/api/v1/tasks/${d.taskId}/deliveries`, payload: { orderId: d.orderId, code: d.code } }; },
  },
  'PUT /api/v1/tasks/{id}/orders/{orderId}/door-photo': {
    expect: claimerOnly(200),
    call: async (w, _s, f) => { const d = await f.claimedDelivery(w); return { method: 'PUT', url: `/api/v1/tasks/${d.taskId}/orders/${d.orderId}/door-photo`, headers: { 'content-type': 'image/png' }, payload: pngBytes }; },
  },
  'GET /api/v1/orders/{id}/door-photo': { expect: allowed(['household', 'volunteer', 'workerIn', 'admin'], 200), call: (w, s) => ({ url: `/api/v1/orders/${s.atDoor.orderId}/door-photo` }) },
  'POST /api/v1/orders/{id}/confirm-delivery': { expect: householdOnly(200), call: async (w, _s, f) => ({ method: 'POST', url: `/api/v1/orders/${(await f.orderAtDoor(w)).orderId}/confirm-delivery` }) },
  'POST /api/v1/tasks/{id}/orders/{orderId}/unlock': { expect: staffOfGrid(200), call: async (w, _s, f) => { const d = await f.lockedDelivery(w); return { method: 'POST', url: `/api/v1/tasks/${d.taskId}/orders/${d.orderId}/unlock` }; } },
  'GET /api/v1/tasks/{id}/households/{householdId}/phone': { expect: claimerOnly(200), call: (w, s) => ({ url: `/api/v1/tasks/${s.delivery.taskId}/households/${w.householdId}/phone` }), why: 'the claimer only; staff who see the task get 403 NOT_CLAIMER' },
  'POST /api/v1/help-requests/{id}/errand-task': { expect: staffOfGrid(201), call: async (w, _s, f) => ({ method: 'POST', url: `/api/v1/help-requests/${await f.helpRequest(w)}/errand-task`, payload: { details: '代买' } }) },
  'POST /api/v1/visit-tasks': { expect: staffOfGrid(201), call: (w) => ({ method: 'POST', url: '/api/v1/visit-tasks', payload: { personId: w.personId, details: '上门看望' } }) },

  'GET /api/v1/volunteer-stats': { expect: otherCommunityForbidden(roleRefused(communityStaff(200), nonStaff)), call: (w) => ({ url: `/api/v1/volunteer-stats?communityId=${w.communityId}` }) },
  'POST /api/v1/thank-you-posts': { expect: otherCommunityForbidden(roleRefused(communityStaff(201), nonStaff)), call: (w) => ({ method: 'POST', url: '/api/v1/thank-you-posts', payload: { communityId: w.communityId, title: '感谢', message: '谢谢', ...thanksPeriod() } }) },
  'GET /api/v1/thank-you-posts': { expect: anyAccount(200), listing: { sees: [...signedIn] }, call: (w, s) => ({ url: '/api/v1/thank-you-posts', hidden: [s.thankYouPost] }) },
  'POST /api/v1/thank-you-posts/{id}/hide': { expect: communityStaff(200), call: async (w, _s, f) => ({ method: 'POST', url: `/api/v1/thank-you-posts/${await f.thankYouPost(w)}/hide` }) },
};

/** Present only while the h5 build is missing (the placeholder page); the static plugin that serves the build is outside the document. */
const h5Placeholder: Record<string, Row> = {
  'GET /': { expect: publicRoute(200), call: () => ({ url: '/' }), why: 'the h5 placeholder page' },
};

// ---- running it --------------------------------------------------------------------------------------------------

let t: TestApp;
let worlds: Record<Side, World>;
let shared: Record<Side, Shared>;
let factories: MatrixFactories;
let served: string[];
let cellsRun = 0;
const startedAt = Date.now();

async function freshRefreshToken(w: World) {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/dev-login', payload: { phone: w.phones.applicant } });
  return res.json().refreshToken as string;
}

beforeAll(async () => {
  t = await createTestApp();
  const spec = t.app.swagger() as { paths: Record<string, Record<string, unknown>> };
  served = Object.entries(spec.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
  worlds = await createWorlds(t);
  factories = matrixFactories(t);
  shared = { in: await sharedObjects(worlds.in, factories), out: await sharedObjects(worlds.out, factories) };
}, 120_000);
afterAll(async () => {
  const routes = served?.length ?? 0;
  // eslint-disable-next-line no-console
  console.log(`authorization matrix: ${routes} routes in the document, ${cellsRun} cells run (${actorNames.length} actors × in/out), ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  await t?.close();
});

const rowsFor = (route: string): Row | undefined => table[route] ?? h5Placeholder[route];

it('every route in the OpenAPI document has a row, and every row is a route in the document', () => {
  const unlisted = served.filter((route) => !rowsFor(route));
  const stale = Object.keys(table).filter((route) => !served.includes(route));
  expect({ unlisted, stale }).toEqual({ unlisted: [], stale: [] });
});

const placeholderId = '00000000-0000-4000-8000-000000000000';
it('every route that is not public answers 401 without a token, before reading the body', async () => {
  const notRefused: string[] = [];
  for (const route of served) {
    const row = rowsFor(route);
    if (!row || row.expect.in.anonymous !== 401) continue;
    const [method, path] = route.split(' ') as [string, string];
    const res = await t.app.inject({ method: method as 'GET', url: path.replace(/\{[^}]+\}/g, placeholderId), payload: method === 'GET' || method === 'DELETE' ? undefined : 'not json', headers: { 'content-type': 'application/json' } });
    if (res.statusCode !== 401) notRefused.push(`${route} → ${res.statusCode}`);
  }
  expect(notRefused).toEqual([]);
});

function refusalProblems(res: LightMyRequestResponse, secrets: string[]): string[] {
  const problems: string[] = [];
  let body: unknown;
  try {
    body = res.json();
  } catch {
    return [`body is not JSON: ${res.body.slice(0, 80)}`];
  }
  if (!body || typeof body !== 'object' || Object.keys(body).join() !== 'error') problems.push(`body is not only { error }: ${res.body.slice(0, 120)}`);
  for (const s of secrets) if (res.body.includes(s)) problems.push(`body names "${s}"`);
  return problems;
}

describe.each(Object.keys(table).concat(Object.keys(h5Placeholder)))('%s', (route) => {
  it('answers every actor as declared, in scope and out of scope', async () => {
    if (!served.includes(route)) return; // the placeholder page when the h5 build exists; a stale row fails above
    const row = rowsFor(route)!;
    const problems: string[] = [];
    for (const side of ['in', 'out'] as const) {
      const w = worlds[side];
      for (const actor of actorNames) {
        const expected = row.expect[side][actor];
        const phone = matrixActors[actor];
        const token = phone ? (await t.login(phone)).token : null;
        const call = await row.call(w, shared[side], factories, token);
        const res = await t.call(token, { method: call.method ?? 'GET', url: call.url, payload: call.payload as string, headers: call.headers });
        cellsRun++;
        const secrets = [...secretsOf(w), ...(call.hidden ?? [])];
        const cell = `${side} ${actor}`;
        if (res.statusCode !== expected) {
          problems.push(`${cell}: ${res.statusCode} (declared ${expected}) ${res.body.slice(0, 100)}`);
          continue;
        }
        if (expected === 401 || expected === 403 || expected === 404) {
          for (const p of refusalProblems(res, secrets.concat(call.url.match(/[0-9a-f-]{36}/g) ?? []))) problems.push(`${cell}: ${p}`);
        } else if (row.listing && res.statusCode < 300) {
          if (side === 'in' && row.listing.sees.includes(actor)) {
            for (const id of call.hidden ?? []) if (!res.body.includes(id)) problems.push(`${cell}: the listing misses "${id}"`);
          } else {
            // The household's own values are its own to see (its own requests, its own /me); never the hidden objects.
            const unseen = side === 'in' && actor === 'household' ? call.hidden ?? [] : secrets;
            for (const s of unseen) if (res.body.includes(s)) problems.push(`${cell}: the listing names "${s}", out of the caller's scope`);
          }
        }
        if (row.verify && res.statusCode < 300) {
          try {
            row.verify(res, actor, w, shared[side]);
          } catch (err) {
            problems.push(`${cell}: ${(err as Error).message.split('\n').slice(0, 3).join(' ')}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
