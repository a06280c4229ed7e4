// Capacity search: the highest arrival rate at which a target still meets its SLOs.
//
// The search runs the open model at a sequence of rates, each a separate run held long enough
// for its steady seconds to give a verdict. It grows the rate geometrically until an SLO fails,
// then bisects (geometrically: the precision is relative) between the last rate that passed and
// the first that failed until they are within the precision. It never reports a capacity that
// the generator, not the target, decided: a step whose generator was saturated, or that could
// not send at the asked rate while the SLOs held, ends the search with "at least R".
//
// Everything here is pure (the plan of the next rate, the verdict of a step from its result);
// src/main/services/capacitySearch.ts runs the steps, and the CLI and the app show them.
import type { ErrorKind, RunResult, RunSample, RunSummary } from './runResult.ts';
import type { FlowScenario, Protocol } from './scenario.ts';
import { flowFigures } from './result/flowFigures.ts';
import { createHistogram, mergeInto, summarizeHistogram } from './result/histogramCodec.ts';
import { SATURATED_CPU_PERCENT } from './result/generatorHealth.ts';
import { circularBlockResample } from './stats/blockBootstrap.ts';
import { chooseBlockLength } from './stats/blockLength.ts';
import { mean, medianInPlace, quantileSorted } from './stats/descriptive.ts';
import { steadySeconds } from './stats/figures.ts';
import { createRandom } from './stats/random.ts';
import { evaluateThresholds, parseThreshold, type Threshold } from './thresholds.ts';
import { formatCount, formatUs } from './units.ts';

export const CAPACITY_TAG = 'capacity';

export interface CapacitySettings {
  /** SLOs as threshold expressions ("p99 < 100ms", "errors < 1%"); at least one. */
  slos: string[];
  /** First rate tried (per second). */
  startRate: number;
  /** No rate above this is tried; reaching it with every SLO met ends the search. */
  maxRate: number;
  /** Seconds each rate is held (warm-up included). */
  stepSec: number;
  /** Relative precision of the answer: the search ends when first fail / last pass ≤ 1 + precision. */
  precision: number;
  /** Factor between rates while growing. */
  growth: number;
  /** The whole search stops after this many seconds of load (it keeps what it measured). */
  budgetSec: number;
}

export const CAPACITY_DEFAULTS = {
  startRate: 100,
  maxRate: 1_000_000,
  stepSec: 10,
  precision: 0.05,
  growth: 2,
  budgetSec: 600,
} as const;

/** Steady seconds a step needs for an interval; fewer and its verdict rests on the estimate alone. */
export const MIN_STEADY_SECONDS = 3;
/** A step whose completions stay below this share of the offered rate, with its SLOs met, did not send what was asked. */
export const SENT_SHARE = 0.9;
/** The generator limits the search when at least this share of a step's steady seconds were saturated. */
const SATURATED_SECONDS_SHARE = 0.5;
/**
 * A worker whose event loop was busy this share of a second had no time to spare: it was behind
 * its schedule. On a machine that starves the generator of CPU its CPU share stays low while
 * its loop never idles, so this catches what the CPU rule cannot.
 */
export const BUSY_LOOP_PERCENT = 95;
const CONFIDENCE = 0.95;
const RESAMPLES = 1000;

export type StepOutcome = 'passed' | 'failed' | 'generator-limited';

export interface SloVerdict {
  expression: string;
  /** The step's figure (µs, a share, a count or per second, as the threshold's unit). */
  estimate: number | null;
  /** Bootstrap interval of the figure from the step's seconds, when it has one (p50, p99, rps). */
  low: number | null;
  high: number | null;
  passed: boolean;
  /** False when the interval straddles the limit: the estimate decided. */
  certain: boolean;
  message: string;
}

export interface CapacityStep {
  /** Offered (planned) arrival rate, per second. */
  rate: number;
  runId: number | null;
  outcome: StepOutcome;
  /** Completions per second over the steady seconds (the achieved rate). */
  achievedPerSec: number;
  p50Us: number | null;
  p99Us: number | null;
  /** Errors as a share of attempts. */
  errorShare: number;
  slos: SloVerdict[];
  /** Why the step is generator-limited, or which SLOs failed, in words. */
  reason: string;
}

