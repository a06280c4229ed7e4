// End to end in Chromium: the WebSocket builder's "Handshakes in flight (max)" field (the
// scenario's maxConnecting, the CLI's --max-connecting) sits next to the connect rate, shows the
// schema's message at the field, and is saved with the scenario. No run: nothing timed here.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openStore } from '../../src/main/store/runStore.ts';
import { launchChromium, openApp } from '../support/chromium.ts';
import { startServe, type ServeProcess } from './support/serveProcess.ts';

describe('the WebSocket builder: handshakes in flight', () => {
  let dir: string;
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const field = (label: string) => page.getByLabel(label, { exact: true });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'barrage-e2e-maxconnecting-'));
    serve = await startServe(join(dir, 'runs.db'));
    browser = await launchChromium();
    page = await openApp(browser, serve.url, problems);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('edits, validates at the field and saves maxConnecting', async () => {
    await page.getByRole('button', { name: 'New scenario' }).click();
    await page.getByRole('heading', { name: 'New scenario' }).waitFor();
    // An HTTP scenario has no such field.
    await expect(field('Handshakes in flight (max)').count()).resolves.toBe(0);
    await page.getByRole('radio', { name: 'WebSocket' }).check();
    await field('Name').fill('Many sockets');
    await field('URL').fill('ws://127.0.0.1:9/ws/push');
    await expect.poll(() => field('Handshakes in flight (max)').inputValue()).toBe('1000');
    await field('Connect rate (per s)').fill('2000');

    await field('Handshakes in flight (max)').fill('0');
    await expect.poll(() => page.locator('#maxConnecting-error').textContent()).toMatch(/Must be at least 1/);
    expect(await field('Handshakes in flight (max)').getAttribute('aria-invalid')).toBe('true');
    await field('Handshakes in flight (max)').fill('many');
    await expect.poll(() => page.locator('#maxConnecting-error').textContent()).toMatch(/Must be a number/);
    await field('Handshakes in flight (max)').fill('250');
    await page.locator('#maxConnecting-error').waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved', { exact: true }).waitFor();
    const store = openStore(join(dir, 'runs.db'));
    try {
      expect(store.getScenario('Many sockets')!.config).toMatchObject({ protocol: 'ws', connectRate: 2000, maxConnecting: 250 });
    } finally {
      store.close();
    }
    expect(problems).toEqual([]);
  });
});
