// Looks up where an object lives, so `can()` can be asked about it. Unknown objects resolve to null (→ 404).
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { buildings, households } from '../db/schema';
import type { Scope } from './policy';

export async function scopeOfBuilding(db: DbOrTx, buildingId: string): Promise<Required<Omit<Scope, 'householdId'>> | null> {
  const [row] = await db
    .select({ communityId: buildings.communityId, gridId: buildings.gridId, buildingId: buildings.id })
    .from(buildings)
    .where(eq(buildings.id, buildingId));
  return row ?? null;
}

export async function scopeOfHousehold(db: DbOrTx, householdId: string): Promise<Required<Scope> | null> {
  const [row] = await db
    .select({
      communityId: buildings.communityId,
      gridId: buildings.gridId,
      buildingId: buildings.id,
      householdId: households.id,
    })
    .from(households)
    .innerJoin(buildings, eq(buildings.id, households.buildingId))
    .where(eq(households.id, householdId));
  return row ?? null;
}
