// CI reports: JUnit XML (read back with an XML parser, as a CI reporter does), the Markdown
// summary, and the jsonl stream of `barrage run --out`, for runs with known outcomes and for
// comparisons with a known regression.
import { describe, expect, it } from 'vitest';
import { groupsComparisonJunitXml, runJunitXml, runsComparisonJunitXml } from '../../src/main/ci/junitReport.ts';
import { runMarkdown, runsComparisonMarkdown } from '../../src/main/ci/markdownSummary.ts';
import { compareStoredGroups, compareStoredRuns } from '../../src/shared/comparison.ts';
import type { StoredRun } from '../../src/shared/history.ts';
import type { RunResult } from '../../src/shared/runResult.ts';
import { evaluateThresholds } from '../../src/shared/thresholds.ts';
import { formatUs } from '../../src/shared/units.ts';
import { runAt, withLatencyScaled } from '../fixtures/storedRuns.ts';
import { readJunit } from '../support/junitReader.ts';

function withThresholds(run: RunResult, expressions: string[]): RunResult {
  return { ...run, summary: { ...run.summary, thresholds: evaluateThresholds(expressions, run.summary) } };
}

function stored(run: RunResult, id: number): StoredRun {
  return { ...run, id, scenarioId: null, scenarioName: run.config.name ?? null, tags: [], notes: '', groupId: null } as unknown as StoredRun;
}

describe('JUnit for a run', () => {
  it('has one case per threshold; a failed one carries the measured value and the limit', () => {
    const run = withThresholds(runAt(0, { seed: 1, seconds: 10, name: 'checkout <v2>' }), ['p99 < 10s', 'p50 < 1us', 'errors <= 1000000']);
    const p50 = run.summary.latencyUs.p50;
    const { totals, cases } = readJunit(runJunitXml(run.summary, { runId: 7, name: 'checkout <v2>', url: run.config.url }));
    expect(totals).toEqual({ tests: 4, failures: 1, skipped: 0 });
    expect(cases.map((c) => [c.name, c.failure?.type ?? 'passed'])).toEqual([
      ['run completed', 'passed'],
      ['p99 < 10s', 'passed'],
      ['p50 < 1us', 'threshold'],
      ['errors <= 1000000', 'passed'],
    ]);
    const failed = cases[2].failure!.message;
    expect(failed).toBe(`p50 ${formatUs(p50)} (limit < 1 µs): failed`);
    expect(failed).toContain('limit < 1 µs');
    expect(cases[1].out).toMatch(/^p99 [\d.]+ (µs|ms) \(limit < 10 s\): passed$/);
    expect(cases[0].suite).toBe('barrage run: checkout <v2>');
    expect(cases[0].className).toBe('barrage.checkout_v2');
  });

  it('fails the "run completed" case of a run that could not be measured, thresholds or not', () => {
    const run = runAt(0, { seed: 1, seconds: 5, status: 'failed' });
    run.summary.failure = 'worker 0 exited with code 1';
    const { totals, cases } = readJunit(runJunitXml(run.summary, { runId: null, name: null, url: run.config.url }));
    expect(totals).toEqual({ tests: 1, failures: 1, skipped: 0 });
    expect(cases[0].failure).toEqual({ message: 'run failed: worker 0 exited with code 1', type: 'run' });
  });
});

