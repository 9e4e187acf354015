// Volunteer delivery in the browser: a volunteer claims the seeded 1号楼 delivery task in the 任务 tab and hands one
// order over with the resident's 4-digit code; the resident sees it delivered in 我的订单. A grid worker sends a
// building's packed orders out as a delivery task from 工作台 → 志愿任务 and sees it on the board.
import { orderStatusLabels } from '@linli/shared';
import { logInAs, openPhonePage, screenshot } from '../support/browser';
import { productInBrowser } from '../support/e2e';

const product = productInBrowser();

async function apiAs(phone: string) {
  const login = await fetch(`${product.url}/api/v1/auth/dev-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone }) });
  const { accessToken } = (await login.json()) as { accessToken: string };
  return async <T>(path: string, method: 'GET' | 'POST' = 'GET'): Promise<T> => {
    const res = await fetch(`${product.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${accessToken}`, ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
      ...(method === 'POST' ? { body: '{}' } : {}),
    });
    if (!res.ok) throw new Error(`${path} → ${res.status}`);
    return (await res.json()) as T;
  };
}

test('a volunteer claims the seeded delivery task and hands an order over with the code; the resident sees it delivered', async () => {
  // Which household is first on the seeded task, and its code as only that household can read it.
  const asVolunteer = await apiAs('13900000031');
  const hall = await asVolunteer<{ items: { id: string; buildingName: string; kind: string }[] }>('/tasks?status=open&kind=delivery');
  const seeded = hall.items.find((t) => t.buildingName === '1号楼')!;
  const detail = await asVolunteer<{ orders: { orderId: string; unit: string; room: string }[] }>(`/tasks/${seeded.id}`);
  const first = detail.orders[0]!;
  const residentPhone = `13801${first.unit}${first.room.padStart(3, '0')}00`;
  const asResident = await apiAs(residentPhone);
  const { deliveryCode } = await asResident<{ deliveryCode: string }>(`/orders/${first.orderId}`);
  const where = `${first.unit}单元 ${first.room}`;

  const volunteer = await openPhonePage(product.browser);
  await logInAs(volunteer, product.url, '13900000031');
  await volunteer.locator('.role-tab-bar').getByText('任务').click();
  const tasksTab = volunteer.locator('.taro_page >> visible=true');
  const card = tasksTab.locator('.task-card', { hasText: '1号楼 整楼配送' });
  await card.waitFor();
  await screenshot(volunteer, 'tasks-hall');
  await card.getByText('认领', { exact: true }).click();

  const taskPage = volunteer.locator('.taro_page >> visible=true');
  const row = taskPage.locator('.task-order', { hasText: where });
  await row.waitFor();
  expect(await row.innerText()).toMatch(/\d{3}\*{4}\d{4}/);
  await row.locator('.task-order__code input').fill(deliveryCode);
  await screenshot(volunteer, 'tasks-code-entry');
  await row.getByText('确认交付').click();
  await taskPage.getByText(`${where} 已交付`).waitFor();
  await row.locator('.tag', { hasText: '已当面交付' }).waitFor();
  await screenshot(volunteer, 'tasks-handed-over');

  const resident = await openPhonePage(product.browser);
  await logInAs(resident, product.url, residentPhone);
  await resident.locator('.role-tab-bar').getByText('我的').click();
  await resident.locator('.taro_page >> visible=true').getByText('我的订单').click();
  const orders = resident.locator('.taro_page >> visible=true');
  await orders.locator('.timeline__step--current', { hasText: orderStatusLabels.delivered }).first().waitFor();
  await screenshot(resident, 'tasks-resident-delivered');
  await volunteer.close();
  await resident.close();
}, 120_000);

test('a grid worker sends 4号楼\'s packed orders out as a delivery task and sees it on the task board', async () => {
  const asWorker = await apiAs('13900000002');
  const { items: buildings } = await asWorker<{ items: { id: string; name: string }[] }>('/buildings');
  const b4 = buildings.find((b) => b.name === '4号楼')!;
  const { packed } = await asWorker<{ packed: number }>(`/buildings/${b4.id}/orders/pack`, 'POST');
  expect(packed).toBeGreaterThan(0);

  const worker = await openPhonePage(product.browser);
  await logInAs(worker, product.url, '13900000002');
  await worker.locator('.taro_page >> visible=true').getByText('志愿任务', { exact: true }).click();
  const board = worker.locator('.taro_page >> visible=true');
  await board.getByText('4号楼 生成配送任务').click();
  await worker.getByText('确定', { exact: true }).click();
  await board.getByText(`4号楼：已生成 1 个配送任务，共 ${packed} 户`).waitFor();
  await board.locator('.staff-tasks__task', { hasText: '4号楼 整楼配送' }).waitFor();
  expect(await board.innerText()).not.toContain('1号楼 整楼配送'); // 1号楼 is the other grid's
  await screenshot(worker, 'tasks-staff-board');
  await worker.close();
}, 120_000);
