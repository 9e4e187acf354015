// 打卡 in the browser: the resident of 1号楼 1单元 101 checks the household in with one member at 38.5 °C; the grid
// worker of 第一网格 sees the alert on 工作台 among today's completion bars, takes it on and resolves it.
import { artifactsDir, logInAs, openPhonePage, screenshot } from '../support/browser';
import { productInBrowser } from '../support/e2e';

// A cut-off at 00:00 puts the missed list on 工作台 at any hour the test runs.
const product = productInBrowser({ CHECKIN_CUTOFF: '00:00' });

test('a household checks in with one fever; the grid worker sees the alert on 工作台 and resolves it', async () => {
  const resident = await openPhonePage(product.browser);
  await logInAs(resident, product.url, '13801110100');
  await resident.locator('.role-tab-bar').getByText('打卡').click();
  const page = resident.locator('.taro_page >> visible=true');
  await page.getByText('今日尚未完成打卡').waitFor();
  const members = page.locator('.checkin__member');
  const memberCount = await members.count();
  expect(memberCount).toBeGreaterThan(0);
  await page.getByText(`全部正常 · 一键打卡（${memberCount} 人）`).waitFor();

  const first = members.first();
  const feverName = await first.locator('.row__title').innerText();
  await first.getByText('身体不适 / 填写详情').click();
  await first.locator('.checkin__temperature input').fill('38.5');
  await first.locator('.pick__option', { hasText: '发热' }).click();
  await first.locator('.pick__option', { hasText: '咳嗽' }).click();
  await page.getByText('体温 ≥ 37.3 °C、抗原阳性或呼吸困难会通知网格员跟进').waitFor();
  await screenshot(resident, 'checkin-fever-entry');
  await page.getByText('提交打卡（1 人填写了详情').click();
  await page.getByText('今日全家已打卡，可修改').waitFor();
  // Done for today: no one-tap button that could overwrite the fever with 全部正常.
  await page.getByText('需要修改时，点成员下方的「修改今日打卡」。').waitFor();
  expect(await page.getByText('全部正常 · 一键打卡').count()).toBe(0);
  await first.getByText('网格员已收到提醒').waitFor();
  expect(await first.innerText()).toContain('已打卡 38.5°C');
  if (memberCount > 1) expect(await members.nth(1).innerText()).toContain('已打卡 36.5°C');
  await screenshot(resident, 'checkin-done');

  const gridWorker = await openPhonePage(product.browser);
  await logInAs(gridWorker, product.url, '13900000001');
  const workbench = gridWorker.locator('.taro_page >> visible=true');
  await workbench.locator('.bars__row').first().waitFor();
  expect(await workbench.locator('.bars__row').count()).toBe(3); // 1–3号楼 of 第一网格 only
  const alert = workbench.locator('.workbench__alert', { hasText: '1号楼 1单元 101' });
  await alert.waitFor();
  expect(await alert.innerText()).toContain(feverName);
  expect(await alert.innerText()).toContain('38.5°C');
  expect(await workbench.locator('.workbench__alert', { hasText: '5号楼' }).count()).toBe(0); // 第二网格's alert is not theirs
  await screenshot(gridWorker, 'workbench-alert');

  await alert.getByText('接单跟进').click();
  await alert.locator('.tag', { hasText: '已接单' }).waitFor();
  await alert.getByText('标记已解决').click();
  await workbench.getByText('没有待处理的健康预警').waitFor();
  // The counters follow: 第一网格 has no open alert left.
  await workbench.locator('.counters__item', { hasText: '未处理预警' }).locator('.counters__number', { hasText: /^0$/ }).waitFor();
  await screenshot(gridWorker, 'workbench-alert-resolved');
  // Further down: the missed list with masked phones and call buttons, 核酸 rounds, the care roster.
  const missed = workbench.locator('.workbench__missed').first();
  await missed.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  expect(await missed.innerText()).toMatch(/拨打 138\*{4}\d{4}/);
  await gridWorker.screenshot({ path: `${artifactsDir}/workbench-missed.png` });
  await workbench.locator('.workbench__care').first().evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await gridWorker.screenshot({ path: `${artifactsDir}/workbench-care.png` });
  await resident.close();
  await gridWorker.close();
}, 120_000);
