// Volunteer tasks through the public API: delivery tasks from a building's packed orders, the hall, claiming,
// handover against the household's code (with lockout), 放门口, phone reveal, and tasks from medicine and help requests.
import { canTransition, orderTransitions, taskTransitions, type OrderStatus, type TaskStatus } from '@linli/shared';
import { and, eq } from 'drizzle-orm';
import {
  auditLog, careVisits, chatMessages, helpRequests, households, medicineRequests, orders, persons, roleAssignments, taskOrders, tasks, users,
  volunteerApplications,
} from '@linli/server/db/schema/index';
import { claimTask } from '@linli/server/modules/tasks/service';
import { createTestApp, type TestApp } from '../support/app';
import { demoResident } from '../support/supplies';
import { buildingNamed, openTasks, packedOrders, suspendVolunteer, volunteerPhones, type PackedOrder } from '../support/tasks';

const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4830000000049454e44ae426082', 'hex');

let t: TestApp;
let admin: string;
let worker1: string;
let worker2: string;
let v1: { token: string; userId: string };
let v2: { token: string; userId: string };
beforeAll(async () => {
  t = await createTestApp({ env: { DATA_DIR: `/tmp/linli-tasks-test-${process.pid}` } });
  admin = (await t.login('13900000000')).token;
  worker1 = (await t.login('13900000001')).token;
  worker2 = (await t.login('13900000002')).token;
  v1 = await t.login(volunteerPhones[0]);
  v2 = await t.login(volunteerPhones[1]);
}, 60_000);
afterAll(async () => t?.close());

const post = (token: string, url: string, payload?: Record<string, unknown>) => t.call(token, { method: 'POST', url: `/api/v1${url}`, payload: payload ?? {} });
const get = (token: string, url: string) => t.call(token, { url: `/api/v1${url}` });

async function deliveryTaskOf(building: string, rooms: string[]) {
  const placed = await packedOrders(t, Number(building.replace('号楼', '')), rooms);
  const b = await buildingNamed(t, building);
  const res = await post(admin, '/delivery-tasks', { buildingId: b.id });
  expect(res.statusCode).toBe(201);
  return { task: res.json().tasks[0], placed, building: b };
}
async function statusOfTask(id: string): Promise<TaskStatus> {
  const [row] = await t.db.select({ status: tasks.status }).from(tasks).where(eq(tasks.id, id));
  return row!.status;
}
async function statusOfOrder(id: string): Promise<OrderStatus> {
  const [row] = await t.db.select({ status: orders.status }).from(orders).where(eq(orders.id, id));
  return row!.status;
}
async function countRows() {
  return {
    tasks: (await t.db.select({ id: tasks.id }).from(tasks)).length,
    taskOrders: (await t.db.select({ id: taskOrders.orderId }).from(taskOrders)).length,
  };
}

