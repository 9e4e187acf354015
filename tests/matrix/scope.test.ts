// Every role against in-scope and out-of-scope objects, through the real routes. Out of scope: 404 with nothing of the object.
import { and, eq } from 'drizzle-orm';
import { buildings, households, persons } from '@linli/server/db/schema/index';
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
let ids: { building1: string; household101: string; person: string; personName: string };

beforeAll(async () => {
  t = await createTestApp();
  const [b1] = await t.db.select().from(buildings).where(eq(buildings.name, '1号楼'));
  const [h] = await t.db.select().from(households).where(and(eq(households.buildingId, b1!.id), eq(households.unit, '1'), eq(households.room, '101')));
  const [p] = await t.db.select().from(persons).where(eq(persons.householdId, h!.id));
  ids = { building1: b1!.id, household101: h!.id, person: p!.id, personName: p!.name };
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

const routes: { name: string; request: () => { method: 'GET' | 'POST'; url: string }; expect: Expect }[] = [
  { name: 'GET /households/:id', request: () => ({ method: 'GET', url: `/api/v1/households/${ids.household101}` }), expect: householdAndStaff },
  { name: 'GET /persons/:id/phone', request: () => ({ method: 'GET', url: `/api/v1/persons/${ids.person}/phone` }), expect: householdAndStaff },
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
