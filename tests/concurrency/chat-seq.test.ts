// Chat seq is gap-free per group under concurrent posting (proved on PostgreSQL; PGlite runs one query at a time).
import { eq, sql } from 'drizzle-orm';
import { buildings, chatGroups, chatMessages } from '@linli/server/db/schema/index';
import { demoResidentPhone } from '@linli/server/db/seed-demo';
import { createTestApp, type TestApp } from '../support/app';

let t: TestApp;
let building1: string;
let start = 0;

beforeAll(async () => {
  t = await createTestApp({ env: { CHAT_SEND_LIMIT_PER_MINUTE: '1000' } });
  const [b] = await t.db.select().from(buildings).where(eq(buildings.name, '1号楼'));
  building1 = b!.id;
});
afterAll(async () => t?.close());

const senders = [1, 2].flatMap((unit) => [1, 2, 3, 4, 5, 6].flatMap((floor) => [1, 2].map((r) => demoResidentPhone(1, unit, `${floor}0${r}`)))).slice(0, 20);

it('500 concurrent posts from 20 residents get the next 500 seqs exactly, and the group counter ends there', async () => {
  const [seeded] = await t.db.select().from(chatGroups).where(eq(chatGroups.buildingId, building1));
  start = seeded?.lastSeq ?? 0;
  const tokens = await Promise.all(senders.map(async (phone) => (await t.login(phone)).token));
  // All 500 at once. On a loaded machine the pool may answer 503 (busy, retry-after): the client re-sends with the
  // same clientId, as the app does, which must neither duplicate a message nor leave a gap.
  const send = async (i: number) => {
    for (let attempt = 0; ; attempt++) {
      const res = await t.call(tokens[i % 20]!, { method: 'POST', url: `/api/v1/chats/${building1}/messages`, payload: { clientId: `load-${i}`, text: `第 ${i} 条` } });
      if (res.statusCode !== 503 || attempt >= 20) return res;
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const results = await Promise.all(Array.from({ length: 500 }, (_, i) => send(i)));
  expect(results.map((r) => r.statusCode).filter((s) => s !== 201 && s !== 200)).toEqual([]);
  const seqs = results.map((r) => r.json().seq as number).sort((a, b) => a - b);
  expect(seqs).toEqual(Array.from({ length: 500 }, (_, i) => start + i + 1));
  const stored = await t.db.select({ seq: chatMessages.seq }).from(chatMessages).where(eq(chatMessages.groupId, building1)).orderBy(chatMessages.seq);
  expect(stored.map((r) => r.seq)).toEqual(Array.from({ length: start + 500 }, (_, i) => i + 1));
  const [group] = await t.db.select().from(chatGroups).where(eq(chatGroups.buildingId, building1));
  expect(group!.lastSeq).toBe(start + 500);
}, 300_000);

it('the same clientId sent 10 times at once creates one message and leaves no gap', async () => {
  const { token } = await t.login(demoResidentPhone(1, 2, '602'));
  const results = await Promise.all(
    Array.from({ length: 10 }, () => t.call(token, { method: 'POST', url: `/api/v1/chats/${building1}/messages`, payload: { clientId: 'retry-storm', text: '重发' } })),
  );
  expect(results.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
  expect(new Set(results.map((r) => r.json().id)).size).toBe(1);
  const next = await t.call(token, { method: 'POST', url: `/api/v1/chats/${building1}/messages`, payload: { clientId: 'after-storm', text: '下一条' } });
  expect(next.json().seq).toBe(start + 502);
  const [row] = await t.db.select({ n: sql<number>`count(*)::int`, max: sql<number>`max(seq)::int` }).from(chatMessages).where(eq(chatMessages.groupId, building1));
  expect(row).toEqual({ n: start + 502, max: start + 502 });
}, 60_000);
