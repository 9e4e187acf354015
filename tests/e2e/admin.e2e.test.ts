// The community admin puts a new grid worker on 第二网格 by phone; that person then works 4–6号楼; removing them
// takes the grid away again.
import { logInAs, openPhonePage, screenshot } from '../support/browser';
import { productInBrowser } from '../support/e2e';

const product = productInBrowser();

test('an admin adds a grid worker by phone, who then sees that grid\'s buildings, and removes them again', async () => {
  const admin = await openPhonePage(product.browser);
  await logInAs(admin, product.url, '13900000000');
  await admin.locator('.role-tab-bar').getByText('我的').click();
  await admin.getByText('网格与网格员', { exact: true }).click();
  const second = admin.locator('.grids__grid', { hasText: '第二网格' });
  await second.getByText('网格员 林峰').waitFor();
  expect(await second.innerText()).toContain('4号楼、5号楼、6号楼');

  await second.locator('.field__input input').nth(0).fill('13900000099');
  await second.locator('.field__input input').nth(1).fill('网格员 吴敏');
  await second.getByText('添加到第二网格').click();
  await second.getByText('网格员 吴敏').waitFor();
  await screenshot(admin, 'admin-grids');

  const newcomer = await openPhonePage(product.browser);
  await logInAs(newcomer, product.url, '13900000099');
  await newcomer.locator('.role-tab-bar').getByText('住户').click();
  // Within the 住户 page itself: 工作台, still on screen while the tab switches, names the grid's buildings too.
  const residentsPage = newcomer.locator('.taro_page >> visible=true', { hasText: '导入住户名册（CSV）' });
  await residentsPage.getByText('6号楼', { exact: true }).waitFor();
  const buildings = await residentsPage.innerText();
  expect(buildings).toContain('4号楼');
  expect(buildings).not.toContain('1号楼');
  await newcomer.close();

  await second.locator('.grids__worker', { hasText: '网格员 吴敏' }).getByText('移除').click();
  await admin.getByText('确定', { exact: true }).click();
  await second.getByText('网格员 吴敏').waitFor({ state: 'detached' });

  const res = await fetch(`${product.url}/api/v1/auth/dev-login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone: '13900000099' }),
  });
  const { accessToken } = (await res.json()) as { accessToken: string };
  const after = await fetch(`${product.url}/api/v1/buildings`, { headers: { authorization: `Bearer ${accessToken}` } });
  expect(after.status).toBe(200);
  expect(((await after.json()) as { items: unknown[] }).items).toEqual([]);
  await admin.close();
}, 90_000);
