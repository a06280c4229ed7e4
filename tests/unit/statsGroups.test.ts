// The group comparison (two levels: between runs and within each run's seconds; rounds paired)
// on simulated A/B groups whose truth is known (tests/support/abSimulation.ts): interleaved
// rounds sharing a machine state, run-level noise, AR(1)-correlated seconds, 7 s runs with a
// 1 s warm-up. Identical groups must almost never be called different; a 10% change in
// throughput or p50 must be called in at least 80% of seeds with 5 rounds.
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/shared/runResult.ts';
import { compareGroups, type FigureComparison, type FigureId, type Verdict } from '../../src/shared/stats/index.ts';
import { pairRounds } from '../../src/shared/stats/compareGroups.ts';
import { pairedTwoLevel, roundsToDetect, unpairedTwoLevel } from '../../src/shared/stats/twoLevel.ts';
import { simulateAb, type AbProcess } from '../support/abSimulation.ts';

const SEEDS = 200;
const FIGURES: FigureId[] = ['throughput', 'p50', 'p99'];

function tally(process: Partial<AbProcess>, options: Parameters<typeof compareGroups>[2] = {}, transform?: (g: { a: RunResult[]; b: RunResult[] }) => { a: RunResult[]; b: RunResult[] }) {
  const counts = {} as Record<FigureId, Record<Verdict, number>>;
  const samples: FigureComparison[] = [];
  for (let s = 1; s <= SEEDS; s++) {
    let groups = simulateAb(7 * s + 1, process);
    if (transform) groups = transform(groups);
    for (const f of compareGroups(groups.a, groups.b, options)) {
      counts[f.figure] ??= { better: 0, worse: 0, 'no clear difference': 0, inconclusive: 0 };
      counts[f.figure][f.verdict]++;
      if (s <= 3) samples.push(f);
    }
  }
  return { counts, samples };
}

const called = (c: Record<Verdict, number>) => c.better + c.worse;

describe('group comparison on simulated A/B runs', () => {
  it('calls identical groups different in at most 5% of seeds (default thresholds, and heavier run-level noise)', () => {
    for (const process of [{}, { runNoise: 0.04 }, { roundNoise: 0.1 }]) {
      const { counts } = tally(process);
      for (const f of FIGURES) expect(called(counts[f]), `${f} ${JSON.stringify(process)}`).toBeLessThanOrEqual(0.05 * SEEDS);
    }
  });

  it('is calibrated: with no noise threshold, identical groups are called different near the nominal 5%', () => {
    // The interval alone (no threshold to hide behind): a two-sided 95% interval excludes 0 in
    // 5% of seeds when the method is right; 200 seeds put the count between about 4 and 18.
    for (const process of [{}, { runNoise: 0.03 }]) {
      const { counts } = tally(process, { noiseThreshold: { throughput: 0, latency: 0 } });
      for (const f of FIGURES) {
        expect(called(counts[f]), `${f} ${JSON.stringify(process)}`).toBeLessThanOrEqual(0.09 * SEEDS);
        expect(called(counts[f]), `${f} ${JSON.stringify(process)}`).toBeGreaterThanOrEqual(0.01 * SEEDS);
      }
    }
  });

  it('calls a 10% throughput drop "worse" in at least 80% of seeds with 5 rounds', () => {
    const { counts } = tally({ scale: { throughput: 0.9 } });
    expect(counts.throughput.worse).toBeGreaterThanOrEqual(0.8 * SEEDS);
    expect(counts.throughput.better).toBe(0);
    expect(called(counts.p50)).toBeLessThanOrEqual(0.05 * SEEDS);
  });

  it('calls a 10% higher p50 "worse" in at least 80% of seeds with 5 rounds', () => {
    const { counts } = tally({ scale: { p50: 1.1 } });
    expect(counts.p50.worse).toBeGreaterThanOrEqual(0.8 * SEEDS);
    expect(counts.p50.better).toBe(0);
  });

  it('detects a 10% higher p99 with the rounds it says are needed, and says how many when 5 are not enough', () => {
    const few = tally({ scale: { p99: 1.1 }, secondNoise: 0.03 });
    const undecided = few.samples.find((f) => f.figure === 'p99' && f.verdict === 'no clear difference');
    expect(undecided, 'at this noise 5 rounds should sometimes miss p99').toBeDefined();
    const match = /about (\d+) rounds would detect a 10% change at this noise level/.exec(undecided!.sentence);
    expect(match, undecided!.sentence).not.toBeNull();
    expect(undecided!.remedy).toBe(match![0]);
    const needed = Number(match![1]);
    expect(needed).toBeGreaterThan(5);
    const enough = tally({ scale: { p99: 1.1 }, secondNoise: 0.03, rounds: Math.min(40, needed + 2) });
    expect(enough.counts.p99.worse).toBeGreaterThanOrEqual(0.7 * SEEDS);
  });

  it('pairs interleaved rounds: drift shared by a round cancels, which unpaired groups cannot do', () => {
    const drift = { scale: { throughput: 0.9 }, roundNoise: 0.12 };
    const paired = tally(drift).counts.throughput.worse;
    // The same runs with B's start times moved after all of A's: no longer interleaved.
    const unpaired = tally(drift, {}, ({ a, b }) => ({
      a,
      b: b.map((r) => ({ ...r, summary: { ...r.summary, startedAt: new Date(Date.parse(r.summary.startedAt) + 3_600_000).toISOString() } })),
    })).counts.throughput.worse;
    expect(paired).toBeGreaterThanOrEqual(0.8 * SEEDS);
    expect(unpaired).toBeLessThan(paired / 2);
  });
});

