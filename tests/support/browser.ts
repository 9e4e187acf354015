// Debian's Chromium driven by playwright-core, sized like a cheap phone. Screenshots go to tests/artifacts/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const artifactsDir = join(__dirname, '..', 'artifacts');

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
}

export async function openPhonePage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 375, height: 740 }, deviceScaleFactor: 2, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  return context.newPage();
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true });
  await page.waitForTimeout(500); // let Taro's page slide-in finish, or the picture is caught half-way
  const path = join(artifactsDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Log in on the h5 log-in page with a (demo) phone and wait for the role's tab bar. */
export async function logInAs(page: Page, baseUrl: string, phone: string): Promise<void> {
  await page.goto(baseUrl);
  await page.getByText('演示账号').waitFor();
  await page.locator('input').first().fill(phone);
  await page.getByText('登录', { exact: true }).click();
  await page.locator('.role-tab-bar').waitFor();
}
