// Entry passes through the HTTP API: policy, issuing, the household's view, the QR token and gate scans.
import { randomBytes } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { selectRows } from '@linli/server/db/client';
import { auditLog, buildings, communities, households, passes, passTokenUses, passTrips, roleAssignments, users } from '@linli/server/db/schema/index';
import { purgeUsedPassNonces, usedPassNonceKeptMs } from '@linli/server/jobs/pass-nonce-purge';
import { passTokenKey, signPassToken } from '@linli/server/modules/passes/token';
import { createTestApp, type TestApp } from '../support/app';
import { clearPassesAndReserves } from '../support/passes';

const passSecret = 'pass-token-secret-for-tests-0123456789abcdef';
const key = passTokenKey(passSecret, false);
const phones = {
  resident: '13801110100',
  neighbour: '13801110200',
  residentOfBuilding4: '13804110100',
  gridWorker1: '13900000001',
  gridWorker2: '13900000002',
  admin: '13900000000',
  volunteer: '13900000031',
};

let t: TestApp;
let household101: string;
let household102: string;
let building1: string;
let communityId: string;

async function householdOf(building: string, unit: string, room: string) {
  const [b] = await t.db.select().from(buildings).where(eq(buildings.name, building));
  const [h] = await t.db.select().from(households).where(and(eq(households.buildingId, b!.id), eq(households.unit, unit), eq(households.room, room)));
  return h!.id;
}

async function as(phone: string) {
  return (await t.login(phone)).token;
}

async function issue(householdId: string, body: Record<string, unknown> = {}, phone = phones.gridWorker1) {
  return t.call(await as(phone), { method: 'POST', url: '/api/v1/passes', payload: { householdId, ...body } });
}

async function tokenFor(passId: string, phone = phones.resident) {
  const res = await t.call(await as(phone), { url: `/api/v1/passes/${passId}/token` });
  expect(res.statusCode).toBe(200);
  return res.json().token as string;
}

async function scan(token: string, direction: 'out' | 'in', phone = phones.volunteer) {
  return t.call(await as(phone), { method: 'POST', url: '/api/v1/gate/scans', payload: { token, direction } });
}

async function tripCount(householdId: string) {
  const [row] = await selectRows<{ n: number }>(t.db, sql`SELECT count(*)::int AS n FROM pass_trips WHERE household_id = ${householdId}`);
  return Number(row!.n);
}

beforeAll(async () => {
  t = await createTestApp({ env: { PASS_TOKEN_SECRET: passSecret } });
  await clearPassesAndReserves(t.db);
  household101 = await householdOf('1号楼', '1', '101');
  household102 = await householdOf('1号楼', '1', '102');
  const [b1] = await t.db.select().from(buildings).where(eq(buildings.name, '1号楼'));
  building1 = b1!.id;
  communityId = b1!.communityId;
});
afterAll(async () => t?.close());

