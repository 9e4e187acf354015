// Sends queued WeChat subscribe messages. Rows are claimed with FOR UPDATE SKIP LOCKED, so N instances share the queue.
import { sql } from 'drizzle-orm';
import type { WechatSubscribeSender } from '../../adapters/wechat/subscribe';
import { selectRows, type Database } from '../../db/client';

const maxAttempts = 5;

export async function dispatchOutbox(db: Database, sender: WechatSubscribeSender, batch = 50): Promise<{ sent: number; failed: number }> {
  return db.transaction(async (tx) => {
    const rows = await selectRows<{ id: string; payload: Record<string, unknown> | string; openid: string | null; attempts: number }>(tx, sql`
      SELECT o.id, o.payload, u.wechat_openid AS openid, o.attempts FROM wechat_outbox o JOIN users u ON u.id = o.user_id
      WHERE o.status = 'pending' ORDER BY o.created_at LIMIT ${batch} FOR UPDATE OF o SKIP LOCKED`);
    let sent = 0;
    let failed = 0;
    for (const row of rows) {
      const payload = (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as { title?: string; priority?: string; page?: string };
      try {
        await sender.send({ openid: row.openid, title: String(payload.title ?? ''), priority: String(payload.priority ?? 'normal'), page: String(payload.page ?? '') });
        await tx.execute(sql`UPDATE wechat_outbox SET status = 'sent', sent_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = ${row.id}`);
        sent++;
      } catch (err) {
        const final = row.attempts + 1 >= maxAttempts || String((err as Error).message).startsWith('NO_OPENID');
        await tx.execute(sql`UPDATE wechat_outbox SET attempts = attempts + 1, last_error = ${String((err as Error).message).slice(0, 500)},
          status = ${final ? 'failed' : 'pending'} WHERE id = ${row.id}`);
        failed++;
      }
    }
    return { sent, failed };
  });
}
