import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import AxeBuilder from '@axe-core/playwright';
import type { BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';

import type { PersonRole } from '../../src/contracts/session';

/**
 * Debian's Chromium driven by Playwright (its own browser download cannot work here), one fresh
 * profile per test file. `CHROMIUM_PATH` points elsewhere; `.ci/run` installs the package when missing.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots: a CI artifact, not committed. */
export const RESULTS_DIR = join(__dirname, '..', '..', 'test-results', 'browser');

export const WIDTHS = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } } as const;

export interface Browser {
  context: BrowserContext;
}

/** Registers beforeAll/afterAll: a headless Chromium on a new, empty profile. */
export function useBrowser(): Browser {
  const browser = {} as Browser;
  let profile = '';
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium, or set CHROMIUM_PATH.`);
    profile = mkdtempSync(join(tmpdir(), 'reunify-chromium-'));
    mkdirSync(RESULTS_DIR, { recursive: true });
    browser.context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: WIDTHS.desktop,
      timezoneId: 'America/Chicago',
      locale: 'en-US',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    browser.context.setDefaultTimeout(30_000);
  });
  afterAll(async () => {
    await browser.context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });
  return browser;
}

/** A new page whose script errors fail the test that reads `errors`. */
export async function newPage(browser: Browser, base: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => {
    // The stack goes to the log: the assertion compares messages, the stack says where to look.
    console.error(`page error: ${err.stack ?? err.message}`);
    errors.push(err.message);
  });
  await page.goto(`${base}/`);
  return { page, errors };
}

/** Signs in through the development sign-in page, as a person would. */
export async function signIn(page: Page, base: string, role: PersonRole, sub: string, careProvider = ''): Promise<void> {
  await page.evaluate('sessionStorage.clear()');
  await page.goto(`${base}/#/`);
  await page.reload();
  await page.getByLabel('Role').selectOption(role);
  await page.getByLabel('Subject (who you are)').fill(sub);
  await page.getByLabel(/^Care provider/).fill(careProvider);
  await page.getByRole('button', { name: 'Sign in (development)' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** A full-page screenshot at 1280 and 390 pixels wide: test-results/browser/<name>-<width>.png. */
export async function screenshots(page: Page, name: string): Promise<string[]> {
  const files: string[] = [];
  for (const size of [WIDTHS.desktop, WIDTHS.phone]) {
    await page.setViewportSize(size);
    await page.waitForTimeout(300);
    const file = join(RESULTS_DIR, `${name}-${size.width}.png`);
    await page.screenshot({ path: file, fullPage: true });
    files.push(file);
  }
  await page.setViewportSize(WIDTHS.desktop);
  return files;
}

/** axe-core's findings on the page that are serious or critical, each as "rule: where". */
export async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((node) => `${v.id} (${v.impact}): ${node.target.join(' ')}: ${v.help}`));
}
