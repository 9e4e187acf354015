// Supplies in the browser: a resident orders from the seeded 保供蔬菜包 and finds it in 我的订单 with a delivery
// code; the grid worker of the building packs it; the resident then sees 已分拣 on the timeline.
import { logInAs, openPhonePage, screenshot } from '../support/browser';
import { productInBrowser } from '../support/e2e';

const product = productInBrowser();

test('a resident orders from the seeded group buy, sees it in 我的订单, and the grid worker packs it', async () => {
  const resident = await openPhonePage(product.browser);
  await logInAs(resident, product.url, '13801110100');
  await resident.locator('.role-tab-bar').getByText('团购').click();
  const page = resident.locator('.taro_page >> visible=true');
  const card = page.locator('.group-buy', { hasText: '保供蔬菜包' }).first();
  await card.waitFor();
  expect(await card.innerText()).toContain('剩余');
  const upcoming = page.locator('.group-buy', { hasText: '米面粮油组合' });
  expect(await upcoming.innerText()).toContain('距开团');
  const firstItem = card.locator('.group-buy__item').first();
  await firstItem.locator('.stepper__button').nth(1).click();
  await firstItem.locator('.stepper__button').nth(1).click();
  await firstItem.getByText('已达每户限购').waitFor(); // limit 2
  await screenshot(resident, 'supplies-group-buys');
  await page.getByText('去下单').click();
  await page.getByText('确认订单').waitFor();
  await page.getByText('确认下单').click();
  await page.getByText('下单成功').waitFor();
  expect(await page.locator('.sheet__total').innerText()).toContain('¥79.80');
  const code = (await page.locator('.sheet__code').innerText()).replace(/\D/g, '');
  expect(code).toMatch(/^\d{4}$/);
  await screenshot(resident, 'supplies-order-placed');
  await page.getByText('查看订单').click();

  const orders = resident.locator('.taro_page >> visible=true');
  const mine = orders.locator('.order', { hasText: '保供蔬菜包' }).first();
  await mine.waitFor();
  expect(await mine.innerText()).toContain(code);
  expect(await mine.locator('.timeline__step--current').innerText()).toContain('已下单');
  await mine.getByText('取消订单').waitFor();
  await screenshot(resident, 'supplies-my-orders');

  const worker = await openPhonePage(product.browser);
  await logInAs(worker, product.url, '13900000001');
  await worker.locator('.role-tab-bar').getByText('我的').click();
  await worker.locator('.taro_page >> visible=true').getByText('团购与订单').click();
  const hub = worker.locator('.taro_page >> visible=true');
  await hub.locator('.row', { hasText: '1号楼' }).click();
  const building = worker.locator('.taro_page >> visible=true');
  const order = building.locator('.staff-order', { hasText: '1单元 101' });
  await order.waitFor();
  expect(await order.innerText()).not.toContain(code); // the delivery code is for the household only
  await order.getByText('分拣完成').click();
  await building.getByText('1单元 101 已分拣').waitFor();
  await building.getByText('分拣单', { exact: true }).click();
  await building.locator('.picking-household').first().waitFor();
  await screenshot(worker, 'supplies-picking-list');

  await resident.reload();
  const after = resident.locator('.taro_page >> visible=true').locator('.order', { hasText: '保供蔬菜包' }).first();
  await after.waitFor();
  expect(await after.locator('.timeline__step--current').innerText()).toContain('已分拣');
  expect(await after.innerText()).toContain('已分拣，如需取消请联系网格员');
  await screenshot(resident, 'supplies-order-packed');
  await resident.close();
  await worker.close();
}, 120_000);
