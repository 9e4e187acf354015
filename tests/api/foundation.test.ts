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
