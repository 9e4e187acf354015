// Counts per volunteer per Asia/Shanghai day, from the tasks they completed and the orders they handed over.
import { emptyTasksByKind, maskPhone, shanghaiPeriodBounds, sumTasksByKind, type TaskKind, type VolunteerStatsRow } from '@linli/shared';
import { sql } from 'drizzle-orm';
import { selectRows, type DbOrTx } from '../../db/client';

interface CountRow {
  user_id: string;
  day: string;
  kind: TaskKind | null;
  tasks: number;
  orders: number;
}

/** Volunteers with anything done in the community in [from, to] (Shanghai days), most orders first. */
export async function volunteerStats(db: DbOrTx, communityId: string, from: string, to: string): Promise<VolunteerStatsRow[]> {
  const { start, end } = shanghaiPeriodBounds(from, to);
  // A task counts for its claimer on the day it completed; an order for whoever handed it over (code or 放门口).
  const counts = await selectRows<CountRow>(db, sql`
    SELECT claimed_by AS user_id, to_char(completed_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day, kind::text AS kind,
      count(*)::int AS tasks, 0 AS orders
    FROM tasks
    WHERE community_id = ${communityId} AND status = 'completed' AND claimed_by IS NOT NULL
      AND completed_at >= ${start.toISOString()} AND completed_at < ${end.toISOString()}
    GROUP BY 1, 2, 3
    UNION ALL
    SELECT o.handed_over_by, to_char(o.handed_over_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'), NULL, 0, count(*)::int
    FROM task_orders o JOIN tasks t ON t.id = o.task_id
    WHERE t.community_id = ${communityId} AND o.handed_over_by IS NOT NULL
      AND o.handed_over_at >= ${start.toISOString()} AND o.handed_over_at < ${end.toISOString()}
    GROUP BY 1, 2`);
  if (counts.length === 0) return [];
  const userIds = [...new Set(counts.map((c) => c.user_id))];
  const people = await selectRows<{ id: string; display_name: string; phone: string | null }>(
    db,
    sql`SELECT id, display_name, phone FROM users WHERE id IN (${sql.join(userIds.map((id) => sql`${id}::uuid`), sql`, `)})`,
  );
  const rows = new Map<string, VolunteerStatsRow>();
  for (const p of people) {
    rows.set(p.id, {
      userId: p.id,
      displayName: p.display_name,
      phone: p.phone ? maskPhone(p.phone) : null,
      totals: { tasksCompleted: emptyTasksByKind(), ordersHandedOver: 0 },
      days: [],
    });
  }
  for (const c of [...counts].sort((a, b) => a.day.localeCompare(b.day))) {
    const row = rows.get(c.user_id)!;
    let day = row.days.find((d) => d.date === c.day);
    if (!day) {
      day = { date: c.day, tasksCompleted: emptyTasksByKind(), ordersHandedOver: 0 };
      row.days.push(day);
    }
    if (c.kind) {
      day.tasksCompleted[c.kind] += c.tasks;
      row.totals.tasksCompleted[c.kind] += c.tasks;
    }
    day.ordersHandedOver += c.orders;
    row.totals.ordersHandedOver += c.orders;
  }
  return [...rows.values()].sort((a, b) =>
    b.totals.ordersHandedOver - a.totals.ordersHandedOver
    || sumTasksByKind(b.totals.tasksCompleted) - sumTasksByKind(a.totals.tasksCompleted)
    || a.displayName.localeCompare(b.displayName, 'zh-CN'));
}
