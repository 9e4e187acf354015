// Notices: staff write them for buildings or whole grids; households acknowledge; staff see who has not been reached.
import { z } from 'zod';
import { isoInstant } from './instant';
import { NoticePriority } from './chat';

export const noticePriorityLabels: Record<NoticePriority, string> = { normal: '普通', urgent: '紧急' };

export const CreateNoticeBody = z
  .object({
    title: z.string().trim().min(1, { message: '请填写标题' }).max(60),
    body: z.string().trim().min(1, { message: '请填写内容' }).max(2000),
    priority: NoticePriority.default('normal'),
    requiresAck: z.boolean().default(false),
    buildingIds: z.array(z.uuid()).max(200).default([]),
    gridIds: z.array(z.uuid()).max(50).default([]),
    expiresAt: isoInstant().optional(),
  })
  .strict()
  .refine((b) => b.buildingIds.length + b.gridIds.length > 0, { message: '请选择至少一栋楼或一个网格', path: ['buildingIds'] });
export type CreateNoticeBody = z.infer<typeof CreateNoticeBody>;

export const NoticeReach = z.object({ targetHouseholds: z.number().int(), ackedHouseholds: z.number().int() });
export type NoticeReach = z.infer<typeof NoticeReach>;

export const Notice = z.object({
  id: z.uuid(),
  title: z.string(),
  body: z.string(),
  priority: NoticePriority,
  requiresAck: z.boolean(),
  authorName: z.string(),
  buildings: z.array(z.object({ id: z.uuid(), name: z.string() })),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  /** For a resident: some household of theirs in a target building has acknowledged. */
  acknowledged: z.boolean(),
  /** For staff: the reach within the buildings in their scope; null for residents. */
  reach: NoticeReach.nullable(),
});
export type Notice = z.infer<typeof Notice>;
export const NoticeList = z.object({ items: z.array(Notice), nextCursor: z.string().nullable() });
export const NoticeListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
});

export const AckBody = z.object({ householdId: z.uuid().optional() }).strict();
export const Ack = z.object({ noticeId: z.uuid(), householdIds: z.array(z.uuid()), acknowledged: z.literal(true) });

export const UnreachedHousehold = z.object({
  householdId: z.uuid(),
  buildingId: z.uuid(),
  buildingName: z.string(),
  unit: z.string(),
  room: z.string(),
  /** The person to call (first with a phone), for GET /persons/:id/phone (audit-logged). */
  contactPersonId: z.uuid().nullable(),
  contactName: z.string().nullable(),
  maskedPhone: z.string().nullable(),
});
export type UnreachedHousehold = z.infer<typeof UnreachedHousehold>;

export const NoticeStats = z.object({
  noticeId: z.uuid(),
  targetHouseholds: z.number().int(),
  ackedHouseholds: z.number().int(),
  byBuilding: z.array(z.object({ buildingId: z.uuid(), buildingName: z.string(), targetHouseholds: z.number().int(), ackedHouseholds: z.number().int() })),
  unacknowledged: z.array(UnreachedHousehold),
});
export type NoticeStats = z.infer<typeof NoticeStats>;

/** Acknowledged share as a whole percentage (0 when nobody is targeted). */
export function reachPercent(reach: NoticeReach): number {
  return reach.targetHouseholds === 0 ? 0 : Math.floor((reach.ackedHouseholds * 100) / reach.targetHouseholds);
}
