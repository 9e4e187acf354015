// Who is in a building's group right now, derived from approved bindings and staff roles (never a stored list).
import { sql } from 'drizzle-orm';
import { roleLabels, type ChatMember } from '@linli/shared';
import { selectRows, type DbOrTx } from '../../db/client';

export async function groupMembers(db: DbOrTx, scope: { communityId: string; gridId: string; buildingId: string }): Promise<ChatMember[]> {
  const rows = await selectRows<{ user_id: string; display_name: string; is_staff: boolean; label: string }>(db, sql`
    SELECT user_id, display_name, bool_or(is_staff) AS is_staff, min(label) AS label FROM (
      SELECT u.id AS user_id, u.display_name, false AS is_staff, h.unit || '单元 ' || h.room AS label
      FROM household_bindings hb
      JOIN households h ON h.id = hb.household_id
      JOIN users u ON u.id = hb.user_id
      WHERE hb.status = 'approved' AND h.building_id = ${scope.buildingId}
      UNION ALL
      SELECT u.id, u.display_name, true, CASE ra.role WHEN 'admin' THEN ${roleLabels.admin} ELSE ${roleLabels.grid_worker} END
      FROM role_assignments ra
      JOIN users u ON u.id = ra.user_id
      WHERE ra.community_id = ${scope.communityId}
        AND (ra.role = 'admin' OR (ra.role = 'grid_worker' AND ra.grid_id = ${scope.gridId}))
    ) m
    GROUP BY user_id, display_name
    ORDER BY bool_or(is_staff) DESC, min(label), display_name`);
  return rows.map((r) => ({ userId: r.user_id, displayName: r.display_name, isStaff: r.is_staff, label: r.label }));
}

/** Accounts that are members of a building's group (for WeChat subscribe messages and mentions). */
export async function residentUserIdsOfBuildings(db: DbOrTx, buildingIds: string[]): Promise<string[]> {
  if (buildingIds.length === 0) return [];
  const rows = await selectRows<{ user_id: string }>(db, sql`
    SELECT DISTINCT hb.user_id FROM household_bindings hb JOIN households h ON h.id = hb.household_id
    WHERE hb.status = 'approved' AND h.building_id IN (${sql.join(buildingIds.map((b) => sql`${b}::uuid`), sql`, `)})`);
  return rows.map((r) => r.user_id);
}
