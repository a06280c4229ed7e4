// summarizeHistogram reads the mean and standard deviation off the counts (histogramMean,
// histogramStdDeviation) instead of hdr-histogram-js's iterator-based getters, which cost most of
// every run's summary. It must give exactly the library's own figures.
import { describe, expect, it } from 'vitest';
import { createHistogram, decodeForMerge, encodeHistogram, histogramStdDeviation, recordUs, summarizeHistogram } from '../../src/shared/result/histogramCodec.ts';

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('summarizeHistogram', () => {
  it('gives the library’s own mean, standard deviation, percentiles, min and max for narrow, wide, tailed and extreme histograms', () => {
    const shapes: Array<(r: () => number) => number> = [
      (r) => 300 + r() * 2000,
      (r) => (r() < 0.01 ? 20_000 + r() * 1e6 : 50 + r() * 100),
      (r) => Math.exp(r() * Math.log(60e6)),
      () => 1,
      () => 60_000_000,
    ];
    for (let seed = 1; seed <= 20; seed++) {
      const r = seeded(seed);
      const recorded = createHistogram();
      const shape = shapes[seed % shapes.length];
      const n = 1 + Math.floor(r() * 20_000);
      for (let i = 0; i < n; i++) recordUs(recorded, shape(r));
      // As recorded, and as decoded from its encoding (what the run controller merges).
      for (const h of [recorded, decodeForMerge(encodeHistogram(recorded))]) {
        expect(histogramStdDeviation(h)).toBeCloseTo(h.stdDeviation, 6);
        expect(summarizeHistogram(h)).toEqual({
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
        });
      }
    }
    expect(histogramStdDeviation(createHistogram())).toBe(0);
    expect(summarizeHistogram(createHistogram()).stdev).toBe(0);
  });
});
