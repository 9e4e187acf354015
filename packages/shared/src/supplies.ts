// Supplies: the catalog, group buys (团购) with limited stock, household orders and medicine requests (代购药).
// Money is integer fen; the server computes every price and total, the client only sends item ids and quantities.
import { z } from 'zod';
import type { ErrorCode } from './errors';
import { CalendarDay } from './checkins';
import { isoInstant } from './instant';
import type { Transitions } from './state-machine';
import { chatImageMaxBytes, chatImageTypes } from './chat';
import { CareTag } from './community';

const Instant = isoInstant('时间格式应为 ISO 8601（如 2026-11-25T08:00:00Z）');
const Fen = z.number().int('金额以分为单位，须为整数').min(0).max(100_000_000);
// A real calendar day: the text column took 2026-02-30 and 0000-00-00 as they came.
const DateOnly = CalendarDay;

// ---- Catalog ----
export const ProductCategory = z.enum(['vegetables', 'meat_eggs_dairy', 'grain_oil', 'medicine', 'daily', 'mother_baby']);
export type ProductCategory = z.infer<typeof ProductCategory>;
export const productCategoryLabels: Record<ProductCategory, string> = {
  vegetables: '蔬菜',
  meat_eggs_dairy: '肉蛋奶',
  grain_oil: '米面粮油',
  medicine: '药品',
  daily: '日用品',
  mother_baby: '母婴',
};

export const Product = z.object({
  id: z.uuid(),
  communityId: z.uuid(),
  name: z.string(),
  category: ProductCategory,
  unit: z.string(),
  priceFen: z.number().int(),
  imageUrl: z.string().nullable(),
  active: z.boolean(),
  createdAt: z.string(),
});
export type Product = z.infer<typeof Product>;
export const ProductList = z.object({ items: z.array(Product), nextCursor: z.string().nullable() });

const ProductName = z.string().trim().min(1, '请填写名称').max(60);
const UnitName = z.string().trim().min(1, '请填写单位').max(20);
const ImageUrl = z.string().trim().max(500).regex(/^(https?:\/\/|\/)/, '图片地址须为 http(s) 或站内路径');

export const CreateProductBody = z
  .object({
    name: ProductName,
    category: ProductCategory,
    unit: UnitName,
    priceFen: Fen,
    imageUrl: ImageUrl.nullable().optional(),
    active: z.boolean().default(true),
    /** Only for accounts that are staff in several communities. */
    communityId: z.uuid().optional(),
  })
  .strict();
export type CreateProductBody = z.infer<typeof CreateProductBody>;
export const UpdateProductBody = z
  .object({
    name: ProductName.optional(),
    category: ProductCategory.optional(),
    unit: UnitName.optional(),
    priceFen: Fen.optional(),
    imageUrl: ImageUrl.nullable().optional(),
    active: z.boolean().optional(),
  })
  .strict();
export type UpdateProductBody = z.infer<typeof UpdateProductBody>;
export const ProductListQuery = z.object({
  category: ProductCategory.optional(),
  active: z.enum(['true', 'false']).optional(),
});

// ---- Group buys ----
/** draft (staff only) → upcoming (published, before opensAt) → open → closed (closesAt passed, sold out, or closed by staff). */
export const GroupBuyState = z.enum(['draft', 'upcoming', 'open', 'closed']);
export type GroupBuyState = z.infer<typeof GroupBuyState>;
export const groupBuyStateLabels: Record<GroupBuyState, string> = {
  draft: '草稿',
  upcoming: '即将开团',
  open: '进行中',
  closed: '已结束',
};
export const GroupBuyClosedReason = z.enum(['time', 'sold_out', 'staff']);
export type GroupBuyClosedReason = z.infer<typeof GroupBuyClosedReason>;
export const groupBuyClosedReasonLabels: Record<GroupBuyClosedReason, string> = {
  time: '已到截止时间',
  sold_out: '已全部售罄',
  staff: '工作人员已提前结束',
};

export interface GroupBuyTiming {
  publishedAt: string | Date | null;
  closedAt: string | Date | null;
  opensAt: string | Date;
  closesAt: string | Date;
  /** Every item has remaining 0. */
  soldOut: boolean;
}

