// A grid worker imports the office's roll from the 住户 tab: a file with a bad line is refused line by line and
// writes nothing; the corrected file is checked, confirmed, and its new room appears in the building.
import { logInAs, openPhonePage, screenshot } from '../support/browser';
import { productInBrowser } from '../support/e2e';

const product = productInBrowser();

const header = '楼栋,单元,房号,姓名,关系,出生年份,租户,关怀标签,手机号';
const csv = (...rows: string[]) => Buffer.from(`\uFEFF${[header, ...rows].join('\r\n')}\r\n`, 'utf8');

test('bad lines are listed and nothing is written; the corrected file is imported after a check', async () => {
  const page = await openPhonePage(product.browser);
  await logInAs(page, product.url, '13900000001');
  await page.locator('.role-tab-bar').getByText('住户').click();
  await page.getByText('导入住户名册（CSV）').click();
  const visible = page.locator('.taro_page >> visible=true').last();
  await visible.getByText('选择 CSV 文件').waitFor();

  let chooser = page.waitForEvent('filechooser');
  await visible.getByText('选择 CSV 文件').click();
  await (await chooser).setFiles({
    name: '三楼名册.csv',
    mimeType: 'text/csv',
    buffer: csv('3号楼,1,701,赵一,户主,1970,否,,13712345678', '3号楼,1,701,赵二,配偶,19x0,否,,12345'),
  });
  await visible.getByText('第 3 行').first().waitFor();
  const refused = await visible.innerText();
  expect(refused).toContain('未写入任何数据');
  expect(refused).not.toContain('第 2 行');
  await screenshot(page, 'import-refused');

  chooser = page.waitForEvent('filechooser');
  await visible.getByText('选择另一个文件').click();
  await (await chooser).setFiles({
    name: '三楼名册.csv',
    mimeType: 'text/csv',
    buffer: csv('3号楼,1,701,赵一,户主,1970,否,独居老人,13712345678', '3号楼,1,701,赵二,配偶,1972,否,,'),
  });
  await visible.getByText('检查通过。共 1 户 2 人：将新增 2 人，更新 0 人。').waitFor();
  await visible.getByText('确认导入').click();
  await visible.getByText('已导入 1 户 2 人：新增 2 人，更新 0 人。').waitFor();
  await screenshot(page, 'import-done');

  await page.goBack();
  await page.getByText('3号楼', { exact: true }).click();
  const room = page.locator('.building__room >> visible=true', { hasText: '701' });
  await room.waitFor();
  expect(await room.innerText()).toContain('2 人');
  await page.close();
}, 90_000);

test('a grid worker cannot import into a building outside their grid', async () => {
  const page = await openPhonePage(product.browser);
  await logInAs(page, product.url, '13900000001');
  await page.goto(`${product.url}/#/pages/staff/import/index`);
  const visible = page.locator('.taro_page >> visible=true').last();
  const chooser = page.waitForEvent('filechooser');
  await visible.getByText('选择 CSV 文件').click();
  await (await chooser).setFiles({ name: 'x.csv', mimeType: 'text/csv', buffer: csv('4号楼,1,701,钱一,户主,1970,否,,') });
  await visible.locator('.notice--error').waitFor();
  expect(await visible.innerText()).toContain('第 2 行');
  expect(await visible.getByText('确认导入').count()).toBe(0);
  await page.close();
}, 60_000);
