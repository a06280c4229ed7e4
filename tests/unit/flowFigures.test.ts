import { describe, expect, it } from 'vitest';
import { checkName, flowFigures, stepLatencyMeaning } from '../../src/shared/result/flowFigures.ts';
import { createHistogram, decodeHistogram, encodeHistogram, summarizeHistogram } from '../../src/shared/result/histogramCodec.ts';
import type { RunSample } from '../../src/shared/runResult.ts';
import type { FlowScenario } from '../../src/shared/scenario.ts';
import { buildSummary, type RunTotals } from '../../src/shared/result/runSummary.ts';
import { syntheticFlowRun, syntheticFlowScenario } from '../fixtures/syntheticRun.ts';

const scenario = syntheticFlowScenario() as FlowScenario;

function histogramOf(values: number[]): string {
  const h = createHistogram();
  for (const v of values) h.recordValue(v);
  return encodeHistogram(h);
}

function sample(t: number, extra: Partial<RunSample>): RunSample {
  return { t, throughput: 0, latencyUs: null, errors: 0, openConnections: 1, bytesSent: 0, bytesReceived: 0, cpuPercent: 1, loopLagMs: 0, warmup: false, ...extra };
}

describe('flowFigures: per-step figures from per-second samples', () => {
  it('merges each step’s seconds exactly: counts, latency from the merged histograms, errors, codes, checks', () => {
    const samples = [
      sample(0, {
        steps: [
          { step: 'login', count: 2, errors: 0, checks: { passed: 2, failed: 0 }, checkCounts: [{ passed: 2, failed: 0 }], statusCodes: { '200': 2 }, histogram: histogramOf([300, 700]) },
          { step: 'list items', count: 3, errors: 0, checks: { passed: 5, failed: 1 }, checkCounts: [{ passed: 3, failed: 0 }, { passed: 2, failed: 1 }], statusCodes: { '200': 3 }, histogram: histogramOf([100, 200, 300]) },
        ],
        iterations: { started: 3, completed: 2, abandoned: 1 },
        iterationHistogram: histogramOf([1000, 1500]),
      }),
      sample(1, {
        steps: [
          { step: 'list items', count: 2, errors: 1, errorsByKind: { status: 1 }, checks: { passed: 3, failed: 1 }, checkCounts: [{ passed: 1, failed: 1 }, { passed: 2, failed: 0 }], statusCodes: { '200': 1, '503': 1 }, histogram: histogramOf([400, 1900]) },
          { step: 'add to cart', count: 0, errors: 2, errorsByKind: { reset: 2 }, checks: { passed: 0, failed: 0 } },
          // A step the scenario does not name is left out.
          { step: 'renamed', count: 9, errors: 0, checks: { passed: 9, failed: 0 }, histogram: histogramOf([5]) },
        ],
        iterations: { started: 2, completed: 1, abandoned: 0 },
        iterationHistogram: histogramOf([1200]),
      }),
    ];
    const f = flowFigures({ scenario, samples, durationSec: 2, dataSha256: 'cd'.repeat(32) });
    expect(f.steps.map((s) => [s.name, s.phase, s.type, s.count, s.perSec])).toEqual([
      ['login', 'setup', 'http', 2, 1],
      ['list items', 'steps', 'http', 5, 2.5],
      ['add to cart', 'steps', 'http', 0, 0],
    ]);
    const list = f.steps[1];
    // Values below 2,048 µs are exact at 3 significant digits: the merged summary is known.
    expect(list.latencyUs).toMatchObject({ count: 5, min: 100, p50: 300, max: 1900, mean: 580 });
    expect(list.errors).toEqual({ total: 1, byKind: { status: 1 } });
    expect(list.statusCodes).toEqual({ '200': 4, '503': 1 });
    expect(list.checks).toEqual([
      { name: 'status 2xx', passed: 4, failed: 1 },
      { name: '$.items exists', passed: 4, failed: 1 },
    ]);
    expect(decodeHistogram(list.histogram!).totalCount).toBe(5);
    expect(f.steps[0].checks).toEqual([{ name: 'status 200', passed: 2, failed: 0 }]);
    expect(f.steps[2]).toMatchObject({ latencyUs: null, errors: { total: 2, byKind: { reset: 2 } }, checks: [{ name: 'latency ≤ 50 ms', passed: 0, failed: 0 }] });
    expect(f.steps[2].histogram).toBeUndefined();
    expect(f.iterations).toMatchObject({ started: 5, completed: 3, abandoned: 1 });
    expect(f.iterations.durationUs).toMatchObject({ count: 3, min: 1000, max: 1500 });
    // Checks over the run: 2 + 5 + 3 passed, 1 + 1 failed (the unnamed step's are not counted).
    expect(f.checks).toEqual({ passed: 10, failed: 2, share: 10 / 12 });
    expect(f.data).toEqual({ rows: 2, sha256: 'cd'.repeat(32), assign: 'per-vu' });
  });

  it('equals one histogram of every value, over a longer run', () => {
    const run = syntheticFlowRun({ seconds: 6 });
    const f = flowFigures({ scenario: run.config as FlowScenario, samples: run.samples, durationSec: 6 });
    const all = createHistogram();
    for (let t = 0; t < 6; t++) for (let i = 0; i < 10 + t; i++) all.recordValue(1000 + 100 * i);
    const list = f.steps.find((s) => s.name === 'list items')!;
    // As the one histogram reads once encoded (an encoded histogram's max is its bucket's top: 2,401 for 2,400).
    expect(list.latencyUs).toEqual(summarizeHistogram(decodeHistogram(encodeHistogram(all))));
    expect(list.latencyUs).toMatchObject({ count: 75, min: 1000, p50: 1600, max: 2401 });
    expect(list.count).toBe(10 + 11 + 12 + 13 + 14 + 15);
    const cart = f.steps.find((s) => s.name === 'add to cart')!;
    expect(cart.errors).toEqual({ total: 9, byKind: { check: 6, status: 3 } });
    expect(cart.statusCodes).toEqual({ '201': 27, '500': 3 });
    expect(cart.checks).toEqual([{ name: 'latency ≤ 50 ms', passed: 24, failed: 6 }]);
    expect(f.iterations.durationUs).toMatchObject({ count: 30, p50: 4001 }); // 4,000 µs read at its bucket's top
    // No data hash given and none in the scenario: data is left out rather than made up.
    expect(f.data).toBeUndefined();
  });

  it('without per-check counts, gives a single check the step’s totals and several none', () => {
    const f = flowFigures({
      scenario,
      samples: [sample(0, { steps: [
        { step: 'list items', count: 1, errors: 0, checks: { passed: 1, failed: 1 } },
        { step: 'add to cart', count: 1, errors: 0, checks: { passed: 1, failed: 0 } },
      ] })],
      durationSec: 1,
    });
    expect(f.steps[1].checks.map((c) => c.passed + c.failed)).toEqual([0, 0]);
    expect(f.steps[2].checks).toEqual([{ name: 'latency ≤ 50 ms', passed: 1, failed: 0 }]);
    expect(f.checks.share).toBe(2 / 3);
  });

  it('names checks as people read them and says what each step’s latency measures', () => {
    expect(checkName({ type: 'status', status: '200, 201' })).toBe('status 200,201');
    expect(checkName({ type: 'jsonPath', path: '$.id', op: 'equals', value: '7' })).toBe('$.id equals 7');
    expect(checkName({ type: 'jsonPath', path: '$.s', op: 'matches', value: '^ok' })).toBe('$.s matches /^ok/');
    expect(checkName({ type: 'bodyContains', text: 'ok' })).toBe('body contains "ok"');
    expect(checkName({ type: 'header', header: 'ETag' })).toBe('header etag present');
    const open = flowFigures({ scenario: syntheticFlowScenario({ rate: 5 }) as FlowScenario, samples: [], durationSec: 1 });
    expect(open.steps[1].latencyMeaning).toMatch(/scheduled start/);
    expect(open.steps[0].latencyMeaning).not.toMatch(/scheduled/); // setup is not an arrival
    expect(open.steps[2].latencyMeaning).toBe('HTTP request from writing the request to its complete response');
    expect(stepLatencyMeaning({ type: 'ws-await', name: 'a', count: 1, timeoutMs: 10, lagPath: '$.ts', extract: [], checks: [], onFailure: 'abandon' }, false)).toMatch(/timestamp at \$\.ts/);
    expect(stepLatencyMeaning({ type: 'ws-send', name: 's', message: '{}', count: 1, inFlight: 4, expect: { match: { path: '$.id' }, timeoutMs: 10 }, extract: [], checks: [], onFailure: 'abandon' }, false)).toMatch(/answer whose \$\.id matches/);
    expect(stepLatencyMeaning({ type: 'ws-connect', name: 'c', url: '/ws', headers: {}, subprotocols: [], checks: [], onFailure: 'abandon' }, false)).toMatch(/handshake/);
  });

  it('is part of the summary the engine builds for a flow run', () => {
    const run = syntheticFlowRun({ seconds: 3 });
    const acc: RunTotals = {
      latency: decodeHistogram(run.histogram),
      connect: createHistogram(),
      ping: createHistogram(),
      samples: run.samples,
      completed: run.summary.throughput.total,
      errors: {},
      statusCodes: {},
      bytesSent: 0,
      bytesReceived: 0,
      opened: 20,
      failed: 0,
      peakOpen: 20,
      ws: { sent: 0, received: 0, duplicates: 0, outOfOrder: 0, unmatched: 0, lost: 0, closes: {} },
      unfinished: null,
    };
    const summary = buildSummary({ scenario: run.config, status: 'completed', startedAt: 0, endedAt: 3000, workers: 1, acc, notes: [], dataSha256: 'ef'.repeat(32) });
    expect(summary.flow?.steps.map((s) => s.count)).toEqual([20, 33, 15]);
    expect(summary.flow?.data?.sha256).toBe('ef'.repeat(32));
    expect(summary.flow?.iterations.started).toBe(15);
  });
});
