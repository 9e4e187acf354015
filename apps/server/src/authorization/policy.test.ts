import type { Actor, Action, Scope } from './policy';
import { can } from './policy';

const community = 'c0000000-0000-4000-8000-000000000001';
const otherCommunity = 'c0000000-0000-4000-8000-000000000002';
const grid1 = 'a0000000-0000-4000-8000-000000000001';
const grid2 = 'a0000000-0000-4000-8000-000000000002';
const buildingA = 'b0000000-0000-4000-8000-00000000000a'; // grid 1
const buildingB = 'b0000000-0000-4000-8000-00000000000b'; // grid 2
const householdA1 = 'd0000000-0000-4000-8000-0000000000a1';
const householdA2 = 'd0000000-0000-4000-8000-0000000000a2';
const householdB1 = 'd0000000-0000-4000-8000-0000000000b1';

const scopes = {
  'own household': { communityId: community, gridId: grid1, buildingId: buildingA, householdId: householdA1 },
  'neighbour household (same building)': { communityId: community, gridId: grid1, buildingId: buildingA, householdId: householdA2 },
  'household in another grid': { communityId: community, gridId: grid2, buildingId: buildingB, householdId: householdB1 },
  'own building': { communityId: community, gridId: grid1, buildingId: buildingA },
  'building in another grid': { communityId: community, gridId: grid2, buildingId: buildingB },
  'grid 1': { communityId: community, gridId: grid1 },
  'another community': { communityId: otherCommunity, gridId: grid1, buildingId: buildingA, householdId: householdA1 },
  community: { communityId: community },
} satisfies Record<string, Scope>;
type ScopeName = keyof typeof scopes;

const residentOfA1 = { householdId: householdA1, buildingId: buildingA, gridId: grid1, communityId: community };
const actors: Record<string, Actor> = {
  'resident of A1': { userId: 'u1', roles: [{ role: 'resident', communityId: community, gridId: null }], households: [residentOfA1] },
  'volunteer (no household)': { userId: 'u2', roles: [{ role: 'volunteer', communityId: community, gridId: null }], households: [] },
  'grid worker of grid 1': { userId: 'u3', roles: [{ role: 'grid_worker', communityId: community, gridId: grid1 }], households: [] },
  'grid worker of grid 2': { userId: 'u4', roles: [{ role: 'grid_worker', communityId: community, gridId: grid2 }], households: [] },
  admin: { userId: 'u5', roles: [{ role: 'admin', communityId: community, gridId: null }], households: [] },
  'account with no role': { userId: 'u6', roles: [], households: [] },
};

// Each row: actor, action, the scopes where it is allowed. Every other scope must be refused.
const allowed: [actor: string, action: Action, scopes: ScopeName[]][] = [
  ['resident of A1', 'household.read', ['own household']],
  ['resident of A1', 'household.act', ['own household']],
  ['resident of A1', 'person.phone.reveal', ['own household']],
  ['resident of A1', 'building.read', ['own household', 'neighbour household (same building)', 'own building']],
  ['resident of A1', 'building.households.list', []],
  ['resident of A1', 'binding.decide', []],
  ['resident of A1', 'grid.manage', []],
  ['resident of A1', 'audit.read', []],
  ['volunteer (no household)', 'household.read', []],
  ['volunteer (no household)', 'person.phone.reveal', []],
  ['volunteer (no household)', 'building.households.list', []],
  ['grid worker of grid 1', 'household.read', ['own household', 'neighbour household (same building)']],
  ['grid worker of grid 1', 'household.act', []],
  ['grid worker of grid 1', 'person.phone.reveal', ['own household', 'neighbour household (same building)']],
  ['grid worker of grid 1', 'building.read', ['own household', 'neighbour household (same building)', 'own building']],
  ['grid worker of grid 1', 'building.households.list', ['own household', 'neighbour household (same building)', 'own building']],
  ['grid worker of grid 1', 'binding.decide', ['own household', 'neighbour household (same building)']],
  ['grid worker of grid 1', 'grid.manage', ['own household', 'neighbour household (same building)', 'own building', 'grid 1']],
  ['grid worker of grid 1', 'community.manage', []],
  ['grid worker of grid 1', 'audit.read', []],
  ['grid worker of grid 1', 'health.follow_up', ['own household', 'neighbour household (same building)', 'own building', 'grid 1']],
  ['resident of A1', 'health.follow_up', []],
  ['volunteer (no household)', 'health.follow_up', []],
  ['admin', 'health.follow_up', ['own household', 'neighbour household (same building)', 'household in another grid', 'own building', 'building in another grid', 'grid 1']],
  ['grid worker of grid 2', 'household.read', ['household in another grid']],
  ['grid worker of grid 2', 'binding.decide', ['household in another grid']],
  ['admin', 'household.read', ['own household', 'neighbour household (same building)', 'household in another grid']],
  ['admin', 'household.act', []],
  ['admin', 'audit.read', ['own household', 'neighbour household (same building)', 'household in another grid', 'own building', 'building in another grid', 'grid 1', 'community']],
  ['admin', 'community.manage', ['own household', 'neighbour household (same building)', 'household in another grid', 'own building', 'building in another grid', 'grid 1', 'community']],
  ['resident of A1', 'supplies.manage', []],
  ['resident of A1', 'household.serve', []],
  ['grid worker of grid 1', 'supplies.manage', ['own household', 'neighbour household (same building)', 'household in another grid', 'own building', 'building in another grid', 'grid 1', 'community']],
  ['grid worker of grid 1', 'household.serve', ['own household', 'neighbour household (same building)']],
  ['admin', 'household.serve', ['own household', 'neighbour household (same building)', 'household in another grid']],
  ['volunteer (no household)', 'supplies.manage', []],
  ['account with no role', 'building.read', []],
  ['account with no role', 'household.read', []],
];

describe('can(actor, action, scope)', () => {
  const cases = allowed.flatMap(([actor, action, allowedScopes]) =>
    (Object.keys(scopes) as ScopeName[]).map((scope) => [actor, action, scope, allowedScopes.includes(scope)] as const),
  );
  it.each(cases)('%s · %s · %s → %s', (actor, action, scope, expected) => {
    expect(can(actors[actor]!, action, scopes[scope])).toBe(expected);
  });

  it('never lets a role act outside its community', () => {
    for (const actor of Object.values(actors)) {
      for (const action of ['household.read', 'binding.decide', 'grid.manage', 'audit.read', 'person.phone.reveal'] as Action[]) {
        expect(can(actor, action, scopes['another community'])).toBe(false);
      }
    }
  });
});
