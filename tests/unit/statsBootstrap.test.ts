// The building blocks of the single-run comparison: PRNG, block resampling, block length,
// interval widening, distribution functions and descriptive helpers.
import { describe, expect, it } from 'vitest';
import { blockBootstrapRelativeChange, circularBlockResample } from '../../src/shared/stats/blockBootstrap.ts';
import { chooseBlockLength, maxBlockLength, politisWhiteBlockLength, ruleOfThumbBlockLength } from '../../src/shared/stats/blockLength.ts';
import { mean, median, medianInPlace, quantileSorted, relativeChange, selectInPlace } from '../../src/shared/stats/descriptive.ts';
import { normalCdf, normalQuantile, studentTCdf, studentTQuantile } from '../../src/shared/stats/distributions.ts';
import { expandInterval, expansionFactor } from '../../src/shared/stats/expandInterval.ts';
import { createRandom, deriveSeed, randomInt, type Random } from '../../src/shared/stats/random.ts';

function gaussian(random: Random): number {
  return Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
}

function ar1(n: number, phi: number, seed: number): Float64Array {
  const random = createRandom(seed);
  const out = new Float64Array(n);
  let z = gaussian(random);
  for (let i = 0; i < n; i++) {
    z = phi * z + Math.sqrt(1 - phi * phi) * gaussian(random);
    out[i] = 100 + 10 * z;
  }
  return out;
}

describe('createRandom', () => {
  it('repeats its sequence for the same seed and differs between seeds', () => {
    const draw = (seed: number) => Array.from({ length: 5 }, createRandom(seed));
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
    expect(Array.from({ length: 3 }, createRandom())).toEqual(Array.from({ length: 3 }, createRandom()));
  });

  it('is uniform on [0, 1)', () => {
    const random = createRandom(123);
    const bins = new Array<number>(10).fill(0);
    let sum = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const x = random();
      expect(x >= 0 && x < 1).toBe(true);
      sum += x;
      bins[Math.floor(x * 10)]++;
    }
    expect(sum / n).toBeCloseTo(0.5, 2);
    for (const b of bins) expect(Math.abs(b - n / 10)).toBeLessThan(n / 100);
    const r = createRandom(9);
    for (let i = 0; i < 1000; i++) expect(randomInt(r, 7)).toBeLessThan(7);
  });

  it('derives distinct streams from one seed', () => {
    const seeds = new Set([0, 1, 2, 3, 4].map((i) => deriveSeed(42, i)));
    expect(seeds.size).toBe(5);
    expect(deriveSeed(42, 1)).toBe(deriveSeed(42, 1));
  });
});

describe('circularBlockResample', () => {
  const values = Array.from({ length: 20 }, (_, i) => i);

  it('copies blocks of consecutive seconds, wrapping around the end', () => {
    const out = new Float64Array(values.length);
    let wrapped = false;
    const random = createRandom(5);
    for (let r = 0; r < 200; r++) {
      circularBlockResample(values, 4, random, out);
      for (let block = 0; block < 5; block++) {
        for (let k = 1; k < 4; k++) {
          const prev = out[block * 4 + k - 1];
          const cur = out[block * 4 + k];
          expect(cur).toBe((prev + 1) % 20);
          if (cur === 0) wrapped = true;
        }
      }
    }
    expect(wrapped).toBe(true);
  });

  it('truncates the last block to the run length', () => {
    const out = new Float64Array(10);
    circularBlockResample(values.slice(0, 10), 4, createRandom(1), out);
    expect(out[8]).toBe((out[9] + 9) % 10);
  });

  it('gives the first and last seconds the same chance as the middle ones', () => {
    const counts = new Array<number>(20).fill(0);
    const out = new Float64Array(20);
    const random = createRandom(77);
    for (let r = 0; r < 5000; r++) {
      circularBlockResample(values, 6, random, out);
      for (const v of out) counts[v]++;
    }
    for (const c of counts) expect(Math.abs(c / 5000 - 1)).toBeLessThan(0.08);
  });
});

