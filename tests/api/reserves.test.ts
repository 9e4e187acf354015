// Emergency reserves through the HTTP API: items, the ledger, stock that never goes negative, distributions, CSV.
import { and, eq, sql } from 'drizzle-orm';
import { selectRows } from '@linli/server/db/client';
import { auditLog, buildings, households, reserveItems, reserveLedger, users } from '@linli/server/db/schema/index';
import { createTestApp, type TestApp } from '../support/app';
import { clearPassesAndReserves } from '../support/passes';

const phones = {
  resident: '13801110100',
  gridWorker1: '13900000001',
  gridWorker2: '13900000002',
  admin: '13900000000',
  volunteer: '13900000031',
};

let t: TestApp;
let household101: string;
let building1: string;
let building4: string;

async function as(phone: string) {
  return (await t.login(phone)).token;
}

async function createItem(payload: Record<string, unknown>, phone = phones.admin) {
  return t.call(await as(phone), { method: 'POST', url: '/api/v1/reserve-items', payload });
}

async function entry(itemId: string, payload: Record<string, unknown>, phone = phones.gridWorker1) {
  return t.call(await as(phone), { method: 'POST', url: `/api/v1/reserve-items/${itemId}/entries`, payload });
}

async function stockOf(itemId: string) {
  const [item] = await t.db.select().from(reserveItems).where(eq(reserveItems.id, itemId));
  const [sum] = await selectRows<{ total: number; n: number }>(t.db, sql`
    SELECT coalesce(sum(CASE WHEN kind = 'received' THEN quantity ELSE -quantity END), 0)::int AS total, count(*)::int AS n
    FROM reserve_ledger WHERE item_id = ${itemId}`);
  // The running stock and the sum of the ledger must always agree.
  expect(item!.stock).toBe(Number(sum!.total));
  return { stock: item!.stock, entries: Number(sum!.n) };
}

beforeAll(async () => {
  t = await createTestApp();
  await clearPassesAndReserves(t.db);
  const [b1] = await t.db.select().from(buildings).where(eq(buildings.name, '1号楼'));
  const [b4] = await t.db.select().from(buildings).where(eq(buildings.name, '4号楼'));
  building1 = b1!.id;
  building4 = b4!.id;
  household101 = (await t.db.select().from(households).where(and(eq(households.buildingId, building1), eq(households.unit, '1'), eq(households.room, '101'))))[0]!.id;
});
afterAll(async () => t?.close());

describe('reserve items', () => {
  it('staff add items; the same name twice is a 409; bad input a 400; residents and volunteers are refused', async () => {
    const created = await createItem({ name: '口罩', unit: '个', lowStockThreshold: 50 });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ name: '口罩', unit: '个', stock: 0, low: true });
    expect((await createItem({ name: '口罩', unit: '个', lowStockThreshold: 1 }, phones.gridWorker2)).json().error.code).toBe('RESERVE_ITEM_EXISTS');
    for (const payload of [{ name: '', unit: '个', lowStockThreshold: 1 }, { name: '手套', unit: '副', lowStockThreshold: -1 }, { name: '手套', unit: '副' }, { name: '手套', unit: '副', lowStockThreshold: 1, stock: 100 }]) {
      expect((await createItem(payload)).statusCode).toBe(400);
    }
    for (const phone of [phones.resident, phones.volunteer]) {
      expect((await createItem({ name: '手套', unit: '副', lowStockThreshold: 1 }, phone)).statusCode).toBe(403);
      expect((await t.call(await as(phone), { url: '/api/v1/reserve-items' })).statusCode).toBe(403);
    }
    expect(await t.db.select().from(reserveItems).where(eq(reserveItems.name, '手套'))).toEqual([]);
  });
});

