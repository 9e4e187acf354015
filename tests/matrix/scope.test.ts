// Every role against in-scope and out-of-scope objects, through the real routes. Out of scope: 404 with nothing of the object.
import { and, eq } from 'drizzle-orm';
import { alerts, buildings, households, persons } from '@linli/server/db/schema/index';
import { createTestApp, type TestApp } from '../support/app';

const actors = {
  anonymous: null,
  'resident of the household': '13801110100',
  'resident of the same building': '13801110200',
  'resident of another building': '13804110100',
  volunteer: '13900000031',
  'grid worker in scope': '13900000001',
  'grid worker out of scope': '13900000002',
  admin: '13900000000',
} as const;
type ActorName = keyof typeof actors;

let t: TestApp;
let ids: { building1: string; household101: string; person: string; personName: string; notice: string };

beforeAll(async () => {
  t = await createTestApp();
  const [b1] = await t.db.select().from(buildings).where(eq(buildings.name, '1号楼'));
  const [h] = await t.db.select().from(households).where(and(eq(households.buildingId, b1!.id), eq(households.unit, '1'), eq(households.room, '101')));
  const [p] = await t.db.select().from(persons).where(eq(persons.householdId, h!.id));
  const notice = await t.call((await t.login('13900000001')).token, {
    method: 'POST', url: '/api/v1/notices', payload: { title: '范围测试通知', body: '内容', buildingIds: [b1!.id] },
  });
  ids = { building1: b1!.id, household101: h!.id, person: p!.id, personName: p!.name, notice: notice.json().id };
});
afterAll(async () => t?.close());

async function tokenOf(actor: ActorName) {
  const phone = actors[actor];
  return phone ? (await t.login(phone)).token : null;
}

type Expect = Record<ActorName, number>;
const staffOnly = (inScope: number): Expect => ({
  anonymous: 401,
  'resident of the household': 404,
  'resident of the same building': 404,
  'resident of another building': 404,
  volunteer: 404,
  'grid worker in scope': inScope,
  'grid worker out of scope': 404,
  admin: inScope,
});
const householdAndStaff: Expect = { ...staffOnly(200), 'resident of the household': 200 };

const buildingMembers: Expect = { ...staffOnly(200), 'resident of the household': 200, 'resident of the same building': 200 };
const asCreated = (e: Expect): Expect => Object.fromEntries(Object.entries(e).map(([k, v]) => [k, v === 200 ? 201 : v])) as Expect;
let clientIds = 0;

const routes: { name: string; request: () => { method: 'GET' | 'POST'; url: string; payload?: Record<string, unknown> }; expect: Expect }[] = [
  { name: 'GET /chats/:id', request: () => ({ method: 'GET', url: `/api/v1/chats/${ids.building1}` }), expect: buildingMembers },
  { name: 'GET /chats/:id/messages', request: () => ({ method: 'GET', url: `/api/v1/chats/${ids.building1}/messages` }), expect: buildingMembers },
  { name: 'GET /chats/:id/members', request: () => ({ method: 'GET', url: `/api/v1/chats/${ids.building1}/members` }), expect: buildingMembers },
  {
    name: 'POST /chats/:id/messages',
    request: () => ({ method: 'POST', url: `/api/v1/chats/${ids.building1}/messages`, payload: { clientId: `scope-${++clientIds}`, text: '范围' } }),
    expect: asCreated(buildingMembers),
  },
  { name: 'POST /chats/:id/read', request: () => ({ method: 'POST', url: `/api/v1/chats/${ids.building1}/read`, payload: { seq: 1 } }), expect: buildingMembers },
  { name: 'GET /notices/:id', request: () => ({ method: 'GET', url: `/api/v1/notices/${ids.notice}` }), expect: buildingMembers },
  { name: 'GET /notices/:id/stats', request: () => ({ method: 'GET', url: `/api/v1/notices/${ids.notice}/stats` }), expect: staffOnly(200) },
  { name: 'GET /households/:id', request: () => ({ method: 'GET', url: `/api/v1/households/${ids.household101}` }), expect: householdAndStaff },
  { name: 'GET /persons/:id/phone', request: () => ({ method: 'GET', url: `/api/v1/persons/${ids.person}/phone` }), expect: householdAndStaff },
  { name: 'GET /households/:id/checkins', request: () => ({ method: 'GET', url: `/api/v1/households/${ids.household101}/checkins` }), expect: householdAndStaff },
  { name: 'POST /persons/:id/care-visits', request: () => ({ method: 'POST', url: `/api/v1/persons/${ids.person}/care-visits`, payload: { note: '上门看望' } }), expect: staffOnly(201) },
  { name: 'GET /buildings/:id/households', request: () => ({ method: 'GET', url: `/api/v1/buildings/${ids.building1}/households` }), expect: staffOnly(200) },
  {
    name: 'GET /audit',
    request: () => ({ method: 'GET', url: '/api/v1/audit' }),
    expect: { ...staffOnly(403), anonymous: 401, 'resident of the household': 403, 'resident of the same building': 403, 'resident of another building': 403, volunteer: 403, 'grid worker out of scope': 403, admin: 200 },
  },
];