/** The state is computed on every read from stored times and flags, so every instance agrees without a job. */
export function groupBuyStateAt(g: GroupBuyTiming, now: Date): { state: GroupBuyState; closedReason: GroupBuyClosedReason | null } {
  if (!g.publishedAt) return { state: 'draft', closedReason: null };
  if (g.closedAt) return { state: 'closed', closedReason: 'staff' };
  const t = now.getTime();
  if (t >= new Date(g.closesAt).getTime()) return { state: 'closed', closedReason: 'time' };
  if (g.soldOut) return { state: 'closed', closedReason: 'sold_out' };
  if (t < new Date(g.opensAt).getTime()) return { state: 'upcoming', closedReason: null };
  return { state: 'open', closedReason: null };
}

export const GroupBuyItem = z.object({
  id: z.uuid(),
  productId: z.uuid().nullable(),
  name: z.string(),
  unit: z.string(),
  category: ProductCategory.nullable(),
  priceFen: z.number().int(),
  stock: z.number().int(),
  remaining: z.number().int(),
  perHouseholdLimit: z.number().int(),
});
export type GroupBuyItem = z.infer<typeof GroupBuyItem>;

export const GroupBuy = z.object({
  id: z.uuid(),
  communityId: z.uuid(),
  title: z.string(),
  description: z.string(),
  opensAt: z.string(),
  closesAt: z.string(),
  deliveryDate: z.string().nullable(),
  state: GroupBuyState,
  closedReason: GroupBuyClosedReason.nullable(),
  publishedAt: z.string().nullable(),
  items: z.array(GroupBuyItem),
  /** The server's clock when this was read: the countdown is opensAt − serverNow, immune to a wrong phone clock. */
  serverNow: z.string(),
});
export type GroupBuy = z.infer<typeof GroupBuy>;
export const GroupBuyList = z.object({ items: z.array(GroupBuy), nextCursor: z.string().nullable(), serverNow: z.string() });
export type GroupBuyList = z.infer<typeof GroupBuyList>;
export const GroupBuyListQuery = z.object({
  state: GroupBuyState.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

const Quantity = z.number({ message: '数量须为整数' }).int('数量须为整数').min(1, '数量至少为 1').max(999, '数量过大');
export const GroupBuyItemInput = z
  .object({
    /** Take name, unit, category and (unless given) price from a catalog product. */
    productId: z.uuid().optional(),
    name: ProductName.optional(),
    unit: UnitName.optional(),
    category: ProductCategory.optional(),
    priceFen: Fen.optional(),
    stock: z.number().int('库存须为整数').min(0).max(1_000_000),
    perHouseholdLimit: Quantity,
  })
  .strict()
  .refine((i) => i.productId || (i.name && i.unit && i.priceFen !== undefined), {
    message: '不选商品时须填写名称、单位和价格',
  });
export type GroupBuyItemInput = z.infer<typeof GroupBuyItemInput>;

const GroupBuyFields = {
  title: z.string().trim().min(1, '请填写标题').max(60),
  description: z.string().trim().max(1000).optional(),
  opensAt: Instant,
  closesAt: Instant,
  deliveryDate: DateOnly.nullable().optional(),
};
export const CreateGroupBuyBody = z
  .object({
    ...GroupBuyFields,
    items: z.array(GroupBuyItemInput).min(1, '至少一个商品').max(50),
    /** Publish at once (residents see it); otherwise it stays a draft. */
    publish: z.boolean().default(false),
    communityId: z.uuid().optional(),
  })
  .strict()
  .refine((g) => Date.parse(g.closesAt) > Date.parse(g.opensAt), { message: '截止时间须晚于开团时间', path: ['closesAt'] });
export type CreateGroupBuyBody = z.infer<typeof CreateGroupBuyBody>;

/** Drafts can change everything; once published, items keep their price and only stock can grow (never below what is sold). */
export const UpdateGroupBuyBody = z
  .object({
    title: GroupBuyFields.title.optional(),
    description: GroupBuyFields.description,
    opensAt: Instant.optional(),
    closesAt: Instant.optional(),
    deliveryDate: GroupBuyFields.deliveryDate,
    items: z.array(GroupBuyItemInput).min(1).max(50).optional(),
    addStock: z.array(z.object({ itemId: z.uuid(), quantity: Quantity }).strict()).max(50).optional(),
  })
  .strict();
export type UpdateGroupBuyBody = z.infer<typeof UpdateGroupBuyBody>;

// ---- Orders ----
export const OrderStatus = z.enum(['placed', 'packed', 'out_for_delivery', 'delivered', 'cancelled']);
export type OrderStatus = z.infer<typeof OrderStatus>;
export const orderStatusLabels: Record<OrderStatus, string> = {
  placed: '已下单',
  packed: '已分拣',
  out_for_delivery: '配送中',
  delivered: '已送达',
  cancelled: '已取消',
};
export const orderTransitions: Transitions<OrderStatus> = {
  placed: ['packed', 'cancelled'],
  packed: ['out_for_delivery', 'cancelled'],
  out_for_delivery: ['delivered'],
  delivered: [],
  cancelled: [],
};
/** The happy path, for a status timeline. */
export const orderTimeline: readonly OrderStatus[] = ['placed', 'packed', 'out_for_delivery', 'delivered'];
/** Who may cancel from which status: the household only before packing, staff also once packed. */
export function orderCancellableBy(status: OrderStatus, by: 'household' | 'staff'): boolean {
  return by === 'household' ? status === 'placed' : status === 'placed' || status === 'packed';
}

export const OrderLineInput = z.object({ itemId: z.uuid(), qty: Quantity }).strict();
/** Strict: a price, total or anything else the client adds is refused with 400, never trusted. */
export const PlaceOrderBody = z
  .object({
    householdId: z.uuid(),
    items: z.array(OrderLineInput).min(1, '至少选择一个商品').max(50),
    note: z.string().trim().max(200).optional(),
  })
  .strict()
  .refine((b) => new Set(b.items.map((i) => i.itemId)).size === b.items.length, { message: '同一商品只能出现一次', path: ['items'] });
export type PlaceOrderBody = z.infer<typeof PlaceOrderBody>;
export const IdempotencyKey = z.string().trim().min(8, 'Idempotency-Key 至少 8 个字符').max(100).regex(/^[\w.:-]+$/, 'Idempotency-Key 只能包含字母、数字和 - _ . :');
export const PlaceOrderHeaders = z.object({ 'idempotency-key': IdempotencyKey });

export const OrderLine = z.object({
  itemId: z.uuid(),
  name: z.string(),
  unit: z.string(),
  priceFen: z.number().int(),
  qty: z.number().int(),
  subtotalFen: z.number().int(),
});
export type OrderLine = z.infer<typeof OrderLine>;

export const Order = z.object({
  id: z.uuid(),
  groupBuyId: z.uuid(),
  groupBuyTitle: z.string(),
  householdId: z.uuid(),
  buildingId: z.uuid(),
  buildingName: z.string(),
  unit: z.string(),
  room: z.string(),
  status: OrderStatus,
  items: z.array(OrderLine),
  totalFen: z.number().int(),
  /** 4 digits, shown to the household only (null for staff and volunteers). */
  deliveryCode: z.string().nullable(),
  note: z.string().nullable(),
  createdAt: z.string(),
  packedAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  deliveryDate: z.string().nullable(),
});
export type Order = z.infer<typeof Order>;
export const OrderList = z.object({ items: z.array(Order), nextCursor: z.string().nullable() });
export const OrderListQuery = z.object({
  householdId: z.uuid().optional(),
  buildingId: z.uuid().optional(),
  groupBuyId: z.uuid().optional(),
  status: OrderStatus.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
});

/** A pure total: Σ price × qty in fen. The server computes it from stored prices; the client only displays it. */
export function orderTotalFen(lines: readonly { priceFen: number; qty: number }[]): number {
  return lines.reduce((sum, l) => sum + l.priceFen * l.qty, 0);
}

export const BuildingOrdersQuery = z.object({ groupBuyId: z.uuid().optional() });
export const PackAllResult = z.object({ packed: z.number().int(), orderIds: z.array(z.uuid()) });

// 分拣单: what the supplier delivers to one building, and how to split it per household.
export const PickingList = z.object({
  buildingId: z.uuid(),
  buildingName: z.string(),
  groupBuyId: z.uuid().nullable(),
  generatedAt: z.string(),
  totals: z.array(z.object({ itemId: z.uuid(), name: z.string(), unit: z.string(), qty: z.number().int(), amountFen: z.number().int() })),
  households: z.array(
    z.object({
      householdId: z.uuid(),
      unit: z.string(),
      room: z.string(),
      careTags: z.array(CareTag),
      orders: z.array(z.object({ orderId: z.uuid(), status: OrderStatus, lines: z.array(z.object({ name: z.string(), unit: z.string(), qty: z.number().int() })) })),
    }),
  ),
  totalFen: z.number().int(),
});
export type PickingList = z.infer<typeof PickingList>;

// ---- Medicine requests (代购药) ----
/** pending → accepted (becomes a medicine task for volunteers) → fulfilled (the volunteer completes it); pending → declined; pending/accepted → cancelled. */
export const MedicineRequestStatus = z.enum(['pending', 'accepted', 'declined', 'cancelled', 'fulfilled']);
export type MedicineRequestStatus = z.infer<typeof MedicineRequestStatus>;
export const medicineRequestStatusLabels: Record<MedicineRequestStatus, string> = {
  pending: '待处理',
  accepted: '已受理',
  declined: '未受理',
  cancelled: '已取消',
  fulfilled: '已送达',
};
export const medicineRequestTransitions: Transitions<MedicineRequestStatus> = {
  pending: ['accepted', 'declined', 'cancelled'],
  accepted: ['fulfilled', 'cancelled'],
  declined: [],
  cancelled: [],
  fulfilled: [],
};
export const MedicineUrgency = z.enum(['normal', 'urgent', 'critical']);
export type MedicineUrgency = z.infer<typeof MedicineUrgency>;
export const medicineUrgencyLabels: Record<MedicineUrgency, string> = { normal: '一般', urgent: '较急（今天）', critical: '紧急（断药）' };

export const CreateMedicineRequestBody = z
  .object({
    householdId: z.uuid(),
    medicineName: z.string().trim().min(1, '请填写药品名称').max(60),
    amount: z.string().trim().min(1, '请填写数量').max(40),
    urgency: MedicineUrgency.default('normal'),
    note: z.string().trim().max(300).optional(),
  })
  .strict();
export type CreateMedicineRequestBody = z.infer<typeof CreateMedicineRequestBody>;
export const DeclineMedicineRequestBody = z.object({ reason: z.string().trim().min(1, '请填写原因').max(200) }).strict();
export const MedicineRequest = z.object({
  id: z.uuid(),
  householdId: z.uuid(),
  buildingId: z.uuid(),
  buildingName: z.string(),
  unit: z.string(),
  room: z.string(),
  medicineName: z.string(),
  amount: z.string(),
  urgency: MedicineUrgency,
  note: z.string().nullable(),
  hasPhoto: z.boolean(),
  status: MedicineRequestStatus,
  declineReason: z.string().nullable(),
  /** The medicine task an accepted request became. */
  taskId: z.uuid().nullable(),
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
});
export type MedicineRequest = z.infer<typeof MedicineRequest>;
export const MedicineRequestList = z.object({ items: z.array(MedicineRequest), nextCursor: z.string().nullable() });
export const MedicineRequestListQuery = z.object({
  householdId: z.uuid().optional(),
  buildingId: z.uuid().optional(),
  status: MedicineRequestStatus.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
// A photo of the prescription or box follows the one image rule of the app (the chat's).
export const medicinePhotoMaxBytes = chatImageMaxBytes;
export const medicinePhotoTypes = chatImageTypes;

/** Order error codes the mini-program branches on. */
export const supplyErrorCodes = ['OUT_OF_STOCK', 'LIMIT_EXCEEDED', 'GROUP_BUY_CLOSED', 'GROUP_BUY_NOT_OPEN', 'IDEMPOTENCY_KEY_REUSED', 'PRICE_CHANGED'] as const satisfies readonly ErrorCode[];
