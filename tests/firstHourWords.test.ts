// The words a new user meets (issue #17, items 7 and 8): saturation advice that fits a target on
// this machine, one word for a run the user stopped, one start-time formatter, URLs with their
// scheme in `runs list`, and the HTML report's time axis drawn as the app draws it (1–N).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMarkdown } from '../src/main/ci/markdownSummary.ts';
import { localTime } from '../src/main/cli/format/table.ts';
import { summaryTable } from '../src/main/cli/format/summaryTable.ts';
import { runReportHtml } from '../src/main/report/htmlReport.ts';
import { openStore } from '../src/main/store/runStore.ts';
import { formatDate } from '../src/renderer/src/format.ts';
import { generatorHealth } from '../src/shared/result/generatorHealth.ts';
import type { RunResult } from '../src/shared/runResult.ts';
import { formatStartTime } from '../src/shared/startTime.ts';
import { runAt, storeRun } from './fixtures/storedRuns.ts';
import { syntheticScenario } from './fixtures/syntheticRun.ts';
import { runCli } from './support/cliProcess.ts';

const dir = mkdtempSync(join(tmpdir(), 'barrage-words-'));
const db = join(dir, 'runs.db');
const env = { BARRAGE_DB: db };
const ids = { loopback: 0, remote: 0, stopped: 0, ws: 0, sixSeconds: 0 };

/** The run with every second's worker CPU at 99% (saturated), stored as a run from before the summary carried advice. */
function saturated(run: RunResult): RunResult {
  const samples = run.samples.map((s) => ({ ...s, cpuPercent: 99 }));
  const { advice: _advice, ...generator } = generatorHealth(samples, 1);
  return { ...run, samples, summary: { ...run.summary, generator } };
}

function withUrl(run: RunResult, url: string): RunResult {
  return { ...run, config: { ...run.config, url } };
}

