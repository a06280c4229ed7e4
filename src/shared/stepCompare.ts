// Steps of the same name compared across flow runs (`barrage compare A B` on flows, the app's
// Compare): each run is cut down to one step — its seconds carry the step's completions, errors
// and latencies (from the step's per-second histogram) — and that cut-down run goes through the
// usual comparison (compareStoredRuns: block bootstrap over steady seconds), so a step's verdict
// uses exactly the statistics of a whole run's. Steps present in one run only are named.
import { compareStoredRuns, type RunsComparison } from './comparison.ts';
import type { CompareOptions } from './stats/options.ts';
import type { StoredRun } from './history.ts';
import type { LatencySummary, RunSample } from './runResult.ts';
import { decodeHistogram, summarizeHistogram } from './result/histogramCodec.ts';

const EMPTY_LATENCY: LatencySummary = { count: 0, min: 0, mean: 0, stdev: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };

export interface StepComparison {
  step: string;
  comparison: RunsComparison;
}

export interface StepsComparison {
  /** Steps every run has, in the baseline's order, each compared like a whole run. */
  steps: StepComparison[];
  /** Steps only some runs have: the step and the runs that have it. */
  notInAll: Array<{ step: string; runs: number[] }>;
}

/** The run cut down to one of its flow steps (the run must have it: see stepNames). */
export function stepRun(run: StoredRun, step: string): StoredRun {
  const figures = run.summary.flow?.steps.find((s) => s.name === step);
  const samples: RunSample[] = run.samples.map((s) => {
    const sec = s.steps?.find((x) => x.step === step);
    const base = { ...s, steps: undefined, iterations: undefined, iterationHistogram: undefined, histogram: undefined, throughput: 0, errors: 0, latencyUs: null };
    delete base.steps;
    delete base.iterations;
    delete base.iterationHistogram;
    delete base.histogram;
    if (!sec) return base;
    let latencyUs: RunSample['latencyUs'] = null;
    if (sec.histogram && sec.count > 0) {
      const l = summarizeHistogram(decodeHistogram(sec.histogram));
      latencyUs = { p50: l.p50, p99: l.p99, max: l.max, mean: l.mean };
    }
    return { ...base, throughput: sec.count, errors: sec.errors, latencyUs, ...(sec.histogram ? { histogram: sec.histogram } : {}) };
  });
  const steady = samples.filter((s) => !s.warmup);
  return {
    ...run,
    histogram: figures?.histogram ?? '',
    samples,
    summary: {
      ...run.summary,
      throughput: {
        total: figures?.count ?? 0,
        perSec: figures?.perSec ?? 0,
        steadyPerSec: steady.length ? Math.round((steady.reduce((a, s) => a + s.throughput, 0) / steady.length) * 10) / 10 : null,
      },
      latencyUs: figures?.latencyUs ?? EMPTY_LATENCY,
      errors: { total: figures?.errors.total ?? 0, byKind: { ...(figures?.errors.byKind ?? {}) } },
      statusCodes: { ...(figures?.statusCodes ?? {}) },
      thresholds: undefined,
      stages: undefined,
      flow: undefined,
      notes: [`step "${step}" only`],
    },
  };
}

/** The step names of a flow run, in its order; [] for a run that is not a flow. */
export function stepNames(run: Pick<StoredRun, 'summary'>): string[] {
  return run.summary.flow?.steps.map((s) => s.name) ?? [];
}

/** Null unless every run is a flow; otherwise each common step compared and the others named. */
export function compareSteps(runs: readonly StoredRun[], options?: CompareOptions): StepsComparison | null {
  if (runs.length < 2 || runs.some((r) => !r.summary.flow)) return null;
  const names = runs.map(stepNames);
  const all = [...new Set(names.flat())];
  const common = names[0].filter((n) => names.every((list) => list.includes(n)));
  return {
    steps: common.map((step) => ({ step, comparison: compareStoredRuns(runs.map((r) => stepRun(r, step)), options) })),
    notInAll: all.filter((n) => !common.includes(n)).map((step) => ({ step, runs: runs.filter((_, i) => names[i].includes(step)).map((r) => r.id) })),
  };
}

/** The comparison with its flow steps: a step that got worse makes the whole outcome worse (inconclusive likewise). */
export function withSteps(comparison: RunsComparison, steps: StepsComparison): RunsComparison {
  const outcomes = [comparison.outcome, ...steps.steps.map((s) => s.comparison.outcome)];
  const outcome = outcomes.includes('worse') ? 'worse' : outcomes.includes('inconclusive') ? 'inconclusive' : 'no worse';
  return {
    ...comparison,
    steps,
    outcome,
    worse: comparison.worse || steps.steps.some((s) => s.comparison.worse),
    inconclusive: comparison.inconclusive || steps.steps.some((s) => s.comparison.inconclusive),
  };
}
