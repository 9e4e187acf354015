// Every route the server has (read from its own OpenAPI document) must be accounted for here: public, about the
// caller's own account only, or scope-checked with the suite that proves it. A new route that is not listed fails
// this test, so nobody can add an endpoint that trusts the role alone without saying how its scope is checked.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestApp, type TestApp } from '../support/app';

type Guard =
  | { kind: 'public'; why: string }
  | { kind: 'own account'; why: string }
  | { kind: 'scope'; provenBy: string };

const repoRoot = join(__dirname, '..', '..');

const routeGuards: Record<string, Guard> = {
  'GET /healthz': { kind: 'public', why: 'process liveness for the orchestrator' },
  'GET /readyz': { kind: 'public', why: 'readiness: database and migrations, no data' },
  'POST /api/v1/auth/dev-login': { kind: 'public', why: 'log-in (off in production), rate-limited per phone and IP' },
  'POST /api/v1/auth/wechat': { kind: 'public', why: 'log-in with a wx.login code, rate-limited per IP' },
  'POST /api/v1/auth/refresh': { kind: 'public', why: 'the refresh token is the credential' },
  'POST /api/v1/auth/logout': { kind: 'public', why: 'the refresh token is the credential; revokes only its own family' },
  'GET /api/v1/me': { kind: 'own account', why: 'the caller, their roles and approved households' },
  'GET /api/v1/buildings/directory': { kind: 'own account', why: 'building names only, to choose one to bind to' },
  'GET /api/v1/buildings': { kind: 'scope', provenBy: 'tests/api/community.test.ts' },
  'GET /api/v1/buildings/{id}/households': { kind: 'scope', provenBy: 'tests/matrix/scope.test.ts' },
  'GET /api/v1/households/{id}': { kind: 'scope', provenBy: 'tests/matrix/scope.test.ts' },
  'GET /api/v1/persons/{id}/phone': { kind: 'scope', provenBy: 'tests/matrix/scope.test.ts' },
  'GET /api/v1/audit': { kind: 'scope', provenBy: 'tests/matrix/scope.test.ts' },
  'GET /api/v1/grids': { kind: 'scope', provenBy: 'tests/api/grids.test.ts' },
  'POST /api/v1/grids/{id}/workers': { kind: 'scope', provenBy: 'tests/api/grids.test.ts' },
  'DELETE /api/v1/grids/{id}/workers/{userId}': { kind: 'scope', provenBy: 'tests/api/grids.test.ts' },
  'POST /api/v1/household-bindings': { kind: 'own account', why: 'asks to bind the caller; a grid worker decides' },
  'GET /api/v1/household-bindings': { kind: 'scope', provenBy: 'tests/api/community.test.ts' },
  'POST /api/v1/household-bindings/{id}/approve': { kind: 'scope', provenBy: 'tests/api/community.test.ts' },
  'POST /api/v1/household-bindings/{id}/reject': { kind: 'scope', provenBy: 'tests/api/community.test.ts' },
  'POST /api/v1/households/import': { kind: 'scope', provenBy: 'tests/api/household-import.test.ts' },
  'GET /api/v1/households/import/template.csv': { kind: 'scope', provenBy: 'tests/api/household-import.test.ts' },
  'GET /api/v1/chats': { kind: 'scope', provenBy: 'tests/api/chats.test.ts' },
  'GET /api/v1/chats/{id}': { kind: 'scope', provenBy: 'tests/matrix/scope.test.ts' },
  'GET /api/v1/chats/{id}/messages': { kind: 'scope', provenBy: 'tests/matrix/scope.test.ts' },
  'POST /api/v1/chats/{id}/messages': { kind: 'scope', provenBy: 'tests/matrix/scope.test.ts' },
  'POST /api/v1/chats/{id}/read': { kind: 'scope', provenBy: 'tests/matrix/scope.test.ts' },
  'DELETE /api/v1/chats/{id}/messages/{messageId}': { kind: 'scope', provenBy: 'tests/api/chats.test.ts' },
  'POST /api/v1/chats/{id}/mutes': { kind: 'scope', provenBy: 'tests/api/chats.test.ts' },
  'GET /api/v1/chats/{id}/members': { kind: 'scope', provenBy: 'tests/matrix/scope.test.ts' },
  'POST /api/v1/chats/{id}/images': { kind: 'scope', provenBy: 'tests/api/chat-images.test.ts' },
  'GET /api/v1/chats/{id}/images/{imageId}': { kind: 'scope', provenBy: 'tests/api/chat-images.test.ts' },
  // GET /api/v1/ws (WebSocket) is not in the OpenAPI document (@fastify/swagger leaves websocket routes out); its
  // token check, 401/426 on plain HTTP and per-group isolation are proven in tests/realtime/socket.test.ts.
  'POST /api/v1/notices': { kind: 'scope', provenBy: 'tests/api/notices.test.ts' },
  'GET /api/v1/notices': { kind: 'scope', provenBy: 'tests/api/notices.test.ts' },
  'GET /api/v1/notices/{id}': { kind: 'scope', provenBy: 'tests/matrix/scope.test.ts' },
  'POST /api/v1/notices/{id}/ack': { kind: 'scope', provenBy: 'tests/api/notices.test.ts' },
  'GET /api/v1/notices/{id}/stats': { kind: 'scope', provenBy: 'tests/matrix/scope.test.ts' },
  'GET /api/v1/notices/{id}/unreached.csv': { kind: 'scope', provenBy: 'tests/api/notices.test.ts' },
  'GET /api/v1/products': { kind: 'scope', provenBy: 'tests/api/supplies.test.ts' },
  'POST /api/v1/products': { kind: 'scope', provenBy: 'tests/api/supplies.test.ts' },
  'PATCH /api/v1/products/{id}': { kind: 'scope', provenBy: 'tests/api/supplies.test.ts' },
  'GET /api/v1/group-buys': { kind: 'scope', provenBy: 'tests/api/supplies.test.ts' },
  'GET /api/v1/group-buys/{id}': { kind: 'scope', provenBy: 'tests/matrix/scope.test.ts' },
  'POST /api/v1/group-buys': { kind: 'scope', provenBy: 'tests/api/supplies.test.ts' },
  'PATCH /api/v1/group-buys/{id}': { kind: 'scope', provenBy: 'tests/matrix/scope.test.ts' },
  'POST /api/v1/group-buys/{id}/publish': { kind: 'scope', provenBy: 'tests/api/supplies.test.ts' },
  'POST /api/v1/group-buys/{id}/close': { kind: 'scope', provenBy: 'tests/matrix/scope.test.ts' },
  'POST /api/v1/orders': { kind: 'scope', provenBy: 'tests/api/supplies.test.ts' },
  'GET /api/v1/orders': { kind: 'scope', provenBy: 'tests/api/supplies.test.ts' },
  'GET /api/v1/orders/{id}': { kind: 'scope', provenBy: 'tests/matrix/scope.test.ts' },
  'POST /api/v1/orders/{id}/cancel': { kind: 'scope', provenBy: 'tests/api/supplies.test.ts' },
  'POST /api/v1/orders/{id}/pack': { kind: 'scope', provenBy: 'tests/matrix/scope.test.ts' },
  'POST /api/v1/buildings/{id}/orders/pack': { kind: 'scope', provenBy: 'tests/api/supplies.test.ts' },
  'GET /api/v1/buildings/{id}/picking-list': { kind: 'scope', provenBy: 'tests/matrix/scope.test.ts' },
  'GET /api/v1/buildings/{id}/picking-list.csv': { kind: 'scope', provenBy: 'tests/matrix/scope.test.ts' },
  'GET /api/v1/buildings/{id}/picking-list.html': { kind: 'scope', provenBy: 'tests/matrix/scope.test.ts' },
  'POST /api/v1/medicine-requests': { kind: 'scope', provenBy: 'tests/api/supplies.test.ts' },
  'GET /api/v1/medicine-requests': { kind: 'scope', provenBy: 'tests/api/supplies.test.ts' },
  'GET /api/v1/medicine-requests/{id}': { kind: 'scope', provenBy: 'tests/matrix/scope.test.ts' },
  'POST /api/v1/medicine-requests/{id}/accept': { kind: 'scope', provenBy: 'tests/api/supplies.test.ts' },
  'POST /api/v1/medicine-requests/{id}/decline': { kind: 'scope', provenBy: 'tests/api/supplies.test.ts' },
  'POST /api/v1/medicine-requests/{id}/cancel': { kind: 'scope', provenBy: 'tests/api/supplies.test.ts' },
  'PUT /api/v1/medicine-requests/{id}/photo': { kind: 'scope', provenBy: 'tests/api/supplies.test.ts' },
  'GET /api/v1/medicine-requests/{id}/photo': { kind: 'scope', provenBy: 'tests/matrix/scope.test.ts' },
  'POST /api/v1/checkins': { kind: 'scope', provenBy: 'tests/api/checkins.test.ts' },
  'GET /api/v1/checkins': { kind: 'scope', provenBy: 'tests/api/checkins.test.ts' },
  'GET /api/v1/households/{id}/checkins': { kind: 'scope', provenBy: 'tests/matrix/scope.test.ts' },
  'GET /api/v1/checkins/missed': { kind: 'scope', provenBy: 'tests/api/checkins.test.ts' },
  'GET /api/v1/checkins/export.csv': { kind: 'scope', provenBy: 'tests/api/checkins.test.ts' },
  'GET /api/v1/alerts': { kind: 'scope', provenBy: 'tests/api/checkins.test.ts' },
  'POST /api/v1/alerts/{id}/acknowledge': { kind: 'scope', provenBy: 'tests/matrix/scope.test.ts' },
  'POST /api/v1/alerts/{id}/resolve': { kind: 'scope', provenBy: 'tests/api/checkins.test.ts' },
  'POST /api/v1/help-requests': { kind: 'scope', provenBy: 'tests/api/help-care-testing.test.ts' },
  'GET /api/v1/help-requests': { kind: 'scope', provenBy: 'tests/api/help-care-testing.test.ts' },
  'POST /api/v1/help-requests/{id}/acknowledge': { kind: 'scope', provenBy: 'tests/matrix/scope.test.ts' },
  'POST /api/v1/help-requests/{id}/resolve': { kind: 'scope', provenBy: 'tests/api/help-care-testing.test.ts' },
  'GET /api/v1/care-roster': { kind: 'scope', provenBy: 'tests/api/help-care-testing.test.ts' },
  'POST /api/v1/persons/{id}/care-visits': { kind: 'scope', provenBy: 'tests/matrix/scope.test.ts' },
  'POST /api/v1/testing-rounds': { kind: 'scope', provenBy: 'tests/api/help-care-testing.test.ts' },
  'GET /api/v1/testing-rounds': { kind: 'scope', provenBy: 'tests/api/help-care-testing.test.ts' },
  'POST /api/v1/testing-rounds/{id}/buildings/{buildingId}/done': { kind: 'scope', provenBy: 'tests/matrix/scope.test.ts' },
  'GET /api/v1/dashboard': { kind: 'scope', provenBy: 'tests/api/help-care-testing.test.ts' },
  'GET /api/v1/pass-policy': { kind: 'scope', provenBy: 'tests/api/passes.test.ts' },
  'GET /api/v1/ws': { kind: 'scope', provenBy: 'tests/realtime/socket.test.ts' },
  'PUT /api/v1/pass-policy': { kind: 'scope', provenBy: 'tests/api/passes.test.ts' },
  'GET /api/v1/passes': { kind: 'scope', provenBy: 'tests/api/passes.test.ts' },
  'POST /api/v1/passes': { kind: 'scope', provenBy: 'tests/api/passes.test.ts' },
  'GET /api/v1/passes/mine': { kind: 'own account', why: "the caller's own households (approved bindings) only" },
  'GET /api/v1/passes/{id}/token': { kind: 'scope', provenBy: 'tests/matrix/scope.test.ts' },
  'POST /api/v1/passes/{id}/revoke': { kind: 'scope', provenBy: 'tests/api/passes.test.ts' },
  'POST /api/v1/buildings/{id}/passes': { kind: 'scope', provenBy: 'tests/matrix/scope.test.ts' },
  'POST /api/v1/gate/scans': { kind: 'scope', provenBy: 'tests/api/passes.test.ts' },
  'GET /api/v1/pass-trips': { kind: 'scope', provenBy: 'tests/api/passes.test.ts' },
  'GET /api/v1/pass-trips/today': { kind: 'scope', provenBy: 'tests/api/passes.test.ts' },
  'GET /api/v1/reserve-items': { kind: 'scope', provenBy: 'tests/api/reserves.test.ts' },
  'POST /api/v1/reserve-items': { kind: 'scope', provenBy: 'tests/api/reserves.test.ts' },
  'PATCH /api/v1/reserve-items/{id}': { kind: 'scope', provenBy: 'tests/api/reserves.test.ts' },
  'GET /api/v1/reserve-items/{id}/entries': { kind: 'scope', provenBy: 'tests/matrix/scope.test.ts' },
  'POST /api/v1/reserve-items/{id}/entries': { kind: 'scope', provenBy: 'tests/api/reserves.test.ts' },
  'POST /api/v1/reserve-items/{id}/distributions': { kind: 'scope', provenBy: 'tests/api/reserves.test.ts' },
  'GET /api/v1/reserve-ledger.csv': { kind: 'scope', provenBy: 'tests/api/reserves.test.ts' },
  'POST /api/v1/volunteer-applications': { kind: 'own account', why: 'the caller applies for a community they are bound to a household in' },
  'GET /api/v1/volunteer-applications/mine': { kind: 'own account', why: "the caller's own latest application" },
  'GET /api/v1/volunteer-applications': { kind: 'scope', provenBy: 'tests/api/volunteers.test.ts' },
  'GET /api/v1/volunteer-applications/{id}': { kind: 'scope', provenBy: 'tests/api/volunteers.test.ts' },
  'GET /api/v1/volunteer-applications/{id}/phone': { kind: 'scope', provenBy: 'tests/api/volunteers.test.ts' },
  'POST /api/v1/volunteer-applications/{id}/approve': { kind: 'scope', provenBy: 'tests/api/volunteers.test.ts' },
  'POST /api/v1/volunteer-applications/{id}/reject': { kind: 'scope', provenBy: 'tests/api/volunteers.test.ts' },
  'POST /api/v1/volunteer-applications/{id}/suspend': { kind: 'scope', provenBy: 'tests/api/volunteers.test.ts' },
  'POST /api/v1/volunteer-applications/{id}/reinstate': { kind: 'scope', provenBy: 'tests/api/volunteers.test.ts' },
  'POST /api/v1/call-ups': { kind: 'scope', provenBy: 'tests/api/volunteers.test.ts' },
  'GET /api/v1/call-ups': { kind: 'scope', provenBy: 'tests/api/volunteers.test.ts' },
  'GET /api/v1/call-ups/mine': { kind: 'scope', provenBy: 'tests/api/volunteers.test.ts' },
  'GET /api/v1/call-ups/{id}': { kind: 'scope', provenBy: 'tests/api/volunteers.test.ts' },
  'POST /api/v1/call-ups/{id}/answer': { kind: 'scope', provenBy: 'tests/api/volunteers.test.ts' },
  'POST /api/v1/call-ups/{id}/close': { kind: 'scope', provenBy: 'tests/api/volunteers.test.ts' },
  'GET /api/v1/volunteer-stats': { kind: 'scope', provenBy: 'tests/api/volunteer-stats.test.ts' },
  'POST /api/v1/thank-you-posts': { kind: 'scope', provenBy: 'tests/api/volunteer-stats.test.ts' },
  'GET /api/v1/thank-you-posts': { kind: 'scope', provenBy: 'tests/api/volunteer-stats.test.ts' },
  'POST /api/v1/thank-you-posts/{id}/hide': { kind: 'scope', provenBy: 'tests/api/volunteer-stats.test.ts' },
  'POST /api/v1/delivery-tasks': { kind: 'scope', provenBy: 'tests/api/tasks.test.ts' },
  'GET /api/v1/tasks': { kind: 'scope', provenBy: 'tests/api/tasks.test.ts' },
  'GET /api/v1/tasks/mine': { kind: 'own account', why: 'the tasks the caller claimed' },
  'GET /api/v1/tasks/{id}': { kind: 'scope', provenBy: 'tests/api/tasks.test.ts' },
  'POST /api/v1/tasks/{id}/claim': { kind: 'scope', provenBy: 'tests/api/tasks.test.ts' },
  'POST /api/v1/tasks/{id}/release': { kind: 'scope', provenBy: 'tests/api/tasks.test.ts' },
  'POST /api/v1/tasks/{id}/complete': { kind: 'scope', provenBy: 'tests/api/tasks.test.ts' },
  'POST /api/v1/tasks/{id}/deliveries': { kind: 'scope', provenBy: 'tests/api/tasks.test.ts' },
  'PUT /api/v1/tasks/{id}/orders/{orderId}/door-photo': { kind: 'scope', provenBy: 'tests/api/tasks.test.ts' },
  'GET /api/v1/orders/{id}/door-photo': { kind: 'scope', provenBy: 'tests/api/tasks.test.ts' },
  'POST /api/v1/orders/{id}/confirm-delivery': { kind: 'scope', provenBy: 'tests/api/tasks.test.ts' },
  'POST /api/v1/tasks/{id}/orders/{orderId}/unlock': { kind: 'scope', provenBy: 'tests/api/tasks.test.ts' },
  'GET /api/v1/tasks/{id}/households/{householdId}/phone': { kind: 'scope', provenBy: 'tests/api/tasks.test.ts' },
  'POST /api/v1/help-requests/{id}/errand-task': { kind: 'scope', provenBy: 'tests/api/tasks.test.ts' },
  'POST /api/v1/visit-tasks': { kind: 'scope', provenBy: 'tests/api/tasks.test.ts' },
};

