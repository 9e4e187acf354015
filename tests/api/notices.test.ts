// Notices: staff write for buildings or grids in scope; a card lands in each building's chat; WeChat messages are
// queued and sent; households acknowledge once; stats, the unreached list and its CSV are exact.
import { and, eq, sql } from 'drizzle-orm';
import { realSubscribeSender } from '@linli/server/adapters/wechat/subscribe';
import { dispatchOutbox } from '@linli/server/modules/notices/outbox';
import { auditLog, buildings, grids, householdBindings, households, noticeAcks, notices, users, wechatOutbox } from '@linli/server/db/schema/index';
import { createTestApp, type TestApp } from '../support/app';
import { startFakeWechat, type FakeWechat } from '../support/fake-wechat';

let t: TestApp;
let ids: { building1: string; building2: string; building4: string; grid1: string; grid2: string };
const sent: { title: string }[] = [];

beforeAll(async () => {
  t = await createTestApp({ build: { subscribeSender: { kind: 'dev', send: async (m) => void sent.push(m) } } });
  const b = await t.db.select().from(buildings);
  const g = await t.db.select().from(grids);
  ids = {
    building1: b.find((x) => x.name === '1号楼')!.id,
    building2: b.find((x) => x.name === '2号楼')!.id,
    building4: b.find((x) => x.name === '4号楼')!.id,
    grid1: g.find((x) => x.name === '第一网格')!.id,
    grid2: g.find((x) => x.name === '第二网格')!.id,
  };
});
afterAll(async () => t?.close());

const token = async (phone: string) => (await t.login(phone)).token;
const noticeCount = async () => Number((await t.db.select({ n: sql<number>`count(*)::int` }).from(notices))[0]!.n);

async function createNotice(phone: string, payload: Record<string, unknown>) {
  return t.call(await token(phone), { method: 'POST', url: '/api/v1/notices', payload });
}

describe('writing a notice', () => {
  it('posts a card into each target building chat and queues a WeChat message per resident account', async () => {
    const res = await createNotice('13900000001', { title: '明日全员核酸', body: '请于 8:00–11:00 到楼下检测点', priority: 'urgent', requiresAck: true, buildingIds: [ids.building1, ids.building2] });
    expect(res.statusCode).toBe(201);
    const notice = res.json();
    expect(notice).toMatchObject({ title: '明日全员核酸', priority: 'urgent', requiresAck: true, buildings: [{ name: '1号楼' }, { name: '2号楼' }], reach: { targetHouseholds: 48, ackedHouseholds: 0 } });
    for (const buildingId of [ids.building1, ids.building2]) {
      const page = (await t.call(await token('13900000001'), { url: `/api/v1/chats/${buildingId}/messages` })).json();
      expect(page.items.at(-1)).toMatchObject({ kind: 'notice', notice: { id: notice.id, title: '明日全员核酸', priority: 'urgent', requiresAck: true } });
    }
    const queued = await t.db.select().from(wechatOutbox).where(eq(wechatOutbox.noticeId, notice.id));
    expect(queued).toHaveLength(48);
    for (let i = 0; i < 50 && sent.filter((m) => m.title === '明日全员核酸').length < 48; i++) await new Promise((r) => setTimeout(r, 100));
    expect(sent.filter((m) => m.title === '明日全员核酸')).toHaveLength(48);
  });

  it('expands whole grids to their buildings', async () => {
    const res = await createNotice('13900000002', { title: '第二网格停水通知', body: '周六 9:00–12:00 停水', gridIds: [ids.grid2] });
    expect(res.statusCode).toBe(201);
    expect(res.json().buildings.map((b: { name: string }) => b.name)).toEqual(['4号楼', '5号楼', '6号楼']);
  });

  it.each([
    ['a building of another grid', '13900000001', { buildingIds: ['building4'] }, 404],
    ['another grid', '13900000001', { gridIds: ['grid2'] }, 404],
    ['a resident', '13801110100', { buildingIds: ['building1'] }, 404],
    ['an unknown building', '13900000000', { buildingIds: ['00000000-0000-4000-8000-000000000000'] }, 404],
    ['no target', '13900000001', {}, 400],
    ['an empty title', '13900000001', { title: '', buildingIds: ['building1'] }, 400],
    ['a title of the wrong type', '13900000001', { title: 5, buildingIds: ['building1'] }, 400],
    ['a body over 2,000 characters', '13900000001', { body: '长'.repeat(2001), buildingIds: ['building1'] }, 400],
    ['an expiry in the past', '13900000001', { expiresAt: '2020-01-01T00:00:00Z', buildingIds: ['building1'] }, 400],
    ['an unknown priority', '13900000001', { priority: 'critical', buildingIds: ['building1'] }, 400],
  ])('refuses %s, writing nothing', async (_name, phone, overrides, status) => {
    const resolve = (list: unknown) => (Array.isArray(list) ? list.map((v) => (ids as Record<string, string>)[v as string] ?? v) : list);
    const payload: Record<string, unknown> = { title: '越权通知', body: '内容', ...overrides };
    if (payload.buildingIds) payload.buildingIds = resolve(payload.buildingIds);
    if (payload.gridIds) payload.gridIds = resolve(payload.gridIds);
    const before = await noticeCount();
    const res = await createNotice(phone, payload);
    expect(res.statusCode).toBe(status);
    expect(res.json().error.code).toBeTruthy();
    expect(await noticeCount()).toBe(before);
  });
});

