// Daily health check-ins, the alert rule, and alerts: one check-in per person per Asia/Shanghai day.
import { z } from 'zod';
import { shanghaiDate } from './format';
import type { Transitions } from './state-machine';

export const Symptom = z.enum(['fever', 'cough', 'sore_throat', 'fatigue', 'diarrhea', 'taste_smell_loss', 'breathing_difficulty']);
export type Symptom = z.infer<typeof Symptom>;
export const symptomLabels: Record<Symptom, string> = {
  fever: '发热',
  cough: '咳嗽',
  sore_throat: '咽痛',
  fatigue: '乏力',
  diarrhea: '腹泻',
  taste_smell_loss: '味觉嗅觉减退',
  breathing_difficulty: '呼吸困难',
};

export const AntigenResult = z.enum(['negative', 'positive', 'not_tested']);
export type AntigenResult = z.infer<typeof AntigenResult>;
export const antigenLabels: Record<AntigenResult, string> = { negative: '阴性', positive: '阳性', not_tested: '未检测' };

export const QuarantineStatus = z.enum(['home', 'centralized', 'none']);
export type QuarantineStatus = z.infer<typeof QuarantineStatus>;
export const quarantineLabels: Record<QuarantineStatus, string> = { home: '居家隔离', centralized: '集中隔离', none: '正常' };

export const minTemperatureC = 34.0;
export const maxTemperatureC = 43.0;
export const feverThresholdC = 37.3;
export const normalTemperatureC = 36.5;

/** A body temperature in °C with at most one decimal, 34.0–43.0. */
export const TemperatureC = z
  .number({ message: '请填写体温（数字）' })
  .min(minTemperatureC, { message: `体温应在 ${minTemperatureC.toFixed(1)}–${maxTemperatureC.toFixed(1)} °C 之间` })
  .max(maxTemperatureC, { message: `体温应在 ${minTemperatureC.toFixed(1)}–${maxTemperatureC.toFixed(1)} °C 之间` })
  .refine((v) => Math.abs(v * 10 - Math.round(v * 10)) < 1e-6, { message: '体温最多保留一位小数，如 36.5' });

