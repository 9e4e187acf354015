// Records staff reads of someone else's phone or health data: who, what, when.
import type { AuditAction } from '@linli/shared';
import type { DbOrTx } from '../../db/client';
import { auditLog } from '../../db/schema';

export interface AuditRecord {
  actorId: string;
  communityId: string;
  action: AuditAction;
  subjectType: string;
  subjectId: string;
  details?: Record<string, unknown>;
}

export async function recordAudit(db: DbOrTx, entries: AuditRecord | AuditRecord[]): Promise<void> {
  const list = Array.isArray(entries) ? entries : [entries];
  if (list.length === 0) return;
  await db.insert(auditLog).values(list.map((e) => ({ ...e, details: e.details ?? null })));
}
