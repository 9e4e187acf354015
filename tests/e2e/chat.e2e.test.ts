// 楼栋群 in the browser: two residents of 1号楼 in two browser contexts; one sends, the other sees it without reloading.
// Then the grid worker posts an urgent notice, a resident acknowledges it in the chat, and the staff stats update.
import { logInAs, openPhonePage, screenshot } from '../support/browser';
import { productInBrowser } from '../support/e2e';

const product = productInBrowser();
const visible = '.taro_page >> visible=true';

test('a message from one neighbour appears at the other without reloading; recall shows 消息已撤回', async () => {
  const alice = await openPhonePage(product.browser);
  await logInAs(alice, product.url, '13801110100');
  const bob = await openPhonePage(product.browser);
  await logInAs(bob, product.url, '13801110200');

  for (const page of [alice, bob]) {
    await page.locator(visible).locator('.chat-list__group', { hasText: '1号楼群' }).click();
    await page.locator(visible).getByText('保供蔬菜包已送达').waitFor();
  }
  await screenshot(bob, 'chat-room-before');

  const text = `楼下快递到了，谁的？${Date.now() % 1000}`;
  await alice.locator(visible).locator('.chat-room__input input').fill(text);
  await alice.locator(visible).locator('.chat-room__send').click();
  await alice.locator(visible).locator('.chat-room__message--mine', { hasText: text }).waitFor();
  await bob.locator(visible).locator('.chat-room__message', { hasText: text }).waitFor({ timeout: 10_000 });
  expect(await bob.locator('.chat-room__connection').count()).toBe(0);
  await screenshot(bob, 'chat-room-received');

  // Long-press recall by the sender; the neighbour sees 消息已撤回 live.
  alice.once('dialog', (d) => void d.accept());
  await alice.locator(visible).locator('.chat-room__message--mine', { hasText: text }).dispatchEvent('longpress');
  const sheet = alice.locator('.taro-actionsheet__cell', { hasText: '撤回' });
  if (await sheet.count().then((n) => n > 0).catch(() => false)) await sheet.first().click();
  else await alice.getByText('撤回', { exact: true }).click();
  await bob.locator(visible).locator('.chat-room__recalled').last().waitFor({ timeout: 10_000 });
  expect(await bob.locator(visible).getByText(text).count()).toBe(0);
  await screenshot(bob, 'chat-room-recalled');
  await alice.close();
  await bob.close();
}, 120_000);

test('staff posts an urgent notice; it is pinned for the resident, who acknowledges; the stats update', async () => {
  const staff = await openPhonePage(product.browser);
  await logInAs(staff, product.url, '13900000001');
  await staff.locator('.role-tab-bar').getByText('通知').click();
  await staff.locator(visible).getByText('发布通知').click();
  await staff.locator(visible).locator('.compose__title input').fill('今晚 8 点停水');
  await staff.locator(visible).locator('.compose__body textarea').fill('管道抢修，请提前储水。');
  await staff.locator(visible).locator('.compose__choice', { hasText: '紧急' }).click();
  await staff.locator(visible).locator('.compose__building', { hasText: '1号楼' }).click();
  await screenshot(staff, 'notice-compose');
  await staff.locator(visible).getByText('发布', { exact: true }).click();
  await staff.locator(visible).getByText('0 / 24 户已知晓').waitFor({ timeout: 15_000 });
  await staff.locator(visible).getByText('未触达 24 户').waitFor();

  const resident = await openPhonePage(product.browser);
  await logInAs(resident, product.url, '13801120100');
  await resident.locator(visible).locator('.chat-list__group', { hasText: '1号楼群' }).click();
  const pinned = resident.locator(visible).locator('.chat-room__pinned', { hasText: '今晚 8 点停水' });
  await pinned.waitFor();
  await screenshot(resident, 'chat-notice-pinned');
  await pinned.getByText('我已知晓').click();
  await resident.locator(visible).locator('.chat-room__pinned', { hasText: '今晚 8 点停水' }).waitFor({ state: 'detached' });
  await resident.locator(visible).getByText('✓ 已确认知晓').first().waitFor();

  // The open stats page hears the acknowledgement over its socket and re-reads the exact counts.
  await staff.locator(visible).getByText('1 / 24 户已知晓').waitFor({ timeout: 15_000 });
  await staff.locator(visible).getByText('未触达 23 户').waitFor();
  expect(await staff.locator(visible).locator('.stats__unreached', { hasText: '1号楼 1单元 201' }).count()).toBe(0);
  expect(await staff.locator(visible).locator('.stats__unreached', { hasText: '1号楼 1单元 102' }).count()).toBe(1);
  expect(await staff.locator(visible).innerText()).not.toMatch(/1[3-9]\d{9}/);
  await screenshot(staff, 'notice-stats');
  await resident.close();
  await staff.close();
}, 120_000);

test('staff long-press a resident\'s message → 禁言 → 1 小时; the resident sees it and cannot send', async () => {
  const staff = await openPhonePage(product.browser);
  await logInAs(staff, product.url, '13900000001');
  await staff.locator('.role-tab-bar').getByText('通知').click();
  await staff.locator(visible).locator('.notices__group', { hasText: '1号楼群' }).click();
  const message = staff.locator(visible).locator('.chat-room__message', { hasText: '1单元门口的消毒液没了' });
  await message.waitFor();
  const choose = async (label: string) => {
    const cell = staff.locator('.taro-actionsheet__cell:visible', { hasText: new RegExp(`^${label}$`) });
    await cell.first().click();
  };
  await message.dispatchEvent('longpress');
  await choose('禁言');
  await choose('禁言 1 小时');
  await staff.getByText(/已禁言.+至/).waitFor({ timeout: 10_000 });
  await screenshot(staff, 'chat-mute');

  const resident = await openPhonePage(product.browser);
  await logInAs(resident, product.url, '13801230100');
  await resident.locator(visible).locator('.chat-list__group', { hasText: '1号楼群' }).click();
  await resident.locator(visible).getByText(/您已被禁言至/).waitFor();
  const login = await (await fetch(`${product.url}/api/v1/auth/dev-login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone: '13801230100' }),
  })).json() as { accessToken: string };
  const chats = await (await fetch(`${product.url}/api/v1/chats`, { headers: { authorization: `Bearer ${login.accessToken}` } })).json() as { items: { id: string; name: string }[] };
  const group = chats.items.find((g) => g.name === '1号楼群')!;
  const refused = await fetch(`${product.url}/api/v1/chats/${group.id}/messages`, {
    method: 'POST', headers: { authorization: `Bearer ${login.accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ clientId: 'muted-1', text: '还能发吗' }),
  });
  expect(refused.status).toBe(403);
  expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('MUTED');
  await resident.close();
  await staff.close();
}, 120_000);
