// End to end in Chromium: the builder's load profile — a preset fills the stage table, the
// preview draws the plan, a row is edited, the scenario saves with its stages, and opening it
// again shows the same table.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openStore } from '../../src/main/store/runStore.ts';
import { launchChromium, openApp } from '../support/chromium.ts';
import { startServe, type ServeProcess } from './support/serveProcess.ts';

describe('the stage editor', () => {
  let dir: string;
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const field = (label: string) => page.getByLabel(label, { exact: true });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'barrage-e2e-stages-'));
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

    // Edit: 20 s ramp to 50/s, hold 5 s, down in 2 s.
    await field('Stage 1 duration (s)').fill('20');
    await field('Stage 1 target').fill('50');
    await field('Stage 2 duration (s)').fill('5');
    await field('Stage 2 target').fill('50');
    await field('Stage 3 duration (s)').fill('2');
    const preview = page.getByTestId('stage-preview');
    await expect.poll(() => preview.getAttribute('aria-label')).toBe('Planned profile: 27 s, peak 50 requests/s');
    // Corners of the plan: (0,0) (20,50) (25,50) (27,0) scaled to 320 × 100.
    await expect(preview.locator('polyline').getAttribute('points')).resolves.toBe('0.0,100.0 237.0,0.0 296.3,0.0 320.0,100.0');

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
        { durationSec: 20, target: 50 },
        { durationSec: 5, target: 50 },
        { durationSec: 2, target: 0 },
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
    await expect(field('Stage 1 duration (s)').inputValue()).resolves.toBe('20');
    await expect(field('Stage 3 target').inputValue()).resolves.toBe('0');
    expect(problems).toEqual([]);
  });
});
