// Volunteer registry (申请、审核、暂停) and call-ups (一键召集): the contract both sides use, with the pure matching rule.
import { z } from 'zod';
import { isoInstant } from './instant';
import type { Transitions } from './state-machine';

export const VolunteerSkill = z.enum(['delivery', 'driving', 'medical', 'counselling', 'translation', 'testing']);
export type VolunteerSkill = z.infer<typeof VolunteerSkill>;
export const volunteerSkillLabels: Record<VolunteerSkill, string> = {
  delivery: '配送',
  driving: '驾驶',
  medical: '医护',
  counselling: '心理疏导',
  translation: '翻译',
  testing: '核酸协助',
};

/** ISO weekday, Monday = 1 … Sunday = 7, of the Asia/Shanghai calendar. */
export const Weekday = z.number().int().min(1).max(7);
export const weekdayLabels = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'] as const;

const ClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: '时间格式为 HH:mm' });

/**
 * A weekly recurring window in Asia/Shanghai local time: on these weekdays, from `start` to `end` of the same day.
 * A night shift across midnight is written as two windows (22:00–23:59 and 00:00–06:00 of the next weekday).
 */
export const AvailabilityWindow = z
  .object({
    weekdays: z.array(Weekday).min(1).max(7).refine((d) => new Set(d).size === d.length, { message: '星期不能重复' }),
    start: ClockTime,
    end: ClockTime,
  })
  .strict()
  .refine((w) => w.start < w.end, { message: '结束时间必须晚于开始时间', path: ['end'] });
export type AvailabilityWindow = z.infer<typeof AvailabilityWindow>;

export function describeAvailability(w: AvailabilityWindow): string {
  const days = [...w.weekdays].sort((a, b) => a - b).map((d) => weekdayLabels[d]).join('、');
  return `${days} ${w.start}–${w.end}`;
}

const shanghaiOffsetMs = 8 * 60 * 60 * 1000;

/** Whether a volunteer with these windows is available at an instant (its weekday and clock time in Asia/Shanghai). */
export function isAvailableAt(windows: readonly AvailabilityWindow[], instant: Date | string): boolean {
  const local = new Date(new Date(instant).getTime() + shanghaiOffsetMs);
  const weekday = local.getUTCDay() === 0 ? 7 : local.getUTCDay();
  const clock = `${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}`;
  return windows.some((w) => w.weekdays.includes(weekday) && w.start <= clock && clock <= w.end);
}

// Application: pending → approved | rejected; an approved volunteer can be suspended and reinstated.
export const VolunteerApplicationStatus = z.enum(['pending', 'approved', 'rejected', 'suspended']);
export type VolunteerApplicationStatus = z.infer<typeof VolunteerApplicationStatus>;
export const volunteerApplicationStatusLabels: Record<VolunteerApplicationStatus, string> = {
  pending: '待审核',
  approved: '已通过',
  rejected: '未通过',
  suspended: '已暂停',
};
export const volunteerApplicationTransitions: Transitions<VolunteerApplicationStatus> = {
  pending: ['approved', 'rejected'],
  approved: ['suspended'],
  suspended: ['approved'],
  rejected: [],
};

/** The staff decisions, each a move of the state machine. */
export const VolunteerDecision = z.enum(['approve', 'reject', 'suspend', 'reinstate']);
export type VolunteerDecision = z.infer<typeof VolunteerDecision>;
export const volunteerDecisionMoves: Record<VolunteerDecision, { from: VolunteerApplicationStatus; to: VolunteerApplicationStatus; label: string }> = {
  approve: { from: 'pending', to: 'approved', label: '通过' },
  reject: { from: 'pending', to: 'rejected', label: '驳回' },
  suspend: { from: 'approved', to: 'suspended', label: '暂停' },
  reinstate: { from: 'suspended', to: 'approved', label: '恢复' },
};
/** Reject and suspend tell the volunteer why; approve and reinstate may. */
export const decisionNeedsReason = (d: VolunteerDecision) => d === 'reject' || d === 'suspend';

export const ApplyVolunteerBody = z
  .object({
    /** Needed only by an account bound to households in more than one community. */
    communityId: z.uuid().optional(),
    skills: z.array(VolunteerSkill).min(1, { message: '请至少选择一项技能' }).max(6)
      .refine((s) => new Set(s).size === s.length, { message: '技能不能重复' }),
    availability: z.array(AvailabilityWindow).min(1, { message: '请至少填写一个可服务时段' }).max(14),
    preferredBuildingIds: z.array(z.uuid()).max(20).default([])
      .refine((b) => new Set(b).size === b.length, { message: '楼栋不能重复' }),
    note: z.string().trim().max(200).optional(),
  })
  .strict();
export type ApplyVolunteerBody = z.input<typeof ApplyVolunteerBody>;

export const DecideVolunteerBody = z.object({ reason: z.string().trim().min(1).max(200).optional() }).strict();
export type DecideVolunteerBody = z.infer<typeof DecideVolunteerBody>;

