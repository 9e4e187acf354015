// Entry passes (出入证): the community's exit policy, a pass per household, rotating QR tokens and gate scans.
import { z } from 'zod';
import type { ErrorCode } from './errors';
import { isoInstant } from './instant';

/** A QR token is valid this long after it was minted; the app fetches a new one before it runs out. */
export const passTokenLifetimeSeconds = 60;
/** The app asks for a fresh token this often, so the code on screen never shows an expired one. */
export const passTokenRefreshSeconds = 45;

export const passErrorCodes = {
  tokenInvalid: 'PASS_TOKEN_INVALID',
  tokenExpired: 'PASS_TOKEN_EXPIRED',
  tokenReplayed: 'PASS_TOKEN_REPLAYED',
  inactive: 'PASS_INACTIVE',
  quotaExceeded: 'PASS_QUOTA_EXCEEDED',
  alreadyOut: 'ALREADY_OUT',
  notOut: 'NOT_OUT',
  passExists: 'PASS_EXISTS',
  selfScan: 'SELF_SCAN',
} as const satisfies Record<string, ErrorCode>;

export const PassKind = z.enum(['regular', 'medical']);
export type PassKind = z.infer<typeof PassKind>;
export const passKindLabels: Record<PassKind, string> = {
  regular: '普通出入证',
  medical: '就医特殊通行',
};

export const PassStatus = z.enum(['active', 'revoked']);
export type PassStatus = z.infer<typeof PassStatus>;
export const passStatusLabels: Record<PassStatus, string> = { active: '有效', revoked: '已作废' };

export const GateDirection = z.enum(['out', 'in']);
export type GateDirection = z.infer<typeof GateDirection>;
export const gateDirectionLabels: Record<GateDirection, string> = { out: '出门', in: '返回' };

// Policy: one community-wide rule, e.g. 1 exit per household every 2 days, back within 2 hours.
export const PassPolicyBody = z
  .object({
    exitsPerWindow: z.number().int().min(1).max(20),
    windowDays: z.number().int().min(1).max(30),
    maxOutMinutes: z.number().int().min(15).max(24 * 60),
  })
  .strict();
export type PassPolicyBody = z.infer<typeof PassPolicyBody>;

export const PassPolicy = PassPolicyBody.extend({
  communityId: z.uuid(),
  updatedAt: z.string().nullable(),
});
export type PassPolicy = z.infer<typeof PassPolicy>;
export const defaultPassPolicy: PassPolicyBody = { exitsPerWindow: 1, windowDays: 2, maxOutMinutes: 120 };

export const CommunityQuery = z.object({ communityId: z.uuid().optional() });

/** 每 2 天 1 次，每次不超过 2 小时 */
export function describePassPolicy(p: PassPolicyBody): string {
  const hours = p.maxOutMinutes % 60 === 0 ? `${p.maxOutMinutes / 60} 小时` : `${p.maxOutMinutes} 分钟`;
  return `每户每 ${p.windowDays} 天可出门 ${p.exitsPerWindow} 次，每次不超过 ${hours}`;
}

// Issuing: a regular pass, or a medical exception (no exit quota) that must say why and until when.
export const IssuePassBody = z
  .object({
    householdId: z.uuid(),
    kind: PassKind.default('regular'),
    reason: z.string().trim().min(1).max(200).optional(),
    validUntil: isoInstant().optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.kind === 'medical' && !b.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: '就医特殊通行须填写原因' });
    if (b.kind === 'medical' && !b.validUntil) ctx.addIssue({ code: 'custom', path: ['validUntil'], message: '就医特殊通行须填写截止时间' });
  });
export type IssuePassBody = z.infer<typeof IssuePassBody>;

export const IssueBuildingPassesResult = z.object({ issued: z.number().int(), alreadyHadPass: z.number().int() });

export const Pass = z.object({
  id: z.uuid(),
  householdId: z.uuid(),
  buildingId: z.uuid(),
  buildingName: z.string(),
  unit: z.string(),
  room: z.string(),
  kind: PassKind,
  status: PassStatus,
  reason: z.string().nullable(),
  validUntil: z.string().nullable(),
  issuedAt: z.string(),
  revokedAt: z.string().nullable(),
});
export type Pass = z.infer<typeof Pass>;
export const PassList = z.object({ items: z.array(Pass), nextCursor: z.string().nullable() });
export const PassListQuery = z.object({
  buildingId: z.uuid().optional(),
  kind: PassKind.optional(),
  status: PassStatus.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
});