describe('acknowledging and reach', () => {
  let noticeId: string;
  beforeAll(async () => {
    noticeId = (await createNotice('13900000001', { title: '请确认收到', body: '物资发放安排', priority: 'urgent', requiresAck: true, buildingIds: [ids.building1] })).json().id;
  });

  it('shows the notice to its buildings only, with acknowledged', async () => {
    const mine = (await t.call(await token('13801110100'), { url: '/api/v1/notices' })).json().items;
    expect(mine.find((n: { id: string }) => n.id === noticeId)).toMatchObject({ acknowledged: false, reach: null });
    const other = (await t.call(await token('13804110100'), { url: '/api/v1/notices' })).json().items;
    expect(other.find((n: { id: string }) => n.id === noticeId)).toBeUndefined();
    expect((await t.call(await token('13804110100'), { url: `/api/v1/notices/${noticeId}` })).statusCode).toBe(404);
  });

  it('pins the urgent notice at the top of the chat until the household acknowledges', async () => {
    const before = (await t.call(await token('13801110100'), { url: `/api/v1/chats/${ids.building1}` })).json();
    expect(before.pinnedNotices.map((n: { id: string }) => n.id)).toContain(noticeId);
    const ack = await t.call(await token('13801110100'), { method: 'POST', url: `/api/v1/notices/${noticeId}/ack`, payload: {} });
    expect(ack.statusCode).toBe(200);
    const after = (await t.call(await token('13801110100'), { url: `/api/v1/chats/${ids.building1}` })).json();
    expect(after.pinnedNotices.map((n: { id: string }) => n.id)).not.toContain(noticeId);
    const staffView = (await t.call(await token('13900000001'), { url: `/api/v1/chats/${ids.building1}` })).json();
    expect(staffView.pinnedNotices.map((n: { id: string }) => n.id)).toContain(noticeId);
  });

  it('counts one acknowledgement per household, however many members press 我已知晓 and how often', async () => {
    const [h] = await t.db.select().from(households).where(and(eq(households.buildingId, ids.building1), eq(households.unit, '1'), eq(households.room, '201')));
    const spouse = await t.login('13722220000');
    await t.db.insert(householdBindings).values({ userId: spouse.userId, householdId: h!.id, status: 'approved', relation: 'spouse' });
    const owner = await token('13801120100');
    const results = await Promise.all([owner, spouse.token, owner, spouse.token].map((tk) => t.call(tk, { method: 'POST', url: `/api/v1/notices/${noticeId}/ack` })));
    expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200, 200]);
    const acks = await t.db.select().from(noticeAcks).where(and(eq(noticeAcks.noticeId, noticeId), eq(noticeAcks.householdId, h!.id)));
    expect(acks).toHaveLength(1);
  });

  it('refuses acknowledgement from outside the target buildings and from staff', async () => {
    expect((await t.call(await token('13804110100'), { method: 'POST', url: `/api/v1/notices/${noticeId}/ack` })).statusCode).toBe(404);
    expect((await t.call(await token('13900000001'), { method: 'POST', url: `/api/v1/notices/${noticeId}/ack` })).statusCode).toBe(403);
    expect((await t.call(await token('13801110100'), { method: 'POST', url: '/api/v1/notices/00000000-0000-4000-8000-000000000000/ack' })).statusCode).toBe(404);
  });

  it('reports exact stats: targeted and acknowledged per building, and every unreached household with a masked phone', async () => {
    const res = await t.call(await token('13900000001'), { url: `/api/v1/notices/${noticeId}/stats` });
    expect(res.statusCode).toBe(200);
    const stats = res.json();
    expect(stats).toMatchObject({ targetHouseholds: 24, ackedHouseholds: 2, byBuilding: [{ buildingName: '1号楼', targetHouseholds: 24, ackedHouseholds: 2 }] });
    expect(stats.unacknowledged).toHaveLength(22);
    const rooms = stats.unacknowledged.map((u: { unit: string; room: string }) => `${u.unit}-${u.room}`);
    expect(rooms).not.toContain('1-101');
    expect(rooms).not.toContain('1-201');
    expect(rooms).toContain('1-102');
    for (const u of stats.unacknowledged) expect(u.maskedPhone === null || /^\d{3}\*{4}\d{4}$/.test(u.maskedPhone)).toBe(true);
    // Not inside an id: eleven digits can turn up in a random UUID.
    expect(res.body).not.toMatch(/(?<![0-9a-f])1[3-9]\d{9}(?![0-9a-f])/i);
    const list = (await t.call(await token('13900000001'), { url: '/api/v1/notices' })).json().items;
    expect(list.find((n: { id: string }) => n.id === noticeId).reach).toEqual({ targetHouseholds: 24, ackedHouseholds: 2 });
  });

  it('keeps stats to staff of the target buildings', async () => {
    for (const phone of ['13900000002', '13801110100', '13900000031']) {
      const res = await t.call(await token(phone), { url: `/api/v1/notices/${noticeId}/stats` });
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toContain('请确认收到');
    }
    expect((await t.call(await token('13900000000'), { url: `/api/v1/notices/${noticeId}/stats` })).statusCode).toBe(200);
  });

  it('exports the unreached households as a UTF-8 CSV with BOM, full phones for the calls, and audits the export', async () => {
    const res = await t.call(await token('13900000001'), { url: `/api/v1/notices/${noticeId}/unreached.csv` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const lines = res.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('楼栋,单元,房号,联系人,手机号');
    expect(lines).toHaveLength(23);
    expect(lines.some((l) => l.startsWith('1号楼,1,102,'))).toBe(true);
    const [worker] = await t.db.select().from(users).where(eq(users.phone, '13900000001'));
    const audits = await t.db.select().from(auditLog).where(and(eq(auditLog.actorId, worker!.id), eq(auditLog.subjectId, noticeId)));
    expect(audits).toHaveLength(1);
    expect(audits[0]!.action).toBe('export.read');
    expect((await t.call(await token('13900000002'), { url: `/api/v1/notices/${noticeId}/unreached.csv` })).statusCode).toBe(404);
  });
});