describe.each(routes)('$name', ({ request, expect: expected }) => {
  it.each(Object.keys(actors) as ActorName[])('%s', async (actor) => {
    const res = await t.call(await tokenOf(actor), request());
    expect(res.statusCode).toBe(expected[actor]);
    if (res.statusCode >= 400) {
      const body = res.json();
      expect(Object.keys(body)).toEqual(['error']);
      expect(res.body).not.toContain(ids.personName);
      expect(res.body).not.toContain(ids.household101);
    }
  });
});

describe('POST /household-bindings/:id/approve', () => {
  const expected: Expect = staffOnly(200);
  it.each(Object.keys(actors) as ActorName[])('%s', async (actor) => {
    // A fresh applicant each time, so every actor meets a pending request for 1号楼 1单元 101.
    const applicant = await t.login(`1370000${String(Object.keys(actors).indexOf(actor)).padStart(4, '0')}`);
    const created = await t.call(applicant.token, {
      method: 'POST',
      url: '/api/v1/household-bindings',
      payload: { buildingId: ids.building1, unit: '1', room: '101', relation: 'relative' },
    });
    expect(created.statusCode).toBe(201);
    const res = await t.call(await tokenOf(actor), { method: 'POST', url: `/api/v1/household-bindings/${created.json().id}/approve`, payload: {} });
    expect(res.statusCode).toBe(expected[actor]);
    const mine = await t.call(applicant.token, { url: '/api/v1/me' });
    expect(mine.json().households.length).toBe(expected[actor] === 200 ? 1 : 0);
  });
});

describe('GET /buildings lists only buildings in scope', () => {
  it.each([
    ['resident of the household', ['1号楼']],
    ['resident of another building', ['4号楼']],
    ['grid worker in scope', ['1号楼', '2号楼', '3号楼']],
    ['grid worker out of scope', ['4号楼', '5号楼', '6号楼']],
    ['admin', ['1号楼', '2号楼', '3号楼', '4号楼', '5号楼', '6号楼']],
    ['volunteer', ['1号楼', '2号楼', '3号楼', '4号楼', '5号楼', '6号楼']],
  ] as [ActorName, string[]][])('%s sees %j', async (actor, names) => {
    const res = await t.call(await tokenOf(actor), { url: '/api/v1/buildings' });
    expect(res.statusCode).toBe(200);
    expect(res.json().items.map((b: { name: string }) => b.name)).toEqual(names);
  });

  it('an account with no binding and no role sees none', async () => {
    const { token } = await t.login('13712345678');
    expect((await t.call(token, { url: '/api/v1/buildings' })).json().items).toEqual([]);
  });
});

