// Which community a supplies request is about: catalog and group buys belong to a community, not a building.
import type { Actor } from '../../authorization/policy';
import { can } from '../../authorization/policy';
import { badRequest, forbidden } from '../../errors';

/** Communities the actor belongs to in any way: staff, volunteer, or a bound household. */
export function communitiesOfActor(actor: Actor): string[] {
  return [...new Set([...actor.roles.map((r) => r.communityId), ...actor.households.map((h) => h.communityId)])];
}

/** Communities where the actor may manage the catalog and group buys. */
export function managedCommunities(actor: Actor): string[] {
  return communitiesOfActor(actor).filter((communityId) => can(actor, 'supplies.manage', { communityId }));
}

/** The community a staff member creates something in: their only one, or the one they name. */
export function communityToManage(actor: Actor, requested: string | undefined): string {
  const managed = managedCommunities(actor);
  if (requested) {
    if (!managed.includes(requested)) throw forbidden('只能管理本社区的商品和团购');
    return requested;
  }
  if (managed.length === 0) throw forbidden('只有社区工作人员可以管理商品和团购');
  if (managed.length > 1) throw badRequest('VALIDATION_FAILED', '您在多个社区任职，请指定 communityId', [{ field: 'communityId', in: 'body', message: 'required' }]);
  return managed[0]!;
}
