// The group p99 from merged per-second histograms (stats/pooledTail.ts), on simulated A/B groups
// whose seconds are drawn from real per-second histograms (a run against the demo target's /cpu,
// tests/fixtures/cpuTargetSeconds.json) with run-level noise, a round state shared by A and B,
// and AR(1)-correlated seconds (tests/support/abSimulation.ts). Known answers: identical groups,
// a tail exactly 10% slower at p99, and a throughput drop that leaves every latency as it was.
// Fewer seeds than statsGroups.test.ts: each simulated second is a real HdrHistogram, encoded and
// decoded as the store does.
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/shared/runResult.ts';
import { compareGroups, type FigureComparison, type Verdict } from '../../src/shared/stats/index.ts';
import { PooledPercentile, pooledPercentileEvidence } from '../../src/shared/stats/pooledTail.ts';
import { createHistogram, encodeHistogram, histogramBuckets } from '../../src/shared/result/histogramCodec.ts';
import { createRandom } from '../../src/shared/stats/random.ts';
import { simulateAb, type AbProcess } from '../support/abSimulation.ts';

type Groups = { a: RunResult[]; b: RunResult[] };

function p99Of(process: Partial<AbProcess>, seeds: number, transform: (g: Groups) => Groups = (g) => g): FigureComparison[] {
  return p99With(process, seeds, [{}], transform)[0];
}

/** The p99 comparisons of the same simulated groups under each of `options` (simulating is the slow part). */
function p99With(process: Partial<AbProcess>, seeds: number, options: Array<Parameters<typeof compareGroups>[2]>, transform: (g: Groups) => Groups = (g) => g): FigureComparison[][] {
  const out: FigureComparison[][] = options.map(() => []);
  for (let s = 1; s <= seeds; s++) {
    const g = transform(simulateAb(7 * s + 1, process));
    options.forEach((o, i) => out[i].push(compareGroups(g.a, g.b, o).find((f) => f.figure === 'p99')!));
  }
  return out;
}

const count = (fs: readonly FigureComparison[], ...verdicts: Verdict[]) => fs.filter((f) => verdicts.includes(f.verdict)).length;

/** The same runs as stored before per-second histograms were kept. */
const withoutHistograms = (g: Groups): Groups => {
  const strip = (r: RunResult): RunResult => ({ ...r, samples: r.samples.map(({ histogram: _h, ...s }) => s) });
  return { a: g.a.map(strip), b: g.b.map(strip) };
};

const geoMeanChange = (fs: readonly FigureComparison[]) => Math.expm1(fs.reduce((s, f) => s + Math.log1p(f.change!), 0) / fs.length);

describe('group p99 from merged per-second histograms', () => {
  it('merges exactly: with every second taken once it is the merged histogram\'s p99', () => {
    const random = createRandom(5);
    const hs = [0, 1, 2, 3].map((k) => {
      const h = createHistogram();
      for (let i = 0; i < 300 + 100 * k; i++) h.recordValue(Math.round(1000 * Math.exp(1.2 * (random() + random() - 1)) * (1 + k * 0.3)));
      return h;
    });
    const merged = createHistogram();
    for (const h of hs) merged.add(h);
    const seconds = hs.map((h) => histogramBuckets(encodeHistogram(h))!);
    const pooled = new PooledPercentile(seconds, 99);
    expect(pooled.merged()).toBe(merged.getValueAtPercentile(99));
    expect(new PooledPercentile(seconds, 50).merged()).toBe(merged.getValueAtPercentile(50));
    // Second 3 taken twice, second 0 not at all: the p99 of that merge.
    const weighted = createHistogram();
    weighted.add(hs[1]);
    weighted.add(hs[2]);
    weighted.add(hs[3]);
    weighted.add(hs[3]);
    expect(pooled.of([0, 1, 1, 2])).toBe(weighted.getValueAtPercentile(99));
    expect(pooled.count).toBe(merged.totalCount);
  });

  it('gives a within-run variance that grows when the seconds disagree', () => {
    const second = (scale: number) => {
      const h = createHistogram();
      for (let i = 1; i <= 500; i++) h.recordValue(Math.round(scale * 100 * Math.exp(i / 100)));
      return histogramBuckets(encodeHistogram(h))!;
    };
    const steady = [1, 1, 1, 1, 1, 1, 1, 1].map(second);
    const mixed = [1, 1.5, 1, 1.5, 1, 1.5, 1, 1.5].map(second);
    const quiet = pooledPercentileEvidence(steady, steady.map(() => 1), 99, createRandom(1))!;
    const noisy = pooledPercentileEvidence(mixed, [1, 2, 1, 2, 1, 2, 1, 2], 99, createRandom(1))!;
    expect(quiet.withinVar).toBeLessThan(1e-12);
    expect(noisy.withinVar).toBeGreaterThan(1e-4);
    expect(noisy.withinDf).toBeGreaterThanOrEqual(1);
  });

  it('calls identical groups different in at most 5% of seeds (quiet seconds, and seconds as uneven as a busy machine\'s)', () => {
    for (const process of [{ latenciesPerSecond: 300 }, { latenciesPerSecond: 300, shapes: 'seconds' as const }]) {
      // With the default thresholds, and without (the interval alone: near the nominal 5%).
      const [fs, bare] = p99With(process, 100, [{}, { noiseThreshold: { throughput: 0, latency: 0 } }]);
      expect(fs[0].method).toMatch(/p99 of the merged histograms of its steady seconds/);
      expect(count(fs, 'worse', 'better'), JSON.stringify(process)).toBeLessThanOrEqual(5);
      expect(count(bare, 'worse', 'better'), JSON.stringify(process)).toBeLessThanOrEqual(10);
    }
  });

  it('does not read a drop in throughput as a slower tail, which the mean of per-second p99s does at ~100 requests a second', () => {
    // Every latency is drawn from the same distribution in A and B; B completes 10% fewer
    // requests a second. A per-second p99 of ~100 requests is their second slowest, of ~90 their
    // slowest: the old estimator's p99 rises with nothing slower. The merged seconds' does not.
    const process = { latenciesPerSecond: 100, scale: { throughput: 0.9 } };
    const merged = p99Of(process, 40);
    const perSecond = p99Of(process, 40, withoutHistograms);
    expect(perSecond[0].method).toMatch(/p99 latency as the mean of per-second p99, since 10 of 10 runs were stored without per-second histograms/);
    expect(Math.abs(geoMeanChange(merged))).toBeLessThan(0.04);
    expect(geoMeanChange(perSecond)).toBeGreaterThan(0.06);
  });

  it('detects a 10% slower p99 with the rounds its "about N rounds" message names', () => {
    const process = { latenciesPerSecond: 1000, scale: { p99: 1.1 } };
    const five = p99Of(process, 9);
    const said = five
      .map((f) => /about (\d+) rounds would detect a 10% change at this noise level/.exec(f.sentence))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((x, y) => x - y);
    // At ~1,000 requests a second, 7 s runs, the 5 rounds are not enough, and it says so.
    expect(said.length).toBeGreaterThanOrEqual(5);
    const needed = said[said.length >> 1];
    expect(needed).toBeGreaterThan(5);
    expect(needed).toBeLessThanOrEqual(40);
    // With the median of what it said: caught in most seeds (the estimate is for 80% power).
    const enough = p99Of({ ...process, rounds: needed }, 50);
    expect(count(enough, 'worse')).toBeGreaterThanOrEqual(0.7 * 50);
    expect(count(enough, 'better')).toBe(0);
  });
});
