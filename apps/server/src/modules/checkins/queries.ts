// Reads of check-ins: a household's day, the missed list per building, the day's report for export.
import { and, asc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { buildings, checkins, households, persons } from '../../db/schema';
import { withinStaffScopes, type StaffScopes } from './staff-scope';

export async function householdDay(db: DbOrTx, householdId: string, day: string) {
  return db
    .select({ person: persons, checkin: checkins })
    .from(persons)
    .leftJoin(checkins, and(eq(checkins.personId, persons.id), eq(checkins.day, day)))
    .where(eq(persons.householdId, householdId))
    .orderBy(asc(persons.createdAt), asc(persons.name));
}

/** Persons in scope without a check-in on `day`, with their household and building, in building order. */
export async function personsWithoutCheckin(db: DbOrTx, scopes: StaffScopes, day: string, buildingId?: string) {
  const conditions: SQL[] = [withinStaffScopes(scopes, buildings.communityId, buildings.gridId), isNull(checkins.id)];
  if (buildingId) conditions.push(eq(buildings.id, buildingId));
  return db
    .select({
      personId: persons.id,
      name: persons.name,
      householdId: households.id,
      unit: households.unit,
      room: households.room,
      buildingId: buildings.id,
      buildingName: buildings.name,
    })
    .from(persons)
    .innerJoin(households, eq(households.id, persons.householdId))
    .innerJoin(buildings, eq(buildings.id, households.buildingId))
    .leftJoin(checkins, and(eq(checkins.personId, persons.id), eq(checkins.day, day)))
    .where(and(...conditions))
    .orderBy(asc(buildings.sortOrder), asc(buildings.name), asc(households.unit), asc(households.room), asc(persons.createdAt));
}

/** For each household, the member to call: the first with a phone. */
export async function contactsOfHouseholds(db: DbOrTx, householdIds: string[]) {
  if (householdIds.length === 0) return new Map<string, { personId: string; name: string; phone: string }>();
  const rows = await db
    .selectDistinctOn([persons.householdId], { householdId: persons.householdId, personId: persons.id, name: persons.name, phone: persons.phone })
    .from(persons)
    .where(and(sql`${persons.householdId} = ANY(${sql.param(householdIds)}::uuid[])`, sql`${persons.phone} IS NOT NULL`))
    .orderBy(persons.householdId, asc(persons.createdAt), asc(persons.name));
  return new Map(rows.map((r) => [r.householdId, { personId: r.personId, name: r.name, phone: r.phone! }]));
}

/** Every person in scope with their check-in of `day` (null when missing), in building, unit, room order. */
export async function dayReport(db: DbOrTx, scopes: StaffScopes, day: string) {
  return db
    .select({
      buildingName: buildings.name,
      unit: households.unit,
      room: households.room,
      name: persons.name,
      checkin: checkins,
    })
    .from(persons)
    .innerJoin(households, eq(households.id, persons.householdId))
    .innerJoin(buildings, eq(buildings.id, households.buildingId))
    .leftJoin(checkins, and(eq(checkins.personId, persons.id), eq(checkins.day, day)))
    .where(withinStaffScopes(scopes, buildings.communityId, buildings.gridId))
    .orderBy(asc(buildings.sortOrder), asc(buildings.name), asc(households.unit), asc(sql`length(${households.room})`), asc(households.room), asc(persons.createdAt), asc(persons.name));
}

/** The check-ins of `day` in a building, or in a set of households, with who and where, in unit, room, member order. */
export async function checkinsOfDay(db: DbOrTx, day: string, where: { buildingId: string } | { householdIds: string[] }) {
  if ('householdIds' in where && where.householdIds.length === 0) return [];
  return db
    .select({ checkin: checkins, personName: persons.name, unit: households.unit, room: households.room })
    .from(checkins)
    .innerJoin(persons, eq(persons.id, checkins.personId))
    .innerJoin(households, eq(households.id, checkins.householdId))
    .where(and(
      eq(checkins.day, day),
      'buildingId' in where
        ? eq(households.buildingId, where.buildingId)
        : sql`${checkins.householdId} = ANY(${sql.param(where.householdIds)}::uuid[])`,
    ))
    .orderBy(asc(households.unit), asc(sql`length(${households.room})`), asc(households.room), asc(persons.createdAt), asc(persons.name));
}
