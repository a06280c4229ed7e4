// Issue #10 item 8: the app's views of stored runs (Run view, Run report, History, Compare)
// never show a URL password or a credential header value, in Chromium against barrage serve.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchChromium } from '../support/chromium.ts';
import { startServe, type ServeProcess } from './support/serveProcess.ts';
import { openStore } from '../../src/main/store/runStore.ts';
import { runAt, storeRun } from '../fixtures/storedRuns.ts';

const SECRETS = /hunter2-pw|s3cr3t-tok|k3y-value/;

describe('secrets in the app views of stored runs', () => {
  let dir: string;
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  let ids: number[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'barrage-e2e-secrets-'));
    const db = join(dir, 'runs.db');
    const store = openStore(db);
    ids = [0, 1].map((i) => {
      const run = runAt(i, { seed: i + 1, seconds: 10 });
      run.config = { ...run.config, name: undefined, url: 'http://alice:hunter2-pw@127.0.0.1:8080/api', headers: { Authorization: 'Bearer s3cr3t-tok', 'X-Api-Key': 'k3y-value', 'X-Trace': 'visible-trace' } };
      return storeRun(store, run, { scenarioName: undefined });
    });
    store.close();
    serve = await startServe(db);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(15_000);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function pageText(hash: string, waitFor: RegExp): Promise<string> {
    await page.goto(`${serve.url}${hash}`);
    await page.getByText(waitFor).first().waitFor();
    // innerText plus every title attribute (hover text counts as shown).
    const titles = await page.$$eval('[title]', (els) => els.map((el) => el.getAttribute('title') ?? ''));
    return `${await page.locator('body').innerText()}\n${titles.join('\n')}`;
  }

  test('Run report, Run view, History and Compare show *** instead of the password and header values', { timeout: 120_000 }, async () => {
    const report = await pageText(`#/history/${ids[0]}`, /alice:\*\*\*@/);
    expect(report).not.toMatch(SECRETS);
    expect(report).toMatch(/visible-trace/);
    const runView = await pageText(`#/run/${ids[0]}`, /alice:\*\*\*@/);
    expect(runView).not.toMatch(SECRETS);
    const history = await pageText('#/history', /127\.0\.0\.1:8080/);
    expect(history).not.toMatch(SECRETS);
    const compare = await pageText(`#/compare?ids=${ids.join(',')}`, new RegExp(`#${ids[1]}`));
    expect(compare).not.toMatch(SECRETS);
  });
});