describe('delivery tasks', () => {
  it('the demo has an open delivery task of 1号楼 carrying its packed orders, out for delivery', async () => {
    const hall = (await get(v1.token, '/tasks?status=open&kind=delivery')).json().items;
    const seeded = hall.find((i: { buildingName: string }) => i.buildingName === '1号楼');
    expect(seeded).toMatchObject({ kind: 'delivery', status: 'open', orderCount: 3 });
    const detail = (await get(v1.token, `/tasks/${seeded.id}`)).json();
    expect(detail.orders.map((o: { status: string }) => o.status)).toEqual(['out_for_delivery', 'out_for_delivery', 'out_for_delivery']);
  });

  let created: { task: { id: string; orderIds: string[] }; placed: PackedOrder[] };

  it('staff of the building turn its packed orders into one task; the orders go out for delivery; a second call finds none', async () => {
    created = await deliveryTaskOf('2号楼', ['101', '102', '201']);
    expect(created.task).toMatchObject({ kind: 'delivery', status: 'open', orderCount: 3, handedOverCount: 0 });
    expect(created.task.orderIds.sort()).toEqual(created.placed.map((p) => p.orderId).sort());
    for (const p of created.placed) {
      expect(await statusOfOrder(p.orderId)).toBe('out_for_delivery');
      expect(canTransition(orderTransitions, 'packed', 'out_for_delivery')).toBe(true);
    }
    const b = await buildingNamed(t, '2号楼');
    const again = await post(worker1, '/delivery-tasks', { buildingId: b.id });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('NOTHING_TO_DELIVER');
  });

  it('splits more than 30 packed orders of a building into tasks of at most 30', async () => {
    const b = await buildingNamed(t, '6号楼');
    const [placedBy] = await t.db.select({ id: users.id }).from(users).where(eq(users.phone, '13900000000'));
    const homes = await t.db.select({ id: households.id }).from(households).where(eq(households.buildingId, b.id));
    const [anyOrder] = await t.db.select().from(orders).limit(1);
    const extra = await t.db.insert(households).values(Array.from({ length: 40 }, (_, i) => ({ buildingId: b.id, unit: '9', room: String(100 + i) }))).returning({ id: households.id });
    await t.db.insert(orders).values([...homes, ...extra].slice(0, 61).map((h, i) => ({
      communityId: b.communityId, groupBuyId: anyOrder!.groupBuyId, householdId: h.id, buildingId: b.id, placedBy: placedBy!.id,
      idempotencyKey: `split-${i}`, requestHash: 'x', status: 'packed' as const, totalFen: 100, deliveryCode: '1234',
    })));
    const res = await post(worker2, '/delivery-tasks', { buildingId: b.id });
    expect(res.statusCode).toBe(201);
    expect(res.json().tasks.map((task: { orderCount: number }) => task.orderCount)).toEqual([30, 30, 1]);
    const all = res.json().tasks.flatMap((task: { orderIds: string[] }) => task.orderIds);
    expect(new Set(all).size).toBe(61);
  });

  it('refuses staff of another grid, volunteers and residents, and bad input, writing nothing', async () => {
    await packedOrders(t, 3, ['101']);
    const b3 = await buildingNamed(t, '3号楼');
    const before = await countRows();
    const resident = await demoResident(t, 3, 1, '101');
    for (const token of [worker2, v1.token, resident.token]) {
      const res = await post(token, '/delivery-tasks', { buildingId: b3.id });
      expect(res.statusCode).toBe(404);
    }
    for (const payload of [{}, { buildingId: 'x' }, { buildingId: b3.id, extra: 1 }, { buildingId: b3.id, groupBuyId: 7 }]) {
      const res = await post(worker1, '/delivery-tasks', payload);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
    }
    expect(await countRows()).toEqual(before);
    const [packed] = await t.db.select({ status: orders.status }).from(orders).where(and(eq(orders.buildingId, b3.id), eq(orders.status, 'packed')));
    expect(packed).toBeDefined();
  });

  it('volunteers see it in the hall with building, unit, room and a masked phone, never a delivery code; residents do not', async () => {
    const hall = await get(v1.token, '/tasks?status=open&kind=delivery');
    expect(hall.statusCode).toBe(200);
    expect(hall.json().items.map((i: { id: string }) => i.id)).toContain(created.task.id);
    const detail = await get(v1.token, `/tasks/${created.task.id}`);
    expect(detail.statusCode).toBe(200);
    const body = detail.json();
    expect(body.orders).toHaveLength(3);
    expect(body.orders[0]).toMatchObject({ buildingName: '2号楼', unit: '1', room: '101', handover: 'pending', locked: false });
    expect(body.orders[0].maskedPhone).toMatch(/^\d{3}\*{4}\d{4}$/);
    expect(detail.body).not.toMatch(/deliveryCode/);
    expect(detail.body).not.toMatch(/1380211010/);
    for (const p of created.placed) expect(detail.body).not.toContain(`"${p.code}"`);
    const resident = await demoResident(t, 2, 1, '101');
    expect((await get(resident.token, '/tasks')).json().items).toEqual([]);
    expect((await get(resident.token, `/tasks/${created.task.id}`)).statusCode).toBe(404);
    expect((await post(resident.token, `/tasks/${created.task.id}/claim`)).statusCode).toBe(404);
  });

  it('one volunteer claims; the other gets 409 ALREADY_CLAIMED and cannot hand over (403) or reveal a phone', async () => {
    const claim = await post(v1.token, `/tasks/${created.task.id}/claim`);
    expect(claim.statusCode).toBe(200);
    expect(claim.json()).toMatchObject({ status: 'claimed', claimedBy: v1.userId });
    expect(canTransition(taskTransitions, 'open', 'claimed')).toBe(true);
    const lost = await post(v2.token, `/tasks/${created.task.id}/claim`);
    expect(lost.statusCode).toBe(409);
    expect(lost.json().error.code).toBe('ALREADY_CLAIMED');
    const p = created.placed[0]!;
    const foreign = await post(v2.token, `/tasks/${created.task.id}/deliveries`, { orderId: p.orderId, code: p.code });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().error.code).toBe('NOT_CLAIMER');
    expect(await statusOfOrder(p.orderId)).toBe('out_for_delivery');
    const reveal = await get(v2.token, `/tasks/${created.task.id}/households/${p.householdId}/phone`);
    expect(reveal.statusCode).toBe(403);
  });

  it('the claimer reveals a household phone, and the read is in the audit log', async () => {
    const p = created.placed[0]!;
    const res = await get(v1.token, `/tasks/${created.task.id}/households/${p.householdId}/phone`);
    expect(res.statusCode).toBe(200);
    expect(res.json().phone).toBe('13802110100');
    const logged = await t.db.select().from(auditLog).where(and(eq(auditLog.actorId, v1.userId), eq(auditLog.subjectId, p.householdId)));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ action: 'person.phone.read', details: { taskId: created.task.id } });
  });

  it('bad handover input is 400 and counts no attempt; an order outside the task is 404', async () => {
    const p = created.placed[0]!;
    for (const payload of [{ orderId: p.orderId, code: '12a4' }, { orderId: p.orderId, code: '12345' }, { orderId: 'x', code: '1234' }, { orderId: p.orderId }]) {
      const res = await post(v1.token, `/tasks/${created.task.id}/deliveries`, payload);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
    }
    const outside = await post(v1.token, `/tasks/${created.task.id}/deliveries`, { orderId: '00000000-0000-4000-8000-000000000000', code: '1234' });
    expect(outside.statusCode).toBe(404);
    const [line] = await t.db.select().from(taskOrders).where(eq(taskOrders.orderId, p.orderId));
    expect(line!.failedAttempts).toBe(0);
  });

  it('five wrong codes lock the order and alert the grid staff; even the right code is then refused until staff unlock it', async () => {
    const p = created.placed[1]!;
    const wrong = String((Number(p.code) + 1) % 10000).padStart(4, '0');
    const publish = jest.spyOn(t.app.realtime, 'publishToUsers');
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await post(v1.token, `/tasks/${created.task.id}/deliveries`, { orderId: p.orderId, code: wrong }));
    expect(answers.map((a) => a.statusCode)).toEqual([400, 400, 400, 400, 400]);
    expect(answers.map((a) => a.json().error.code)).toEqual(Array(5).fill('BAD_DELIVERY_CODE'));
    expect(answers.map((a) => a.json().error.details.attemptsLeft)).toEqual([4, 3, 2, 1, 0]);
    expect(answers[4]!.json().error.details.locked).toBe(true);
    const [worker1Account] = await t.db.select({ id: users.id }).from(users).where(eq(users.phone, '13900000001'));
    const [worker2Account] = await t.db.select({ id: users.id }).from(users).where(eq(users.phone, '13900000002'));
    const lockedEvents = publish.mock.calls.filter(([, event]) => event.type === 'task.order_locked');
    expect(lockedEvents).toHaveLength(1);
    expect(lockedEvents[0]![0]).toContain(worker1Account!.id);
    expect(lockedEvents[0]![0]).not.toContain(worker2Account!.id);
    expect(lockedEvents[0]![1]).toMatchObject({ orderId: p.orderId, taskId: created.task.id, room: '102' });
    publish.mockRestore();

    const right = await post(v1.token, `/tasks/${created.task.id}/deliveries`, { orderId: p.orderId, code: p.code });
    expect(right.statusCode).toBe(409);
    expect(right.json().error.code).toBe('ORDER_LOCKED');
    expect(await statusOfOrder(p.orderId)).toBe('out_for_delivery');
    expect((await post(v1.token, `/tasks/${created.task.id}/orders/${p.orderId}/unlock`)).statusCode).toBe(404);
    expect((await post(worker2, `/tasks/${created.task.id}/orders/${p.orderId}/unlock`)).statusCode).toBe(404);
    const unlocked = await post(worker1, `/tasks/${created.task.id}/orders/${p.orderId}/unlock`);
    expect(unlocked.statusCode).toBe(200);
    expect(unlocked.json().orders.find((o: { orderId: string }) => o.orderId === p.orderId)).toMatchObject({ locked: false, failedAttempts: 0 });
  });

  it('the right code delivers the order and posts a system message in the building chat; the household sees it delivered', async () => {
    const p = created.placed[0]!;
    const res = await post(v1.token, `/tasks/${created.task.id}/deliveries`, { orderId: p.orderId, code: p.code });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ orderId: p.orderId, orderStatus: 'delivered', task: { status: 'claimed', handedOverCount: 1 } });
    expect(canTransition(orderTransitions, 'out_for_delivery', 'delivered')).toBe(true);
    const mine = await get(p.token, `/orders/${p.orderId}`);
    expect(mine.json()).toMatchObject({ status: 'delivered' });
    expect(mine.json().deliveredAt).not.toBeNull();
    const again = await post(v1.token, `/tasks/${created.task.id}/deliveries`, { orderId: p.orderId, code: p.code });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('ALREADY_HANDED_OVER');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const messages = await t.db.select({ text: chatMessages.text, kind: chatMessages.kind }).from(chatMessages).where(eq(chatMessages.groupId, (await buildingNamed(t, '2号楼')).id));
    expect(messages).toContainEqual({ kind: 'system', text: '1单元 101 的订单已由志愿者送达，请查收。' });
  });

  it('放门口 with a photo hands the last order over (the task completes); the order is delivered once the household confirms', async () => {
    const second = created.placed[1]!;
    expect((await post(v1.token, `/tasks/${created.task.id}/deliveries`, { orderId: second.orderId, code: second.code })).statusCode).toBe(200);
    const p = created.placed[2]!;
    const notImage = await t.call(v1.token, { method: 'PUT', url: `/api/v1/tasks/${created.task.id}/orders/${p.orderId}/door-photo`, headers: { 'content-type': 'image/png' }, payload: Buffer.from('not a png') });
    expect(notImage.statusCode).toBe(400);
    const left = await t.call(v1.token, { method: 'PUT', url: `/api/v1/tasks/${created.task.id}/orders/${p.orderId}/door-photo`, headers: { 'content-type': 'image/png' }, payload: png });
    expect(left.statusCode).toBe(200);
    expect(left.json()).toMatchObject({ status: 'completed', handedOverCount: 3 });
    expect(canTransition(taskTransitions, 'claimed', 'completed')).toBe(true);
    expect(left.json().orders.find((o: { orderId: string }) => o.orderId === p.orderId)).toMatchObject({ handover: 'left_at_door', status: 'out_for_delivery', confirmedAt: null });
    const photo = await get(p.token, `/orders/${p.orderId}/door-photo`);
    expect(photo.statusCode).toBe(200);
    expect(photo.headers['content-type']).toBe('image/png');
    const stranger = await demoResident(t, 2, 1, '101');
    expect((await get(stranger.token, `/orders/${p.orderId}/door-photo`)).statusCode).toBe(404);
    expect((await post(stranger.token, `/orders/${p.orderId}/confirm-delivery`)).statusCode).toBe(404);
    expect((await post(v1.token, `/orders/${p.orderId}/confirm-delivery`)).statusCode).toBe(404);
    const confirmed = await post(p.token, `/orders/${p.orderId}/confirm-delivery`);
    expect(confirmed.statusCode).toBe(200);
    expect(await statusOfOrder(p.orderId)).toBe('delivered');
    expect((await post(p.token, `/orders/${p.orderId}/confirm-delivery`)).statusCode).toBe(409);
  });

  it('a completed task can be neither claimed, released nor completed again', async () => {
    expect(await statusOfTask(created.task.id)).toBe('completed');
    for (const verb of ['claim', 'release', 'complete']) {
      const res = await post(v1.token, `/tasks/${created.task.id}/${verb}`);
      expect(res.statusCode).toBe(409);
      expect(res.json().error.code).toBe('INVALID_TRANSITION');
    }
    expect(taskTransitions.completed).toEqual([]);
    const mine = await get(v1.token, '/tasks/mine');
    expect(mine.json().items.map((i: { id: string }) => i.id)).toContain(created.task.id);
  });
});

