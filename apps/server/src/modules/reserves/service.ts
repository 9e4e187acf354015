// Reserve rules that write: items, single ledger entries and whole-building distributions. Stock moves only through a
// conditional UPDATE (stock + delta >= 0) in the same transaction as the ledger rows, so it never goes negative and
// always equals the sum of the ledger, however many staff issue at once.
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import {
  householdLabel, isLowStock, reserveErrorCodes, stockDelta, type CreateReserveItemBody, type DistributionBody,
  type LedgerEntryBody, type ReserveItem, type UpdateReserveItemBody,
} from '@linli/shared';
import type { Database, DbOrTx } from '../../db/client';
import { selectRows } from '../../db/client';
import { reserveItems, reserveLedger, roleAssignments } from '../../db/schema';
import type { Actor } from '../../authorization/policy';
import { isStaffOf } from '../../authorization/policy';
import { isCommunityStaff } from '../../authorization/community';
import { scopeOfBuilding, scopeOfHousehold } from '../../authorization/scopes';
import { conflict, notFound } from '../../errors';
import { recordAudit } from '../audit/service';
import { itemById, toItem } from './queries';

/** Told when an item's stock falls to or below its threshold (the realtime module can push it to staff). */
export type LowStockListener = (item: ReserveItem) => void;

export async function createItem(db: Database, actor: Actor, communityId: string, body: CreateReserveItemBody) {
  if (!isCommunityStaff(actor, communityId)) throw notFound('社区');
  const [created] = await db
    .insert(reserveItems)
    .values({ communityId, ...body, createdBy: actor.userId })
    .onConflictDoNothing()
    .returning();
  if (!created) throw conflict(reserveErrorCodes.itemExists, `已有名为「${body.name}」的物资`);
  return toItem(created);
}

export async function updateItem(db: Database, actor: Actor, itemId: string, body: UpdateReserveItemBody) {
  const item = await itemInScope(db, actor, itemId);
  try {
    const [updated] = await db.update(reserveItems).set(body).where(eq(reserveItems.id, item.id)).returning();
    return toItem(updated!);
  } catch (err) {
    for (let e: any = err, depth = 0; e && depth < 4; e = e.cause, depth++) {
      if (e.code === '23505') throw conflict(reserveErrorCodes.itemExists, `已有名为「${body.name}」的物资`);
    }
    throw err;
  }
}

/** An item the caller may manage (staff of its community), else 404. */
export async function itemInScope(db: DbOrTx, actor: Actor, itemId: string) {
  const item = await itemById(db, itemId);
  if (!item || !isCommunityStaff(actor, item.communityId)) throw notFound('物资');
  return item;
}

/** Takes `total` from (or, negative, adds to) the stock only if enough is there; returns the new stock. */
async function moveStock(tx: DbOrTx, itemId: string, delta: number, unit: string) {
  const [moved] = await tx
    .update(reserveItems)
    .set({ stock: sql`${reserveItems.stock} + ${delta}` })
    .where(and(eq(reserveItems.id, itemId), sql`${reserveItems.stock} + ${delta} >= 0`))
    .returning();
  if (!moved) {
    const [current] = await tx.select({ stock: reserveItems.stock }).from(reserveItems).where(eq(reserveItems.id, itemId));
    throw conflict(reserveErrorCodes.insufficientStock, `库存不足：现有 ${current?.stock ?? 0} ${unit}，需要 ${-delta} ${unit}`, {
      stock: current?.stock ?? 0,
      requested: -delta,
    });
  }
  return moved;
}

