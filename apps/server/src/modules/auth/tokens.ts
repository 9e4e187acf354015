// Refresh tokens: opaque, stored only as a hash, rotated on every use; re-using a spent one revokes its family.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Database, DbOrTx } from '../../db/client';
import { refreshTokens } from '../../db/schema';

export const refreshTokenTtlMs = 30 * 24 * 60 * 60 * 1000;

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export async function issueRefreshToken(db: DbOrTx, userId: string, familyId: string = randomUUID()): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db.insert(refreshTokens).values({
    userId,
    familyId,
    tokenHash: hashToken(token),
    expiresAt: new Date(Date.now() + refreshTokenTtlMs),
  });
  return token;
}

export type RotateResult =
  | { ok: true; userId: string; refreshToken: string }
  | { ok: false; reason: 'invalid' | 'reused' };

export async function rotateRefreshToken(db: Database, token: string): Promise<RotateResult> {
  const tokenHash = hashToken(token);
  // Spend the token and issue its successor in one transaction: of concurrent uses exactly one gets the row back, and
  // a loser (blocked on that row until the commit) then revokes a family that already holds the successor.
  // A family with any revoked member is dead, so a successor born while a revocation ran cannot be spent either.
  const rotated = await db.transaction(async (tx) => {
    const [spent] = await tx
      .update(refreshTokens)
      .set({ usedAt: sql`now()` })
      .where(and(
        eq(refreshTokens.tokenHash, tokenHash),
        isNull(refreshTokens.usedAt),
        isNull(refreshTokens.revokedAt),
        gt(refreshTokens.expiresAt, sql`now()`),
        sql`NOT EXISTS (SELECT 1 FROM refresh_tokens AS sibling WHERE sibling.family_id = ${refreshTokens.familyId} AND sibling.revoked_at IS NOT NULL)`,
      ))
      .returning({ userId: refreshTokens.userId, familyId: refreshTokens.familyId });
    if (!spent) return null;
    return { userId: spent.userId, refreshToken: await issueRefreshToken(tx, spent.userId, spent.familyId) };
  });
  if (rotated) return { ok: true, ...rotated };
  const [known] = await db
    .select({ familyId: refreshTokens.familyId, usedAt: refreshTokens.usedAt })
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, tokenHash));
  if (known?.usedAt) {
    // A spent token came back: whoever holds the family may be an attacker, so end the whole family.
    await revokeFamily(db, known.familyId);
    return { ok: false, reason: 'reused' };
  }
  return { ok: false, reason: 'invalid' };
}

async function revokeFamily(db: Database, familyId: string) {
  await db
    .update(refreshTokens)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
}

/** Logout: ends the family of the given token. Unknown tokens are ignored (logging out twice is fine). */
export async function revokeRefreshToken(db: Database, token: string): Promise<void> {
  const [known] = await db.select({ familyId: refreshTokens.familyId }).from(refreshTokens).where(eq(refreshTokens.tokenHash, hashToken(token)));
  if (known) await revokeFamily(db, known.familyId);
}