describe('JUnit for comparisons', () => {
  const baseline = stored(runAt(0, { seed: 1, name: 'checkout' }), 1);
  const slower = stored(withLatencyScaled(runAt(2, { seed: 1, name: 'checkout' }), 1.2), 2);
  const same = stored(runAt(4, { seed: 2, name: 'checkout' }), 3);
  // 2 s with a 1 s warm-up: one steady second, below the 2 a verdict needs.
  const tooShort = stored(runAt(6, { seed: 3, seconds: 2, name: 'checkout' }), 4);

  it('makes "worse" a failure and passes the rest, one suite per candidate', () => {
    const comparison = compareStoredRuns([baseline, slower, same]);
    const { totals, cases } = readJunit(runsComparisonJunitXml(comparison));
    expect(totals.tests).toBe(6);
    const failed = cases.filter((c) => c.failure);
    // The slower run's latencies are all 20% higher: p50 is certainly worse (its per-second p99s
    // vary too much for a verdict), throughput is not.
    expect(failed.map((c) => [c.suite, c.name])).toEqual([['barrage compare: run 2 against run 1', 'p50 latency']]);
    expect(failed[0].failure!.message).toMatch(/^p50 latency: \d+ µs → \d+ µs, 20\.0% higher \(95% CI .*\) — worse$/);
    expect(cases.filter((c) => c.suite.includes('run 3')).every((c) => !c.failure && !c.skipped)).toBe(true);
  });

  it('skips, with the reason, a figure that could not be decided', () => {
    const comparison = compareStoredRuns([baseline, tooShort]);
    const { totals, cases } = readJunit(runsComparisonJunitXml(comparison));
    expect(totals).toMatchObject({ failures: 0, skipped: 3 });
    for (const c of cases) expect(c.out).toMatch(/inconclusive .*runs need at least 3 s/);
  });

  it('compares A/B groups B against A', () => {
    const a = [0, 1, 2, 3, 4].map((i) => stored(runAt(10 + 2 * i, { seed: 10 + i, seconds: 20, name: 'a' }), 10 + i));
    const b = [0, 1, 2, 3, 4].map((i) => stored(withLatencyScaled(runAt(11 + 2 * i, { seed: 20 + i, seconds: 20, name: 'b' }), 1.2), 20 + i));
    const g = compareStoredGroups(a, b, undefined, 'g1');
    const { cases } = readJunit(groupsComparisonJunitXml(g, { a: 'a', b: 'b' }));
    expect(cases[0].suite).toBe('barrage ab: b against a');
    expect(cases.filter((c) => c.failure).map((c) => c.name).sort()).toEqual(['p50 latency', 'p99 latency']);
  });
});

describe('Markdown summary', () => {
  it('shows the key figures and each threshold, with table cells that cannot break the table', () => {
    const run = withThresholds(runAt(0, { seed: 1, seconds: 10, url: 'http://127.0.0.1:8080/a|b' }), ['p99 < 10s', 'p50 < 1us']);
    const md = runMarkdown(run.summary, { runId: 12, name: null, url: run.config.url });
    expect(md).toMatch(/^### Barrage run 12: http:\/\/127\.0\.0\.1:8080\/a\\\|b$/m);
    expect(md).toMatch(/^\*\*FAILED\*\*: 1 of 2 thresholds — /m);
    expect(md).toMatch(/^\| p99 latency +\| +[\d.]+ (µs|ms) \|$/m);
    expect(md).toMatch(/^\| `p50 < 1us` +\| \*\*FAILED\*\* \| p50 [\d.]+ (µs|ms) \(limit < 1 µs\) +\|$/m);
    expect(md).toMatch(/^\| `p99 < 10s` +\| passed +\|/m);
    expect(md).not.toMatch(/\]\(|https?:\/\/[^\s|]*\)/); // no links
    // Every table row has the same number of unescaped pipes as its header.
    for (const table of md.split('\n\n').filter((b) => b.startsWith('|'))) {
      const counts = table.split('\n').map((line) => line.replace(/\\\|/g, '').split('|').length);
      expect(new Set(counts).size).toBe(1);
    }
  });

  it('states the verdicts of a comparison, worse first', () => {
    const c = compareStoredRuns([
      stored(runAt(0, { seed: 1, name: 'checkout' }), 1),
      stored(withLatencyScaled(runAt(2, { seed: 1, name: 'checkout' }), 1.2), 2),
    ]);
    const md = runsComparisonMarkdown(c);
    expect(md).toMatch(/^\*\*WORSE\*\*: p50 latency beyond the noise threshold\.$/m);
    expect(md).toMatch(/^\| p50 latency +\| \*\*worse\*\* +\| +\+20\.0% \|/m);
    expect(md).toMatch(/^\| throughput +\| no clear difference \|/m);
  });
});