// Supplies: an order and a medicine request of 1号楼 1单元 101, a group buy of the community.
describe('supplies objects', () => {
  let supplies: { order: string; medicine: string; groupBuy: string; building1: string; code: string };
  beforeAll(async () => {
    const resident = await t.login('13801110100');
    const [gb] = (await t.call(resident.token, { url: '/api/v1/group-buys?state=open' })).json().items;
    const placed = await t.call(resident.token, {
      method: 'POST',
      url: '/api/v1/orders',
      headers: { 'idempotency-key': 'scope-matrix-order-1' },
      payload: { householdId: ids.household101, items: [{ itemId: gb.items[0].id, qty: 1 }] },
    });
    const medicine = await t.call(resident.token, { method: 'POST', url: '/api/v1/medicine-requests', payload: { householdId: ids.household101, medicineName: '降压药', amount: '1盒' } });
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(16)]);
    await t.call(resident.token, { method: 'PUT', url: `/api/v1/medicine-requests/${medicine.json().id}/photo`, headers: { 'content-type': 'image/png' }, payload: png });
    supplies = { order: placed.json().id, medicine: medicine.json().id, groupBuy: gb.id, building1: ids.building1, code: placed.json().deliveryCode };
  });

  const everyoneInCommunity: Expect = {
    anonymous: 401, 'resident of the household': 200, 'resident of the same building': 200, 'resident of another building': 200,
    volunteer: 200, 'grid worker in scope': 200, 'grid worker out of scope': 200, admin: 200,
  };
  const communityStaff = (status: number): Expect => ({ ...staffOnly(status), 'grid worker out of scope': status });
  const readRoutes: { name: string; url: () => string; expect: Expect }[] = [
    { name: 'GET /orders/:id', url: () => `/api/v1/orders/${supplies.order}`, expect: householdAndStaff },
    { name: 'GET /medicine-requests/:id', url: () => `/api/v1/medicine-requests/${supplies.medicine}`, expect: householdAndStaff },
    { name: 'GET /medicine-requests/:id/photo', url: () => `/api/v1/medicine-requests/${supplies.medicine}/photo`, expect: householdAndStaff },
    { name: 'GET /buildings/:id/picking-list', url: () => `/api/v1/buildings/${supplies.building1}/picking-list`, expect: staffOnly(200) },
    { name: 'GET /buildings/:id/picking-list.csv', url: () => `/api/v1/buildings/${supplies.building1}/picking-list.csv`, expect: staffOnly(200) },
    { name: 'GET /buildings/:id/picking-list.html', url: () => `/api/v1/buildings/${supplies.building1}/picking-list.html`, expect: staffOnly(200) },
    { name: 'GET /group-buys/:id', url: () => `/api/v1/group-buys/${supplies.groupBuy}`, expect: everyoneInCommunity },
  ];
  describe.each(readRoutes)('$name', ({ url, expect: expected }) => {
    it.each(Object.keys(actors) as ActorName[])('%s', async (actor) => {
      const res = await t.call(await tokenOf(actor), { url: url() });
      expect(res.statusCode).toBe(expected[actor]);
      if (res.statusCode >= 400) {
        expect(Object.keys(res.json())).toEqual(['error']);
        expect(res.body).not.toContain(supplies.order);
        expect(res.body).not.toContain(ids.household101);
      }
      // The delivery code reaches the household only.
      if (url().includes('/orders/') && res.statusCode === 200) {
        expect(res.json().deliveryCode).toBe(actor === 'resident of the household' ? supplies.code : null);
      }
    });
  });

  it('an account outside the community sees no group buy', async () => {
    const { token } = await t.login('13712340000');
    expect((await t.call(token, { url: `/api/v1/group-buys/${supplies.groupBuy}` })).statusCode).toBe(404);
    expect((await t.call(token, { url: '/api/v1/group-buys' })).json().items).toEqual([]);
  });

  const writeRoutes: { name: string; request: () => { method: 'POST' | 'PATCH'; url: string; payload?: object }; expect: Expect }[] = [
    { name: 'PATCH /group-buys/:id', request: () => ({ method: 'PATCH', url: `/api/v1/group-buys/${supplies.groupBuy}`, payload: { description: '保供' } }), expect: { ...communityStaff(200), 'resident of the household': 404, 'resident of the same building': 404, 'resident of another building': 404, volunteer: 404 } },
    { name: 'POST /orders/:id/pack', request: () => ({ method: 'POST', url: `/api/v1/orders/${supplies.order}/pack` }), expect: { ...staffOnly(200), admin: 409 } },
    { name: 'POST /group-buys/:id/close', request: () => ({ method: 'POST', url: `/api/v1/group-buys/${supplies.groupBuy}/close` }), expect: { ...communityStaff(200), 'grid worker out of scope': 409, admin: 409 } },
  ];
  // Run in order: the first staff member to pack or close wins, later ones meet 409 (allowed, but the state moved on).
  describe.each(writeRoutes)('$name', ({ request, expect: expected }) => {
    it.each(Object.keys(actors) as ActorName[])('%s', async (actor) => {
      const res = await t.call(await tokenOf(actor), request());
      expect(res.statusCode).toBe(expected[actor]);
    });
  });
});

