// Volunteer stats (per volunteer, per Asia/Shanghai day) and the thank-you board (感谢榜) through the public API:
// counts from real claims, handovers and completions; the day boundary; who may see and publish; bad input.
import { addDays, shanghaiDate } from '@linli/shared';
import { eq, inArray, like } from 'drizzle-orm';
import { buildings, chatMessages, communities, roleAssignments, tasks, thankYouPosts } from '@linli/server/db/schema/index';
import { createTestApp, type TestApp } from '../support/app';
import { demoResident } from '../support/supplies';
import { buildingNamed, openTasks, packedOrders, volunteerPhones } from '../support/tasks';

let t: TestApp;
let admin: string;
let worker1: string;
let outsiderAdmin: string;
let resident: string;
let v1: { token: string; userId: string };
let v2: { token: string; userId: string };
let errandsOfV2: string[];
beforeAll(async () => {
  t = await createTestApp();
  admin = (await t.login('13900000000')).token;
  worker1 = (await t.login('13900000001')).token;
  v1 = await t.login(volunteerPhones[0]);
  v2 = await t.login(volunteerPhones[1]);
  resident = (await demoResident(t, 2, 1, '301')).token;
  const [other] = await t.db.insert(communities).values({ name: '别的社区' }).returning();
  const outsider = await t.login('13911113333');
  await t.db.insert(roleAssignments).values({ userId: outsider.userId, role: 'admin', communityId: other!.id });
  outsiderAdmin = outsider.token;
}, 60_000);
afterAll(async () => t?.close());

const post = (token: string, url: string, payload?: Record<string, unknown>) => t.call(token, { method: 'POST', url: `/api/v1${url}`, payload: payload ?? {} });
const get = (token: string, url: string) => t.call(token, { url: `/api/v1${url}` });
const postCount = async () => (await t.db.select({ id: thankYouPosts.id }).from(thankYouPosts)).length;
const today = () => shanghaiDate();
async function demoCommunityId() {
  const [demo] = await t.db.select({ communityId: buildings.communityId }).from(buildings).where(eq(buildings.name, '1号楼'));
  return demo!.communityId;
}

interface Row { userId: string; displayName: string; phone: string; totals: { tasksCompleted: Record<string, number>; ordersHandedOver: number }; days: { date: string; tasksCompleted: Record<string, number>; ordersHandedOver: number }[] }

