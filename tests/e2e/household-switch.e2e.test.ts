// One account, two households (a resident who also looks after the flat next door): the resident picks 1单元 102 in
// 团购 and the order is placed for that household, not the first one; the choice holds on 打卡 too.
import { logInAs, openPhonePage, screenshot } from '../support/browser';
import { productInBrowser } from '../support/e2e';

const product = productInBrowser();

async function api<T>(path: string, token: string | null, body?: unknown): Promise<T> {
  const response = await fetch(`${product.url}/api/v1${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}
const logIn = async (phone: string) => (await api<{ accessToken: string }>('/auth/dev-login', null, { phone })).accessToken;

test('a resident bound to two households orders for the one they chose', async () => {
  const residentToken = await logIn('13801110100');
  const me = await api<{ households: { id: string; buildingId: string; room: string }[] }>('/me', residentToken);
  expect(me.households.map((h) => h.room)).toEqual(['101']);
  const binding = await api<{ id: string; householdId: string }>('/household-bindings', residentToken, { buildingId: me.households[0]!.buildingId, unit: '1', room: '102', relation: 'child' });
  await api(`/household-bindings/${binding.id}/approve`, await logIn('13900000001'), {});

  const resident = await openPhonePage(product.browser);
  await logInAs(resident, product.url, '13801110100');
  await resident.locator('.role-tab-bar').getByText('团购').click();
  const page = resident.locator('.taro_page >> visible=true');
  const switcher = page.locator('.household-switcher');
  await switcher.getByText('为哪一户下单').waitFor();
  expect(await switcher.locator('.chip--selected').innerText()).toBe('1号楼 1单元 101');
  await switcher.getByText('1号楼 1单元 102').click();
  await switcher.locator('.chip--selected', { hasText: '1号楼 1单元 102' }).waitFor();
  await screenshot(resident, 'household-switch-group-buys');

  const card = page.locator('.group-buy', { hasText: '保供蔬菜包' }).first();
  await card.locator('.group-buy__item').first().locator('.stepper__button').nth(1).click();
  await page.getByText('去下单').click();
  await page.getByText('确认下单').click();
  await page.getByText('下单成功').waitFor();
  await page.getByText('继续逛').click();

  const orders = await api<{ items: { householdId: string }[] }>('/orders', residentToken);
  expect(orders.items.map((o) => o.householdId)).toEqual([binding.householdId]);

  // The choice is the account's, not the page's: 打卡 opens on 102 as well.
  await resident.locator('.role-tab-bar').getByText('打卡').click();
  const checkin = resident.locator('.taro_page >> visible=true');
  await checkin.locator('.household-switcher .chip--selected', { hasText: '1号楼 1单元 102' }).waitFor();
  expect(await checkin.locator('.checkin__summary .card__title').innerText()).toBe('1号楼 1单元 102');
  await screenshot(resident, 'household-switch-checkin');
}, 90_000);
