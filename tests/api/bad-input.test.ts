// Bad input gets a 4xx with { error: { code, message, details } } and writes nothing.
import { gunzipSync } from 'node:zlib';
import { count } from 'drizzle-orm';
import { householdBindings, users } from '@linli/server/db/schema/index';
import { createTestApp, type TestApp } from '../support/app';

let t: TestApp;
let token: string;
beforeAll(async () => {
  t = await createTestApp();
  token = (await t.login('13801110100')).token;
});
afterAll(async () => t?.close());

const rowCounts = async () => ({
  users: (await t.db.select({ n: count() }).from(users))[0]!.n,
  bindings: (await t.db.select({ n: count() }).from(householdBindings))[0]!.n,
});

function expectErrorBody(body: unknown, code: string) {
  expect(body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
}

describe('validation', () => {
  it.each([
    ['missing phone', {}, 'phone'],
    ['phone of the wrong shape', { phone: '12345' }, 'phone'],
    ['phone of the wrong type', { phone: 13801110100 }, 'phone'],
    ['an unknown extra field', { phone: '13801110100', role: 'admin' }, '(body)'],
  ])('dev-login with %s → 400 naming the field, no account created', async (_name, payload, field) => {
    const before = await rowCounts();
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/dev-login', payload });
    expect(res.statusCode).toBe(400);
    expectErrorBody(res.json(), 'VALIDATION_FAILED');
    expect(res.json().error.details.map((d: { field: string }) => d.field)).toContain(field);
    expect(await rowCounts()).toEqual(before);
  });

  it.each([
    ['a building id that is not a uuid', { buildingId: 'x', unit: '1', room: '101' }],
    ['an empty room', { buildingId: '00000000-0000-4000-8000-000000000000', unit: '1', room: '  ' }],
    ['a 10 kB note', { buildingId: '00000000-0000-4000-8000-000000000000', unit: '1', room: '101', note: 'x'.repeat(10_000) }],
    ['an unknown relation', { buildingId: '00000000-0000-4000-8000-000000000000', unit: '1', room: '101', relation: 'boss' }],
  ])('binding request with %s → 400, nothing written', async (_name, payload) => {
    const before = await rowCounts();
    const res = await t.call(token, { method: 'POST', url: '/api/v1/household-bindings', payload });
    expect(res.statusCode).toBe(400);
    expectErrorBody(res.json(), 'VALIDATION_FAILED');
    expect(await rowCounts()).toEqual(before);
  });

  it('a path id that is not a uuid → 400, not a database error', async () => {
    const res = await t.call(token, { url: '/api/v1/households/not-a-uuid' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0]).toMatchObject({ field: 'id', in: 'params' });
  });

  it('a limit over 100 → 400', async () => {
    const res = await t.call(token, { url: '/api/v1/household-bindings?limit=1000' });
    expect(res.statusCode).toBe(400);
  });

  it('a NUL character in a text field → 400 naming the field, nothing written', async () => {
    const before = await rowCounts();
    const res = await t.call(token, {
      method: 'POST',
      url: '/api/v1/household-bindings',
      payload: { buildingId: '00000000-0000-4000-8000-000000000000', unit: '1', room: '10\u00001' },
    });
    expect(res.statusCode).toBe(400);
    expectErrorBody(res.json(), 'VALIDATION_FAILED');
    expect(res.json().error.details).toEqual([expect.objectContaining({ field: 'room', in: 'body' })]);
    expect(await rowCounts()).toEqual(before);
  });

  it('a lone surrogate deep in a body → 400 naming the path to it', async () => {
    const before = await rowCounts();
    const res = await t.call(token, {
      method: 'POST',
      url: '/api/v1/checkins',
      payload: { entries: [{ personId: '00000000-0000-4000-8000-000000000000', temperatureC: 36.5, symptoms: [], antigen: 'negative', quarantine: 'none', note: 'ok\ud800' }] },
    });
    expect(res.statusCode).toBe(400);
    expectErrorBody(res.json(), 'VALIDATION_FAILED');
    expect(res.json().error.details).toEqual([expect.objectContaining({ field: 'entries.0.note', in: 'body' })]);
    expect(await rowCounts()).toEqual(before);
  });

  it('a NUL character in a query → 400, not a database error', async () => {
    const admin = (await t.login('13900000000')).token;
    const res = await t.call(admin, { url: '/api/v1/audit?action=%00' });
    expect(res.statusCode).toBe(400);
    expectErrorBody(res.json(), 'VALIDATION_FAILED');
  });

  it('an overlong path id → 404 with the error body (no route has such an id), never a static file', async () => {
    for (const method of ['GET', 'POST'] as const) {
      const url = method === 'GET' ? `/api/v1/households/${'x'.repeat(500)}` : `/api/v1/household-bindings/${'x'.repeat(500)}/approve`;
      const res = await t.call(token, { method, url });
      expect(res.statusCode).toBe(404);
      expectErrorBody(res.json(), 'NOT_FOUND');
    }
  });

  it('a path with a broken percent-escape → 400 BAD_URL with the error body', async () => {
    const res = await t.call(token, { url: '/api/v1/households/%E0%A4%A' });
    expect(res.statusCode).toBe(400);
    expectErrorBody(res.json(), 'BAD_URL');
  });

  it('a forged pagination cursor → 400', async () => {
    const res = await t.call(token, { url: '/api/v1/household-bindings?cursor=bm90LWpzb24' });
    expect(res.statusCode).toBe(400);
    expectErrorBody(res.json(), 'VALIDATION_FAILED');
  });
});

describe('transport-level bad input', () => {
  it('malformed JSON → 400 MALFORMED_JSON', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/dev-login', headers: { 'content-type': 'application/json' }, payload: '{"phone": "138' });
    expect(res.statusCode).toBe(400);
    expectErrorBody(res.json(), 'MALFORMED_JSON');
  });

  it('a body shorter than its Content-Length → 400 BAD_REQUEST in Chinese, the framework\'s code only in details, nothing written', async () => {
    const before = await rowCounts();
    const res = await t.call(token, {
      method: 'POST', url: '/api/v1/household-bindings', headers: { 'content-type': 'application/json', 'content-length': '50' }, payload: '{}',
    });
    expect(res.statusCode).toBe(400);
    expectErrorBody(res.json(), 'BAD_REQUEST');
    expect(res.json().error.message).toMatch(/请求/);
    expect(res.json().error.details).toEqual({ reason: 'FST_ERR_CTP_INVALID_CONTENT_LENGTH' });
    expect(await rowCounts()).toEqual(before);
  });

  it('a body over 1 MB → 413 PAYLOAD_TOO_LARGE, nothing written', async () => {
    const before = await rowCounts();
    const res = await t.call(token, {
      method: 'POST',
      url: '/api/v1/household-bindings',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ buildingId: '00000000-0000-4000-8000-000000000000', unit: '1', room: '101', note: 'x'.repeat(1_100_000) }),
    });
    expect(res.statusCode).toBe(413);
    expectErrorBody(res.json(), 'PAYLOAD_TOO_LARGE');
    expect(res.json().error.message).toBe('请求内容过大（上限 1 MB）');
    expect(await rowCounts()).toEqual(before);
  });

  it('an unsupported content type → 415', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/dev-login', headers: { 'content-type': 'application/xml' }, payload: '<phone/>' });
    expect(res.statusCode).toBe(415);
    expectErrorBody(res.json(), 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('an unknown route → 404 with the error body', async () => {
    const res = await t.app.inject({ url: '/api/v1/nothing-here' });
    expect(res.statusCode).toBe(404);
    expectErrorBody(res.json(), 'NOT_FOUND');
  });

  it('never sends a stack trace', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/dev-login', headers: { 'content-type': 'application/json' }, payload: '{' });
    expect(res.body).not.toMatch(/at .+\.(ts|js):\d+/);
  });
});

describe('documentation and the browser app', () => {
  it('publishes OpenAPI generated from the shared schemas, with their limits and enums', async () => {
    const res = await t.app.inject({ url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/auth/dev-login', '/api/v1/me', '/api/v1/household-bindings']));
    const body = doc.paths['/api/v1/household-bindings'].post.requestBody.content['application/json'].schema;
    expect(body.properties.relation.enum).toContain('renter');
    expect(body.properties.note.maxLength).toBe(200);
    expect((await t.app.inject({ url: '/docs' })).statusCode).toBeLessThan(400);
  });

  it('serves the mini-program h5 build at /', async () => {
    const res = await t.app.inject({ url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('id="app"');
  });

  it('sends the app\'s scripts and API lists gzip-compressed to a phone that accepts it', async () => {
    const html = (await t.app.inject({ url: '/' })).body;
    const script = /src="\/?(js\/app\.[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const plain = await t.app.inject({ url: `/${script}` });
    const zipped = await t.app.inject({ url: `/${script}`, headers: { 'accept-encoding': 'gzip' } });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.rawPayload.length).toBeLessThan(plain.rawPayload.length / 2);
    expect(gunzipSync(zipped.rawPayload).equals(plain.rawPayload)).toBe(true);

    const admin = (await t.login('13900000000')).token;
    const list = await t.call(admin, { url: '/api/v1/buildings', headers: { 'accept-encoding': 'gzip' } });
    expect(list.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(list.rawPayload).toString('utf8')).items).toHaveLength(6);
  });
});