export type CapacityStopReason = 'converged' | 'generator-limited' | 'max-rate' | 'budget' | 'stopped' | 'no-pass' | 'failed';

export interface CapacityPlan {
  next: number | null;
  stop: CapacityStopReason | null;
}

export interface CapacityAnswer {
  /** The highest rate that met every SLO, with its step; null when none did. */
  capacity: CapacityStep | null;
  /** The lowest rate that failed an SLO (above the capacity), with the SLOs that failed. */
  firstFail: CapacityStep | null;
  /** True when the search did not bracket the knee (generator, max rate, budget, stop): the target takes at least `capacity`. */
  atLeast: boolean;
  stopReason: CapacityStopReason;
  /** One sentence: "capacity 412/s (p99 < 100 ms, errors < 1%): 412/s passed, 433/s failed p99 …". */
  sentence: string;
}

/** Validates the settings; returns a message naming the field, or null. */
export function checkSettings(s: CapacitySettings): string | null {
  if (s.slos.length === 0) return 'slo: give at least one SLO, e.g. --slo "p99<100ms"';
  for (const e of s.slos) {
    try {
      const t = parseThreshold(e);
      if (t.stage !== undefined) return `slo: "${e}" names a stage; a capacity step has none`;
      if (t.metric === 'connect_p99') return `slo: "${e}": connect_p99 does not apply to a capacity search`;
    } catch (err) {
      return `slo: ${(err as Error).message}`;
    }
  }
  if (!(s.startRate > 0)) return 'start-rate: must be greater than 0';
  if (!(s.maxRate >= s.startRate)) return 'max-rate: must be at least the start rate';
  if (!(s.stepSec >= 2)) return 'step-sec: must be at least 2 seconds (a warm-up second and a measured one)';
  if (!(s.precision > 0 && s.precision <= 1)) return 'precision: must be between 0 and 1 (0.05 = 5%)';
  if (!(s.growth > 1)) return 'growth: must be greater than 1';
  if (!(s.budgetSec > 0)) return 'budget: must be greater than 0';
  return null;
}

/**
 * The next rate to try after `steps` (in the order they ran), or why to stop. A generator-limited
 * step stops the search at once: any rate above it would measure the generator too.
 */
export function planNext(steps: readonly CapacityStep[], s: CapacitySettings): CapacityPlan {
  if (steps.length === 0) return { next: s.startRate, stop: null };
  if (steps[steps.length - 1].outcome === 'generator-limited') return { next: null, stop: 'generator-limited' };
  const passes = steps.filter((x) => x.outcome === 'passed').map((x) => x.rate);
  const lo = passes.length > 0 ? Math.max(...passes) : null;
  const fails = steps.filter((x) => x.outcome === 'failed' && (lo === null || x.rate > lo)).map((x) => x.rate);
  const hi = fails.length > 0 ? Math.min(...fails) : null;
  if (hi === null) {
    // Still growing.
    if (lo! >= s.maxRate) return { next: null, stop: 'max-rate' };
    return { next: Math.min(lo! * s.growth, s.maxRate), stop: null };
  }
  if (lo === null) {
    // Even the start failed: shrink until a rate passes.
    const next = hi / s.growth;
    if (next < Math.max(0.1, s.startRate / 1000)) return { next: null, stop: 'no-pass' };
    return { next, stop: null };
  }
  if (hi / lo <= 1 + s.precision) return { next: null, stop: 'converged' };
  return { next: roundRate(Math.sqrt(lo * hi)), stop: null };
}

/** Rates people can read: three significant digits. */
export function roundRate(r: number): number {
  if (r <= 0) return r;
  const digits = Math.max(0, 2 - Math.floor(Math.log10(r)));
  const f = 10 ** digits;
  return Math.round(r * f) / f;
}

