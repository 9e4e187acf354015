// Which community a community-wide request is about: the one the caller belongs to, or the one they name.
import type { Actor } from './policy';
import { badRequest, notFound } from '../errors';

export function communitiesOfActor(actor: Actor): string[] {
  return [...new Set([...actor.roles.map((r) => r.communityId), ...actor.households.map((h) => h.communityId)])];
}

/** The named community if the caller belongs to it, else their only one; several without a choice → 400. */
export function communityOfRequest(actor: Actor, requested: string | undefined): string {
  const mine = communitiesOfActor(actor);
  if (requested) {
    if (!mine.includes(requested)) throw notFound('社区');
    return requested;
  }
  if (mine.length === 1) return mine[0]!;
  if (mine.length === 0) throw notFound('社区');
  throw badRequest('VALIDATION_FAILED', '您属于多个社区，请指定 communityId', [{ field: 'communityId', in: 'querystring', message: 'required' }]);
}

export function isCommunityStaff(actor: Actor, communityId: string): boolean {
  return actor.roles.some((r) => r.communityId === communityId && (r.role === 'admin' || r.role === 'grid_worker'));
}

/** Gate duty: the community's volunteers and staff (no per-shift assignment; see README). */
export function mayWorkGate(actor: Actor, communityId: string): boolean {
  return actor.roles.some((r) => r.communityId === communityId && r.role !== 'resident');
}