describe('blockBootstrapRelativeChange', () => {
  const a = ar1(60, 0.5, 1);
  const b = ar1(60, 0.5, 2).map((x) => x * 1.1);
  const options = (seed: number) => ({ resamples: 1000, confidence: 0.95, random: createRandom(seed), blockLengthA: 4, blockLengthB: 4 });

  it('is reproducible with the same seed', () => {
    expect(blockBootstrapRelativeChange(a, b, mean, options(3))).toEqual(blockBootstrapRelativeChange(a, b, mean, options(3)));
    expect(blockBootstrapRelativeChange(a, b, mean, options(3))).not.toEqual(blockBootstrapRelativeChange(a, b, mean, options(4)));
  });

  it('reports the change of the statistic and an interval around it', () => {
    const r = blockBootstrapRelativeChange(a, b, medianInPlace, options(3));
    expect(r.estimate).toBeCloseTo(median(b) / median(a) - 1, 12);
    expect(r.low).toBeLessThan(r.estimate);
    expect(r.high).toBeGreaterThan(r.estimate);
    expect(r.low).toBeLessThanOrEqual(r.center);
    expect(r.center).toBeLessThanOrEqual(r.high);
    expect(r.validResamples).toBe(1000);
  });

  it('gives a narrower interval when the confidence is lower', () => {
    const wide = blockBootstrapRelativeChange(a, b, mean, options(3));
    const narrow = blockBootstrapRelativeChange(a, b, mean, { ...options(3), confidence: 0.8 });
    expect(narrow.high - narrow.low).toBeLessThan(wide.high - wide.low);
  });

  it('gives a wider interval with longer blocks on correlated data (the dependence is kept)', () => {
    const x = ar1(240, 0.8, 9);
    const y = ar1(240, 0.8, 10);
    const width = (l: number) => {
      const r = blockBootstrapRelativeChange(x, y, mean, { ...options(3), blockLengthA: l, blockLengthB: l });
      return r.high - r.low;
    };
    expect(width(10)).toBeGreaterThan(1.5 * width(1));
  });

  it('drops resamples whose baseline is 0', () => {
    const mostlyZero = [0, 0, 0, 0, 0, 0, 0, 0, 0, 10];
    const r = blockBootstrapRelativeChange(mostlyZero, [5, 5, 5, 5, 5, 5, 5, 5, 5, 5], mean, { ...options(1), blockLengthA: 1, blockLengthB: 1 });
    expect(r.validResamples).toBeLessThan(1000);
    expect(r.validResamples).toBeGreaterThan(500);
  });
});

describe('block length', () => {
  it('uses n^(1/3) as the floor (uncorrelated seconds)', () => {
    expect(ruleOfThumbBlockLength(60)).toBe(4);
    expect(ruleOfThumbBlockLength(5)).toBe(2);
    expect(ruleOfThumbBlockLength(1)).toBe(1);
    const random = createRandom(3);
    const noise = Array.from({ length: 60 }, () => gaussian(random));
    expect(chooseBlockLength(noise)).toBe(4);
    expect(chooseBlockLength(new Array<number>(60).fill(7))).toBe(4);
  });

  it('grows with the autocorrelation, up to min(3√n, n/3)', () => {
    expect(chooseBlockLength(ar1(300, 0.9, 4))).toBeGreaterThan(ruleOfThumbBlockLength(300) + 3);
    expect(maxBlockLength(60)).toBe(20);
    expect(maxBlockLength(300)).toBe(52);
    const trend = Array.from({ length: 60 }, (_, i) => i);
    expect(chooseBlockLength(trend)).toBeGreaterThan(ruleOfThumbBlockLength(60));
    expect(chooseBlockLength(trend)).toBeLessThanOrEqual(maxBlockLength(60));
    for (let seed = 1; seed <= 20; seed++) expect(chooseBlockLength(ar1(60, 0.99, seed))).toBeLessThanOrEqual(20);
  });

  it('estimates the theoretical optimum for AR(1) noise (Politis & White)', () => {
    // For AR(1) with φ = 0.5: G = 4γ0, g(0) = 3γ0, so b = (2·16 / (4/3 · 9))^(1/3) · n^(1/3).
    const n = 20_000;
    const theory = Math.cbrt(32 / 12) * Math.cbrt(n);
    expect(politisWhiteBlockLength(ar1(n, 0.5, 8)) / theory).toBeGreaterThan(0.7);
    expect(politisWhiteBlockLength(ar1(n, 0.5, 8)) / theory).toBeLessThan(1.3);
  });
});

