// A real headless browser for the inspector's tests: Debian's chromium (apt-get install chromium) driven
// by playwright-core, with a fresh empty profile and nothing that reaches the network. Never a download.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from './world.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots of each screen the tests visit (git-ignored). */
export const ARTIFACTS = join(ROOT, '.tmp', 'artifacts');
/** A name this browser resolves to 127.0.0.1, as a DNS-rebinding attacker's domain would be. */
export const REBOUND_HOST = 'rebind.test';

export interface TestBrowser {
  page: Page;
  context: BrowserContext;
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function openBrowser(): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'codex-dbg-chromium-'));
  let browser: Browser | undefined;
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--host-resolver-rules=MAP ${REBOUND_HOST} 127.0.0.1`],
      viewport: { width: 1400, height: 860 },
    });
    browser = context.browser() ?? undefined;
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    page,
    context,
    async screenshot(name) {
      mkdirSync(ARTIFACTS, { recursive: true });
      const path = join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path });
      return path;
    },
    async close() {
      await context.close().catch(() => {});
      await browser?.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
