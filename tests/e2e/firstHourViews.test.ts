// End to end, as a user, in Chromium against `barrage serve` (issue #17, items 12 and 14 and a
// Compare papercut): a run in which nothing completed shows "–" and why in Compare, never a
// coloured latency change; the Showdown's latency chart on a linear axis with the ratios
// written out, and the updates experiment (polling vs push) in a table of its own; keyboard
// shortcuts for run, stop, search and the views, listed in a `?` help dialog. Screenshots go
// to test-output/screenshots/.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openStore } from '../../src/main/store/runStore.ts';
import { nothingCompleted } from '../fixtures/nothingCompleted.ts';
import { syntheticRun } from '../fixtures/syntheticRun.ts';
import { launchChromium, openApp } from '../support/chromium.ts';
import { seedComparison } from './support/seedComparison.ts';
import { startServe, type ServeProcess } from './support/serveProcess.ts';

const SHOTS = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url));

/** A stopped run in which nothing completed, beside the seeded pair. */
function seedNothingCompleted(dbFile: string): number {
  const store = openStore(dbFile);
  try {
    const run = nothingCompleted(syntheticRun({ seconds: 2, seed: 5, name: 'Stopped at once', startedAt: '2025-01-10T10:10:00.000Z' }));
    return store.insertRun({
      ...run,
      scenarioId: null,
      scenarioName: 'Stopped at once',
      groupId: null,
      tags: [],
      notes: '',
      environment: { barrageVersion: '0.1.0', nodeVersion: '22', electronVersion: null, os: null, cpu: null, workers: 2, targetHost: '127.0.0.1:8080' },
    });
  } finally {
    store.close();
  }
}

