// A run's tail percentile (p99) from the merged histograms of its steady seconds, and the
// within-run variance of that figure from a circular block bootstrap over those seconds.
//
// Why merged histograms: the run's p99 is a statement about all of its steady requests, and the
// tail's sample size is the number of requests beyond it. A mean of per-second p99s estimates
// each second's p99 from that second's requests alone — at 200 requests a second, a second's p99
// is its second or third slowest request, noisy and biased — and then averages those noisy
// figures. Merging the seconds' histograms first (HdrHistograms add exactly, bucket by bucket)
// gives the p99 of every steady request, the same definition as the run summary's p99 but
// without the warm-up, with the tail's full count behind it.
//
// Why still bootstrap over seconds, not requests: requests of one second share its queue, its GC
// pause, its noisy neighbour, so they are not independent; seconds in blocks are the units (see
// figures.ts and blockLength.ts). Each bootstrap resample draws blocks of consecutive seconds
// (Politis & Romano's circular block bootstrap), merges their histograms with the multiplicity
// each second was drawn, and takes the merged p99: the spread of those p99s is how well the run
// knows its p99. The two levels together — resampling seconds within a run here, and the spread
// between runs in twoLevel.ts — are the two-stage ("cluster") bootstrap of hierarchical data
// (Davison & Hinkley 1997, §3.8; Field & Welsh 2007), with the between-run stage replaced by
// the random-effects estimate of twoLevel.ts.
//
// Pure: it takes each second's histogram as its non-empty buckets (decoded elsewhere).
import { circularBlockResample } from './blockBootstrap.ts';
import { chooseBlockLength } from './blockLength.ts';
import type { Random } from './random.ts';
import type { RunEvidence } from './twoLevel.ts';

/** One second's latencies: the non-empty buckets of its histogram, ascending. */
export interface SecondHistogram {
  /**
   * Each bucket's value as HdrHistogram reports a percentile falling in it (the bucket's highest
   * equivalent value), strictly ascending.
   */
  values: ArrayLike<number>;
  /** The number of latencies in each bucket (> 0). */
  counts: ArrayLike<number>;
}

/**
 * The percentile of merged seconds, each taken a given number of times: HdrHistogram's rule (the
 * smallest bucket whose cumulative count reaches ceil(q · N), at least 1), so with every second
 * taken once it equals getValueAtPercentile of the merged histogram.
 *
 * Only the tail is kept: the merged percentile is never below the smallest of the seconds' own
 * percentiles (below that value each second has fewer than q of its latencies, so the merge has
 * fewer than q of N), so buckets under it are summed into one count per second. Resamples then
 * cost a few tail buckets per second, not thousands.
 */
export class PooledPercentile {
  private readonly q: number;
  /** Distinct tail values over all seconds, ascending. */
  private readonly tailValues: Float64Array;
  /** Per second: latencies below the tail, all latencies, and its tail buckets as (index into tailValues, count). */
  private readonly below: Float64Array;
  private readonly totals: Float64Array;
  private readonly tailIndex: Int32Array[];
  private readonly tailCount: Float64Array[];
  private readonly acc: Float64Array;
  readonly seconds: number;

