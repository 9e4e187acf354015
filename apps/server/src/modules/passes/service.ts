// Pass rules that write: the policy, issuing and revoking passes, and gate scans (exit quota and replay decided in SQL).
import { and, eq, isNull, sql } from 'drizzle-orm';
import {
  householdLabel, passErrorCodes, type GateScanBody, type GateScanResult, type IssuePassBody, type PassPolicyBody,
} from '@linli/shared';
import type { Database, DbOrTx } from '../../db/client';
import { selectRows } from '../../db/client';
import { passes, passPolicies, passTokenUses, passTrips } from '../../db/schema';
import type { Actor } from '../../authorization/policy';
import { isStaffOf } from '../../authorization/policy';
import { isCommunityStaff, mayWorkGate } from '../../authorization/community';
import { scopeOfBuilding, scopeOfHousehold } from '../../authorization/scopes';
import { AppError, badRequest, conflict, notFound } from '../../errors';
import { recordAudit } from '../audit/service';
import { passWithScope, policyOf } from './queries';
import { verifyPassToken } from './token';

const isUniqueViolation = (err: unknown) => {
  for (let e: any = err, depth = 0; e && depth < 4; e = e.cause, depth++) if (e.code === '23505') return true;
  return false;
};

export async function savePolicy(db: Database, actor: Actor, communityId: string, body: PassPolicyBody) {
  if (!isCommunityStaff(actor, communityId)) throw new AppError(403, 'FORBIDDEN', '只有社区工作人员可以设置出入规则');
  await db
    .insert(passPolicies)
    .values({ communityId, ...body, updatedBy: actor.userId })
    .onConflictDoUpdate({ target: passPolicies.communityId, set: { ...body, updatedBy: actor.userId, updatedAt: sql`now()` } });
}

/** Issues a pass to a household in the caller's scope; it replaces the household's live pass, if any. */
export async function issuePass(db: Database, actor: Actor, body: IssuePassBody): Promise<string> {
  const scope = await scopeOfHousehold(db, body.householdId);
  if (!scope || !isStaffOf(actor, scope)) throw notFound('住户');
  const validUntil = body.validUntil ? new Date(body.validUntil) : null;
  if (validUntil && validUntil.getTime() <= Date.now()) {
    throw badRequest('VALIDATION_FAILED', '截止时间须晚于现在', [{ field: 'validUntil', in: 'body', message: 'must be in the future' }]);
  }
  try {
    return await db.transaction(async (tx) => {
      const replaced = await tx
        .update(passes)
        .set({ status: 'revoked', revokedBy: actor.userId, revokedAt: sql`now()` })
        .where(and(eq(passes.householdId, body.householdId), eq(passes.status, 'active')))
        .returning({ id: passes.id });
      const [created] = await tx
        .insert(passes)
        .values({
          communityId: scope.communityId,
          householdId: body.householdId,
          kind: body.kind,
          reason: body.reason ?? null,
          validUntil,
          issuedBy: actor.userId,
        })
        .returning({ id: passes.id });
      await recordAudit(tx, {
        actorId: actor.userId,
        communityId: scope.communityId,
        action: 'pass.issue',
        subjectType: 'household',
        subjectId: body.householdId,
        details: { passId: created!.id, kind: body.kind, replaced: replaced.map((r) => r.id) },
      });
      return created!.id;
    });
  } catch (err) {
    // Two staff issuing to one household at the same moment: the partial unique index lets one through.
    if (isUniqueViolation(err)) throw conflict(passErrorCodes.passExists, '该户刚刚已发放出入证，请刷新后查看');
    throw err;
  }
}

/** Regular passes for every household of a building that has no live pass yet, in one statement. */
export async function issueBuildingPasses(db: Database, actor: Actor, buildingId: string) {
  const scope = await scopeOfBuilding(db, buildingId);
  if (!scope || !isStaffOf(actor, scope)) throw notFound('楼栋');
  return db.transaction(async (tx) => {
    const inserted = await selectRows<{ id: string; household_id: string }>(tx, sql`
      INSERT INTO passes (community_id, household_id, kind, issued_by)
      SELECT ${scope.communityId}, h.id, 'regular', ${actor.userId}
      FROM households h
      WHERE h.building_id = ${buildingId}
        AND NOT EXISTS (SELECT 1 FROM passes p WHERE p.household_id = h.id AND p.status = 'active')
      ON CONFLICT DO NOTHING
      RETURNING id, household_id`);
    const [{ total } = { total: 0 }] = await selectRows<{ total: number }>(tx, sql`SELECT count(*)::int AS total FROM households WHERE building_id = ${buildingId}`);
    await recordAudit(tx, inserted.map((p) => ({
      actorId: actor.userId,
      communityId: scope.communityId,
      action: 'pass.issue' as const,
      subjectType: 'household',
      subjectId: p.household_id,
      details: { passId: p.id, kind: 'regular', building: buildingId },
    })));
    return { issued: inserted.length, alreadyHadPass: Number(total) - inserted.length };
  });
}

