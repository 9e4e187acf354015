import { sql } from 'drizzle-orm';
import type { RoleAssignment } from '@linli/shared';
import type { Database, DbOrTx } from '../db/client';
import { buildings, householdBindings, households, roleAssignments, users } from '../db/schema';
import type { Actor, ActorHousehold } from './policy';

function loadActorStatement(db: DbOrTx) {
  const userId = sql.placeholder('userId');
  return db
    .select({
      roles: sql<RoleAssignment[]>`(
        SELECT coalesce(json_agg(json_build_object('role', r.role, 'communityId', r.community_id, 'gridId', r.grid_id)), '[]'::json)
        FROM ${roleAssignments} r WHERE r.user_id = ${userId})`,
      households: sql<ActorHousehold[]>`(
        SELECT coalesce(json_agg(json_build_object('householdId', h.id, 'buildingId', b.id, 'gridId', b.grid_id, 'communityId', b.community_id)), '[]'::json)
        FROM ${householdBindings} hb
        JOIN ${households} h ON h.id = hb.household_id
        JOIN ${buildings} b ON b.id = h.building_id
        WHERE hb.user_id = ${userId} AND hb.status = 'approved')`,
    })
    .from(users)
    .where(sql`${users.id} = ${userId}`)
    .prepare('load_actor');
}

// One prepared statement per database: planned once per connection, not on every request.
const statements = new WeakMap<DbOrTx, ReturnType<typeof loadActorStatement>>();

/**
 * The account's roles and approved households, read fresh on every request (one round trip) so revocations bite at
 * once. An unknown account has neither.
 */
export async function loadActor(db: DbOrTx | Database, userId: string): Promise<Actor> {
  let statement = statements.get(db);
  if (!statement) {
    statement = loadActorStatement(db);
    statements.set(db, statement);
  }
  const [row] = await statement.execute({ userId });
  return { userId, roles: row?.roles ?? [], households: row?.households ?? [] };
}