beforeAll(() => {
  const store = openStore(db);
  try {
    ids.loopback = storeRun(store, saturated(runAt(0, { seconds: 6 })), { scenarioName: 'loopback' });
    ids.remote = storeRun(store, saturated(withUrl(runAt(1, { seconds: 6 }), 'http://192.0.2.10:8080/api')), { scenarioName: 'remote' });
    const stopped = runAt(2, { seconds: 6 });
    ids.stopped = storeRun(store, { ...stopped, summary: { ...stopped.summary, status: 'aborted', notes: ['stopped before its planned end'] } }, { scenarioName: 'stopped' });
    ids.ws = storeRun(store, runAt(3, { seconds: 6, protocol: 'ws' }), { scenarioName: 'ws' });
    ids.sixSeconds = storeRun(store, runAt(4, { seconds: 6 }), { scenarioName: 'six seconds' });
  } finally {
    store.close();
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('item 7: saturation advice that fits where the target is', () => {
  it('on a loopback (or demo) target says the target shares this machine, elsewhere suggests more workers', () => {
    const hot = runAt(0, { seconds: 6 }).samples.map((s) => ({ ...s, cpuPercent: 99 }));
    for (const url of ['http://127.0.0.1:8080/', 'ws://[::1]:9000/ws', 'http://localhost/', 'http://demo-target.invalid/echo']) {
      const h = generatorHealth(hot, 1, url);
      expect(h.advice, url).toMatch(/^the target shares this machine: its CPU competes with the generator's/);
      expect(h.advice, url).not.toMatch(/more workers \(/);
    }
    expect(generatorHealth(hot, 1, 'http://192.0.2.10/').advice).toMatch(/more workers \(--workers\)/);
    expect(generatorHealth(hot.map((s) => ({ ...s, cpuPercent: 10 })), 1, 'http://127.0.0.1/').advice).toBeUndefined();
  });

  it('is in the CLI summary of a new run (and its JSON) and of a stored run that predates it', async () => {
    const scenario = syntheticScenario({ url: 'http://127.0.0.1:8080/' });
    const fresh = saturated(runAt(0, { seconds: 6 })).summary;
    fresh.generator = generatorHealth(runAt(0, { seconds: 6 }).samples.map((s) => ({ ...s, cpuPercent: 99 })), 1, scenario.url);
    const table = summaryTable(fresh, 'Run');
    expect(table).toMatch(/what to do\s+the target shares this machine/);
    expect(JSON.parse(JSON.stringify(fresh)).generator.advice).toMatch(/^the target shares this machine/);

    const shown = await runCli(['runs', 'show', String(ids.loopback)], env);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/what to do\s+the target shares this machine: its CPU competes with the generator's/);
    expect(shown.stdout).not.toMatch(/more workers \(/);
    const remote = await runCli(['runs', 'show', String(ids.remote)], env);
    expect(remote.stdout).toMatch(/what to do\s+use fewer connections or a lower rate, more workers \(--workers\)/);
  });

  it('is in the HTML report and the Markdown summary', async () => {
    const store = openStore(db);
    try {
      const run = store.getRun(ids.loopback)!;
      const html = runReportHtml(run);
      expect(html).toMatch(/Generator saturated: [^<]*The target shares this machine: its CPU competes with the generator&#39;s/);
      expect(html).not.toMatch(/more workers \(--workers\)/);
      const md = runMarkdown(run.summary, { runId: run.id, name: 'loopback', url: run.config.url });
      expect(md).toMatch(/the target shares this machine/);
    } finally {
      store.close();
    }
  });
});

describe('item 8: one word, one time, one scheme, one time axis', () => {
  it('a run the user stopped reads "stopped" in runs list, runs show, compare, the report and Markdown; JSON keeps "aborted"', async () => {
    const list = await runCli(['runs', 'list'], env);
    const row = list.stdout.split('\n').find((l) => /\bstopped\b/.test(l) && l.trimStart().startsWith(String(ids.stopped)));
    expect(row, list.stdout).toBeDefined();
    expect(list.stdout).not.toMatch(/aborted/);
    const show = await runCli(['runs', 'show', String(ids.stopped)], env);
    expect(show.stdout).toMatch(/^Status\s+stopped$/m);
    const compare = await runCli(['compare', String(ids.sixSeconds), String(ids.stopped)], env);
    expect(compare.stdout).toMatch(/stopped/);
    expect(compare.stdout).not.toMatch(/aborted/);

    // --status takes the word shown, and the stored value still works.
    for (const word of ['stopped', 'aborted']) {
      const filtered = await runCli(['runs', 'list', '--status', word, '--json'], env);
      expect(filtered.code, filtered.stderr).toBe(0);
      const { runs } = JSON.parse(filtered.stdout) as { runs: Array<{ id: number; status: string }> };
      expect(runs.map((r) => [r.id, r.status])).toEqual([[ids.stopped, 'aborted']]);
    }
    const bad = await runCli(['runs', 'list', '--status', 'halted'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--status: "halted" is not one of running, completed, failed, stopped, interrupted/);

    const store = openStore(db);
    try {
      const run = store.getRun(ids.stopped)!;
      expect(runReportHtml(run)).toMatch(/<span class="badge bad">stopped<\/span>/);
      expect(runMarkdown(run.summary, { runId: run.id, name: null, url: run.config.url })).toMatch(/\*\*STOPPED\*\*/);
    } finally {
      store.close();
    }
  });

  it('start times: the app, the CLI and the report share one formatter that truncates to the second', () => {
    for (const iso of ['2025-03-14T09:26:53.999Z', '2025-03-14T09:26:53.001Z', '2025-12-31T23:59:59.500Z']) {
      expect(formatDate(iso)).toBe(formatStartTime(iso));
      expect(localTime(iso)).toBe(formatStartTime(iso));
      expect(formatStartTime(iso, { utc: true })).toBe(`${iso.slice(0, 19).replace('T', ' ')} UTC`);
    }
  });

  it('runs list shows HTTP targets with their scheme, as it shows WebSocket ones', async () => {
    const list = await runCli(['runs', 'list'], env);
    expect(list.stdout).toMatch(new RegExp(`^\\s*${ids.sixSeconds}\\s.*\\shttp://127\\.0\\.0\\.1:8080/api`, 'm'));
    expect(list.stdout).toMatch(new RegExp(`^\\s*${ids.ws}\\s.*\\sws://127\\.0\\.0\\.1:8080/echo`, 'm'));
  });

  it('the HTML report draws a 6 s run at seconds 1–6 on an axis from 0, as the app does', () => {
    const store = openStore(db);
    try {
      const html = runReportHtml(store.getRun(ids.sixSeconds)!);
      const section = html.slice(html.indexOf('<h2>Throughput over time</h2>'));
      const svg = section.slice(0, section.indexOf('</svg>'));
      // x of each labelled x tick (the grid line drawn before its label).
      const ticks = new Map<string, number>();
      for (const m of svg.matchAll(/<line x1="([\d.]+)" x2="\1" y1="[\d.]+" y2="[\d.]+" stroke="[^"]+"\/><text x="[\d.]+" y="[\d.]+" font-size="11" text-anchor="(?:middle|end)" fill="[^"]+">([^<]+)<\/text>/g)) {
        ticks.set(m[2], Number(m[1]));
      }
      expect([...ticks.keys()]).toEqual(['0', '1', '2', '3', '4', '5', '6']);
      const path = /<path d="(M[^"]+)"/.exec(svg);
      expect(path).not.toBeNull();
      const xs = [...path![1].matchAll(/[ML](-?[\d.]+) -?[\d.]+/g)].map((m) => Number(m[1]));
      expect(xs).toHaveLength(6);
      expect(xs[0]).toBeCloseTo(ticks.get('1')!, 0);
      expect(xs[5]).toBeCloseTo(ticks.get('6')!, 0);
    } finally {
      store.close();
    }
  });
});
