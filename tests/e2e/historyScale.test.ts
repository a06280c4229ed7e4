// History with a long-lived workbench's 10,000 runs: the server sorts, filters and pages, so
// the page only ever holds one page of rows, and every interaction answers at once.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchChromium } from '../support/chromium.ts';
import { seedRuns } from './support/seedRuns.ts';
import { startServe, type ServeProcess } from './support/serveProcess.ts';

const SHOTS = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url));
const RUNS = 10_000;
/** Generous for a loaded 2-core CI machine; locally each step takes tens of milliseconds. */
const SNAPPY_MS = 1500;

describe('History with 10,000 runs', () => {
  let dir: string;
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'barrage-e2e-history-'));
    const db = join(dir, 'runs.db');
    seedRuns(db, RUNS);
    serve = await startServe(db);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (e) => errors.push(e.message));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Time from an action until the table shows what `ready` waits for. */
  async function timed(action: () => Promise<unknown>, ready: () => Promise<unknown>): Promise<number> {
    const t = performance.now();
    await action();
    await ready();
    return performance.now() - t;
  }
  const firstDate = () => page.locator('table.runs tbody tr').first().locator('td.date').textContent();
  /** The table has the answer to the latest query (the pager's range changes before it). */
  const settled = () => page.locator('table.runs[aria-busy="false"]').waitFor();
  const rowCount = () => page.locator('table.runs tbody tr').count();

  test('the first page opens at once and holds one page of rows', async () => {
    const ms = await timed(
      () => page.goto(`${serve.url}#/history`),
      () => page.getByText(`${RUNS.toLocaleString('en-US')} runs`).waitFor(),
    );
    expect(ms).toBeLessThan(5000);
    expect(await rowCount()).toBe(100);
    await page.getByText('1–100 of 10,000').waitFor();
    await page.screenshot({ path: join(SHOTS, '15-history-10k.png') });
  });

  test('paging, sorting and filtering answer quickly', async () => {
    const before = await firstDate();
    const next = await timed(
      () => page.getByRole('button', { name: 'Next ›' }).click(),
      async () => {
        await page.getByText('101–200 of 10,000').waitFor();
        await expect.poll(firstDate).not.toBe(before);
      },
    );

    const last = await timed(
      () => page.getByRole('button', { name: 'Last page' }).click(),
      () => page.getByText('9,901–10,000 of 10,000').waitFor().then(settled),
    );

    // Sort by throughput, best first: the first row's figure is the largest on the page.
    const sort = await timed(
      () => page.getByRole('button', { name: /Throughput/ }).click(),
      () => page.getByRole('columnheader', { name: /Throughput/ }).and(page.locator('[aria-sort="descending"]')).waitFor(),
    );
    await page.getByText('1–100 of 10,000').waitFor();
    await settled();
    const figures = await page.locator('table.runs tbody tr td:nth-child(6)').allTextContents();
    const values = figures.map((f) => Number(f.replace(/[^\d]/g, '')));
    expect(values[0]).toBeGreaterThanOrEqual(Math.max(...values));

    const filter = await timed(
      () => page.getByLabel('Protocol', { exact: true }).selectOption('ws'),
      () => page.getByText(/^[\d,]+ runs match$/).waitFor(),
    );
    const matched = Number(((await page.getByText(/^[\d,]+ runs match$/).textContent()) ?? '').replace(/\D/g, ''));
    expect(matched).toBeGreaterThan(0);
    expect(matched).toBeLessThan(RUNS);

    const search = await timed(
      () => page.getByLabel('Search runs').fill('checkout'),
      () => page.locator('table.runs tbody tr', { hasText: 'Seeded search' }).first().waitFor({ state: 'detached' }),
    );
    for (const ms of [next, last, sort, filter, search]) expect(ms).toBeLessThan(SNAPPY_MS);
    expect(await rowCount()).toBeLessThanOrEqual(100);
    expect(errors).toEqual([]);
  });
});
