// Volunteer stats and 感谢榜 in the browser: after a volunteer hands an order over, the grid worker sees it on
// 志愿者 → 统计 (with the day's breakdown) and publishes a thank-you board; a resident reads it on 我的 → 感谢榜.
import { logInAs, openPhonePage, screenshot } from '../support/browser';
import { productInBrowser } from '../support/e2e';

const product = productInBrowser();

async function apiAs(phone: string) {
  const login = await fetch(`${product.url}/api/v1/auth/dev-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone }) });
  const { accessToken } = (await login.json()) as { accessToken: string };
  return async <T>(path: string, body?: Record<string, unknown>): Promise<T> => {
    const res = await fetch(`${product.url}/api/v1${path}`, {
      method: body ? 'POST' : 'GET',
      headers: { authorization: `Bearer ${accessToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`${path} → ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
}

test('the grid worker sees what a volunteer did today, publishes a 感谢榜, and a resident reads it', async () => {
  const asVolunteer = await apiAs('13900000031');
  const hall = await asVolunteer<{ items: { id: string; buildingName: string }[] }>('/tasks?status=open&kind=delivery');
  const seeded = hall.items.find((t) => t.buildingName === '1号楼')!;
  await asVolunteer(`/tasks/${seeded.id}/claim`, {});
  const detail = await asVolunteer<{ orders: { orderId: string; unit: string; room: string }[] }>(`/tasks/${seeded.id}`);
  const first = detail.orders[0]!;
  const asResident = await apiAs(`13801${first.unit}${first.room.padStart(3, '0')}00`);
  const { deliveryCode } = await asResident<{ deliveryCode: string }>(`/orders/${first.orderId}`);
  await asVolunteer(`/tasks/${seeded.id}/deliveries`, { orderId: first.orderId, code: deliveryCode });

  const worker = await openPhonePage(product.browser);
  await logInAs(worker, product.url, '13900000001');
  await worker.locator('.taro_page >> visible=true').getByText('志愿者', { exact: true }).click();
  const staff = worker.locator('.taro_page >> visible=true');
  await staff.locator('.chip', { hasText: '统计' }).click();
  await staff.locator('.chip', { hasText: '今天' }).click();
  const card = staff.locator('.volunteer-stats__card', { hasText: '志愿者 郑阳' });
  await card.waitFor();
  expect(await card.innerText()).toContain('送达 1 单');
  expect(await card.innerText()).toContain('139****0031');
  await card.click();
  await card.getByText(/\d{4}-\d{2}-\d{2}：任务 0（无），送达 1 单/).waitFor();
  await screenshot(worker, 'volunteer-stats');

  const form = staff.locator('.volunteer-stats__publish');
  await form.locator('textarea').fill('送货上门，辛苦了！');
  await form.getByText('发布感谢榜', { exact: true }).last().click();
  await staff.getByText('已发布感谢榜，1 位志愿者上榜，各楼栋群已收到消息').waitFor();

  const resident = await openPhonePage(product.browser);
  await logInAs(resident, product.url, '13801110100');
  await resident.locator('.role-tab-bar').getByText('我的').click();
  await resident.locator('.taro_page >> visible=true').getByText('感谢榜', { exact: true }).click();
  const board = resident.locator('.taro_page >> visible=true').locator('.thanks__card', { hasText: '感谢志愿者' });
  await board.waitFor();
  expect(await board.innerText()).toContain('送货上门，辛苦了！');
  expect(await board.innerText()).toContain('志愿者 郑阳');
  expect(await board.innerText()).toContain('完成任务 0 个 · 送达 1 单');
  expect(await board.innerText()).not.toContain('139');
  await screenshot(resident, 'thanks-board');
}, 60_000);
