// Volunteer delivery in the browser: a volunteer claims the seeded 1号楼 delivery task in the 任务 tab and hands one
// order over with the resident's 4-digit code; the resident sees it delivered in 我的订单.
import { orderStatusLabels } from '@linli/shared';
import { logInAs, openPhonePage, screenshot } from '../support/browser';
import { productInBrowser } from '../support/e2e';

const product = productInBrowser();

async function apiAs(phone: string) {
  const login = await fetch(`${product.url}/api/v1/auth/dev-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone }) });
  const { accessToken } = (await login.json()) as { accessToken: string };
  return async <T>(path: string): Promise<T> => {
    const res = await fetch(`${product.url}/api/v1${path}`, { headers: { authorization: `Bearer ${accessToken}` } });
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
