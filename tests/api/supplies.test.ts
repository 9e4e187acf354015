// Supplies through the public API: catalog, group buys, orders, picking list (分拣单) and medicine requests (代购药).
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { communities, groupBuyItems, groupBuys, householdBindings, medicineRequests, orderItems, orders, products } from '@linli/server/db/schema/index';
import { createTestApp, type TestApp } from '../support/app';
import { demoResident, openGroupBuy, order } from '../support/supplies';

let t: TestApp;
let admin: string;
let worker1: string;
let worker2: string;
beforeAll(async () => {
  t = await createTestApp({ env: { DATA_DIR: `/tmp/linli-supplies-test-${process.pid}` } });
  admin = (await t.login('13900000000')).token;
  worker1 = (await t.login('13900000001')).token;
  worker2 = (await t.login('13900000002')).token;
});
afterAll(async () => t?.close());

async function orderCount() {
  return (await t.db.select({ id: orders.id }).from(orders)).length;
}
async function remainingOf(itemId: string) {
  const [row] = await t.db.select({ remaining: groupBuyItems.remaining }).from(groupBuyItems).where(eq(groupBuyItems.id, itemId));
  return row!.remaining;
}

describe('group buys', () => {
  it('residents see the seeded open 保供蔬菜包 with live remaining stock and the server clock, upcoming ones with their opening time', async () => {
    const me = await demoResident(t, 1, 1, '101');
    const res = await t.call(me.token, { url: '/api/v1/group-buys' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Math.abs(Date.parse(body.serverNow) - Date.now())).toBeLessThan(5000);
    const vegetables = body.items.find((g: { title: string }) => g.title === '保供蔬菜包');
    expect(vegetables).toMatchObject({ state: 'open', closedReason: null });
    const [first] = vegetables.items;
    expect(first).toMatchObject({ name: '保供蔬菜包', priceFen: 3990, perHouseholdLimit: 2 });
    expect(first.remaining).toBeLessThan(first.stock);
    const upcoming = body.items.find((g: { title: string }) => g.title === '米面粮油组合');
    expect(upcoming.state).toBe('upcoming');
    expect(Date.parse(upcoming.opensAt)).toBeGreaterThan(Date.parse(body.serverNow));
    expect(body.items[0].state).toBe('open');
  });

  it('drafts are seen by staff only, and staff of the community can publish and close them', async () => {
    const draft = await openGroupBuy(t, [{ stock: 5, perHouseholdLimit: 1 }], { publish: false });
    const me = await demoResident(t, 1, 1, '101');
    expect((await t.call(me.token, { url: `/api/v1/group-buys/${draft.id}` })).statusCode).toBe(404);
    expect((await t.call(worker2, { url: `/api/v1/group-buys/${draft.id}` })).json().state).toBe('draft');
    expect((await order(t, me.token, { householdId: me.householdId, items: [{ itemId: draft.items[0]!.id, qty: 1 }] })).statusCode).toBe(404);
    expect((await t.call(me.token, { method: 'POST', url: `/api/v1/group-buys/${draft.id}/publish` })).statusCode).toBe(404);
    const published = await t.call(worker1, { method: 'POST', url: `/api/v1/group-buys/${draft.id}/publish` });
    expect(published.json().state).toBe('open');
    expect((await t.call(worker1, { method: 'POST', url: `/api/v1/group-buys/${draft.id}/publish` })).statusCode).toBe(409);
    const closed = await t.call(admin, { method: 'POST', url: `/api/v1/group-buys/${draft.id}/close` });
    expect(closed.json()).toMatchObject({ state: 'closed', closedReason: 'staff' });
    const refused = await order(t, me.token, { householdId: me.householdId, items: [{ itemId: draft.items[0]!.id, qty: 1 }] });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('GROUP_BUY_CLOSED');
  });

  it('refuses orders before opening (GROUP_BUY_NOT_OPEN) and after closing time (GROUP_BUY_CLOSED)', async () => {
    const me = await demoResident(t, 1, 1, '102');
    const upcoming = await openGroupBuy(t, [{ stock: 5, perHouseholdLimit: 1 }], { opensInMs: 3_600_000, closesInMs: 7_200_000 });
    const early = await order(t, me.token, { householdId: me.householdId, items: [{ itemId: upcoming.items[0]!.id, qty: 1 }] });
    expect(early.statusCode).toBe(409);
    expect(early.json().error.code).toBe('GROUP_BUY_NOT_OPEN');
    const ended = await openGroupBuy(t, [{ stock: 5, perHouseholdLimit: 1 }], { opensInMs: -7_200_000, closesInMs: -3_600_000 });
    expect((await t.call(me.token, { url: `/api/v1/group-buys/${ended.id}` })).json()).toMatchObject({ state: 'closed', closedReason: 'time' });
    const late = await order(t, me.token, { householdId: me.householdId, items: [{ itemId: ended.items[0]!.id, qty: 1 }] });
    expect(late.json().error.code).toBe('GROUP_BUY_CLOSED');
    expect(await remainingOf(ended.items[0]!.id)).toBe(5);
  });

  it('closes by itself once everything is sold out', async () => {
    const me = await demoResident(t, 1, 1, '201');
    const gb = await openGroupBuy(t, [{ stock: 1, perHouseholdLimit: 1 }]);
    expect((await order(t, me.token, { householdId: me.householdId, items: [{ itemId: gb.items[0]!.id, qty: 1 }] })).statusCode).toBe(201);
    expect((await t.call(me.token, { url: `/api/v1/group-buys/${gb.id}` })).json()).toMatchObject({ state: 'closed', closedReason: 'sold_out' });
  });

  it('refuses bad group buys with 400 and writes nothing; residents may not create them', async () => {
    const now = Date.now();
    const base = { title: '团', opensAt: new Date(now).toISOString(), closesAt: new Date(now + 3_600_000).toISOString(), items: [{ name: '菜', unit: '份', priceFen: 100, stock: 1, perHouseholdLimit: 1 }] };
    const bad = [
      { ...base, closesAt: new Date(now - 1000).toISOString() },
      { ...base, items: [] },
      { ...base, items: [{ name: '菜', unit: '份', stock: 1, perHouseholdLimit: 1 }] },
      { ...base, items: [{ ...base.items[0], priceFen: 1.5 }] },
      { ...base, items: [{ ...base.items[0], stock: -1 }] },
      { ...base, items: [{ ...base.items[0], perHouseholdLimit: 0 }] },
      { ...base, items: [{ ...base.items[0], productId: randomUUID() }] },
      { ...base, opensAt: 'tomorrow' },
    ];
    const before = (await t.db.select().from(groupBuyItems)).length;
    for (const payload of bad) {
      const res = await t.call(admin, { method: 'POST', url: '/api/v1/group-buys', payload });
      expect([res.statusCode, res.json().error.code]).toEqual([400, 'VALIDATION_FAILED']);
    }
    const me = await demoResident(t, 1, 1, '101');
    expect((await t.call(me.token, { method: 'POST', url: '/api/v1/group-buys', payload: base })).statusCode).toBe(403);
    expect((await t.db.select().from(groupBuyItems)).length).toBe(before);
  });

  it('a draft can be edited wholesale; once published only texts, closing time and added stock change', async () => {
    const gb = await openGroupBuy(t, [{ stock: 5, perHouseholdLimit: 1 }], { publish: false });
    const edited = await t.call(worker1, {
      method: 'PATCH',
      url: `/api/v1/group-buys/${gb.id}`,
      payload: { title: '改过的团', items: [{ name: '白菜', unit: '颗', priceFen: 300, stock: 7, perHouseholdLimit: 2 }] },
    });
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toMatchObject({ title: '改过的团', items: [{ name: '白菜', stock: 7, remaining: 7 }] });
    await t.call(worker1, { method: 'POST', url: `/api/v1/group-buys/${gb.id}/publish` });
    const itemsChange = await t.call(worker1, { method: 'PATCH', url: `/api/v1/group-buys/${gb.id}`, payload: { items: [{ name: '白菜', unit: '颗', priceFen: 1, stock: 7, perHouseholdLimit: 2 }] } });
    expect(itemsChange.statusCode).toBe(409);
    const itemId = edited.json().items[0].id;
    const more = await t.call(worker1, { method: 'PATCH', url: `/api/v1/group-buys/${gb.id}`, payload: { addStock: [{ itemId, quantity: 3 }] } });
    expect(more.json().items[0]).toMatchObject({ stock: 10, remaining: 10, priceFen: 300 });
  });
});

describe('products', () => {
  it('staff of the community add and edit products; residents see only active ones and may not write', async () => {
    const created = await t.call(worker1, { method: 'POST', url: '/api/v1/products', payload: { name: '青菜', category: 'vegetables', unit: '斤', priceFen: 450 } });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    const off = await t.call(admin, { method: 'PATCH', url: `/api/v1/products/${id}`, payload: { active: false, priceFen: 500 } });
    expect(off.json()).toMatchObject({ active: false, priceFen: 500 });
    const me = await demoResident(t, 1, 1, '101');
    const seen = (await t.call(me.token, { url: '/api/v1/products' })).json().items.map((p: { id: string }) => p.id);
    expect(seen).not.toContain(id);
    expect(seen.length).toBeGreaterThan(0);
    expect((await t.call(worker2, { url: '/api/v1/products?active=false' })).json().items.map((p: { id: string }) => p.id)).toContain(id);
    expect((await t.call(me.token, { method: 'POST', url: '/api/v1/products', payload: { name: 'x', category: 'daily', unit: '个', priceFen: 1 } })).statusCode).toBe(403);
    expect((await t.call(me.token, { method: 'PATCH', url: `/api/v1/products/${id}`, payload: { priceFen: 1 } })).statusCode).toBe(404);
    expect((await t.call(admin, { method: 'POST', url: '/api/v1/products', payload: { name: 'x', category: 'toys', unit: '个', priceFen: 1 } })).statusCode).toBe(400);
    const [stored] = await t.db.select().from(products).where(eq(products.id, id));
    expect(stored!.priceFen).toBe(500);
  });

  it('a group buy item can come from a product, taking its name, unit and price', async () => {
    const [rice] = await t.db.select().from(products).where(eq(products.name, '东北大米 10kg'));
    const now = Date.now();
    const res = await t.call(admin, {
      method: 'POST',
      url: '/api/v1/group-buys',
      payload: { title: '大米', opensAt: new Date(now).toISOString(), closesAt: new Date(now + 60_000).toISOString(), items: [{ productId: rice!.id, stock: 3, perHouseholdLimit: 1 }] },
    });
    expect(res.json().items[0]).toMatchObject({ productId: rice!.id, name: '东北大米 10kg', unit: '袋', priceFen: 6800, category: 'grain_oil' });
  });
});

describe('orders', () => {
  it('places an order with server prices, a 4-digit delivery code for the household only, and stock taken', async () => {
    const me = await demoResident(t, 3, 1, '101');
    const gb = await openGroupBuy(t, [{ stock: 10, perHouseholdLimit: 3, priceFen: 1250 }, { stock: 10, perHouseholdLimit: 3, priceFen: 99 }]);
    const res = await order(t, me.token, { householdId: me.householdId, items: [{ itemId: gb.items[0]!.id, qty: 2 }, { itemId: gb.items[1]!.id, qty: 3 }], note: '放门口' });
    expect(res.statusCode).toBe(201);
    const placed = res.json();
    expect(placed).toMatchObject({ status: 'placed', totalFen: 2 * 1250 + 3 * 99, householdId: me.householdId, note: '放门口' });
    expect(placed.deliveryCode).toMatch(/^\d{4}$/);
    expect(await remainingOf(gb.items[0]!.id)).toBe(8);
    const asStaff = await t.call(worker1, { url: `/api/v1/orders/${placed.id}` });
    expect(asStaff.statusCode).toBe(200);
    expect(asStaff.json().deliveryCode).toBeNull();
    expect(asStaff.body).not.toContain(placed.deliveryCode === '0000' ? 'no-such' : `"deliveryCode":"${placed.deliveryCode}"`);
    const mine = await t.call(me.token, { url: '/api/v1/orders' });
    expect(mine.json().items.map((o: { id: string }) => o.id)).toContain(placed.id);
  });

  it('refuses any price or total the client sends (400) and charges the stored price', async () => {
    const me = await demoResident(t, 3, 1, '102');
    const gb = await openGroupBuy(t, [{ stock: 10, perHouseholdLimit: 5, priceFen: 5000 }]);
    const itemId = gb.items[0]!.id;
    const before = await orderCount();
    for (const payload of [
      { householdId: me.householdId, items: [{ itemId, qty: 1, priceFen: 1 }] },
      { householdId: me.householdId, items: [{ itemId, qty: 1 }], totalFen: 1 },
      { householdId: me.householdId, items: [{ itemId, qty: 1, subtotalFen: 1 }] },
    ]) {
      const res = await order(t, me.token, payload);
      expect([res.statusCode, res.json().error.code]).toEqual([400, 'VALIDATION_FAILED']);
    }
    expect(await orderCount()).toBe(before);
    expect(await remainingOf(itemId)).toBe(10);
    const honest = await order(t, me.token, { householdId: me.householdId, items: [{ itemId, qty: 2 }] });
    expect(honest.json().totalFen).toBe(10000);
    const [line] = await t.db.select().from(orderItems).where(eq(orderItems.orderId, honest.json().id));
    expect(line!.priceFen).toBe(5000);
  });

  it('refuses bad quantities and a missing Idempotency-Key with 400, writing nothing', async () => {
    const me = await demoResident(t, 3, 1, '201');
    const gb = await openGroupBuy(t, [{ stock: 10, perHouseholdLimit: 5 }]);
    const itemId = gb.items[0]!.id;
    const before = await orderCount();
    for (const qty of [0, -1, 1.5, '1', null, 100000]) {
      const res = await order(t, me.token, { householdId: me.householdId, items: [{ itemId, qty }] });
      expect(res.statusCode).toBe(400);
    }
    expect((await order(t, me.token, { householdId: me.householdId, items: [] })).statusCode).toBe(400);
    expect((await order(t, me.token, { householdId: me.householdId, items: [{ itemId, qty: 1 }, { itemId, qty: 1 }] })).statusCode).toBe(400);
    const noKey = await t.call(me.token, { method: 'POST', url: '/api/v1/orders', payload: { householdId: me.householdId, items: [{ itemId, qty: 1 }] } });
    expect(noKey.statusCode).toBe(400);
    expect(noKey.json().error.message).toContain('idempotency-key');
    expect(await orderCount()).toBe(before);
    expect(await remainingOf(itemId)).toBe(10);
  });

  it('a replay with the same key returns the first order and creates nothing; the same key with another body is refused', async () => {
    const me = await demoResident(t, 3, 1, '202');
    const gb = await openGroupBuy(t, [{ stock: 10, perHouseholdLimit: 5 }]);
    const itemId = gb.items[0]!.id;
    const key = randomUUID();
    const first = await order(t, me.token, { householdId: me.householdId, items: [{ itemId, qty: 1 }] }, key);
    const again = await order(t, me.token, { householdId: me.householdId, items: [{ itemId, qty: 1 }] }, key);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    const other = await order(t, me.token, { householdId: me.householdId, items: [{ itemId, qty: 2 }] }, key);
    expect([other.statusCode, other.json().error.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    expect(await remainingOf(itemId)).toBe(9);
  });

  it('a retry of an order that took the last unit, or of one placed before closing, still returns that order', async () => {
    const me = await demoResident(t, 3, 2, '101');
    const gb = await openGroupBuy(t, [{ stock: 1, perHouseholdLimit: 1 }]);
    const key = randomUUID();
    const body = { householdId: me.householdId, items: [{ itemId: gb.items[0]!.id, qty: 1 }] };
    const first = await order(t, me.token, body, key);
    expect(first.statusCode).toBe(201);
    const afterSoldOut = await order(t, me.token, body, key);
    expect([afterSoldOut.statusCode, afterSoldOut.json().id]).toEqual([201, first.json().id]);
    // Once the gate has read the item's orders it refuses new keys from memory, and still knows this one.
    expect((await order(t, me.token, body)).json().error.code).toBe('OUT_OF_STOCK');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await order(t, me.token, body)).json().error.code).toBe('OUT_OF_STOCK');
    const fromMemory = await order(t, me.token, body, key);
    expect([fromMemory.statusCode, fromMemory.json().id]).toEqual([201, first.json().id]);
    await t.call(admin, { method: 'POST', url: `/api/v1/group-buys/${gb.id}/close` });
    const afterClose = await order(t, me.token, body, key);
    expect([afterClose.statusCode, afterClose.json().id]).toEqual([201, first.json().id]);
    expect((await order(t, me.token, body)).json().error.code).toBe('OUT_OF_STOCK');
  });

  it('counts the per-household limit across orders and names what was already ordered', async () => {
    const me = await demoResident(t, 3, 1, '301');
    const gb = await openGroupBuy(t, [{ stock: 10, perHouseholdLimit: 2 }]);
    const itemId = gb.items[0]!.id;
    const tooMany = await order(t, me.token, { householdId: me.householdId, items: [{ itemId, qty: 3 }] });
    expect([tooMany.statusCode, tooMany.json().error.code]).toEqual([409, 'LIMIT_EXCEEDED']);
    expect((await order(t, me.token, { householdId: me.householdId, items: [{ itemId, qty: 1 }] })).statusCode).toBe(201);
    const second = await order(t, me.token, { householdId: me.householdId, items: [{ itemId, qty: 2 }] });
    expect(second.json().error).toMatchObject({ code: 'LIMIT_EXCEEDED', details: { limit: 2, alreadyOrdered: 1 } });
    expect(await remainingOf(itemId)).toBe(9);
  });

  it('OUT_OF_STOCK names the item and how many are left; a cancel puts stock back and the next order gets it', async () => {
    const a = await demoResident(t, 3, 1, '302');
    const b = await demoResident(t, 3, 1, '401');
    const gb = await openGroupBuy(t, [{ stock: 3, perHouseholdLimit: 3, name: '土豆' }]);
    const itemId = gb.items[0]!.id;
    const first = await order(t, a.token, { householdId: a.householdId, items: [{ itemId, qty: 2 }] });
    const short = await order(t, b.token, { householdId: b.householdId, items: [{ itemId, qty: 2 }] });
    expect(short.statusCode).toBe(409);
    expect(short.json().error).toMatchObject({ code: 'OUT_OF_STOCK', details: { itemId, remaining: 1, name: '土豆' } });
    expect((await order(t, b.token, { householdId: b.householdId, items: [{ itemId, qty: 1 }] })).statusCode).toBe(201);
    // Sold out now: refused (from the in-process gate) until a cancel returns stock.
    expect((await order(t, b.token, { householdId: b.householdId, items: [{ itemId, qty: 1 }] })).json().error.code).toBe('OUT_OF_STOCK');
    expect((await t.call(a.token, { method: 'POST', url: `/api/v1/orders/${first.json().id}/cancel` })).json().status).toBe('cancelled');
    expect(await remainingOf(itemId)).toBe(2);
    expect((await order(t, b.token, { householdId: b.householdId, items: [{ itemId, qty: 2 }] })).statusCode).toBe(201);
  });

  it('only a resident bound to the household may order for it; others get 404 and nothing is written', async () => {
    const me = await demoResident(t, 3, 1, '402');
    const neighbour = await demoResident(t, 3, 1, '501');
    const gb = await openGroupBuy(t, [{ stock: 10, perHouseholdLimit: 5 }]);
    const body = { householdId: me.householdId, items: [{ itemId: gb.items[0]!.id, qty: 1 }] };
    const before = await orderCount();
    for (const token of [neighbour.token, worker1, admin, (await t.login('13900000031')).token]) {
      expect((await order(t, token, body)).statusCode).toBe(404);
    }
    expect(await orderCount()).toBe(before);
  });

  it('the binding is checked in the order statement and before a sold-out refusal: others get 404, a binding no longer approved at once for orders, within 2 s for sold-out refusals', async () => {
    const me = await demoResident(t, 3, 2, '102');
    const neighbour = await demoResident(t, 3, 2, '201');
    const gb = await openGroupBuy(t, [{ stock: 1, perHouseholdLimit: 5 }]);
    const body = { householdId: me.householdId, items: [{ itemId: gb.items[0]!.id, qty: 1 }] };
    expect((await order(t, me.token, body)).statusCode).toBe(201); // the last unit: now sold out
    expect((await order(t, neighbour.token, body)).statusCode).toBe(404);
    expect((await order(t, me.token, body)).json().error.code).toBe('OUT_OF_STOCK');
    const open = await openGroupBuy(t, [{ stock: 10, perHouseholdLimit: 5 }]);
    const fresh = { householdId: me.householdId, items: [{ itemId: open.items[0]!.id, qty: 1 }] };
    const before = await orderCount();
    const binding = and(eq(householdBindings.userId, me.userId), eq(householdBindings.householdId, me.householdId));
    await t.db.update(householdBindings).set({ status: 'pending' }).where(binding);
    try {
      expect((await order(t, me.token, fresh)).statusCode).toBe(404); // the order statement checks the binding itself
      // A sold-out refusal may rely on the binding seen in the last 2 s (it writes nothing and shows nothing but
      // OUT_OF_STOCK); from then on it asks again.
      const soon = await order(t, me.token, body);
      expect([404, 409]).toContain(soon.statusCode);
      await new Promise((resolve) => setTimeout(resolve, 2100));
      expect((await order(t, me.token, body)).statusCode).toBe(404);
    } finally {
      await t.db.update(householdBindings).set({ status: 'approved' }).where(binding);
    }
    expect(await orderCount()).toBe(before);
    expect(await remainingOf(open.items[0]!.id)).toBe(10);
    expect((await order(t, me.token, fresh)).statusCode).toBe(201);
  });

  it('an item of another community\'s group buy is 404 to a bound resident, and nothing is written', async () => {
    const me = await demoResident(t, 3, 2, '202');
    const gb = await openGroupBuy(t, [{ stock: 10, perHouseholdLimit: 5 }]);
    const [elsewhere] = await t.db.insert(communities).values({ name: `别的社区 ${randomUUID().slice(0, 6)}` }).returning();
    await t.db.update(groupBuys).set({ communityId: elsewhere!.id }).where(eq(groupBuys.id, gb.id));
    const before = await orderCount();
    const res = await order(t, me.token, { householdId: me.householdId, items: [{ itemId: gb.items[0]!.id, qty: 1 }] });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.message).toContain('团购商品');
    expect(await orderCount()).toBe(before);
    expect(await remainingOf(gb.items[0]!.id)).toBe(10);
  });

  it('the household cancels while placed; once packed only staff can, and the household sees 409', async () => {
    const me = await demoResident(t, 3, 1, '502');
    const gb = await openGroupBuy(t, [{ stock: 10, perHouseholdLimit: 5 }]);
    const itemId = gb.items[0]!.id;
    const placed = (await order(t, me.token, { householdId: me.householdId, items: [{ itemId, qty: 2 }] })).json();
    expect((await t.call(worker2, { method: 'POST', url: `/api/v1/orders/${placed.id}/pack` })).statusCode).toBe(404);
    expect((await t.call(me.token, { method: 'POST', url: `/api/v1/orders/${placed.id}/pack` })).statusCode).toBe(404);
    expect((await t.call(worker1, { method: 'POST', url: `/api/v1/orders/${placed.id}/pack` })).json().status).toBe('packed');
    expect((await t.call(worker1, { method: 'POST', url: `/api/v1/orders/${placed.id}/pack` })).statusCode).toBe(409);
    const byHousehold = await t.call(me.token, { method: 'POST', url: `/api/v1/orders/${placed.id}/cancel` });
    expect(byHousehold.json().error).toMatchObject({ code: 'INVALID_TRANSITION', details: { from: 'packed' } });
    expect((await t.call(worker2, { method: 'POST', url: `/api/v1/orders/${placed.id}/cancel` })).statusCode).toBe(404);
    expect((await t.call(worker1, { method: 'POST', url: `/api/v1/orders/${placed.id}/cancel` })).json().status).toBe('cancelled');
    expect(await remainingOf(itemId)).toBe(10);
  });
});

