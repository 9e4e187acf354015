// Demo data for entry passes and reserves: the exit rule, passes for every room (one medical exception), a few people
// out (one overdue), and five reserve items whose stock is exactly the sum of their ledger (防护服 is low).
import { and, eq, inArray, sql } from 'drizzle-orm';
import { defaultPassPolicy, stockDelta, type LedgerEntryKind } from '@linli/shared';
import type { DbOrTx } from './client';
import { selectRows } from './client';
import { buildings, households, passes, passPolicies, passTrips, reserveItems, reserveLedger, users } from './schema';

const minutes = (n: number) => n * 60_000;

export async function seedDemoPassesAndReserves(tx: DbOrTx, communityId: string): Promise<void> {
  const staff = await tx.select({ id: users.id, phone: users.phone }).from(users).where(inArray(users.phone, ['13900000000', '13900000001', '13900000002', '13900000031', '13900000032']));
  const idOf = (phone: string) => staff.find((s) => s.phone === phone)!.id;
  const [admin, worker1, worker2, volunteer1, volunteer2] = ['13900000000', '13900000001', '13900000002', '13900000031', '13900000032'].map(idOf) as [string, string, string, string, string];
  const now = Date.now();

  await tx.insert(passPolicies).values({ communityId, ...defaultPassPolicy, updatedBy: admin });
  const rooms = await tx
    .select({ id: households.id, buildingName: buildings.name, sortOrder: buildings.sortOrder, unit: households.unit, room: households.room })
    .from(households)
    .innerJoin(buildings, eq(buildings.id, households.buildingId))
    .where(eq(buildings.communityId, communityId));
  const roomOf = (building: string, unit: string, room: string) => rooms.find((r) => r.buildingName === building && r.unit === unit && r.room === room)!.id;
  const medicalRoom = roomOf('3号楼', '1', '602');
  const issuedAt = new Date(now - 3 * 86_400_000);
  const passRows = await tx
    .insert(passes)
    .values(rooms.map((r) => ({
      communityId,
      householdId: r.id,
      kind: r.id === medicalRoom ? ('medical' as const) : ('regular' as const),
      reason: r.id === medicalRoom ? '每周一三五血液透析' : null,
      validUntil: r.id === medicalRoom ? new Date(now + 14 * 86_400_000) : null,
      issuedBy: r.sortOrder <= 3 ? worker1 : worker2,
      issuedAt,
    })))
    .returning({ id: passes.id, householdId: passes.householdId });
  const passOf = (householdId: string) => passRows.find((p) => p.householdId === householdId)!.id;

  const trip = (householdId: string, exitMinutesAgo: number, outMinutes: number, returnedMinutesAgo: number | null, scannedBy: string) => ({
    passId: passOf(householdId),
    householdId,
    communityId,
    exitAt: new Date(now - minutes(exitMinutesAgo)),
    exitScannedBy: scannedBy,
    dueBackAt: new Date(now - minutes(exitMinutesAgo) + minutes(outMinutes)),
    returnAt: returnedMinutesAgo === null ? null : new Date(now - minutes(returnedMinutesAgo)),
    returnScannedBy: returnedMinutesAgo === null ? null : scannedBy,
  });
  await tx.insert(passTrips).values([
    trip(roomOf('1号楼', '1', '301'), 40, 120, null, volunteer1),
    trip(roomOf('2号楼', '2', '402'), 180, 120, null, volunteer2),
    trip(roomOf('1号楼', '2', '101'), 300, 120, 230, volunteer1),
    trip(roomOf('5号楼', '1', '201'), 90, 120, 20, volunteer2),
    trip(roomOf('3号楼', '1', '602'), 200, 120, 70, volunteer1),
  ]);

  // Reserves: each entry moves a running balance, so balance_after and stock agree with the ledger.
  const itemRows = await tx
    .insert(reserveItems)
    .values([
      { communityId, name: '口罩', unit: '个', lowStockThreshold: 200, createdBy: admin },
      { communityId, name: '消毒液', unit: '瓶', lowStockThreshold: 20, createdBy: admin },
      { communityId, name: '防护服', unit: '套', lowStockThreshold: 10, createdBy: admin },
      { communityId, name: '体温计', unit: '支', lowStockThreshold: 10, createdBy: admin },
      { communityId, name: '抗原试剂', unit: '盒', lowStockThreshold: 100, createdBy: admin },
    ])
    .returning();
  const itemId = (name: string) => itemRows.find((i) => i.name === name)!.id;
  type Entry = { item: string; kind: LedgerEntryKind; quantity: number; reason: string; hoursAgo: number; by: string; householdId?: string; recipient?: string; distributionId?: string };
  const entries: Entry[] = [
    { item: '口罩', kind: 'received', quantity: 2000, reason: '街道调拨', hoursAgo: 72, by: admin },
    { item: '口罩', kind: 'issued', quantity: 200, reason: '志愿者配送防护', hoursAgo: 50, by: admin, recipient: volunteer1 },
    { item: '口罩', kind: 'issued', quantity: 200, reason: '志愿者配送防护', hoursAgo: 50, by: admin, recipient: volunteer2 },
    { item: '消毒液', kind: 'received', quantity: 120, reason: '社区采购', hoursAgo: 70, by: admin },
    { item: '消毒液', kind: 'lost_expired', quantity: 6, reason: '运输破损', hoursAgo: 69, by: worker2 },
    { item: '防护服', kind: 'received', quantity: 30, reason: '区卫健委下发', hoursAgo: 60, by: admin },
    { item: '防护服', kind: 'issued', quantity: 12, reason: '门岗值守', hoursAgo: 48, by: admin, recipient: volunteer1 },
    { item: '防护服', kind: 'issued', quantity: 12, reason: '门岗值守', hoursAgo: 24, by: admin, recipient: volunteer2 },
    { item: '体温计', kind: 'received', quantity: 40, reason: '爱心企业捐赠', hoursAgo: 30, by: admin },
    { item: '体温计', kind: 'issued', quantity: 1, reason: '独居老人家中无体温计', hoursAgo: 20, by: worker1, householdId: roomOf('1号楼', '1', '501') },
    { item: '抗原试剂', kind: 'received', quantity: 1000, reason: '街道调拨', hoursAgo: 26, by: admin },
  ];
  // 抗原试剂: two per person to every household of 1号楼 in one distribution.
  const persons = await selectRows<{ household_id: string; n: number }>(tx, sql`
    SELECT h.id AS household_id, count(p.id)::int AS n FROM households h JOIN buildings b ON b.id = h.building_id
    LEFT JOIN persons p ON p.household_id = h.id WHERE b.community_id = ${communityId} AND b.name = '1号楼'
    GROUP BY h.id, h.unit, h.room ORDER BY h.unit, h.room`);
  const distributionId = '5eed0000-0000-4000-8000-000000000001';
  for (const p of persons) {
    if (Number(p.n) > 0) entries.push({ item: '抗原试剂', kind: 'issued', quantity: 2 * Number(p.n), reason: '每人两盒', hoursAgo: 25, by: worker1, householdId: p.household_id, distributionId });
  }
  const balance = new Map<string, number>();
  await tx.insert(reserveLedger).values(entries.map((e) => {
    const after = (balance.get(e.item) ?? 0) + stockDelta(e.kind, e.quantity);
    balance.set(e.item, after);
    return {
      itemId: itemId(e.item),
      communityId,
      kind: e.kind,
      quantity: e.quantity,
      balanceAfter: after,
      reason: e.reason,
      householdId: e.householdId ?? null,
      recipientUserId: e.recipient ?? null,
      distributionId: e.distributionId ?? null,
      recordedBy: e.by,
      createdAt: new Date(now - e.hoursAgo * 3_600_000),
    };
  }));
  for (const [name, stock] of balance) {
    await tx.update(reserveItems).set({ stock }).where(and(eq(reserveItems.id, itemId(name)), eq(reserveItems.communityId, communityId)));
  }
}