describe('expanded interval', () => {
  it('widens by √(k/(k−1))·t(k−1)/z', () => {
    expect(expansionFactor(15, 0.95)).toBeCloseTo(1.1327071087599785, 6);
    expect(expansionFactor(7.5, 0.95)).toBeCloseTo(1.3164344183656962, 6);
    expect(expansionFactor(1e6, 0.95)).toBeCloseTo(1, 4);
    expect(Number.isFinite(expansionFactor(1, 0.95))).toBe(true);
  });

  it('widens on the log-ratio scale around the centre and keeps ratios above −100%', () => {
    expect(expandInterval({ low: -0.1, center: 0.05, high: 0.2 }, 1)).toEqual({ low: expect.closeTo(-0.1, 12), high: expect.closeTo(0.2, 12) });
    const wide = expandInterval({ low: -0.5, center: 0, high: 1 }, 3);
    expect(wide.low).toBeCloseTo(-0.875, 12); // log(0.5)·3 = log(0.125)
    expect(wide.high).toBeCloseTo(7, 12); // log(2)·3 = log(8)
    expect(expandInterval({ low: -1, center: -1, high: -0.9 }, 2)).toEqual({ low: -1, high: -0.9 });
  });
});

describe('distributions', () => {
  it('matches table values of the normal distribution', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-3)).toBeCloseTo(0.0013499, 6);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
  });

  it("matches table values of Student's t", () => {
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.7062, 3);
    expect(studentTQuantile(0.975, 4)).toBeCloseTo(2.7764, 3);
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.2281, 3);
    expect(studentTQuantile(0.975, 30)).toBeCloseTo(2.0423, 3);
    expect(studentTQuantile(0.995, 5)).toBeCloseTo(4.0321, 3);
    expect(studentTQuantile(0.025, 10)).toBeCloseTo(-2.2281, 3);
    expect(studentTCdf(2, 4)).toBeCloseTo(0.9419417, 6);
    expect(studentTCdf(0, 3)).toBeCloseTo(0.5, 9);
  });
});

describe('descriptive', () => {
  it('computes means, medians and type-7 quantiles', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(Number.isNaN(mean([]))).toBe(true);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    const input = [3, 1, 2];
    median(input);
    expect(input).toEqual([3, 1, 2]);
    expect(quantileSorted([1, 2, 3, 4], 0.25)).toBe(1.75);
    const sorted = [1, 1, 2, 3, 4, 5, 6, 9];
    expect(quantileSorted(sorted, 0.1)).toBeCloseTo(1, 12);
    expect(quantileSorted(sorted, 0.5)).toBeCloseTo(3.5, 12);
    expect(quantileSorted(sorted, 0.9)).toBeCloseTo(6.9, 12);
    expect(relativeChange(200, 230)).toBeCloseTo(0.15, 12);
    expect(Number.isNaN(relativeChange(0, 5))).toBe(true);
  });

  it('selects order statistics and medians like a full sort would, ties and all', () => {
    const random = createRandom(17);
    for (let trial = 0; trial < 2000; trial++) {
      const n = 1 + randomInt(random, 40);
      const values = Float64Array.from({ length: n }, () => (random() < 0.3 ? randomInt(random, 4) : random() * 100));
      const sorted = Float64Array.from(values).sort();
      const k = randomInt(random, n);
      expect(selectInPlace(Float64Array.from(values), k)).toBe(sorted[k]);
      const mid = n >> 1;
      expect(medianInPlace(Float64Array.from(values))).toBe(n % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2);
    }
    expect(medianInPlace(Float64Array.of(5, 5, 5, 5))).toBe(5);
    expect(Number.isNaN(medianInPlace(new Float64Array(0)))).toBe(true);
  });
});
