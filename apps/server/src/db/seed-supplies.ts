// Demo supplies for 阳光社区: a catalog, an open 保供蔬菜包 group buy with limited stock, an upcoming and a closed
// one, a few orders (stock and per-household counts kept consistent), and one medicine request.
import { randomInt, randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from './client';
import {
  buildings, groupBuyItemHouseholdQuantities, groupBuyItems, groupBuys, householdBindings, households, medicineRequests, orderItems, orders, products, roleAssignments,
} from './schema';

const hour = 60 * 60 * 1000;
const day = 24 * hour;

export async function seedDemoSupplies(db: DbOrTx, communityId: string, now = new Date()): Promise<void> {
  const [admin] = await db
    .select({ userId: roleAssignments.userId })
    .from(roleAssignments)
    .where(and(eq(roleAssignments.communityId, communityId), eq(roleAssignments.role, 'admin')));
  const createdBy = admin!.userId;

  const catalog = await db
    .insert(products)
    .values([
      { communityId, name: '保供蔬菜包', category: 'vegetables' as const, unit: '份', priceFen: 3990 },
      { communityId, name: '鲜鸡蛋 30枚', category: 'meat_eggs_dairy' as const, unit: '盒', priceFen: 2500 },
      { communityId, name: '纯牛奶 250ml×12', category: 'meat_eggs_dairy' as const, unit: '箱', priceFen: 4200 },
      { communityId, name: '东北大米 10kg', category: 'grain_oil' as const, unit: '袋', priceFen: 6800 },
      { communityId, name: '花生油 5L', category: 'grain_oil' as const, unit: '桶', priceFen: 8900 },
      { communityId, name: '布洛芬缓释胶囊', category: 'medicine' as const, unit: '盒', priceFen: 1850 },
      { communityId, name: '抽纸 24包', category: 'daily' as const, unit: '提', priceFen: 3600 },
      { communityId, name: '婴儿纸尿裤 L码', category: 'mother_baby' as const, unit: '包', priceFen: 9900 },
    ])
    .returning();
  const product = (name: string) => catalog.find((p) => p.name === name)!;
  const fromProduct = (name: string, stock: number, perHouseholdLimit: number, sortOrder: number, remaining = stock) => {
    const p = product(name);
    return { productId: p.id, name: p.name, unit: p.unit, category: p.category, priceFen: p.priceFen, stock, remaining, perHouseholdLimit, sortOrder };
  };

  const [vegetables, grain, closed] = await db
    .insert(groupBuys)
    .values([
      {
        communityId, title: '保供蔬菜包', description: '每份约 5 斤时令蔬菜（白菜、土豆、胡萝卜、洋葱等），由保供单位统一配送到楼下。',
        opensAt: new Date(now.getTime() - 2 * hour), closesAt: new Date(now.getTime() + 7 * day), deliveryDate: null, publishedAt: new Date(now.getTime() - 3 * hour), createdBy,
      },
      {
        communityId, title: '米面粮油组合', description: '大米、食用油，限量供应，每户限购。',
        opensAt: new Date(now.getTime() + 3 * hour), closesAt: new Date(now.getTime() + 3 * day), deliveryDate: null, publishedAt: new Date(now.getTime() - hour), createdBy,
      },
      {
        communityId, title: '母婴用品团', description: '纸尿裤，已结束。',
        opensAt: new Date(now.getTime() - 3 * day), closesAt: new Date(now.getTime() - day), deliveryDate: null, publishedAt: new Date(now.getTime() - 4 * day), createdBy,
      },
    ])
    .returning();

  const vegetableItems = await db
    .insert(groupBuyItems)
    .values([
      { groupBuyId: vegetables!.id, ...fromProduct('保供蔬菜包', 120, 2, 0) },
      { groupBuyId: vegetables!.id, ...fromProduct('鲜鸡蛋 30枚', 40, 1, 1) },
      { groupBuyId: vegetables!.id, ...fromProduct('纯牛奶 250ml×12', 30, 1, 2) },
    ])
    .returning();
  await db.insert(groupBuyItems).values([
    { groupBuyId: grain!.id, ...fromProduct('东北大米 10kg', 60, 1, 0) },
    { groupBuyId: grain!.id, ...fromProduct('花生油 5L', 40, 1, 1) },
    { groupBuyId: closed!.id, ...fromProduct('婴儿纸尿裤 L码', 20, 2, 0, 0) },
  ]);

  // A few orders from rooms of 1号楼 and 4号楼 (not 1单元 101, the room the walkthrough orders from).
  const rooms = await db
    .select({ householdId: households.id, buildingId: households.buildingId, buildingName: buildings.name, unit: households.unit, room: households.room, userId: householdBindings.userId })
    .from(households)
    .innerJoin(buildings, eq(buildings.id, households.buildingId))
    .innerJoin(householdBindings, and(eq(householdBindings.householdId, households.id), eq(householdBindings.status, 'approved')))
    .where(and(eq(buildings.communityId, communityId), inArray(buildings.name, ['1号楼', '4号楼'])))
    .orderBy(asc(buildings.sortOrder), asc(households.unit), asc(households.room));
  const chosen = rooms.filter((r) => !(r.buildingName === '1号楼' && r.unit === '1' && r.room === '101')).filter((_, i) => i % 5 === 1).slice(0, 8);
  const [veg, eggs, milk] = vegetableItems as [typeof vegetableItems[0], typeof vegetableItems[0], typeof vegetableItems[0]];
  // Written in a few statements (not one per order): the demo seed runs before every test file.
  const planned = chosen.map((r, index) => {
    const lines = index % 3 === 0 ? [{ item: veg, qty: 2 }, { item: eggs, qty: 1 }] : index % 3 === 1 ? [{ item: veg, qty: 1 }] : [{ item: veg, qty: 1 }, { item: milk, qty: 1 }];
    const status = index < 3 ? ('packed' as const) : ('placed' as const);
    return {
      lines,
      order: {
        id: randomUUID(), communityId, groupBuyId: vegetables!.id, householdId: r.householdId, buildingId: r.buildingId, placedBy: r.userId,
        idempotencyKey: `seed-${index}`, requestHash: 'seed', status, totalFen: lines.reduce((sum, l) => sum + l.item.priceFen * l.qty, 0),
        deliveryCode: String(randomInt(0, 10000)).padStart(4, '0'), createdAt: new Date(now.getTime() - hour + index * 60_000),
        packedAt: status === 'packed' ? new Date(now.getTime() - 30 * 60_000) : null,
      },
    };
  });
  if (planned.length) {
    await db.insert(orders).values(planned.map((p) => p.order));
    const lineRows = planned.flatMap((p) => p.lines.map((l) => ({ p, l })));
    await db.insert(orderItems).values(lineRows.map(({ p, l }) => ({ orderId: p.order.id, itemId: l.item.id, name: l.item.name, unit: l.item.unit, priceFen: l.item.priceFen, quantity: l.qty })));
    await db.insert(groupBuyItemHouseholdQuantities).values(lineRows.map(({ p, l }) => ({ itemId: l.item.id, householdId: p.order.householdId, quantity: l.qty })));
    const soldPerItem = new Map<string, number>();
    for (const { l } of lineRows) soldPerItem.set(l.item.id, (soldPerItem.get(l.item.id) ?? 0) + l.qty);
    for (const [itemId, sold] of soldPerItem) {
      await db.update(groupBuyItems).set({ remaining: sql`${groupBuyItems.remaining} - ${sold}` }).where(eq(groupBuyItems.id, itemId));
    }
  }

  const first = chosen[0];
  if (first) {
    await db.insert(medicineRequests).values({
      communityId, householdId: first.householdId, buildingId: first.buildingId, requestedBy: first.userId,
      medicineName: '硝苯地平控释片', amount: '2盒', urgency: 'urgent', note: '家中老人降压药还剩两天的量',
    });
  }
}