describe('the ledger', () => {
  let masks: string;
  beforeAll(async () => {
    masks = (await t.db.select().from(reserveItems).where(eq(reserveItems.name, '口罩')))[0]!.id;
  });

  it('every change is an entry with who and why, and stock is their sum', async () => {
    expect((await entry(masks, { kind: 'received', quantity: 100, reason: '街道调拨' })).statusCode).toBe(201);
    const issued = await entry(masks, { kind: 'issued', quantity: 30, reason: '独居老人', householdId: household101 });
    expect(issued.statusCode).toBe(201);
    expect(issued.json()).toMatchObject({ kind: 'issued', quantity: 30, balanceAfter: 70, householdLabel: '1号楼 1单元 101', recordedByName: '网格员 陈晓' });
    const [volunteer] = await t.db.select().from(users).where(eq(users.phone, phones.volunteer));
    const toVolunteer = await entry(masks, { kind: 'issued', quantity: 5, reason: '配送防护', volunteerUserId: volunteer!.id }, phones.admin);
    expect(toVolunteer.json()).toMatchObject({ volunteerName: '志愿者 郑阳', balanceAfter: 65 });
    const lost = await entry(masks, { kind: 'lost_expired', quantity: 5, reason: '受潮' });
    expect(lost.json()).toMatchObject({ balanceAfter: 60 });
    expect(await stockOf(masks)).toEqual({ stock: 60, entries: 4 });

    const ledger = await t.call(await as(phones.gridWorker1), { url: `/api/v1/reserve-items/${masks}/entries` });
    expect(ledger.json().items.map((e: { kind: string }) => e.kind)).toEqual(['lost_expired', 'issued', 'issued', 'received']);
  });

  it('refuses to go below zero with 409 INSUFFICIENT_STOCK and writes nothing (not clamped)', async () => {
    for (const payload of [
      { kind: 'issued', quantity: 61, reason: '多发', householdId: household101 },
      { kind: 'lost_expired', quantity: 1000, reason: '报废' },
    ]) {
      const res = await entry(masks, payload);
      expect(res.statusCode).toBe(409);
      expect(res.json().error).toMatchObject({ code: 'INSUFFICIENT_STOCK', details: { stock: 60 } });
    }
    expect(await stockOf(masks)).toEqual({ stock: 60, entries: 4 });
  });

  it('refuses bad entries with 400 and writes nothing', async () => {
    const [volunteer] = await t.db.select().from(users).where(eq(users.phone, phones.volunteer));
    for (const payload of [
      { kind: 'issued', quantity: 1, reason: '无领取人' },
      { kind: 'issued', quantity: 1, reason: '两个领取人', householdId: household101, volunteerUserId: volunteer!.id },
      { kind: 'received', quantity: 1, reason: '入库不应有领取人', householdId: household101 },
      { kind: 'received', quantity: 0, reason: '零' },
      { kind: 'received', quantity: -5, reason: '负数' },
      { kind: 'received', quantity: 1.5, reason: '小数' },
      { kind: 'received', quantity: 1, reason: '' },
      { kind: 'stolen', quantity: 1, reason: '?' },
    ]) {
      const res = await entry(masks, payload);
      expect({ payload, status: res.statusCode }).toEqual({ payload, status: 400 });
    }
    expect(await stockOf(masks)).toEqual({ stock: 60, entries: 4 });
  });

  it('refuses households outside the caller\'s grid, non-volunteers as recipients, and outsiders', async () => {
    const outOfGrid = await entry(masks, { kind: 'issued', quantity: 1, reason: '越权', householdId: household101 }, phones.gridWorker2);
    expect(outOfGrid.statusCode).toBe(404);
    const [resident] = await t.db.select().from(users).where(eq(users.phone, phones.resident));
    const notVolunteer = await entry(masks, { kind: 'issued', quantity: 1, reason: '非志愿者', volunteerUserId: resident!.id });
    expect(notVolunteer.statusCode).toBe(404);
    for (const phone of [phones.resident, phones.volunteer]) {
      expect((await entry(masks, { kind: 'received', quantity: 1, reason: '居民不能入库' }, phone)).statusCode).toBe(404);
      expect((await t.call(await as(phone), { url: `/api/v1/reserve-items/${masks}/entries` })).statusCode).toBe(404);
    }
    expect(await stockOf(masks)).toEqual({ stock: 60, entries: 4 });
  });

  it('flags low stock for staff', async () => {
    const low = await t.call(await as(phones.gridWorker1), { url: '/api/v1/reserve-items?lowOnly=true' });
    expect(low.json().items.map((i: { name: string }) => i.name)).toEqual([]);
    await entry(masks, { kind: 'lost_expired', quantity: 15, reason: '过期' });
    const nowLow = await t.call(await as(phones.gridWorker1), { url: '/api/v1/reserve-items?lowOnly=true' });
    expect(nowLow.json().items).toEqual([expect.objectContaining({ name: '口罩', stock: 45, low: true })]);
  });
});

