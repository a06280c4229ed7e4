// The models behind the Showdown view and the Compare view's statistics, without a browser:
// the showdown form (text in, the engine's own schema's words out, at the field), the bar
// charts' value axes, which statistics a set of runs gets (pairs, or an A/B group as groups),
// and the verdicts' key line.
import { describe, expect, test } from 'vitest';
import { linearScale, niceLinearTicks } from '../../src/renderer/src/charts/barScale.ts';
import { abGroupOf, intervalGeometry, statisticsPlan, verdictKey } from '../../src/renderer/src/compare/statistics.ts';
import {
  defaultShowdownForm,
  estimatedSeconds,
  formFromConfig,
  serverErrorToShowdownErrors,
  validateShowdownForm,
  type ShowdownForm,
} from '../../src/renderer/src/showdown/showdownForm.ts';
import { bestColumns, describeStep, ratioLines } from '../../src/renderer/src/showdown/showdownView.ts';
import type { RunDetail } from '../../src/shared/contract.ts';
import type { FigureComparison } from '../../src/shared/stats/index.ts';
import type { TableRow } from '../../src/shared/showdown.ts';

const form = (patch: Partial<ShowdownForm> = {}): ShowdownForm => ({ ...defaultShowdownForm(), ...patch });

describe('showdown form', () => {
  test('the defaults are valid and mean the demo target', () => {
    const v = validateShowdownForm(form());
    expect(v.ok).toBe(true);
    expect(v.input).toMatchObject({ payloadBytes: 64, concurrency: 10, durationSec: 5, experiments: ['exchange', 'updates'] });
    expect(v.input?.httpUrl).toBeUndefined();
    expect(v.config?.warmupSec).toBe(1);
  });

  test('every bad field gets its own message in the schema\'s words', () => {
    const v = validateShowdownForm(form({ payloadBytes: '10', concurrency: 'ten', durationSec: '0', pollIntervalMs: '5', eventRate: '-1' }));
    expect(v.ok).toBe(false);
    expect(v.errors.payloadBytes).toBe('Must be at least 32');
    expect(v.errors.concurrency).toMatch(/^Must be a number/);
    expect(v.errors.durationSec).toBe('Must be at least 1 second');
    expect(v.errors.pollIntervalMs).toBe('Must be at least 10 ms');
    expect(v.errors.eventRate).toBe('Must be greater than 0');
  });

  test('a bad number does not hide the cross-field rule about the endpoints', () => {
    const v = validateShowdownForm(form({ concurrency: '0', httpUrl: 'http://127.0.0.1:9/echo' }));
    expect(v.errors.concurrency).toBe('Must be at least 1');
    expect(v.errors.wsUrl).toMatch(/^Give both the HTTP and the WebSocket endpoint/);
    expect(validateShowdownForm(form({ httpUrl: 'http://a/echo', wsUrl: 'http://a/ws' })).errors.wsUrl).toMatch(/Must be a ws or wss URL/);
    expect(validateShowdownForm(form({ httpUrl: 'http://a/echo', wsUrl: 'ws://a/ws' })).ok).toBe(true);
  });

  test('at least one experiment', () => {
    const v = validateShowdownForm(form({ exchange: false, updates: false }));
    expect(v.errors.exchange).toMatch(/Choose at least one experiment/i);
    expect(validateShowdownForm(form({ updates: false })).input?.experiments).toEqual(['exchange']);
  });

  test('an earlier showdown\'s settings fill the form again, and server errors land on their fields', () => {
    const config = validateShowdownForm(form({ payloadBytes: '256', concurrency: '4', updates: false })).config!;
    const again = formFromConfig(config);
    expect(again).toMatchObject({ payloadBytes: '256', concurrency: '4', exchange: true, updates: false, httpUrl: '' });
    expect(serverErrorToShowdownErrors('durationSec: must be at most 600 seconds\nsomething else')).toEqual({
      durationSec: 'Must be at most 600 seconds',
      form: 'something else',
    });
    expect(estimatedSeconds(config)).toBeGreaterThan(3 * 5);
  });
});

describe('bar chart axes', () => {
  test('linear ticks are round and cover the tallest bar with room for its label', () => {
    expect(niceLinearTicks(406 * 1.12)).toEqual([0, 100, 200, 300, 400, 500]);
    const s = linearScale([396, 406, 137]);
    expect(s.ticks.at(-1)).toBeGreaterThan(406);
    expect(s.at(0)).toBe(0);
  });

  test('the axis is linear: a bar twice as high is twice the value (no log axis to misread ratios)', () => {
    const s = linearScale([39, 55, 470, 2150, 4360]);
    expect(s.base).toBe(0);
    expect(s.at(4360) / s.at(2150)).toBeCloseTo(4360 / 2150, 6);
    expect(s.at(470) / s.at(39)).toBeCloseTo(470 / 39, 6);
  });
});

describe('showdown charts', () => {
  test('the ratios are written out against the lowest bar of each category', () => {
    const lines = ratioLines(
      ['p50', 'p99'],
      [
        { label: 'REST (new connection)', values: [1640, 9000] },
        { label: 'REST (keep-alive)', values: [520, null] },
        { label: 'WebSocket', values: [400, 1000] },
      ],
    );
    expect(lines).toEqual(['p50: REST (new connection) 4.1× WebSocket · REST (keep-alive) 1.3× WebSocket', 'p99: REST (new connection) 9.0× WebSocket']);
    // One value alone has nothing to be a ratio of.
    expect(ratioLines(['p50'], [{ label: 'A', values: [5] }, { label: 'B', values: [null] }])).toEqual([]);
  });
});

