// Who on the staff side hears of an event: the community's admins, and its grid workers (of one grid, when given).
import { and, eq, or } from 'drizzle-orm';
import type { Database } from '../db/client';
import { roleAssignments } from '../db/schema';

export async function staffRecipients(db: Database, communityId: string, gridId?: string): Promise<string[]> {
  const workers = gridId === undefined
    ? eq(roleAssignments.role, 'grid_worker')
    : and(eq(roleAssignments.role, 'grid_worker'), eq(roleAssignments.gridId, gridId));
  const rows = await db
    .select({ userId: roleAssignments.userId })
    .from(roleAssignments)
    .where(and(eq(roleAssignments.communityId, communityId), or(eq(roleAssignments.role, 'admin'), workers)));
  return [...new Set(rows.map((r) => r.userId))];
}
