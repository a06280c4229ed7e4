// End to end, as a user, in Chromium against `barrage serve` (its own database, seeded with two
// long runs): the REST vs WebSocket showdown against the demo target — form validation, progress,
// a run refused while it measures (the notice opens the running showdown),
// the measured table in the articles' shape, the charts and the conclusion; the History's SLO
// filter; verdicts in Compare; a tiny A/B run of two saved demo scenarios with its verdicts; HTML
// reports downloaded from Compare and from a run report. Screenshots in light and dark go to
// test-output/screenshots/.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchChromium, openApp } from '../support/chromium.ts';
import { SEEDED_BASELINE, SEEDED_CANDIDATE, seedComparison } from './support/seedComparison.ts';
import { startServe, type ServeProcess } from './support/serveProcess.ts';

const SHOTS = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url));

describe('Showdown, verdicts, A/B and reports in a browser', () => {
  let dir: string;
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  let seeded: { baselineId: number; candidateId: number };
  /** The address of the A/B result (it carries the A/B's group id). */
  let abHash = '';
  /** Requests the page sent, per channel: a view following a job must not poll it. */
  const requests = new Map<string, number>();
  const sentSince = (channel: string, from: Map<string, number>) => (requests.get(channel) ?? 0) - (from.get(channel) ?? 0);

  const shot = async (name: string) => {
    await page.waitForTimeout(150);
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  };
  const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
  const field = (label: string) => page.getByLabel(label, { exact: true });
  const historyRow = (name: string) =>
    page.locator('table.runs tbody tr').filter({ has: page.locator('td.scenario', { hasText: new RegExp(`^${name.replace(/[()]/g, '\\$&')}$`) }) });

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'barrage-e2e-showdown-'));
    const db = join(dir, 'runs.db');
    seeded = seedComparison(db);
    serve = await startServe(db);
    browser = await launchChromium();
    page = await openApp(browser, serve.url, problems);
    // Counts the API requests of the page's socket from a fresh load on.
    page.on('websocket', (ws) =>
      ws.on('framesent', ({ payload }) => {
        const channel = (/"channel":"([a-z.]+)"/.exec(String(payload)) ?? [])[1];
        if (channel) requests.set(channel, (requests.get(channel) ?? 0) + 1);
      }),
    );
    await page.reload();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the Showdown form says the demo target is the default and validates at the field', async () => {
    await nav('Showdown').click();
    await page.getByRole('heading', { name: 'Showdown', level: 1 }).waitFor();
    await page.getByText('built-in demo target').first().waitFor();
    await shot('19-showdown-form');

    await field('Payload (bytes)').fill('10');
    await expect.poll(() => page.locator('#sd-payloadBytes-error').textContent()).toMatch(/Must be at least 32/);
    expect(await field('Payload (bytes)').getAttribute('aria-invalid')).toBe('true');
    await field('Concurrency (clients)').fill('ten');
    await expect.poll(() => page.locator('#sd-concurrency-error').textContent()).toMatch(/Must be a number/);
    await field('Poll interval (ms)').fill('5');
    await expect.poll(() => page.locator('#sd-pollIntervalMs-error').textContent()).toMatch(/at least 10 ms/);
    // Only one of the two endpoints: the schema's cross-field rule, at the missing one.
    await field('HTTP echo endpoint').fill('http://127.0.0.1:9/echo');
    await expect.poll(() => page.locator('#sd-wsUrl-error').textContent()).toMatch(/Give both the HTTP and the WebSocket endpoint/);
    await field('WebSocket echo endpoint').fill('http://127.0.0.1:9/ws');
    await expect.poll(() => page.locator('#sd-wsUrl-error').textContent()).toMatch(/Must be a ws or wss URL/);
    await shot('20-showdown-form-errors');

    // Back to the demo target, small and short: 2 clients, 1 s per mode, no separate warm-up.
    await field('HTTP echo endpoint').fill('');
    await field('WebSocket echo endpoint').fill('');
    await field('Payload (bytes)').fill('64');
    await field('Concurrency (clients)').fill('2');
    await field('Duration per mode (s)').fill('1');
    await field('Warm-up per mode (s)').fill('0');
    await field('Poll interval (ms)').fill('100');
    await field('Event rate (per s)').fill('20');
    await expect.poll(() => page.locator('.sd-form [aria-invalid="true"]').count()).toBe(0);
  });

  test('a running showdown shows which mode it measures and stops on request', async () => {
    await field('Duration per mode (s)').fill('20');
    await page.getByRole('button', { name: 'Run showdown' }).click();
    const progress = page.getByRole('region', { name: 'Showdown progress' });
    await expect.poll(() => progress.getByTestId('showdown-step').textContent(), { timeout: 15_000 }).toMatch(/^Measuring /);
    expect(await page.getByRole('progressbar', { name: 'Showdown progress' }).getAttribute('aria-valuenow')).not.toBe('0');
    await shot('21-showdown-running');
    // Nothing else measures meanwhile: the builder's Run is refused, saying what measures and how
    // to stop it, and the notice opens the running showdown.
    await nav('Scenarios').click();
    await page.getByRole('button', { name: 'New scenario' }).click();
    await field('Name').fill('Refused meanwhile');
    await page.getByRole('button', { name: 'Use demo target' }).click();
    await field('Duration (s)').fill('1');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const openShowdown = page.getByRole('link', { name: 'Open the running showdown' });
    await openShowdown.waitFor();
    await page.getByText(/^The run did not start: cannot start: showdown \S+ is measuring since .*; stop it with Stop on the Showdown view/).waitFor();
    await openShowdown.click();
    await expect.poll(() => progress.getByTestId('showdown-step').textContent()).toMatch(/^Measuring /);
    await progress.getByRole('button', { name: 'Stop' }).click();
    await page.getByText('Stopped early.').waitFor({ timeout: 15_000 });
    await shot('21b-showdown-stopped');
    expect(await page.getByRole('table', { name: 'Showdowns of this session' }).getByRole('row').count()).toBe(2);
    // Its settings come back in the form for the next one.
    await page.getByRole('button', { name: 'Change settings and run again' }).click();
    expect(await field('Duration per mode (s)').inputValue()).toBe('20');
    await field('Duration per mode (s)').fill('1');
    expect(await field('Duration per mode (s)').inputValue()).toBe('1');
    expect(await field('Payload (bytes)').inputValue()).toBe('64');
  }, 45_000);

  test('a short showdown runs against the demo target and fills the table, the charts and the conclusion', async () => {
    const before = new Map(requests);
    const startedAt = Date.now();
    await page.getByRole('button', { name: 'Run showdown' }).click();
    const progress = page.getByRole('region', { name: 'Showdown progress' });
    await progress.waitFor();
    expect(await progress.getByTestId('showdown-step').textContent()).toBeTruthy();
    await progress.getByRole('button', { name: 'Stop' }).waitFor();

    const table = page.getByRole('table', { name: 'Showdown table' });
    await table.waitFor({ timeout: 45_000 });
    // Every step was pushed (showdown.changed): the view asked for the status at most on opening,
    // never once a second while it ran (the showdown took several seconds).
    expect(Date.now() - startedAt).toBeGreaterThan(4000);
    expect(sentSince('showdown.get', before)).toBeLessThanOrEqual(1);
    for (const col of ['Factor', 'REST (new connection)', 'REST (keep-alive)', 'HTTP/2 (multiplexed)', 'WebSocket']) {
      await expect(table.getByRole('columnheader', { name: new RegExp(`^${col.replace(/[()]/g, '\\$&')}`) }).count()).resolves.toBe(1);
    }
    for (const group of ['Cost', 'Overhead per message', 'TCP connections', 'Latency', 'Communication model']) {
      await expect(table.getByRole('rowheader', { name: group, exact: true }).count()).resolves.toBe(1);
    }
    for (const factor of [/^Round trip p50$/, /^Round trip p99$/, /^Round trip p99\.9$/, /^TCP connections opened$/, /pays for itself in bytes/]) {
      await expect(table.getByRole('rowheader', { name: factor }).count()).resolves.toBeGreaterThanOrEqual(1);
    }
    // The updates experiment has a table of its own (tests/e2e/firstHourViews.test.ts looks closer).
    const updates = page.getByRole('table', { name: 'Updates table' });
    for (const factor of [/^Delivery lag p50$/, /^Requests per delivered update$/]) {
      await expect(updates.getByRole('rowheader', { name: factor }).count()).resolves.toBe(1);
    }
    // The connections row: a new connection per exchange for REST (new connection).
    const connections = await table.getByRole('row', { name: /^TCP connections opened/ }).getByRole('cell').allTextContents();
    expect(connections[0]).toMatch(/1 per exchange/);

    // Charts: grouped bars with labelled values; the conclusion comes from the engine.
    const charts = page.locator('figure.bars');
    expect(await charts.count()).toBeGreaterThanOrEqual(3);
    expect(await charts.first().locator('rect').count()).toBeGreaterThanOrEqual(3);
    await page.getByRole('figure', { name: 'Round-trip latency' }).getByText('linear axis', { exact: false }).waitFor();
    const conclusion = await page.getByRole('heading', { name: 'What the numbers say' }).locator('..').locator('li').allTextContents();
    expect(conclusion.length).toBeGreaterThan(0);
    expect(conclusion.join(' ')).toMatch(/WebSocket/);

    // Every mode's run opens; "Compare these runs" names the four exchange runs.
    const compare = page.getByRole('link', { name: 'Compare these runs' });
    expect(await compare.getAttribute('href')).toMatch(/^#\/compare\?ids=\d+,\d+,\d+,\d+$/);
    expect(await table.getByRole('link', { name: /^run #\d+$/ }).count()).toBe(4);
    expect(await page.getByRole('table', { name: 'Showdowns of this session' }).getByRole('row').count()).toBe(3);
    await shot('22-showdown-result');

    // A mode's run is a normal run, and leads back to its showdown.
    await table.getByRole('link', { name: /^run #\d+$/ }).first().click();
    await page.getByRole('region', { name: 'Run summary' }).waitFor();
    await page.getByRole('link', { name: 'part of a showdown' }).click();
    await page.getByRole('table', { name: 'Showdown table' }).waitFor();
  }, 60_000);

  test('History filters on the SLO result', async () => {
    await nav('History').click();
    await historyRow(SEEDED_CANDIDATE).waitFor();
    const slo = page.getByLabel('Thresholds (SLO)');
    await slo.selectOption('yes');
    await expect.poll(() => page.locator('table.runs tbody tr').count()).toBe(1);
    await historyRow(SEEDED_BASELINE).waitFor();
    await slo.selectOption('no');
    await historyRow(SEEDED_CANDIDATE).waitFor();
    await expect.poll(() => page.locator('table.runs tbody tr').count()).toBe(1);
    await shot('23-history-slo-failed');
    await page.getByRole('button', { name: 'Clear filters' }).first().click();
    await expect.poll(() => page.locator('table.runs tbody tr').count()).toBeGreaterThan(2);
  });

  test('two runs in Compare get a verdict per figure, and the comparison exports as HTML', async () => {
    await historyRow(SEEDED_BASELINE).getByRole('checkbox').check();
    await historyRow(SEEDED_CANDIDATE).getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    const verdicts = page.getByRole('table', { name: 'Verdicts', exact: true });
    await verdicts.waitFor();
    const rows = verdicts.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(3);
    expect(await rows.filter({ hasText: 'throughput' }).textContent()).toMatch(/better/);
    expect(await rows.filter({ hasText: 'p50 latency' }).textContent()).toMatch(/no clear difference|better|worse/);
    await page.getByText(/95% interval of the change; a verdict only when the whole interval is beyond the noise threshold of 3% \(throughput\) \/ 5% \(latency\)/).waitFor();
    await shot('24-compare-verdicts');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export report (HTML)' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.html$/);
    const html = readFileSync(await download.path(), 'utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain(SEEDED_CANDIDATE);
  });

  test('a run report exports its HTML report', async () => {
    await page.getByRole('list', { name: 'Runs compared' }).getByRole('link', { name: new RegExp(SEEDED_CANDIDATE) }).click();
    await page.getByRole('heading', { name: SEEDED_CANDIDATE, level: 1 }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export report (HTML)' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.html$/);
    expect(readFileSync(await download.path(), 'utf8')).toMatch(/<svg/);
  });

  test('a tiny A/B run of two saved demo scenarios shows its runs in order and its verdicts', async () => {
    // Two short scenarios against the demo target, made in the builder.
    for (const [name, connections] of [
      ['AB demo A', '2'],
      ['AB demo B', '3'],
    ] as const) {
      await nav('Scenarios').click();
      await page.getByRole('button', { name: 'New scenario' }).click();
      await field('Name').fill(name);
      await page.getByRole('button', { name: 'Use demo target' }).click();
      await expect.poll(() => field('URL').inputValue()).toMatch(/^http:\/\/demo-target\.invalid\/$/);
      await field('Connections').fill(connections);
      await field('Duration (s)').fill('1');
      await field('Warm-up (s)').fill('0');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByText('Saved', { exact: true }).waitFor();
    }

    await nav('Compare').click();
    await page.getByRole('button', { name: 'Run A/B' }).first().click();
    const panel = page.getByRole('region', { name: 'A/B run' });
    await panel.getByLabel('Scenario A (baseline)').selectOption({ label: 'AB demo A' });
    await panel.getByLabel('Scenario B (candidate)').selectOption({ label: 'AB demo B' });
    await panel.getByLabel('Rounds').fill('2');
    await expect.poll(() => page.locator('#ab-rounds-error').textContent()).toMatch(/Must be at least 3/);
    await panel.getByLabel('Rounds').fill('4');
    await page.locator('#ab-rounds-error').waitFor({ state: 'detached' });
    const before = new Map(requests);
    const startedAt = Date.now();
    await panel.getByRole('button', { name: 'Start A/B' }).click();
    await panel.getByRole('button', { name: 'Stop' }).waitFor();
    await panel.getByRole('progressbar', { name: 'A/B progress' }).waitFor();
    abHash = new URL(page.url()).hash;
    expect(abHash).toMatch(/[?&]ab=ab-/);

    const verdicts = panel.getByRole('table', { name: 'A/B verdicts' });
    await verdicts.waitFor({ timeout: 50_000 });
    expect(await verdicts.locator('tbody tr').count()).toBe(3);
    // One-second runs without warm-up hold one steady second each: nothing can be judged, and the
    // table says so — "inconclusive", with the run length that would do (issue #11).
    expect(await verdicts.locator('.verdict.inconclusive').count()).toBe(3);
    expect(await verdicts.getByTestId('verdict-remedy').first().textContent()).toMatch(/^runs need at least 2 s of 2 steady seconds/);
    const sides = await panel.getByRole('table', { name: 'A/B runs in order' }).locator('tbody tr td:nth-child(3)').allTextContents();
    expect(sides.map((s) => s.trim())).toEqual(['A', 'B', 'A', 'B', 'A', 'B', 'A', 'B']);
    // Eight runs of a second each, every status change pushed (ab.changed): at most the one
    // request on opening the A/B's address, no polling.
    expect(Date.now() - startedAt).toBeGreaterThan(6000);
    expect(sentSince('ab.get', before)).toBeLessThanOrEqual(1);
    await shot('25-ab-result');

    // The group opens in Compare, compared as groups (the runs are the units).
    await panel.getByRole('link', { name: 'Open the runs in Compare' }).click();
    await page.getByText(/runs of A\/B group ab-/).waitFor();
    const group = page.getByRole('table', { name: 'Verdicts', exact: true });
    await group.waitFor();
    await expect.poll(() => group.locator('tbody tr').count()).toBe(3);
    await shot('26-compare-ab-group');
  }, 60_000);

  test('the dark theme: showdown and verdicts', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await nav('Showdown').click();
    await page.getByRole('table', { name: 'Showdown table' }).waitFor();
    await shot('27-showdown-result-dark');
    await page.evaluate(`location.hash = '#/compare?ids=${seeded.baselineId},${seeded.candidateId}'`);
    await page.getByRole('table', { name: 'Verdicts', exact: true }).getByText('better', { exact: true }).waitFor();
    await shot('28-compare-verdicts-dark');
    await page.evaluate(`location.hash = '${abHash}'`);
    await page.getByRole('table', { name: 'A/B verdicts' }).waitFor();
    await shot('29-ab-result-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  test('no script errors or CSP violations happened', () => {
    expect(problems).toEqual([]);
  });
});