describe('pass policy', () => {
  it('shows the default rule to a resident and lets a grid worker change it', async () => {
    const before = await t.call(await as(phones.resident), { url: '/api/v1/pass-policy' });
    expect(before.statusCode).toBe(200);
    expect(before.json()).toMatchObject({ exitsPerWindow: 1, windowDays: 2, maxOutMinutes: 120, updatedAt: null });

    const put = await t.call(await as(phones.gridWorker1), { method: 'PUT', url: '/api/v1/pass-policy', payload: { exitsPerWindow: 2, windowDays: 3, maxOutMinutes: 90 } });
    expect(put.statusCode).toBe(200);
    const after = await t.call(await as(phones.resident), { url: '/api/v1/pass-policy' });
    expect(after.json()).toMatchObject({ exitsPerWindow: 2, windowDays: 3, maxOutMinutes: 90 });
    expect(after.json().updatedAt).not.toBeNull();
  });

  it('refuses residents and volunteers, and bad rules, changing nothing', async () => {
    for (const phone of [phones.resident, phones.volunteer]) {
      const res = await t.call(await as(phone), { method: 'PUT', url: '/api/v1/pass-policy', payload: { exitsPerWindow: 9, windowDays: 1, maxOutMinutes: 600 } });
      expect(res.statusCode).toBe(403);
    }
    for (const payload of [{ exitsPerWindow: 0, windowDays: 2, maxOutMinutes: 120 }, { exitsPerWindow: 1, windowDays: 2 }, { exitsPerWindow: 1.5, windowDays: 2, maxOutMinutes: 120 }, { exitsPerWindow: 1, windowDays: 2, maxOutMinutes: 120, extra: 1 }]) {
      const res = await t.call(await as(phones.admin), { method: 'PUT', url: '/api/v1/pass-policy', payload });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
    }
    const policy = await t.call(await as(phones.resident), { url: '/api/v1/pass-policy' });
    expect(policy.json()).toMatchObject({ exitsPerWindow: 2, windowDays: 3, maxOutMinutes: 90 });
  });

  it('answers 404 for a community the caller does not belong to', async () => {
    const res = await t.call(await as(phones.resident), { url: `/api/v1/pass-policy?communityId=${randomUUIDish()}` });
    expect(res.statusCode).toBe(404);
  });
});

