// Volunteers in the browser: a resident applies on 申请当志愿者, the grid worker approves on 志愿者, the resident now
// holds the volunteer role (任务 tab, 志愿者召集 on 我的); the grid worker sends a 一键召集 and sees the 能来 answer.
import { logInAs, openPhonePage, screenshot } from '../support/browser';
import { productInBrowser } from '../support/e2e';

const product = productInBrowser();

test('a resident applies, staff approve, the new volunteer answers a call-up 能来 and staff see it', async () => {
  const resident = await openPhonePage(product.browser);
  await logInAs(resident, product.url, '13801110100');
  expect(await resident.locator('.role-tab-bar').getByText('任务').count()).toBe(0);
  await resident.locator('.role-tab-bar').getByText('我的').click();
  await resident.locator('.taro_page >> visible=true').getByText('申请当志愿者').click();
  const form = resident.locator('.taro_page >> visible=true');
  await form.getByText('我能做什么').waitFor();

  await form.getByText('提交申请').click();
  await form.getByText('请至少选择一项技能').waitFor(); // the shared schema speaks before anything is sent
  await form.locator('.pick__option', { hasText: '配送' }).click();
  await form.locator('.pick__option', { hasText: '医护' }).click();
  await form.locator('.volunteer-apply__time input').nth(0).fill('09:00');
  await form.locator('.volunteer-apply__time input').nth(1).fill('17:30');
  await form.getByText('添加时段', { exact: true }).click();
  await form.getByText('周六、周日 09:00–17:30').waitFor();
  await form.locator('.pick__option', { hasText: '1号楼' }).click();
  await screenshot(resident, 'volunteer-apply-form');
  await form.getByText('提交申请').click();
  await form.locator('.tag', { hasText: '待审核' }).waitFor();
  expect(await form.innerText()).toContain('技能：配送、医护');

  const worker = await openPhonePage(product.browser);
  await logInAs(worker, product.url, '13900000001');
  await worker.locator('.taro_page >> visible=true').getByText('志愿者', { exact: true }).click();
  const staff = worker.locator('.taro_page >> visible=true');
  const card = staff.locator('.staff-volunteers__card', { hasText: '配送、医护' });
  await card.waitFor();
  expect(await card.innerText()).toContain('138****0100'); // phones masked for staff
  expect(await card.innerText()).not.toContain('13801110100');
  await screenshot(worker, 'volunteer-staff-pending');
  await card.getByText('通过', { exact: true }).click();
  await staff.getByText('：已通过').waitFor();
  await staff.getByText('没有待审核的志愿者申请').waitFor();

  await resident.goto(`${product.url}/#/pages/common/me/index`);
  await resident.reload();
  await resident.locator('.role-tab-bar').getByText('任务').waitFor();
  expect(await resident.locator('.taro_page >> visible=true').innerText()).toContain('志愿者');

  await worker.goto(`${product.url}/#/pages/staff/callups/index`);
  const callups = worker.locator('.taro_page >> visible=true');
  await callups.locator('.chip', { hasText: '医护' }).click();
  await callups.locator('.callups__needed input').fill('2');
  await callups.locator('.callups__place input').fill('3号楼门口');
  await callups.locator('.chip', { hasText: '通知所有有此技能的' }).click();
  await callups.getByText('发出召集').click();
  // The new volunteer and the seeded 何静 (医护).
  await callups.getByText('已通知 2 位志愿者').waitFor();
  await screenshot(worker, 'volunteer-callup-sent');

  // The 任务 tab says a call is waiting and leads to it.
  await resident.locator('.role-tab-bar').getByText('任务').click();
  await resident.locator('.taro_page >> visible=true').getByText('有 1 个紧急召集等你回复').click();
  const mine = resident.locator('.taro_page >> visible=true').locator('.volunteer-callups__card', { hasText: '医护 · 3号楼门口' });
  await mine.waitFor();
  await mine.getByText('能来', { exact: true }).click();
  await mine.getByText('我已回复：能来').waitFor();
  expect(await mine.innerText()).toContain('已有 1 人能来');
  await screenshot(resident, 'volunteer-callup-answered');

  await worker.reload();
  const sent = worker.locator('.taro_page >> visible=true').locator('.callups__card', { hasText: '3号楼门口' });
  await sent.locator('.callups__counts', { hasText: '能来 1' }).waitFor();
  await sent.getByText('查看回复 ›').click();
  await sent.locator('.row', { hasText: '138****0100' }).getByText('能来').waitFor();
  await sent.getByText('结束召集').click();
  await sent.locator('.tag', { hasText: '工作人员结束' }).waitFor();
  await resident.close();
  await worker.close();
}, 120_000);
