// A run in which nothing completed has no latencies: every comparison (the shared model behind
// `barrage compare`, the Markdown summary and the HTML report, and the app's Compare table)
// shows "–" with the reason, never a change computed from the empty histogram's 0 µs.
import { describe, expect, it } from 'vitest';
import { compareStoredRuns, noLatencyReason } from '../../src/shared/comparison.ts';
import type { StoredRun } from '../../src/shared/history.ts';
import type { RunResult } from '../../src/shared/runResult.ts';
import { runsComparisonText } from '../../src/main/cli/format/comparisonText.ts';
import { runsComparisonMarkdown } from '../../src/main/ci/markdownSummary.ts';
import { comparisonReportHtml } from '../../src/main/report/htmlReport.ts';
import { compareRows } from '../../src/renderer/src/compare/compareRows.ts';
import { nothingCompleted } from '../fixtures/nothingCompleted.ts';
import { syntheticRun } from '../fixtures/syntheticRun.ts';

const stored = (id: number, run: RunResult): StoredRun => ({
  ...run,
  id,
  scenarioId: null,
  scenarioName: null,
  groupId: null,
  tags: [],
  notes: '',
  environment: { barrageVersion: '0.1.0', nodeVersion: '22', electronVersion: null, os: null, cpu: null, workers: 2, targetHost: '127.0.0.1:8080' },
});

const good = stored(1, syntheticRun({ seconds: 6, seed: 3, valuesPerSecond: 10 }));
const empty = stored(2, nothingCompleted(syntheticRun({ seconds: 2, seed: 4, valuesPerSecond: 10 })));

describe('a run with no completions in a comparison', () => {
  it('has no latency, by the shared rule', () => {
    expect(empty.summary.latencyUs.p50).toBe(0); // what the empty histogram reads
    expect(noLatencyReason(empty.summary)).toBe('nothing completed');
    expect(noLatencyReason(good.summary)).toBeNull();
  });

  for (const [name, runs] of [
    ['as the candidate', [good, empty]],
    ['as the baseline', [empty, good]],
  ] as const) {
    it(`${name}: the shared model gives no latency value or change, and says why`, () => {
      const c = compareStoredRuns(runs);
      const emptyRun = c.runs.find((r) => r.id === 2)!;
      const other = c.runs.find((r) => r.id === 1)!;
      for (const id of ['p50', 'p99', 'p999'] as const) {
        const f = emptyRun.figures.find((x) => x.id === id)!;
        expect(f.value).toBeNull();
        expect(f.unavailable).toBe('nothing completed');
        expect(f.difference).toBeNull();
        expect(f.change).toBeNull();
        const o = other.figures.find((x) => x.id === id)!;
        expect(o.value).toBeGreaterThan(0);
        expect(o.difference).toBeNull();
      }
      // Throughput is a measured 0, not missing.
      expect(emptyRun.figures.find((x) => x.id === 'throughput')!.value).toBe(0);

      const text = runsComparisonText(c);
      const p50Line = text.split('\n').find((l) => l.startsWith('p50 latency'))!;
      expect(p50Line).toContain('– (nothing completed)');
      expect(p50Line).not.toMatch(/[+-]\d[\d,.]* (µs|ms)/);

      const md = runsComparisonMarkdown(c);
      expect(md).toMatch(/\| p50 latency .*– \(nothing completed\)/);

      const html = comparisonReportHtml(runs, c);
      const p50Row = /<tr><th>p50 latency<\/th>.*?<\/tr>/.exec(html)![0];
      expect(p50Row).toContain('– (nothing completed)');
      expect(p50Row).not.toMatch(/class="num change (up|down)"/);
    });

    it(`${name}: the app's Compare table shows "–" with the reason and no coloured change`, () => {
      const rows = compareRows([...runs]);
      const emptyIndex = runs.indexOf(empty);
      for (const label of ['p50', 'p90', 'p99', 'p99.9', 'max', 'mean', 'min']) {
        const row = rows.find((r) => r.def.group === 'Latency' && r.def.label === label)!;
        expect(row.cells[emptyIndex].text).toBe('–');
        expect(row.cells[emptyIndex].unavailable).toBe('nothing completed');
        const candidate = row.cells[1];
        expect(candidate.diff).toEqual({ abs: null, rel: null, verdict: 'neutral' });
      }
      // Throughput still compares: nothing completed is a measured 0 req/s.
      expect(rows.find((r) => r.def.label === 'Completed')!.cells[emptyIndex].text).toBe('0');
    });
  }
});
