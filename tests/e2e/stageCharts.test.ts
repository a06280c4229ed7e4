// End to end in Chromium against `barrage serve`: a run with a load profile draws its plan
// (dashed) against what it achieves and marks its stage boundaries on every time chart — live
// while it runs (from the pushed seconds), when it has finished, and in its stored report — and
// the Compare view compares one stage of two runs on that stage's own seconds, with a clear
// message when a run has no such stage. Screenshots go to test-output/screenshots/.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openStore } from '../../src/main/store/runStore.ts';
import type { Stage } from '../../src/shared/loadProfile.ts';
import { launchChromium, openApp } from '../support/chromium.ts';
import { storeRun } from '../fixtures/storedRuns.ts';
import { stagedRun } from '../fixtures/stagedRun.ts';
import { startServe, type ServeProcess } from './support/serveProcess.ts';

const SHOTS = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url));
const CHARTS = ['Throughput', 'Latency', 'Errors', 'Open connections'];

/** The stage marks a chart shows: label and position as a share of the plotting area's width. */
async function marksOf(chart: Locator): Promise<Array<{ label: string; at: number; shown: boolean }>> {
  const over = chart.locator('.u-over');
  const width = (await over.boundingBox())!.width;
  const marks = chart.locator('.stage-mark');
  const out: Array<{ label: string; at: number; shown: boolean }> = [];
  for (let i = 0; i < (await marks.count()); i++) {
    const mark = marks.nth(i);
    const box = await mark.boundingBox();
    const overBox = (await over.boundingBox())!;
    out.push({ label: (await mark.locator('.stage-mark-label').textContent()) ?? '', at: box ? (box.x - overBox.x) / width : NaN, shown: box !== null });
  }
  return out;
}

