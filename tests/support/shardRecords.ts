// Shard results with known contents, for the merge tests (unit and kubectl-simulated): second t
// of shard k records a known list of latencies, so every sum is known.
import { shardScenario } from '../../src/main/engine/workerShares.ts';
import { collectEnvironment } from '../../src/main/store/environment.ts';
import type { RunRecord } from '../../src/shared/history.ts';
import type { RunSample } from '../../src/shared/runResult.ts';
import { createHistogram, encodeHistogram, recordUs, summarizeHistogram } from '../../src/shared/result/histogramCodec.ts';
import { redactConfig } from '../../src/shared/redact.ts';
import type { Scenario } from '../../src/shared/scenario.ts';
import { scenarioOf } from './runScenario.ts';

/** A flow of two steps (one check on login, two on items) split over the shards by virtual users. */
export const FLOW_INPUT = {
  protocol: 'flow' as const,
  url: 'http://127.0.0.1:9/',
  virtualUsers: 8,
  durationSec: 3,
  warmupSec: 1,
  steps: [
    { type: 'http' as const, name: 'login', method: 'POST' as const, url: '/login', checks: [{ type: 'status' as const, status: '200' }] },
    { type: 'http' as const, name: 'items', url: '/items', checks: [{ type: 'status' as const, status: '200' }, { type: 'jsonPath' as const, path: '$.items', op: 'exists' as const }] },
  ],
};
export const FLOW_WHOLE = scenarioOf(FLOW_INPUT);

/** Flow shards: second t of shard k, step s records `stepValues(k, t, s)` (µs); items fails one check a second on even shards. */
export function stepValues(index: number, t: number, step: 'login' | 'items'): number[] {
  const n = step === 'login' ? 5 + index + t : 8 + 2 * index + t;
  return Array.from({ length: n }, (_, i) => (step === 'login' ? 2000 : 500) + 37 * i * index + 900 * t);
}

export const WHOLE = scenarioOf({ protocol: 'http', url: 'http://127.0.0.1:9/', connections: 8, durationSec: 3, warmupSec: 1 });
export const START = '2026-11-30T10:00:00.000Z';

/** A shard's result with known latencies: second t of shard k records `values(k, t)`. */
export function shardRun(index: number, count: number, opts: { startedAt?: string; scenario?: Scenario; saturated?: boolean; errors?: number } = {}): RunRecord {
  const scenario = opts.scenario ?? WHOLE;
  const whole = createHistogram();
  const samples: RunSample[] = [];
  for (let t = 0; t < 3; t++) {
    const h = createHistogram();
    const values = Array.from({ length: 50 + index * 10 + t }, (_, i) => 100 * index + 7 * i + 1000 * t);
    for (const v of values) {
      recordUs(h, v);
      recordUs(whole, v);
    }
    const s = summarizeHistogram(h);
    samples.push({
      t,
      throughput: values.length,
      latencyUs: { p50: s.p50, p99: s.p99, max: s.max, mean: s.mean },
      errors: t === 1 ? (opts.errors ?? 0) : 0,
      openConnections: 2,
      bytesSent: 100 * values.length,
      bytesReceived: 200 * values.length,
      cpuPercent: opts.saturated ? 99 : 20 + index,
      loopLagMs: 3,
      warmup: t < 1,
      histogram: encodeHistogram(h),
    });
    if (scenario.protocol === 'flow') {
      const last = samples[samples.length - 1];
      last.steps = (['login', 'items'] as const).map((step) => {
        const sh = createHistogram();
        const vs = stepValues(index, t, step);
        for (const v of vs) recordUs(sh, v);
        const failed = step === 'items' && index % 2 === 0 ? 1 : 0;
        return {
          step,
          count: vs.length,
          errors: t === 2 ? index : 0,
          ...(t === 2 ? { errorsByKind: { status: index } } : {}),
          checks: { passed: (step === 'login' ? 1 : 2) * vs.length - failed, failed },
          checkCounts: step === 'login' ? [{ passed: vs.length, failed: 0 }] : [{ passed: vs.length, failed: 0 }, { passed: vs.length - failed, failed }],
          statusCodes: { '200': vs.length },
          histogram: encodeHistogram(sh),
        };
      });
      last.iterations = { started: 5 + index + t, completed: 5 + index + t - 1, abandoned: 1 };
      const ih = createHistogram();
      recordUs(ih, 10_000 * index + t);
      last.iterationHistogram = encodeHistogram(ih);
    }
  }
  const total = samples.reduce((a, s) => a + s.throughput, 0);
  const startedAt = opts.startedAt ?? START;
  return {
    config: shardScenario(scenario, { index, count }),
    summary: {
      protocol: scenario.protocol,
      status: 'completed',
      startedAt,
      endedAt: new Date(Date.parse(startedAt) + 3000).toISOString(),
      durationSec: 3,
      latencyMeaning: 'x',
      throughput: { total, perSec: total / 3, steadyPerSec: null },
      latencyUs: summarizeHistogram(whole),
      bytes: { sent: 100 * total, received: 200 * total },
      errors: { total: opts.errors ?? 0, byKind: opts.errors ? { reset: opts.errors } : {} },
      statusCodes: { '200': total },
      connections: { opened: 2, failed: 0, peak: 2, connectUs: { ...summarizeHistogram(whole), count: 2, min: 100, max: 400, mean: 250, stdev: 150 } },
      ws: null,
      generator: { workers: 1, cpuPercent: opts.saturated ? 99 : 20, maxCpuPercent: opts.saturated ? 99 : 25, maxLoopLagMs: 3, saturated: !!opts.saturated, reasons: opts.saturated ? ['a load worker used ≥95% of a CPU core in 2 of 2 seconds'] : [] },
      notes: [`Shard ${index}/${count} started 0 ms after --start-at ${START} (on this machine's clock)`],
    },
    samples,
    histogram: encodeHistogram(whole),
    scenarioId: null,
    scenarioName: null,
    groupId: null,
    tags: [],
    notes: '',
    environment: { ...collectEnvironment(scenario, 1), shard: { index, count, startAt: START, scenario: redactConfig(scenario) } },
  };
}