describe('distribution to a building', () => {
  let kits: string;
  let personsInBuilding1: number;
  beforeAll(async () => {
    kits = (await createItem({ name: '抗原试剂', unit: '盒', lowStockThreshold: 10 })).json().id;
    const [row] = await selectRows<{ n: number }>(t.db, sql`SELECT count(*)::int AS n FROM persons p JOIN households h ON h.id = p.household_id WHERE h.building_id = ${building1}`);
    personsInBuilding1 = Number(row!.n);
  });

  it('refuses the whole distribution when stock is short, writing no entry at all', async () => {
    await entry(kits, { kind: 'received', quantity: personsInBuilding1 * 2 - 1, reason: '区里下发' });
    const res = await t.call(await as(phones.gridWorker1), { method: 'POST', url: `/api/v1/reserve-items/${kits}/distributions`, payload: { buildingId: building1, per: 'person', quantity: 2, reason: '每人两盒' } });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('INSUFFICIENT_STOCK');
    expect(await stockOf(kits)).toEqual({ stock: personsInBuilding1 * 2 - 1, entries: 1 });
  });

  it('gives N per person to every household of the building, one entry per household', async () => {
    await entry(kits, { kind: 'received', quantity: 1, reason: '补足' });
    const res = await t.call(await as(phones.gridWorker1), { method: 'POST', url: `/api/v1/reserve-items/${kits}/distributions`, payload: { buildingId: building1, per: 'person', quantity: 2, reason: '每人两盒' } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ households: 24, totalQuantity: personsInBuilding1 * 2, stockAfter: 0, low: true });
    const rows = await t.db.select().from(reserveLedger).where(eq(reserveLedger.distributionId, res.json().distributionId));
    expect(rows).toHaveLength(24);
    const [p101] = await selectRows<{ n: number }>(t.db, sql`SELECT count(*)::int AS n FROM persons WHERE household_id = ${household101}`);
    expect(rows.find((r) => r.householdId === household101)!.quantity).toBe(Number(p101!.n) * 2);
    expect(Math.min(...rows.map((r) => r.balanceAfter))).toBe(0);
    expect(await stockOf(kits)).toEqual({ stock: 0, entries: 26 });
    const audits = await t.db.select().from(auditLog).where(eq(auditLog.action, 'reserve.issue'));
    expect(audits.length).toBeGreaterThanOrEqual(24);
  });

  it('refuses a building outside the caller\'s grid and bad input', async () => {
    await entry(kits, { kind: 'received', quantity: 500, reason: '补货' });
    const outOfScope = await t.call(await as(phones.gridWorker1), { method: 'POST', url: `/api/v1/reserve-items/${kits}/distributions`, payload: { buildingId: building4, per: 'household', quantity: 1, reason: '越权' } });
    expect(outOfScope.statusCode).toBe(404);
    for (const payload of [{ buildingId: building1, per: 'floor', quantity: 1, reason: 'x' }, { buildingId: building1, per: 'household', quantity: 0, reason: 'x' }, { buildingId: building1, per: 'household', quantity: 1 }]) {
      const res = await t.call(await as(phones.admin), { method: 'POST', url: `/api/v1/reserve-items/${kits}/distributions`, payload });
      expect(res.statusCode).toBe(400);
    }
    expect(await stockOf(kits)).toEqual({ stock: 500, entries: 27 });
  });
});

describe('changing an item', () => {
  it('staff change the threshold (the low flag follows); stock cannot be set; outsiders get 404', async () => {
    const [masks] = await t.db.select().from(reserveItems).where(eq(reserveItems.name, '口罩'));
    const url = `/api/v1/reserve-items/${masks!.id}`;
    const raised = await t.call(await as(phones.gridWorker2), { method: 'PATCH', url, payload: { lowStockThreshold: 10 } });
    expect(raised.statusCode).toBe(200);
    expect(raised.json()).toMatchObject({ lowStockThreshold: 10, stock: masks!.stock, low: false });
    for (const payload of [{}, { stock: 1000 }, { lowStockThreshold: -1 }]) {
      expect((await t.call(await as(phones.admin), { method: 'PATCH', url, payload })).statusCode).toBe(400);
    }
    expect((await t.call(await as(phones.admin), { method: 'PATCH', url, payload: { name: '抗原试剂' } })).json().error.code).toBe('RESERVE_ITEM_EXISTS');
    expect((await t.call(await as(phones.resident), { method: 'PATCH', url, payload: { lowStockThreshold: 1 } })).statusCode).toBe(404);
    expect(await stockOf(masks!.id)).toMatchObject({ stock: masks!.stock });
    const [after] = await t.db.select().from(reserveItems).where(eq(reserveItems.id, masks!.id));
    expect({ name: after!.name, lowStockThreshold: after!.lowStockThreshold }).toEqual({ name: '口罩', lowStockThreshold: 10 });
  });
});

describe('CSV export', () => {
  it('is UTF-8 with a BOM, one row per entry, audit-logged, staff only', async () => {
    const res = await t.call(await as(phones.admin), { url: '/api/v1/reserve-ledger.csv' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.body.charCodeAt(0)).toBe(0xfeff);
    const lines = res.body.slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe('时间,物资,类型,数量,单位,结存,领取住户,领取志愿者,原因,经手人');
    const [count] = await selectRows<{ n: number }>(t.db, sql`SELECT count(*)::int AS n FROM reserve_ledger`);
    expect(lines).toHaveLength(Number(count!.n) + 1);
    expect(lines.some((l) => l.includes('口罩,发放,-30,个,70,1号楼 1单元 101,,独居老人,网格员 陈晓'))).toBe(true);

    const [masks] = await t.db.select().from(reserveItems).where(eq(reserveItems.name, '口罩'));
    const one = await t.call(await as(phones.gridWorker1), { url: `/api/v1/reserve-ledger.csv?itemId=${masks!.id}` });
    expect(one.body.slice(1).trimEnd().split('\r\n').slice(1).every((l) => l.includes(',口罩,'))).toBe(true);

    expect((await t.call(await as(phones.resident), { url: '/api/v1/reserve-ledger.csv' })).statusCode).toBe(403);
    const exports = await t.db.select().from(auditLog).where(eq(auditLog.action, 'export.read'));
    expect(exports).toHaveLength(2);
  });
});


