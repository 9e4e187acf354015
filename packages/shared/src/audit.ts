import { z } from 'zod';

// What staff looked at that belongs to someone else. Health data joins with the health module.
export const AuditAction = z.enum([
  'person.phone.read', 'household.read', 'health.read', 'export.read',
  'checkins.read', 'checkins.missed.read', 'checkins.export', 'alerts.read', 'care_roster.read', 'help_requests.read',
  'pass.issue', 'pass.revoke', 'pass.scan', 'pass.scan.refused', 'reserve.issue',
  'volunteer.approve', 'volunteer.reject', 'volunteer.suspend', 'volunteer.reinstate', 'volunteer.phone.read', 'call_up.create', 'call_up.close',
  'households.import',
]);
export type AuditAction = z.infer<typeof AuditAction>;
export const auditActionLabels: Record<AuditAction, string> = {
  'person.phone.read': '查看电话',
  'household.read': '查看住户',
  'health.read': '查看健康数据',
  'export.read': '导出数据',
  'checkins.read': '查看住户打卡',
  'checkins.missed.read': '查看未打卡名单',
  'checkins.export': '导出打卡日报',
  'alerts.read': '查看健康预警',
  'care_roster.read': '查看关怀名单',
  'help_requests.read': '查看求助',
  'pass.issue': '发放出入证',
  'pass.revoke': '作废出入证',
  'pass.scan': '门岗扫码',
  'pass.scan.refused': '门岗拒绝',
  'reserve.issue': '发放物资',
  'volunteer.approve': '通过志愿者申请',
  'volunteer.reject': '驳回志愿者申请',
  'volunteer.suspend': '暂停志愿者',
  'volunteer.reinstate': '恢复志愿者',
  'volunteer.phone.read': '查看志愿者电话',
  'call_up.create': '发起志愿者召集',
  'call_up.close': '结束志愿者召集',
  'households.import': '导入住户名册',
};

/** 查看电话 · 1号楼 1单元 101 郭丽华: what an entry was about, from what was recorded with it. */
export function describeAuditEntry(entry: { action: string; details: Record<string, unknown> | null }): string {
  const action = AuditAction.safeParse(entry.action);
  const parts = [action.success ? auditActionLabels[action.data] : entry.action];
  const subject = [entry.details?.household, entry.details?.personName].filter((v): v is string => typeof v === 'string').join(' ');
  if (subject) parts.push(subject);
  if (typeof entry.details?.persons === 'number') parts.push(`${entry.details.persons} 人`);
  return parts.join(' · ');
}

export const AuditEntry = z.object({
  id: z.uuid(),
  actorId: z.uuid(),
  actorName: z.string(),
  action: z.string(),
  subjectType: z.string(),
  subjectId: z.string(),
  details: z.record(z.string(), z.unknown()).nullable(),
  createdAt: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
export const AuditList = z.object({ items: z.array(AuditEntry), nextCursor: z.string().nullable() });
export const AuditQuery = z.object({
  action: z.string().max(60).optional(),
  actorId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
});
