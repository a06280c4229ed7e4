// k6 writes only the percentiles of its summaryTrendStats (by default no p(99) or p(99.9)): a
// figure it did not report is unknown, never a 0 µs that a comparison would read as "better".
// A damaged metric (null) is refused with the field named, never a TypeError.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunFile } from '../src/main/store/runExchange.ts';
import { compareStoredRuns } from '../src/shared/comparison.ts';
import type { StoredRun } from '../src/shared/history.ts';
import type { RunResult } from '../src/shared/runResult.ts';
import { summaryTable } from '../src/main/cli/format/summaryTable.ts';
import { compareRows } from '../src/renderer/src/compare/compareRows.ts';
import { syntheticRun } from './fixtures/syntheticRun.ts';

const fixture = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures/imports/k6-summary-export.json'), 'utf8'));
// k6's default summaryTrendStats: avg, min, med, max, p(90), p(95) — no p(99).
const defaults = structuredClone(fixture);
delete defaults.metrics.http_req_duration['p(99)'];
const endedAt = new Date('2026-05-01T10:00:30Z');

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

describe('k6 percentiles it did not report', () => {
  const [k6] = parseRunFile(JSON.stringify(defaults), 'k6.json', { endedAt });

  it('are stored as unreported, and the summary table shows "–"', () => {
    expect(k6.summary.latencyUs.unreported).toEqual({ figures: ['stdev', 'p99', 'p999'], reason: 'not reported by k6' });
    const text = summaryTable(k6.summary);
    expect(text).toMatch(/p99 \/ p99\.9\s+– \/ –/);
    expect(text).toMatch(/not reported by k6/);
    expect(text).toMatch(/p50 \/ p90 \/ p95\s+22\.9 ms/);
  });

  it('are not compared: no value, no change, and the reason', () => {
    const barrage = stored(1, syntheticRun({ seconds: 6, seed: 3, valuesPerSecond: 10 }));
    const c = compareStoredRuns([barrage, stored(2, k6 as unknown as RunResult)]);
    const run = c.runs.find((r) => r.id === 2)!;
    for (const id of ['p99', 'p999'] as const) {
      const f = run.figures.find((x) => x.id === id)!;
      expect(f).toMatchObject({ value: null, difference: null, change: null, unavailable: 'not reported by k6' });
    }
    expect(run.figures.find((x) => x.id === 'p50')!.value).toBe(22_874);
    const rows = compareRows([{ summary: barrage.summary }, { summary: k6.summary }]);
    const p99 = rows.find((r) => r.def.label === 'p99')!;
    expect(p99.cells[1]).toMatchObject({ value: null, text: '–', unavailable: 'not reported by k6', diff: { abs: null, verdict: 'neutral' } });
  });

  it('a null metric is refused with its field named', () => {
    const bad = structuredClone(fixture);
    bad.metrics.http_req_failed = null;
    expect(() => parseRunFile(JSON.stringify(bad), 'k6.json', { endedAt })).toThrow(/^k6\.json: k6 summary export: metrics\.http_req_failed is null, not an object of statistics$/);
  });
});