describe('claiming', () => {
  it('a volunteer holds at most 3 tasks; releasing one makes room', async () => {
    const ids = await openTasks(t, 4);
    for (const id of ids.slice(0, 3)) expect((await post(v2.token, `/tasks/${id}/claim`)).statusCode).toBe(200);
    const fourth = await post(v2.token, `/tasks/${ids[3]}/claim`);
    expect(fourth.statusCode).toBe(409);
    expect(fourth.json().error).toMatchObject({ code: 'TASK_HOLD_LIMIT', details: { limit: 3, held: 3 } });
    expect(await statusOfTask(ids[3]!)).toBe('open');
    const released = await post(v2.token, `/tasks/${ids[0]}/release`);
    expect(released.statusCode).toBe(200);
    expect(released.json()).toMatchObject({ status: 'open', claimedBy: null });
    expect(canTransition(taskTransitions, 'claimed', 'open')).toBe(true);
    expect((await post(v2.token, `/tasks/${ids[0]}/release`)).json().error.code).toBe('INVALID_TRANSITION');
    expect((await post(v2.token, `/tasks/${ids[3]}/claim`)).statusCode).toBe(200);
    for (const id of ids.slice(1)) expect((await post(v2.token, `/tasks/${id}/complete`, { note: '已办好' })).statusCode).toBe(200);
  });

  it('a claimed delivery task is completed by its handovers, not by /complete; the claimer cannot release another\'s task', async () => {
    const { task } = await deliveryTaskOf('5号楼', ['101']);
    expect((await post(v1.token, `/tasks/${task.id}/claim`)).statusCode).toBe(200);
    const complete = await post(v1.token, `/tasks/${task.id}/complete`);
    expect(complete.statusCode).toBe(409);
    expect(complete.json().error.code).toBe('TASK_HAS_ORDERS');
    const foreign = await post(v2.token, `/tasks/${task.id}/release`);
    expect(foreign.statusCode).toBe(403);
    const byStaff = await post(worker2, `/tasks/${task.id}/release`);
    expect(byStaff.statusCode).toBe(200);
    expect(await statusOfTask(task.id)).toBe('open');
  });

  it('a suspended volunteer cannot claim, even if the suspension lands between their request being read and the claim', async () => {
    const [id] = await openTasks(t, 1);
    const suspended = await t.login('13900000033');
    const [b] = await t.db.select({ communityId: tasks.communityId }).from(tasks).where(eq(tasks.id, id!));
    await t.db.insert(roleAssignments).values({ userId: suspended!.userId, role: 'volunteer', communityId: b!.communityId });
    await suspendVolunteer(t, suspended!.userId);
    const res = await post(suspended!.token, `/tasks/${id}/claim`);
    expect(res.statusCode).toBe(404);
    // The service is what the route runs after its visibility check: the role is checked again inside the claim.
    await expect(claimTask(t.db, suspended!.userId, id!, { claimTimeoutMinutes: 120 })).rejects.toMatchObject({ statusCode: 403, code: 'NOT_A_VOLUNTEER' });
    expect(await statusOfTask(id!)).toBe('open');
  });

  it('the dashboard counts the grids\' tasks by status, as stored', async () => {
    const d = (await get(worker1, '/dashboard')).json();
    const grid1 = ['1号楼', '2号楼', '3号楼'];
    const rows = await t.db.select({ status: tasks.status, buildingId: tasks.buildingId }).from(tasks);
    const buildingIds = await Promise.all(grid1.map(async (name) => (await buildingNamed(t, name)).id));
    const inGrid = rows.filter((r) => buildingIds.includes(r.buildingId));
    expect(d.tasksByStatus).toEqual({
      open: inGrid.filter((r) => r.status === 'open').length,
      claimed: inGrid.filter((r) => r.status === 'claimed').length,
      completed: inGrid.filter((r) => r.status === 'completed').length,
      cancelled: 0,
    });
    expect(d.tasksByStatus.open).toBeGreaterThan(0);
  });

  it('staff see their grids\' tasks on the board by status, not another grid\'s', async () => {
    const [inGrid1] = await openTasks(t, 1, '3号楼');
    const [inGrid2] = await openTasks(t, 1, '4号楼');
    const board1 = (await get(worker1, '/tasks?status=open&limit=100')).json().items.map((i: { id: string }) => i.id);
    expect(board1).toContain(inGrid1);
    expect(board1).not.toContain(inGrid2);
    expect((await get(worker1, `/tasks/${inGrid2}`)).statusCode).toBe(404);
    const completed = (await get(worker1, '/tasks?status=completed')).json().items;
    expect(completed.every((i: { status: string }) => i.status === 'completed')).toBe(true);
    expect((await get(worker1, '/tasks?status=nope')).statusCode).toBe(400);
  });
});

