import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { buildings, householdBindings, households, roleAssignments } from '../db/schema';
import type { Actor } from './policy';

/** The account's roles and approved households, read fresh on every request so revocations bite at once. */
export async function loadActor(db: DbOrTx, userId: string): Promise<Actor> {
  const [roles, bound] = await Promise.all([
    db
      .select({ role: roleAssignments.role, communityId: roleAssignments.communityId, gridId: roleAssignments.gridId })
      .from(roleAssignments)
      .where(eq(roleAssignments.userId, userId)),
    db
      .select({
        householdId: households.id,
        buildingId: buildings.id,
        gridId: buildings.gridId,
        communityId: buildings.communityId,
      })
      .from(householdBindings)
      .innerJoin(households, eq(households.id, householdBindings.householdId))
      .innerJoin(buildings, eq(buildings.id, households.buildingId))
      .where(and(eq(householdBindings.userId, userId), eq(householdBindings.status, 'approved'))),
  ]);
  return { userId, roles, households: bound };
}
