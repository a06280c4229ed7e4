// End to end in Chromium: the builder's load settings. The load profile — a preset fills the
// stage table, the preview draws the plan, a row is edited, the scenario saves with its stages,
// and opening it again shows the same table; and the WebSocket builder's "Handshakes in flight
// (max)" field (the scenario's maxConnecting, the CLI's --max-connecting), next to the connect
// rate, with the schema's message at the field, saved with the scenario.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openStore } from '../../src/main/store/runStore.ts';
import { launchChromium, openApp } from '../support/chromium.ts';
import { startServe, type ServeProcess } from './support/serveProcess.ts';

describe('the builder’s load settings', () => {
  let dir: string;
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const field = (label: string) => page.getByLabel(label, { exact: true });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'barrage-e2e-load-settings-'));
    serve = await startServe(join(dir, 'runs.db'));
    browser = await launchChromium();
    page = await openApp(browser, serve.url, problems);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a preset fills the table and the preview, an edit sticks, and the scenario saves with its stages', async () => {
    await page.getByRole('button', { name: 'New scenario' }).click();
    await page.getByRole('heading', { name: 'New scenario' }).waitFor();
    await field('Name').fill('Ramp');
    await page.getByRole('button', { name: 'Use demo target' }).click();
    await page.getByRole('radio', { name: 'Open (arrival rate)' }).check();
    await page.getByRole('radio', { name: 'Profile (stages)' }).check();

    const table = page.getByRole('table', { name: 'Stages' });
    await expect(table.locator('tbody tr').count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Ramp up, hold, ramp down' }).click();
    await expect(table.locator('tbody tr').count()).resolves.toBe(3);
    // The open model: the targets are a rate.
    await expect(table.locator('thead').textContent()).resolves.toMatch(/Target \(requests\/s\)/);

    // Edit: 2 s ramp to 50/s, hold 1 s, down in 1 s.
    await field('Stage 1 duration (s)').fill('2');
    await field('Stage 1 target').fill('50');
    await field('Stage 2 duration (s)').fill('1');
    await field('Stage 2 target').fill('50');
    await field('Stage 3 duration (s)').fill('1');
    const preview = page.getByTestId('stage-preview');
    await expect.poll(() => preview.getAttribute('aria-label')).toBe('Planned profile: 4 s, peak 50 requests/s');
    // Corners of the plan: (0,0) (2,50) (3,50) (4,0) scaled to 320 × 100.
    await expect(preview.locator('polyline').getAttribute('points')).resolves.toBe('0.0,100.0 160.0,0.0 240.0,0.0 320.0,100.0');

    // Add and remove a stage.
    await page.getByRole('button', { name: 'Add stage' }).click();
    await expect(table.locator('tbody tr').count()).resolves.toBe(4);
    await page.getByRole('button', { name: 'Remove stage 4' }).click();
    await expect(table.locator('tbody tr').count()).resolves.toBe(3);

    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved', { exact: true }).waitFor();

    const store = openStore(join(dir, 'runs.db'));
    try {
      const saved = store.getScenario('Ramp')!;
      expect(saved.config.stages).toEqual([
        { durationSec: 2, target: 50 },
        { durationSec: 1, target: 50 },
        { durationSec: 1, target: 0 },
      ]);
      expect(saved.config.stageTarget).toBe('rate');
      expect(saved.config.durationSec).toBeUndefined();
    } finally {
      store.close();
    }

    // Opened again, the builder shows the same profile.
    await page.reload();
    await page.getByRole('radio', { name: 'Profile (stages)' }).waitFor();
    await expect(page.getByRole('radio', { name: 'Profile (stages)' }).isChecked()).resolves.toBe(true);
    await expect(field('Stage 1 duration (s)').inputValue()).resolves.toBe('2');
    await expect(field('Stage 3 target').inputValue()).resolves.toBe('0');

    // Run it: the summary has the per-stage table, one row per stage.
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.getByRole('region', { name: 'Run summary' }).waitFor({ timeout: 30_000 });
    const stages = page.getByRole('table', { name: 'Stages' });
    await stages.waitFor();
    await expect(stages.locator('tbody tr').count()).resolves.toBe(3);
    await expect(stages.locator('tbody tr').nth(1).textContent()).resolves.toMatch(/^22s–3s50\/s/);
    expect(problems).toEqual([]);
  });

  test('the WebSocket builder’s handshakes in flight: edited, validated at the field and saved as maxConnecting', async () => {
    // From the run page the test above leaves, back to the scenario list.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Scenarios', exact: true }).click();
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
