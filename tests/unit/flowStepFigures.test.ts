// The app's per-step figures of a flow run (src/renderer/src/flowRun/stepFigures.ts): a live
// run folded second by second gives the same table as the whole run at once (known latencies:
// login answers in 10 ms, items in 2 ms); each step's p99 per second for the chart.
import { describe, expect, test } from 'vitest';
import { foldSteps, liveStepRows, newStepFold, stepLatencyData, summaryStepRows } from '../../src/renderer/src/flowRun/stepFigures.ts';
import { flowFigures } from '../../src/shared/result/flowFigures.ts';
import { createHistogram, encodeHistogram, recordUs } from '../../src/shared/result/histogramCodec.ts';
import type { RunSample, StepSecond } from '../../src/shared/runResult.ts';
import { parseScenario, type FlowScenario } from '../../src/shared/scenario.ts';

const parsed = parseScenario({
  protocol: 'flow',
  url: 'http://127.0.0.1:8080',
  setup: [{ type: 'http', name: 'login', method: 'POST', url: '/login', extract: [{ from: 'json', var: 'token', path: '$.token' }], checks: [{ type: 'status', status: '2xx' }] }],
  steps: [{ type: 'http', name: 'items', url: '/items', headers: { Authorization: 'Bearer {{token}}' }, checks: [{ type: 'status', status: '200' }] }],
});
if (!parsed.ok || parsed.value.protocol !== 'flow') throw new Error(parsed.ok ? 'not a flow' : parsed.error);
const scenario: FlowScenario = parsed.value;

function second(step: string, n: number, us: number, failed = 0): StepSecond {
  const h = createHistogram();
  for (let i = 0; i < n; i++) recordUs(h, us);
  return { step, count: n, errors: failed, errorsByKind: failed ? { check: failed } : {}, checks: { passed: n - failed, failed }, histogram: encodeHistogram(h) };
}
function sample(t: number, steps: StepSecond[]): RunSample {
  return { t, throughput: 0, latencyUs: null, errors: 0, openConnections: 0, bytesSent: 0, bytesReceived: 0, cpuPercent: 0, loopLagMs: 0, warmup: false, steps };
}
const samples = [sample(0, [second('login', 10, 10_000), second('items', 100, 2_000)]), sample(1, [second('items', 200, 2_000, 4)]), sample(2, [second('items', 100, 3_000)])];

describe('per-step figures in the app', () => {
  test('folded live, second by second, the table equals the whole run at once and the stored summary', () => {
    const fold = newStepFold(scenario);
    foldSteps(fold, samples.slice(0, 1));
    expect(liveStepRows(fold)[1]).toMatchObject({ name: 'items', count: 100, perSec: 100 });
    foldSteps(fold, samples);
    const live = liveStepRows(fold);
    expect(live.map((r) => [r.name, r.phase, r.count, r.errors, r.checksPassed, r.checksFailed])).toEqual([
      ['login', 'setup', 10, 0, 10, 0],
      ['items', 'steps', 400, 4, 396, 4],
    ]);
    // Known latencies: login 10 ms; items 300 at 2 ms and 100 at 3 ms, so p50 2 ms, p99 3 ms (HdrHistogram's 3 digits).
    expect(live[0].p50).toBeCloseTo(10_000, -2);
    expect(live[1].p50).toBeCloseTo(2_000, -1);
    expect(live[1].p99).toBeCloseTo(3_000, -1);
    expect(live[1].perSec).toBeCloseTo(133.3, 1);
    expect(live[1].errorsByKind).toEqual({ check: 4 });
    // The stored summary (flowFigures over the same seconds) reads the same in the table.
    const stored = summaryStepRows(flowFigures({ scenario, samples, durationSec: 3 }).steps);
    expect(stored.map(({ perSec: _, ...r }) => r)).toEqual(live.map(({ perSec: _, ...r }) => r));
    // Folding again adds nothing twice.
    foldSteps(fold, samples);
    expect(liveStepRows(fold)[1].count).toBe(400);
  });

  test('each step’s p99 per second in ms, at t+1, null where the step did nothing; decoded once', () => {
    const cache = new Map<string, number | null>();
    const [x, login, items] = stepLatencyData(samples, ['login', 'items'], cache);
    expect(x).toEqual([1, 2, 3]);
    expect((login as Array<number | null | undefined>).map((v) => (v === null ? null : Math.round(v as number)))).toEqual([10, null, null]);
    expect((items as Array<number | null | undefined>).map((v) => Math.round((v as number) * 10) / 10)).toEqual([2, 2, 3]);
    expect(cache.size).toBe(6);
  });
});
