// Chinese labels the mini-program shows that the shared package does not (yet) define.
import type { BindingStatus, MeHousehold } from '@linli/shared';

/** 1号楼 1单元 101 */
export function householdLabel(h: Pick<MeHousehold, 'buildingName' | 'unit' | 'room'>): string {
  return `${h.buildingName} ${h.unit}单元 ${h.room}`;
}

export const bindingStatusLabels: Record<BindingStatus, string> = {
  pending: '待审核',
  approved: '已通过',
  rejected: '未通过',
};
