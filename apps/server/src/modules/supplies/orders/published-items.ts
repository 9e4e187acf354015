// Items of published group buys, kept in memory for a few seconds: a rush of orders for one item then costs no
// lookup of its price, limit and group buy. Safe because those never change once published (drafts are not cached),
// and every order re-checks price, window and stock in SQL; only the early, friendly refusals use these values.
import { eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { groupBuyItems, groupBuys } from '../../../db/schema';

export interface PublishedItem {
  item: typeof groupBuyItems.$inferSelect;
  groupBuy: typeof groupBuys.$inferSelect;
}

export class PublishedItems {
  private readonly cache = new Map<string, { entry: PublishedItem; until: number }>();

  constructor(private readonly ttlMs = 5000) {}

  async load(db: DbOrTx, itemIds: string[]): Promise<Map<string, PublishedItem>> {
    const now = Date.now();
    const found = new Map<string, PublishedItem>();
    const missing: string[] = [];
    for (const id of itemIds) {
      const hit = this.cache.get(id);
      if (hit && hit.until > now) found.set(id, hit.entry);
      else missing.push(id);
    }
    if (missing.length) {
      const rows = await db
        .select({ item: groupBuyItems, groupBuy: groupBuys })
        .from(groupBuyItems)
        .innerJoin(groupBuys, eq(groupBuys.id, groupBuyItems.groupBuyId))
        .where(inArray(groupBuyItems.id, missing));
      for (const row of rows) {
        found.set(row.item.id, row);
        if (row.groupBuy.publishedAt) {
          if (this.cache.size > 10_000) this.cache.clear();
          this.cache.set(row.item.id, { entry: row, until: now + this.ttlMs });
        }
      }
    }
    return found;
  }

  /** Staff changed a group buy (closed it, moved its times): its items are read afresh next time. */
  forget(groupBuyId: string): void {
    for (const [id, { entry }] of this.cache) if (entry.groupBuy.id === groupBuyId) this.cache.delete(id);
  }
}
