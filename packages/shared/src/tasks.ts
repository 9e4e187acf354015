// Volunteer tasks: delivering a building's packed orders (整楼配送), medicine runs, errands and care visits.
// A task has at most one claimer; each order of a delivery task is handed over against the household's 4-digit code.
import { z } from 'zod';
import type { ErrorCode } from './errors';
import type { Transitions } from './state-machine';
import { OrderStatus } from './supplies';

export const TaskKind = z.enum(['delivery', 'medicine', 'errand', 'visit']);
export type TaskKind = z.infer<typeof TaskKind>;
export const taskKindLabels: Record<TaskKind, string> = {
  delivery: '整楼配送',
  medicine: '代购药',
  errand: '跑腿',
  visit: '探访',
};

export const TaskStatus = z.enum(['open', 'claimed', 'completed', 'cancelled']);
export type TaskStatus = z.infer<typeof TaskStatus>;
export const taskStatusLabels: Record<TaskStatus, string> = {
  open: '待认领',
  claimed: '进行中',
  completed: '已完成',
  cancelled: '已取消',
};
/** claimed → open is a release by the claimer or an expired claim (no handover within the timeout). */
export const taskTransitions: Transitions<TaskStatus> = {
  open: ['claimed', 'cancelled'],
  claimed: ['open', 'completed', 'cancelled'],
  completed: [],
  cancelled: [],
};

/**
 * What a delivery task does to its orders (the order machine of supplies.ts):
 * creating the task takes the building's packed orders out for delivery (packed → out_for_delivery);
 * a handover with the right code delivers one (out_for_delivery → delivered); left at the door (放门口) it stays
 * out_for_delivery until the household confirms. Release and expiry leave orders out for delivery: the task goes
 * back to the hall with them.
 */
export const orderStatusWhenTaskCreated: OrderStatus = 'out_for_delivery';

/** A volunteer holds at most this many claimed tasks at once. */
export const maxHeldTasks = 3;
/** Staff split a building's packed orders into tasks of at most this many orders. */
export const maxOrdersPerDeliveryTask = 30;
/** Wrong codes for one order before it is locked and staff are alerted. */
export const maxDeliveryCodeAttempts = 5;

/** Error codes of the tasks endpoints the mini-program branches on. */
export const taskErrorCodes = [
  'ALREADY_CLAIMED', 'TASK_HOLD_LIMIT', 'NOT_A_VOLUNTEER', 'NOT_CLAIMER', 'BAD_DELIVERY_CODE', 'ORDER_LOCKED', 'ALREADY_HANDED_OVER',
  'NOTHING_TO_DELIVER', 'TASK_HAS_ORDERS',
] as const satisfies readonly ErrorCode[];
export type TaskErrorCode = (typeof taskErrorCodes)[number];

export const DeliveryCode = z.string().regex(/^\d{4}$/, '取件码为 4 位数字');

export const CreateDeliveryTasksBody = z
  .object({
    buildingId: z.uuid({ message: '不是有效的楼栋编号' }),
    /** Only the packed orders of this group buy (default: every packed order of the building). */
    groupBuyId: z.uuid().optional(),
  })
  .strict();
export type CreateDeliveryTasksBody = z.infer<typeof CreateDeliveryTasksBody>;

export const CreateErrandTaskBody = z
  .object({ details: z.string().trim().max(300).optional() })
  .strict();
export const CreateVisitTaskBody = z
  .object({
    personId: z.uuid({ message: '不是有效的成员编号' }),
    details: z.string().trim().max(300).optional(),
  })
  .strict();
export type CreateVisitTaskBody = z.infer<typeof CreateVisitTaskBody>;