describe('WeChat subscribe messages through the real adapter', () => {
  let fake: FakeWechat;
  beforeAll(async () => {
    fake = await startFakeWechat();
  });
  afterAll(async () => fake?.close());

  it('sends each queued message once to the fake WeChat and marks it sent; accounts without openid fail for good', async () => {
    await t.db.update(wechatOutbox).set({ status: 'sent' });
    const [resident] = await t.db.select().from(users).where(eq(users.phone, '13801110100'));
    await t.db.update(users).set({ wechatOpenid: 'openid-101' }).where(eq(users.id, resident!.id));
    await createNotice('13900000001', { title: '微信提醒测试', body: '内容', buildingIds: [ids.building1] });
    // Let the app's own dispatcher (the recording dev sender) finish with these rows first, then queue them again.
    const mine = sql`${wechatOutbox.payload}->>'title' = '微信提醒测试'`;
    for (let i = 0; i < 100; i++) {
      const pending = await t.db.select({ id: wechatOutbox.id }).from(wechatOutbox).where(and(mine, eq(wechatOutbox.status, 'pending')));
      if (pending.length === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await t.db.update(wechatOutbox).set({ status: 'pending', attempts: 0 }).where(sql`${wechatOutbox.payload}->>'title' = '微信提醒测试'`);
    const sender = realSubscribeSender({ appId: fake.appId, secret: fake.secret, apiBase: fake.url, templateId: 'tmpl-1' });
    const result = await dispatchOutbox(t.db, sender, 100);
    // The other 23 demo residents and the spouse account bound above never logged in through WeChat.
    expect(result).toEqual({ sent: 1, failed: 24 });
    expect(fake.subscribeMessages).toEqual([expect.objectContaining({ touser: 'openid-101', template_id: 'tmpl-1', page: 'pages/resident/chat/index' })]);
    const rows = await t.db.select().from(wechatOutbox).where(sql`${wechatOutbox.payload}->>'title' = '微信提醒测试'`);
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(1);
    expect(rows.filter((r) => r.status === 'failed').every((r) => r.lastError?.startsWith('NO_OPENID'))).toBe(true);
    expect(await dispatchOutbox(t.db, sender, 100)).toEqual({ sent: 0, failed: 0 });
  });
});
