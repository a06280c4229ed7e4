// End to end in Chromium: a Server-Sent Events scenario built in the builder ("Measures: Server-
// Sent Events", the demo target's event stream), saved, and run against the demo target's
// /sse/events; the run view shows the SSE figures (events, streams, reconnects, first event) and
// counts events per second, and History lists the run with an SSE badge.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openStore } from '../../src/main/store/runStore.ts';
import { launchChromium, openApp } from '../support/chromium.ts';
import { startServe, type ServeProcess } from './support/serveProcess.ts';

describe('an SSE scenario from the builder', () => {
  let dir: string;
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const field = (label: string) => page.getByLabel(label, { exact: true });
  const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'barrage-e2e-sse-'));
    serve = await startServe(join(dir, 'runs.db'));
    browser = await launchChromium();
    page = await openApp(browser, serve.url, problems);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('builds, saves and runs an event stream against the demo target, with its own figures', async () => {
    await page.getByRole('button', { name: 'New scenario' }).click();
    await page.getByRole('heading', { name: 'New scenario' }).waitFor();
    await field('Name').fill('SSE feed');
    // Request/response fields give way to the stream's own.
    await expect(field('Pipelining').count()).resolves.toBe(1);
    await field('Measures').selectOption('sse');
    await expect(field('Pipelining').count()).resolves.toBe(0);
    await expect(page.getByRole('heading', { name: 'Request body' }).count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Use demo target' }).click();
    await expect.poll(() => field('URL').inputValue()).toBe('http://demo-target.invalid/sse/events?rate=20');
    await field('URL').fill('http://demo-target.invalid/sse/events?rate=50&arrivals=even&feed=e2e');
    await field('Retry (ms)').fill('500');
    await field('Connections').fill('2');
    await field('Duration (s)').fill('2');
    await field('Workers').fill('1');
    await expect(page.getByText('Server-Sent Events: 2 connections each hold one event stream open', { exact: false }).count()).resolves.toBe(1);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved', { exact: true }).waitFor();

    const store = openStore(join(dir, 'runs.db'));
    try {
      expect(store.getScenario('SSE feed')!.config).toMatchObject({ protocol: 'http', method: 'GET', sse: { retryMs: 500, connectRate: 1000 }, connections: 2 });
    } finally {
      store.close();
    }

    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const summary = page.getByRole('region', { name: 'Run summary' });
    await summary.waitFor({ timeout: 30_000 });
    const sse = summary.getByLabel('Server-Sent Events');
    await sse.waitFor();
    const text = (await sse.textContent()) ?? '';
    // 2 streams × ≈ 2 s × 50 events/s: well over 100 events, no drop, a first event per stream.
    const events = Number(/events([\d,]+)/.exec(text)?.[1].replace(/,/g, ''));
    expect(events, text).toBeGreaterThan(100);
    expect(text).toMatch(/streams opened2/);
    expect(text).toMatch(/dropped0/);
    expect(text).toMatch(/first event p50\/p99/);
    await expect(summary.textContent()).resolves.toMatch(/Server-Sent Events delivery lag/);
    await expect(summary.textContent()).resolves.toMatch(/events\/s/);

    await nav('History').click();
    const row = page.getByRole('table', { name: 'Runs' }).locator('tbody tr').first();
    await row.waitFor();
    await expect(row.textContent()).resolves.toMatch(/SSE feed/);
    // Labelled as what it measured, not as plain HTTP.
    await expect(row.locator('.badge.http').textContent()).resolves.toBe('SSE');
    expect(problems).toEqual([]);
  });
});
