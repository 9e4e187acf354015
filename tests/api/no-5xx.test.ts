// "No 5xx from user input, ever": every route in the server's own OpenAPI document is sent malformed ids, queries
// and bodies by an admin and by a resident, and must answer with a 4xx error body. New routes are covered as they land.
import { createTestApp, type TestApp } from '../support/app';

interface Operation {
  parameters?: { in: string; name: string }[];
  requestBody?: unknown;
}

let t: TestApp;
let operations: { method: string; path: string; operation: Operation }[];
const tokens: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp();
  tokens.admin = (await t.login('13900000000')).token;
  tokens.resident = (await t.login('13801110100')).token;
  const spec = t.app.swagger() as { paths: Record<string, Record<string, Operation>> };
  operations = Object.entries(spec.paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod).map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
  );
});
afterAll(async () => t?.close());

const badIds = ['not-a-uuid', '0', '%00', '..%2F..%2Fetc%2Fpasswd', 'x'.repeat(5000), '00000000-0000-4000-8000-000000000000'];
const badValues: unknown[] = [null, -1, 1e309, 'x'.repeat(20_000), '\u0000', ['a'], { $gt: '' }, true, '１３８０１１１０１００', "'; DROP TABLE users;--"];
const badBodies: unknown[] = ['not json', '[]', '{"a":', '123', 'null'];

it('answers malformed ids, queries and bodies on every route with a 4xx error body, never a 5xx', async () => {
  const faults: string[] = [];
  const attempt = async (label: string, request: Parameters<TestApp['call']>[1], token: string) => {
    const res = await t.call(token, request);
    if (res.statusCode >= 500) faults.push(`${label} → ${res.statusCode} ${res.body.slice(0, 200)}`);
    else if (res.statusCode >= 400 && !res.json().error?.code) faults.push(`${label} → ${res.statusCode} without an error code`);
  };

  for (const { method, path, operation } of operations) {
    const pathParams = (operation.parameters ?? []).filter((p) => p.in === 'path');
    const queryParams = (operation.parameters ?? []).filter((p) => p.in === 'query');
    const withIds = (id: string) => path.replace(/\{[^}]+\}/g, id);
    const m = method as 'GET';
    for (const [who, token] of Object.entries(tokens)) {
      for (const id of pathParams.length > 0 ? badIds : []) await attempt(`${who} ${method} ${withIds(id.slice(0, 40))}`, { method: m, url: withIds(id) }, token);
      const url = withIds('00000000-0000-4000-8000-000000000000');
      for (const q of queryParams) {
        for (const value of badValues) {
          const query = `${encodeURIComponent(q.name)}=${encodeURIComponent(typeof value === 'string' ? value : JSON.stringify(value))}`;
          await attempt(`${who} ${method} ${path}?${q.name}=${String(value).slice(0, 30)}`, { method: m, url: `${url}?${query}` }, token);
        }
      }
      if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
        for (const body of badBodies) {
          await attempt(`${who} ${method} ${path} body ${body}`, { method: m, url, payload: body as string, headers: { 'content-type': 'application/json' } }, token);
        }
        for (const value of badValues) {
          const payload = { phone: value, code: value, refreshToken: value, reason: value, buildingId: value, unit: value, room: value, relation: value, displayName: value };
          await attempt(`${who} ${method} ${path} fields=${String(value).slice(0, 30)}`, { method: m, url, payload }, token);
        }
      }
    }
  }
  expect(faults).toEqual([]);
}, 120_000);
