// Demo tasks: the packed orders of 1号楼 go out as one open delivery task, so the volunteers' 任务 tab has one to claim.
import { and, asc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from './client';
import { buildings, households, orders, roleAssignments, taskOrders, tasks } from './schema';
import { householdIsCareTagged } from '../modules/tasks/queries';

export async function seedDemoTasks(db: DbOrTx, communityId: string): Promise<void> {
  const [building] = await db.select().from(buildings).where(and(eq(buildings.communityId, communityId), eq(buildings.name, '1号楼')));
  const [admin] = await db.select({ userId: roleAssignments.userId }).from(roleAssignments).where(and(eq(roleAssignments.communityId, communityId), eq(roleAssignments.role, 'admin')));
  if (!building || !admin) return;
  const packed = await db
    .update(orders)
    .set({ status: 'out_for_delivery' })
    .where(and(eq(orders.buildingId, building.id), eq(orders.status, 'packed')))
    .returning({ orderId: orders.id, householdId: orders.householdId });
  if (packed.length === 0) return;
  const homes = await db
    .select({ id: households.id, unit: households.unit, room: households.room, careTagged: householdIsCareTagged(sql`${households.id}`) })
    .from(households)
    .where(eq(households.buildingId, building.id))
    .orderBy(asc(households.unit), asc(households.room));
  const inTask = homes.filter((h) => packed.some((p) => p.householdId === h.id));
  const [task] = await db
    .insert(tasks)
    .values({
      communityId,
      kind: 'delivery',
      title: `${building.name} 整楼配送`,
      details: `${packed.length} 户：${inTask.map((h) => `${h.unit}单元 ${h.room}`).join('、')}`,
      buildingId: building.id,
      careTagged: inTask.some((h) => Boolean(h.careTagged)),
      orderCount: packed.length,
      createdBy: admin.userId,
    })
    .returning({ id: tasks.id });
  await db.insert(taskOrders).values(packed.map((p) => ({ orderId: p.orderId, taskId: task!.id, householdId: p.householdId })));
}
