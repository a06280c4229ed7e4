// "Abort when breached": thresholds checked once per second while a run goes, on figures the
// per-second samples give honestly. The final verdict is always the end-of-run evaluation on the
// whole run's summary (evaluateThresholds); this only decides whether to stop early.
//
// What a second's sample carries: completions, errors, and that second's p50, p99, mean and max
// latency. From these, cumulative figures of the run so far are either exact or bounded:
//
// - errors (count): the sum of the seconds' errors — exact, and it only grows, so a breach of
//   "errors < N" is final.
// - errors (share): errors / (completions + errors) so far. A response with an unexpected status
//   counts as a completion and as an error, and the samples do not say how many errors were
//   statuses, so this is a lower bound of the run's share so far (exact without status errors):
//   when it breaches "errors < X%", the share so far does.
// - max: the largest second's max — exact, and it only grows.
// - mean: the seconds' means weighted by their completions — exact.
// - p50, p99: a percentile of the whole run so far is not a function of the seconds' percentiles,
//   but it lies between the smallest and the largest of them (a quantile of a mixture lies
//   between the quantiles of its parts). So "p99 < 250ms" is breached for sure when every second
//   so far had its p99 at or above 250 ms, and "p99 > X" when every second had it at or below X.
//   That is conservative: a run whose p99 is over the limit in most seconds is only stopped by
//   the end-of-run check.
// - rps: the mean steady throughput so far, once at least MIN_STEADY_SECONDS steady seconds are in.
// - p90, p95, p99.9 and connect_p99 are not in the samples: they are checked at the end only.
// - a flow step's errors (count): the sum of the step's seconds' errors — exact and only growing,
//   so "errors{step:login} < N" is checked live. A step's other figures, and the checks share
//   (which can fall and rise again), are checked at the end only.
//
// Checks start after the warm-up, as the steady figures do.
import { isSteadySecond, type RunSample } from '../../shared/runResult.ts';
import { formatCount, formatUs } from '../../shared/units.ts';
import type { Threshold, ThresholdOperator } from '../../shared/thresholds.ts';

/** Steady seconds needed before a rate threshold is checked live: one slow second is not a rate. */
export const MIN_STEADY_SECONDS = 3;

export interface LiveBreach {
  /** Index of the threshold in the list given. */
  index: number;
  expression: string;
  /** The second after which it was found breached (sample t + 1). */
  atSec: number;
  /** "p99 at or above 312 ms in every second so far (limit < 250 ms)". */
  message: string;
}

/** Which thresholds a live check can decide (the others wait for the end of the run). */
export function checkableLive(t: Threshold): boolean {
  // A stage's figures exist only once the run is over (its histogram is the stage's own).
  if (t.stage !== undefined) return false;
  if (t.step !== undefined) return t.metric === 'errors' && t.unit === 'count' && (t.operator === '<' || t.operator === '<=');
  switch (t.metric) {
    case 'errors':
    case 'max':
      return t.operator === '<' || t.operator === '<=';
    case 'mean':
    case 'p50':
    case 'p99':
    case 'rps':
      return true;
    default:
      return false;
  }
}

/** Feed it each merged second; it answers with the first breach found, then keeps answering it. */
export class LiveThresholdWatch {
  private readonly thresholds: readonly Threshold[];
  private completed = 0;
  private errors = 0;
  private latencyWeight = 0;
  private latencyWeightedSum = 0;
  private max = 0;
  private readonly lowest = { p50: Infinity, p99: Infinity };
  private readonly highest = { p50: -Infinity, p99: -Infinity };
  private latencySeconds = 0;
  private steadySeconds = 0;
  private steadyCompleted = 0;
  private breach: LiveBreach | null = null;
  private readonly stepErrors = new Map<string, number>();

  constructor(thresholds: readonly Threshold[]) {
    this.thresholds = thresholds;
  }

  /** True when at least one threshold can be checked while the run goes. */
  get active(): boolean {
    return this.thresholds.some(checkableLive);
  }

