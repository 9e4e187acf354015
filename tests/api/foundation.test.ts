import { createTestApp, type TestApp } from '../support/app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('health', () => {
  it('answers /healthz and reports the database ready with current migrations', async () => {
    expect((await t.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', database: 'up', migrations: 'current' });
  });
});

describe('security headers', () => {
  it("API answers carry the headers that protect an API answer: an answer, a refusal, a 404, an error of the error handler", async () => {
    const { token } = await t.login('13801110100');
    const answers = [
      await t.call(token, { url: '/api/v1/me' }),
      await t.call(null, { url: '/api/v1/me' }),
      await t.app.inject({ url: '/api/v1/no-such-route' }),
      await t.call(token, { method: 'POST', url: '/api/v1/orders', headers: { 'idempotency-key': 'k' }, payload: { householdId: 'x' } }),
    ];
    expect(answers.map((r) => r.statusCode)).toEqual([200, 401, 404, 400]);
    for (const res of answers) {
      expect(res.headers).toMatchObject({
        'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
        'strict-transport-security': 'max-age=31536000; includeSubDomains',
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        'cross-origin-resource-policy': 'same-origin',
      });
    }
    // An error answer is written without a second schema check: still exactly { error: { code, message, details? } }.
    expect(Object.keys(answers[3]!.json())).toEqual(['error']);
    expect(answers[3]!.json().error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.any(String) });
  });

  it("pages carry helmet's whole set: the h5 page, /docs and /healthz", async () => {
    for (const url of ['/', '/docs', '/healthz']) {
      const res = await t.app.inject({ url });
      expect(res.headers['content-security-policy']).toBe(
        "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'self';img-src 'self' data: blob:;"
        + "object-src 'none';script-src 'self' 'unsafe-inline';script-src-attr 'none';style-src 'self' 'unsafe-inline';upgrade-insecure-requests;connect-src 'self' ws: wss:",
      );
      expect(res.headers).toMatchObject({
        'strict-transport-security': 'max-age=31536000; includeSubDomains',
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'SAMEORIGIN',
        'cross-origin-opener-policy': 'same-origin',
        'origin-agent-cluster': '?1',
      });
    }
  });
});

describe('me', () => {
  it('shows a demo resident their household 1号楼 1单元 101', async () => {
    const { token } = await t.login('13801110100');
    const res = await t.call(token, { url: '/api/v1/me' });
    expect(res.statusCode).toBe(200);
    const me = res.json();
    expect(me.households).toEqual([expect.objectContaining({ buildingName: '1号楼', unit: '1', room: '101' })]);
    expect(me.roles).toEqual([expect.objectContaining({ role: 'resident', gridId: null })]);
  });
});