export async function recordEntry(db: Database, actor: Actor, itemId: string, body: LedgerEntryBody, onLowStock?: LowStockListener) {
  const item = await itemInScope(db, actor, itemId);
  let household: Awaited<ReturnType<typeof scopeOfHousehold>> = null;
  if (body.householdId) {
    household = await scopeOfHousehold(db, body.householdId);
    if (!household || household.communityId !== item.communityId || !isStaffOf(actor, household)) throw notFound('住户');
  }
  if (body.volunteerUserId) {
    const [isVolunteer] = await db
      .select({ id: roleAssignments.id })
      .from(roleAssignments)
      .where(and(eq(roleAssignments.userId, body.volunteerUserId), eq(roleAssignments.role, 'volunteer'), eq(roleAssignments.communityId, item.communityId)));
    if (!isVolunteer) throw notFound('志愿者');
  }
  const { entryId, after } = await db.transaction(async (tx) => {
    const after = await moveStock(tx, itemId, stockDelta(body.kind, body.quantity), item.unit);
    const [entry] = await tx
      .insert(reserveLedger)
      .values({
        itemId,
        communityId: item.communityId,
        kind: body.kind,
        quantity: body.quantity,
        balanceAfter: after.stock,
        reason: body.reason,
        householdId: body.householdId ?? null,
        recipientUserId: body.volunteerUserId ?? null,
        recordedBy: actor.userId,
      })
      .returning({ id: reserveLedger.id });
    if (household) {
      await recordAudit(tx, {
        actorId: actor.userId,
        communityId: item.communityId,
        action: 'reserve.issue',
        subjectType: 'household',
        subjectId: household.householdId,
        details: { itemId, item: item.name, quantity: body.quantity, ledgerEntryId: entry!.id },
      });
    }
    return { entryId: entry!.id, after };
  });
  notifyIfLow(item, after, onLowStock);
  return entryId;
}

function notifyIfLow(before: { stock: number; lowStockThreshold: number }, after: typeof reserveItems.$inferSelect, onLowStock?: LowStockListener) {
  if (onLowStock && isLowStock(after) && after.stock < before.stock) onLowStock(toItem(after));
}

/** N per household or per person to every household of a building: one ledger row per household, all or nothing. */
export async function distribute(db: Database, actor: Actor, itemId: string, body: DistributionBody, onLowStock?: LowStockListener) {
  const item = await itemInScope(db, actor, itemId);
  const building = await scopeOfBuilding(db, body.buildingId);
  if (!building || building.communityId !== item.communityId || !isStaffOf(actor, building)) throw notFound('楼栋');
  const shares = await selectRows<{ household_id: string; building_name: string; unit: string; room: string; persons: number }>(db, sql`
    SELECT h.id AS household_id, b.name AS building_name, h.unit, h.room, count(p.id)::int AS persons
    FROM households h JOIN buildings b ON b.id = h.building_id LEFT JOIN persons p ON p.household_id = h.id
    WHERE h.building_id = ${body.buildingId}
    GROUP BY h.id, b.name, h.unit, h.room
    ORDER BY h.unit, h.room`);
  const planned = shares
    .map((s) => ({ ...s, quantity: body.per === 'household' ? body.quantity : body.quantity * Number(s.persons) }))
    .filter((s) => s.quantity > 0);
  if (!planned.length) throw conflict(reserveErrorCodes.nobodyToDistribute, '该楼栋没有可发放的住户');
  const total = planned.reduce((sum, s) => sum + s.quantity, 0);
  const distributionId = randomUUID();

  const after = await db.transaction(async (tx) => {
    const after = await moveStock(tx, itemId, -total, item.unit);
    let balance = after.stock + total;
    await tx.insert(reserveLedger).values(planned.map((s) => {
      balance -= s.quantity;
      return {
        itemId,
        communityId: item.communityId,
        kind: 'issued' as const,
        quantity: s.quantity,
        balanceAfter: balance,
        reason: body.reason,
        householdId: s.household_id,
        distributionId,
        recordedBy: actor.userId,
      };
    }));
    await recordAudit(tx, planned.map((s) => ({
      actorId: actor.userId,
      communityId: item.communityId,
      action: 'reserve.issue' as const,
      subjectType: 'household',
      subjectId: s.household_id,
      details: { itemId, item: item.name, quantity: s.quantity, distributionId, household: householdLabel({ buildingName: s.building_name, unit: s.unit, room: s.room }) },
    })));
    return after;
  });
  notifyIfLow(item, after, onLowStock);
  return { distributionId, households: planned.length, totalQuantity: total, stockAfter: after.stock, low: isLowStock(after) };
}