export async function revokePass(db: Database, actor: Actor, passId: string) {
  const pass = await passWithScope(db, passId);
  if (!pass || !isStaffOf(actor, { ...pass, householdId: pass.householdId })) throw notFound('出入证');
  await db.transaction(async (tx) => {
    const [revoked] = await tx
      .update(passes)
      .set({ status: 'revoked', revokedBy: actor.userId, revokedAt: sql`now()` })
      .where(and(eq(passes.id, passId), eq(passes.status, 'active')))
      .returning({ id: passes.id });
    if (!revoked) throw conflict('INVALID_TRANSITION', '该出入证已作废', { from: 'revoked', to: 'revoked' });
    await recordAudit(tx, {
      actorId: actor.userId,
      communityId: pass.communityId,
      action: 'pass.revoke',
      subjectType: 'household',
      subjectId: pass.householdId,
      details: { passId, household: householdLabel(pass) },
    });
  });
}

const scanRefusal = {
  malformed: () => badRequest(passErrorCodes.tokenInvalid, '无法识别的通行码：请让住户打开「出入证」页面重新出示'),
  bad_signature: () => badRequest(passErrorCodes.tokenInvalid, '通行码无效（签名不符），可能是伪造的'),
  expired: () => conflict(passErrorCodes.tokenExpired, '通行码已过期：请住户刷新「出入证」页面后再扫'),
};

/**
 * One gate scan. Inside one transaction: the pass row is locked (FOR UPDATE) so scans of one household run one after
 * another; the token's nonce is inserted under a primary key (a replay fails there); the exit is a conditional insert
 * that counts the window's exits in SQL; the return is a conditional update of the open trip.
 */
export async function scanAtGate(db: Database, actor: Actor, key: Buffer, body: GateScanBody, now = new Date()): Promise<GateScanResult> {
  const check = verifyPassToken(key, body.token, Math.floor(now.getTime() / 1000));
  if (!check.ok) throw scanRefusal[check.reason]();
  const pass = await passWithScope(db, check.claims.passId);
  // A correctly signed token of another community: the gate learns nothing about it.
  if (!pass || !mayWorkGate(actor, pass.communityId)) throw notFound('出入证');
  // Gate duty checks others: a volunteer may not let their own household out (or record its return).
  if (actor.households.some((h) => h.householdId === pass.householdId)) {
    throw new AppError(403, passErrorCodes.selfScan, '不能为自己家核验出入证，请由其他值守人员扫码');
  }
  const where = { buildingName: pass.buildingName, unit: pass.unit, room: pass.room };

  try {
    const result = await db.transaction(async (tx) => {
      const [locked] = await selectRows<{ status: string; kind: 'regular' | 'medical'; valid_until: string | null }>(tx, sql`
        SELECT status, kind, valid_until FROM passes WHERE id = ${pass.id} FOR UPDATE`);
      const [fresh] = await tx.insert(passTokenUses).values({ nonce: check.claims.nonce, passId: pass.id }).onConflictDoNothing().returning();
      if (!fresh) throw conflict(passErrorCodes.tokenReplayed, '该通行码已被扫过一次，不能重复使用：请住户刷新后重新出示', { ...where });
      if (!locked || locked.status !== 'active') throw conflict(passErrorCodes.inactive, '该出入证已作废', { ...where });
      if (locked.valid_until && new Date(locked.valid_until).getTime() <= now.getTime()) {
        throw conflict(passErrorCodes.inactive, '该出入证已过有效期', { ...where });
      }
      const policy = await policyOf(tx, pass.communityId);
      if (body.direction === 'out') return exit(tx, actor, pass, locked.kind, policy, now);
      return returnIn(tx, actor, pass, locked.kind, now);
    });
    await recordAudit(db, {
      actorId: actor.userId,
      communityId: pass.communityId,
      action: 'pass.scan',
      subjectType: 'household',
      subjectId: pass.householdId,
      details: { passId: pass.id, direction: body.direction, tripId: result.tripId, household: householdLabel(pass) },
    });
    return { ...result, ...where };
  } catch (caught) {
    // Belt and braces: the row lock serialises a household's scans, but should two trips still race to be open,
    // the partial unique index refuses the second and the gate hears why.
    const err = isUniqueViolation(caught) ? conflict(passErrorCodes.alreadyOut, '该户已有人外出尚未返回，请先登记返回', { ...where }) : caught;
    if (err instanceof AppError) {
      await recordAudit(db, {
        actorId: actor.userId,
        communityId: pass.communityId,
        action: 'pass.scan.refused',
        subjectType: 'household',
        subjectId: pass.householdId,
        details: { passId: pass.id, direction: body.direction, code: err.code, household: householdLabel(pass) },
      });
    }
    throw err;
  }
}

