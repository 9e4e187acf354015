import { and, asc, desc, eq, lt, or, sql, type SQL } from 'drizzle-orm';
import { householdLabel, isLowStock, type LedgerEntry, type LedgerEntryKind, type ReserveItem } from '@linli/shared';
import { alias } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../../db/client';
import { buildings, households, reserveItems, reserveLedger, users } from '../../db/schema';
import type { CursorPosition } from '../../pagination';

export function toItem(r: typeof reserveItems.$inferSelect): ReserveItem {
  return {
    id: r.id,
    communityId: r.communityId,
    name: r.name,
    unit: r.unit,
    lowStockThreshold: r.lowStockThreshold,
    stock: r.stock,
    low: isLowStock(r),
    createdAt: r.createdAt.toISOString(),
  };
}

export async function listItems(db: DbOrTx, communityId: string, lowOnly: boolean): Promise<ReserveItem[]> {
  const rows = await db
    .select()
    .from(reserveItems)
    .where(and(eq(reserveItems.communityId, communityId), lowOnly ? sql`${reserveItems.stock} <= ${reserveItems.lowStockThreshold}` : undefined))
    .orderBy(asc(reserveItems.name));
  return rows.map(toItem);
}

export async function itemById(db: DbOrTx, id: string) {
  const [row] = await db.select().from(reserveItems).where(eq(reserveItems.id, id));
  return row ?? null;
}

const recorder = alias(users, 'recorder');
const volunteer = alias(users, 'volunteer');

export async function listLedger(
  db: DbOrTx,
  filter: { communityId: string; itemId?: string; ids?: string[] },
  page: { limit: number; after: CursorPosition | null; ascending?: boolean },
): Promise<LedgerEntry[]> {
  const conditions: SQL[] = [eq(reserveLedger.communityId, filter.communityId)];
  if (filter.itemId) conditions.push(eq(reserveLedger.itemId, filter.itemId));
  if (filter.ids) conditions.push(sql`${reserveLedger.id} = ANY(${`{${filter.ids.join(',')}}`}::uuid[])`);
  if (page.after) {
    const at = new Date(page.after.at);
    conditions.push(or(lt(reserveLedger.createdAt, at), and(eq(reserveLedger.createdAt, at), lt(reserveLedger.id, page.after.id)))!);
  }
  const order = page.ascending ? [asc(reserveLedger.createdAt), asc(reserveLedger.id)] : [desc(reserveLedger.createdAt), desc(reserveLedger.id)];
  const rows = await db
    .select({
      id: reserveLedger.id,
      itemId: reserveLedger.itemId,
      itemName: reserveItems.name,
      unit: reserveItems.unit,
      kind: reserveLedger.kind,
      quantity: reserveLedger.quantity,
      balanceAfter: reserveLedger.balanceAfter,
      reason: reserveLedger.reason,
      householdId: reserveLedger.householdId,
      buildingName: buildings.name,
      householdUnit: households.unit,
      householdRoom: households.room,
      volunteerUserId: reserveLedger.recipientUserId,
      volunteerName: volunteer.displayName,
      distributionId: reserveLedger.distributionId,
      recordedBy: reserveLedger.recordedBy,
      recordedByName: recorder.displayName,
      createdAt: reserveLedger.createdAt,
    })
    .from(reserveLedger)
    .innerJoin(reserveItems, eq(reserveItems.id, reserveLedger.itemId))
    .innerJoin(recorder, eq(recorder.id, reserveLedger.recordedBy))
    .leftJoin(volunteer, eq(volunteer.id, reserveLedger.recipientUserId))
    .leftJoin(households, eq(households.id, reserveLedger.householdId))
    .leftJoin(buildings, eq(buildings.id, households.buildingId))
    .where(and(...conditions))
    .orderBy(...order)
    .limit(page.limit);
  return rows.map(({ buildingName, householdUnit, householdRoom, ...r }) => ({
    ...r,
    kind: r.kind as LedgerEntryKind,
    householdLabel: buildingName && householdUnit && householdRoom ? householdLabel({ buildingName, unit: householdUnit, room: householdRoom }) : null,
    volunteerName: r.volunteerName ?? null,
    createdAt: r.createdAt.toISOString(),
  }));
}
