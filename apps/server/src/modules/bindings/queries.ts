import { and, desc, eq, inArray, lt, or, type SQL } from 'drizzle-orm';
import type { Binding, BindingStatus, PersonRelation } from '@linli/shared';
import type { DbOrTx } from '../../db/client';
import { buildings, householdBindings, households, users } from '../../db/schema';
import type { CursorPosition } from '../../pagination';

export type BindingFilter =
  | { kind: 'own'; userId: string }
  | { kind: 'staff'; scopes: { communityId: string; gridIds: string[] | null }[]; userId: string };

export async function listBindings(
  db: DbOrTx,
  filter: BindingFilter,
  options: { status?: BindingStatus; limit: number; after: CursorPosition | null; id?: string },
): Promise<Binding[]> {
  const conditions: SQL[] = [];
  if (filter.kind === 'own') conditions.push(eq(householdBindings.userId, filter.userId));
  else {
    const scopeConditions = filter.scopes.map(({ communityId, gridIds }) =>
      gridIds === null ? eq(buildings.communityId, communityId) : and(eq(buildings.communityId, communityId), inArray(buildings.gridId, gridIds))!,
    );
    // Staff also see their own requests (a grid worker may live in the community too).
    conditions.push(or(eq(householdBindings.userId, filter.userId), ...scopeConditions)!);
  }
  if (options.status) conditions.push(eq(householdBindings.status, options.status));
  if (options.id) conditions.push(eq(householdBindings.id, options.id));
  if (options.after) {
    const at = new Date(options.after.at);
    conditions.push(or(lt(householdBindings.createdAt, at), and(eq(householdBindings.createdAt, at), lt(householdBindings.id, options.after.id)))!);
  }
  const rows = await db
    .select({
      id: householdBindings.id,
      userId: householdBindings.userId,
      userDisplayName: users.displayName,
      userPhone: users.phone,
      householdId: householdBindings.householdId,
      buildingId: buildings.id,
      buildingName: buildings.name,
      unit: households.unit,
      room: households.room,
      relation: householdBindings.relation,
      status: householdBindings.status,
      note: householdBindings.note,
      decisionReason: householdBindings.decisionReason,
      createdAt: householdBindings.createdAt,
      decidedAt: householdBindings.decidedAt,
    })
    .from(householdBindings)
    .innerJoin(users, eq(users.id, householdBindings.userId))
    .innerJoin(households, eq(households.id, householdBindings.householdId))
    .innerJoin(buildings, eq(buildings.id, households.buildingId))
    .where(and(...conditions))
    .orderBy(desc(householdBindings.createdAt), desc(householdBindings.id))
    .limit(options.limit);
  return rows.map((r) => ({
    ...r,
    relation: r.relation as PersonRelation,
    createdAt: r.createdAt.toISOString(),
    decidedAt: r.decidedAt?.toISOString() ?? null,
  }));
}
