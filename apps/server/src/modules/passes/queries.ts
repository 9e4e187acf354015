import { and, asc, desc, eq, gt, gte, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { defaultPassPolicy, isTripOverdue, type Pass, type PassKind, type PassPolicyBody, type PassStatus, type PassTrip } from '@linli/shared';
import type { DbOrTx } from '../../db/client';
import { buildings, households, passes, passPolicies, passTrips } from '../../db/schema';
import type { CursorPosition } from '../../pagination';

export type StaffScopes = { communityId: string; gridIds: string[] | null }[];

/** Buildings an actor works on, as a condition on `buildings`; no scopes → matches nothing. */
export function buildingInScopes(scopes: StaffScopes): SQL {
  const parts = scopes.map(({ communityId, gridIds }) =>
    gridIds === null ? eq(buildings.communityId, communityId) : and(eq(buildings.communityId, communityId), inArray(buildings.gridId, gridIds))!,
  );
  return parts.length ? or(...parts)! : sql`false`;
}

export async function policyOf(db: DbOrTx, communityId: string): Promise<PassPolicyBody & { updatedAt: Date | null }> {
  const [row] = await db.select().from(passPolicies).where(eq(passPolicies.communityId, communityId));
  return row ? { exitsPerWindow: row.exitsPerWindow, windowDays: row.windowDays, maxOutMinutes: row.maxOutMinutes, updatedAt: row.updatedAt } : { ...defaultPassPolicy, updatedAt: null };
}

const passColumns = {
  id: passes.id,
  householdId: passes.householdId,
  buildingId: buildings.id,
  buildingName: buildings.name,
  unit: households.unit,
  room: households.room,
  kind: passes.kind,
  status: passes.status,
  reason: passes.reason,
  validUntil: passes.validUntil,
  issuedAt: passes.issuedAt,
  revokedAt: passes.revokedAt,
};

type PassRow = Omit<Pass, 'validUntil' | 'issuedAt' | 'revokedAt'> & { validUntil: Date | null; issuedAt: Date; revokedAt: Date | null };

export function toPass(r: PassRow): Pass {
  return {
    ...r,
    validUntil: r.validUntil?.toISOString() ?? null,
    issuedAt: r.issuedAt.toISOString(),
    revokedAt: r.revokedAt?.toISOString() ?? null,
  };
}

export async function listPasses(
  db: DbOrTx,
  filter: { scopes?: StaffScopes; householdIds?: string[]; id?: string; buildingId?: string; kind?: PassKind; status?: PassStatus },
  page: { limit: number; after: CursorPosition | null },
): Promise<Pass[]> {
  const conditions: SQL[] = [];
  if (filter.scopes) conditions.push(buildingInScopes(filter.scopes));
  if (filter.householdIds) conditions.push(filter.householdIds.length ? inArray(passes.householdId, filter.householdIds) : sql`false`);
  if (filter.id) conditions.push(eq(passes.id, filter.id));
  if (filter.buildingId) conditions.push(eq(buildings.id, filter.buildingId));
  if (filter.kind) conditions.push(eq(passes.kind, filter.kind));
  if (filter.status) conditions.push(eq(passes.status, filter.status));
  if (page.after) {
    const at = new Date(page.after.at);
    conditions.push(or(lt(passes.issuedAt, at), and(eq(passes.issuedAt, at), lt(passes.id, page.after.id)))!);
  }
  const rows = await db
    .select(passColumns)
    .from(passes)
    .innerJoin(households, eq(households.id, passes.householdId))
    .innerJoin(buildings, eq(buildings.id, households.buildingId))
    .where(and(...conditions))
    .orderBy(desc(passes.issuedAt), desc(passes.id))
    .limit(page.limit);
  return rows.map((r) => toPass(r));
}

/** A pass with where it lives (community, grid, building, household), for the scope check. */
export async function passWithScope(db: DbOrTx, passId: string) {
  const [row] = await db
    .select({
      ...passColumns,
      communityId: buildings.communityId,
      gridId: buildings.gridId,
    })
    .from(passes)
    .innerJoin(households, eq(households.id, passes.householdId))
    .innerJoin(buildings, eq(buildings.id, households.buildingId))
    .where(eq(passes.id, passId));
  return row ?? null;
}

export async function listTrips(
  db: DbOrTx,
  filter: { scopes?: StaffScopes; householdIds?: string[]; state: 'out' | 'overdue'; buildingId?: string },
  page: { limit: number; after: CursorPosition | null },
  now: Date = new Date(),
): Promise<PassTrip[]> {
  const conditions: SQL[] = [isNull(passTrips.returnAt)];
  if (filter.scopes) conditions.push(buildingInScopes(filter.scopes));
  if (filter.householdIds) conditions.push(filter.householdIds.length ? inArray(passTrips.householdId, filter.householdIds) : sql`false`);
  if (filter.state === 'overdue') conditions.push(lt(passTrips.dueBackAt, now));
  if (filter.buildingId) conditions.push(eq(buildings.id, filter.buildingId));
  if (page.after) {
    const at = new Date(page.after.at);
    conditions.push(or(gt(passTrips.exitAt, at), and(eq(passTrips.exitAt, at), gt(passTrips.id, page.after.id)))!);
  }
  const rows = await db
    .select({
      id: passTrips.id,
      passId: passTrips.passId,
      householdId: passTrips.householdId,
      buildingId: buildings.id,
      buildingName: buildings.name,
      unit: households.unit,
      room: households.room,
      passKind: passes.kind,
      exitAt: passTrips.exitAt,
      dueBackAt: passTrips.dueBackAt,
      returnAt: passTrips.returnAt,
    })
    .from(passTrips)
    .innerJoin(passes, eq(passes.id, passTrips.passId))
    .innerJoin(households, eq(households.id, passTrips.householdId))
    .innerJoin(buildings, eq(buildings.id, households.buildingId))
    .where(and(...conditions))
    .orderBy(asc(passTrips.exitAt), asc(passTrips.id))
    .limit(page.limit);
  return rows.map((r) => ({
    ...r,
    exitAt: r.exitAt.toISOString(),
    dueBackAt: r.dueBackAt.toISOString(),
    returnAt: r.returnAt?.toISOString() ?? null,
    overdue: isTripOverdue(r, now),
  }));
}

export async function exitTimesSince(db: DbOrTx, householdId: string, since: Date): Promise<Date[]> {
  const rows = await db
    .select({ exitAt: passTrips.exitAt })
    .from(passTrips)
    .where(and(eq(passTrips.householdId, householdId), gt(passTrips.exitAt, since)));
  return rows.map((r) => r.exitAt);
}

export async function householdLabels(db: DbOrTx, householdIds: string[]) {
  if (!householdIds.length) return [];
  return db
    .select({ householdId: households.id, buildingName: buildings.name, unit: households.unit, room: households.room })
    .from(households)
    .innerJoin(buildings, eq(buildings.id, households.buildingId))
    .where(inArray(households.id, householdIds))
    .orderBy(asc(buildings.sortOrder), asc(households.unit), asc(households.room));
}

export async function exitsByBuilding(db: DbOrTx, scopes: StaffScopes, dayStart: Date, now: Date) {
  const rows = await db
    .select({
      buildingId: buildings.id,
      buildingName: buildings.name,
      exits: sql<number>`count(${passTrips.id}) FILTER (WHERE ${passTrips.exitAt} >= ${dayStart.toISOString()}::timestamptz)::int`,
      out: sql<number>`count(${passTrips.id}) FILTER (WHERE ${passTrips.returnAt} IS NULL)::int`,
      overdue: sql<number>`count(${passTrips.id}) FILTER (WHERE ${passTrips.returnAt} IS NULL AND ${passTrips.dueBackAt} < ${now.toISOString()}::timestamptz)::int`,
    })
    .from(buildings)
    .leftJoin(households, eq(households.buildingId, buildings.id))
    .leftJoin(passTrips, and(eq(passTrips.householdId, households.id), or(gte(passTrips.exitAt, dayStart), isNull(passTrips.returnAt))))
    .where(buildingInScopes(scopes))
    .groupBy(buildings.id, buildings.name, buildings.sortOrder)
    .orderBy(asc(buildings.sortOrder), asc(buildings.name));
  return rows.map((r) => ({ ...r, exits: Number(r.exits), out: Number(r.out), overdue: Number(r.overdue) }));
}
