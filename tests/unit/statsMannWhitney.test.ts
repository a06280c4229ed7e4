// Mann-Whitney U against textbook and reference values (the exact example of SciPy's
// documentation, R's wilcox.test / SciPy's asymptotic method with tie and continuity
// correction), its symmetry, and the exact distribution against brute-force enumeration.
import { describe, expect, it } from 'vitest';
import { mannWhitneyU, runsNeededPerSide, smallestPossibleP } from '../../src/shared/stats/mannWhitney.ts';
import { createRandom } from '../../src/shared/stats/random.ts';

describe('mannWhitneyU', () => {
  // SciPy's documented example: ages of male and female staff (mannwhitneyu docs).
  const males = [19, 22, 16, 29, 24];
  const females = [20, 11, 17, 12];

  it('matches the textbook example, exact: U = 17, p = 0.1111', () => {
    const r = mannWhitneyU(females, males);
    expect(r.u).toBe(17);
    expect(r.uBaseline).toBe(3);
    expect(r.method).toBe('exact');
    expect(r.pValue).toBeCloseTo(14 / 126, 12);
  });

  it('is symmetric: swapping the groups swaps U and keeps p', () => {
    const ab = mannWhitneyU(females, males);
    const ba = mannWhitneyU(males, females);
    expect(ba.u).toBe(ab.uBaseline);
    expect(ba.uBaseline).toBe(ab.u);
    expect(ba.pValue).toBe(ab.pValue);
    const random = createRandom(4);
    const x = Array.from({ length: 30 }, () => Math.round(random() * 20));
    const y = Array.from({ length: 25 }, () => Math.round(random() * 20) + 3);
    const xy = mannWhitneyU(x, y);
    const yx = mannWhitneyU(y, x);
    expect(xy.method).toBe('normal');
    expect(yx.pValue).toBeCloseTo(xy.pValue, 14);
    expect(yx.z).toBeCloseTo(-xy.z!, 14);
  });

  it('matches the normal approximation with tie and continuity correction (R, SciPy)', () => {
    // scipy.stats.mannwhitneyu([3,3,4,6,7,8,8], [1,2,2,3,4,5], method="asymptotic") → U 35.5, p 0.0434339631
    const ties = mannWhitneyU([1, 2, 2, 3, 4, 5], [3, 3, 4, 6, 7, 8, 8]);
    expect(ties.method).toBe('normal');
    expect(ties.u).toBe(35.5);
    expect(ties.pValue).toBeCloseTo(0.0434339631, 6);
    // 30 against 30 with a few ties: scipy.stats.mannwhitneyu(b, a, method="asymptotic") → U 556.5, p 0.1170137007.
    const a = [0, 37, 21, 5, 42, 26, 10, 47, 31, 15, 52, 36, 20, 4, 41, 25, 9, 46, 30, 14, 51, 35, 19, 3, 40, 24, 8, 45, 29, 13];
    const b = [5, 46, 28, 10, 51, 33, 15, 56, 38, 20, 61, 43, 25, 7, 48, 30, 12, 53, 35, 17, 58, 40, 22, 63, 45, 27, 9, 50, 32, 14];
    const big = mannWhitneyU(a, b);
    expect(big.u).toBe(556.5);
    expect(big.pValue).toBeCloseTo(0.1170137007, 6);
  });

  it('gives exact p-values for small groups without ties', () => {
    // Complete separation: p = 2 / C(n+m, n).
    expect(mannWhitneyU([1, 2, 3, 4], [5, 6, 7, 8]).pValue).toBeCloseTo(2 / 70, 14);
    expect(mannWhitneyU([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]).pValue).toBeCloseTo(2 / 252, 14);
    expect(mannWhitneyU([1, 2, 3], [4, 5, 6]).pValue).toBeCloseTo(0.1, 14);
    // SciPy: mannwhitneyu([1.5,2.5,3.1,4.2,5.9,6.3,7.7],[2.2,3.3,4.4,8.1,9.2,10.5], method="exact") → U 13, p 0.29487
    const r = mannWhitneyU([2.2, 3.3, 4.4, 8.1, 9.2, 10.5], [1.5, 2.5, 3.1, 4.2, 5.9, 6.3, 7.7]);
    expect(r.uBaseline).toBe(29);
    expect(r.u).toBe(13);
    expect(r.pValue).toBeCloseTo(0.2948717949, 9);
    // Identical middles: p = 1.
    expect(mannWhitneyU([1, 4], [2, 3]).pValue).toBe(1);
  });

  it('has an exact distribution equal to brute-force enumeration of all rank assignments', () => {
    // n = 4, m = 5: all C(9,4) = 126 ways to pick the first group's ranks.
    const n = 4;
    const m = 5;
    const us: number[] = [];
    for (let mask = 0; mask < 1 << (n + m); mask++) {
      let bits = 0;
      for (let k = 0; k < n + m; k++) if (mask & (1 << k)) bits++;
      if (bits !== n) continue;
      let u = 0; // pairs where a second-group rank exceeds a first-group rank
      for (let i = 0; i < n + m; i++) for (let j = 0; j < n + m; j++) if (mask & (1 << i) && !(mask & (1 << j)) && j > i) u++;
      us.push(u);
    }
    expect(us.length).toBe(126);
    for (const observed of [0, 3, 7, 10, 13, 20]) {
      const atMost = us.filter((u) => u <= observed).length;
      const atLeast = us.filter((u) => u >= observed).length;
      const expected = Math.min(1, (2 * Math.min(atMost, atLeast)) / 126);
      // Build samples with that U: second group's values chosen to reach it.
      const a = [10, 20, 30, 40];
      const b = samplesWithU(a, m, observed);
      const r = mannWhitneyU(a, b);
      expect(r.u).toBe(observed);
      expect(r.pValue).toBeCloseTo(expected, 14);
    }
  });

  it('agrees between exact and normal for moderately large groups', () => {
    const random = createRandom(11);
    const x = Array.from({ length: 20 }, () => random());
    const y = Array.from({ length: 20 }, () => random() + 0.25);
    const exact = mannWhitneyU(x, y);
    expect(exact.method).toBe('exact');
    const withTie = mannWhitneyU([...x, x[0]], [...y, x[0]]);
    expect(withTie.method).toBe('normal');
    expect(Math.abs(withTie.pValue - exact.pValue)).toBeLessThan(0.01);
  });

  it('refuses empty groups', () => {
    expect(() => mannWhitneyU([], [1, 2])).toThrow(RangeError);
  });
});