describe('staff: orders by building, pack all, picking list', () => {
  it('lists a building\'s orders by status within the grid, packs them all, and prints the 分拣单 with care households first', async () => {
    const [b1] = (await t.call(worker1, { url: '/api/v1/buildings' })).json().items;
    const b4 = (await t.call(admin, { url: '/api/v1/buildings' })).json().items.find((b: { name: string }) => b.name === '4号楼');
    const placed = await t.call(worker1, { url: `/api/v1/orders?buildingId=${b1.id}&status=placed` });
    expect(placed.statusCode).toBe(200);
    expect(placed.json().items.length).toBeGreaterThan(0);
    expect(placed.json().items.every((o: { status: string; buildingId: string; deliveryCode: null }) => o.status === 'placed' && o.buildingId === b1.id && o.deliveryCode === null)).toBe(true);
    expect((await t.call(worker2, { url: `/api/v1/orders?buildingId=${b1.id}` })).statusCode).toBe(404);
    expect((await t.call(worker2, { method: 'POST', url: `/api/v1/buildings/${b1.id}/orders/pack` })).statusCode).toBe(404);
    const me = await demoResident(t, 1, 1, '101');
    expect((await t.call(me.token, { url: `/api/v1/buildings/${b1.id}/picking-list` })).statusCode).toBe(404);

    const list = (await t.call(worker1, { url: `/api/v1/buildings/${b1.id}/picking-list` })).json();
    expect(list.buildingName).toBe('1号楼');
    expect(list.totals.length).toBeGreaterThan(0);
    const firstPlain = list.households.findIndex((h: { careTags: string[] }) => h.careTags.length === 0);
    expect(list.households.slice(firstPlain).every((h: { careTags: string[] }) => h.careTags.length === 0)).toBe(true);
    const totalQty = list.totals.reduce((s: number, x: { qty: number }) => s + x.qty, 0);
    const lineQty = list.households.flatMap((h: any) => h.orders.flatMap((o: any) => o.lines)).reduce((s: number, l: { qty: number }) => s + l.qty, 0);
    expect(lineQty).toBe(totalQty);

    const csv = await t.call(worker1, { url: `/api/v1/buildings/${b1.id}/picking-list.csv` });
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv.body).toContain('分拣单,1号楼');
    const html = await t.call(worker1, { url: `/api/v1/buildings/${b1.id}/picking-list.html` });
    // A page under /api/: helmet's whole set (its inline styles allowed), not the API's `default-src 'none'`.
    expect(html.headers['content-security-policy']).toContain("style-src 'self' 'unsafe-inline'");
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toContain('<h1>分拣单 · 1号楼</h1>');

    const packAll = await t.call(worker1, { method: 'POST', url: `/api/v1/buildings/${b1.id}/orders/pack` });
    expect(packAll.json().packed).toBe(placed.json().items.length);
    expect((await t.call(worker1, { url: `/api/v1/orders?buildingId=${b1.id}&status=placed` })).json().items).toEqual([]);
    expect((await t.call(admin, { url: `/api/v1/orders?buildingId=${b4.id}&status=placed` })).json().items.length).toBeGreaterThan(0);
  });
});

