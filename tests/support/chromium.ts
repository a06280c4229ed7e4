// Debian's Chromium, driven by playwright-core (no Playwright browser download): headless,
// loopback only, nothing phoning home.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.BARRAGE_CHROMIUM ?? '/usr/bin/chromium';

/** A missing browser fails the end-to-end tests with this message; they never skip. */
export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium (.ci/run does), or set BARRAGE_CHROMIUM`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A page of the app at `url`, as a 1440×900 window in the light theme. Every script error and
 * console error (a CSP violation among them) goes into `problems`: a bug even when the test's
 * clicks still work.
 */
export async function openApp(browser: Browser, url: string, problems: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, colorScheme: 'light', acceptDownloads: true });
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  await page.goto(url);
  return page;
}
