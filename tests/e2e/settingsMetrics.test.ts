// End to end in Chromium against `barrage serve`: Settings → Metrics for Prometheus. Off by
// default; a taken port is refused at the field with the reason and nothing listens; a free port
// listens at once (the page says where) and a run started from the app is scraped there with its
// run id and scenario name; switching it off frees the port.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchChromium, openApp } from '../support/chromium.ts';
import { freePort, parseOpenMetrics } from '../support/openMetrics.ts';
import { startServe, type ServeProcess } from './support/serveProcess.ts';

const SHOTS = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url));

describe('Settings: metrics for Prometheus', () => {
  let dir: string;
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const shot = async (name: string) => {
    await page.waitForTimeout(150);
    await page.screenshot({ path: join(SHOTS, `${name}.png`) });
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'barrage-e2e-settings-'));
    serve = await startServe(join(dir, 'runs.db'));
    browser = await launchChromium();
    page = await openApp(browser, serve.url, problems);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a taken port is refused at the field; a free one listens and serves the app\'s run; off frees it', { timeout: 90_000 }, async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings', exact: true }).click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    const status = page.getByTestId('metrics-status');
    await expect.poll(() => status.textContent()).toMatch(/^\s*Off\s*$/);

    const held: Server = await new Promise((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => resolve(s));
    });
    const taken = (held.address() as { port: number }).port;
    try {
      await page.getByLabel('Serve metrics while the app runs').check();
      await page.getByLabel('Metrics port').fill(String(taken));
      await page.getByRole('button', { name: 'Apply' }).click();
      await expect.poll(() => page.getByTestId('metrics-error').textContent()).toBe(`Port: cannot listen on 127.0.0.1:${taken} (the port is in use)`);
      await shot('settings-metrics-taken');
      await expect(status.textContent()).resolves.toMatch(/Off/);
    } finally {
      held.close();
    }

    const port = await freePort();
    await page.getByLabel('Metrics port').fill(String(port));
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => status.textContent()).toMatch(new RegExp(`Listening at http://127\\.0\\.0\\.1:${port}/metrics`));
    await expect(page.getByTestId('metrics-error').count()).resolves.toBe(0);
    await shot('settings-metrics-on');

    // A run from the app (Try it) shows up on the endpoint with its run id.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Scenarios', exact: true }).click();
    await page.getByRole('button', { name: 'Try it' }).click();
    await expect.poll(() => new URL(page.url()).hash, { timeout: 20_000 }).toMatch(/^#\/run\/\d+$/);
    const runId = /#\/run\/(\d+)$/.exec(page.url())![1];
    await expect
      .poll(
        async () => {
          const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
          return parseOpenMetrics(text).find((s) => s.name === 'barrage_completed_total' && s.labels.run === runId)?.value ?? 0;
        },
        { timeout: 20_000 },
      )
      .toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Stop' }).first().click();

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings', exact: true }).click();
    // The view reads the settings when it opens; until then the box is unchecked and disabled,
    // and Playwright's uncheck() of an unchecked box returns at once — wait for the stored state.
    const serveMetrics = page.getByLabel('Serve metrics while the app runs');
    await expect.poll(() => serveMetrics.isChecked()).toBe(true);
    await serveMetrics.uncheck();
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => status.textContent()).toMatch(/^\s*Off\s*$/);
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
    expect(problems).toEqual([]);
  });
});