function randomUUIDish() {
  const h = randomBytes(16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20)}`;
}

describe('issuing passes', () => {
  it('a grid worker issues a pass to a household of their grid; the household sees it with its quota', async () => {
    const res = await issue(household101);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ householdId: household101, buildingName: '1号楼', unit: '1', room: '101', kind: 'regular', status: 'active' });

    const mine = await t.call(await as(phones.resident), { url: '/api/v1/passes/mine' });
    expect(mine.statusCode).toBe(200);
    const [entry] = mine.json().items;
    expect(entry).toMatchObject({ householdId: household101, pass: { id: res.json().id }, quota: { limit: 2, used: 0, remaining: 2, windowDays: 3 }, currentTrip: null });
  });

  it('refuses staff of another grid, residents and volunteers with 404, writing nothing', async () => {
    const before = await t.db.select().from(passes).where(eq(passes.householdId, household102));
    for (const phone of [phones.gridWorker2, phones.resident, phones.volunteer]) {
      const res = await issue(household102, {}, phone);
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toContain(household102);
    }
    expect(await t.db.select().from(passes).where(eq(passes.householdId, household102))).toEqual(before);
  });

  it('refuses bad input with 400 and writes nothing', async () => {
    const cases = [
      { householdId: 'not-a-uuid' },
      { householdId: household102, kind: 'medical' },
      { householdId: household102, kind: 'medical', reason: '透析' },
      { householdId: household102, kind: 'vip' },
      { householdId: household102, kind: 'medical', reason: '透析', validUntil: '2020-01-01T00:00:00Z' },
    ];
    for (const payload of cases) {
      const res = await t.call(await as(phones.gridWorker1), { method: 'POST', url: '/api/v1/passes', payload });
      expect(res.statusCode).toBe(400);
    }
    expect(await t.db.select().from(passes).where(eq(passes.householdId, household102))).toEqual([]);
  });

  it('a medical exception replaces the regular pass and is listed for staff of that grid only', async () => {
    const regular = await issue(household102);
    expect(regular.statusCode).toBe(201);
    const validUntil = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const medical = await issue(household102, { kind: 'medical', reason: '每周三次透析', validUntil });
    expect(medical.statusCode).toBe(201);
    const live = await t.db.select().from(passes).where(and(eq(passes.householdId, household102), eq(passes.status, 'active')));
    expect(live.map((p) => p.kind)).toEqual(['medical']);

    const list = await t.call(await as(phones.gridWorker1), { url: '/api/v1/passes?kind=medical' });
    expect(list.json().items.map((p: { id: string }) => p.id)).toContain(medical.json().id);
    const other = await t.call(await as(phones.gridWorker2), { url: '/api/v1/passes?kind=medical' });
    expect(other.json().items).toEqual([]);
    const resident = await t.call(await as(phones.resident), { url: '/api/v1/passes' });
    expect(resident.statusCode).toBe(403);
  });

  it('issues regular passes to a whole building in one action, skipping households that have one', async () => {
    const res = await t.call(await as(phones.gridWorker1), { method: 'POST', url: `/api/v1/buildings/${building1}/passes` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ issued: 22, alreadyHadPass: 2 });
    const again = await t.call(await as(phones.gridWorker1), { method: 'POST', url: `/api/v1/buildings/${building1}/passes` });
    expect(again.json()).toEqual({ issued: 0, alreadyHadPass: 24 });
    const outOfScope = await t.call(await as(phones.gridWorker2), { method: 'POST', url: `/api/v1/buildings/${building1}/passes` });
    expect(outOfScope.statusCode).toBe(404);
  });
});

describe('the QR token', () => {
  it('is minted only for a member of the household, never for staff or neighbours', async () => {
    const [pass] = await t.db.select().from(passes).where(and(eq(passes.householdId, household101), eq(passes.status, 'active')));
    for (const phone of [phones.neighbour, phones.gridWorker1, phones.admin, phones.volunteer]) {
      const res = await t.call(await as(phone), { url: `/api/v1/passes/${pass!.id}/token` });
      expect(res.statusCode).toBe(404);
    }
    const own = await t.call(await as(phones.resident), { url: `/api/v1/passes/${pass!.id}/token` });
    expect(own.statusCode).toBe(200);
    expect(own.headers['cache-control']).toBe('no-store');
    const { token, expiresAt, refreshAfterSeconds } = own.json();
    expect(refreshAfterSeconds).toBeLessThan(60);
    expect(new Date(expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(60_000);
    // Nothing about the household in clear: no room, no building, no phone, no household id.
    const decoded = Buffer.from(token.slice(4), 'base64url').toString('latin1');
    for (const secret of ['101', '1号楼', phones.resident, household101]) {
      expect(token).not.toContain(secret);
      expect(decoded).not.toContain(secret);
    }
  });
});

describe('gate scans', () => {
  let passId: string;
  beforeAll(async () => {
    passId = (await t.db.select().from(passes).where(and(eq(passes.householdId, household101), eq(passes.status, 'active'))))[0]!.id;
  });

  it('records an exit with only the room, refuses the same token again, and records the return', async () => {
    const token = await tokenFor(passId);
    const out = await scan(token, 'out');
    expect(out.statusCode).toBe(201);
    expect(out.json()).toMatchObject({ outcome: 'allowed', direction: 'out', buildingName: '1号楼', unit: '1', room: '101', passKind: 'regular', exitsLeft: 1, overdue: false });
    expect(out.body).not.toContain(phones.resident.slice(-4));
    expect(Object.keys(out.json())).not.toContain('householdId');

    const replay = await scan(token, 'out');
    expect(replay.statusCode).toBe(409);
    expect(replay.json().error.code).toBe('PASS_TOKEN_REPLAYED');
    const replayAsReturn = await scan(token, 'in', phones.gridWorker1);
    expect(replayAsReturn.json().error.code).toBe('PASS_TOKEN_REPLAYED');

    const outAgain = await scan(await tokenFor(passId), 'out');
    expect(outAgain.statusCode).toBe(409);
    expect(outAgain.json().error.code).toBe('ALREADY_OUT');

    const out1 = await t.call(await as(phones.gridWorker1), { url: '/api/v1/pass-trips?state=out' });
    expect(out1.json().items.map((trip: { householdId: string }) => trip.householdId)).toEqual([household101]);
    const out2 = await t.call(await as(phones.gridWorker2), { url: '/api/v1/pass-trips?state=out' });
    expect(out2.json().items).toEqual([]);
    const mine = await t.call(await as(phones.resident), { url: '/api/v1/passes/mine' });
    expect(mine.json().items[0]).toMatchObject({ quota: { used: 1, remaining: 1 }, currentTrip: { householdId: household101 } });

    const back = await scan(await tokenFor(passId), 'in');
    expect(back.statusCode).toBe(201);
    expect(back.json()).toMatchObject({ direction: 'in', room: '101', overdue: false });
    expect(await tripCount(household101)).toBe(1);
    const noneOut = await t.call(await as(phones.gridWorker1), { url: '/api/v1/pass-trips?state=out' });
    expect(noneOut.json().items).toEqual([]);

    const notOut = await scan(await tokenFor(passId), 'in');
    expect(notOut.json().error.code).toBe('NOT_OUT');
  });

  it('refuses an exit once the window quota is used up', async () => {
    expect((await scan(await tokenFor(passId), 'out')).statusCode).toBe(201);
    expect((await scan(await tokenFor(passId), 'in')).statusCode).toBe(201);
    const third = await scan(await tokenFor(passId), 'out');
    expect(third.statusCode).toBe(409);
    expect(third.json().error).toMatchObject({ code: 'PASS_QUOTA_EXCEEDED', details: { room: '101', limit: 2, windowDays: 3 } });
    expect(await tripCount(household101)).toBe(2);
    const mine = await t.call(await as(phones.resident), { url: '/api/v1/passes/mine' });
    expect(mine.json().items[0].quota).toMatchObject({ used: 2, remaining: 0 });
    expect(mine.json().items[0].quota.nextExitAt).not.toBeNull();
  });

  it('refuses forged, tampered, garbled and expired tokens, writing nothing', async () => {
    const now = Math.floor(Date.now() / 1000);
    const genuine = signPassToken(key, { passId: (await t.db.select().from(passes).where(eq(passes.householdId, household102)))[0]!.id, issuedAt: now }).token;
    const raw = Buffer.from(genuine.slice(4), 'base64url');
    raw[3] = raw[3]! ^ 0xff;
    const cases: [string, string, number, string][] = [
      ['signed with another key', signPassToken(passTokenKey('some-other-secret-0123456789abcdefghij', false), { passId, issuedAt: now }).token, 400, 'PASS_TOKEN_INVALID'],
      ['signed with the JWT-derived key while PASS_TOKEN_SECRET is set', signPassToken(passTokenKey('linli-development-secret-not-for-production-use', true), { passId, issuedAt: now }).token, 400, 'PASS_TOKEN_INVALID'],
      ['one byte of the pass id changed', `LP1.${raw.toString('base64url')}`, 400, 'PASS_TOKEN_INVALID'],
      ['truncated', genuine.slice(0, -3), 400, 'PASS_TOKEN_INVALID'],
      ['not a pass token', 'https://example.com/?q=1', 400, 'PASS_TOKEN_INVALID'],
      ['61 seconds old', signPassToken(key, { passId, issuedAt: now - 61 }).token, 409, 'PASS_TOKEN_EXPIRED'],
      ['minted an hour in the future', signPassToken(key, { passId, issuedAt: now + 3600 }).token, 409, 'PASS_TOKEN_EXPIRED'],
    ];
    const tripsBefore = await tripCount(household101);
    const [usesBefore] = await selectRows<{ n: number }>(t.db, sql`SELECT count(*)::int AS n FROM pass_token_uses`);
    for (const [name, token, status, code] of cases) {
      const res = await scan(token, 'in');
      expect({ name, status: res.statusCode, code: res.json().error.code }).toEqual({ name, status, code });
    }
    expect(await tripCount(household101)).toBe(tripsBefore);
    const [usesAfter] = await selectRows<{ n: number }>(t.db, sql`SELECT count(*)::int AS n FROM pass_token_uses`);
    expect(usesAfter!.n).toBe(usesBefore!.n);
  });

  it('refuses bad scan bodies with 400', async () => {
    for (const payload of [{}, { token: 'LP1.x' }, { token: 'LP1.x', direction: 'sideways' }, { token: '', direction: 'out' }, { token: 'x'.repeat(600), direction: 'out' }]) {
      const res = await t.call(await as(phones.volunteer), { method: 'POST', url: '/api/v1/gate/scans', payload });
      expect(res.statusCode).toBe(400);
    }
  });

  it('lets only volunteers and staff of the community work the gate', async () => {
    const medicalPass = (await t.db.select().from(passes).where(and(eq(passes.householdId, household102), eq(passes.status, 'active'))))[0]!;
    // A resident (of another household) cannot scan; neither can a volunteer of another community.
    const asResident = await scan(signPassToken(key, { passId: medicalPass.id, issuedAt: Math.floor(Date.now() / 1000) }).token, 'out', phones.residentOfBuilding4);
    expect(asResident.statusCode).toBe(404);
    expect(asResident.body).not.toContain('102');

    const [other] = await t.db.insert(communities).values({ name: '别的社区' }).returning();
    const [outsider] = await t.db.insert(users).values({ phone: '13911112222', displayName: '外社区志愿者' }).returning();
    await t.db.insert(roleAssignments).values({ userId: outsider!.id, role: 'volunteer', communityId: other!.id });
    const asOutsider = await scan(signPassToken(key, { passId: medicalPass.id, issuedAt: Math.floor(Date.now() / 1000) }).token, 'out', '13911112222');
    expect(asOutsider.statusCode).toBe(404);
    expect(asOutsider.body).not.toContain('102');
    expect(await tripCount(household102)).toBe(0);
  });

  it('a volunteer may not scan their own household\'s pass', async () => {
    const [volunteer] = await t.db.select().from(users).where(eq(users.phone, phones.volunteer));
    const household301 = await householdOf('1号楼', '1', '301');
    await t.db.execute(sql`INSERT INTO household_bindings (user_id, household_id, status) VALUES (${volunteer!.id}, ${household301}, 'approved')`);
    const [pass] = await t.db.select().from(passes).where(and(eq(passes.householdId, household301), eq(passes.status, 'active')));
    const own = await scan(signPassToken(key, { passId: pass!.id, issuedAt: Math.floor(Date.now() / 1000) }).token, 'out');
    expect(own.statusCode).toBe(403);
    expect(own.json().error.code).toBe('SELF_SCAN');
    expect(await tripCount(household301)).toBe(0);
    const byAnother = await scan(signPassToken(key, { passId: pass!.id, issuedAt: Math.floor(Date.now() / 1000) }).token, 'out', phones.gridWorker1);
    expect(byAnother.statusCode).toBe(201);
    expect((await scan(signPassToken(key, { passId: pass!.id, issuedAt: Math.floor(Date.now() / 1000) }).token, 'in', phones.gridWorker1)).statusCode).toBe(201);
  });

  it('a medical exception is not held to the quota', async () => {
    const [medical] = await t.db.select().from(passes).where(and(eq(passes.householdId, household102), eq(passes.status, 'active')));
    const token102 = async () => tokenFor(medical!.id, phones.neighbour);
    for (let i = 0; i < 3; i++) {
      const out = await scan(await token102(), 'out', phones.gridWorker1);
      expect(out.statusCode).toBe(201);
      expect(out.json()).toMatchObject({ passKind: 'medical', exitsLeft: null });
      expect((await scan(await token102(), 'in', phones.admin)).statusCode).toBe(201);
    }
    expect(await tripCount(household102)).toBe(3);
  });

  it('shows overdue returns and today\'s exits per building to staff', async () => {
    const household201 = await householdOf('1号楼', '1', '201');
    const [pass] = await t.db.select().from(passes).where(and(eq(passes.householdId, household201), eq(passes.status, 'active')));
    const resident201 = '13801120100';
    const out = await scan(await tokenFor(pass!.id, resident201), 'out');
    expect(out.statusCode).toBe(201);
    await t.db.update(passTrips).set({ dueBackAt: new Date(Date.now() - 60_000) }).where(eq(passTrips.id, out.json().tripId));

    const overdue = await t.call(await as(phones.gridWorker1), { url: '/api/v1/pass-trips?state=overdue' });
    expect(overdue.json().items).toHaveLength(1);
    expect(overdue.json().items[0]).toMatchObject({ householdId: household201, overdue: true, room: '201' });
    expect(overdue.body).not.toMatch(/138\d{8}/);

    const today = await t.call(await as(phones.gridWorker1), { url: '/api/v1/pass-trips/today' });
    expect(today.statusCode).toBe(200);
    const b1 = today.json().items.find((b: { buildingName: string }) => b.buildingName === '1号楼');
    expect(b1).toMatchObject({ exits: 7, out: 1, overdue: 1 });
    expect(today.json().items.map((b: { buildingName: string }) => b.buildingName)).toEqual(['1号楼', '2号楼', '3号楼']);
    const forResident = await t.call(await as(phones.resident), { url: '/api/v1/pass-trips/today' });
    expect(forResident.statusCode).toBe(403);

    const back = await scan(await tokenFor(pass!.id, resident201), 'in');
    expect(back.json()).toMatchObject({ direction: 'in', overdue: true });
  });

  it('a revoked pass mints no token and its earlier tokens are refused at the gate', async () => {
    const household202 = await householdOf('1号楼', '1', '202');
    const [pass] = await t.db.select().from(passes).where(and(eq(passes.householdId, household202), eq(passes.status, 'active')));
    const earlier = await tokenFor(pass!.id, '13801120200');
    const outOfScope = await t.call(await as(phones.gridWorker2), { method: 'POST', url: `/api/v1/passes/${pass!.id}/revoke` });
    expect(outOfScope.statusCode).toBe(404);
    const revoke = await t.call(await as(phones.gridWorker1), { method: 'POST', url: `/api/v1/passes/${pass!.id}/revoke` });
    expect(revoke.statusCode).toBe(200);
    expect(revoke.json().status).toBe('revoked');
    expect((await t.call(await as(phones.gridWorker1), { method: 'POST', url: `/api/v1/passes/${pass!.id}/revoke` })).statusCode).toBe(409);
    const refused = await scan(earlier, 'out');
    expect(refused.json().error.code).toBe('PASS_INACTIVE');
    const token = await t.call(await as('13801120200'), { url: `/api/v1/passes/${pass!.id}/token` });
    expect(token.statusCode).toBe(409);
  });

  it('audit-logs every scan, issue and refusal against the household', async () => {
    const entries = await t.db.select().from(auditLog).where(and(eq(auditLog.subjectId, household101), eq(auditLog.communityId, communityId)));
    const actions = entries.map((e) => e.action);
    expect(actions.filter((a) => a === 'pass.scan')).toHaveLength(4);
    expect(actions).toContain('pass.issue');
    expect(actions).toContain('pass.scan.refused');
  });
});

describe('used tokens', () => {
  it('keeps a scanned token refused while it could still be replayed; the daily purge deletes nonces a day old', async () => {
    const [pass] = await t.db.select().from(passes).where(and(eq(passes.householdId, household102), eq(passes.status, 'active')));
    const token = await tokenFor(pass!.id, phones.neighbour);
    expect((await scan(token, 'out')).statusCode).toBe(201);
    const nonces = async () => (await t.db.select().from(passTokenUses)).map((u) => u.nonce);
    const scanned = await nonces();
    expect(scanned.length).toBeGreaterThan(0);
    const old = { nonce: randomBytes(8).toString('hex'), passId: pass!.id, usedAt: new Date(Date.now() - usedPassNonceKeptMs - 60_000) };
    await t.db.insert(passTokenUses).values(old);

    expect(await purgeUsedPassNonces(t.db, new Date())).toBe(1);
    expect((await nonces()).sort()).toEqual([...scanned].sort());
    expect((await scan(token, 'in')).json().error.code).toBe('PASS_TOKEN_REPLAYED');

    const dayAfter = new Date(Date.now() + usedPassNonceKeptMs + 60_000);
    expect(await purgeUsedPassNonces(t.db, dayAfter)).toBe(scanned.length);
    expect(await nonces()).toEqual([]);
    expect(await purgeUsedPassNonces(t.db, dayAfter)).toBe(0);
  });
});
