// The figures a comparison reports, and how each is estimated from a run's per-second samples.
//
// Why seconds, not requests: the latencies of individual requests are not independent samples —
// requests in flight together share the same queue, the same GC pause and the same noisy
// neighbour, so 600,000 requests do not carry 600,000 pieces of evidence (treating them as if they
// did is why autocannon-compare's t-test declares almost any difference significant). A second
// aggregates everything that happened in it; seconds are still correlated with their neighbours,
// which the block bootstrap accounts for (see blockLength.ts). The same estimators give each
// run's figure when whole runs are the units (groups of repeated runs).
import { isSteadySecond, type RunResult, type RunSample } from '../runResult.ts';
import { mean, medianInPlace } from './descriptive.ts';
import type { Statistic } from './blockBootstrap.ts';
import { throughputUnitOf } from '../updateMode.ts';

export type FigureId = 'throughput' | 'p50' | 'p99';

export interface FigureDefinition {
  id: FigureId;
  /** As shown: "throughput", "p99 latency". */
  name: string;
  higherIsBetter: boolean;
  /** Which noise threshold applies. */
  noise: 'throughput' | 'latency';
  /** The per-second values the figure is estimated from (steady seconds only). */
  series(seconds: readonly RunSample[]): number[];
  /** The estimator over those values; may reorder its argument. */
  statistic: Statistic;
  /** The estimator in words, for the comparison's `method`. */
  estimator: string;
  /**
   * Tail figures only: the percentile taken from the merged per-second histograms when a run
   * has them (groups of runs, stats/pooledTail.ts); `series`/`statistic` are the fallback for
   * runs stored without them.
   */
  pooledPercentile?: number;
}

export const FIGURES: readonly FigureDefinition[] = [
  {
    id: 'throughput',
    name: 'throughput',
    higherIsBetter: true,
    noise: 'throughput',
    // Seconds in which nothing completed count, as 0: a stalled second is part of the throughput.
    series: (seconds) => seconds.map((s) => s.throughput),
    // The mean of per-second counts is the run's steady rate (total completions / steady time),
    // the same figure as RunSummary.throughput.steadyPerSec.
    statistic: mean,
    estimator: 'mean of per-second throughput',
  },
  {
    id: 'p50',
    name: 'p50 latency',
    higherIsBetter: false,
    noise: 'latency',
    series: (seconds) => latencies(seconds, 'p50'),
    // The median of the per-second medians: the typical second's typical request. For a centre
    // figure a robust estimator is right — one second disturbed by a GC pause should not move
    // the median of a minute — and with similar seconds it is close to the whole run's p50.
    statistic: medianInPlace,
    estimator: 'median of per-second p50',
  },
  {
    id: 'p99',
    name: 'p99 latency',
    higherIsBetter: false,
    noise: 'latency',
    series: (seconds) => latencies(seconds, 'p99'),
    // The mean of the per-second p99s, each second weighted equally. Not the median: p99 exists
    // to expose the tail, and a median of seconds would ignore the bad seconds (up to half of
    // them) that the tail is made of. Not weighted by each second's request count: in a closed
    // model a stalled second completes few requests precisely because they were slow, so count
    // weights would discount the worst seconds. The whole-run p99 of the run's histogram cannot
    // be resampled by seconds; this figure can, and it answers the question a comparison asks:
    // are B's seconds worse in the tail than A's?
    // Groups of runs that kept per-second histograms use `pooledPercentile` instead: the p99 of
    // the run's steady seconds merged (stats/pooledTail.ts). A second's own p99 rests on that
    // second's requests only — at ~100 a second it is their slowest or second slowest, so it
    // rises when a run merely completes fewer requests — while the merged seconds' p99 rests on
    // all of them; the bootstrap over seconds still keeps the seconds, not requests, as the units.
    statistic: mean,
    estimator: 'mean of per-second p99',
    pooledPercentile: 99,
  },
];

export function figureById(id: FigureId): FigureDefinition {
  const found = FIGURES.find((f) => f.id === id);
  if (!found) throw new RangeError(`unknown figure "${id}"`);
  return found;
}

/**
 * The run's steady seconds, in time order: warm-up seconds are left out, and so is a last second
 * the run covered for less than 90% of (a run bounded by an amount, or stopped early, ends
 * mid-second; that second's throughput would read as a drop).
 */
export function steadySeconds(run: RunResult): RunSample[] {
  const steady = run.samples.filter(isSteadySecond).sort((x, y) => x.t - y.t);
  const last = steady.at(-1);
  if (last && run.summary.durationSec - last.t < 0.9) steady.pop();
  return steady;
}

/** One run's figure from its steady seconds, or null with fewer than `minSeconds` usable seconds. */
export function runFigure(run: RunResult, figure: FigureDefinition, minSeconds: number): number | null {
  const values = figure.series(steadySeconds(run));
  if (values.length < Math.max(1, minSeconds)) return null;
  const value = figure.statistic(Float64Array.from(values));
  return Number.isFinite(value) ? value : null;
}

/** The runs' throughput unit ("req/s", "msg/s", "events/s", "steps/s") when they share one; "µs" for latencies (the result model's unit). */
export function figureUnit(figure: FigureDefinition, runs: readonly RunResult[]): string {
  if (figure.noise === 'latency') return 'µs';
  const units = new Set(runs.map((r) => throughputUnitOf(r.config)));
  return units.size === 1 ? [...units][0] : '/s';
}

// Seconds without completions have no latency: they are left out of the latency series.
function latencies(seconds: readonly RunSample[], which: 'p50' | 'p99'): number[] {
  const out: number[] = [];
  for (const s of seconds) if (s.latencyUs) out.push(s.latencyUs[which]);
  return out;
}