export const VolunteerApplication = z.object({
  id: z.uuid(),
  userId: z.uuid(),
  displayName: z.string(),
  /** Masked (138****0100) for staff; full for the applicant. Staff reveal it with GET …/:id/phone (audit-logged). */
  phone: z.string().nullable(),
  communityId: z.uuid(),
  skills: z.array(VolunteerSkill),
  availability: z.array(AvailabilityWindow),
  preferredBuildings: z.array(z.object({ id: z.uuid(), name: z.string() })),
  note: z.string().nullable(),
  status: VolunteerApplicationStatus,
  decisionReason: z.string().nullable(),
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
});
export type VolunteerApplication = z.infer<typeof VolunteerApplication>;
export const VolunteerApplicationList = z.object({ items: z.array(VolunteerApplication), nextCursor: z.string().nullable() });
export const VolunteerApplicationListQuery = z.object({
  status: VolunteerApplicationStatus.optional(),
  skill: VolunteerSkill.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
});
/** The caller's latest application (null: never applied). */
export const OwnVolunteerApplication = z.object({ application: VolunteerApplication.nullable() });
export const VolunteerPhone = z.object({ applicationId: z.uuid(), phone: z.string().nullable() });

// Call-ups (一键召集): staff ask for N volunteers with a skill at a place and time; those matched answer.
export const CallUpStatus = z.enum(['open', 'closed']);
export type CallUpStatus = z.infer<typeof CallUpStatus>;
export const callUpStatusLabels: Record<CallUpStatus, string> = { open: '召集中', closed: '已结束' };
export const CallUpClosedReason = z.enum(['staff', 'filled']);
export type CallUpClosedReason = z.infer<typeof CallUpClosedReason>;
export const callUpClosedReasonLabels: Record<CallUpClosedReason, string> = { staff: '工作人员结束', filled: '人数已满' };
export const callUpTransitions: Transitions<CallUpStatus> = { open: ['closed'], closed: [] };

export const CallUpAnswer = z.enum(['yes', 'no']);
export type CallUpAnswer = z.infer<typeof CallUpAnswer>;
export const callUpAnswerLabels: Record<CallUpAnswer, string> = { yes: '能来', no: '来不了' };

export const CreateCallUpBody = z
  .object({
    communityId: z.uuid().optional(),
    skill: VolunteerSkill,
    needed: z.number().int().min(1).max(500),
    place: z.string().trim().min(1, { message: '请填写集合地点' }).max(100),
    startsAt: isoInstant(),
    note: z.string().trim().max(300).optional(),
    /** Call every approved volunteer with the skill, not only those whose windows cover startsAt. */
    ignoreAvailability: z.boolean().default(false),
  })
  .strict();
export type CreateCallUpBody = z.input<typeof CreateCallUpBody>;

export const AnswerCallUpBody = z.object({ answer: CallUpAnswer }).strict();

const CallUpFields = {
  id: z.uuid(),
  communityId: z.uuid(),
  skill: VolunteerSkill,
  needed: z.number().int(),
  place: z.string(),
  startsAt: z.string(),
  note: z.string().nullable(),
  status: CallUpStatus,
  closedReason: CallUpClosedReason.nullable(),
  createdAt: z.string(),
  closedAt: z.string().nullable(),
};

export const CallUpCounts = z.object({ called: z.number().int(), yes: z.number().int(), no: z.number().int(), unanswered: z.number().int() });
export const CallUp = z.object({ ...CallUpFields, counts: CallUpCounts });
export type CallUp = z.infer<typeof CallUp>;
export const CallUpResponder = z.object({
  userId: z.uuid(),
  displayName: z.string(),
  /** Always masked here; the application's phone reveal gives the full number. */
  phone: z.string().nullable(),
  applicationId: z.uuid(),
  answer: CallUpAnswer.nullable(),
  answeredAt: z.string().nullable(),
});
export type CallUpResponder = z.infer<typeof CallUpResponder>;
export const CallUpDetail = CallUp.extend({ responders: z.array(CallUpResponder) });
export type CallUpDetail = z.infer<typeof CallUpDetail>;
export const CallUpList = z.object({ items: z.array(CallUp), nextCursor: z.string().nullable() });
export const CallUpListQuery = z.object({
  status: CallUpStatus.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
});

/** What a called volunteer sees: the call and their own answer. */
export const MyCallUp = z.object({ ...CallUpFields, yesCount: z.number().int(), myAnswer: CallUpAnswer.nullable() });
export type MyCallUp = z.infer<typeof MyCallUp>;
export const MyCallUpList = z.object({ items: z.array(MyCallUp) });

/** Pushed over the socket to each called volunteer. */
export const CallUpEventBody = z.object({
  id: z.uuid(),
  skill: VolunteerSkill,
  needed: z.number().int(),
  place: z.string(),
  startsAt: z.string(),
  note: z.string().nullable(),
});
export type CallUpEventBody = z.infer<typeof CallUpEventBody>;
