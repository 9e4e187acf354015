// Volunteer stats (tasks completed and orders handed over, per volunteer per Asia/Shanghai day) and the thank-you
// board (感谢榜) staff publish from them.
import { z } from 'zod';
import { CalendarDay } from './checkins';
import { shanghaiDate } from './format';
import { TaskKind } from './tasks';

export const maxStatsRangeDays = 31;
export const defaultStatsRangeDays = 7;

const dayMs = 24 * 60 * 60 * 1000;

/** Days from `from` to `to`, both included (0 or less when `to` is before `from`). */
export function daysInPeriod(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / dayMs) + 1;
}

/** The day `n` days after (or before, negative) `day`. */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * dayMs).toISOString().slice(0, 10);
}

/** The UTC instants bounding Asia/Shanghai days `from` … `to`: [start, end). */
export function shanghaiPeriodBounds(from: string, to: string): { start: Date; end: Date } {
  const eightHours = 8 * 60 * 60 * 1000;
  return { start: new Date(Date.parse(`${from}T00:00:00Z`) - eightHours), end: new Date(Date.parse(`${addDays(to, 1)}T00:00:00Z`) - eightHours) };
}

const periodRules = <T extends { from?: string; to?: string }>(schema: z.ZodType<T>) =>
  schema
    .refine((p) => !p.from || !p.to || p.from <= p.to, { message: '结束日期不能早于开始日期', path: ['to'] })
    .refine((p) => !p.from || !p.to || daysInPeriod(p.from, p.to) <= maxStatsRangeDays, { message: `统计区间最长 ${maxStatsRangeDays} 天`, path: ['to'] });

export const VolunteerStatsQuery = periodRules(
  z.object({
    from: CalendarDay.optional(),
    to: CalendarDay.optional(),
    /** Needed only by staff of more than one community. */
    communityId: z.uuid().optional(),
  }),
);
export type VolunteerStatsQuery = z.infer<typeof VolunteerStatsQuery>;

/** The period a query asks for: by default the last 7 Shanghai days up to today; one missing end follows from the other. */
export function resolveStatsPeriod(query: { from?: string; to?: string }, now: Date = new Date()): { from: string; to: string } {
  const to = query.to ?? (query.from ? addDays(query.from, defaultStatsRangeDays - 1) : shanghaiDate(now));
  const from = query.from ?? addDays(to, -(defaultStatsRangeDays - 1));
  return { from, to };
}

export const TasksByKind = z.object({ delivery: z.number().int(), medicine: z.number().int(), errand: z.number().int(), visit: z.number().int() });
export type TasksByKind = z.infer<typeof TasksByKind>;
export const emptyTasksByKind = (): TasksByKind => ({ delivery: 0, medicine: 0, errand: 0, visit: 0 });
export const sumTasksByKind = (k: TasksByKind) => TaskKind.options.reduce((sum, kind) => sum + k[kind], 0);

export const VolunteerDayCounts = z.object({
  /** Asia/Shanghai calendar day. */
  date: z.string(),
  tasksCompleted: TasksByKind,
  ordersHandedOver: z.number().int(),
});
export type VolunteerDayCounts = z.infer<typeof VolunteerDayCounts>;

export const VolunteerStatsRow = z.object({
  userId: z.uuid(),
  displayName: z.string(),
  /** Always masked (138****0100). */
  phone: z.string().nullable(),
  totals: z.object({ tasksCompleted: TasksByKind, ordersHandedOver: z.number().int() }),
  /** Only the days with something done, oldest first. */
  days: z.array(VolunteerDayCounts),
});
export type VolunteerStatsRow = z.infer<typeof VolunteerStatsRow>;

export const VolunteerStats = z.object({
  communityId: z.uuid(),
  from: z.string(),
  to: z.string(),
  /** Most orders handed over first, then most tasks. */
  volunteers: z.array(VolunteerStatsRow),
});
export type VolunteerStats = z.infer<typeof VolunteerStats>;

// ---- 感谢榜 ----

export const PublishThankYouPostBody = periodRules(
  z
    .object({
      communityId: z.uuid().optional(),
      title: z.string().trim().min(1, { message: '请填写标题' }).max(40),
      message: z.string().trim().min(1, { message: '请填写感谢的话' }).max(500),
      from: CalendarDay,
      to: CalendarDay,
    })
    .strict(),
);
export type PublishThankYouPostBody = z.infer<typeof PublishThankYouPostBody>;

/** A volunteer on the board: name and counts only, never a phone. */
export const ThankYouEntry = z.object({ displayName: z.string(), tasksCompleted: z.number().int(), ordersHandedOver: z.number().int() });
export type ThankYouEntry = z.infer<typeof ThankYouEntry>;

export const ThankYouPost = z.object({
  id: z.uuid(),
  communityId: z.uuid(),
  title: z.string(),
  message: z.string(),
  from: z.string(),
  to: z.string(),
  entries: z.array(ThankYouEntry),
  publishedAt: z.string(),
  /** Set when staff unpublished it; only staff see hidden posts. */
  hiddenAt: z.string().nullable(),
});
export type ThankYouPost = z.infer<typeof ThankYouPost>;
export const ThankYouPostList = z.object({ items: z.array(ThankYouPost) });
export type ThankYouPostList = z.infer<typeof ThankYouPostList>;

/** The system message each building chat gets when a board is published. */
export function thankYouChatText(post: { title: string; from: string; to: string; entries: readonly ThankYouEntry[] }): string {
  const names = post.entries.slice(0, 10).map((e) => e.displayName).join('、');
  const more = post.entries.length > 10 ? ` 等 ${post.entries.length} 位志愿者` : '';
  return `【感谢榜】${post.title}（${post.from} 至 ${post.to}）：感谢 ${names}${more}！详见「我的 - 感谢榜」。`;
}