describe('tasks from other features', () => {
  it('accepting a medicine request creates a medicine task; completing it fulfils the request', async () => {
    const me = await demoResident(t, 2, 2, '101');
    const asked = await post(me.token, '/medicine-requests', { householdId: me.householdId, medicineName: '二甲双胍', amount: '1盒', urgency: 'critical' });
    expect(asked.statusCode).toBe(201);
    const accepted = await post(worker1, `/medicine-requests/${asked.json().id}/accept`);
    expect(accepted.statusCode).toBe(200);
    const taskId = accepted.json().taskId;
    expect(taskId).toEqual(expect.any(String));
    const hall = (await get(v1.token, '/tasks?status=open&kind=medicine')).json().items;
    expect(hall[0]).toMatchObject({ id: taskId, kind: 'medicine', urgent: true, unit: '2', room: '101', medicineRequestId: asked.json().id });
    expect((await post(v1.token, `/tasks/${taskId}/claim`)).statusCode).toBe(200);
    const phone = await get(v1.token, `/tasks/${taskId}/households/${me.householdId}/phone`);
    expect(phone.json().phone).toBe('13802210100');
    expect((await post(v1.token, `/tasks/${taskId}/complete`, { note: '已送到门口' })).statusCode).toBe(200);
    const [request] = await t.db.select({ status: medicineRequests.status }).from(medicineRequests).where(eq(medicineRequests.id, asked.json().id));
    expect(request!.status).toBe('fulfilled');
  });

  it('staff turn a help request into an errand task (once); completing it resolves the request', async () => {
    const me = await demoResident(t, 3, 2, '102');
    const help = await post(me.token, '/help-requests', { householdId: me.householdId, kind: 'food', urgency: 'urgent', details: '家里没米了' });
    expect(help.statusCode).toBe(201);
    expect((await post(worker2, `/help-requests/${help.json().id}/errand-task`)).statusCode).toBe(404);
    const made = await post(worker1, `/help-requests/${help.json().id}/errand-task`);
    expect(made.statusCode).toBe(201);
    expect(made.json()).toMatchObject({ kind: 'errand', status: 'open', urgent: true, details: '家里没米了', helpRequestId: help.json().id });
    expect((await post(worker1, `/help-requests/${help.json().id}/errand-task`)).statusCode).toBe(409);
    expect((await post(v2.token, `/tasks/${made.json().id}/claim`)).statusCode).toBe(200);
    expect((await post(v2.token, `/tasks/${made.json().id}/complete`)).statusCode).toBe(200);
    const [row] = await t.db.select({ status: helpRequests.status }).from(helpRequests).where(eq(helpRequests.id, help.json().id));
    expect(row!.status).toBe('resolved');
  });

  it('a visit task for a care-tagged person is first in the hall; completing it records the care visit', async () => {
    const tagged = (await t.db.select().from(persons)).find((p) => p.careTags.length > 0);
    const made = await post(admin, '/visit-tasks', { personId: tagged!.id });
    expect(made.statusCode).toBe(201);
    expect(made.json()).toMatchObject({ kind: 'visit', careTagged: true });
    expect((await post(v1.token, '/visit-tasks', { personId: tagged!.id })).statusCode).toBe(404);
    const hall = (await get(v1.token, '/tasks?status=open&limit=100')).json().items as { id: string; urgent: boolean; careTagged: boolean }[];
    const firstPlain = hall.findIndex((i) => !i.urgent && !i.careTagged);
    const visitAt = hall.findIndex((i) => i.id === made.json().id);
    expect(firstPlain === -1 || visitAt < firstPlain).toBe(true);
    expect((await post(v1.token, `/tasks/${made.json().id}/claim`)).statusCode).toBe(200);
    expect((await post(v1.token, `/tasks/${made.json().id}/complete`, { note: '老人精神不错' })).statusCode).toBe(200);
    const visits = await t.db.select().from(careVisits).where(eq(careVisits.volunteerTaskId, made.json().id));
    expect(visits).toHaveLength(1);
    expect(visits[0]).toMatchObject({ personId: tagged!.id, visitedBy: v1.userId, note: '老人精神不错' });
  });
});

describe('with the volunteer registry', () => {
  it('a volunteer suspended by staff cannot claim, and can again once reinstated', async () => {
    const [application] = await t.db.select({ id: volunteerApplications.id }).from(volunteerApplications).where(eq(volunteerApplications.userId, v2.userId));
    const [id] = await openTasks(t, 1);
    const decide = (verb: string, reason?: string) => post(worker1, `/volunteer-applications/${application!.id}/${verb}`, reason ? { reason } : {});
    expect((await decide('suspend', '连续两次未到岗')).statusCode).toBe(200);
    const refused = await post(v2.token, `/tasks/${id}/claim`);
    expect([403, 404]).toContain(refused.statusCode);
    expect(await statusOfTask(id!)).toBe('open');
    expect((await decide('reinstate')).statusCode).toBe(200);
    expect((await post(v2.token, `/tasks/${id}/claim`)).statusCode).toBe(200);
  });
});