  constructor(seconds: readonly SecondHistogram[], percentile: number) {
    if (!(percentile > 0 && percentile <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${percentile}`);
    this.q = percentile / 100;
    this.seconds = seconds.length;
    let floor = Number.POSITIVE_INFINITY;
    for (const s of seconds) {
      const own = percentileOf(s.values, s.counts, this.q, 1);
      if (own !== null && own < floor) floor = own;
    }
    const distinct = new Set<number>();
    for (const s of seconds) for (let k = 0; k < s.values.length; k++) if (s.values[k] >= floor) distinct.add(s.values[k]);
    this.tailValues = Float64Array.from([...distinct].sort((x, y) => x - y));
    const position = new Map<number, number>();
    this.tailValues.forEach((v, i) => position.set(v, i));
    this.below = new Float64Array(seconds.length);
    this.totals = new Float64Array(seconds.length);
    this.tailIndex = [];
    this.tailCount = [];
    seconds.forEach((s, i) => {
      const idx: number[] = [];
      const cnt: number[] = [];
      for (let k = 0; k < s.values.length; k++) {
        const c = s.counts[k];
        this.totals[i] += c;
        if (s.values[k] >= floor) {
          idx.push(position.get(s.values[k])!);
          cnt.push(c);
        } else this.below[i] += c;
      }
      this.tailIndex.push(Int32Array.from(idx));
      this.tailCount.push(Float64Array.from(cnt));
    });
    this.acc = new Float64Array(this.tailValues.length);
  }

  /** Latencies in all seconds together. */
  get count(): number {
    let n = 0;
    for (const t of this.totals) n += t;
    return n;
  }

  /** The percentile with second i taken `times[i]` times; null when those seconds hold no latency. */
  of(times: ArrayLike<number>): number | null {
    let total = 0;
    let cumulative = 0;
    this.acc.fill(0);
    for (let i = 0; i < this.seconds; i++) {
      const m = times[i];
      if (m === 0) continue;
      total += m * this.totals[i];
      cumulative += m * this.below[i];
      const idx = this.tailIndex[i];
      const cnt = this.tailCount[i];
      for (let k = 0; k < idx.length; k++) this.acc[idx[k]] += m * cnt[k];
    }
    if (total === 0) return null;
    const rank = countAtPercentile(this.q, total);
    for (let k = 0; k < this.acc.length; k++) {
      cumulative += this.acc[k];
      if (cumulative >= rank) return this.tailValues[k];
    }
    return this.tailValues.length > 0 ? this.tailValues[this.tailValues.length - 1] : null;
  }

  /** Every second once: the percentile of the merged histogram. */
  merged(): number | null {
    return this.of(new Float64Array(this.seconds).fill(1));
  }
}

/**
 * One run's tail figure and its within-run variance on the log scale, from its steady seconds'
 * histograms: the merged percentile, and `resamples` circular block resamples of the seconds
 * (block length chosen on `blockSeries`, the seconds' own percentiles in time order, as for the
 * per-second estimators), scaled by k/(k − 1) for the k independent blocks the run holds, as in
 * withinRunEvidence (twoLevel.ts). Null with fewer than 2 seconds or no latency at all.
 */
export function pooledPercentileEvidence(
  seconds: readonly SecondHistogram[],
  blockSeries: readonly number[],
  percentile: number,
  random: Random,
  resamples = 200,
): RunEvidence | null {
  if (seconds.length < 2 || blockSeries.length !== seconds.length) return null;
  const pooled = new PooledPercentile(seconds, percentile);
  const value = pooled.merged();
  if (value === null || !(value > 0)) return null;
  const n = seconds.length;
  const blockLength = chooseBlockLength(blockSeries);
  const blocks = Math.max(1.5, n / blockLength);
  const order = Float64Array.from({ length: n }, (_, i) => i);
  const drawn = new Float64Array(n);
  const times = new Float64Array(n);
  const logs: number[] = [];
  for (let r = 0; r < resamples; r++) {
    circularBlockResample(order, blockLength, random, drawn);
    times.fill(0);
    for (const i of drawn) times[i]++;
    const v = pooled.of(times);
    if (v !== null && v > 0) logs.push(Math.log(v));
  }
  if (logs.length < resamples / 2) return null;
  let m = 0;
  for (const x of logs) m += x;
  m /= logs.length;
  let s = 0;
  for (const x of logs) s += (x - m) ** 2;
  const variance = s / (logs.length - 1);
  return { value, withinVar: variance * (blocks / (blocks - 1)), withinDf: Math.max(1, blocks - 1) };
}

/** HdrHistogram's rank of a percentile: ceil(q · N) (guarded against a last-ulp excess), at least 1. */
function countAtPercentile(q: number, total: number): number {
  const fp = q * total;
  return Math.max(1, Math.ceil(fp - fp * 1e-12));
}

function percentileOf(values: ArrayLike<number>, counts: ArrayLike<number>, q: number, times: number): number | null {
  let total = 0;
  for (let k = 0; k < counts.length; k++) total += counts[k] * times;
  if (total === 0) return null;
  const rank = countAtPercentile(q, total);
  let cumulative = 0;
  for (let k = 0; k < values.length; k++) {
    cumulative += counts[k] * times;
    if (cumulative >= rank) return values[k];
  }
  return values[values.length - 1];
}