describe('group comparison details', () => {
  it('recognises the rounds of interleaved groups by their start times, also with a run left out', () => {
    const { a, b } = simulateAb(1);
    expect(pairRounds(a, b)).toEqual([[0, 0], [1, 1], [2, 2], [3, 3], [4, 4]]);
    // B's run of round 1 left out: A1 has no partner, the other rounds still pair.
    expect(pairRounds(a, b.slice(1))).toEqual([[1, 0], [2, 1], [3, 2], [4, 3]]);
    // Sides swapped: each "A" (B's runs) is followed by the next round's "B" — neighbours still, paired as such.
    expect(pairRounds(b, a)).toEqual([[0, 1], [1, 2], [2, 3], [3, 4]]);
    // All of A, then all of B: not interleaved.
    const late = b.map((r) => ({ ...r, summary: { ...r.summary, startedAt: new Date(Date.parse(r.summary.startedAt) + 3_600_000).toISOString() } }));
    expect(pairRounds(a, late)).toBeNull();
  });

  it('is symmetric on the log scale: swapping the groups flips the change and keeps p', () => {
    const { a, b } = simulateAb(11, { scale: { throughput: 0.85, p50: 1.2 } });
    const ab = compareGroups(a, b);
    // Swapped and still interleaved: B ran first in each round, so shift it to run after A's.
    const ba = compareGroups(b, a.map((r) => ({ ...r, summary: { ...r.summary, startedAt: new Date(Date.parse(r.summary.startedAt) + 10_000).toISOString() } })));
    for (let i = 0; i < 3; i++) {
      expect((1 + ab[i].change!) * (1 + ba[i].change!)).toBeCloseTo(1, 9);
      expect(ba[i].pValue).toBeCloseTo(ab[i].pValue!, 2);
    }
    expect(ab[0].verdict).toBe('worse');
    expect(ba[0].verdict).toBe('better');
  });

  it('says inconclusive, with what would make it conclusive, for fewer than 3 rounds', () => {
    const { a, b } = simulateAb(3, { rounds: 2, scale: { throughput: 0.5 } });
    for (const f of compareGroups(a, b)) {
      expect(f.verdict).toBe('inconclusive');
      expect(f.remedy).toBe('use at least 3 rounds');
      expect(f.sentence).toMatch(/: inconclusive \(2 usable rounds; the spread between runs needs at least 3\) — use at least 3 rounds$/);
    }
  });

  it('says the runs were too short, and how long they must be, when that is why', () => {
    const { a, b } = simulateAb(4, { seconds: 2, warmupSec: 1 });
    const r = compareGroups(a, b);
    expect(r[0].verdict).toBe('inconclusive');
    expect(r[0].reason).toMatch(/only 0 of 5 rounds had 2 usable steady seconds/);
    expect(r[0].remedy).toBe('runs need at least 3 s, 1 s warm-up + 2 steady seconds');
  });

  it('two-level variance: rounds that agree as well as their seconds say rest on the within-run degrees of freedom', () => {
    const quiet = [1, 2, 3, 4, 5].map((i) => ({ value: 100 * (1 + i * 1e-4), withinVar: 0.0004, withinDf: 3 }));
    const shifted = quiet.map((x) => ({ ...x, value: x.value * 0.9 }));
    const r = pairedTwoLevel(quiet, shifted, 0.95);
    expect(r.decidedBy).toBe('within runs');
    expect(r.df).toBe(30);
    expect(r.se).toBeCloseTo(Math.sqrt(0.0008 / 5), 12);
    expect(Math.expm1(r.logChange)).toBeCloseTo(-0.1, 12);
    const noisy = shifted.map((x, i) => ({ ...x, value: x.value * (i % 2 ? 1.1 : 0.9) }));
    const n = pairedTwoLevel(quiet, noisy, 0.95);
    expect(n.decidedBy).toBe('between runs');
    expect(n.df).toBe(4);
    expect(unpairedTwoLevel(quiet, shifted, 0.95).design).toBe('unpaired');
  });

  it('rounds needed: more noise or a threshold nearer the change needs more rounds; none when the threshold is beyond it', () => {
    const base = roundsToDetect(0.002, 0.1, 0.03, 0.95)!;
    expect(base).toBeGreaterThan(2);
    expect(roundsToDetect(0.004, 0.1, 0.03, 0.95)!).toBeGreaterThan(base);
    expect(roundsToDetect(0.002, 0.1, 0.05, 0.95)!).toBeGreaterThan(base);
    expect(roundsToDetect(0.002, 0.1, 0.1, 0.95)).toBeNull();
  });
});
