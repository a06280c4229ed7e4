// How long the bootstrap's blocks of consecutive seconds are.
//
// Why blocks at all: neighbouring seconds of a load test are not independent. A GC pause, a
// noisy neighbour on the host or a cache warming up lasts several seconds, so a slow second is
// usually followed by another slow one. Resampling single seconds would treat 60 correlated
// seconds as 60 independent pieces of evidence and give intervals that are too narrow — the same
// mistake as a t-test over individual requests, one level up. Resampling blocks of consecutive
// seconds keeps the short-range dependence inside each block.
//
// Which length: the block must be long compared with how long the correlation lasts, and short
// compared with the run. The textbook rate is n^(1/3) (Hall, Horowitz & Jing 1995), which ignores
// how correlated the data actually are; Politis & White (2004, corrected by Patton, Politis &
// White 2009) estimate the MSE-optimal length for the circular block bootstrap from the data's
// own autocorrelations. We take the larger of the two: a block that is too short makes
// intervals too narrow (false verdicts, the costly error for a tool whose job is to say when a
// difference is real), while a block that is somewhat too long only widens them a little.

/** n^(1/3), at least 1: the floor under the data-driven estimate. */
export function ruleOfThumbBlockLength(n: number): number {
  return Math.max(1, Math.round(Math.cbrt(n)));
}

/** Longest block used, as in Politis & White: min(3√n, n/3), at least 1. */
export function maxBlockLength(n: number): number {
  return Math.max(1, Math.ceil(Math.min(3 * Math.sqrt(n), n / 3)));
}

/**
 * Politis & White's estimate of the optimal circular-block-bootstrap block length for the mean
 * of `series` (not rounded, not floored; may be below 1 for uncorrelated data).
 */
export function politisWhiteBlockLength(series: ArrayLike<number>): number {
  const n = series.length;
  if (n < 4) return 1;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += series[i];
  const m = sum / n;
  const eps = new Float64Array(n);
  for (let i = 0; i < n; i++) eps[i] = series[i] - m;

  // Autocovariances up to the largest lag the procedure can look at.
  const kn = Math.max(5, Math.ceil(Math.sqrt(Math.log10(n))));
  const mMax = Math.min(n - 1, Math.ceil(Math.sqrt(n)) + kn);
  const acv = new Float64Array(mMax + 1);
  for (let k = 0; k <= mMax; k++) {
    let s = 0;
    for (let t = 0; t + k < n; t++) s += eps[t] * eps[t + k];
    acv[k] = s / n;
  }
  if (!(acv[0] > 0)) return 1; // constant series: no dependence to preserve

  // Smallest lag after which kn consecutive autocorrelations are insignificant.
  const critical = 2 * Math.sqrt(Math.log10(n) / n);
  let mHat = -1;
  for (let lag = 0; lag + kn <= mMax && mHat < 0; lag++) {
    let quiet = true;
    for (let k = 1; k <= kn; k++) {
      if (Math.abs(acv[lag + k] / acv[0]) >= critical) {
        quiet = false;
        break;
      }
    }
    if (quiet) mHat = lag;
  }
  const bandwidth = mHat < 0 ? mMax : Math.min(2 * Math.max(mHat, 1), mMax);

  // Flat-top lag window estimates of G = Σ|k|R(k) and of the long-run variance g(0) = ΣR(k).
  let g = 0;
  let longRun = acv[0];
  for (let k = 1; k <= bandwidth; k++) {
    const x = k / bandwidth;
    const weight = x <= 0.5 ? 1 : 2 * (1 - x);
    g += 2 * weight * k * acv[k];
    longRun += 2 * weight * acv[k];
  }
  if (!(longRun > 0)) return 1;
  const dCircular = (4 / 3) * longRun * longRun;
  return Math.cbrt((2 * g * g) / dCircular) * Math.cbrt(n);
}

/** The block length used for one run's series: see the comment at the top of this file. */
export function chooseBlockLength(series: ArrayLike<number>): number {
  const n = series.length;
  const estimate = Math.round(politisWhiteBlockLength(series));
  return Math.min(maxBlockLength(n), Math.max(ruleOfThumbBlockLength(n), estimate));
}