describe('volunteer stats', () => {
  it('start empty: nothing has been done yet, and the default period is the last 7 Shanghai days', async () => {
    const res = await get(admin, '/volunteer-stats');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ from: addDays(today(), -6), to: today(), volunteers: [] });
  });

  it('count the delivery task and errands each volunteer completed and the orders they handed over, today', async () => {
    const placed = await packedOrders(t, 2, ['101', '102']);
    const created = await post(admin, '/delivery-tasks', { buildingId: (await buildingNamed(t, '2号楼')).id });
    expect(created.statusCode).toBe(201);
    const delivery = created.json().tasks[0];
    expect((await post(v1.token, `/tasks/${delivery.id}/claim`)).statusCode).toBe(200);
    for (const p of placed) expect((await post(v1.token, `/tasks/${delivery.id}/deliveries`, { orderId: p.orderId, code: p.code })).statusCode).toBe(200);

    const [errandOfV1, ...rest] = await openTasks(t, 3);
    errandsOfV2 = rest;
    expect((await post(v1.token, `/tasks/${errandOfV1}/claim`)).statusCode).toBe(200);
    expect((await post(v1.token, `/tasks/${errandOfV1}/complete`)).statusCode).toBe(200);
    for (const id of errandsOfV2) {
      expect((await post(v2.token, `/tasks/${id}/claim`)).statusCode).toBe(200);
      expect((await post(v2.token, `/tasks/${id}/complete`)).statusCode).toBe(200);
    }
    // A claim still held counts for nothing.
    const [held] = await openTasks(t, 1);
    expect((await post(v2.token, `/tasks/${held}/claim`)).statusCode).toBe(200);

    const res = await get(worker1, `/volunteer-stats?from=${today()}&to=${today()}`);
    expect(res.statusCode).toBe(200);
    const rows: Row[] = res.json().volunteers;
    expect(rows.map((r) => r.userId)).toEqual([v1.userId, v2.userId]);
    expect(rows[0]).toMatchObject({
      displayName: '志愿者 郑阳',
      phone: '139****0031',
      totals: { tasksCompleted: { delivery: 1, errand: 1, medicine: 0, visit: 0 }, ordersHandedOver: 2 },
      days: [{ date: today(), tasksCompleted: { delivery: 1, errand: 1, medicine: 0, visit: 0 }, ordersHandedOver: 2 }],
    });
    expect(rows[1]).toMatchObject({ phone: '139****0032', totals: { tasksCompleted: { delivery: 0, errand: 2 }, ordersHandedOver: 0 } });
    expect(res.body).not.toContain('13900000031');
  });

  it('split days at midnight Asia/Shanghai, not UTC', async () => {
    // 2026-03-01 23:59:59 and 2026-03-02 00:00:00 in Shanghai; both are the same UTC day.
    await t.db.update(tasks).set({ completedAt: new Date('2026-03-01T15:59:59Z') }).where(eq(tasks.id, errandsOfV2[0]!));
    await t.db.update(tasks).set({ completedAt: new Date('2026-03-01T16:00:00Z') }).where(eq(tasks.id, errandsOfV2[1]!));
    const both: Row[] = (await get(admin, '/volunteer-stats?from=2026-03-01&to=2026-03-02')).json().volunteers;
    expect(both).toHaveLength(1);
    expect(both[0]!.days.map((d) => [d.date, d.tasksCompleted.errand])).toEqual([['2026-03-01', 1], ['2026-03-02', 1]]);
    expect(both[0]!.totals.tasksCompleted.errand).toBe(2);
    const second: Row[] = (await get(admin, '/volunteer-stats?from=2026-03-02&to=2026-03-02')).json().volunteers;
    expect(second[0]!.days).toEqual([{ date: '2026-03-02', tasksCompleted: { delivery: 0, medicine: 0, errand: 1, visit: 0 }, ordersHandedOver: 0 }]);
    // A lone `from` covers 7 days from it.
    expect((await get(admin, '/volunteer-stats?from=2026-02-24')).json()).toMatchObject({ from: '2026-02-24', to: '2026-03-02' });
  });

  it('are only for staff of the community: residents, volunteers and another community\'s admin are refused', async () => {
    for (const token of [resident, v1.token]) {
      const res = await get(token, '/volunteer-stats');
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('FORBIDDEN');
    }
    // The other admin sees their own community, where nothing was done, and is refused ours.
    const own = await get(outsiderAdmin, `/volunteer-stats?from=${today()}&to=${today()}`);
    expect(own.statusCode).toBe(200);
    expect(own.json().communityId).not.toBe(await demoCommunityId());
    expect(own.json().volunteers).toEqual([]);
    const asked = await get(outsiderAdmin, `/volunteer-stats?communityId=${await demoCommunityId()}`);
    expect(asked.statusCode).toBe(403);
    expect(asked.body).not.toContain('郑阳');
  });

  it.each([
    ['an impossible date', 'from=2026-02-30&to=2026-03-01'],
    ['to before from', 'from=2026-03-05&to=2026-03-01'],
    ['more than 31 days', 'from=2026-01-01&to=2026-02-01'],
    ['not a date', 'from=yesterday'],
    ['a bad community id', 'communityId=abc'],
  ])('answer 400 to %s', async (_, query) => {
    const res = await get(admin, `/volunteer-stats?${query}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
  });
});

describe('thank-you board', () => {
  let postId: string;
  const board = () => ({ title: '感谢本周志愿者', message: '辛苦了，谢谢你们！', from: addDays(today(), -6), to: today() });

  it.each([
    ['no title', { title: '' }],
    ['a 501-character message', { message: '谢'.repeat(501) }],
    ['to before from', { from: '2026-03-05', to: '2026-03-01' }],
    ['a 32-day period', { from: '2026-01-01', to: '2026-02-01' }],
    ['an unknown field', { phone: '13900000031' }],
  ])('refuses %s with 400 and writes nothing', async (_, change) => {
    const res = await post(admin, '/thank-you-posts', { ...board(), ...change });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
    expect(await postCount()).toBe(0);
  });

  it('cannot be published by a volunteer, a resident or another community\'s admin, nor for a period with nothing done', async () => {
    for (const token of [v1.token, resident]) expect((await post(token, '/thank-you-posts', board())).statusCode).toBe(403);
    expect((await post(outsiderAdmin, '/thank-you-posts', { ...board(), communityId: await demoCommunityId() })).statusCode).toBe(403);
    const empty = await post(admin, '/thank-you-posts', { ...board(), from: '2025-01-01', to: '2025-01-07' });
    expect(empty.statusCode).toBe(409);
    expect(empty.json().error.code).toBe('NOTHING_TO_THANK');
    expect(await postCount()).toBe(0);
  });

  it('is published with names and counts only, and every building chat of the community gets a system message', async () => {
    const res = await post(admin, '/thank-you-posts', board());
    expect(res.statusCode).toBe(201);
    postId = res.json().id;
    // v2's errands were moved to March; this week v1 has 2 tasks and 2 orders, v2 none completed.
    expect(res.json().entries).toEqual([{ displayName: '志愿者 郑阳', tasksCompleted: 2, ordersHandedOver: 2 }]);
    expect(res.body).not.toMatch(/139\d{8}|\*\*\*\*/);
    const community = res.json().communityId;
    const ours = await t.db.select({ id: buildings.id }).from(buildings).where(eq(buildings.communityId, community));
    const announced = await t.db
      .select({ groupId: chatMessages.groupId, kind: chatMessages.kind, text: chatMessages.text })
      .from(chatMessages)
      .where(like(chatMessages.text, '【感谢榜】%'));
    expect(announced.map((m) => m.groupId).sort()).toEqual(ours.map((b) => b.id).sort());
    expect(announced.every((m) => m.kind === 'system' && m.text!.includes('志愿者 郑阳'))).toBe(true);
    expect(await t.db.select().from(chatMessages).where(inArray(chatMessages.groupId, ours.map((b) => b.id)))).not.toHaveLength(0);
  });

  it('is listed for residents, volunteers and staff of the community, not for another community', async () => {
    for (const token of [resident, v2.token, worker1]) {
      const items = (await get(token, '/thank-you-posts')).json().items;
      expect(items.map((p: { id: string }) => p.id)).toEqual([postId]);
    }
    expect((await get(outsiderAdmin, '/thank-you-posts')).json().items).toEqual([]);
  });

  it('is unpublished only by staff of its community; then residents no longer see it, staff see it hidden', async () => {
    for (const token of [resident, v1.token, outsiderAdmin]) expect((await post(token, `/thank-you-posts/${postId}/hide`)).statusCode).toBe(404);
    expect((await get(resident, '/thank-you-posts')).json().items).toHaveLength(1);
    const hidden = await post(worker1, `/thank-you-posts/${postId}/hide`);
    expect(hidden.statusCode).toBe(200);
    expect(hidden.json().hiddenAt).not.toBeNull();
    expect((await get(resident, '/thank-you-posts')).json().items).toEqual([]);
    expect((await get(admin, '/thank-you-posts')).json().items).toMatchObject([{ id: postId, hiddenAt: hidden.json().hiddenAt }]);
    expect((await post(admin, '/thank-you-posts/00000000-0000-4000-8000-000000000000/hide')).statusCode).toBe(404);
  });
});
