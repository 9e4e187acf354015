import { eq } from 'drizzle-orm';
import { buildings, grids } from '@linli/server/db/schema/index';
import { createTestApp, type TestApp } from '../support/app';

let t: TestApp;
let grid1: string;
let building2: string;
beforeAll(async () => {
  t = await createTestApp();
  grid1 = (await t.db.select().from(grids).where(eq(grids.name, '第一网格')))[0]!.id;
  building2 = (await t.db.select().from(buildings).where(eq(buildings.name, '2号楼')))[0]!.id;
});
afterAll(async () => t?.close());

describe('grid staff assignment', () => {
  it('shows each grid worker only their own grid, with colleagues’ phones masked', async () => {
    const { token } = await t.login('13900000001');
    const res = await t.call(token, { url: '/api/v1/grids' });
    expect(res.json().items).toEqual([
      expect.objectContaining({ name: '第一网格', buildings: [expect.objectContaining({ name: '1号楼' }), expect.objectContaining({ name: '2号楼' }), expect.objectContaining({ name: '3号楼' })], workers: [expect.objectContaining({ phone: '139****0001' })] }),
    ]);
  });

  it('lets an admin assign a new grid worker, who then reaches that grid and nothing else', async () => {
    const admin = await t.login('13900000000');
    const assigned = await t.call(admin.token, { method: 'POST', url: `/api/v1/grids/${grid1}/workers`, payload: { phone: '13922223333', displayName: '网格员 新同事' } });
    expect(assigned.statusCode).toBe(201);
    expect(assigned.json().workers.map((w: { phone: string }) => w.phone)).toContain('13922223333');

    const newcomer = await t.login('13922223333');
    expect((await t.call(newcomer.token, { url: `/api/v1/buildings/${building2}/households` })).statusCode).toBe(200);
    const names = (await t.call(newcomer.token, { url: '/api/v1/buildings' })).json().items.map((b: { name: string }) => b.name);
    expect(names).toEqual(['1号楼', '2号楼', '3号楼']);

    const twice = await t.call(admin.token, { method: 'POST', url: `/api/v1/grids/${grid1}/workers`, payload: { phone: '13922223333' } });
    expect(twice.statusCode).toBe(409);

    const removed = await t.call(admin.token, { method: 'DELETE', url: `/api/v1/grids/${grid1}/workers/${newcomer.userId}` });
    expect(removed.statusCode).toBe(204);
    expect((await t.call(newcomer.token, { url: `/api/v1/buildings/${building2}/households` })).statusCode).toBe(404);
  });

  it('refuses grid workers and residents assigning staff (404, nothing written)', async () => {
    for (const phone of ['13900000001', '13801110100']) {
      const { token } = await t.login(phone);
      const res = await t.call(token, { method: 'POST', url: `/api/v1/grids/${grid1}/workers`, payload: { phone: '13944445555' } });
      expect(res.statusCode).toBe(404);
    }
    const admin = await t.login('13900000000');
    const workers = (await t.call(admin.token, { url: '/api/v1/grids' })).json().items.flatMap((g: { workers: { phone: string }[] }) => g.workers.map((w) => w.phone));
    expect(workers).not.toContain('13944445555');
  });
});
