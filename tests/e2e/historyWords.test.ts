// The app's words for a new user (issue #17, items 7 and 8), in Chromium against `barrage serve`:
// History has the run ID column every CLI command needs and says "stopped" for a run the user
// ended; a finished run's start time in the Run view is History's to the millisecond; a
// saturated run against a target on this machine advises what fits (not "more workers").
// Screenshots go to test-output/screenshots/.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openStore } from '../../src/main/store/runStore.ts';
import { generatorHealth } from '../../src/shared/result/generatorHealth.ts';
import type { RunResult } from '../../src/shared/runResult.ts';
import { runAt, storeRun } from '../fixtures/storedRuns.ts';
import { launchChromium, openApp } from '../support/chromium.ts';
import { startServe, type ServeProcess } from './support/serveProcess.ts';

const SHOTS = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url));

/** Every second's worker at 99% of a core, stored the way runs were before the summary carried advice. */
function saturated(run: RunResult): RunResult {
  const samples = run.samples.map((s) => ({ ...s, cpuPercent: 99 }));
  const { advice: _advice, ...generator } = generatorHealth(samples, 1);
  return { ...run, samples, summary: { ...run.summary, generator } };
}

describe('first hour in the app: run IDs, one status word, one start time, fitting advice', () => {
  let dir: string;
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const ids = { saturated: 0, stopped: 0 };

  const shot = async (name: string) => {
    await page.waitForTimeout(150);
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  };
  const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
  const field = (label: string) => page.getByLabel(label, { exact: true });

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'barrage-e2e-words-'));
    const db = join(dir, 'runs.db');
    const store = openStore(db);
    try {
      ids.saturated = storeRun(store, saturated(runAt(0, { seconds: 6 })), { scenarioName: 'Saturated on loopback' });
      const stopped = runAt(1, { seconds: 6 });
      ids.stopped = storeRun(store, { ...stopped, summary: { ...stopped.summary, status: 'aborted' } }, { scenarioName: 'Stopped by me' });
    } finally {
      store.close();
    }
    serve = await startServe(db);
    browser = await launchChromium();
    page = await openApp(browser, serve.url, problems);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('History shows each run\'s ID, and "stopped" for the run the user ended', async () => {
    await nav('History').click();
    const table = page.getByRole('table', { name: 'Runs' });
    await table.getByRole('columnheader', { name: 'ID' }).waitFor();
    const row = table.getByRole('row', { name: /Stopped by me/ });
    expect((await row.locator('td.id').textContent())?.trim()).toBe(String(ids.stopped));
    expect((await row.locator('.status').textContent())?.trim()).toBe('stopped');
    const other = table.getByRole('row', { name: /Saturated on loopback/ });
    expect((await other.locator('td.id').textContent())?.trim()).toBe(String(ids.saturated));
    await shot('40-history-run-ids');
    expect(problems).toEqual([]);
  });

  test('a saturated run against a loopback target: the banner says the target shares this machine', async () => {
    await page.goto(`${serve.url.split('#')[0]}#/history/${ids.saturated}`);
    const banner = page.getByRole('alert').filter({ hasText: 'Generator saturated' });
    await banner.waitFor();
    const text = (await banner.textContent()) ?? '';
    expect(text).toMatch(/The target shares this machine: its CPU competes with the generator's/);
    expect(text).not.toMatch(/more workers,|more workers \(/);
    await shot('41-report-saturated-loopback');
    expect(problems).toEqual([]);
  });

  test('a finished run started in the app: the Run view shows the start time History shows', async () => {
    await nav('Scenarios').click();
    await page.getByRole('button', { name: 'New scenario' }).click();
    await page.getByRole('heading', { name: 'New scenario' }).waitFor();
    await field('Name').fill('Start time');
    await page.getByRole('button', { name: 'Use demo target' }).click();
    await field('Connections').fill('2');
    await field('Duration (s)').fill('2');
    await field('Workers').fill('1');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.getByRole('region', { name: 'Run summary' }).waitFor({ timeout: 30_000 });
    const runTime = page.locator('header time').first();
    const runIso = await runTime.getAttribute('datetime');
    const runText = (await runTime.textContent())?.trim();
    const runId = Number(/#\/run\/(\d+)/.exec(page.url())?.[1] ?? (await page.locator('header .meta').textContent())?.match(/Run #(\d+)/)?.[1]);
    expect(runId).toBeGreaterThan(0);
    await shot('42-run-finished-start-time');

    await nav('History').click();
    const cell = page.getByRole('table', { name: 'Runs' }).locator(`td.id[data-run-id="${runId}"]`);
    await cell.waitFor();
    const historyTime = cell.locator('xpath=..').locator('time');
    expect(await historyTime.getAttribute('datetime')).toBe(runIso);
    expect((await historyTime.textContent())?.trim()).toBe(runText);
    expect(problems).toEqual([]);
  });
});
