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
  target.add(hdr.decodeFromCompressedBase64(encoded, 32, false));
}

export function summarizeHistogram(h: Histogram): LatencySummary {
  if (h.totalCount === 0) {
    return { count: 0, min: 0, mean: 0, stdev: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };
  }
  return {
    count: h.totalCount,
    min: h.minNonZeroValue,
    mean: Math.round(h.mean),
    stdev: Math.round(h.stdDeviation),
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