// Follow-up objects of 1号楼 1单元 101 (grid 1): each actor meets a fresh one, so an earlier decision never answers 409.
describe.each([
  {
    name: 'POST /alerts/:id/acknowledge',
    create: async (i: number) => {
      const [b1] = await t.db.select().from(buildings).where(eq(buildings.id, ids.building1));
      const [alert] = await t.db
        .insert(alerts)
        .values({ communityId: b1!.communityId, gridId: b1!.gridId, buildingId: b1!.id, householdId: ids.household101, personId: ids.person, day: `2026-01-${String(i + 1).padStart(2, '0')}`, reasons: ['fever'], temperatureTenths: 385 })
        .returning();
      return `/api/v1/alerts/${alert!.id}/acknowledge`;
    },
    expected: staffOnly(200),
  },
  {
    name: 'POST /help-requests/:id/acknowledge',
    create: async () => {
      const created = await t.call(await tokenOf('resident of the household'), {
        method: 'POST', url: '/api/v1/help-requests', payload: { householdId: ids.household101, kind: 'medicine', details: '降压药吃完了' },
      });
      expect(created.statusCode).toBe(201);
      return `/api/v1/help-requests/${created.json().id}/acknowledge`;
    },
    expected: staffOnly(200),
  },
  {
    name: 'POST /testing-rounds/:id/buildings/:buildingId/done',
    create: async () => {
      const created = await t.call(await tokenOf('admin'), {
        method: 'POST', url: '/api/v1/testing-rounds', payload: { title: '全员核酸', day: '2026-12-01', slots: [{ buildingId: ids.building1, startTime: '08:00', endTime: '09:00' }] },
      });
      expect(created.statusCode).toBe(201);
      return `/api/v1/testing-rounds/${created.json().id}/buildings/${ids.building1}/done`;
    },
    expected: staffOnly(200),
  },
])('$name', ({ create, expected }) => {
  it.each(Object.keys(actors) as ActorName[])('%s', async (actor) => {
    const url = await create(Object.keys(actors).indexOf(actor));
    const res = await t.call(await tokenOf(actor), { method: 'POST', url, payload: {} });
    expect(res.statusCode).toBe(expected[actor]);
    if (res.statusCode >= 400) {
      expect(Object.keys(res.json())).toEqual(['error']);
      expect(res.body).not.toContain(ids.personName);
    }
  });
});

describe('entry passes and reserves', () => {
  const objects = { pass: '', item: '' };
  beforeAll(async () => {
    const admin = await tokenOf('admin');
    objects.pass = (await t.call(admin, { method: 'POST', url: '/api/v1/passes', payload: { householdId: ids.household101 } })).json().id;
    objects.item = (await t.call(admin, { method: 'POST', url: '/api/v1/reserve-items', payload: { name: '测温枪', unit: '把', lowStockThreshold: 5 } })).json().id;
  });

  const passRoutes: { name: string; request: () => { method: 'GET' | 'POST'; url: string }; expect: Expect }[] = [
    {
      // Only the household itself mints the QR token: staff could otherwise walk out on someone else's pass.
      name: 'GET /passes/:id/token',
      request: () => ({ method: 'GET', url: `/api/v1/passes/${objects.pass}/token` }),
      expect: { ...staffOnly(404), 'resident of the household': 200 },
    },
    {
      // Reserves are the community's: every staff member of it, no resident or volunteer.
      name: 'GET /reserve-items/:id/entries',
      request: () => ({ method: 'GET', url: `/api/v1/reserve-items/${objects.item}/entries` }),
      expect: { ...staffOnly(200), 'grid worker out of scope': 200 },
    },
    { name: 'POST /buildings/:id/passes', request: () => ({ method: 'POST', url: `/api/v1/buildings/${ids.building1}/passes` }), expect: staffOnly(200) },
  ];

  describe.each(passRoutes)('$name', ({ request, expect: expected }) => {
    it.each(Object.keys(actors) as ActorName[])('%s', async (actor) => {
      const res = await t.call(await tokenOf(actor), request());
      expect(res.statusCode).toBe(expected[actor]);
      if (res.statusCode >= 400) {
        expect(Object.keys(res.json())).toEqual(['error']);
        expect(res.body).not.toContain(ids.household101);
        expect(res.body).not.toContain(objects.pass);
      }
    });
  });
});
