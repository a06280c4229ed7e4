// End to end, as a new user, in Chromium against `barrage serve` (issue #17): a rate the
// connections cannot carry is warned about, shown behind while it runs and counted as missed
// at the end; a target that refuses everything says so while it runs. Screenshots go to
// test-output/screenshots/.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchChromium, openApp } from '../support/chromium.ts';
import { closedPort, delayedServer, type TestServer } from '../support/faultServers.ts';
import { startServe, type ServeProcess } from './support/serveProcess.ts';

const SHOTS = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url));

describe('first hour: live figures that say what is wrong', () => {
  let dir: string;
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  let slow: TestServer;
  const problems: string[] = [];

  const shot = async (name: string) => {
    await page.waitForTimeout(150);
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  };
  const field = (label: string) => page.getByLabel(label, { exact: true });
  const stat = (label: string) => page.locator(`[data-stat="${label}"]`).first();
  const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'barrage-e2e-firsthour-'));
    slow = await delayedServer(50);
    serve = await startServe(join(dir, 'runs.db'));
    browser = await launchChromium();
    page = await openApp(browser, serve.url, problems);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    await slow?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Fills the builder for an HTTP run of `url` and starts it. */
  async function runFromBuilder(name: string, url: string, opts: { rate?: number; connections: number; durationSec: number }) {
    await nav('Scenarios').click();
    await page.getByRole('button', { name: 'New scenario' }).click();
    await page.getByRole('heading', { name: 'New scenario' }).waitFor();
    await field('Name').fill(name);
    await field('URL').fill(url);
    if (opts.rate !== undefined) {
      await page.getByRole('radio', { name: 'Open (arrival rate)' }).check();
      await field('Rate (per s)').fill(String(opts.rate));
    }
    await field('Connections').fill(String(opts.connections));
    await field('Duration (s)').fill(String(opts.durationSec));
    await field('Workers').fill('1');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.getByRole('button', { name: 'Stop' }).waitFor();
  }

  test('"Use demo target" saves a symbolic address that the list marks and every session resolves', async () => {
    await nav('Scenarios').click();
    await page.getByRole('button', { name: 'New scenario' }).click();
    await page.getByRole('heading', { name: 'New scenario' }).waitFor();
    await field('Name').fill('Demo echo');
    await page.getByRole('button', { name: 'Use demo target' }).click();
    await expect.poll(() => field('URL').inputValue()).toBe('http://demo-target.invalid/');
    await field('Duration (s)').fill('2');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved', { exact: true }).waitFor();
    await nav('Scenarios').click();
    const row = page.getByRole('row', { name: /Demo echo/ });
    await row.getByTestId('demo-badge').waitFor();
    await shot('34-scenarios-demo-badge');
    await row.getByRole('button', { name: 'Run', exact: true }).click();
    await page.getByRole('region', { name: 'Run summary' }).waitFor({ timeout: 20_000 });
    expect(await page.locator('.status').first().textContent()).toMatch(/completed/);
    expect(Number(((await stat('Throughput').textContent()) ?? '0').replace(/,/g, ''))).toBeGreaterThan(0);
  });

  test('a rate the connections cannot carry: warned, behind while it runs, missed at the end', async () => {
    // 2 connections at 50 ms carry 40 requests/s; 200/s are asked.
    await runFromBuilder('Too few connections', `${slow.url}/`, { rate: 200, connections: 2, durationSec: 4 });
    await page.getByTestId('run-warning').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('run-warning').textContent()).toMatch(/2 connections at the target's measured \d+ ms per request carry at most about \d+ requests\/s, less than the 200\/s asked/);
    await expect.poll(async () => Number(((await stat('Behind schedule').textContent()) ?? '0').replace(/,/g, '')), { timeout: 10_000 }).toBeGreaterThan(100);
    expect(await page.getByTestId('behind-banner').textContent()).toMatch(/scheduled requests are behind: all 2 connections are busy/);
    await shot('30-run-live-behind');

    await page.getByRole('region', { name: 'Run summary' }).waitFor({ timeout: 20_000 });
    const missed = Number(((await stat('Missed sends').textContent()) ?? '0').replace(/,/g, ''));
    expect(missed).toBeGreaterThan(400);
    await page.getByText(/of 800 scheduled requests \(\d+(\.\d)?%\) never went out: all 2 connections were busy/).waitFor();
    await shot('31-run-summary-missed');
    expect(problems).toEqual([]);
  });

  test('a target that refuses every connection: errors by kind while it runs, then stopped as failed', async () => {
    const port = await closedPort();
    await runFromBuilder('Dead port', `http://127.0.0.1:${port}/`, { connections: 2, durationSec: 20 });
    await expect.poll(async () => (await page.getByTestId('live-errors').textContent()) ?? '', { timeout: 10_000 }).toMatch(/Errors so far:\s+refused [\d,]+/);
    await shot('32-run-live-errors-by-kind');
    await page.getByRole('region', { name: 'Run summary' }).waitFor({ timeout: 15_000 });
    await page.getByRole('alert').filter({ hasText: /stopped after 3 s: nothing succeeded and every attempt failed the same way — refused/ }).waitFor();
    expect(await page.locator('.status').first().textContent()).toMatch(/failed/);
    // Nothing completed: no latency figure, never the empty histogram's 0 µs.
    for (const label of ['p50', 'p99', 'p99.9', 'Max']) expect(await stat(label).textContent()).toBe('–');
    expect(await page.getByRole('region', { name: 'Run summary' }).textContent()).toMatch(/nothing completed/);
    await shot('33-run-failed-early');
    expect(problems).toEqual([]);
  });
});
