// Issue #10 item 8 in the app (Chromium against barrage serve): "Run again" on a run stored
// without its secrets asks for each one by name and sends what was typed (never ***), storing it
// only when asked to; the builder's "Keep secrets with the run" decides what a new run stores.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openStore } from '../../src/main/store/runStore.ts';
import { scenarioSchema } from '../../src/shared/scenario.ts';
import { runAt, storeRun } from '../fixtures/storedRuns.ts';
import { launchChromium } from '../support/chromium.ts';
import { startServe, type ServeProcess } from './support/serveProcess.ts';

const SHOTS = process.env.BARRAGE_SCREENSHOTS;

describe('Run again on a run stored without its secrets, and the builder checkbox', () => {
  let dir: string;
  let db: string;
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  let target: Server;
  let port: number;
  let seededId: number;
  /** Every Authorization and X-Api-Key pair the target received. */
  const seen = new Set<string>();

  beforeAll(async () => {
    target = createServer((req, res) => {
      seen.add(`${req.headers.authorization ?? '-'} | ${req.headers['x-api-key'] ?? '-'}`);
      res.end('ok');
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    port = (target.address() as AddressInfo).port;
    dir = mkdtempSync(join(tmpdir(), 'barrage-e2e-rerun-secrets-'));
    db = join(dir, 'runs.db');
    const store = openStore(db);
    const run = runAt(0, { seconds: 3 });
    // The copy a run stores by default: *** for the URL password and the X-Api-Key value.
    run.config = scenarioSchema.parse({
      protocol: 'http',
      url: `http://alice:***@127.0.0.1:${port}/`,
      headers: { 'X-Api-Key': '***', 'X-Trace': 'visible' },
      durationSec: 2,
      warmupSec: 1,
      connections: 1,
      workers: 1,
    });
    seededId = storeRun(store, run, { scenarioName: undefined });
    // Two saved scenarios for the A/B panel: one without a secret, one with a credential header.
    const base = { protocol: 'http', url: `http://127.0.0.1:${port}/`, durationSec: 1, connections: 1 };
    store.saveScenario('AB plain', scenarioSchema.parse(base));
    store.saveScenario('AB keyed', scenarioSchema.parse({ ...base, headers: { 'X-Api-Key': 'ab-key' } }));
    store.close();
    serve = await startServe(db);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(20_000);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    target?.closeAllConnections();
    await new Promise((resolve) => target?.close(resolve));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The stored rows, read beside the running server (WAL allows a reader). */
  function rows(): Array<{ id: number; status: string; config: string }> {
    const d = new Database(db, { readonly: true });
    try {
      return d.prepare('SELECT id, status, config FROM runs ORDER BY id').all() as Array<{ id: number; status: string; config: string }>;
    } finally {
      d.close();
    }
  }

  async function finishedRun(after: number): Promise<{ id: number; config: string }> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const done = rows().find((r) => r.id > after && r.status !== 'running');
      if (done) return done;
      if (Date.now() > deadline) throw new Error(`no run after ${after} finished: ${JSON.stringify(rows())}\n${serve.output()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  test('the dialog names each redacted field; the re-run sends what was typed and stores *** again', { timeout: 120_000 }, async () => {
    await page.goto(`${serve.url}#/history/${seededId}`);
    await page.getByRole('button', { name: 'Run again' }).click();
    const dialog = page.getByRole('dialog', { name: `Run #${seededId} again` });
    await dialog.waitFor();
    const password = dialog.getByLabel('URL password', { exact: true });
    const apiKey = dialog.getByLabel('header X-Api-Key', { exact: true });
    expect(await password.getAttribute('type')).toBe('password');
    expect(await apiKey.getAttribute('type')).toBe('password');
    // X-Trace is not a secret: not asked for.
    expect(await dialog.getByText('X-Trace').count()).toBe(0);
    const submit = dialog.getByRole('button', { name: 'Run again' });
    expect(await submit.isDisabled()).toBe(true);
    await password.fill('typed-pw');
    await apiKey.fill('typed-key');
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'run-again-secrets-dialog.png') });
    expect(await submit.isDisabled()).toBe(false);
    await submit.click();
    await page.waitForURL(/#\/run\/\d+/);
    const rerun = await finishedRun(seededId);
    // Basic auth from the URL's alice:typed-pw, and the key typed: never ***.
    expect(seen).toEqual(new Set([`Basic ${Buffer.from('alice:typed-pw').toString('base64')} | typed-key`]));
    const config = JSON.parse(rerun.config) as { url: string; headers: Record<string, string> };
    expect(config.headers).toEqual({ 'X-Api-Key': '***', 'X-Trace': 'visible' });
    expect(config.url).toContain('alice:***@');
    expect(rerun.config).not.toMatch(/typed/);
  });

  test('Cancel closes the dialog and starts nothing', { timeout: 60_000 }, async () => {
    const before = rows().length;
    await page.goto(`${serve.url}#/history/${seededId}`);
    await page.getByRole('button', { name: 'Run again' }).click();
    const dialog = page.getByRole('dialog', { name: `Run #${seededId} again` });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(rows().length).toBe(before);
  });

  test('the builder shows "Keep secrets with the run" only with a secret; ticked, the run stores it', { timeout: 120_000 }, async () => {
    seen.clear();
    const field = (label: string) => page.getByLabel(label, { exact: true });
    await page.goto(`${serve.url}#/scenarios/new`);
    await page.getByRole('heading', { name: 'New scenario' }).waitFor();
    await field('Name').fill('Kept secrets');
    await field('URL').fill(`http://127.0.0.1:${port}/`);
    await field('Duration (s)').fill('2');
    await field('Connections').fill('1');
    const keep = page.getByLabel('Keep secrets with the run');
    expect(await keep.count()).toBe(0);
    await page.getByRole('button', { name: '+ Add header' }).click();
    await field('Header 1 name').fill('Authorization');
    await field('Header 1 value').fill('Bearer kept-token');
    await keep.waitFor();
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'builder-keep-secrets.png') });
    await keep.check();
    const before = Math.max(...rows().map((r) => r.id));
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.waitForURL(/#\/run\/\d+/);
    const run = await finishedRun(before);
    expect(seen).toEqual(new Set(['Bearer kept-token | -']));
    expect((JSON.parse(run.config) as { headers: Record<string, string> }).headers).toEqual({ Authorization: 'Bearer kept-token' });
  });

  /** Runs one capacity step of 2 s against the target, the checkbox as `keep` says; the stored step's config. */
  async function capacityStep(keep: boolean): Promise<{ url: string }> {
    const field = (label: string) => page.getByLabel(label, { exact: true });
    await page.goto(`${serve.url}#/capacity`);
    await page.getByRole('heading', { name: 'Capacity', level: 1 }).waitFor();
    const box = page.getByLabel('Keep secrets with the run');
    await field('Target URL').fill(`http://127.0.0.1:${port}/`);
    // No secret in the URL: nothing to ask.
    expect(await box.count()).toBe(0);
    await field('Target URL').fill(`http://bob:cap-pw@127.0.0.1:${port}/`);
    await box.waitFor();
    expect(await box.isChecked()).toBe(false);
    if (keep) {
      await box.check();
      if (SHOTS) await page.screenshot({ path: join(SHOTS, 'capacity-keep-secrets.png') });
    }
    await field('Start rate (/s)').fill('20');
    await field('Max rate (/s)').fill('20');
    await field('Step (s)').fill('2');
    await field('Budget (s)').fill('2');
    const before = Math.max(...rows().map((r) => r.id));
    await page.getByRole('button', { name: 'Start search' }).click();
    const run = await finishedRun(before);
    // The search releases the engine when it ends; the next one must not find it busy.
    await page.getByRole('button', { name: 'New search' }).waitFor({ timeout: 60_000 });
    return JSON.parse(run.config) as { url: string };
  }

  test('Capacity: "Keep secrets with the run" shows only with a URL password; unticked the step stores ***, ticked it keeps it', { timeout: 180_000 }, async () => {
    seen.clear();
    const redacted = await capacityStep(false);
    expect(redacted.url).toBe(`http://bob:***@127.0.0.1:${port}/`);
    const kept = await capacityStep(true);
    expect(kept.url).toBe(`http://bob:cap-pw@127.0.0.1:${port}/`);
    // Both searches sent the real password, never the placeholder.
    expect(seen).toEqual(new Set([`Basic ${Buffer.from('bob:cap-pw').toString('base64')} | -`]));
  });

  test('Showdown shows the checkbox only when an endpoint holds a password', { timeout: 60_000 }, async () => {
    await page.goto(`${serve.url}#/showdown`);
    const httpField = page.getByLabel('HTTP echo endpoint', { exact: true });
    await httpField.waitFor();
    const box = page.getByLabel('Keep secrets with the run');
    await httpField.fill(`http://127.0.0.1:${port}/`);
    expect(await box.count()).toBe(0);
    await httpField.fill(`http://carol:sd-pw@127.0.0.1:${port}/`);
    await box.waitFor();
    expect(await box.isChecked()).toBe(false);
    expect(await page.locator('label.keep-secrets').getAttribute('title')).toContain("HTTP endpoint's URL password");
  });

  test('A/B shows the checkbox only when scenario A or B holds a secret, naming the side', { timeout: 60_000 }, async () => {
    await page.goto(`${serve.url}#/compare`);
    await page.getByRole('button', { name: 'Run A/B' }).first().click();
    const panel = page.getByRole('region', { name: 'A/B run' });
    const box = panel.getByLabel('Keep secrets with the run');
    await panel.getByLabel('Scenario A (baseline)').selectOption({ label: 'AB plain' });
    await panel.getByLabel('Scenario B (candidate)').selectOption({ label: 'AB plain' });
    expect(await box.count()).toBe(0);
    await panel.getByLabel('Scenario B (candidate)').selectOption({ label: 'AB keyed' });
    await box.waitFor();
    expect(await box.isChecked()).toBe(false);
    expect(await panel.locator('label.keep-secrets').getAttribute('title')).toContain('B: header X-Api-Key');
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'ab-keep-secrets.png') });
  });
});
