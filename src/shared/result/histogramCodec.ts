// Latency histograms: microseconds from 1 µs to 60 s at 3 significant digits, stored and
// exchanged as V2 compressed base64 (readable by the Java, C and Rust HdrHistogram libraries).
import * as hdr from 'hdr-histogram-js';
import type { LatencySummary } from '../runResult.ts';

export type Histogram = hdr.Histogram;

export const HIGHEST_TRACKABLE_US = 60_000_000;

export function createHistogram(): Histogram {
  return hdr.build({
    bitBucketSize: 32,
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_US,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
}

/** Records one latency, clamped into the trackable range so an outlier never throws. */
export function recordUs(h: Histogram, us: number): void {
  const v = Math.round(us);
  h.recordValue(v < 1 ? 1 : v > HIGHEST_TRACKABLE_US ? HIGHEST_TRACKABLE_US : v);
}

export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

export function decodeHistogram(encoded: string): Histogram {
  const decoded = hdr.decodeFromCompressedBase64(encoded, 32, false);
  // Re-home into our standard shape so any two histograms can be merged.
  const h = createHistogram();
  h.add(decoded);
  return h;
}

export function mergeInto(target: Histogram, encoded: string): void {
  if (!encoded) return;
  target.add(decodeForMerge(encoded));
}

/**
 * An encoded histogram as it was encoded (not re-homed like decodeHistogram): only to be merged
 * into others with `add`, or read; null for '' (no values). For a caller that merges the same
 * histogram into several, so it decodes once.
 */
export function decodeForMerge(encoded: string): Histogram;
export function decodeForMerge(encoded: string | undefined): Histogram | null;
export function decodeForMerge(encoded: string | undefined): Histogram | null {
  return encoded ? hdr.decodeFromCompressedBase64(encoded, 32, false) : null;
}

/**
 * A histogram's counts as they cross from a load worker to the run controller once a second:
 * the counts array from the bucket of the smallest value to that of the largest, as recorded,
 * with no encoding and no compression (a typed array is copied as it is by postMessage and by a
 * child process's advanced serialization). The controller turns it back into the same histogram
 * (histogramFromRaw) and encodes each second once, for the stored sample — where before the
 * worker encoded it and the controller decoded it again, in a fresh isolate's cold code.
 */
export interface RawHistogram {
  /** Index in the counts array of `counts[0]`. */
  from: number;
  counts: Uint32Array;
}

/** The internals of hdr-histogram-js's Uint32 histogram (`bitBucketSize: 32`) that the raw form reads and writes. */
interface CountsArrayHistogram {
  _counts: Uint32Array;
  countsArrayIndex(value: number): number;
  establishInternalTackingValues(lengthToCover?: number): void;
}

/** The histogram's recorded counts, null when it holds none. */
export function rawHistogram(h: Histogram): RawHistogram | null {
  if (h.totalCount === 0) return null;
  const c = h as unknown as CountsArrayHistogram;
  // Index 0 holds the zeros, which the smallest non-zero value leaves out.
  const from = c._counts[0] > 0 ? 0 : c.countsArrayIndex(h.minNonZeroValue);
  const to = c.countsArrayIndex(h.maxValue);
  return { from, counts: c._counts.slice(from, to + 1) };
}

/**
 * The histogram whose counts these are: exactly what decoding its encoded form gives (the same
 * counts, and the smallest and largest value and the total established from them, as the
 * library's decoder does).
 */
export function histogramFromRaw(raw: RawHistogram): Histogram {
  const h = createHistogram();
  const c = h as unknown as CountsArrayHistogram;
  c._counts.set(raw.counts, raw.from);
  c.establishInternalTackingValues(raw.from + raw.counts.length);
  return h;
}

/** The parts of hdr-histogram-js's JsHistogram (what `build` returns here) that histogramMean reads. */
interface HistogramCounts {
  countsArrayLength: number;
  countsArrayIndex(value: number): number;
  getCountAtIndex(index: number): number;
  valueFromIndex(index: number): number;
  medianEquivalentValue(value: number): number;
}

/**
 * The mean exactly as hdr-histogram-js's `mean` getter computes it (every bucket counted at its
 * median-equivalent value), read straight off the counts up to the largest value instead of
 * through the library's iterator: measured ≈ 0.9 ms per call for the getter on a histogram of
 * one busy second, which the run controller paid every second (on the load's own thread for an
 * inline run), against a few hundredths of a millisecond.
 */
export function histogramMean(h: Histogram): number {
  if (h.totalCount === 0) return 0;
  const c = h as unknown as HistogramCounts;
  const last = Math.min(c.countsArrayIndex(h.maxValue), c.countsArrayLength - 1);
  let total = 0;
  for (let i = 0; i <= last; i++) {
    const n = c.getCountAtIndex(i);
    if (n !== 0) total += c.medianEquivalentValue(c.valueFromIndex(i)) * n;
  }
  return total / h.totalCount;
}

/**
 * The standard deviation exactly as hdr-histogram-js's `stdDeviation` getter computes it (around
 * `mean`, every bucket at its median-equivalent value), straight off the counts like
 * histogramMean. The getter walks the library's iterator twice (once for its own mean): at the
 * end of every run `summarizeHistogram` paid it for the latency, connect and ping histograms, on
 * a thread where that code is rarely warm, which a CPU profile of a WebSocket run showed as the
 * largest part of building the summary (docs/PERFORMANCE.md, session 5).
 */
export function histogramStdDeviation(h: Histogram, mean: number = histogramMean(h)): number {
  if (h.totalCount === 0) return 0;
  const c = h as unknown as HistogramCounts;
  const last = Math.min(c.countsArrayIndex(h.maxValue), c.countsArrayLength - 1);
  let total = 0;
  for (let i = 0; i <= last; i++) {
    const n = c.getCountAtIndex(i);
    if (n !== 0) {
      const deviation = c.medianEquivalentValue(c.valueFromIndex(i)) - mean;
      total += deviation * deviation * n;
    }
  }
  return Math.sqrt(total / h.totalCount);
}

export function summarizeHistogram(h: Histogram): LatencySummary {
  if (h.totalCount === 0) {
    return { count: 0, min: 0, mean: 0, stdev: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };
  }
  const mean = histogramMean(h);
  return {
    count: h.totalCount,
    min: h.minNonZeroValue,
    mean: Math.round(mean),
    stdev: Math.round(histogramStdDeviation(h, mean)),
    p50: h.getValueAtPercentile(50),
    p90: h.getValueAtPercentile(90),
    p95: h.getValueAtPercentile(95),
    p99: h.getValueAtPercentile(99),
    p999: h.getValueAtPercentile(99.9),
    max: h.maxValue,
  };
}

/** Points of the percentile distribution (the "nines" plot): percentile against latency. */
export function percentileCurve(h: Histogram, maxNines = 5): Array<{ percentile: number; us: number }> {
  const points: Array<{ percentile: number; us: number }> = [];
  if (h.totalCount === 0) return points;
  for (let nines = 0; nines <= maxNines * 10; nines++) {
    const percentile = 100 - 100 / Math.pow(10, nines / 10);
    points.push({ percentile, us: h.getValueAtPercentile(percentile) });
  }
  points.push({ percentile: 100, us: h.maxValue });
  return points;
}

/**
 * The non-empty buckets of an encoded histogram, ascending: each bucket's highest equivalent
 * value (the value HdrHistogram reports for a percentile falling in it) and its count. This is
 * the form the statistics merge and resample (stats/pooledTail.ts); null when the text is not a
 * histogram.
 */
export function histogramBuckets(encoded: string): { values: Float64Array; counts: Float64Array } | null {
  let decoded: hdr.Histogram;
  try {
    decoded = hdr.decodeFromCompressedBase64(encoded, 32, false);
  } catch {
    return null;
  }
  if (!(decoded instanceof hdr.JsHistogram)) return null;
  const values: number[] = [];
  const counts: number[] = [];
  // Up to the largest value only: the counts array spans 60 s, a second's latencies a sliver of it.
  const last = decoded.totalCount === 0 ? -1 : Math.min(decoded.countsArrayIndex(decoded.maxValue), decoded.countsArrayLength - 1);
  for (let i = 0; i <= last; i++) {
    const c = decoded.getCountAtIndex(i);
    if (c > 0) {
      values.push(decoded.highestEquivalentValue(decoded.valueFromIndex(i)));
      counts.push(c);
    }
  }
  return { values: Float64Array.from(values), counts: Float64Array.from(counts) };
}
