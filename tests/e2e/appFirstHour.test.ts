// End to end, as a new user, in Chromium against `barrage serve` (issue #17, the app's items):
// Try it and Run from the builder do not save scenarios (only Save does); an A/B started from
// Compare is shown on its own under its own heading, not stacked on the earlier comparison.
// Screenshots go to test-output/screenshots/.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchChromium, openApp } from '../support/chromium.ts';
import { seedComparison } from './support/seedComparison.ts';
import { startServe, type ServeProcess } from './support/serveProcess.ts';

const SHOTS = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url));

describe('first hour in the app: unsaved runs, A/B on its own', () => {
  let dir: string;
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  let seeded: { baselineId: number; candidateId: number };
  const problems: string[] = [];
  /** Runs made below: Try it's (GET /, 10 connections, 15 s) and the builder's unsaved one (2 connections, 1 s). */
  const made: { tryIt?: number; unsaved?: number } = {};
  const runIdOfPage = () => Number((/#\/run\/(\d+)/.exec(page.url()) ?? [])[1]);

  const shot = async (name: string) => {
    await page.waitForTimeout(150);
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  };
  const field = (label: string) => page.getByLabel(label, { exact: true });
  const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
  const scenarioNames = async () => {
    await nav('Scenarios').click();
    await page.getByRole('heading', { name: 'Try it' }).waitFor();
    await page.waitForTimeout(300);
    return (await page.locator('table tbody tr td.name').allTextContents()).map((t) => t.trim());
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'barrage-e2e-apphour-'));
    const db = join(dir, 'runs.db');
    seeded = seedComparison(db);
    serve = await startServe(db);
    browser = await launchChromium();
    page = await openApp(browser, serve.url, problems);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('Try it runs without saving a scenario, twice', async () => {
    for (let i = 0; i < 2; i++) {
      await nav('Scenarios').click();
      await page.getByRole('button', { name: 'Try it' }).click();
      await page.getByRole('heading', { name: 'Try it: demo HTTP', level: 1 }).waitFor();
      made.tryIt ??= runIdOfPage();
      await page.getByRole('button', { name: 'Stop' }).click();
      await page.getByRole('region', { name: 'Run summary' }).waitFor({ timeout: 15_000 });
    }
    expect((await scenarioNames()).filter((n) => n.includes('Try it: demo HTTP'))).toEqual([]);
    // Both runs are in the History with their configuration.
    await nav('History').click();
    await expect.poll(() => page.locator('table.runs tbody tr').filter({ hasText: 'Try it: demo HTTP' }).count()).toBe(2);
  });

  test('Run from the builder runs the form unsaved; Save saves', async () => {
    await nav('Scenarios').click();
    await page.getByRole('button', { name: 'New scenario' }).click();
    await page.getByRole('heading', { name: 'New scenario' }).waitFor();
    await field('Name').fill('Unsaved trial');
    await page.getByRole('button', { name: 'Use demo target' }).click();
    await field('Connections').fill('2');
    await field('Duration (s)').fill('1');
    await field('Warm-up (s)').fill('0');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.getByRole('heading', { name: 'Unsaved trial', level: 1 }).waitFor();
    made.unsaved = runIdOfPage();
    await page.getByRole('region', { name: 'Run summary' }).waitFor({ timeout: 15_000 });
    // The run keeps its configuration: its report shows the connections asked for.
    expect(await scenarioNames()).not.toContain('Unsaved trial');
    await shot('40-scenarios-after-unsaved-runs');

    for (const [name, connections] of [
      ['AB side A', '2'],
      ['AB side B', '3'],
    ] as const) {
      await page.getByRole('button', { name: 'New scenario' }).click();
      await page.getByRole('heading', { name: 'New scenario' }).waitFor();
      await field('Name').fill(name);
      await page.getByRole('button', { name: 'Use demo target' }).click();
      await field('Connections').fill(connections);
      await field('Duration (s)').fill('1');
      await field('Warm-up (s)').fill('0');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByText('Saved', { exact: true }).waitFor();
      await nav('Scenarios').click();
    }
    expect(await scenarioNames()).toEqual(expect.arrayContaining([expect.stringContaining('AB side A'), expect.stringContaining('AB side B')]));
  });

  test('Compare shows what differs between the configurations of the runs, above the figures', async () => {
    expect(made.tryIt).toBeGreaterThan(0);
    expect(made.unsaved).toBeGreaterThan(0);
    await page.evaluate(`location.hash = '#/compare?ids=${made.tryIt},${made.unsaved}'`);
    const diff = page.getByRole('table', { name: 'Configuration differences' });
    await diff.waitFor();
    expect(await page.getByTestId('config-verdict').textContent()).toMatch(/Not a before\/after: these runs differ in connections/);
    const connections = await diff.getByRole('row', { name: /^connections/ }).locator('td').allTextContents();
    expect(connections.map((t) => t.trim())).toEqual(['connections', '10', '2']);
    expect(await diff.getByRole('row', { name: /^duration/ }).count()).toBe(1);
    // Above the figures: the configuration panel comes before the verdicts and the table.
    const top = async (name: string) => (await page.getByRole('table', { name, exact: true }).boundingBox())!.y;
    expect(await top('Configuration differences')).toBeLessThan(await top('Verdicts'));
    await shot('42-compare-config-diff');

    // A chart exports as PNG (the canvas) and its series as CSV.
    const [png] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export Throughput over time as PNG' }).click()]);
    expect(png.suggestedFilename()).toBe('barrage-throughput-over-time.png');
    expect(readFileSync(await png.path()).subarray(1, 4).toString('latin1')).toBe('PNG');
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export Throughput over time as CSV' }).click()]);
    expect(csv.suggestedFilename()).toBe('barrage-throughput-over-time.csv');
    const csvLines = readFileSync(await csv.path(), 'utf8').trim().split('\n');
    expect(csvLines[0]).toBe(`second,#${made.tryIt} Try it: demo HTTP,#${made.unsaved} Unsaved trial`);
    expect(csvLines.length).toBeGreaterThan(1);

    // Two runs of the same configuration say so, with no table.
    await page.evaluate(`location.hash = '#/compare?ids=${seeded.baselineId},${seeded.candidateId}'`);
    await expect.poll(async () => (await page.getByTestId('config-verdict').textContent())?.trim()).toMatch(/^Same (configuration|target and load shape)/);
    expect(await page.getByRole('table', { name: 'Configuration differences' }).count()).toBe(0);
  });

  test('an A/B started from Compare is shown on its own, under its own heading', async () => {
    await page.evaluate(`location.hash = '#/compare?ids=${seeded.baselineId},${seeded.candidateId}'`);
    await page.getByRole('table', { name: 'Verdicts', exact: true }).getByText('better', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Run A/B' }).first().click();
    const panel = page.getByRole('region', { name: 'A/B run' });
    await panel.getByLabel('Scenario A (baseline)').selectOption({ label: 'AB side A' });
    await panel.getByLabel('Scenario B (candidate)').selectOption({ label: 'AB side B' });
    await panel.getByLabel('Rounds').fill('3');
    await panel.getByRole('button', { name: 'Start A/B' }).click();
    await panel.getByRole('table', { name: 'A/B verdicts' }).waitFor({ timeout: 50_000 });
    expect(await panel.getByTestId('ab-heading').textContent()).toMatch(/^A\/B result: AB side B \(B\) against AB side A \(A\)$/);
    // The earlier comparison's verdicts and figures are not on the page with the A/B's.
    expect(await page.getByRole('table', { name: 'Verdicts', exact: true }).count()).toBe(0);
    expect(await page.getByRole('table', { name: 'Figures compared' }).count()).toBe(0);
    expect(await page.getByTestId('comparison-set-aside').textContent()).toMatch(/runs #\d+, #\d+ is set aside/);
    await shot('41-compare-ab-on-its-own');
    // And the way back.
    await page.getByRole('button', { name: 'Back to that comparison' }).click();
    await page.getByRole('table', { name: 'Verdicts', exact: true }).waitFor();
    expect(await page.getByRole('region', { name: 'A/B run' }).count()).toBe(0);
  }, 60_000);

  test('no script errors or CSP violations happened', () => {
    expect(problems).toEqual([]);
  });
});

describe('first hour in the app: the theme is the user\'s choice', () => {
  let dir: string;
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const bg = () => page.evaluate(`getComputedStyle(document.body).backgroundColor`) as Promise<string>;
  const theme = () => page.evaluate(`document.documentElement.dataset.theme`) as Promise<string>;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'barrage-e2e-theme-'));
    serve = await startServe(join(dir, 'runs.db'));
    browser = await launchChromium();
    page = await openApp(browser, serve.url, problems);
    await page.emulateMedia({ colorScheme: 'light' });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('dark, light or system, kept across a reload', async () => {
    const select = page.getByRole('combobox', { name: 'Theme' });
    expect(await select.inputValue()).toBe('system');
    const light = await bg();
    await select.selectOption('dark');
    await expect.poll(theme).toBe('dark');
    const dark = await bg();
    expect(dark).not.toBe(light);
    await page.screenshot({ path: join(SHOTS, '43-theme-dark-chosen.png') });
    // Kept: the OS says light, the app stays dark after a reload.
    await page.reload();
    await page.getByRole('combobox', { name: 'Theme' }).waitFor();
    expect(await theme()).toBe('dark');
    expect(await bg()).toBe(dark);
    expect(await page.getByRole('combobox', { name: 'Theme' }).inputValue()).toBe('dark');
    // Light against a dark OS.
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByRole('combobox', { name: 'Theme' }).selectOption('light');
    await expect.poll(bg).toBe(light);
    // System follows the OS again.
    await page.getByRole('combobox', { name: 'Theme' }).selectOption('system');
    await expect.poll(bg).toBe(dark);
    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(bg).toBe(light);
    expect(problems).toEqual([]);
  });
});
