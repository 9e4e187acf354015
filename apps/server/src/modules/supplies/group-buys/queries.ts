import { groupBuyStateAt, type GroupBuy, type GroupBuyItem } from '@linli/shared';
import { asc, desc, inArray, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { groupBuyItems, groupBuys } from '../../../db/schema';

export type GroupBuyRow = typeof groupBuys.$inferSelect;

function toItem(row: typeof groupBuyItems.$inferSelect): GroupBuyItem {
  return {
    id: row.id,
    productId: row.productId,
    name: row.name,
    unit: row.unit,
    category: row.category,
    priceFen: row.priceFen,
    stock: row.stock,
    remaining: row.remaining,
    perHouseholdLimit: row.perHouseholdLimit,
  };
}

export function presentGroupBuy(g: GroupBuyRow, items: GroupBuyItem[], now: Date): GroupBuy {
  const soldOut = items.length > 0 && items.every((i) => i.remaining === 0);
  const { state, closedReason } = groupBuyStateAt({ ...g, soldOut }, now);
  return {
    id: g.id,
    communityId: g.communityId,
    title: g.title,
    description: g.description,
    opensAt: g.opensAt.toISOString(),
    closesAt: g.closesAt.toISOString(),
    deliveryDate: g.deliveryDate,
    state,
    closedReason,
    publishedAt: g.publishedAt?.toISOString() ?? null,
    items,
    serverNow: now.toISOString(),
  };
}

/** Group buys with their items (live remaining), newest opening first. */
export async function loadGroupBuys(db: DbOrTx, where: SQL | undefined, limit = 200) {
  const rows: GroupBuyRow[] = await db.select().from(groupBuys).where(where).orderBy(desc(groupBuys.opensAt), desc(groupBuys.id)).limit(limit);
  if (rows.length === 0) return [];
  const items = await db
    .select()
    .from(groupBuyItems)
    .where(inArray(groupBuyItems.groupBuyId, rows.map((r) => r.id)))
    .orderBy(asc(groupBuyItems.sortOrder), asc(groupBuyItems.id));
  const byGroupBuy = new Map<string, GroupBuyItem[]>();
  for (const item of items) {
    const list = byGroupBuy.get(item.groupBuyId) ?? [];
    list.push(toItem(item));
    byGroupBuy.set(item.groupBuyId, list);
  }
  const now = new Date();
  return rows.map((g) => presentGroupBuy(g, byGroupBuy.get(g.id) ?? [], now));
}
