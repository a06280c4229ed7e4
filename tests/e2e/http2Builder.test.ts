// End to end in Chromium: an HTTP/2 scenario built in the builder (the HTTP version toggle and
// streams per connection), saved, and run against the demo target's /h2 over h2c; the run's
// summary says what the server allowed, and the Run view and History label it HTTP/2.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openStore } from '../../src/main/store/runStore.ts';
import { launchChromium, openApp } from '../support/chromium.ts';
import { startServe, type ServeProcess } from './support/serveProcess.ts';

describe('an HTTP/2 scenario from the builder', () => {
  let dir: string;
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const field = (label: string) => page.getByLabel(label, { exact: true });
  const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'barrage-e2e-h2-'));
    serve = await startServe(join(dir, 'runs.db'));
    browser = await launchChromium();
    page = await openApp(browser, serve.url, problems);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('builds, saves and runs h2c against the demo target, labelled HTTP/2', async () => {
    await page.getByRole('button', { name: 'New scenario' }).click();
    await page.getByRole('heading', { name: 'New scenario' }).waitFor();
    await field('Name').fill('H2 echo');
    await page.getByRole('button', { name: 'Use demo target' }).click();
    await expect.poll(() => field('URL').inputValue()).toBe('http://demo-target.invalid/');
    await field('URL').fill('http://demo-target.invalid/h2');
    // HTTP/1.1's pipelining gives way to HTTP/2's streams.
    await expect(field('Pipelining').count()).resolves.toBe(1);
    await page.getByRole('radio', { name: 'HTTP/2' }).check();
    await expect(field('Pipelining').count()).resolves.toBe(0);
    await field('Streams per connection').fill('4');
    await field('Connections').fill('2');
    await field('Duration (s)').fill('2');
    await field('Workers').fill('1');
    await expect(page.getByText('Closed model: 2 HTTP/2 connections each keep 4 requests (streams) in flight, for 2 s.').count()).resolves.toBe(1);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved', { exact: true }).waitFor();

    const store = openStore(join(dir, 'runs.db'));
    try {
      expect(store.getScenario('H2 echo')!.config).toMatchObject({ protocol: 'http', http2: true, streams: 4, connections: 2 });
    } finally {
      store.close();
    }

    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const summary = page.getByRole('region', { name: 'Run summary' });
    await summary.waitFor({ timeout: 30_000 });
    await expect(summary.textContent()).resolves.toMatch(/HTTP\/2 \(h2c\): 4 streams per connection asked, the server allowed 1000 \(SETTINGS_MAX_CONCURRENT_STREAMS\); at most 4 in flight on one connection/);
    await expect(page.locator('.badge.http').first().textContent()).resolves.toBe('HTTP/2');

    await nav('History').click();
    const row = page.getByRole('table', { name: 'Runs' }).locator('tbody tr').first();
    await row.waitFor();
    await expect(row.locator('.badge.http').textContent()).resolves.toBe('HTTP/2');
    expect(problems).toEqual([]);
  });
});