describe('smallest possible p', () => {
  it('is 2 / C(n+m, n): 3 runs against 3 can never reach 0.05, 4 against 4 can', () => {
    expect(smallestPossibleP(3, 3)).toBeCloseTo(0.1, 14);
    expect(smallestPossibleP(4, 4)).toBeCloseTo(2 / 70, 14);
    expect(smallestPossibleP(3, 4)).toBeCloseTo(2 / 35, 14);
    expect(smallestPossibleP(1, 1)).toBe(1);
    expect(smallestPossibleP(0, 5)).toBe(1);
    expect(runsNeededPerSide(0.05)).toBe(4);
    expect(runsNeededPerSide(0.01)).toBe(5);
  });
});

/** Distinct values for a second group of size m whose U against `a` (sorted, distinct) is `u`. */
function samplesWithU(a: number[], m: number, u: number): number[] {
  // Each value of the second group beats some number of a's values (0..n); choose counts summing to u.
  const n = a.length;
  const beats: number[] = [];
  let left = u;
  for (let k = 0; k < m; k++) {
    const c = Math.min(n, left);
    beats.push(c);
    left -= c;
  }
  return beats.map((c, k) => (c === 0 ? a[0] - 1 - k * 0.01 : a[c - 1] + 1 + k * 0.01));
}
