// Emergency reserves (物资储备): items with a unit and low-stock threshold, and the ledger every change goes through.
import { z } from 'zod';
import type { ErrorCode } from './errors';

export const reserveErrorCodes = {
  insufficientStock: 'INSUFFICIENT_STOCK',
  itemExists: 'RESERVE_ITEM_EXISTS',
  nobodyToDistribute: 'NOBODY_TO_DISTRIBUTE',
} as const satisfies Record<string, ErrorCode>;

export const LedgerEntryKind = z.enum(['received', 'issued', 'lost_expired']);
export type LedgerEntryKind = z.infer<typeof LedgerEntryKind>;
export const ledgerEntryKindLabels: Record<LedgerEntryKind, string> = {
  received: '入库',
  issued: '发放',
  lost_expired: '损耗/过期',
};

/** Received adds to stock; issued and lost/expired take from it. */
export function stockDelta(kind: LedgerEntryKind, quantity: number): number {
  return kind === 'received' ? quantity : -quantity;
}

export function isLowStock(item: { stock: number; lowStockThreshold: number }): boolean {
  return item.stock <= item.lowStockThreshold;
}

/** Suggestions for the item form; any name is accepted. */
export const commonReserveItems: { name: string; unit: string }[] = [
  { name: '口罩', unit: '个' },
  { name: '消毒液', unit: '瓶' },
  { name: '防护服', unit: '套' },
  { name: '体温计', unit: '支' },
  { name: '抗原试剂', unit: '盒' },
];

const Quantity = z.number().int().min(1, { message: '数量须为正整数' }).max(1_000_000);

export const CreateReserveItemBody = z
  .object({
    name: z.string().trim().min(1).max(40),
    unit: z.string().trim().min(1).max(10),
    lowStockThreshold: z.number().int().min(0).max(1_000_000),
  })
  .strict();
export type CreateReserveItemBody = z.infer<typeof CreateReserveItemBody>;

/** Rename, change the unit or the low-stock threshold; stock changes only through the ledger. */
export const UpdateReserveItemBody = CreateReserveItemBody.partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: '请至少修改一项' });
export type UpdateReserveItemBody = z.infer<typeof UpdateReserveItemBody>;

export const ReserveItem = z.object({
  id: z.uuid(),
  communityId: z.uuid(),
  name: z.string(),
  unit: z.string(),
  lowStockThreshold: z.number().int(),
  stock: z.number().int(),
  low: z.boolean(),
  createdAt: z.string(),
});
export type ReserveItem = z.infer<typeof ReserveItem>;
export const ReserveItemList = z.object({ items: z.array(ReserveItem), nextCursor: z.string().nullable() });
export const ReserveItemListQuery = z.object({
  communityId: z.uuid().optional(),
  lowOnly: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
});

// One ledger entry: received / lost_expired name no recipient; issued names exactly one (a household or a volunteer).
export const LedgerEntryBody = z
  .object({
    kind: LedgerEntryKind,
    quantity: Quantity,
    reason: z.string().trim().min(1, { message: '请填写原因' }).max(200),
    householdId: z.uuid().optional(),
    volunteerUserId: z.uuid().optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    const recipients = Number(Boolean(b.householdId)) + Number(Boolean(b.volunteerUserId));
    if (b.kind === 'issued' && recipients !== 1) {
      ctx.addIssue({ code: 'custom', path: ['householdId'], message: '发放须指定一户或一名志愿者（只能一个）' });
    }
    if (b.kind !== 'issued' && recipients !== 0) {
      ctx.addIssue({ code: 'custom', path: ['householdId'], message: '只有发放才可指定领取人' });
    }
  });
export type LedgerEntryBody = z.infer<typeof LedgerEntryBody>;

export const LedgerEntry = z.object({
  id: z.uuid(),
  itemId: z.uuid(),
  itemName: z.string(),
  unit: z.string(),
  kind: LedgerEntryKind,
  quantity: z.number().int(),
  balanceAfter: z.number().int(),
  reason: z.string(),
  householdId: z.uuid().nullable(),
  /** 1号楼 1单元 101, for entries issued to a household. */
  householdLabel: z.string().nullable(),
  volunteerUserId: z.uuid().nullable(),
  volunteerName: z.string().nullable(),
  distributionId: z.uuid().nullable(),
  recordedBy: z.uuid(),
  recordedByName: z.string(),
  createdAt: z.string(),
});
export type LedgerEntry = z.infer<typeof LedgerEntry>;
export const LedgerEntryList = z.object({ items: z.array(LedgerEntry), nextCursor: z.string().nullable() });
export const LedgerQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
});
export const LedgerExportQuery = z.object({
  communityId: z.uuid().optional(),
  itemId: z.uuid().optional(),
});

/** Distribution to every household of a building in one go: a fixed number per household, or per person living there. */
export const DistributionBody = z
  .object({
    buildingId: z.uuid(),
    per: z.enum(['household', 'person']),
    quantity: Quantity.max(1000),
    reason: z.string().trim().min(1, { message: '请填写原因' }).max(200),
  })
  .strict();
export type DistributionBody = z.infer<typeof DistributionBody>;
export const distributionPerLabels: Record<DistributionBody['per'], string> = { household: '每户', person: '每人' };

export const DistributionResult = z.object({
  distributionId: z.uuid(),
  households: z.number().int(),
  totalQuantity: z.number().int(),
  stockAfter: z.number().int(),
  low: z.boolean(),
});
export type DistributionResult = z.infer<typeof DistributionResult>;

export const ledgerCsvHeader = ['时间', '物资', '类型', '数量', '单位', '结存', '领取住户', '领取志愿者', '原因', '经手人'] as const;
