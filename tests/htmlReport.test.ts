// The HTML reports written by `barrage report`, opened from disk in headless Chromium: nothing
// but the file itself is requested, no script is in it, every chart is drawn, user text is
// shown as text, and it prints. Screenshots go to test-output/screenshots/.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { launchChromium } from './support/chromium.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateThresholds } from '../src/shared/thresholds.ts';
import { openStore } from '../src/main/store/runStore.ts';
import { runReportHtml } from '../src/main/report/htmlReport.ts';
import { runCli } from './support/cliProcess.ts';
import { runAt, storeRun, withLatencyScaled } from './fixtures/storedRuns.ts';

const SCREENSHOTS = join(import.meta.dirname, '..', 'test-output', 'screenshots');
const dir = mkdtempSync(join(tmpdir(), 'barrage-report-'));
const db = join(dir, 'history.db');
const env = { BARRAGE_DB: db };
const NASTY = '<b>"checkout" & co</b>';
const NOTE = 'first line\n<img src="x" onerror="alert(1)"> second line';
let ids: { main: number; slower: number; same: number };
let browser: Browser | undefined;

beforeAll(async () => {
  const store = openStore(db);
  try {
    const main = runAt(0, { seed: 1, name: NASTY });
    main.summary.thresholds = evaluateThresholds(['p99 < 250ms', 'p50 < 500us', 'errors < 1%', 'rps > 5000'], main.summary);
    ids = {
      main: storeRun(store, main, { notes: NOTE, tags: ['nightly', 'v2.3'] }),
      slower: storeRun(store, withLatencyScaled(runAt(2, { seed: 1, name: 'checkout v2' }), 1.2)),
      same: storeRun(store, runAt(4, { seed: 2, name: 'checkout v3' })),
    };
    for (let i = 0; i < 4; i++) {
      storeRun(store, runAt(10 + 2 * i, { seed: 10 + i, seconds: 15, name: 'before' }), { groupId: 'ab-report', tags: ['ab', 'ab:A'] });
      storeRun(store, withLatencyScaled(runAt(11 + 2 * i, { seed: 20 + i, seconds: 15, name: 'after' }), 1.25), { groupId: 'ab-report', tags: ['ab', 'ab:B'] });
    }
  } finally {
    store.close();
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function writeReport(args: string[], file: string): Promise<string> {
  const out = join(dir, file);
  const r = await runCli(['report', ...args, '--out', out], env);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(new RegExp(`^Wrote ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(\\d+ KiB\\)$`, 'm'));
  return out;
}

interface Opened {
  requests: string[];
  charts: Array<{ width: number; height: number; drawn: number; title: string }>;
  text: string;
  scripts: number;
}

/** Opens a report from disk, records every request, measures every chart, saves a screenshot. */
async function open(file: string, screenshot: string): Promise<Opened> {
  const page = await browser!.newPage({ viewport: { width: 1100, height: 900 } });
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  try {
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const charts = await page.$$eval('svg', (svgs) =>
      svgs.map((svg) => {
        const box = svg.getBoundingClientRect();
        // Marks actually drawn: lines, dots and bars with a size on the page.
        const drawn = [...svg.querySelectorAll('path, circle, rect')].filter((el) => {
          const b = el.getBoundingClientRect();
          return b.width > 0 || b.height > 0;
        }).length;
        return { width: box.width, height: box.height, drawn, title: svg.querySelector('title')?.textContent ?? '' };
      }),
    );
    const text = await page.innerText('body');
    const scripts = (await page.evaluate('document.scripts.length')) as number;
    await page.screenshot({ path: join(SCREENSHOTS, screenshot), fullPage: true });
    return { requests, charts, text, scripts };
  } finally {
    await page.close();
  }
}

function expectSelfContained(opened: Opened, file: string): void {
  expect(opened.requests).toEqual([pathToFileURL(file).href]);
  expect(opened.scripts).toBe(0);
  for (const chart of opened.charts) {
    expect(chart.width, chart.title).toBeGreaterThan(200);
    expect(chart.height, chart.title).toBeGreaterThan(50);
    expect(chart.drawn, chart.title).toBeGreaterThan(0);
  }
}

describe('HTML reports', () => {
  it('contain no script and nothing to fetch, and escape what users typed', () => {
    const store = openStore(db);
    const html = runReportHtml(store.getRun(ids.main)!, { generatedAt: '2025-05-01T10:00:00.000Z' });
    store.close();
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<[^>]*\s(src|href)=/i);
    expect(html).not.toMatch(/url\(/i);
    expect(html).not.toContain(NASTY);
    expect(html).toContain('&lt;b&gt;&quot;checkout&quot; &amp; co&lt;/b&gt;');
    expect(html).not.toContain('<img');
    expect(html).toContain("default-src 'none'");
    expect(html).toContain('2025-05-01 10:00:00 UTC');
  });

  it('reports a WebSocket run in its own units', () => {
    const run = { ...runAt(0, { seed: 4, protocol: 'ws', name: 'feed' }), id: 99, scenarioId: null, scenarioName: 'feed', groupId: null, tags: [], notes: '', environment: { barrageVersion: null, nodeVersion: null, electronVersion: null, os: null, cpu: null, workers: 2, targetHost: '127.0.0.1:8080' } };
    const html = runReportHtml(run);
    expect(html).toMatch(/[\d,]+ msg\/s/);
    expect(html).toContain('Handshake p50 / p99');
    expect(html).toContain('WebSocket');
    expect(html).not.toMatch(/req\/s/);
  });

  it('says how many scheduled sends of an open-model run never went out', () => {
    const base = runAt(0, { seed: 5, name: 'too few' });
    const summary = { ...base.summary, schedule: { due: 800, sent: 130, missed: 670, missedPercent: 83.8, advice: '670 of 800 scheduled requests (83.8%) never went out: all 2 connections were busy' } };
    const run = { ...base, summary: { ...summary, notes: [summary.schedule.advice] }, id: 98, scenarioId: null, scenarioName: 'too few', groupId: null, tags: [], notes: '', environment: { barrageVersion: null, nodeVersion: null, electronVersion: null, os: null, cpu: null, workers: 1, targetHost: '127.0.0.1:8080' } };
    const html = runReportHtml(run);
    expect(html).toContain('Missed sends');
    expect(html).toContain('83.8% of 800 scheduled never went out');
    expect(html).toContain('130 of 800 scheduled sends went out; 670 (83.8%) missed');
    expect(html).toContain('never went out: all 2 connections were busy');
  });

  it('of one run: figures, thresholds and three charts, offline', { timeout: 60_000 }, async () => {
    const file = await writeReport([String(ids.main)], 'run.html');
    const opened = await open(file, 'report.png');
    expectSelfContained(opened, file);
    expect(opened.charts.map((c) => c.title)).toEqual([
      `Throughput per second of run ${ids.main}`,
      'Latency per second',
      `Latency by percentile of run ${ids.main}`,
    ]);
    expect(opened.text).toContain(NASTY);
    expect(opened.text).toContain('<img src="x" onerror="alert(1)"> second line');
    expect(opened.text).toMatch(/1[\d,]+ req\/s/);
    expect(opened.text).toMatch(/\d+ µs/);
    expect(opened.text).toMatch(/p99 < 250ms\s+p99 [\d.]+ ms \(limit < 250 ms\)\s+passed/);
    expect(opened.text).toMatch(/p50 < 500us\s+p50 [\d.]+ µs \(limit < 500 µs\)\s+failed/);
    expect(opened.text).toMatch(/1 of 4 thresholds failed/);

    // It prints: A4 pages, charts kept whole.
    const page = await browser!.newPage();
    await page.goto(pathToFileURL(file).href);
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    await page.close();
    writeFileSync(join(SCREENSHOTS, 'report.pdf'), pdf);
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page\b/g) ?? []).length;
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(pages).toBeLessThanOrEqual(6);
  });

  it('of a comparison: verdicts, bars and overlays, offline', { timeout: 60_000 }, async () => {
    const file = await writeReport([ids.main, ids.same, ids.slower].map(String), 'compare.html');
    const opened = await open(file, 'report-compare.png');
    expectSelfContained(opened, file);
    const titles = opened.charts.map((c) => c.title);
    expect(titles).toEqual([
      `Change of run ${ids.same} against run ${ids.main}`,
      `Change of run ${ids.slower} against run ${ids.main}`,
      'throughput',
      'p50 latency',
      'p99 latency',
      'p99.9 latency',
      'Throughput per second of each run',
      'Latency per second',
      'Latency by percentile of each run',
    ]);
    expect(opened.text).toMatch(new RegExp(`Worse beyond the noise threshold: run ${ids.slower} \\(p50 latency\\)`));
    expect(opened.text).toMatch(/p50 latency: \d+ µs → \d+ µs, 20\.0% higher \(95% CI \+[\d.]+% to \+[\d.]+%\) — worse/);
  });

  it('of an A/B group: verdicts with p-values and every run, offline', { timeout: 60_000 }, async () => {
    const file = await writeReport(['--group', 'ab-report'], 'ab.html');
    const opened = await open(file, 'report-ab.png');
    expectSelfContained(opened, file);
    expect(opened.charts.map((c) => c.title)).toEqual([
      'Change of B against A',
      'throughput of each run',
      'p50 latency of each run',
      'p99 latency of each run',
      'Latency by percentile of every run',
    ]);
    expect(opened.text).toMatch(/B is worse beyond the noise threshold in p50 latency/);
    expect(opened.text).toMatch(/p (= 0\.0\d\d|< 0\.001)/);
    expect(readFileSync(file, 'utf8')).not.toMatch(/<script/i);
  });

  it('never show a URL password or a credential header value (issue #10 item 8), offline in Chromium', { timeout: 60_000 }, async () => {
    const secret = runAt(30, { seed: 3, name: 'with secrets' });
    secret.config = { ...secret.config, url: 'http://alice:hunter2-pw@127.0.0.1:8080/api', headers: { Authorization: 'Bearer s3cr3t-tok', 'X-Api-Key': 'k3y-value', 'X-Trace': 'visible-trace' } };
    const store = openStore(db);
    const id = storeRun(store, secret);
    store.close();
    for (const [args, file] of [
      [[String(id)], 'secret-run.html'],
      [[String(id), String(ids.same)], 'secret-compare.html'],
    ] as const) {
      const out = await writeReport([...args], file);
      const html = readFileSync(out, 'utf8');
      const opened = await open(out, file.replace('.html', '.png'));
      for (const text of [html, opened.text]) {
        expect(text).not.toMatch(/hunter2-pw|s3cr3t-tok|k3y-value/);
        expect(text).toMatch(/alice:\*\*\*@127\.0\.0\.1:8080/);
      }
      if (file === 'secret-run.html') {
        expect(opened.text).toMatch(/Authorization: \*\*\*/);
        expect(opened.text).toMatch(/X-Trace: visible-trace/);
      }
    }
  });

  it('reports what is not there', async () => {
    const r = await runCli(['report', '9999'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^barrage report: no run 9999 in /);
    const bad = await runCli(['report'], env);
    expect(bad.code).toBe(2);
  });
});
