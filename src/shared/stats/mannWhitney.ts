// Mann-Whitney U test for groups of repeated runs (A×n vs B×m), on one figure per run.
//
// Why this test: the unit of evidence for repeated runs is the run, and there are few of them
// (typically 3–10). A rank test assumes no distribution shape — run-level throughput on a shared
// machine is skewed by the occasional bad run, which would dominate a t-test — and it is what
// benchstat uses for the same job. Small groups get the exact null distribution; with ties, or
// when the groups are large, the normal approximation with tie correction and continuity
// correction (as in R's wilcox.test and SciPy's `method="asymptotic"`).
import { normalCdf } from './distributions.ts';

export interface MannWhitneyResult {
  /** U of the candidate group: pairs (a, b) with b > a, a tie counting one half. */
  u: number;
  /** U of the baseline group: n·m − u. */
  uBaseline: number;
  /** Two-sided p-value. */
  pValue: number;
  method: 'exact' | 'normal';
  /** Standard normal score of the approximation (signed: > 0 when the candidate ranks higher); null when exact. */
  z: number | null;
}

/** Exact distribution is used without ties up to this many runs in total (integer counts stay exact below 2^53). */
export const EXACT_MAX_TOTAL = 50;

export function mannWhitneyU(a: readonly number[], b: readonly number[]): MannWhitneyResult {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) throw new RangeError('Mann-Whitney U needs at least one value in each group');
  // Mid-ranks over the pooled values; the candidate's rank sum gives its U.
  const pooled = [...a.map((v) => ({ v, b: false })), ...b.map((v) => ({ v, b: true }))].sort((x, y) => x.v - y.v);
  let rankSumB = 0;
  let tieTerm = 0;
  for (let i = 0; i < pooled.length; ) {
    let j = i;
    while (j + 1 < pooled.length && pooled[j + 1].v === pooled[i].v) j++;
    const midRank = (i + j) / 2 + 1;
    const t = j - i + 1;
    tieTerm += t * t * t - t;
    for (let k = i; k <= j; k++) if (pooled[k].b) rankSumB += midRank;
    i = j + 1;
  }
  const u = rankSumB - (m * (m + 1)) / 2;
  const uBaseline = n * m - u;
  if (tieTerm === 0 && n + m <= EXACT_MAX_TOTAL) {
    return { u, uBaseline, pValue: exactTwoSidedP(n, m, u), method: 'exact', z: null };
  }
  const total = n + m;
  const variance = ((n * m) / 12) * (total + 1 - tieTerm / (total * (total - 1)));
  if (!(variance > 0)) return { u, uBaseline, pValue: 1, method: 'normal', z: 0 };
  const sd = Math.sqrt(variance);
  const distance = Math.max(0, Math.abs(u - (n * m) / 2) - 0.5);
  const z = (Math.sign(u - (n * m) / 2) * distance) / sd;
  return { u, uBaseline, pValue: Math.min(1, 2 * normalCdf(-Math.abs(z))), method: 'normal', z };
}

/**
 * Smallest two-sided p-value any outcome can reach with groups of n and m runs (complete
 * separation, no ties): 2 / C(n+m, n). With 3 runs against 3 it is 0.10, so no comparison of
 * three rounds can ever pass p < 0.05 — better said up front than shown as a non-result.
 */
export function smallestPossibleP(n: number, m: number): number {
  if (n < 1 || m < 1) return 1;
  return Math.min(1, 2 / binomial(n + m, n));
}

/** Fewest runs per side (equal groups) for which `smallestPossibleP` is below `alpha`. */
export function runsNeededPerSide(alpha: number): number {
  let k = 1;
  while (smallestPossibleP(k, k) >= alpha && k < 1000) k++;
  return k;
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

/** Counts of each U value under H0 for group sizes n, m: c(i,j,u) = c(i−1,j,u−j) + c(i,j−1,u). */
function exactCounts(n: number, m: number): Float64Array {
  // rows[j] holds the counts for sizes (i, j) of the current i.
  let prev: Float64Array[] = [];
  for (let j = 0; j <= m; j++) prev.push(Float64Array.of(1)); // i = 0: U is always 0
  for (let i = 1; i <= n; i++) {
    const cur: Float64Array[] = [Float64Array.of(1)]; // j = 0
    for (let j = 1; j <= m; j++) {
      const out = new Float64Array(i * j + 1);
      // The largest value belongs to the first group (it beats all j of the second) …
      const withLargest = prev[j];
      for (let u = 0; u < withLargest.length; u++) out[u + j] += withLargest[u];
      // … or to the second group (it beats none of the first group's values).
      const without = cur[j - 1];
      for (let u = 0; u < without.length; u++) out[u] += without[u];
      cur.push(out);
    }
    prev = cur;
  }
  return prev[m];
}

function exactTwoSidedP(n: number, m: number, u: number): number {
  const counts = exactCounts(n, m);
  let total = 0;
  let atMost = 0;
  let atLeast = 0;
  for (let k = 0; k < counts.length; k++) {
    total += counts[k];
    if (k <= u) atMost += counts[k];
    if (k >= u) atLeast += counts[k];
  }
  return Math.min(1, (2 * Math.min(atMost, atLeast)) / total);
}
