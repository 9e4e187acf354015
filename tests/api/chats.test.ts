// Building group chats through the REST API: membership by scope, idempotent posting, paging, recall, mute, mentions,
// read marks, the send rate limit, and bad input answered with 4xx and nothing written.
import { and, eq, sql } from 'drizzle-orm';
import { buildings, chatMessages, chatReadMarks, householdBindings, households, users } from '@linli/server/db/schema/index';
import { createTestApp, type TestApp } from '../support/app';

const phones = {
  resident101: '13801110100',
  resident102: '13801110200',
  resident201: '13801120100',
  otherBuilding: '13804110100',
  gridWorker1: '13900000001',
  gridWorker2: '13900000002',
  admin: '13900000000',
  volunteer: '13900000031',
};

let t: TestApp;
let building1: string;
let building4: string;

beforeAll(async () => {
  t = await createTestApp({ env: { CHAT_SEND_LIMIT_PER_MINUTE: '12' } });
  const rows = await t.db.select().from(buildings);
  building1 = rows.find((b) => b.name === '1号楼')!.id;
  building4 = rows.find((b) => b.name === '4号楼')!.id;
});
afterAll(async () => t?.close());

async function as(phone: string) {
  return (await t.login(phone)).token;
}
async function post(phone: string, groupId: string, payload: Record<string, unknown>) {
  return t.call(await as(phone), { method: 'POST', url: `/api/v1/chats/${groupId}/messages`, payload });
}
async function messageCount() {
  const [row] = await t.db.select({ n: sql<number>`count(*)::int` }).from(chatMessages);
  return Number(row!.n);
}
let clientCounter = 0;
const nextClientId = () => `c-${++clientCounter}`;

describe('GET /chats', () => {
  it.each([
    [phones.resident101, ['1号楼群']],
    [phones.otherBuilding, ['4号楼群']],
    [phones.gridWorker1, ['1号楼群', '2号楼群', '3号楼群']],
    [phones.admin, ['1号楼群', '2号楼群', '3号楼群', '4号楼群', '5号楼群', '6号楼群']],
    [phones.volunteer, []],
  ])('%s is a member of %j', async (phone, names) => {
    const res = await t.call(await as(phone), { url: '/api/v1/chats' });
    expect(res.statusCode).toBe(200);
    expect(res.json().items.map((g: { name: string }) => g.name)).toEqual(names);
  });
});

