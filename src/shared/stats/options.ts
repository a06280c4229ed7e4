// Options of a comparison and the shape of its answer, shared by single runs and groups.
import { z } from 'zod';
import { strictObject } from '../strictObject.ts';
import type { FigureId } from './figures.ts';
import type { Verdict } from './verdict.ts';

export const DEFAULT_NOISE_THRESHOLD = { throughput: 0.03, latency: 0.05 } as const;

/** Validates options coming from the CLI or IPC; every field has a default. */
export const compareOptionsSchema = strictObject({
  /** Bootstrap resamples; 2,000 keeps the 2.5% tails stable to a few tenths of a percent. */
  resamples: z.number().int().min(200).max(100_000).default(2000),
  /** Two-sided confidence of the interval. */
  confidence: z.number().gt(0.5).lt(1).default(0.95),
  /** Seed of the bootstrap's PRNG: same data and seed, same answer. */
  seed: z.number().int().min(0).max(0xffff_ffff).optional(),
  /** Relative changes inside ±threshold are never called better or worse (fractions: 0.03 = 3%). */
  noiseThreshold: strictObject({
      throughput: z.number().min(0).max(10).default(DEFAULT_NOISE_THRESHOLD.throughput),
      latency: z.number().min(0).max(10).default(DEFAULT_NOISE_THRESHOLD.latency),
    })
    .default({ ...DEFAULT_NOISE_THRESHOLD }),
  /**
   * Fewer steady seconds than this (per run) is "inconclusive". Two is the least a spread can be
   * estimated from; the interval is then widened for its one degree of freedom (expandInterval.ts),
   * which the simulations in tests/statsShortRuns.test.ts show keeps false alarms rare.
   */
  minSteadySeconds: z.number().int().min(2).max(3600).default(2),
  /** Groups: the test's p-value must be below this for a verdict (kept for callers; the interval is at `confidence`). */
  alpha: z.number().gt(0).lt(1).default(0.05),
});

export type CompareOptions = z.input<typeof compareOptionsSchema>;
export type ResolvedCompareOptions = z.output<typeof compareOptionsSchema>;

export function resolveCompareOptions(options: CompareOptions = {}): ResolvedCompareOptions {
  const parsed = compareOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.map(String).join('.') || 'options'}: ${i.message}`);
    throw new RangeError(`invalid comparison options: ${problems.join('; ')}`);
  }
  return parsed.data;
}

export interface FigureComparison {
  figure: FigureId;
  /** As shown: "throughput", "p50 latency", "p99 latency". */
  name: string;
  /** "req/s", "msg/s" or "µs" (latencies are in microseconds, like the rest of the result model). */
  unit: string;
  /** The figure of A and of B (single runs: the estimator over steady seconds; groups: median of the runs' figures). */
  baseline: number | null;
  candidate: number | null;
  /** candidate / baseline − 1 (0.10 = 10% higher). */
  change: number | null;
  /** Confidence interval of `change`. */
  ciLow: number | null;
  ciHigh: number | null;
  confidence: number;
  /** Groups: two-sided p-value of the two-level test of the change (see compareGroups.ts); single runs: null. */
  pValue: number | null;
  /** The threshold applied (fraction). */
  noiseThreshold: number;
  verdict: Verdict;
  /** Why the verdict is "no clear difference" or "inconclusive" (empty for better/worse). */
  reason: string;
  /**
   * "inconclusive": what would make it conclusive ("runs need at least 4 s, 2 s warm-up + 2 steady
   * seconds"); "no clear difference" of groups: how many rounds would detect a 10% change at this
   * noise level, when that can be estimated; otherwise null.
   */
  remedy: string | null;
  /** One line for people: "p99 latency: 12.3 ms → 13.8 ms, 12.3% higher (95% CI +8.1% to +16.0%) — worse". */
  sentence: string;
  /** How the figures and the interval were obtained, for reports and tooltips. */
  method: string;
  /** Steady seconds (single runs) or runs (groups) behind each side. */
  samples: { baseline: number; candidate: number };
}
