// Plain descriptive statistics over numeric arrays, written for speed on typed arrays because the
// bootstrap calls them thousands of times per comparison.

export type Numbers = ArrayLike<number>;

export function mean(values: Numbers): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return values.length > 0 ? sum / values.length : Number.NaN;
}

/** Median; sorts a copy, never the caller's array. */
export function median(values: Numbers): number {
  return medianInPlace(Float64Array.from(values));
}

/**
 * Median that may reorder `values` (for scratch buffers inside the bootstrap). Selection rather
 * than sorting: the bootstrap takes thousands of medians, and a full sort made it 3× slower.
 */
export function medianInPlace(values: Float64Array): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const mid = n >> 1;
  const upper = selectInPlace(values, mid);
  if (n % 2 === 1) return upper;
  // After selection everything left of `mid` is ≤ values[mid]: the lower middle is their maximum.
  let lower = values[0];
  for (let i = 1; i < mid; i++) if (values[i] > lower) lower = values[i];
  return (lower + upper) / 2;
}

/** The k-th smallest value (0-based), by Hoare's quickselect with a median-of-three pivot. */
export function selectInPlace(values: Float64Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (hi > lo) {
    const m = (lo + hi) >> 1;
    // Median of three as the pivot: sorted or constant seconds must not make it quadratic.
    if (values[m] < values[lo]) swap(values, m, lo);
    if (values[hi] < values[lo]) swap(values, hi, lo);
    if (values[hi] < values[m]) swap(values, hi, m);
    const pivot = values[m];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        swap(values, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k];
  }
  return values[k];
}

function swap(values: Float64Array, i: number, j: number): void {
  const t = values[i];
  values[i] = values[j];
  values[j] = t;
}

/**
 * Quantile of sorted values with linear interpolation between order statistics (Hyndman & Fan
 * type 7, the default of R and NumPy), so percentile intervals match what those tools report.
 */
export function quantileSorted(sorted: Numbers, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** B relative to A as a fraction (+0.10 = 10% higher); NaN when A is not positive. */
export function relativeChange(baseline: number, candidate: number): number {
  return baseline > 0 && Number.isFinite(baseline) && Number.isFinite(candidate) ? candidate / baseline - 1 : Number.NaN;
}