export const HandOverBody = z.object({ orderId: z.uuid({ message: '不是有效的订单编号' }), code: DeliveryCode }).strict();
export type HandOverBody = z.infer<typeof HandOverBody>;
export const CompleteTaskBody = z.object({ note: z.string().trim().max(300).optional() }).strict();
export const TaskOrderParams = z.object({ id: z.uuid({ message: '不是有效的编号' }), orderId: z.uuid({ message: '不是有效的订单编号' }) });
export const TaskHouseholdParams = z.object({ id: z.uuid({ message: '不是有效的编号' }), householdId: z.uuid({ message: '不是有效的住户编号' }) });

export const TaskListQuery = z.object({
  kind: TaskKind.optional(),
  buildingId: z.uuid().optional(),
  /** Volunteers see open tasks (and their own); staff see every status in their grids. */
  status: TaskStatus.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const Task = z.object({
  id: z.uuid(),
  communityId: z.uuid(),
  kind: TaskKind,
  status: TaskStatus,
  title: z.string(),
  details: z.string().nullable(),
  buildingId: z.uuid().nullable(),
  buildingName: z.string().nullable(),
  /** The one household of a medicine, errand or visit task. */
  householdId: z.uuid().nullable(),
  unit: z.string().nullable(),
  room: z.string().nullable(),
  urgent: z.boolean(),
  /** A household of the task has a person with a care tag (elderly living alone, disabled, …). */
  careTagged: z.boolean(),
  orderCount: z.number().int(),
  handedOverCount: z.number().int(),
  claimedBy: z.uuid().nullable(),
  claimedByName: z.string().nullable(),
  claimedAt: z.string().nullable(),
  /** When the claim returns to the hall unless something is handed over first. */
  claimExpiresAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  createdAt: z.string(),
  medicineRequestId: z.uuid().nullable(),
  helpRequestId: z.uuid().nullable(),
});
export type Task = z.infer<typeof Task>;
export const TaskList = z.object({ items: z.array(Task), nextCursor: z.string().nullable() });
export type TaskList = z.infer<typeof TaskList>;
export const CreatedDeliveryTasks = z.object({ tasks: z.array(Task.extend({ orderIds: z.array(z.uuid()) })) });
export type CreatedDeliveryTasks = z.infer<typeof CreatedDeliveryTasks>;

export const TaskOrderHandover = z.enum(['pending', 'code', 'left_at_door']);
export type TaskOrderHandover = z.infer<typeof TaskOrderHandover>;
export const taskOrderHandoverLabels: Record<TaskOrderHandover, string> = { pending: '待交付', code: '已当面交付', left_at_door: '已放门口' };

/** One order of a delivery task as a volunteer sees it: where, a masked phone, what — never the delivery code. */
export const TaskOrder = z.object({
  orderId: z.uuid(),
  householdId: z.uuid(),
  buildingName: z.string(),
  unit: z.string(),
  room: z.string(),
  maskedPhone: z.string().nullable(),
  careTagged: z.boolean(),
  status: OrderStatus,
  items: z.array(z.object({ name: z.string(), unit: z.string(), qty: z.number().int() })),
  handover: TaskOrderHandover,
  failedAttempts: z.number().int(),
  locked: z.boolean(),
  handedOverAt: z.string().nullable(),
  /** 放门口: the household confirmed it found the order. */
  confirmedAt: z.string().nullable(),
});
export type TaskOrder = z.infer<typeof TaskOrder>;
export const TaskDetail = Task.extend({
  orders: z.array(TaskOrder),
  maskedPhone: z.string().nullable(),
});
export type TaskDetail = z.infer<typeof TaskDetail>;

export const HandOverResult = z.object({ task: TaskDetail, orderId: z.uuid(), orderStatus: OrderStatus });
export const ConfirmedDelivery = z.object({ orderId: z.uuid(), status: z.literal('delivered') });
export const RevealedPhone = z.object({ householdId: z.uuid(), phone: z.string().nullable() });

/** The 放门口 photo: the chat's image rule (JPEG, PNG or WebP, ≤ 5 MB, raw bytes). */
export { chatImageMaxBytes as doorPhotoMaxBytes, chatImageTypes as doorPhotoTypes } from './chat';

