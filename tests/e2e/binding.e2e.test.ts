// The binding flow in the browser: a newcomer asks to be linked to 1号楼 1单元 102, the grid worker of that
// building approves it on 工作台, and the newcomer then sees the room on 我的.
import { logInAs, openPhonePage, screenshot } from '../support/browser';
import { productInBrowser } from '../support/e2e';

const product = productInBrowser();

test('newcomer requests a binding, the grid worker approves it, the newcomer sees the room', async () => {
  const newcomer = await openPhonePage(product.browser);
  await logInAs(newcomer, product.url, '13812345678');
  await newcomer.locator('.role-tab-bar').getByText('我的').click();
  await newcomer.getByText('还没有绑定住户').waitFor();
  await newcomer.getByText('绑定住户', { exact: true }).click();

  await newcomer.locator('.choice', { hasText: '1号楼' }).click();
  await newcomer.locator('.bind__input input').nth(0).fill('1');
  await newcomer.locator('.bind__input input').nth(1).fill('102');
  await newcomer.locator('.choice', { hasText: '子女' }).click();
  await newcomer.getByText('提交绑定申请').click();
  await newcomer.getByText('已提交 1号楼 1单元 102，待网格员审核').waitFor();
  await newcomer.locator('.tag', { hasText: '待审核' }).waitFor();
  await screenshot(newcomer, 'binding-requested');

  const gridWorker = await openPhonePage(product.browser);
  await logInAs(gridWorker, product.url, '13900000001');
  const request = gridWorker.locator('.workbench__binding', { hasText: '1号楼 1单元 102' });
  await request.waitFor();
  expect(await request.innerText()).toContain('子女');
  expect(await request.innerText()).not.toContain('13812345678'); // staff see phones masked
  await request.getByText('通过').click();
  await gridWorker.getByText('没有待审核的绑定申请').waitFor();

  await newcomer.reload();
  await newcomer.goto(`${product.url}/#/pages/common/me/index`);
  await newcomer.getByText('1号楼 1单元 102').waitFor();
  expect(await newcomer.getByText('还没有绑定住户').count()).toBe(0);
  await screenshot(newcomer, 'binding-approved-me');
  await newcomer.close();
  await gridWorker.close();
}, 90_000);

test('a rejected request shows the grid worker\'s reason to the resident', async () => {
  const newcomer = await openPhonePage(product.browser);
  await logInAs(newcomer, product.url, '13812340000');
  await newcomer.goto(`${product.url}/#/pages/resident/bind/index`);
  await newcomer.locator('.choice', { hasText: '2号楼' }).click();
  await newcomer.locator('.bind__input input').nth(0).fill('2');
  await newcomer.locator('.bind__input input').nth(1).fill('201');
  await newcomer.getByText('提交绑定申请').click();
  await newcomer.getByText('已提交 2号楼 2单元 201，待网格员审核').waitFor();

  const gridWorker = await openPhonePage(product.browser);
  await logInAs(gridWorker, product.url, '13900000001');
  const request = gridWorker.locator('.workbench__binding', { hasText: '2号楼 2单元 201' });
  await request.getByText('驳回', { exact: true }).click();
  await request.locator('.field__input input').fill('房号不符，请核对门牌后重新申请');
  await request.getByText('确认驳回').click();
  await gridWorker.getByText('没有待审核的绑定申请').waitFor();

  await newcomer.reload();
  const mine = newcomer.locator('.row', { hasText: '2号楼 2单元 201' });
  await mine.getByText('未通过').waitFor();
  expect(await mine.innerText()).toContain('原因：房号不符，请核对门牌后重新申请');
  await screenshot(newcomer, 'binding-rejected');
  await newcomer.close();
  await gridWorker.close();
}, 90_000);