  add(sample: RunSample): LiveBreach | null {
    if (this.breach) return this.breach;
    this.completed += sample.throughput;
    this.errors += sample.errors;
    for (const step of sample.steps ?? []) this.stepErrors.set(step.step, (this.stepErrors.get(step.step) ?? 0) + step.errors);
    if (sample.latencyUs && sample.throughput > 0) {
      const l = sample.latencyUs;
      this.latencySeconds++;
      this.latencyWeight += sample.throughput;
      this.latencyWeightedSum += l.mean * sample.throughput;
      this.max = Math.max(this.max, l.max);
      for (const q of ['p50', 'p99'] as const) {
        this.lowest[q] = Math.min(this.lowest[q], l[q]);
        this.highest[q] = Math.max(this.highest[q], l[q]);
      }
    }
    if (isSteadySecond(sample)) {
      this.steadySeconds++;
      this.steadyCompleted += sample.throughput;
    }
    if (!isSteadySecond(sample)) return null;
    for (let index = 0; index < this.thresholds.length; index++) {
      const t = this.thresholds[index];
      const message = this.check(t);
      if (message) {
        this.breach = { index, expression: t.expression, atSec: sample.t + 1, message };
        return this.breach;
      }
    }
    return null;
  }

  /** A message when `t` is breached by the run so far, '' otherwise (or when it cannot tell). */
  private check(t: Threshold): string {
    const limit = `(limit ${t.operator} ${formatLimit(t)})`;
    if (t.step !== undefined) {
      if (!checkableLive(t)) return '';
      const errors = this.stepErrors.get(t.step) ?? 0;
      return violates(errors, t.operator, t.limit) ? `errors of step "${t.step}" ${formatCount(errors)} so far ${limit}` : '';
    }
    switch (t.metric) {
      case 'errors': {
        if (t.operator !== '<' && t.operator !== '<=') return '';
        if (t.unit === 'count') {
          return violates(this.errors, t.operator, t.limit) ? `errors ${formatCount(this.errors)} so far ${limit}` : '';
        }
        const attempts = this.completed + this.errors;
        if (attempts === 0) return '';
        const share = this.errors / attempts;
        return violates(share, t.operator, t.limit) ? `errors at least ${percent(share)} of requests so far ${limit}` : '';
      }
      case 'max':
        if (this.latencySeconds === 0 || (t.operator !== '<' && t.operator !== '<=')) return '';
        return violates(this.max, t.operator, t.limit) ? `max ${formatUs(this.max)} so far ${limit}` : '';
      case 'mean': {
        if (this.latencyWeight === 0) return '';
        const mean = this.latencyWeightedSum / this.latencyWeight;
        return violates(mean, t.operator, t.limit) ? `mean ${formatUs(mean)} so far ${limit}` : '';
      }
      case 'p50':
      case 'p99': {
        if (this.latencySeconds === 0) return '';
        if (t.operator === '<' || t.operator === '<=') {
          const low = this.lowest[t.metric];
          return violates(low, t.operator, t.limit) ? `${t.metric} at or above ${formatUs(low)} in every second so far ${limit}` : '';
        }
        const high = this.highest[t.metric];
        return violates(high, t.operator, t.limit) ? `${t.metric} at or below ${formatUs(high)} in every second so far ${limit}` : '';
      }
      case 'rps': {
        if (this.steadySeconds < MIN_STEADY_SECONDS) return '';
        const rate = this.steadyCompleted / this.steadySeconds;
        return violates(rate, t.operator, t.limit)
          ? `${formatCount(rate, rate < 100 ? 1 : 0)}/s over the ${this.steadySeconds} steady seconds so far ${limit}`
          : '';
      }
      default:
        return '';
    }
  }
}

/** True when `value` does not satisfy `value <op> limit` (equal within rounding counts as equal). */
function violates(value: number, op: ThresholdOperator, limit: number): boolean {
  const equal = Math.abs(value - limit) <= 1e-9 * Math.max(Math.abs(value), Math.abs(limit));
  switch (op) {
    case '<':
      return value >= limit || equal;
    case '<=':
      return value > limit && !equal;
    case '>':
      return value <= limit || equal;
    case '>=':
      return value < limit && !equal;
  }
}

function formatLimit(t: Threshold): string {
  switch (t.unit) {
    case 'us':
      return formatUs(t.limit);
    case 'share':
      return percent(t.limit);
    case 'count':
      return formatCount(t.limit);
    case 'per-second':
      return `${formatCount(t.limit, t.limit < 100 ? 1 : 0)}/s`;
  }
}

function percent(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(3))}%`;
}
