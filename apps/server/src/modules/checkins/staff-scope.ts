// Which grids a staff caller works on, as SQL over a table's community/grid columns; non-staff are refused.
import { and, eq, inArray, or, type AnyColumn, type SQL } from 'drizzle-orm';
import { staffGridIds, type Actor } from '../../authorization/policy';
import { forbidden } from '../../errors';

export type StaffScopes = { communityId: string; gridIds: string[] | null }[];

export function requireStaff(actor: Actor): StaffScopes {
  const scopes = staffGridIds(actor);
  if (scopes.length === 0) throw forbidden('只有网格员和社区管理员可以查看');
  return scopes;
}

export function withinStaffScopes(scopes: StaffScopes, communityColumn: AnyColumn, gridColumn: AnyColumn): SQL {
  return or(
    ...scopes.map(({ communityId, gridIds }) =>
      gridIds === null ? eq(communityColumn, communityId) : and(eq(communityColumn, communityId), inArray(gridColumn, gridIds))!,
    ),
  )!;
}

/** The community an audit entry is filed under: the caller's first staff community. */
export function auditCommunityOf(scopes: StaffScopes): string {
  return scopes[0]!.communityId;
}