describe('showdown table helpers', () => {
  const row = (values: TableRow['values'], better: TableRow['better']): TableRow => ({
    id: 'x',
    group: 'cost',
    factor: 'x',
    unit: 'B',
    values,
    cells: { 'rest-new': '', 'rest-keepalive': '', h2: '', ws: '' },
    better,
  });
  test('the best cell of a row follows its direction; ties and descriptive rows mark none', () => {
    expect([...bestColumns(row({ 'rest-new': 396, 'rest-keepalive': 406, h2: null, ws: 137 }, 'lower'))]).toEqual(['ws']);
    expect([...bestColumns(row({ 'rest-new': 3395, 'rest-keepalive': 28297, h2: null, ws: 33860 }, 'higher'))]).toEqual(['ws']);
    expect([...bestColumns(row({ 'rest-new': 2, 'rest-keepalive': 2, h2: 2, ws: 2 }, 'lower'))]).toEqual([]);
    expect([...bestColumns(row({ 'rest-new': null, 'rest-keepalive': 5, h2: null, ws: 1 }, null))]).toEqual([]);
  });
  test('steps read as words', () => {
    expect(describeStep({ experiment: 'exchange', mode: 'rest-keepalive', phase: 'warmup' })).toBe('Warming up REST (keep-alive) · request/response');
    expect(describeStep({ experiment: 'updates', mode: 'push', phase: 'measure' })).toBe('Measuring WebSocket push · server-to-client updates');
    expect(describeStep({ experiment: 'setup', mode: null, phase: null })).toBe('Starting the target');
  });
});

describe('which statistics Compare asks for', () => {
  const run = (id: number, groupId: string | null, tags: string[], minute: number, status = 'completed'): RunDetail =>
    ({ id, groupId, tags, scenarioName: `s${id}`, summary: { status, startedAt: `2025-01-01T00:${String(minute).padStart(2, '0')}:00Z` } }) as unknown as RunDetail;

  test('single runs: each against the reference (the first)', () => {
    const plan = statisticsPlan([run(3, null, [], 0), run(5, null, [], 1), run(7, null, [], 2)]);
    expect(plan.map((p) => p.request)).toEqual([{ ids: [3, 5] }, { ids: [3, 7] }]);
  });

  test('the runs of one A/B group: B against A as groups, by their side tags', () => {
    const runs = [1, 2, 3, 4, 5, 6, 7, 8].map((id, i) => run(id, 'ab-1', ['ab', i % 2 ? 'ab:B' : 'ab:A'], i));
    expect(abGroupOf(runs)?.groupId).toBe('ab-1');
    expect(statisticsPlan(runs).map((p) => p.request)).toEqual([{ groupA: [1, 3, 5, 7], groupB: [2, 4, 6, 8] }]);
    // A run from elsewhere mixed in: pairs again.
    expect(abGroupOf([...runs, run(9, null, [], 9)])).toBeNull();
  });

  test('a stopped run of the group is left out of the verdicts and named (src/shared/groupRuns.ts)', () => {
    const runs = [1, 2, 3, 4, 5, 6].map((id, i) => run(id, 'ab-1', ['ab', i % 2 ? 'ab:B' : 'ab:A'], i, id === 4 ? 'aborted' : 'completed'));
    expect(abGroupOf(runs)?.leftOut.map((r) => r.id)).toEqual([4]);
    const [plan] = statisticsPlan(runs);
    expect(plan.request).toEqual({ groupA: [1, 3, 5], groupB: [2, 6] });
    expect(plan.title).toBe('B: s2 (2 runs) against A: s1 (3 runs) · 1 run left out, only completed runs count (stopped: #4)');
    // A side with no completed run: nothing to compare.
    expect(statisticsPlan(runs.map((r) => (r.tags.includes('ab:B') ? run(r.id, 'ab-1', r.tags, r.id, 'failed') : r)))).toEqual([]);
  });

  test('the key line states the thresholds and confidence applied', () => {
    const c = (figure: 'throughput' | 'p50', noiseThreshold: number) => ({ figure, noiseThreshold, confidence: 0.95 }) as FigureComparison;
    expect(verdictKey([c('throughput', 0.03), c('p50', 0.05)], false)).toBe(
      '95% interval of the change; a verdict only when the whole interval is beyond the noise threshold of 3% (throughput) / 5% (latency); "inconclusive" means the data could not be judged (the row says what would do).',
    );
    expect(verdictKey([c('throughput', 0.03), c('p50', 0.05)], true)).toMatch(/rounds are paired, and the interval uses both the spread between runs and their seconds/);
  });

  test('the interval sits on a symmetric axis with the noise band around 0', () => {
    const g = intervalGeometry({ ciLow: 0.1, ciHigh: 0.3, change: 0.2, noiseThreshold: 0.03 })!;
    expect(g.noiseLow).toBeLessThan(0.5);
    expect(g.noiseHigh).toBeGreaterThan(0.5);
    expect(g.low).toBeGreaterThan(g.noiseHigh);
    expect(g.change).toBeGreaterThan(g.low);
    expect(intervalGeometry({ ciLow: null, ciHigh: null, change: null, noiseThreshold: 0.05 })).toBeNull();
  });
});
