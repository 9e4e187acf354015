import { and, asc, count, eq, inArray, or, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { buildings, grids, householdBindings, households, persons } from '../../db/schema';
import type { Actor } from '../../authorization/policy';
import { staffGridIds } from '../../authorization/policy';

const buildingColumns = {
  id: buildings.id,
  communityId: buildings.communityId,
  gridId: buildings.gridId,
  gridName: grids.name,
  name: buildings.name,
};

/** Buildings the actor may see: admins all of their community, grid workers their grids, residents their own. */
export async function buildingsInScope(db: DbOrTx, actor: Actor) {
  const conditions: SQL[] = [];
  for (const { communityId, gridIds } of staffGridIds(actor)) {
    conditions.push(gridIds === null ? eq(buildings.communityId, communityId) : and(eq(buildings.communityId, communityId), inArray(buildings.gridId, gridIds))!);
  }
  const volunteerCommunities = actor.roles.filter((r) => r.role === 'volunteer').map((r) => r.communityId);
  if (volunteerCommunities.length) conditions.push(inArray(buildings.communityId, volunteerCommunities));
  const ownBuildings = actor.households.map((h) => h.buildingId);
  if (ownBuildings.length) conditions.push(inArray(buildings.id, ownBuildings));
  if (conditions.length === 0) return [];
  return db
    .select({ ...buildingColumns, householdCount: count(households.id) })
    .from(buildings)
    .innerJoin(grids, eq(grids.id, buildings.gridId))
    .leftJoin(households, eq(households.buildingId, buildings.id))
    .where(or(...conditions))
    .groupBy(buildings.id, grids.name)
    .orderBy(asc(buildings.sortOrder), asc(buildings.name));
}

/** Every building, for the binding picker: names only, nothing about who lives there. */
export async function buildingDirectory(db: DbOrTx) {
  return db
    .select({ ...buildingColumns, householdCount: count(households.id) })
    .from(buildings)
    .innerJoin(grids, eq(grids.id, buildings.gridId))
    .leftJoin(households, eq(households.buildingId, buildings.id))
    .groupBy(buildings.id, grids.name)
    .orderBy(asc(buildings.communityId), asc(buildings.sortOrder), asc(buildings.name));
}

export async function householdsOfBuilding(db: DbOrTx, buildingId: string) {
  return db
    .select({
      id: households.id,
      buildingId: households.buildingId,
      buildingName: buildings.name,
      unit: households.unit,
      room: households.room,
      personCount: count(persons.id),
    })
    .from(households)
    .innerJoin(buildings, eq(buildings.id, households.buildingId))
    .leftJoin(persons, eq(persons.householdId, households.id))
    .where(eq(households.buildingId, buildingId))
    .groupBy(households.id, buildings.name)
    .orderBy(asc(households.unit), asc(households.room));
}

/** A household with its building's name and its scope (community, grid, building), in one read. */
export async function householdWithScope(db: DbOrTx, householdId: string) {
  const [household] = await db
    .select({
      id: households.id,
      buildingId: households.buildingId,
      buildingName: buildings.name,
      gridId: buildings.gridId,
      communityId: buildings.communityId,
      unit: households.unit,
      room: households.room,
    })
    .from(households)
    .innerJoin(buildings, eq(buildings.id, households.buildingId))
    .where(eq(households.id, householdId));
  return household ?? null;
}

export async function personsOfHousehold(db: DbOrTx, householdId: string) {
  return db.select().from(persons).where(eq(persons.householdId, householdId)).orderBy(asc(persons.createdAt), asc(persons.name));
}

/** A person's phone with where they live (for the audit entry) and their scope, in one read. */
export async function personPhone(db: DbOrTx, personId: string) {
  const [row] = await db
    .select({
      id: persons.id,
      name: persons.name,
      phone: persons.phone,
      householdId: households.id,
      buildingId: buildings.id,
      buildingName: buildings.name,
      gridId: buildings.gridId,
      communityId: buildings.communityId,
      unit: households.unit,
      room: households.room,
    })
    .from(persons)
    .innerJoin(households, eq(households.id, persons.householdId))
    .innerJoin(buildings, eq(buildings.id, households.buildingId))
    .where(eq(persons.id, personId));
  return row ?? null;
}

export async function approvedHouseholdsOfUser(db: DbOrTx, userId: string) {
  return db
    .select({
      id: households.id,
      buildingId: buildings.id,
      buildingName: buildings.name,
      gridId: buildings.gridId,
      unit: households.unit,
      room: households.room,
    })
    .from(householdBindings)
    .innerJoin(households, eq(households.id, householdBindings.householdId))
    .innerJoin(buildings, eq(buildings.id, households.buildingId))
    .where(and(eq(householdBindings.userId, userId), eq(householdBindings.status, 'approved')))
    .orderBy(asc(buildings.sortOrder), asc(households.unit), asc(households.room));
}
