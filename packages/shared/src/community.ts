import { z } from 'zod';
import { Phone } from './phone';
import type { Transitions } from './state-machine';

export const CareTag = z.enum(['elderly_alone', 'disabled', 'pregnant', 'chronic_medication', 'infant']);
export type CareTag = z.infer<typeof CareTag>;
export const careTagLabels: Record<CareTag, string> = {
  elderly_alone: '独居老人',
  disabled: '残障',
  pregnant: '孕妇',
  chronic_medication: '慢病需药',
  infant: '婴幼儿',
};

export const PersonRelation = z.enum(['owner', 'spouse', 'child', 'parent', 'relative', 'renter', 'other']);
export type PersonRelation = z.infer<typeof PersonRelation>;
export const relationLabels: Record<PersonRelation, string> = {
  owner: '户主',
  spouse: '配偶',
  child: '子女',
  parent: '父母',
  relative: '亲属',
  renter: '租户',
  other: '其他',
};

export const Grid = z.object({ id: z.uuid(), communityId: z.uuid(), name: z.string() });
export type Grid = z.infer<typeof Grid>;

export const Building = z.object({
  id: z.uuid(),
  communityId: z.uuid(),
  gridId: z.uuid(),
  gridName: z.string(),
  name: z.string(),
  householdCount: z.number().int(),
});
export type Building = z.infer<typeof Building>;
export const BuildingList = z.object({ items: z.array(Building), nextCursor: z.string().nullable() });

export const Person = z.object({
  id: z.uuid(),
  name: z.string(),
  relation: PersonRelation,
  birthYear: z.number().int().nullable(),
  isRenter: z.boolean(),
  careTags: z.array(CareTag),
  /** Masked unless the caller is of this household or its staff. */
  phone: z.string().nullable(),
  phoneMasked: z.boolean(),
});
export type Person = z.infer<typeof Person>;

/** A person's full phone number, revealed one at a time for a call (a staff read is audit-logged). */
export const PersonPhone = z.object({ personId: z.uuid(), phone: z.string().nullable() });
export type PersonPhone = z.infer<typeof PersonPhone>;

export const Household = z.object({
  id: z.uuid(),
  buildingId: z.uuid(),
  buildingName: z.string(),
  gridId: z.uuid(),
  unit: z.string(),
  room: z.string(),
  persons: z.array(Person),
});
export type Household = z.infer<typeof Household>;

export const HouseholdSummary = z.object({
  id: z.uuid(),
  buildingId: z.uuid(),
  buildingName: z.string(),
  unit: z.string(),
  room: z.string(),
  personCount: z.number().int(),
});
export type HouseholdSummary = z.infer<typeof HouseholdSummary>;
export const HouseholdList = z.object({ items: z.array(HouseholdSummary), nextCursor: z.string().nullable() });

export const IdParams = z.object({ id: z.uuid({ message: '不是有效的编号' }) });
export const BuildingHouseholdsParams = z.object({ id: z.uuid() });

export const UnitLabel = z.string().trim().min(1).max(10);
export const RoomLabel = z.string().trim().min(1).max(10);

// Household binding: a resident asks to be linked to a room; a grid worker of that building decides.
export const BindingStatus = z.enum(['pending', 'approved', 'rejected']);
export type BindingStatus = z.infer<typeof BindingStatus>;
export const bindingStatusLabels: Record<BindingStatus, string> = {
  pending: '待审核',
  approved: '已通过',
  rejected: '未通过',
};

/** 1号楼 1单元 101 */
export function householdLabel(h: { buildingName: string; unit: string; room: string }): string {
  return `${h.buildingName} ${h.unit}单元 ${h.room}`;
}
export const bindingTransitions: Transitions<BindingStatus> = {
  pending: ['approved', 'rejected'],
  approved: [],
  rejected: [],
};

export const CreateBindingBody = z
  .object({
    buildingId: z.uuid(),
    unit: UnitLabel,
    room: RoomLabel,
    relation: PersonRelation.default('owner'),
    note: z.string().trim().max(200).optional(),
  })
  .strict();
export type CreateBindingBody = z.infer<typeof CreateBindingBody>;

export const DecideBindingBody = z.object({ reason: z.string().trim().max(200).optional() }).strict();

export const Binding = z.object({
  id: z.uuid(),
  userId: z.uuid(),
  userDisplayName: z.string(),
  userPhone: z.string().nullable(),
  householdId: z.uuid(),
  buildingId: z.uuid(),
  buildingName: z.string(),
  unit: z.string(),
  room: z.string(),
  relation: PersonRelation,
  status: BindingStatus,
  note: z.string().nullable(),
  decisionReason: z.string().nullable(),
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
});
export type Binding = z.infer<typeof Binding>;
export const BindingList = z.object({ items: z.array(Binding), nextCursor: z.string().nullable() });
export const BindingListQuery = z.object({
  status: BindingStatus.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
});

// Staff assignment: admins put grid workers on grids.
export const GridWorker = z.object({ userId: z.uuid(), displayName: z.string(), phone: z.string().nullable() });
export type GridWorker = z.infer<typeof GridWorker>;
export const GridDetail = Grid.extend({
  buildings: z.array(z.object({ id: z.uuid(), name: z.string() })),
  workers: z.array(GridWorker),
});
export type GridDetail = z.infer<typeof GridDetail>;
export const GridList = z.object({ items: z.array(GridDetail), nextCursor: z.string().nullable() });
export const AssignGridWorkerBody = z
  .object({ phone: Phone, displayName: z.string().trim().min(1).max(40).optional() })
  .strict();
export type AssignGridWorkerBody = z.infer<typeof AssignGridWorkerBody>;
export const GridWorkerParams = z.object({ id: z.uuid(), userId: z.uuid() });