describe('first hour in the app: Compare, Showdown, keyboard', () => {
  let dir: string;
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  let seeded: { baselineId: number; candidateId: number };
  let emptyId: number;

  const shot = async (name: string) => {
    await page.waitForTimeout(150);
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'barrage-e2e-views-'));
    const db = join(dir, 'runs.db');
    seeded = seedComparison(db);
    emptyId = seedNothingCompleted(db);
    serve = await startServe(db);
    browser = await launchChromium();
    page = await openApp(browser, serve.url, problems);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('Compare: a run in which nothing completed shows "–" and why, never a coloured latency change', async () => {
    for (const ids of [
      [seeded.baselineId, emptyId],
      [emptyId, seeded.baselineId],
    ]) {
      await page.evaluate(`location.hash = '#/compare?ids=${ids.join(',')}'`);
      const table = page.getByRole('table', { name: 'Figures compared' });
      await table.waitFor();
      await expect.poll(() => table.locator('tbody tr').count()).toBeGreaterThan(10);
      for (const figure of ['p50', 'p99', 'p99.9', 'max', 'mean']) {
        const row = table.locator('tbody tr').filter({ has: page.locator('td:first-child', { hasText: new RegExp(`^${figure.replace('.', '\\.')}\\s*↓?$`) }) });
        expect(await row.count()).toBe(1);
        const cells = (await row.locator('td').allTextContents()).map((t) => t.trim());
        // figure, reference value, candidate value, difference, change
        const emptyCell = ids[0] === emptyId ? cells[1] : cells[2];
        expect(emptyCell).toBe('– nothing completed');
        expect(cells[3]).toBe('–');
        expect(cells[4]).toBe('–');
        expect(await row.locator('td.worse, td.better').count()).toBe(0);
      }
      if (ids[0] === seeded.baselineId) await shot('50-compare-nothing-completed');
    }
  });

  test('Showdown: latency on a linear axis with the ratios written out; polling vs push in a table of its own', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Showdown', exact: true }).click();
    await page.getByRole('heading', { name: 'Showdown', level: 1 }).waitFor();
    const field = (label: string) => page.getByLabel(label, { exact: true });
    await field('Concurrency (clients)').fill('2');
    await field('Duration per mode (s)').fill('1');
    await field('Warm-up per mode (s)').fill('0');
    await field('Poll interval (ms)').fill('100');
    await field('Event rate (per s)').fill('20');
    await page.getByRole('button', { name: 'Run showdown' }).click();
    const table = page.getByRole('table', { name: 'Showdown table' });
    await table.waitFor({ timeout: 60_000 });

    // Experiment 1's table: its four modes only (the demo target serves HTTP/2 too); nothing of
    // experiment 2, no "not measured".
    expect((await table.getByRole('columnheader').allTextContents()).map((t) => t.trim().split(/\s+run #/)[0])).toEqual([
      'Factor',
      'REST (new connection)',
      'REST (keep-alive)',
      'HTTP/2 (multiplexed)',
      'WebSocket',
    ]);
    expect(await table.getByRole('rowheader', { name: /update|delivery|poll/i }).count()).toBe(0);
    expect(await table.getByRole('cell', { name: 'not measured', exact: true }).count()).toBe(0);

    // Experiment 2's own table: polling, long polling, SSE and WebSocket push, every cell a figure or a word.
    const updates = page.getByRole('table', { name: 'Updates table' });
    expect((await updates.getByRole('columnheader').allTextContents()).map((t) => t.trim().split(/\s+run #/)[0])).toEqual([
      'Factor',
      'REST polling (every 100 ms)',
      'Long polling',
      'Server-Sent Events',
      'WebSocket push',
    ]);
    const lag = (await updates.getByRole('row', { name: /^Delivery lag p50/ }).getByRole('cell').allTextContents()).map((t) => t.trim());
    expect(lag).toHaveLength(4);
    for (const cell of lag) expect(cell).toMatch(/^\d[\d.,]* (µs|ms|s)( \(best\))?$/);
    expect(await updates.getByRole('cell', { name: 'not measured', exact: true }).count()).toBe(0);
    // SSE and push deliver without polling.
    expect(await updates.getByRole('cell', { name: /^none \(no polls\)/ }).count()).toBe(2);

    // The latency chart: a linear axis (bar heights in the ratio of their values), ratios in words.
    const chart = page.getByRole('figure', { name: 'Round-trip latency' });
    expect(await chart.getByText('log scale').count()).toBe(0);
    await chart.getByText('linear axis', { exact: false }).waitFor();
    const bars = await chart.locator('rect').evaluateAll((rects) =>
      rects.map((r) => ({ height: Number(r.getAttribute('height')), title: r.querySelector('title')?.textContent ?? '' })),
    );
    const toUs = (title: string) => {
      const m = /: ([\d.,]+) (µs|ms|s)$/.exec(title)!;
      return Number(m[1].replace(/,/g, '')) * { µs: 1, ms: 1000, s: 1e6 }[m[2] as 'µs' | 'ms' | 's'];
    };
    const measured = bars.map((b) => ({ height: b.height, us: toUs(b.title) })).sort((a, b) => b.us - a.us);
    expect(measured.length).toBeGreaterThanOrEqual(6);
    const [tallest, second] = measured;
    if (second.height > 20) expect(tallest.height / second.height).toBeCloseTo(tallest.us / second.us, 1);
    const ratios = await chart.getByRole('list', { name: 'Ratios' }).getByRole('listitem').allTextContents();
    expect(ratios.length).toBe(3);
    expect(ratios[0]).toMatch(/^p50: .+ \d[\d.]*× (REST \(new connection\)|REST \(keep-alive\)|HTTP\/2 \(multiplexed\)|WebSocket)/);
    const lagChart = page.getByRole('figure', { name: /^Update delivery lag/ });
    expect(await lagChart.getByRole('list', { name: 'Ratios' }).getByRole('listitem').count()).toBeGreaterThanOrEqual(1);
    await shot('51-showdown-two-tables');
  }, 90_000);

  test('keyboard: ? lists the shortcuts in an accessible dialog; Esc closes it; focus stays inside', async () => {
    await page.evaluate(`location.hash = '#/history'`);
    await page.getByRole('heading', { name: 'History', level: 1 }).waitFor();
    await page.locator('body').click({ position: { x: 700, y: 5 } });
    await page.keyboard.press('?');
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.waitFor();
    expect(await dialog.getAttribute('aria-modal')).toBe('true');
    const inDialog = () => page.evaluate(`!!document.activeElement?.closest('dialog[open]')`);
    expect(await inDialog()).toBe(true);
    // Every group and binding of the table is listed.
    for (const group of ['In the current view', 'Go to', 'Help']) await dialog.getByRole('table', { name: group }).waitFor();
    const runRow = dialog.getByRole('row', { name: /Ctrl\+Enter/ });
    expect(await runRow.textContent()).toMatch(/Run/);
    expect(await dialog.getByRole('row', { name: /^g\s*then\s*h\s*or\s*Alt\+3\s*History$/ }).count()).toBe(1);
    await shot('52-shortcuts-help');
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Tab');
      expect(await inDialog()).toBe(true);
    }
    await page.keyboard.press('Shift+Tab');
    expect(await inDialog()).toBe(true);
    // While it is open, the keys are the dialog's: g h does not navigate behind it.
    await page.keyboard.press('g');
    await page.keyboard.press('c');
    expect(page.url()).toMatch(/#\/history$/);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);
    // The navigation's button opens it too.
    await page.getByRole('button', { name: /^Shortcuts/ }).click();
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
  });

  test('keyboard: g-letter and Alt+number go to the views; / and Ctrl+K focus the view’s search; typing in a field is never taken', async () => {
    const h1 = (name: string) => page.getByRole('heading', { name, level: 1 });
    const focusedLabel = () => page.evaluate(`document.activeElement?.getAttribute('aria-label') ?? null`) as Promise<string | null>;
    await page.locator('body').click({ position: { x: 700, y: 5 } });
    await page.keyboard.press('g');
    await page.keyboard.press('s');
    await h1('Scenarios').waitFor();
    await page.keyboard.press('Alt+3');
    await h1('History').waitFor();
    await page.keyboard.press('g');
    await page.keyboard.press('w');
    await h1('Showdown').waitFor();
    await page.keyboard.press('Alt+3');
    await h1('History').waitFor();

    // / focuses the History's search; what follows is typed into it (g and s included).
    await page.keyboard.press('/');
    const search = page.getByRole('searchbox', { name: 'Search runs' });
    await expect.poll(focusedLabel).toBe('Search runs');
    await page.keyboard.type('gs/?');
    expect(await search.inputValue()).toBe('gs/?');
    await h1('History').waitFor();
    expect(await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).isVisible()).toBe(false);
    await page.keyboard.press('Alt+1');
    expect(page.url()).toMatch(/#\/history$/);
    await search.fill('');

    // Ctrl+K does the same from the Scenarios view (its filter), also from inside another field.
    await page.locator('body').click({ position: { x: 700, y: 5 } });
    await page.keyboard.press('Alt+1');
    await h1('Scenarios').waitFor();
    await page.keyboard.press('Control+k');
    const filter = page.getByRole('searchbox', { name: 'Filter scenarios' });
    await expect.poll(focusedLabel).toBe('Filter scenarios');
  });

  test('keyboard: Ctrl+Enter runs from the builder (while typing), Ctrl+. stops, Ctrl+Enter runs a finished run again', async () => {
    const field = (label: string) => page.getByLabel(label, { exact: true });
    await page.getByRole('button', { name: 'New scenario' }).click();
    await page.getByRole('heading', { name: 'New scenario' }).waitFor();
    await field('Name').fill('Keyboard run');
    await page.getByRole('button', { name: 'Use demo target' }).click();
    await field('Connections').fill('2');
    await field('Duration (s)').fill('60');
    await field('Warm-up (s)').fill('0');
    await field('Connections').focus();
    await page.keyboard.press('Control+Enter');
    await page.getByRole('heading', { name: 'Keyboard run', level: 1 }).waitFor();
    const firstRun = page.url();
    expect(firstRun).toMatch(/#\/run\/\d+$/);
    await page.getByRole('button', { name: 'Stop', exact: true }).waitFor();
    await page.keyboard.press('Control+.');
    await page.getByRole('region', { name: 'Run summary' }).waitFor({ timeout: 15_000 });
    expect(await page.getByRole('button', { name: 'Stop', exact: true }).count()).toBe(0);

    // A finished run: Ctrl+Enter is its Run again.
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => page.url(), { timeout: 15_000 }).not.toBe(firstRun);
    expect(page.url()).toMatch(/#\/run\/\d+$/);
    await page.getByRole('button', { name: 'Stop', exact: true }).waitFor();
    await page.keyboard.press('Meta+.');
    await page.getByRole('region', { name: 'Run summary' }).waitFor({ timeout: 15_000 });

    // Nothing to stop in the History: the shortcut says so instead of doing anything.
    await page.keyboard.press('Alt+3');
    await page.getByRole('heading', { name: 'History', level: 1 }).waitFor();
    await page.keyboard.press('Control+.');
    await page.getByText('Nothing is running in this view').waitFor();
  }, 60_000);

  test('no script errors or CSP violations happened', () => {
    expect(problems).toEqual([]);
  });
});