describe('stages on the charts, and one stage compared', () => {
  let dir: string;
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  let scenarioId: number;
  const runs = { a: 0, b: 0, short: 0 };
  const problems: string[] = [];
  const shot = async (name: string) => {
    await page.waitForTimeout(150);
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'barrage-e2e-stagecharts-'));
    const db = join(dir, 'runs.db');
    const store = openStore(db);
    try {
      // 20 s against the demo target: 0 → 40/s in 8 s, hold 6 s, jump to 80/s, hold 6 s.
      scenarioId = store.saveScenario('Rate ramp', {
        protocol: 'http',
        url: 'http://demo-target.invalid/delay?ms=2',
        connections: 10,
        workers: 1,
        stageTarget: 'rate',
        stages: [
          { durationSec: 8, target: 40 },
          { durationSec: 6, target: 40 },
          { durationSec: 0, target: 80 },
          { durationSec: 6, target: 80 },
        ],
      }).id;
      // Two stored runs of one profile, B twice as slow in stage 4 only; a third with 2 stages.
      const profile: Stage[] = [
        { durationSec: 4, target: 40 },
        { durationSec: 12, target: 40 },
        { durationSec: 2, target: 20 },
        { durationSec: 10, target: 20 },
      ];
      runs.a = storeRun(store, stagedRun({ stages: profile, target: 'connections', seed: 7, name: 'Checkout ramp', startedAt: '2025-05-01T08:00:00.000Z' }));
      runs.b = storeRun(store, stagedRun({ stages: profile, target: 'connections', seed: 7, name: 'Checkout ramp', startedAt: '2025-05-01T08:05:00.000Z', latencyScale: { 3: 2 } }));
      runs.short = storeRun(store, stagedRun({ stages: profile.slice(0, 2), target: 'connections', seed: 8, name: 'Checkout short', startedAt: '2025-05-01T08:10:00.000Z' }));
    } finally {
      store.close();
    }
    serve = await startServe(db);
    browser = await launchChromium();
    page = await openApp(browser, serve.url, problems);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the run view draws the plan against the rate achieved and marks the stages, live and stored', { timeout: 120_000 }, async () => {
    await page.goto(`${serve.url}#/scenarios/${scenarioId}`);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const chart = (name: string) => page.getByRole('figure', { name, exact: true });

    // Live: a few seconds in, from the pushed seconds only.
    await expect.poll(() => page.getByTestId('seconds-recorded').textContent(), { timeout: 30_000 }).toMatch(/^[3-7] seconds recorded$/);
    await shot('stage-charts-live');
    await expect(chart('Throughput').locator('.u-legend').textContent()).resolves.toContain('Planned rate');
    // The plan is drawn ahead of what was measured: the chart's data (its CSV export) holds the
    // plan's corners up to the end of the profile, where nothing is measured yet.
    const [download] = await Promise.all([page.waitForEvent('download'), chart('Throughput').getByRole('button', { name: 'Export Throughput as CSV' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8').trim().split('\n');
    expect(csv[0]).toBe('second,Throughput,Planned rate');
    expect(csv).toContain('0,,0');
    expect(csv).toContain('8,,40');
    expect(csv).toContain('14.001,,80');
    expect(csv.at(-1)).toBe('20,,80');
    for (const name of CHARTS) {
      const marks = await marksOf(chart(name));
      expect(marks.map((m) => m.label), name).toEqual(['stage 1', 'stage 2', 'stage 4']);
      // The time axis spans the planned 20 s while it runs: stage 2 starts at 8 s, stage 4 at 14 s.
      expect(marks[1].at, name).toBeCloseTo(0.4, 1);
      expect(marks[2].at, name).toBeCloseTo(0.7, 1);
    }
    // A rate profile: the connections chart has no plan.
    await expect(chart('Open connections').locator('.u-legend').textContent()).resolves.not.toContain('Planned');
    // All of that while the run still runs.
    await expect(page.getByRole('button', { name: 'Stop' }).isVisible()).resolves.toBe(true);

    // Finished: the stored seconds, the same plan and marks.
    await page.getByRole('region', { name: 'Run summary' }).waitFor({ timeout: 40_000 });
    await expect(chart('Throughput').locator('.u-legend').textContent()).resolves.toContain('Planned rate');
    for (const name of CHARTS) expect((await marksOf(chart(name))).map((m) => m.label), name).toEqual(['stage 1', 'stage 2', 'stage 4']);
    await shot('stage-charts-finished');

    // The stored run's page (History → the run).
    const runId = /#\/run\/(\d+)/.exec(page.url())?.[1] ?? (await page.getByText(/^Run #\d+$/).first().textContent())!.replace(/\D/g, '');
    await page.goto(`${serve.url}#/history/${runId}`);
    await page.getByRole('heading', { name: 'Over time' }).waitFor();
    for (const name of CHARTS) {
      const marks = await marksOf(chart(name));
      expect(marks.map((m) => m.label), name).toEqual(['stage 1', 'stage 2', 'stage 4']);
      expect(marks[1].at, name).toBeGreaterThan(0.3);
    }
    // The legend's readout at rest: the last second measured, and the plan there.
    await expect(chart('Throughput').locator('.u-legend').textContent()).resolves.toMatch(/Planned rate\s*80\/s/);
    await shot('stage-charts-stored');
    expect(problems).toEqual([]);
  });

  test('Compare: one stage of two runs, on its own seconds; a run without it says so', { timeout: 60_000 }, async () => {
    await page.goto(`${serve.url}#/compare?ids=${runs.a},${runs.b}`);
    const picker = page.getByLabel('Stage compared', { exact: true });
    await picker.waitFor();
    const verdicts = page.getByRole('table', { name: 'Verdicts' });
    // The whole runs: the slower stage is lost among the others.
    await expect.poll(() => verdicts.locator('tbody tr').count()).toBe(3);
    await expect.poll(() => verdicts.locator('.verdict').allTextContents()).toEqual(['no clear difference', 'no clear difference', 'no clear difference']);
    await expect(picker.locator('option').allTextContents()).resolves.toEqual([
      'Whole runs',
      'Stage 1 · 0s–4s · 0→40 conn',
      'Stage 2 · 4s–16s · 40 conn',
      'Stage 3 · 16s–18s · 40→20 conn',
      'Stage 4 · 18s–28s · 20 conn',
    ]);

    await picker.selectOption('4');
    await expect.poll(() => page.getByTestId('stage-note').textContent()).toMatch(/Stage 4 of each run, on the stage's own seconds/);
    await expect.poll(() => verdicts.locator('.verdict').allTextContents()).toEqual(['no clear difference', 'worse', 'worse']);
    await expect(page.getByRole('figure', { name: 'Throughput in stage 4' })).toBeDefined();
    // The table holds the stage's own figures: p50 doubled.
    const table = page.getByRole('table', { name: 'Figures compared' });
    await expect(table.locator('tr', { hasText: /^p50/ }).locator('td.pct').textContent()).resolves.toMatch(/^\+(99|100)/);
    await expect(table.textContent()).resolves.not.toContain('Opened');
    await shot('stage-compare');

    await picker.selectOption('2');
    await expect.poll(() => verdicts.locator('.verdict').allTextContents()).toEqual(['no clear difference', 'no clear difference', 'no clear difference']);

    // A run with two stages has no stage 4.
    await page.goto(`${serve.url}#/compare?ids=${runs.a},${runs.short}`);
    await page.getByLabel('Stage compared', { exact: true }).selectOption('4');
    await expect.poll(() => page.getByTestId('stage-problem').textContent()).toBe(
      `Cannot compare stage 4: run ${runs.short} has 2 stages, so no stage 4. Shown below: the whole runs.`,
    );
    await shot('stage-compare-missing');
    expect(problems).toEqual([]);
  });
});
