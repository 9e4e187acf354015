// 代购药 in the browser: a resident asks for 降压药 with a photo of the box and for 布洛芬; the grid worker of the
// building accepts the first and declines the second with a reason; the resident sees both outcomes.
import { logInAs, openPhonePage, screenshot } from '../support/browser';
import { productInBrowser } from '../support/e2e';
import { medicineRequestStatusLabels } from '@linli/shared';

const product = productInBrowser();

// A real 1×1 PNG: the server checks an upload by its bytes.
const onePixelPng = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

test('a resident asks for 降压药 with a photo, the grid worker accepts it, and the resident sees it accepted', async () => {
  const resident = await openPhonePage(product.browser);
  await logInAs(resident, product.url, '13801110100');
  await resident.locator('.role-tab-bar').getByText('团购').click();
  await resident.locator('.taro_page >> visible=true').getByText('代购药 ›').click();
  const form = resident.locator('.taro_page >> visible=true');
  await form.getByText('为 1号楼 1单元 101 代购').waitFor();

  await form.getByText('提交代购申请').click();
  await form.getByText('请填写药品名称').waitFor(); // checked by the shared schema before anything is sent

  await form.locator('.medicine__name input').fill('降压药 硝苯地平缓释片');
  await form.locator('.medicine__amount input').fill('2盒');
  await form.getByText('较急（今天）').click();
  const chooser = resident.waitForEvent('filechooser');
  await form.getByText('拍处方或药盒（可选）').click();
  await (await chooser).setFiles({ name: '药盒.png', mimeType: 'image/png', buffer: onePixelPng });
  await form.getByText('换一张照片').waitFor();
  await screenshot(resident, 'medicine-form');
  await form.getByText('提交代购申请').click();
  const asked = form.locator('.medicine__request', { hasText: '降压药 硝苯地平缓释片' });
  await asked.waitFor();
  expect(await asked.innerText()).toContain(medicineRequestStatusLabels.pending);
  expect(await asked.innerText()).toContain('已附照片');
  await asked.getByText('撤回').waitFor();

  await form.locator('.medicine__name input').fill('布洛芬');
  await form.locator('.medicine__amount input').fill('1盒');
  await form.getByText('提交代购申请').click();
  await form.locator('.medicine__request', { hasText: '布洛芬' }).waitFor();
  await screenshot(resident, 'medicine-asked');

  const worker = await openPhonePage(product.browser);
  await logInAs(worker, product.url, '13900000001');
  await worker.locator('.role-tab-bar').getByText('我的').click();
  await worker.locator('.taro_page >> visible=true').getByText('代购药申请').click();
  const list = worker.locator('.taro_page >> visible=true');
  const pending = list.locator('.staff-medicine__request', { hasText: '降压药 硝苯地平缓释片' });
  await pending.waitFor();
  expect(await pending.innerText()).toContain('1号楼 1单元 101');
  expect(await pending.innerText()).toContain('查看照片');
  await screenshot(worker, 'medicine-staff-pending');
  await pending.getByText('接受', { exact: true }).click();
  await worker.getByText('确定', { exact: true }).click();
  await list.getByText('1单元 101 降压药 硝苯地平缓释片：已接受').waitFor();
  await pending.waitFor({ state: 'detached' }); // gone from 待处理

  const other = list.locator('.staff-medicine__request', { hasText: '布洛芬' });
  await other.getByText('拒绝', { exact: true }).click();
  await other.getByText('确认拒绝').click();
  await list.getByText('请填写原因').waitFor();
  await other.locator('.staff-medicine__reason input').fill('该药可在本周团购中购买');
  await other.getByText('确认拒绝').click();
  await list.getByText('1单元 101 布洛芬：已拒绝').waitFor();
  await list.getByText('全部', { exact: true }).click();
  await list.locator('.staff-medicine__request', { hasText: '降压药 硝苯地平缓释片' }).locator('.tag', { hasText: medicineRequestStatusLabels.accepted }).waitFor();
  const order = await list.locator('.staff-medicine__request .tag').allInnerTexts();
  expect(order[0]).toBe(medicineRequestStatusLabels.pending); // the seeded 201 request still waits: undecided first
  await screenshot(worker, 'medicine-staff-decided');

  await resident.reload();
  const mine = resident.locator('.taro_page >> visible=true');
  const accepted = mine.locator('.medicine__request', { hasText: '降压药 硝苯地平缓释片' });
  await accepted.locator('.tag', { hasText: medicineRequestStatusLabels.accepted }).waitFor();
  const declined = mine.locator('.medicine__request', { hasText: '布洛芬' });
  expect(await declined.locator('.tag').innerText()).toBe(medicineRequestStatusLabels.declined);
  expect(await declined.innerText()).toContain('原因：该药可在本周团购中购买');
  expect(await declined.innerText()).not.toContain('撤回');
  await accepted.scrollIntoViewIfNeeded();
  await screenshot(resident, 'medicine-outcome');
  await resident.close();
  await worker.close();
}, 120_000);
