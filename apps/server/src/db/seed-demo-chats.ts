// Demo chat history and one notice for 阳光社区, so 楼栋群 and 通知 have something to show on first start.
import { eq, inArray } from 'drizzle-orm';
import type { Transaction } from './client';
import { buildings, chatGroups, chatMessages, householdBindings, noticeAcks, notices, noticeTargets, users } from './schema';

export async function seedDemoChats(tx: Transaction, communityId: string, phones: { gridWorker1: string; resident: (building: number, unit: number, room: string) => string }) {
  const buildingRows = await tx.select().from(buildings).where(eq(buildings.communityId, communityId));
  const byNumber = new Map(buildingRows.map((b) => [b.sortOrder, b]));
  const wanted = [phones.gridWorker1, phones.resident(1, 1, '101'), phones.resident(1, 1, '102'), phones.resident(1, 2, '301')];
  const people = await tx.select({ id: users.id, phone: users.phone }).from(users).where(inArray(users.phone, wanted));
  const id = (phone: string) => people.find((p) => p.phone === phone)!.id;
  const worker = id(phones.gridWorker1);
  const [a, b, c] = [id(phones.resident(1, 1, '101')), id(phones.resident(1, 1, '102')), id(phones.resident(1, 2, '301'))];
  const grid1Buildings = [1, 2, 3].map((n) => byNumber.get(n)!);

  const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);
  const [notice] = await tx.insert(notices).values({
    communityId, authorId: worker, title: '本周核酸检测安排', priority: 'normal', requiresAck: true, createdAt: minutesAgo(90),
    body: '周三、周五 8:00–11:00 在各楼栋楼下检测，请携带身份证，老人和行动不便的住户请提前在群里告知，我们上门采样。',
  }).returning();
  await tx.insert(noticeTargets).values(grid1Buildings.map((bl) => ({ noticeId: notice!.id, buildingId: bl.id })));

  const building1 = byNumber.get(1)!.id;
  const script: { senderId: string | null; staff?: boolean; kind?: 'text' | 'system' | 'notice'; text: string; at: number; mentionAll?: boolean }[] = [
    { senderId: worker, staff: true, text: '大家好，我是第一网格网格员陈晓，有困难随时在群里说。', at: 120 },
    { senderId: worker, staff: true, kind: 'notice', text: notice!.title, at: 90 },
    { senderId: a, text: '收到，谢谢陈老师！', at: 85 },
    { senderId: b, text: '家里老人降压药快吃完了，能帮忙代购吗？', at: 60 },
    { senderId: worker, staff: true, text: '可以的，请把药名和剂量私信我，明天统一去药店。', at: 55 },
    { senderId: null, kind: 'system', text: '保供蔬菜包已送达 1号楼 楼下，请各户凭取货码领取。', at: 30 },
    { senderId: c, text: '1单元门口的消毒液没了，谁知道找谁补？', at: 10 },
  ];
  await tx.insert(chatGroups).values({ buildingId: building1, lastSeq: script.length });
  await tx.insert(chatMessages).values(script.map((m, i) => ({
    groupId: building1, seq: i + 1, senderId: m.senderId, senderIsStaff: Boolean(m.staff), kind: m.kind ?? 'text', text: m.text,
    noticeId: m.kind === 'notice' ? notice!.id : null, clientId: m.senderId ? `seed-${i + 1}` : null, createdAt: minutesAgo(m.at),
  })));
  for (const other of grid1Buildings.slice(1)) {
    await tx.insert(chatGroups).values({ buildingId: other.id, lastSeq: 1 });
    await tx.insert(chatMessages).values({ groupId: other.id, seq: 1, senderId: worker, senderIsStaff: true, kind: 'notice', text: notice!.title, noticeId: notice!.id, createdAt: minutesAgo(90) });
  }
  // One household has already acknowledged, so the reach is not zero.
  const [binding] = await tx.select({ householdId: householdBindings.householdId }).from(householdBindings).where(eq(householdBindings.userId, a));
  await tx.insert(noticeAcks).values({ noticeId: notice!.id, householdId: binding!.householdId, userId: a, ackedAt: minutesAgo(84) });
}
