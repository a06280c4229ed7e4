// From an interval to a word. The rule follows criterion.rs: a difference counts only when the
// whole confidence interval lies beyond a noise threshold, because on a shared machine a change
// of 1–2% is routinely real yet meaningless (CPU frequency, a neighbour's cron job) — calling it
// "worse" would train people to ignore the verdicts. For groups of runs the test's p-value must
// agree too (p < alpha); with a t interval at 1 − alpha it always does, but the check stays so a
// caller's p-value and interval can never disagree silently.

// "inconclusive" is not "no clear difference": the latter is a judgement (the interval was
// computed and does not lie beyond the noise threshold); the former says the data could not be
// judged at all (runs too short, too few runs, a baseline of 0), and every such answer carries
// what would make it conclusive.
export type Verdict = 'better' | 'worse' | 'no clear difference' | 'inconclusive';

export interface VerdictInput {
  /** Confidence interval of the relative change (fractions: 0.05 = +5%). */
  low: number;
  high: number;
  /** Changes within ±noiseThreshold are not called (fraction, ≥ 0). */
  noiseThreshold: number;
  /** Throughput: true; latency and errors: false. */
  higherIsBetter: boolean;
  /** Groups only: two-sided p-value of the group test; undefined or null for single runs. */
  pValue?: number | null;
  alpha?: number;
}

export interface VerdictDecision {
  verdict: Verdict;
  /** Why, in a few words, when the answer is not better/worse; empty otherwise. */
  reason: string;
}

export function decideVerdict(input: VerdictInput): VerdictDecision {
  const { low, high, noiseThreshold: t, higherIsBetter } = input;
  if (!Number.isFinite(low) || !Number.isFinite(high)) return { verdict: 'inconclusive', reason: 'no interval could be computed' };
  const pct = `±${formatThreshold(t)}`;
  const up = low > t;
  const down = high < -t;
  if (!up && !down) {
    if (low <= 0 && high >= 0) return { verdict: 'no clear difference', reason: 'the interval includes 0' };
    if (low >= -t && high <= t) return { verdict: 'no clear difference', reason: `within the ${pct} noise threshold` };
    return { verdict: 'no clear difference', reason: `the interval reaches inside the ${pct} noise threshold` };
  }
  if (input.pValue !== undefined && input.pValue !== null) {
    const alpha = input.alpha ?? 0.05;
    if (!(input.pValue < alpha)) {
      return { verdict: 'no clear difference', reason: `${describeP(input.pValue)}, not below ${alpha}` };
    }
  }
  return { verdict: up === higherIsBetter ? 'better' : 'worse', reason: '' };
}

function formatThreshold(t: number): string {
  return `${Number((t * 100).toFixed(2))}%`;
}

/** "p = 0.031", "p < 0.001": three decimals where the 0.05 boundary needs them. */
export function describeP(p: number): string {
  if (p < 0.001) return 'p < 0.001';
  return `p = ${p < 0.1 ? p.toFixed(3) : p.toFixed(2)}`;
}
