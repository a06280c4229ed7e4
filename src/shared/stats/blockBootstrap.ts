// Circular block bootstrap (Politis & Romano 1992) of the relative change between two runs.
//
// Each resample of a run is built from blocks of consecutive seconds with uniformly random
// starting points, wrapping around the end of the run. Wrapping (rather than the moving block
// bootstrap's blocks that must fit inside the run) gives every second the same chance to be
// drawn, so the first and last seconds are not under-represented. The two runs are resampled
// independently — they are separate measurements — and the statistic's ratio is recomputed for
// every pair of resamples; the interval is the percentile interval of those ratios. Percentile
// intervals need no variance formula for medians or ratios, and they respect monotone
// transformations: the interval of the log-ratio is the log of the ratio's interval, so a
// relative change gets the same answer whichever scale it is thought about on.
import { quantileSorted, type Numbers } from './descriptive.ts';
import { randomInt, type Random } from './random.ts';

/** A statistic of one resample; it may reorder its argument (a scratch buffer). */
export type Statistic = (values: Float64Array) => number;

export interface BootstrapOptions {
  /** Number of resamples. */
  resamples: number;
  /** Two-sided coverage, e.g. 0.95. */
  confidence: number;
  random: Random;
  /** Block lengths (seconds) for the baseline and the candidate; 1 = the ordinary bootstrap. */
  blockLengthA: number;
  blockLengthB: number;
}

export interface RelativeChangeInterval {
  /** Relative change of the statistic on the data as measured. */
  estimate: number;
  low: number;
  high: number;
  /** Median of the resampled changes: the interval's centre for `expandInterval`. */
  center: number;
  /** Resamples whose ratio was defined (a resampled baseline of 0 has none). */
  validResamples: number;
}

/** Fills `out` with one circular-block resample of `values`. */
export function circularBlockResample(values: Numbers, blockLength: number, random: Random, out: Float64Array): void {
  const n = values.length;
  const l = Math.max(1, Math.min(n, Math.round(blockLength)));
  let i = 0;
  while (i < n) {
    let j = randomInt(random, n);
    for (let k = 0; k < l && i < n; k++) {
      out[i++] = values[j];
      j = j + 1 === n ? 0 : j + 1;
    }
  }
}

/**
 * Percentile interval of statistic(B*) / statistic(A*) − 1 over `resamples` independent block
 * resamples A* of `a` and B* of `b`. Deterministic for a given `random` state.
 */
export function blockBootstrapRelativeChange(
  a: Numbers,
  b: Numbers,
  statistic: Statistic,
  options: BootstrapOptions,
): RelativeChangeInterval {
  const scratchA = new Float64Array(a.length);
  const scratchB = new Float64Array(b.length);
  const estimate = statistic(Float64Array.from(b)) / statistic(Float64Array.from(a)) - 1;
  const changes = new Float64Array(options.resamples);
  let valid = 0;
  for (let r = 0; r < options.resamples; r++) {
    circularBlockResample(a, options.blockLengthA, options.random, scratchA);
    circularBlockResample(b, options.blockLengthB, options.random, scratchB);
    const base = statistic(scratchA);
    const cand = statistic(scratchB);
    const change = cand / base - 1;
    if (base > 0 && Number.isFinite(change)) changes[valid++] = change;
  }
  const sorted = changes.subarray(0, valid).sort();
  const tail = (1 - options.confidence) / 2;
  return {
    estimate,
    low: quantileSorted(sorted, tail),
    high: quantileSorted(sorted, 1 - tail),
    center: quantileSorted(sorted, 0.5),
    validResamples: valid,
  };
}
