// End to end, as a user: `barrage serve` (a child process with its own database) driven by
// Debian's Chromium. Create an HTTP scenario by clicking and typing, run it against the demo
// target, watch the live charts move, stop it, find it in History; run a WebSocket echo
// scenario; compare the two runs. Screenshots of every view go to test-output/screenshots/.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchChromium, openApp } from '../support/chromium.ts';
import { startServe, type ServeProcess } from './support/serveProcess.ts';

const SHOTS = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url));

describe('Barrage UI in a browser', () => {
  let dir: string;
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  const shot = async (name: string) => {
    // Let the last progress event and the charts' redraw land first.
    await page.waitForTimeout(150);
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  };
  const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
  const field = (label: string) => page.getByLabel(label, { exact: true });
  /** Figures of the Stat tiles: data-stat carries the tile's label. */
  const stat = (label: string) => page.locator(`[data-stat="${label}"]`).first();

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'barrage-e2e-'));
    serve = await startServe(join(dir, 'runs.db'));
    browser = await launchChromium();
    page = await openApp(browser, serve.url, problems);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the navigation names the five places and the empty app explains itself', async () => {
    for (const name of ['Scenarios', 'Run', 'History', 'Compare', 'Showdown']) await expect(nav(name).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('heading', { name: 'Scenarios', level: 1 }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('button', { name: 'New scenario' }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('button', { name: 'Try it' }).isVisible()).resolves.toBe(true);
    await shot('01-scenarios-empty');
  });

  test('the builder validates as you type and shows errors at the field', async () => {
    await page.getByRole('button', { name: 'New scenario' }).click();
    await page.getByRole('heading', { name: 'New scenario' }).waitFor();

    // A WebSocket URL while the protocol is HTTP: the scheme must match.
    await field('URL').fill('ws://127.0.0.1:1/ws');
    const urlError = page.locator('#url-error');
    await urlError.waitFor();
    expect(await urlError.textContent()).toMatch(/scheme ws does not match protocol http/i);
    expect(await field('URL').getAttribute('aria-invalid')).toBe('true');
    expect(await field('URL').getAttribute('aria-describedby')).toBe('url-error');

    await field('Connections').fill('0');
    expect(await page.locator('#connections-error').textContent()).toMatch(/Must be at least 1/);
    await field('Connections').fill('ten');
    expect(await page.locator('#connections-error').textContent()).toMatch(/Must be a number/);
    await field('Duration (s)').fill('-3');
    expect(await page.locator('#durationSec-error').textContent()).toMatch(/greater than 0/);

    // The open model asks for a rate instead of pipelining.
    await page.getByRole('radio', { name: 'Open (arrival rate)' }).check();
    await field('Rate (per s)').fill('fast');
    expect(await page.locator('#rate-error').textContent()).toMatch(/Must be a number/);
    await page.getByRole('radio', { name: 'Closed (connections)' }).check();
    expect(await field('Rate (per s)').count()).toBe(0);

    // JSON body: checked while typing.
    await page.getByRole('radio', { name: 'JSON' }).check();
    await field('Body').fill('{"item": ');
    expect(await page.locator('#body-error').textContent()).toMatch(/not valid JSON/);

    // Thresholds: each bad line is named.
    await field('Thresholds (one per line)').fill('p99 < 250ms\np98 < 1s');
    expect(await page.locator('#thresholds-error').textContent()).toMatch(/Line 2: "p98 < 1s": unknown metric/);

    // Save with errors: nothing is saved; the untouched Name now shows its error too.
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    expect(await page.locator('#name-error').textContent()).toMatch(/needs a name/);
    await shot('02-builder-errors');

    // Fixing a field clears its error as you type.
    await field('Body').fill('{"item": 42}');
    await page.locator('#body-error').waitFor({ state: 'detached' });
    await field('Connections').fill('4');
    await page.locator('#connections-error').waitFor({ state: 'detached' });
    await field('Thresholds (one per line)').fill('');
    await page.locator('#thresholds-error').waitFor({ state: 'detached' });
  });

  test('an HTTP scenario made by clicking and typing runs live against the demo target and stops', async () => {
    // Same form: the rest of the fields, with the demo target's address from the page.
    await field('Name').fill('E2E HTTP');
    await page.getByRole('button', { name: 'Use demo target' }).click();
    await expect.poll(() => field('URL').inputValue()).toMatch(/^http:\/\/demo-target\.invalid\/$/);
    // POST the JSON body to the demo target's echo endpoint.
    await field('URL').fill(`${await field('URL').inputValue()}echo`);
    await field('Method').selectOption('POST');
    await page.getByRole('button', { name: '+ Add header' }).click();
    await page.getByLabel('Header 1 name').fill('X-Test');
    await page.getByLabel('Header 1 value').fill('e2e');
    await field('Duration (s)').fill('6');
    await page.locator('#url-error').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved', { exact: true }).waitFor();
    await shot('03-builder-http');

    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const stop = page.getByRole('button', { name: 'Stop' });
    await stop.waitFor();
    expect(await page.locator('.chart canvas').count()).toBeGreaterThanOrEqual(4);

    // Live: the recorded-seconds counter moves and the throughput figure is a real number.
    const seconds = page.getByTestId('seconds-recorded');
    await expect.poll(async () => parseInt((await seconds.textContent()) ?? '0', 10), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    const throughput = (await stat('Throughput').textContent()) ?? '';
    expect(throughput).toMatch(/^[\d,]+$/);
    expect(Number(throughput.replace(/,/g, ''))).toBeGreaterThan(0);
    // The throughput chart's legend shows the second under the cursor: hover the plot.
    await shot('04-run-live');

    await stop.click();
    await page.getByRole('region', { name: 'Run summary' }).waitFor({ timeout: 15_000 });
    await expect(page.locator('.status').first().textContent()).resolves.toMatch(/stopped|completed/);
    // The summary's percentile plot is there, with the nines axis.
    await page.getByText('Latency by percentile').waitFor();
    await shot('05-run-summary-http');
  });

  test('the run appears in History', async () => {
    await nav('History').click();
    const row = page.getByRole('row', { name: /E2E HTTP/ });
    await row.waitFor();
    expect(await row.textContent()).toMatch(/HTTP/);
    expect(await row.textContent()).toMatch(/stopped|completed/);
    await shot('06-history-one');
  });

  test('a WebSocket echo scenario runs against the demo target to its end', async () => {
    await nav('Scenarios').click();
    await page.getByRole('button', { name: 'New scenario' }).click();
    await page.getByRole('radio', { name: 'WebSocket' }).check();
    await field('Name').fill('E2E WS echo');
    await page.getByRole('button', { name: 'Use demo target' }).click();
    await expect.poll(() => field('URL').inputValue()).toMatch(/^ws:\/\/demo-target\.invalid\/ws\/echo$/);
    await field('Connections').fill('4');
    await field('Duration (s)').fill('3');
    await field('Thresholds (one per line)').fill('p99 < 5s\nerrors < 1%');
    await shot('07-builder-ws');
    // Run does not save (issue #17): Save, then Run the saved scenario.
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.getByRole('button', { name: 'Stop' }).waitFor();
    await page.getByRole('region', { name: 'Run summary' }).waitFor({ timeout: 20_000 });
    await expect(page.locator('.status').first().textContent()).resolves.toMatch(/completed/);
    const summary = page.getByRole('region', { name: 'Run summary' });
    expect(await summary.textContent()).toMatch(/messages sent/);
    const sent = await summary.getByRole('row', { name: /messages sent/ }).textContent();
    expect(Number((sent ?? '').replace(/\D/g, ''))).toBeGreaterThan(0);
    // The scenario's thresholds are evaluated by the main process at the end of the run.
    await summary.getByText('All 2 thresholds passed').waitFor();
    await shot('08-run-summary-ws');
  });

  test('the scenario list runs, duplicates, renames and deletes scenarios', async () => {
    await nav('Scenarios').click();
    const row = (name: string | RegExp) => page.getByRole('row', { name });
    await row(/^E2E HTTP\b/).waitFor();
    await row(/^E2E WS echo\b/).waitFor();
    expect(await row(/^E2E WS echo\b/).textContent()).toMatch(/4 conn · echo ×1 · 3 s/);

    await row(/^E2E HTTP\b/).getByRole('button', { name: 'Duplicate' }).click();
    await row(/^E2E HTTP \(copy\)/).waitFor();
    await row(/^E2E HTTP \(copy\)/).getByRole('button', { name: 'Rename' }).click();
    await page.getByLabel('New name for E2E HTTP (copy)').fill('E2E spare');
    await page.getByLabel('New name for E2E HTTP (copy)').press('Enter');
    await row(/^E2E spare/).waitFor();
    await shot('09-scenarios-list');
    // Delete asks twice, in place.
    await row(/^E2E spare/).getByRole('button', { name: 'Delete' }).click();
    await row(/^E2E spare/).getByRole('button', { name: 'Confirm delete?' }).click();
    await row(/^E2E spare/).waitFor({ state: 'detached' });
  });

  test('Try it runs a sample scenario against the demo target in one click', async () => {
    await page.getByRole('button', { name: 'Try it' }).click();
    await page.getByRole('heading', { name: 'Try it: demo HTTP', level: 1 }).waitFor();
    const seconds = page.getByTestId('seconds-recorded');
    await expect.poll(async () => parseInt((await seconds.textContent()) ?? '0', 10), { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    // Reloading mid-run (or opening a second window) shows the whole run so far, not from now.
    await page.reload();
    await page.getByRole('heading', { name: 'Try it: demo HTTP', level: 1 }).waitFor();
    expect(parseInt((await seconds.textContent()) ?? '0', 10)).toBeGreaterThanOrEqual(1);
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.getByRole('region', { name: 'Run summary' }).waitFor({ timeout: 15_000 });
  });

  test('both runs can be selected in History and compared', async () => {
    await nav('History').click();
    await page.getByRole('row', { name: /E2E WS echo/ }).waitFor();
    await page.getByRole('row', { name: /E2E HTTP/ }).getByRole('checkbox').check();
    await page.getByRole('row', { name: /E2E WS echo/ }).getByRole('checkbox').check();
    await shot('10-history-selected');
    await page.getByRole('button', { name: 'Compare', exact: true }).click();

    await page.getByRole('heading', { name: 'Compare', level: 1 }).waitFor();
    const legend = page.getByRole('list', { name: 'Runs compared' });
    await legend.getByText(/E2E HTTP/).waitFor();
    await legend.getByText(/E2E WS echo/).waitFor();
    const table = page.getByRole('table', { name: 'Figures compared' });
    expect(await table.getByRole('row', { name: /^p99\s/ }).count()).toBe(1);
    expect(await page.locator('.chart canvas').count()).toBeGreaterThanOrEqual(3);
    await expect(page.getByText('Different protocols.').isVisible()).resolves.toBe(true);

    // Mark the WebSocket run as its scenario's baseline.
    await legend.getByRole('listitem').filter({ hasText: 'E2E WS echo' }).getByRole('button', { name: 'Mark as baseline' }).click();
    await legend.getByRole('listitem').filter({ hasText: 'E2E WS echo' }).getByText('baseline', { exact: true }).waitFor();
    await shot('11-compare');
  });

  test('a run report edits notes and tags and exports JSON', async () => {
    await nav('History').click();
    await page.getByRole('row', { name: /E2E HTTP/ }).getByRole('link').click();
    await page.getByRole('heading', { name: 'E2E HTTP', level: 1 }).waitFor();
    await page.getByLabel('Add tag').fill('e2e smoke');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('list', { name: 'Tags' }).getByText('smoke').waitFor();
    await page.getByLabel('Notes').fill('Measured by the end-to-end test.');
    await page.getByRole('button', { name: 'Save notes' }).click();
    await page.getByText('Saved', { exact: true }).waitFor();

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSON' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^barrage-run-\d+\.json$/);
    const saved = await download.path();
    expect(JSON.parse(readFileSync(saved, 'utf8'))).toBeTruthy();
    await shot('12-report');

    // Tags show in History and filter it.
    await nav('History').click();
    await page.getByLabel('Tag', { exact: true }).selectOption('smoke');
    await expect.poll(() => page.getByRole('row', { name: /E2E/ }).count()).toBe(1);
    await page.getByRole('button', { name: 'Clear filters' }).first().click();
  });

  test('the dark theme follows the OS', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await nav('Compare').click();
    await page.getByRole('list', { name: 'Runs compared' }).waitFor();
    const bg = await page.evaluate('getComputedStyle(document.body).backgroundColor');
    expect(bg).not.toBe('rgb(244, 245, 247)');
    await shot('13-compare-dark');
    await nav('History').click();
    await page.getByRole('row', { name: /E2E HTTP/ }).getByRole('link').click();
    await page.getByRole('region', { name: 'Run summary' }).waitFor();
    await shot('14-report-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  test('no script errors or CSP violations happened', () => {
    expect(problems).toEqual([]);
  });
});
