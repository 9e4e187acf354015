// 核酸 testing rounds: staff give each building a time slot, mark buildings done, and follow completion.
import { z } from 'zod';
import { CalendarDay } from './checkins';

export const TestingSlotStatus = z.enum(['scheduled', 'done']);
export type TestingSlotStatus = z.infer<typeof TestingSlotStatus>;
export const testingSlotStatusLabels: Record<TestingSlotStatus, string> = { scheduled: '待检测', done: '已完成' };

const ClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: '时间格式应为 HH:MM' });

export const CreateTestingRoundBody = z
  .object({
    title: z.string().trim().min(1).max(60),
    day: CalendarDay,
    /** Whole buildings go down together, one slot each (times in Asia/Shanghai). */
    slots: z
      .array(z.object({ buildingId: z.uuid(), startTime: ClockTime, endTime: ClockTime }).strict().refine((s) => s.startTime < s.endTime, { message: '结束时间应晚于开始时间' }))
      .min(1)
      .max(200)
      .refine((s) => new Set(s.map((x) => x.buildingId)).size === s.length, { message: '同一楼栋只能安排一个时段' }),
  })
  .strict();
export type CreateTestingRoundBody = z.infer<typeof CreateTestingRoundBody>;

export const TestingSlot = z.object({
  buildingId: z.uuid(),
  buildingName: z.string(),
  householdCount: z.number().int(),
  startsAt: z.string(),
  endsAt: z.string(),
  status: TestingSlotStatus,
  doneAt: z.string().nullable(),
});
export type TestingSlot = z.infer<typeof TestingSlot>;

export const TestingRound = z.object({
  id: z.uuid(),
  title: z.string(),
  day: z.string(),
  createdAt: z.string(),
  slots: z.array(TestingSlot),
  buildingsDone: z.number().int(),
  buildingsTotal: z.number().int(),
});
export type TestingRound = z.infer<typeof TestingRound>;
export const TestingRoundList = z.object({ items: z.array(TestingRound), nextCursor: z.string().nullable() });
export const TestingRoundBuildingParams = z.object({ id: z.uuid(), buildingId: z.uuid() });
