// One browser test file's product: the server on a fresh seeded database and a Chromium, started before the
// file's tests and closed after them.
import type { Browser } from 'playwright-core';
import { launchBrowser } from './browser';
import { startTestServer, type TestServer } from './server';

export interface ProductInBrowser {
  readonly url: string;
  readonly browser: Browser;
}

export function productInBrowser(env: Record<string, string> = {}): ProductInBrowser {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    server = await startTestServer(env);
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  return {
    get url() {
      return server!.url;
    },
    get browser() {
      return browser!;
    },
  };
}
