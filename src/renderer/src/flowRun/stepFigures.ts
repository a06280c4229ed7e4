// A flow run's per-step figures for the app (issue #12): the table's rows — throughput, p50 /
// p99 / p99.9, errors, checks, a ws-send step's answers out of order and unmatched — and each step's latency over time for the chart. A live run
// folds its progress samples' `steps` in as they come (each second's histograms merged once,
// exactly: an HdrHistogram merge loses nothing), so the table costs one decode per step and
// second however long the run; a finished run reads its stored summary.flow, which
// src/shared/result/flowFigures.ts builds from the same seconds.
import type uPlot from 'uplot';
import { flowStepsInOrder } from '../../../shared/result/flowFigures.ts';
import { createHistogram, decodeForMerge, summarizeHistogram, type Histogram } from '../../../shared/result/histogramCodec.ts';
import type { ErrorKind, RunSample, StepFigures } from '../../../shared/runResult.ts';
import type { FlowScenario } from '../../../shared/scenario.ts';
import type { ChartSpec } from '../charts/chartSpec.ts';
import { formatCount } from '../format.ts';

export interface StepRow {
  name: string;
  phase: StepFigures['phase'];
  type: StepFigures['type'];
  count: number;
  perSec: number;
  /** µs; null when nothing completed. */
  p50: number | null;
  p99: number | null;
  p999: number | null;
  errors: number;
  errorsByKind: Partial<Record<ErrorKind, number>>;
  checksPassed: number;
  checksFailed: number;
  /** ws-send steps matching answers: answers out of order and unmatched messages; null for other steps. */
  ws: { outOfOrder: number; unmatched: number } | null;
}

interface StepAcc {
  count: number;
  errors: number;
  byKind: Partial<Record<ErrorKind, number>>;
  passed: number;
  failed: number;
  outOfOrder: number;
  unmatched: number;
  latency: Histogram;
}

/** The live fold: the seconds folded in so far and each step's totals. */
export interface StepFold {
  seen: number;
  steps: Map<string, StepAcc>;
  /** Steps in the flow's order, with their phase and type. */
  order: Array<{ name: string; phase: StepFigures['phase']; type: StepFigures['type']; matchesAnswers: boolean }>;
}

const emptyAcc = (): StepAcc => ({ count: 0, errors: 0, byKind: {}, passed: 0, failed: 0, outOfOrder: 0, unmatched: 0, latency: createHistogram() });

export function newStepFold(scenario: FlowScenario): StepFold {
  const order = flowStepsInOrder(scenario).map(({ step, phase }) => ({ name: step.name, phase, type: step.type, matchesAnswers: step.type === 'ws-send' && step.expect !== undefined }));
  const steps = new Map(order.map((o) => [o.name, emptyAcc()]));
  return { seen: 0, steps, order };
}

/** Folds in the samples not folded yet (samples arrive in order; a restarted list starts over). */
export function foldSteps(fold: StepFold, samples: readonly RunSample[]): void {
  if (samples.length < fold.seen) {
    fold.seen = 0;
    for (const acc of fold.steps.values()) Object.assign(acc, emptyAcc());
  }
  for (let i = fold.seen; i < samples.length; i++) {
    for (const sec of samples[i].steps ?? []) {
      const acc = fold.steps.get(sec.step);
      if (acc === undefined) continue;
      acc.count += sec.count;
      acc.errors += sec.errors;
      for (const [kind, n] of Object.entries(sec.errorsByKind ?? {}) as Array<[ErrorKind, number | undefined]>) if (n) acc.byKind[kind] = (acc.byKind[kind] ?? 0) + n;
      acc.passed += sec.checks.passed;
      acc.failed += sec.checks.failed;
      acc.outOfOrder += sec.outOfOrder ?? 0;
      acc.unmatched += sec.unmatched ?? 0;
      const h = decodeForMerge(sec.histogram);
      if (h) acc.latency.add(h);
    }
  }
  fold.seen = samples.length;
}

/** The table's rows of a live run: totals so far, throughput over the seconds so far. */
export function liveStepRows(fold: StepFold): StepRow[] {
  const seconds = Math.max(1, fold.seen);
  return fold.order.map(({ name, phase, type, matchesAnswers }) => {
    const a = fold.steps.get(name)!;
    const latency = a.latency.totalCount > 0 ? summarizeHistogram(a.latency) : null;
    return {
      name,
      phase,
      type,
      count: a.count,
      perSec: Math.round((a.count / seconds) * 10) / 10,
      p50: latency?.p50 ?? null,
      p99: latency?.p99 ?? null,
      p999: latency?.p999 ?? null,
      errors: a.errors,
      errorsByKind: { ...a.byKind },
      checksPassed: a.passed,
      checksFailed: a.failed,
      ws: matchesAnswers ? { outOfOrder: a.outOfOrder, unmatched: a.unmatched } : null,
    };
  });
}

/** The table's rows of a finished run, from its summary. */
export function summaryStepRows(steps: readonly StepFigures[]): StepRow[] {
  return steps.map((s) => ({
    name: s.name,
    phase: s.phase,
    type: s.type,
    count: s.count,
    perSec: s.perSec,
    p50: s.latencyUs?.p50 ?? null,
    p99: s.latencyUs?.p99 ?? null,
    p999: s.latencyUs?.p999 ?? null,
    errors: s.errors.total,
    errorsByKind: s.errors.byKind,
    checksPassed: s.checks.reduce((a, c) => a + c.passed, 0),
    checksFailed: s.checks.reduce((a, c) => a + c.failed, 0),
    ws: s.ws ?? null,
  }));
}

/**
 * Each step's p99 per second, in ms, as uPlot data: [t+1, step 1, step 2, …] (second t drawn at
 * t+1, when it was complete, as every time chart of the app). `cache` keeps each decoded
 * second's p99 (key `t:step`), so a live chart decodes each histogram once.
 */
export function stepLatencyData(samples: readonly RunSample[], names: readonly string[], cache: Map<string, number | null>): uPlot.AlignedData {
  const x = samples.map((s) => s.t + 1);
  const series = names.map((name) =>
    samples.map((s) => {
      const key = `${s.t}:${name}`;
      let v = cache.get(key);
      if (v === undefined) {
        const sec = s.steps?.find((st) => st.step === name);
        const h = decodeForMerge(sec?.histogram);
        v = h && h.totalCount > 0 ? h.getValueAtPercentile(99) / 1000 : null;
        cache.set(key, v);
      }
      return v;
    }),
  );
  return [x, ...series];
}

const msText = (v: number) => `${formatCount(v, v < 10 ? 2 : 1)} ms`;

/** The chart's spec: one p99 line per step, in the flow's order. */
export function stepLatencySpec(names: readonly string[], warmupSec: number, xMax: number | null): ChartSpec {
  return {
    x: 'seconds',
    yLabel: 'p99 per step (ms)',
    series: names.map((name, i) => ({ label: name, format: msText, color: i })),
    warmupSec,
    xMax,
    yFromZero: true,
  };
}