describe('posting', () => {
  it('gives consecutive seqs, and a re-sent clientId returns the first message without a new one', async () => {
    const first = await post(phones.resident101, building1, { clientId: 'same-1', text: '大家好，今天几点送菜？' });
    expect(first.statusCode).toBe(201);
    const body = first.json();
    expect(body).toMatchObject({ groupId: building1, kind: 'text', text: '大家好，今天几点送菜？', recalled: false, senderName: expect.any(String) });
    const before = await messageCount();
    const again = await post(phones.resident101, building1, { clientId: 'same-1', text: '大家好，今天几点送菜？' });
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(body.id);
    expect(await messageCount()).toBe(before);
    const next = await post(phones.resident102, building1, { clientId: 'same-1', text: '下午三点', replyToId: body.id });
    expect(next.statusCode).toBe(201);
    expect(next.json().seq).toBe(body.seq + 1);
    expect(next.json().replyTo).toMatchObject({ id: body.id, seq: body.seq, text: '大家好，今天几点送菜？' });
  });

  it('pages history with ?before and catches up with ?after, ascending by seq', async () => {
    for (let i = 0; i < 5; i++) expect((await post(phones.resident201, building1, { clientId: nextClientId(), text: `消息 ${i}` })).statusCode).toBe(201);
    const token = await as(phones.resident101);
    const latest = (await t.call(token, { url: `/api/v1/chats/${building1}/messages?limit=3` })).json();
    const seqs = latest.items.map((m: { seq: number }) => m.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(latest.hasMore).toBe(true);
    const older = (await t.call(token, { url: `/api/v1/chats/${building1}/messages?before=${seqs[0]}&limit=100` })).json();
    expect(older.items.map((m: { seq: number }) => m.seq)).toEqual(Array.from({ length: seqs[0] - 1 }, (_, i) => i + 1));
    expect(older.hasMore).toBe(false);
    const newer = (await t.call(token, { url: `/api/v1/chats/${building1}/messages?after=${seqs[0]}` })).json();
    expect(newer.items.map((m: { seq: number }) => m.seq)).toEqual(seqs.slice(1));
  });

  it('lets only staff @所有人', async () => {
    const resident = await post(phones.resident101, building1, { clientId: nextClientId(), text: '@所有人 开会', mentionAll: true });
    expect(resident.statusCode).toBe(403);
    const staff = await post(phones.gridWorker1, building1, { clientId: nextClientId(), text: '@所有人 下午核酸', mentionAll: true });
    expect(staff.statusCode).toBe(201);
    expect(staff.json()).toMatchObject({ mentionAll: true, senderIsStaff: true });
  });

  it('posts a system message into a building group for other features', async () => {
    const message = await t.app.chats.postSystemMessage(building1, '1号楼的保供蔬菜包已送达楼下');
    expect(message).toMatchObject({ kind: 'system', senderId: null, text: '1号楼的保供蔬菜包已送达楼下' });
    const page = (await t.call(await as(phones.resident101), { url: `/api/v1/chats/${building1}/messages?after=${message.seq - 1}` })).json();
    expect(page.items[0].id).toBe(message.id);
  });
});

describe('scope', () => {
  it('keeps another building out: 404 on read and post, nothing written, nothing about the group in the body', async () => {
    const before = await messageCount();
    const token = await as(phones.otherBuilding);
    for (const request of [
      { method: 'GET' as const, url: `/api/v1/chats/${building1}/messages` },
      { method: 'GET' as const, url: `/api/v1/chats/${building1}` },
      { method: 'POST' as const, url: `/api/v1/chats/${building1}/messages`, payload: { clientId: nextClientId(), text: '串门' } },
      { method: 'POST' as const, url: `/api/v1/chats/${building1}/read`, payload: { seq: 1 } },
    ]) {
      const res = await t.call(token, request);
      expect(res.statusCode).toBe(404);
      expect(Object.keys(res.json())).toEqual(['error']);
      expect(res.body).not.toContain('1号楼');
    }
    expect((await t.call(await as(phones.gridWorker2), { url: `/api/v1/chats/${building1}/messages` })).statusCode).toBe(404);
    expect(await messageCount()).toBe(before);
  });

  it('lets a household that moved out read nothing more, at once', async () => {
    const phone = '13801160200';
    const token = await as(phone);
    expect((await t.call(token, { url: `/api/v1/chats/${building1}/messages` })).statusCode).toBe(200);
    const [user] = await t.db.select().from(users).where(eq(users.phone, phone));
    await t.db.update(householdBindings).set({ status: 'rejected' }).where(eq(householdBindings.userId, user!.id));
    expect((await t.call(token, { url: `/api/v1/chats/${building1}/messages` })).statusCode).toBe(404);
    expect((await t.call(token, { url: '/api/v1/chats' })).json().items).toEqual([]);
  });

  it('lets a newly approved resident read at once', async () => {
    const applicant = await t.login('13711112222');
    const [h] = await t.db.select().from(households).where(and(eq(households.buildingId, building4), eq(households.room, '301')));
    const created = await t.call(applicant.token, { method: 'POST', url: '/api/v1/household-bindings', payload: { buildingId: building4, unit: h!.unit, room: '301' } });
    expect((await t.call(applicant.token, { url: `/api/v1/chats/${building4}/messages` })).statusCode).toBe(404);
    await t.call(await as(phones.gridWorker2), { method: 'POST', url: `/api/v1/household-bindings/${created.json().id}/approve`, payload: {} });
    expect((await t.call(applicant.token, { url: `/api/v1/chats/${building4}/messages` })).statusCode).toBe(200);
  });
});

describe('bad input → 4xx, nothing written', () => {
  it.each([
    ['empty text', { clientId: 'b1', text: '' }, 400],
    ['blank text', { clientId: 'b2', text: '   ' }, 400],
    ['text over 2,000 characters', { clientId: 'b3', text: '字'.repeat(2001) }, 400],
    ['text of the wrong type', { clientId: 'b4', text: 123 }, 400],
    ['no clientId', { text: '你好' }, 400],
    ['a clientId with spaces', { clientId: 'a b', text: '你好' }, 400],
    ['an unknown field', { clientId: 'b5', text: '你好', senderId: '00000000-0000-4000-8000-000000000000' }, 400],
    ['an image message without image', { clientId: 'b6', kind: 'image' }, 400],
    ['an image that was never uploaded', { clientId: 'b7', kind: 'image', imageId: '00000000-0000-4000-8000-000000000000' }, 400],
    ['a reply to a message of another group', { clientId: 'b8', text: 'x', replyToId: '00000000-0000-4000-8000-000000000000' }, 400],
  ])('%s', async (_name, payload, status) => {
    const before = await messageCount();
    const res = await post(phones.resident102, building1, payload);
    expect(res.statusCode).toBe(status);
    expect(res.json().error.code).toBeTruthy();
    expect(await messageCount()).toBe(before);
  });

  it('refuses a seq past the database integer (2^31) in paging and read marks with 400, and writes no read mark', async () => {
    const token = await as(phones.resident102);
    const tooBig = 2 ** 31;
    for (const query of [`after=${tooBig}`, `before=${tooBig}`]) {
      const res = await t.call(token, { url: `/api/v1/chats/${building1}/messages?${query}` });
      expect([query, res.statusCode, res.json().error?.code]).toEqual([query, 400, 'VALIDATION_FAILED']);
    }
    const marksBefore = await t.db.select().from(chatReadMarks);
    const read = await t.call(token, { method: 'POST', url: `/api/v1/chats/${building1}/read`, payload: { seq: tooBig } });
    expect([read.statusCode, read.json().error?.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(await t.db.select().from(chatReadMarks)).toEqual(marksBefore);
  });

  it('answers an unknown group with 404 and a malformed id with 400', async () => {
    expect((await post(phones.admin, '00000000-0000-4000-8000-000000000000', { clientId: 'u1', text: 'x' })).statusCode).toBe(404);
    expect((await post(phones.admin, 'not-a-uuid', { clientId: 'u1', text: 'x' })).statusCode).toBe(400);
  });
});

describe('recall', () => {
  it('lets the sender recall within 2 minutes; everyone then sees it recalled with its text gone', async () => {
    const sent = (await post(phones.resident101, building1, { clientId: nextClientId(), text: '发错群了' })).json();
    const other = await t.call(await as(phones.resident102), { method: 'DELETE', url: `/api/v1/chats/${building1}/messages/${sent.id}` });
    expect(other.statusCode).toBe(403);
    const res = await t.call(await as(phones.resident101), { method: 'DELETE', url: `/api/v1/chats/${building1}/messages/${sent.id}` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: sent.id, recalled: true, text: null });
    const page = (await t.call(await as(phones.resident102), { url: `/api/v1/chats/${building1}/messages?after=${sent.seq - 1}&limit=1` })).json();
    expect(page.items[0]).toMatchObject({ id: sent.id, recalled: true, text: null });
    const [row] = await t.db.select({ text: chatMessages.text }).from(chatMessages).where(eq(chatMessages.id, sent.id));
    expect(row!.text).toBeNull();
  });

  it('refuses the sender after 2 minutes, while staff may recall any time', async () => {
    const sent = (await post(phones.resident102, building1, { clientId: nextClientId(), text: '三分钟前的消息' })).json();
    await t.db.update(chatMessages).set({ createdAt: sql`now() - interval '3 minutes'` }).where(eq(chatMessages.id, sent.id));
    const late = await t.call(await as(phones.resident102), { method: 'DELETE', url: `/api/v1/chats/${building1}/messages/${sent.id}` });
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe('RECALL_WINDOW_PASSED');
    const outOfScope = await t.call(await as(phones.gridWorker2), { method: 'DELETE', url: `/api/v1/chats/${building1}/messages/${sent.id}` });
    expect(outOfScope.statusCode).toBe(404);
    const staff = await t.call(await as(phones.gridWorker1), { method: 'DELETE', url: `/api/v1/chats/${building1}/messages/${sent.id}` });
    expect(staff.statusCode).toBe(200);
    expect(staff.json().recalled).toBe(true);
  });
});

describe('mute, read marks, rate limit', () => {
  it('lets staff mute a member, who then cannot post; residents cannot mute', async () => {
    const target = await t.login(phones.resident201);
    expect((await t.call(await as(phones.resident101), { method: 'POST', url: `/api/v1/chats/${building1}/mutes`, payload: { userId: target.userId, minutes: 10 } })).statusCode).toBe(403);
    const muted = await t.call(await as(phones.gridWorker1), { method: 'POST', url: `/api/v1/chats/${building1}/mutes`, payload: { userId: target.userId, minutes: 10 } });
    expect(muted.statusCode).toBe(200);
    const refused = await post(phones.resident201, building1, { clientId: nextClientId(), text: '我要说话' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('MUTED');
    await t.call(await as(phones.gridWorker1), { method: 'POST', url: `/api/v1/chats/${building1}/mutes`, payload: { userId: target.userId, minutes: 0 } });
    expect((await post(phones.resident201, building1, { clientId: nextClientId(), text: '谢谢' })).statusCode).toBe(201);
  });

  it('writes nothing and takes no seq for a refused post (not a member, muted, @所有人 by a resident, unknown image or quote)', async () => {
    const lastSeq = async () => (await t.call(await as(phones.gridWorker1), { url: `/api/v1/chats/${building1}` })).json().lastSeq as number;
    const before = await lastSeq();
    const count = await messageCount();
    const target = await t.login(phones.resident201);
    await t.call(await as(phones.gridWorker1), { method: 'POST', url: `/api/v1/chats/${building1}/mutes`, payload: { userId: target.userId, minutes: 10 } });
    const refused = [
      [await post(phones.otherBuilding, building1, { clientId: nextClientId(), text: '串门' }), 404],
      [await post(phones.resident201, building1, { clientId: nextClientId(), text: '禁言中' }), 403],
      [await post(phones.resident101, building1, { clientId: nextClientId(), text: '@所有人', mentionAll: true }), 403],
      [await post(phones.resident101, building1, { clientId: nextClientId(), kind: 'image', imageId: '00000000-0000-4000-8000-000000000000' }), 400],
      [await post(phones.resident101, building1, { clientId: nextClientId(), text: '回复', replyToId: '00000000-0000-4000-8000-000000000000' }), 400],
    ] as const;
    expect(refused.map(([res]) => res.statusCode)).toEqual(refused.map(([, status]) => status));
    await t.call(await as(phones.gridWorker1), { method: 'POST', url: `/api/v1/chats/${building1}/mutes`, payload: { userId: target.userId, minutes: 0 } });
    expect(await messageCount()).toBe(count);
    expect(await lastSeq()).toBe(before);
    const next = await post(phones.resident101, building1, { clientId: nextClientId(), text: '接着说' });
    expect(next.statusCode).toBe(201);
    expect(next.json().seq).toBe(before + 1);
  });

  it('counts unread messages from others and moves the read mark only forward', async () => {
    const token = await as(phones.resident102);
    const group = (await t.call(token, { url: `/api/v1/chats/${building1}` })).json();
    expect(group.unread).toBeGreaterThan(0);
    const read = await t.call(token, { method: 'POST', url: `/api/v1/chats/${building1}/read`, payload: { seq: group.lastSeq } });
    expect(read.json()).toEqual({ groupId: building1, readSeq: group.lastSeq, unread: 0 });
    const back = await t.call(token, { method: 'POST', url: `/api/v1/chats/${building1}/read`, payload: { seq: 1 } });
    expect(back.json().readSeq).toBe(group.lastSeq);
    await post(phones.resident101, building1, { clientId: nextClientId(), text: '新消息' });
    const list = (await t.call(token, { url: '/api/v1/chats' })).json();
    expect(list.items[0]).toMatchObject({ unread: 1, lastMessage: { text: '新消息' } });
  });

  it('answers a burst past the per-account budget with 429 and when to retry', async () => {
    const phone = '13801150100';
    const results: number[] = [];
    for (let i = 0; i < 14; i++) results.push((await post(phone, building1, { clientId: `burst-${i}`, text: `刷屏 ${i}` })).statusCode);
    expect(results.filter((s) => s === 201)).toHaveLength(12);
    const limited = await post(phone, building1, { clientId: 'burst-x', text: '再来' });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('lists the members for the @mention picker: residents of the building and its staff', async () => {
    const res = await t.call(await as(phones.resident101), { url: `/api/v1/chats/${building1}/members` });
    expect(res.statusCode).toBe(200);
    const members = res.json().items as { label: string; isStaff: boolean }[];
    expect(members.filter((m) => m.isStaff).map((m) => m.label).sort()).toEqual(['社区管理员', '网格员']);
    expect(members.some((m) => m.label === '1单元 101')).toBe(true);
  });
});