/** A calendar day YYYY-MM-DD (in Asia/Shanghai where it names "today"). */
export const CalendarDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: '日期格式应为 YYYY-MM-DD' })
  .refine((v) => {
    const d = new Date(`${v}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
  }, { message: '不是有效的日期' });

export const CheckinEntry = z
  .object({
    personId: z.uuid({ message: '不是有效的成员编号' }),
    temperatureC: TemperatureC,
    symptoms: z.array(Symptom).max(7).default([]).refine((s) => new Set(s).size === s.length, { message: '症状重复' }),
    antigen: AntigenResult.default('not_tested'),
    antigenPhotoUrl: z.url().max(500).nullable().optional(),
    quarantine: QuarantineStatus.default('none'),
    note: z.string().trim().max(200).nullable().optional(),
  })
  .strict();
export type CheckinEntry = z.infer<typeof CheckinEntry>;
export type CheckinEntryInput = z.input<typeof CheckinEntry>;

/** One request checks in several members of one household (members without phones included). */
export const HouseholdCheckinBody = z
  .object({ entries: z.array(CheckinEntry).min(1, { message: '至少填写一位成员' }).max(20) })
  .strict()
  .refine((b) => new Set(b.entries.map((e) => e.personId)).size === b.entries.length, {
    message: '同一成员在一次提交中出现了两次',
    path: ['entries'],
  });
export type HouseholdCheckinBody = z.infer<typeof HouseholdCheckinBody>;

/** POST /checkins takes a whole household `{entries:[…]}` or one person `{personId, temperatureC, …}`: same rules. */
export const CheckinBody = z.union([HouseholdCheckinBody, CheckinEntry]);
export type CheckinBody = z.infer<typeof CheckinBody>;

/** The entries a check-in body stands for: one person is a household submission of one. */
export function entriesOfCheckinBody(body: CheckinBody): CheckinEntry[] {
  return 'entries' in body ? body.entries : [body];
}

/** 全部正常: every member at a normal temperature, no symptoms, not tested, not in quarantine. */
export function allNormalEntries(personIds: readonly string[], temperatureC = normalTemperatureC): CheckinEntryInput[] {
  return personIds.map((personId) => ({ personId, temperatureC, symptoms: [], antigen: 'not_tested', quarantine: 'none' }));
}

export const AlertReason = z.enum(['fever', 'antigen_positive', 'breathing_difficulty']);
export type AlertReason = z.infer<typeof AlertReason>;
export const alertReasonLabels: Record<AlertReason, string> = {
  fever: '体温 ≥ 37.3 °C',
  antigen_positive: '抗原阳性',
  breathing_difficulty: '呼吸困难',
};

/** The alert rule: ≥ 37.3 °C, a positive antigen, or 呼吸困难. No reasons → no alert. */
export function alertReasonsOf(entry: { temperatureC: number; antigen: AntigenResult; symptoms: readonly Symptom[] }): AlertReason[] {
  const reasons: AlertReason[] = [];
  // Compared in tenths so 37.3 typed as a float is never 37.29999.
  if (Math.round(entry.temperatureC * 10) >= Math.round(feverThresholdC * 10)) reasons.push('fever');
  if (entry.antigen === 'positive') reasons.push('antigen_positive');
  if (entry.symptoms.includes('breathing_difficulty')) reasons.push('breathing_difficulty');
  return reasons;
}

/** The check-in day of an instant: the calendar day in Asia/Shanghai (the day turns at 00:00 there). */
export function checkinDayOf(instant: Date | string = new Date()): string {
  return shanghaiDate(instant);
}

/** The UTC instant when `day` starts in Asia/Shanghai. */
export function shanghaiDayStart(day: string): Date {
  return new Date(`${day}T00:00:00+08:00`);
}

/** The calendar day `delta` days after `day` (negative: before). */
export function shiftDay(day: string, delta: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + delta);
  return d.toISOString().slice(0, 10);
}

/** HH:MM, the community's daily check-in cut-off in Asia/Shanghai. */
export const CutoffTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: '时间格式应为 HH:MM' });

/** Whether the cut-off of `day` has passed at `now` (a past day always has). */
export function isPastCutoff(day: string, cutoff: string, now: Date): boolean {
  return now.getTime() >= new Date(`${day}T${cutoff}:00+08:00`).getTime();
}

export const Checkin = z.object({
  id: z.uuid(),
  personId: z.uuid(),
  householdId: z.uuid(),
  day: z.string(),
  temperatureC: z.number(),
  symptoms: z.array(Symptom),
  antigen: AntigenResult,
  antigenPhotoUrl: z.string().nullable(),
  quarantine: QuarantineStatus,
  note: z.string().nullable(),
  alertReasons: z.array(AlertReason),
  updatedAt: z.string(),
});
export type Checkin = z.infer<typeof Checkin>;

export const HouseholdCheckinResult = z.object({
  day: z.string(),
  items: z.array(Checkin),
  /** Alerts opened by this submission (a repeated submission the same day opens none). */
  alertsOpened: z.number().int(),
});
export type HouseholdCheckinResult = z.infer<typeof HouseholdCheckinResult>;

export const HouseholdCheckinStatus = z.object({
  day: z.string(),
  householdId: z.uuid(),
  complete: z.boolean(),
  members: z.array(
    z.object({
      personId: z.uuid(),
      name: z.string(),
      relation: z.string(),
      careTags: z.array(z.string()),
      checkin: Checkin.nullable(),
    }),
  ),
});
export type HouseholdCheckinStatus = z.infer<typeof HouseholdCheckinStatus>;
export const DayQuery = z.object({ date: CalendarDay.optional() }).strict();

/** GET /checkins: staff name a building of their grids; without one, the caller's own households. */
export const CheckinListQuery = z.object({ date: CalendarDay.optional(), buildingId: z.uuid({ message: '不是有效的楼栋编号' }).optional() }).strict();
export const CheckinListItem = Checkin.extend({ personName: z.string(), unit: z.string(), room: z.string() });
export type CheckinListItem = z.infer<typeof CheckinListItem>;
export const CheckinList = z.object({
  day: z.string(),
  /** The building listed (staff), or null for the caller's own households. */
  buildingId: z.uuid().nullable(),
  /** In unit, room, member order; only persons who checked in that day. */
  items: z.array(CheckinListItem),
});
export type CheckinList = z.infer<typeof CheckinList>;

// Alerts (and help requests): open → acknowledged → resolved.
export const FollowUpStatus = z.enum(['open', 'acknowledged', 'resolved']);
export type FollowUpStatus = z.infer<typeof FollowUpStatus>;
export const followUpStatusLabels: Record<FollowUpStatus, string> = { open: '待处理', acknowledged: '已接单', resolved: '已解决' };
export const followUpTransitions: Transitions<FollowUpStatus> = {
  open: ['acknowledged', 'resolved'],
  acknowledged: ['resolved'],
  resolved: [],
};
export const alertTransitions = followUpTransitions;
export const FollowUpNoteBody = z.object({ note: z.string().trim().max(500).optional() }).strict();
export type FollowUpNoteBody = z.infer<typeof FollowUpNoteBody>;

export const Alert = z.object({
  id: z.uuid(),
  status: FollowUpStatus,
  day: z.string(),
  buildingId: z.uuid(),
  buildingName: z.string(),
  householdId: z.uuid(),
  unit: z.string(),
  room: z.string(),
  /** null once retention has stripped the health details (only the outcome is kept). */
  personId: z.uuid().nullable(),
  personName: z.string().nullable(),
  reasons: z.array(AlertReason),
  temperatureC: z.number().nullable(),
  acknowledgeNote: z.string().nullable(),
  resolutionNote: z.string().nullable(),
  createdAt: z.string(),
  acknowledgedAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
});
export type Alert = z.infer<typeof Alert>;
export const AlertList = z.object({ items: z.array(Alert), nextCursor: z.string().nullable() });
export const AlertListQuery = z.object({
  status: FollowUpStatus.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

/** Households of a building with members not checked in on a day (after the cut-off). */
export const MissedCheckins = z.object({
  day: z.string(),
  cutoff: z.string(),
  pastCutoff: z.boolean(),
  buildings: z.array(
    z.object({
      buildingId: z.uuid(),
      buildingName: z.string(),
      households: z.array(
        z.object({
          householdId: z.uuid(),
          unit: z.string(),
          room: z.string(),
          missing: z.array(z.object({ personId: z.uuid(), name: z.string() })),
          /** Who to call: a member with a phone, masked; reveal with GET /persons/:id/phone (audit-logged). */
          contact: z.object({ personId: z.uuid(), name: z.string(), phoneMasked: z.string() }).nullable(),
        }),
      ),
    }),
  ),
});
export type MissedCheckins = z.infer<typeof MissedCheckins>;
export const StaffDayQuery = z.object({ date: CalendarDay.optional(), buildingId: z.uuid().optional() }).strict();
export const ExportQuery = z.object({ date: CalendarDay.optional() }).strict();

export const checkinExportHeader = ['楼栋', '单元', '房号', '姓名', '体温', '症状', '抗原', '隔离状态', '打卡时间'];
