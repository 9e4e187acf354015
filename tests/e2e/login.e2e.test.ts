// A newcomer in a browser: the server serves the h5 build; residents and grid workers log in with a demo phone
// and land on their own tabs. Screenshots are left in tests/artifacts/ to look at.
import { logInAs, openPhonePage, screenshot } from '../support/browser';
import { productInBrowser } from '../support/e2e';

const product = productInBrowser();

test('a resident logs in with a demo phone and sees their own household under 我的', async () => {
  const page = await openPhonePage(product.browser);
  await logInAs(page, product.url, '13801110100');
  await page.locator('.role-tab-bar').getByText('楼栋群').waitFor();
  expect(await page.locator('.role-tab-bar').innerText()).not.toContain('工作台');

  await page.locator('.role-tab-bar').getByText('我的').click();
  await page.getByText('退出登录').waitFor();
  const body = await page.locator('body').innerText();
  expect(body).toContain('1号楼');
  expect(body).toContain('1单元');
  expect(body).toContain('101');
  await screenshot(page, 'resident-me');

  await page.getByText('退出登录').click();
  await page.getByText('演示账号').waitFor();
  await page.close();
}, 60_000);

test('a grid worker logs in and gets the staff tabs, not the resident ones', async () => {
  const page = await openPhonePage(product.browser);
  await logInAs(page, product.url, '13900000001');
  const tabs = await page.locator('.role-tab-bar').innerText();
  expect(tabs).toContain('工作台');
  expect(tabs).toContain('住户');
  expect(tabs).not.toContain('楼栋群');
  await page.getByText('待审核的住户绑定').waitFor();
  await screenshot(page, 'grid-worker-workbench');
  await page.close();
}, 60_000);

test('a grid worker reveals a masked phone to call; the admin sees the reveal in the audit log', async () => {
  const page = await openPhonePage(product.browser);
  await logInAs(page, product.url, '13900000001');
  await page.locator('.role-tab-bar').getByText('住户').click();
  // 工作台's completion bars also say 1号楼 and stay visible until 住户 has slid in: wait for 住户's own page.
  const residentsPage = page.locator('.taro_page >> visible=true', { hasText: '导入住户名册（CSV）' });
  await residentsPage.getByText('1号楼', { exact: true }).click();
  await page.locator('.building__room >> visible=true').first().click(); // 1单元 101

  const visible = page.locator('.taro_page >> visible=true').last();
  await visible.getByText('1号楼 1单元 101').waitFor();
  expect(await visible.innerText()).toContain('138****0100');
  expect(await visible.innerText()).not.toContain('13801110100');

  await visible.getByText('查看号码并拨打').first().click();
  await visible.getByText('电话：13801110100').waitFor();
  expect(await visible.innerText()).not.toContain('138****0100');
  await screenshot(page, 'grid-worker-household-call');

  await page.close();

  const admin = await openPhonePage(product.browser);
  await logInAs(admin, product.url, '13900000000');
  await admin.locator('.role-tab-bar').getByText('我的').click();
  await admin.getByText('审计日志', { exact: true }).click();
  const entry = admin.locator('.row', { hasText: '查看电话 · 1号楼 1单元 101' });
  await entry.waitFor();
  expect(await entry.innerText()).toContain('网格员 陈晓');
  // One phone reveal; 工作台's own health-data reads are in the log too.
  expect(await admin.locator('.row >> visible=true', { hasText: '查看电话' }).count()).toBe(1);
  await screenshot(admin, 'admin-audit-log');
  await admin.close();
}, 60_000);

test('a wrong phone gets a clear message and stays on the log-in page', async () => {
  const page = await openPhonePage(product.browser);
  await page.goto(product.url);
  await page.getByText('演示账号').waitFor();
  await page.locator('input').first().fill('12345');
  await page.getByText('登录', { exact: true }).click();
  await page.getByText('手机号').first().waitFor();
  expect(await page.locator('.login__error').innerText()).toMatch(/手机号/);
  expect(await page.locator('.role-tab-bar').count()).toBe(0);
  await page.close();
}, 60_000);
