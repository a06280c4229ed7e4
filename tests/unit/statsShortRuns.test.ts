// Two short runs (the app's "Try it" makes 5-second runs): a verdict when the data support one,
// "inconclusive" — with what would make it conclusive — when they do not, and false alarms as
// rare as for long runs. Two steady seconds are enough for an interval once it is widened for
// its one degree of freedom (expandInterval.ts: Student's t with k − 1 degrees of freedom for k
// independent blocks); these simulations show that it keeps same-distribution runs from being
// called "worse" while a 100× change in 3-second runs still is.
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/shared/runResult.ts';
import { compareRuns, type FigureId, type Verdict } from '../../src/shared/stats/index.ts';
import { simulateAb, type AbProcess } from '../support/abSimulation.ts';

const SEEDS = 200;

/** Two independent runs of `seconds` s (1 s warm-up) from the same process, B scaled by `scale`. */
function pair(seed: number, process: Partial<AbProcess>): { a: RunResult; b: RunResult } {
  const { a, b } = simulateAb(seed, { rounds: 1, roundNoise: 0, ...process });
  return { a: a[0], b: b[0] };
}

function tally(process: Partial<AbProcess>) {
  const counts = {} as Record<FigureId, Record<Verdict, number>>;
  for (let s = 1; s <= SEEDS; s++) {
    const { a, b } = pair(13 * s + 5, process);
    for (const f of compareRuns(a, b, { resamples: 500 })) {
      counts[f.figure] ??= { better: 0, worse: 0, 'no clear difference': 0, inconclusive: 0 };
      counts[f.figure][f.verdict]++;
    }
  }
  return counts;
}

describe('verdicts on short runs', () => {
  it('calls same-distribution 3-, 4- and 5-second runs "worse" in at most 5% of seeds', () => {
    for (const seconds of [3, 4, 5]) {
      // Same distribution: no run-level shift (two single runs cannot show one — that is what
      // repeated runs are for). Seconds correlated with φ = 0.5; 2% and 10% per-second noise.
      // Measured beyond this test: φ = 0.7 with 10% noise gives 5.3% "worse" in throughput for
      // 4-second runs — about what the same process gives 8-second runs (4%).
      for (const noise of [{ secondNoise: 0.02, runNoise: 0 }, { secondNoise: 0.1, runNoise: 0 }]) {
        const counts = tally({ seconds, ...noise });
        for (const f of ['throughput', 'p50', 'p99'] as const) {
          expect(counts[f].worse, `${f}, ${seconds} s, ${JSON.stringify(noise)}`).toBeLessThanOrEqual(0.05 * SEEDS);
          expect(counts[f].inconclusive, `${f}, ${seconds} s`).toBe(0);
        }
      }
    }
  });

  it('calls a 100× latency difference between 3-second runs "worse" (157 µs → 21.4 ms)', () => {
    const slower = { p50: 21_400 / 157, p99: 21_400 / 157 };
    const counts = tally({ seconds: 3, secondNoise: 0.1, runNoise: 0.03, scale: slower });
    expect(counts.p50.worse).toBe(SEEDS);
    expect(counts.p99.worse).toBe(SEEDS);
    const { a, b } = pair(1, { seconds: 3, scale: slower });
    const p50 = compareRuns(a, b).find((f) => f.figure === 'p50')!;
    expect(p50.samples).toEqual({ baseline: 2, candidate: 2 });
    expect(p50.sentence).toMatch(/^p50 latency: .* higher \(95% CI \+\d[\d,.]*% to \+\d[\d,.]*%\) — worse$/);
  });

  it('says "inconclusive" and how long the runs must be when a run has under 2 steady seconds', () => {
    const { a, b } = pair(2, { seconds: 2 });
    for (const f of compareRuns(a, b)) {
      expect(f.verdict).toBe('inconclusive');
      expect(f.remedy).toMatch(/^runs need at least 3 s, 1 s warm-up \+ 2 steady seconds/);
      expect(f.sentence).toMatch(/: inconclusive \(.*\) — runs need at least 3 s/);
    }
  });
});
