// Entry passes in the browser: the resident of 1号楼 1单元 101 shows the live QR on 出入证, a volunteer at the gate
// enters that code (the h5 code field stands in for the camera) and is told 放行; the same code again is 拒绝; the
// return is recorded with a fresh code. Staff then see who is out on 出入管理, and the reserves on 物资储备.
import type { Page } from 'playwright-core';
import { logInAs, openPhonePage, screenshot } from '../support/browser';
import { productInBrowser } from '../support/e2e';

const product = productInBrowser();
const visible = (page: Page) => page.locator('.taro_page >> visible=true');

async function currentToken(resident: Page): Promise<string> {
  const text = visible(resident).locator('.pass__token-text');
  await text.waitFor();
  return (await text.innerText()).trim();
}

async function checkAtGate(gate: Page, direction: '登记出门' | '登记返回', token: string) {
  await visible(gate).locator('.chip', { hasText: direction }).click();
  await visible(gate).locator('.gate__code input').fill(token);
  await visible(gate).getByText('核验', { exact: true }).click();
}

test('a resident\'s pass is scanned out at the gate, refused when replayed, and scanned back in', async () => {
  const resident = await openPhonePage(product.browser);
  await logInAs(resident, product.url, '13801110100');
  await resident.locator('.role-tab-bar').getByText('我的').click();
  await visible(resident).getByText('出入证', { exact: true }).click();
  await visible(resident).locator('.qr-code').waitFor();
  await visible(resident).getByText('本周期剩余 1 次').waitFor();
  const outToken = await currentToken(resident);
  expect(outToken).toMatch(/^LP1\.[A-Za-z0-9_-]+$/);
  expect(outToken).not.toContain('101');
  await screenshot(resident, 'pass-resident-qr');

  const gate = await openPhonePage(product.browser);
  await logInAs(gate, product.url, '13900000031');
  await gate.locator('.role-tab-bar').getByText('我的').click();
  await visible(gate).getByText('门岗', { exact: true }).click();
  await checkAtGate(gate, '登记出门', outToken);
  const allowed = visible(gate).locator('.gate__result--allowed');
  await allowed.waitFor();
  expect(await allowed.innerText()).toContain('放行');
  expect(await allowed.innerText()).toContain('1号楼 1单元 101');
  expect(await allowed.innerText()).toContain('本周期还剩 0 次');
  expect(await allowed.innerText()).not.toMatch(/138\d{8}/);
  await screenshot(gate, 'pass-gate-allowed-out');

  await checkAtGate(gate, '登记出门', outToken);
  const refused = visible(gate).locator('.gate__result--refused');
  await refused.waitFor();
  expect(await refused.innerText()).toContain('拒绝');
  expect(await refused.innerText()).toContain('已被扫过');
  await screenshot(gate, 'pass-gate-refused-replay');

  // The resident's page, opened again, mints a new code and shows them out.
  await resident.reload();
  await visible(resident).getByText(/外出中/).waitFor();
  const inToken = await currentToken(resident);
  expect(inToken).not.toBe(outToken);
  await screenshot(resident, 'pass-resident-out');

  await checkAtGate(gate, '登记返回', inToken);
  await visible(gate).locator('.gate__result--allowed', { hasText: '已按时返回' }).waitFor();
  await screenshot(gate, 'pass-gate-allowed-in');

  await resident.reload();
  await visible(resident).getByText('本周期剩余 0 次').waitFor();
  expect(await visible(resident).getByText(/外出中/).count()).toBe(0);
  await resident.close();
  await gate.close();
}, 120_000);

test('staff see who is out (overdue first) and the reserves with low stock flagged', async () => {
  const staff = await openPhonePage(product.browser);
  await logInAs(staff, product.url, '13900000000');
  await staff.goto(`${product.url}/#/pages/staff/passes/index`);
  const overdue = visible(staff).locator('.staff-passes__trip', { hasText: '超时未归' });
  await overdue.waitFor();
  expect(await overdue.innerText()).toContain('2号楼 2单元 402');
  await visible(staff).getByText('每户每 2 天可出门 1 次，每次不超过 2 小时').first().waitFor();
  await visible(staff).getByText('每周一三五血液透析', { exact: false }).waitFor();
  await screenshot(staff, 'pass-staff-overview');

  await staff.goto(`${product.url}/#/pages/staff/reserves/index`);
  await visible(staff).getByText('1 种物资库存不足：防护服').waitFor();
  await screenshot(staff, 'reserves-list');
  await visible(staff).locator('.reserves__item', { hasText: '抗原试剂' }).click();
  await visible(staff).locator('.reserve-item__entry').first().waitFor();
  const before = Number(/库存 (\d+) 盒/.exec(await visible(staff).locator('.reserve-item__stock').innerText())![1]);
  await visible(staff).locator('.chip', { hasText: '入库' }).click();
  await visible(staff).locator('.reserve-item__quantity input').fill('50');
  await visible(staff).locator('.reserve-item__reason input').fill('街道补充');
  await visible(staff).getByText('记录', { exact: true }).click();
  await visible(staff).getByText(`已记录入库 50 盒，结存 ${before + 50}`).waitFor();
  await visible(staff).getByText(`库存 ${before + 50} 盒`).waitFor();
  await visible(staff).locator('.reserve-item__threshold input').fill('5000');
  await visible(staff).getByText('修改预警线', { exact: true }).click();
  await visible(staff).getByText(/库存不足，请及时补充/).waitFor();
  await screenshot(staff, 'reserves-item');
  await staff.close();
}, 120_000);
