// The one answer to "may this actor do this to that object?", decided by the object's scope, never the role alone.
import type { RoleAssignment } from '@linli/shared';

export interface ActorHousehold {
  householdId: string;
  buildingId: string;
  gridId: string;
  communityId: string;
}

export interface Actor {
  userId: string;
  roles: RoleAssignment[];
  /** Households the account is bound to by an approved binding. */
  households: ActorHousehold[];
}

/** Where an object lives. A household object names all four levels; a building object has no householdId. */
export interface Scope {
  communityId: string;
  gridId?: string;
  buildingId?: string;
  householdId?: string;
}

export type Action =
  | 'building.read' // see a building and its group (residents of it, its staff)
  | 'building.households.list' // list the rooms of a building (staff)
  | 'household.read' // see a household with its persons (the household, its staff)
  | 'household.act' // act for the household: bind members, check in, order (the household only)
  | 'person.phone.reveal' // read a full phone number (the household, its staff; staff reads are audited)
  | 'binding.decide' // approve or reject a binding to a household (staff of its grid)
  | 'grid.manage' // import rolls, manage the grid's buildings (staff of that grid)
  | 'community.manage' // grids, staff, catalog (admins)
  | 'audit.read' // the audit log (admins)
  | 'supplies.manage' // catalog and group buys of a community (its admins and grid workers)
  | 'household.serve' // handle a household's orders and medicine requests: pack, cancel, accept (its staff)
  | 'health.follow_up' // health data, alerts, help requests, care roster, testing rounds of a grid (its staff)
  | 'volunteers.manage'; // decide volunteer applications, send and close call-ups (the community's admins and grid workers)

// The level of object each action is about; a scope without that level is refused (fail closed).
const requiredLevel: Record<Action, keyof Scope> = {
  'building.read': 'buildingId',
  'building.households.list': 'buildingId',
  'household.read': 'householdId',
  'household.act': 'householdId',
  'person.phone.reveal': 'householdId',
  'binding.decide': 'householdId',
  'grid.manage': 'gridId',
  'community.manage': 'communityId',
  'audit.read': 'communityId',
  'supplies.manage': 'communityId',
  'household.serve': 'householdId',
  'health.follow_up': 'gridId',
  'volunteers.manage': 'communityId',
};

const staffActions: ReadonlySet<Action> = new Set([
  'building.read',
  'building.households.list',
  'household.read',
  'person.phone.reveal',
  'binding.decide',
  'grid.manage',
  'household.serve',
  'health.follow_up',
]);
const householdActions: ReadonlySet<Action> = new Set(['household.read', 'household.act', 'person.phone.reveal']);

export function can(actor: Actor, action: Action, scope: Scope): boolean {
  if (!scope[requiredLevel[action]]) return false;
  for (const r of actor.roles) {
    if (r.role === 'admin' && r.communityId === scope.communityId) {
      if (action !== 'household.act') return true;
    }
    if (r.role === 'grid_worker' && r.communityId === scope.communityId && r.gridId && r.gridId === scope.gridId) {
      if (staffActions.has(action)) return true;
    }
    if (r.role === 'grid_worker' && r.communityId === scope.communityId && action === 'supplies.manage') return true;
    // Volunteers serve the whole community, not one grid: any of its grid workers may decide and call them up.
    if (r.role === 'grid_worker' && r.communityId === scope.communityId && action === 'volunteers.manage') return true;
  }
  if (householdActions.has(action)) {
    return actor.households.some((h) => h.householdId === scope.householdId && h.communityId === scope.communityId);
  }
  if (action === 'building.read') {
    return actor.households.some((h) => h.buildingId === scope.buildingId && h.communityId === scope.communityId);
  }
  return false;
}

export function isStaffOf(actor: Actor, scope: Scope): boolean {
  return actor.roles.some(
    (r) =>
      r.communityId === scope.communityId &&
      (r.role === 'admin' || (r.role === 'grid_worker' && r.gridId !== null && r.gridId === scope.gridId)),
  );
}

/** Grids an actor works on in a community: all (null) for admins, the assigned ones for grid workers. */
export function staffGridIds(actor: Actor): { communityId: string; gridIds: string[] | null }[] {
  const byCommunity = new Map<string, string[] | null>();
  for (const r of actor.roles) {
    if (r.role === 'admin') byCommunity.set(r.communityId, null);
    else if (r.role === 'grid_worker' && r.gridId) {
      const current = byCommunity.get(r.communityId);
      if (current === null) continue;
      byCommunity.set(r.communityId, [...(current ?? []), r.gridId]);
    }
  }
  return [...byCommunity].map(([communityId, gridIds]) => ({ communityId, gridIds }));
}