/** The verdict of one step from its run: generator-limited, or every SLO with its interval. */
export function judgeStep(rate: number, result: RunResult, slos: readonly string[], runId: number | null): CapacityStep {
  const steady = steadySeconds(result);
  const seconds = steady.length > 0 ? steady : result.samples;
  // The echoes that came while a WebSocket step drained after its end are the run's drain
  // period (RunSample.drain), outside the steady seconds: they do not inflate the last second.
  const achievedPerSec = seconds.length > 0 ? round1(mean(seconds.map((x) => x.throughput))) : 0;
  const summary = result.summary;
  // Every SLO is judged on the steady seconds, as p50, p99 and rps always were: a target that
  // fails while the step's rate ramps up (connections opening, caches filling) is not judged
  // by its warm-up (docs/CAPACITY.md, "Verdict per step").
  const steadySummary = summaryOfSeconds(result, seconds);
  const attempts = steadySummary.throughput.total + steadySummary.errors.total - answeredErrors(steadySummary);
  const errorShare = attempts > 0 ? steadySummary.errors.total / attempts : 0;
  const p50s = latencies(seconds, 'p50');
  const p99s = latencies(seconds, 'p99');
  const verdicts = slos.map((e) => judgeSlo(parseThreshold(e), steadySummary, seconds));
  const base = {
    rate,
    runId,
    achievedPerSec,
    p50Us: p50s.length > 0 ? Math.round(medianInPlace(Float64Array.from(p50s))) : null,
    p99Us: p99s.length > 0 ? Math.round(mean(p99s)) : null,
    errorShare,
    slos: verdicts,
  };
  const generator = generatorLimit(rate, seconds, achievedPerSec, verdicts);
  if (summary.status === 'failed') return { ...base, outcome: 'generator-limited', reason: `the run failed: ${summary.failure ?? 'unknown reason'}` };
  if (generator) return { ...base, outcome: 'generator-limited', reason: generator };
  const failed = verdicts.filter((v) => !v.passed);
  if (failed.length > 0) return { ...base, outcome: 'failed', reason: failed.map((v) => v.message).join('; ') };
  return { ...base, outcome: 'passed', reason: 'every SLO met' };
}

/** Why the generator, not the target, limited this step; '' when it did not. */
function generatorLimit(rate: number, seconds: readonly RunSample[], achieved: number, verdicts: SloVerdict[]): string {
  // CPU or a loop that never idled — not the event-loop delay alone: on a shared machine the OS
  // delays a thread that has work to spare too, and that is noise in the target's figures, not
  // a generator that cannot keep up.
  const hot = seconds.filter((x) => x.cpuPercent >= SATURATED_CPU_PERCENT || (x.loopBusyPercent ?? 0) >= BUSY_LOOP_PERCENT).length;
  if (seconds.length > 0 && hot >= Math.ceil(seconds.length * SATURATED_SECONDS_SHARE)) {
    return `the generator was saturated in ${hot} of ${seconds.length} steady seconds (a load worker's CPU or event loop was busy ≥ 95% of the time)`;
  }
  // A target that cannot keep up makes latency (measured from the scheduled times) grow and an
  // SLO fail. Completions well below the offered rate with every SLO met mean the requests were
  // never sent: the generator could not keep the schedule.
  if (verdicts.every((v) => v.passed) && achieved < rate * SENT_SHARE) {
    return `the generator sent only ${formatCount(achieved, 1)}/s of the ${formatCount(rate, 1)}/s asked while every SLO held`;
  }
  return '';
}

/** Errors that came with an answer (counted in throughput too): an unexpected status; a flow's failed checks and extractions. */
function answeredErrors(summary: RunSummary): number {
  const k = summary.errors.byKind;
  return (k.status ?? 0) + (summary.protocol === 'flow' ? (k.check ?? 0) + (k.extraction ?? 0) : 0);
}

/**
 * The step's summary restricted to `seconds` (its steady seconds): completions and errors by kind
 * summed over them, latency from their merged histograms, a flow's per-step figures from their
 * step seconds — what the whole-step SLOs (errors, p90, p95, p99.9, mean, max, a step's figures,
 * checks) are judged on. A figure the seconds cannot give keeps the whole step's value: errors
 * when a second with errors does not say their kinds (the answered ones could not be told
 * apart), latency when a second with completions has no histogram. `dropped` (sends that never
 * went out) is the whole step's: the backlog of the warm-up is still unsent in the steady
 * seconds, and what never went out is only known at the end.
 */