export const PassQuota = z.object({
  /** null for a medical exception: its exits are not counted against a limit. */
  limit: z.number().int().nullable(),
  used: z.number().int(),
  remaining: z.number().int().nullable(),
  windowDays: z.number().int(),
  /** When the next exit becomes possible, if none is left now. */
  nextExitAt: z.string().nullable(),
});
export type PassQuota = z.infer<typeof PassQuota>;

export const PassTrip = z.object({
  id: z.uuid(),
  passId: z.uuid(),
  householdId: z.uuid(),
  buildingId: z.uuid(),
  buildingName: z.string(),
  unit: z.string(),
  room: z.string(),
  passKind: PassKind,
  exitAt: z.string(),
  dueBackAt: z.string(),
  returnAt: z.string().nullable(),
  overdue: z.boolean(),
});
export type PassTrip = z.infer<typeof PassTrip>;
export const PassTripList = z.object({ items: z.array(PassTrip), nextCursor: z.string().nullable() });
export const PassTripQuery = z.object({
  state: z.enum(['out', 'overdue']).default('out'),
  buildingId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(100),
  cursor: z.string().max(200).optional(),
});

/** What a household sees: its pass, the rule, what is left, and whether someone is out on it now. */
export const HouseholdPass = z.object({
  householdId: z.uuid(),
  buildingName: z.string(),
  unit: z.string(),
  room: z.string(),
  policy: PassPolicyBody,
  pass: Pass.nullable(),
  quota: PassQuota.nullable(),
  currentTrip: PassTrip.nullable(),
});
export type HouseholdPass = z.infer<typeof HouseholdPass>;
export const MyPasses = z.object({ items: z.array(HouseholdPass) });

export const PassToken = z.object({
  token: z.string(),
  expiresAt: z.string(),
  refreshAfterSeconds: z.number().int(),
});
export type PassToken = z.infer<typeof PassToken>;

// Gate: the scanned text, at most a few hundred characters; anything else is refused before it reaches the verifier.
export const GateScanBody = z
  .object({
    token: z.string().trim().min(1).max(512),
    direction: GateDirection,
  })
  .strict();
export type GateScanBody = z.infer<typeof GateScanBody>;

/** Only what the gate needs: the room, the kind of pass, when they are due back. Never names or phones. */
export const GateScanResult = z.object({
  outcome: z.literal('allowed'),
  direction: GateDirection,
  tripId: z.uuid(),
  buildingName: z.string(),
  unit: z.string(),
  room: z.string(),
  passKind: PassKind,
  scannedAt: z.string(),
  dueBackAt: z.string(),
  overdue: z.boolean(),
  /** Exits left in the policy window after this one (null: medical exception, not counted). */
  exitsLeft: z.number().int().nullable(),
});
export type GateScanResult = z.infer<typeof GateScanResult>;

export const TodayExitsByBuilding = z.object({
  date: z.string(),
  items: z.array(z.object({ buildingId: z.uuid(), buildingName: z.string(), exits: z.number().int(), out: z.number().int(), overdue: z.number().int() })),
});
export type TodayExitsByBuilding = z.infer<typeof TodayExitsByBuilding>;

/**
 * The quota rule: exits counted in the last `windowDays` days (a sliding window), medical exceptions unlimited.
 * The server enforces it in SQL under a lock; this pure version explains it to the household.
 */
export function quotaOf(policy: PassPolicyBody, kind: PassKind, exitTimes: readonly (Date | string)[], now: Date = new Date()): PassQuota {
  const windowMs = policy.windowDays * 24 * 60 * 60 * 1000;
  const inWindow = exitTimes.map((t) => new Date(t).getTime()).filter((t) => t > now.getTime() - windowMs).sort((a, b) => a - b);
  if (kind === 'medical') return { limit: null, used: inWindow.length, remaining: null, windowDays: policy.windowDays, nextExitAt: null };
  const remaining = Math.max(0, policy.exitsPerWindow - inWindow.length);
  // With none left, the next exit opens when enough of the oldest exits in the window have aged out of it.
  const freeing = inWindow[inWindow.length - policy.exitsPerWindow];
  const nextExitAt = remaining === 0 && freeing !== undefined ? new Date(freeing + windowMs).toISOString() : null;
  return { limit: policy.exitsPerWindow, used: inWindow.length, remaining, windowDays: policy.windowDays, nextExitAt };
}

export function isTripOverdue(trip: { dueBackAt: Date | string; returnAt: Date | string | null }, now: Date = new Date()): boolean {
  const returned = trip.returnAt ? new Date(trip.returnAt).getTime() : now.getTime();
  return returned > new Date(trip.dueBackAt).getTime();
}