let t: TestApp;
let served: string[];

beforeAll(async () => {
  t = await createTestApp({ seed: 'none' });
  const spec = t.app.swagger() as { paths: Record<string, Record<string, unknown>> };
  served = Object.entries(spec.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
});
afterAll(async () => t?.close());

it('every route the server serves is listed with how it is guarded, and nothing listed is gone', () => {
  const unlisted = served.filter((route) => !(route in routeGuards));
  const stale = Object.keys(routeGuards).filter((route) => !served.includes(route));
  expect({ unlisted, stale }).toEqual({ unlisted: [], stale: [] });
});

it('each scope-checked route names a suite that exists and calls that route', () => {
  const missing = Object.entries(routeGuards).flatMap(([route, guard]) => {
    if (guard.kind !== 'scope') return [];
    const file = join(repoRoot, guard.provenBy);
    if (!existsSync(file)) return [`${route}: ${guard.provenBy} does not exist`];
    // The last literal segment of the path (households, phone, approve, …) must appear in the suite.
    const literal = route.split(' ')[1]!.split('/').filter((s) => s && !s.startsWith('{')).at(-1)!;
    return readFileSync(file, 'utf8').includes(literal) ? [] : [`${route}: ${guard.provenBy} never mentions "${literal}"`];
  });
  expect(missing).toEqual([]);
});

const placeholderId = '00000000-0000-4000-8000-000000000000';

it('every route that is not public answers 401 without a token, before reading the body', async () => {
  const notRefused: string[] = [];
  for (const [route, guard] of Object.entries(routeGuards)) {
    if (guard.kind === 'public') continue;
    const [method, path] = route.split(' ') as [string, string];
    const url = path.replace(/\{[^}]+\}/g, placeholderId);
    const res = await t.app.inject({ method: method as 'GET', url, payload: method === 'GET' || method === 'DELETE' ? undefined : 'not json', headers: { 'content-type': 'application/json' } });
    if (res.statusCode !== 401) notRefused.push(`${route} → ${res.statusCode}`);
  }
  expect(notRefused).toEqual([]);
});