export function summaryOfSeconds(result: RunResult, seconds: readonly RunSample[]): RunSummary {
  const whole = result.summary;
  const out: RunSummary = { ...whole, throughput: { ...whole.throughput, total: seconds.reduce((a, s) => a + s.throughput, 0) } };
  if (seconds.every((s) => s.errors === 0 || s.errorsByKind !== undefined)) {
    const byKind: Partial<Record<ErrorKind, number>> = {};
    let total = 0;
    for (const s of seconds) {
      total += s.errors;
      for (const [kind, n] of Object.entries(s.errorsByKind ?? {}) as Array<[ErrorKind, number | undefined]>) if (n) byKind[kind] = (byKind[kind] ?? 0) + n;
    }
    out.errors = { total, byKind };
  } else {
    // Kinds unknown: the whole step's errors and completions (its share) stand for the seconds'.
    out.throughput = whole.throughput;
  }
  if (seconds.every((s) => s.throughput === 0 || s.histogram !== undefined)) {
    const h = createHistogram();
    for (const s of seconds) if (s.histogram) mergeInto(h, s.histogram);
    out.latencyUs = summarizeHistogram(h);
  }
  if (whole.flow && result.config.protocol === 'flow') {
    const flow = flowFigures({ scenario: result.config as FlowScenario, samples: seconds, durationSec: seconds.length });
    out.flow = { ...flow, ...(whole.flow.data ? { data: whole.flow.data } : {}) };
  }
  return out;
}

function judgeSlo(t: Threshold, summary: RunSummary, seconds: readonly RunSample[]): SloVerdict {
  const interval = t.metric === 'p50' || t.metric === 'p99' || t.metric === 'rps' ? secondsInterval(t.metric, seconds) : null;
  if (interval) {
    const passed = satisfies(interval.estimate, t);
    const lowOk = satisfies(interval.low, t);
    const highOk = satisfies(interval.high, t);
    const certain = lowOk === highOk;
    const shown = t.unit === 'us' ? (v: number) => formatUs(Math.round(v)) : (v: number) => `${formatCount(v, 1)}/s`;
    return {
      expression: t.expression,
      estimate: interval.estimate,
      low: interval.low,
      high: interval.high,
      passed,
      certain,
      message: `${t.metric} ${shown(interval.estimate)} (95% CI ${shown(interval.low)}–${shown(interval.high)}, limit ${t.operator} ${shown(t.limit)})${certain ? '' : ', close to the limit'}`,
    };
  }
  // The other figures (errors, p90, p95, p99.9, mean, max, a flow step's): the thresholds' own
  // evaluation, on the steady seconds' summary.
  const [r] = evaluateThresholds([t], summary);
  return { expression: t.expression, estimate: r.actual, low: null, high: null, passed: r.passed, certain: true, message: r.message.replace(/: (passed|failed)$/, '') };
}

/**
 * The step's figure from its per-second values, as Compare defines it (median of per-second p50,
 * mean of per-second p99, mean throughput), with a circular-block bootstrap percentile interval.
 * Null with fewer than MIN_STEADY_SECONDS seconds.
 */
export function secondsInterval(metric: 'p50' | 'p99' | 'rps', seconds: readonly RunSample[]): { estimate: number; low: number; high: number } | null {
  const values = metric === 'rps' ? seconds.map((s) => s.throughput) : latencies(seconds, metric);
  if (values.length < MIN_STEADY_SECONDS) return null;
  const statistic = metric === 'p50' ? medianInPlace : mean;
  const estimate = statistic(Float64Array.from(values));
  const random = createRandom();
  const scratch = new Float64Array(values.length);
  const stats = new Float64Array(RESAMPLES);
  const block = chooseBlockLength(values);
  for (let i = 0; i < RESAMPLES; i++) {
    circularBlockResample(values, block, random, scratch);
    stats[i] = statistic(scratch);
  }
  stats.sort();
  const tail = (1 - CONFIDENCE) / 2;
  return { estimate, low: quantileSorted(stats, tail), high: quantileSorted(stats, 1 - tail) };
}

