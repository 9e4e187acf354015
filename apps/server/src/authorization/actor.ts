import { sql, type Placeholder, type SQL } from 'drizzle-orm';
import type { RoleAssignment } from '@linli/shared';
import type { DbOrTx } from '../db/client';
import { buildings, householdBindings, households, roleAssignments, users } from '../db/schema';
import type { Actor, ActorHousehold } from './policy';

/**
 * The columns that load an account's roles and approved households, for a select `from(users)` of that account;
 * a hot route may add its own lookups to the same statement (one round trip).
 */
export function actorColumns(userId: SQL | Placeholder) {
  return {
    roles: sql<RoleAssignment[]>`(
      SELECT coalesce(json_agg(json_build_object('role', r.role, 'communityId', r.community_id, 'gridId', r.grid_id)), '[]'::json)
      FROM ${roleAssignments} r WHERE r.user_id = ${userId})`,
    households: sql<ActorHousehold[]>`(
      SELECT coalesce(json_agg(json_build_object('householdId', h.id, 'buildingId', b.id, 'gridId', b.grid_id, 'communityId', b.community_id)), '[]'::json)
      FROM ${householdBindings} hb
      JOIN ${households} h ON h.id = hb.household_id
      JOIN ${buildings} b ON b.id = h.building_id
      WHERE hb.user_id = ${userId} AND hb.status = 'approved')`,
  };
}

/** The Actor from a row holding `actorColumns` (no row: an unknown account, which has neither). */
export function actorOf(userId: string, row: { roles: RoleAssignment[]; households: ActorHousehold[] } | undefined): Actor {
  return { userId, roles: row?.roles ?? [], households: row?.households ?? [] };
}

function loadActorStatement(db: DbOrTx) {
  const userId = sql.placeholder('userId');
  return db.select(actorColumns(userId)).from(users).where(sql`${users.id} = ${userId}`).prepare('load_actor');
}

// One prepared statement per database: planned once per connection, not on every request.
const statements = new WeakMap<DbOrTx, ReturnType<typeof loadActorStatement>>();

/** The account's roles and approved households, read fresh on every request (one round trip) so revocations bite at once. */
export async function loadActor(db: DbOrTx, userId: string): Promise<Actor> {
  let statement = statements.get(db);
  if (!statement) {
    statement = loadActorStatement(db);
    statements.set(db, statement);
  }
  const [row] = await statement.execute({ userId });
  return actorOf(userId, row);
}
