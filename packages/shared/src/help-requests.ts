// 求助: a household asks its grid workers for help; open → acknowledged → resolved (the follow-up machine of checkins.ts).
import { z } from 'zod';
import { FollowUpStatus } from './checkins';

export const HelpKind = z.enum(['medical', 'medicine', 'food', 'counselling', 'other']);
export type HelpKind = z.infer<typeof HelpKind>;
export const helpKindLabels: Record<HelpKind, string> = {
  medical: '就医',
  medicine: '买药',
  food: '缺食物',
  counselling: '心理疏导',
  other: '其他',
};

export const HelpUrgency = z.enum(['normal', 'urgent', 'critical']);
export type HelpUrgency = z.infer<typeof HelpUrgency>;
export const helpUrgencyLabels: Record<HelpUrgency, string> = { normal: '一般', urgent: '较急', critical: '紧急' };

export const CreateHelpRequestBody = z
  .object({
    householdId: z.uuid({ message: '不是有效的住户编号' }),
    kind: HelpKind,
    urgency: HelpUrgency.default('normal'),
    details: z.string().trim().min(1, { message: '请简要说明需要什么帮助' }).max(500),
  })
  .strict();
export type CreateHelpRequestBody = z.infer<typeof CreateHelpRequestBody>;

export const HelpRequest = z.object({
  id: z.uuid(),
  householdId: z.uuid(),
  buildingId: z.uuid(),
  buildingName: z.string(),
  unit: z.string(),
  room: z.string(),
  kind: HelpKind,
  urgency: HelpUrgency,
  details: z.string(),
  status: FollowUpStatus,
  acknowledgeNote: z.string().nullable(),
  resolutionNote: z.string().nullable(),
  createdAt: z.string(),
  acknowledgedAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  /** Seconds from asking to a grid worker acknowledging; null while open. */
  secondsToAcknowledge: z.number().int().nullable(),
});
export type HelpRequest = z.infer<typeof HelpRequest>;
export const HelpRequestList = z.object({ items: z.array(HelpRequest), nextCursor: z.string().nullable() });
export const HelpRequestListQuery = z.object({
  status: FollowUpStatus.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

/** 12 分钟 / 1 小时 5 分 */
export function formatWaitSeconds(seconds: number): string {
  const minutes = Math.max(0, Math.round(seconds / 60));
  if (minutes < 60) return `${minutes} 分钟`;
  return `${Math.floor(minutes / 60)} 小时 ${minutes % 60} 分`;
}
