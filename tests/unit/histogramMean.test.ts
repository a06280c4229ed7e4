// histogramMean: the run controller's per-second mean without hdr-histogram-js's iterator (issue
// #11: the getter cost ≈ 0.9 ms a second, on the load's thread for an inline run). It must give
// exactly the library's own figure.
import { describe, expect, it } from 'vitest';
import { createHistogram, decodeForMerge, encodeHistogram, histogramMean, histogramStdDeviation, recordUs, summarizeHistogram } from '../../src/shared/result/histogramCodec.ts';

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('histogramMean', () => {
  it('equals the library’s mean for empty, single-value, wide and extreme histograms', () => {
    const shapes: Array<(r: () => number) => number> = [
      (r) => 300 + r() * 2000,
      (r) => (r() < 0.01 ? 20_000 + r() * 1e6 : 50 + r() * 100),
      (r) => Math.exp(r() * Math.log(60e6)),
      () => 1,
      () => 60_000_000,
    ];
    for (let seed = 1; seed <= 20; seed++) {
      const r = seeded(seed);
      const h = createHistogram();
      expect(histogramMean(h)).toBe(0);
      const shape = shapes[seed % shapes.length];
      const n = 1 + Math.floor(r() * 20_000);
      for (let i = 0; i < n; i++) recordUs(h, shape(r));
      expect(histogramMean(h)).toBeCloseTo(h.mean, 6);
      // The same on a histogram decoded from its encoding (what the controller merges).
      const decoded = decodeForMerge(encodeHistogram(h));
      expect(histogramMean(decoded)).toBeCloseTo(h.mean, 6);
    }
  });
});

describe('histogramStdDeviation and summarizeHistogram (the end-of-run summary)', () => {
  it('equal the library’s standard deviation and rounded mean for empty, narrow, wide and extreme histograms', () => {
    const shapes: Array<(r: () => number) => number> = [
      (r) => 300 + r() * 2000,
      (r) => (r() < 0.01 ? 20_000 + r() * 1e6 : 50 + r() * 100),
      (r) => Math.exp(r() * Math.log(60e6)),
      () => 1,
      () => 60_000_000,
    ];
    for (let seed = 1; seed <= 20; seed++) {
      const r = seeded(seed);
      const h = createHistogram();
      expect(histogramStdDeviation(h)).toBe(0);
      const shape = shapes[seed % shapes.length];
      const n = 1 + Math.floor(r() * 20_000);
      for (let i = 0; i < n; i++) recordUs(h, shape(r));
      // Relative: a wide histogram's deviation runs into the millions.
      expect(histogramStdDeviation(h) / Math.max(1, h.stdDeviation)).toBeCloseTo(h.stdDeviation === 0 ? 0 : 1, 9);
      expect(histogramStdDeviation(decodeForMerge(encodeHistogram(h)), h.mean) / Math.max(1, h.stdDeviation)).toBeCloseTo(h.stdDeviation === 0 ? 0 : 1, 9);
      const s = summarizeHistogram(h);
      expect(s.mean).toBe(Math.round(h.mean));
      expect(s.stdev).toBe(Math.round(h.stdDeviation));
      expect(s).toMatchObject({ count: h.totalCount, p50: h.getValueAtPercentile(50), p99: h.getValueAtPercentile(99), max: h.maxValue });
    }
  });
});
