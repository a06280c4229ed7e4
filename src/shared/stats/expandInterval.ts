// Widening of the block-bootstrap percentile interval for short runs.
//
// A percentile interval from a bootstrap is too narrow when the evidence is thin, and a 60-second
// run cut into blocks of 4–8 seconds holds only 8–15 independent pieces of evidence. Two effects
// add up: the resamples' spread is computed around the run's own mean (the block-level version of
// dividing by n instead of n − 1), and it treats an estimated spread as if it were known (a
// normal quantile where Student's t with few degrees of freedom belongs). Hesterberg's "expanded
// percentile interval" (2015, "What teachers should know about the bootstrap") corrects both,
// in effect widening the interval by √(k/(k−1)) · t(k−1) / z; we apply that factor with k = the
// number of blocks, the bootstrap's count of independent units, rather than the number of seconds.
//
// Measured on AR(1) noise (coefficient 0.5, the kind of second-to-second correlation GC pauses
// and noisy neighbours produce) with 60 s runs, the nominal 95% interval of the ratio of means
// covered the truth in 83% of 400 seeds without this correction and in 90% with it; for
// uncorrelated seconds 92.5% → 95%; for 300 s runs the factor is close to 1 and changes little.
//
// The widening is applied on the log-ratio scale, around the median of the resampled changes,
// so the interval keeps its asymmetry and a ratio never crosses −100%.
import { normalQuantile, studentTQuantile } from './distributions.ts';

export interface Interval {
  low: number;
  high: number;
}

/** The factor √(k/(k−1)) · t(k−1) / z for `blocks` independent blocks (≥ 1). */
export function expansionFactor(blocks: number, confidence: number): number {
  const k = Math.max(1.5, blocks);
  const p = 1 - (1 - confidence) / 2;
  return (Math.sqrt(k / (k - 1)) * studentTQuantile(p, k - 1)) / normalQuantile(p);
}

/** Widens [low, high] (relative changes) by `factor` on the log-ratio scale around `center`. */
export function expandInterval(interval: Interval & { center: number }, factor: number): Interval {
  // A candidate at 0 (a change of −100%) has no log-ratio: nothing to widen.
  if (!(interval.low > -1 && interval.center > -1)) return { low: interval.low, high: interval.high };
  const c = Math.log1p(interval.center);
  const lo = Math.log1p(interval.low);
  const hi = Math.log1p(interval.high);
  return {
    low: Math.expm1(c - factor * Math.max(0, c - lo)),
    high: Math.expm1(c + factor * Math.max(0, hi - c)),
  };
}