/** The answer so far, from the steps and why the search stopped. */
export function answer(steps: readonly CapacityStep[], stopReason: CapacityStopReason, s: CapacitySettings): CapacityAnswer {
  const passes = steps.filter((x) => x.outcome === 'passed');
  const capacity = passes.length > 0 ? passes.reduce((a, b) => (b.rate > a.rate ? b : a)) : null;
  const fails = steps.filter((x) => x.outcome === 'failed' && (capacity === null || x.rate > capacity.rate));
  const firstFail = fails.length > 0 ? fails.reduce((a, b) => (b.rate < a.rate ? b : a)) : null;
  const atLeast = stopReason !== 'converged' && stopReason !== 'no-pass';
  const slos = s.slos.join(', ');
  const rate = (r: number) => `${formatCount(r, r < 100 ? 1 : 0)}/s`;
  let sentence: string;
  const limited = steps.find((x) => x.outcome === 'generator-limited');
  switch (stopReason) {
    case 'converged':
      sentence = `capacity ${rate(capacity!.rate)} at ${slos}: ${rate(capacity!.rate)} met every SLO, ${rate(firstFail!.rate)} failed (${firstFail!.reason})`;
      break;
    case 'no-pass':
      sentence = `no capacity: even ${rate(firstFail?.rate ?? s.startRate)} failed (${firstFail?.reason ?? 'no step passed'})`;
      break;
    case 'generator-limited':
      sentence = `generator-limited: ${capacity ? `the target takes at least ${rate(capacity.rate)} at ${slos}` : 'no rate could be measured'}; at ${rate(limited?.rate ?? 0)} ${limited?.reason ?? 'the generator was the limit'} — not a capacity of the target`;
      break;
    case 'max-rate':
      sentence = `at least ${rate(capacity?.rate ?? s.maxRate)}: every SLO held up to the maximum rate asked (${rate(s.maxRate)})`;
      break;
    case 'budget':
      sentence = `time budget used up: ${capacity ? `at least ${rate(capacity.rate)}` : 'no rate passed yet'}${firstFail ? `, ${rate(firstFail.rate)} failed` : ''}`;
      break;
    case 'stopped':
      sentence = `stopped: ${capacity ? `at least ${rate(capacity.rate)}` : 'no rate passed yet'}${firstFail ? `, ${rate(firstFail.rate)} failed` : ''}`;
      break;
    case 'failed':
      sentence = `the search failed${capacity ? ` after ${rate(capacity.rate)} passed` : ''}`;
      break;
  }
  return { capacity, firstFail, atLeast, stopReason, sentence };
}

function satisfies(actual: number, t: Threshold): boolean {
  switch (t.operator) {
    case '<':
      return actual < t.limit;
    case '<=':
      return actual <= t.limit;
    case '>':
      return actual > t.limit;
    case '>=':
      return actual >= t.limit;
  }
}

function latencies(seconds: readonly RunSample[], key: 'p50' | 'p99'): number[] {
  const out: number[] = [];
  for (const s of seconds) if (s.latencyUs) out.push(s.latencyUs[key]);
  return out;
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

/** A capacity search as the CLI, the app and its events see it. */
export interface CapacityStatus {
  groupId: string;
  state: 'running' | 'completed' | 'stopped' | 'failed';
  /** What is searched: the scenario's name and URL. */
  target: { name: string | null; url: string; protocol: Protocol };
  settings: CapacitySettings;
  steps: CapacityStep[];
  /** The step running now. */
  current: { rate: number; runId: number | null; elapsedSec: number; plannedSec: number; throughput: number; p99Us: number | null } | null;
  /** Seconds of load so far (the budget counts these). */
  loadSec: number;
  answer: CapacityAnswer | null;
  startedAt: string;
  endedAt: string | null;
  error: string | null;
}
