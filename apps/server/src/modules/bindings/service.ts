// Household bindings: a resident asks for a room, a grid worker of that building decides; approval grants the resident role.
import { and, eq, sql } from 'drizzle-orm';
import type { BindingStatus, CreateBindingBody } from '@linli/shared';
import type { Database } from '../../db/client';
import { buildings, householdBindings, households, roleAssignments } from '../../db/schema';
import type { Actor } from '../../authorization/policy';
import { can } from '../../authorization/policy';
import { scopeOfHousehold } from '../../authorization/scopes';
import { conflict, forbidden, notFound } from '../../errors';

export async function requestBinding(db: Database, actor: Actor, body: CreateBindingBody) {
  const [household] = await db
    .select({ id: households.id })
    .from(households)
    .innerJoin(buildings, eq(buildings.id, households.buildingId))
    .where(and(eq(households.buildingId, body.buildingId), eq(households.unit, body.unit), eq(households.room, body.room)));
  if (!household) throw notFound(`房号 ${body.unit}单元 ${body.room} `);
  // The partial unique index decides races: one live binding per account and household.
  const [created] = await db
    .insert(householdBindings)
    .values({ userId: actor.userId, householdId: household.id, relation: body.relation, note: body.note ?? null })
    .onConflictDoNothing()
    .returning({ id: householdBindings.id });
  if (!created) throw conflict('ALREADY_BOUND', '已绑定该住户或申请正在审核中');
  return created.id;
}

export async function decideBinding(db: Database, actor: Actor, bindingId: string, decision: Exclude<BindingStatus, 'pending'>, reason?: string) {
  const [binding] = await db.select().from(householdBindings).where(eq(householdBindings.id, bindingId));
  if (!binding) throw notFound('绑定申请');
  const scope = await scopeOfHousehold(db, binding.householdId);
  if (!scope || !can(actor, 'binding.decide', scope)) {
    if (binding.userId === actor.userId) throw forbidden('不能审核自己的绑定申请');
    throw notFound('绑定申请');
  }
  return db.transaction(async (tx) => {
    // Conditional update: of two staff deciding at once, exactly one moves it out of `pending`.
    const [decided] = await tx
      .update(householdBindings)
      .set({ status: decision, decidedBy: actor.userId, decidedAt: sql`now()`, decisionReason: reason ?? null })
      .where(and(eq(householdBindings.id, bindingId), eq(householdBindings.status, 'pending')))
      .returning();
    if (!decided) {
      // Read again: under a race the status read above was still `pending` when another decision won.
      const [current] = await tx.select({ status: householdBindings.status }).from(householdBindings).where(eq(householdBindings.id, bindingId));
      const from = current?.status ?? binding.status;
      throw conflict('INVALID_TRANSITION', `该申请已被${from === 'approved' ? '通过' : '驳回'}，不能再次审核`, { from, to: decision });
    }
    if (decision === 'approved') {
      await tx
        .insert(roleAssignments)
        .values({ userId: decided.userId, role: 'resident', communityId: scope.communityId })
        .onConflictDoNothing();
    }
    return decided.id;
  });
}