type PassInScope = NonNullable<Awaited<ReturnType<typeof passWithScope>>>;

async function exit(tx: DbOrTx, actor: Actor, pass: PassInScope, kind: 'regular' | 'medical', policy: PassPolicyBody, now: Date) {
  const limit = kind === 'medical' ? null : policy.exitsPerWindow;
  const dueBackAt = new Date(now.getTime() + policy.maxOutMinutes * 60_000);
  const windowStart = new Date(now.getTime() - policy.windowDays * 86_400_000).toISOString();
  // Conditional insert: nobody of the household out, and (for a regular pass) fewer exits in the window than allowed.
  const [trip] = await selectRows<{ id: string; used: number }>(tx, sql`
    INSERT INTO pass_trips (pass_id, household_id, community_id, exit_at, exit_scanned_by, due_back_at)
    SELECT ${pass.id}, ${pass.householdId}, ${pass.communityId}, ${now.toISOString()}::timestamptz, ${actor.userId}, ${dueBackAt.toISOString()}::timestamptz
    WHERE NOT EXISTS (SELECT 1 FROM pass_trips WHERE household_id = ${pass.householdId} AND return_at IS NULL)
      AND (${limit}::int IS NULL
           OR (SELECT count(*) FROM pass_trips WHERE household_id = ${pass.householdId} AND exit_at > ${windowStart}::timestamptz) < ${limit}::int)
    RETURNING id, (SELECT count(*)::int FROM pass_trips WHERE household_id = ${pass.householdId} AND exit_at > ${windowStart}::timestamptz) AS used`);
  if (!trip) {
    const [open] = await tx.select({ id: passTrips.id }).from(passTrips).where(and(eq(passTrips.householdId, pass.householdId), isNull(passTrips.returnAt)));
    const where = { buildingName: pass.buildingName, unit: pass.unit, room: pass.room };
    if (open) throw conflict(passErrorCodes.alreadyOut, '该户已有人外出尚未返回，请先登记返回', where);
    throw conflict(passErrorCodes.quotaExceeded, `该户本周期出门次数已用完（每 ${policy.windowDays} 天 ${policy.exitsPerWindow} 次）`, { ...where, limit, windowDays: policy.windowDays });
  }
  // `used` was counted by the statement's snapshot, before this trip's row: this exit is one more.
  const used = Number(trip.used) + 1;
  return {
    outcome: 'allowed' as const,
    direction: 'out' as const,
    tripId: trip.id,
    passKind: kind,
    scannedAt: now.toISOString(),
    dueBackAt: dueBackAt.toISOString(),
    overdue: false,
    exitsLeft: limit === null ? null : Math.max(0, limit - used),
  };
}

async function returnIn(tx: DbOrTx, actor: Actor, pass: PassInScope, kind: 'regular' | 'medical', now: Date) {
  const [trip] = await tx
    .update(passTrips)
    .set({ returnAt: sql`greatest(${now.toISOString()}::timestamptz, ${passTrips.exitAt})`, returnScannedBy: actor.userId })
    .where(and(eq(passTrips.householdId, pass.householdId), isNull(passTrips.returnAt)))
    .returning();
  if (!trip) throw conflict(passErrorCodes.notOut, '该户没有外出记录，无需登记返回', { buildingName: pass.buildingName, unit: pass.unit, room: pass.room });
  return {
    outcome: 'allowed' as const,
    direction: 'in' as const,
    tripId: trip.id,
    passKind: kind,
    scannedAt: trip.returnAt!.toISOString(),
    dueBackAt: trip.dueBackAt.toISOString(),
    overdue: trip.returnAt!.getTime() > trip.dueBackAt.getTime(),
    exitsLeft: null,
  };
}

/** The household's pass for the token route: only a member of that household may mint its QR token. */
export async function passOfOwnHousehold(db: DbOrTx, actor: Actor, passId: string) {
  const pass = await passWithScope(db, passId);
  if (!pass || !actor.households.some((h) => h.householdId === pass.householdId)) throw notFound('出入证');
  if (pass.status !== 'active') throw conflict(passErrorCodes.inactive, '该出入证已作废，请联系网格员');
  if (pass.validUntil && pass.validUntil.getTime() <= Date.now()) throw conflict(passErrorCodes.inactive, '该出入证已过有效期，请联系网格员');
  return pass;
}

