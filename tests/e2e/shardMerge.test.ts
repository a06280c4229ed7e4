// End to end in Chromium against `barrage serve`: History → Merge shards… → pick two result files
// of shards of different scenarios → the dialog lists them (shard K/N, scenario, start, samples)
// and says, in one line naming the file, why they do not merge; Merge stays disabled. Then the
// good set dropped on the History view (drag and drop, files read by the page) → a name → Merge
// → the merged run opens: its flow steps, and the Shards panel with each shard's machine and
// generator verdict — shard 2 saturated, which flags the whole run.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { exportRunsJson } from '../../src/main/store/runExchange.ts';
import { launchChromium, openApp } from '../support/chromium.ts';
import { scenarioOf } from '../support/runScenario.ts';
import { FLOW_INPUT, FLOW_WHOLE, shardRun } from '../support/shardRecords.ts';
import { startServe, type ServeProcess } from './support/serveProcess.ts';

const SHOTS = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url));

describe('Merge shards in the History view', () => {
  let dir: string;
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const shot = async (name: string) => {
    await page.waitForTimeout(150);
    await page.screenshot({ path: join(SHOTS, `${name}.png`) });
  };
  const shard = (k: number, opts: Parameters<typeof shardRun>[2] = {}) => exportRunsJson([{ ...shardRun(k, 2, { scenario: FLOW_WHOLE, ...opts }), scenarioName: 'checkout flow', id: null }]);
  const files: Record<string, string> = {};

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'barrage-e2e-shards-'));
    files['shop-1.json'] = shard(1);
    files['shop-2.json'] = shard(2, { saturated: true });
    // Shard 2 of a flow with 12 virtual users: a different scenario.
    files['other-2.json'] = shard(2, { scenario: scenarioOf({ ...FLOW_INPUT, virtualUsers: 12 }) });
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    serve = await startServe(join(dir, 'runs.db'));
    browser = await launchChromium();
    page = await openApp(browser, serve.url, problems);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a mismatched set is refused in one line naming the file; a dropped good set merges and opens', { timeout: 60_000 }, async () => {
    await page.goto(`${serve.url}#/history`);
    await page.getByRole('heading', { name: 'History', level: 1 }).waitFor();

    // Picked with the button: shards of two different scenarios.
    await page.getByLabel('Merge shards: choose result files').setInputFiles([join(dir, 'shop-1.json'), join(dir, 'other-2.json')]);
    const dialog = page.getByRole('dialog', { name: 'Merge shards' });
    await dialog.waitFor();
    const problem = dialog.getByTestId('shard-merge-problem');
    await expect.poll(() => problem.textContent(), { timeout: 10_000 }).toMatch(/^other-2\.json is a shard of a different scenario than shop-1\.json \(they differ in virtual users\)$/);
    const rows = dialog.getByRole('table', { name: 'Shard files' }).locator('tbody tr');
    const cells = async (i: number) => (await rows.nth(i).locator('td').allInnerTexts()).map((t) => t.trim());
    expect((await cells(0)).slice(0, 2)).toEqual(['shop-1.json', '1/2']);
    expect((await cells(0))[2]).toBe('checkout flow');
    expect((await cells(0))[3]).toMatch(/^2026-11-30 \d\d:00:00$/);
    expect((await cells(0))[4]).toBe('3');
    expect((await cells(1)).slice(0, 2)).toEqual(['other-2.json', '2/2']);
    await expect(dialog.getByRole('button', { name: 'Merge', exact: true }).isDisabled()).resolves.toBe(true);
    expect(await problem.textContent()).not.toMatch(/Error|at \w+ \(|\.ts:\d+/);
    await shot('shard-merge-refused');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // Dropped on the view: the two shards of one run (read by the page, as a user's drop is).
    const region = page.getByRole('region', { name: /drop shard result files here/ });
    // A DataTransfer holding File objects, as the browser builds one for a drop from the desktop.
    const dropped = ['shop-2.json', 'shop-1.json'].map((name) => ({ name, text: files[name] }));
    const transfer = await page.evaluateHandle(
      `(() => { const dt = new DataTransfer(); for (const f of ${JSON.stringify(dropped)}) dt.items.add(new File([f.text], f.name, { type: 'application/json' })); return dt; })()`,
    );
    await region.dispatchEvent('dragover', { dataTransfer: transfer });
    await shot('shard-merge-drop-hint');
    await region.dispatchEvent('drop', { dataTransfer: transfer });
    await dialog.waitFor();
    await expect.poll(() => dialog.getByRole('status').last().textContent(), { timeout: 10_000 }).toMatch(/2 shards of 2 of one run, started within a second: ready to merge/);
    await expect(dialog.getByTestId('shard-merge-problem').count()).resolves.toBe(0);
    // The name starts as the scenario's; the user's wins.
    const name = dialog.getByLabel('Name of the merged run');
    await expect(name.inputValue()).resolves.toBe('checkout flow');
    await name.fill('checkout ×2 (dropped)');
    await shot('shard-merge-ready');
    await dialog.getByRole('button', { name: 'Merge', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });

    // The merged run opens.
    await page.getByRole('heading', { name: 'checkout ×2 (dropped)', level: 1 }).waitFor();
    expect(page.url()).toMatch(/#\/history\/\d+$/);
    await page.getByRole('button', { name: 'merged from 2 shards' }).click();
    const shards = page.getByRole('table', { name: 'Shards' });
    await shards.waitFor();
    const shardRows = shards.locator('tbody tr');
    await expect.poll(() => shardRows.count()).toBe(2);
    const rowText = async (i: number) => (await shardRows.nth(i).innerText()).replace(/\s+/g, ' ');
    expect(await rowText(0)).toMatch(/^1\/2 \+0 ms .* ok CPU ≤ \d+%/);
    expect(await rowText(1)).toMatch(/^2\/2 \+0 ms .* saturated CPU ≤ 99%.*a load worker used/);
    await expect(page.getByText(/Shard 2 saturated its load generator, so the whole run is flagged/).count()).resolves.toBe(1);
    // Its flow steps, merged from both shards' seconds.
    await expect(page.getByText('items', { exact: true }).first().isVisible()).resolves.toBe(true);
    await expect(shards.isVisible()).resolves.toBe(true);
    await shot('shard-merge-run');
    await page.locator('section[aria-labelledby="shards-title"]').screenshot({ path: join(SHOTS, 'shard-merge-shards-panel.png') });

    // History lists it.
    await page.goto(`${serve.url}#/history`);
    await expect.poll(() => page.locator('td.scenario').allTextContents()).toEqual(['checkout ×2 (dropped)']);
    expect(problems).toEqual([]);
  });
});