describe('medicine requests (代购药)', () => {
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);

  it('a household asks, attaches a photo, staff of the building accept it; other grids and neighbours see nothing', async () => {
    const me = await demoResident(t, 2, 2, '101');
    const created = await t.call(me.token, { method: 'POST', url: '/api/v1/medicine-requests', payload: { householdId: me.householdId, medicineName: '二甲双胍', amount: '3盒', urgency: 'urgent' } });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    expect(created.json()).toMatchObject({ status: 'pending', hasPhoto: false, taskId: null });
    const photo = await t.call(me.token, { method: 'PUT', url: `/api/v1/medicine-requests/${id}/photo`, headers: { 'content-type': 'image/png' }, payload: png });
    expect(photo.statusCode).toBe(200);
    expect(photo.json().hasPhoto).toBe(true);
    const fetched = await t.call(worker1, { url: `/api/v1/medicine-requests/${id}/photo` });
    expect(fetched.headers['content-type']).toBe('image/png');
    expect(fetched.rawPayload.equals(png)).toBe(true);

    const neighbour = await demoResident(t, 2, 2, '102');
    expect((await t.call(neighbour.token, { url: `/api/v1/medicine-requests/${id}` })).statusCode).toBe(404);
    expect((await t.call(neighbour.token, { url: `/api/v1/medicine-requests/${id}/photo` })).statusCode).toBe(404);
    expect((await t.call(worker2, { method: 'POST', url: `/api/v1/medicine-requests/${id}/accept` })).statusCode).toBe(404);
    expect((await t.call(me.token, { method: 'POST', url: `/api/v1/medicine-requests/${id}/accept` })).statusCode).toBe(404);
    expect((await t.call(worker1, { method: 'POST', url: `/api/v1/medicine-requests/${id}/accept` })).json().status).toBe('accepted');
    expect((await t.call(worker1, { method: 'POST', url: `/api/v1/medicine-requests/${id}/decline`, payload: { reason: 'x' } })).statusCode).toBe(409);
    const mine = (await t.call(me.token, { url: '/api/v1/medicine-requests' })).json().items;
    expect(mine.find((r: { id: string }) => r.id === id).status).toBe('accepted');
  });

  it('staff decline with a reason the household sees; a reason is required', async () => {
    const me = await demoResident(t, 2, 2, '201');
    const id = (await t.call(me.token, { method: 'POST', url: '/api/v1/medicine-requests', payload: { householdId: me.householdId, medicineName: '阿莫西林', amount: '1盒' } })).json().id;
    expect((await t.call(worker1, { method: 'POST', url: `/api/v1/medicine-requests/${id}/decline`, payload: {} })).statusCode).toBe(400);
    await t.call(worker1, { method: 'POST', url: `/api/v1/medicine-requests/${id}/decline`, payload: { reason: '处方药需医院开具' } });
    const seen = (await t.call(me.token, { url: `/api/v1/medicine-requests/${id}` })).json();
    expect(seen).toMatchObject({ status: 'declined', declineReason: '处方药需医院开具' });
    const listed = (await t.call(worker1, { url: `/api/v1/medicine-requests?buildingId=${seen.buildingId}&status=declined` })).json().items;
    expect(listed.map((r: { id: string }) => r.id)).toContain(id);
  });

  it('the household withdraws its own request; a neighbour cannot, and a declined one cannot be withdrawn', async () => {
    const me = await demoResident(t, 2, 2, '301');
    const neighbour = await demoResident(t, 2, 2, '302');
    const id = (await t.call(me.token, { method: 'POST', url: '/api/v1/medicine-requests', payload: { householdId: me.householdId, medicineName: '维生素C', amount: '1瓶' } })).json().id;
    expect((await t.call(neighbour.token, { method: 'POST', url: `/api/v1/medicine-requests/${id}/cancel` })).statusCode).toBe(404);
    expect((await t.call(worker1, { method: 'POST', url: `/api/v1/medicine-requests/${id}/cancel` })).statusCode).toBe(404);
    expect((await t.call(me.token, { method: 'POST', url: `/api/v1/medicine-requests/${id}/cancel` })).json().status).toBe('cancelled');
    expect((await t.call(me.token, { method: 'POST', url: `/api/v1/medicine-requests/${id}/cancel` })).statusCode).toBe(409);
  });

  it('refuses a photo that is not an image by its bytes, or over 5 MB; another household cannot create one for it', async () => {
    const me = await demoResident(t, 2, 2, '202');
    const id = (await t.call(me.token, { method: 'POST', url: '/api/v1/medicine-requests', payload: { householdId: me.householdId, medicineName: '布洛芬', amount: '1盒' } })).json().id;
    const fake = await t.call(me.token, { method: 'PUT', url: `/api/v1/medicine-requests/${id}/photo`, headers: { 'content-type': 'image/jpeg' }, payload: Buffer.from('<script>alert(1)</script>') });
    expect(fake.statusCode).toBe(400);
    const huge = await t.call(me.token, { method: 'PUT', url: `/api/v1/medicine-requests/${id}/photo`, headers: { 'content-type': 'image/png' }, payload: Buffer.concat([png, Buffer.alloc(5 * 1024 * 1024)]) });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.message).toBe('请求内容过大（上限 5 MB）');
    const text = await t.call(me.token, { method: 'PUT', url: `/api/v1/medicine-requests/${id}/photo`, headers: { 'content-type': 'text/plain' }, payload: 'hi' });
    expect(text.statusCode).toBe(415);
    const [row] = await t.db.select().from(medicineRequests).where(eq(medicineRequests.id, id));
    expect(row!.photoKey).toBeNull();
    const other = await demoResident(t, 5, 1, '101');
    expect((await t.call(other.token, { method: 'POST', url: '/api/v1/medicine-requests', payload: { householdId: me.householdId, medicineName: 'x', amount: '1' } })).statusCode).toBe(404);
  });
});
