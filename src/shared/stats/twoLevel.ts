// The two-level comparison of groups of runs: between runs (placement, the machine's state —
// the reason A/B runs are interleaved) and within each run (its steady seconds).
//
// Each run j gives a figure y_j (on the log scale, so a change is a ratio) and the variance w_j
// of that figure as its own seconds show it (a circular block bootstrap of the run's seconds,
// withinRunVariance below). That is the set-up of a random-effects meta-analysis, each run being
// a "study" with a known within-study variance (DerSimonian & Laird 1986): the variance of a run's
// figure around its group's true value is τ² + w_j, τ² being the between-run variance.
//
// Interleaved rounds are paired, as in a cross-over trial (Senn 2002, "Cross-over Trials in
// Clinical Research"): A and B of one round share the machine's state, so the comparison is made
// on each round's log-ratio d_i = y_Bi − y_Ai, and whatever the two runs of a round share cancels.
// Groups that were not interleaved are compared unpaired (the difference of the groups' means).
//
// The variance of the mean change uses both levels with the method-of-moments estimate of τ²
// truncated at 0 (DerSimonian & Laird with equal weights): τ̂² = max(0, S² − W̄), where S² is the
// spread of the rounds' changes and W̄ the mean within-run variance, so Var = (τ̂² + W̄)/n =
// max(S², W̄)/n. Its degrees of freedom follow the estimate that decided it: n − 1 when the rounds
// differ more than their seconds explain (the rounds are then the evidence, as in a paired t
// test), and the within-run degrees of freedom (Σ independent blocks − 1 per run) when they do
// not: runs that agree as well as their own seconds say they should no longer pay for a t(4)
// quantile — this is where the seconds inside each run add evidence that one figure per run
// throws away. The interval is Student's t on the log scale, transformed back into a relative
// change; tests/statsGroups.test.ts measures its false alarms and its power by simulation.
import { circularBlockResample, type Statistic } from './blockBootstrap.ts';
import { chooseBlockLength } from './blockLength.ts';
import { mean } from './descriptive.ts';
import { normalQuantile, studentTCdf, studentTQuantile } from './distributions.ts';
import type { Random } from './random.ts';

/** One run's evidence for one figure. */
export interface RunEvidence {
  /** The run's figure (> 0). */
  value: number;
  /** Variance of ln(value) as the run's own seconds show it. */
  withinVar: number;
  /** Degrees of freedom of withinVar (independent blocks − 1, at least 1). */
  withinDf: number;
}

export interface TwoLevelResult {
  /** Mean change on the log scale (ln of the ratio B/A). */
  logChange: number;
  /** Its standard error. */
  se: number;
  df: number;
  /** Interval of the relative change (fractions). */
  low: number;
  high: number;
  /** Two-sided p-value of "no change". */
  pValue: number;
  /** 'paired' when rounds were paired, else 'unpaired'. */
  design: 'paired' | 'unpaired';
  /** Rounds (paired) or runs per side (unpaired, the smaller side). */
  n: number;
  /** Which level decided the variance: 'between runs' (S² > W̄) or 'within runs'. */
  decidedBy: 'between runs' | 'within runs';
  /** Variance of one round's log-ratio (paired) or of one A run plus one B run (unpaired): for the power estimate. */
  perRoundVar: number;
}

/** Paired rounds: A and B of round i are `a[i]` and `b[i]` (same length, ≥ 2). */
export function pairedTwoLevel(a: readonly RunEvidence[], b: readonly RunEvidence[], confidence: number): TwoLevelResult {
  const n = a.length;
  if (n !== b.length || n < 2) throw new RangeError('paired comparison needs two equal groups of at least 2 runs');
  const d = a.map((x, i) => Math.log(b[i].value) - Math.log(x.value));
  const w = a.map((x, i) => x.withinVar + b[i].withinVar);
  const within = mean(w);
  const between = sampleVariance(d);
  const withinDf = sum(a.map((x) => x.withinDf)) + sum(b.map((x) => x.withinDf));
  const decidedBy = between > within ? 'between runs' : 'within runs';
  const perRoundVar = Math.max(between, within);
  const df = decidedBy === 'between runs' ? n - 1 : withinDf;
  return finish(mean(d), Math.sqrt(perRoundVar / n), df, confidence, { design: 'paired', n, decidedBy, perRoundVar });
}

/** Two independent groups (each ≥ 2 runs): the difference of the groups' mean log figures. */
export function unpairedTwoLevel(a: readonly RunEvidence[], b: readonly RunEvidence[], confidence: number): TwoLevelResult {
  if (a.length < 2 || b.length < 2) throw new RangeError('unpaired comparison needs at least 2 runs per group');
  const side = (g: readonly RunEvidence[]) => {
    const y = g.map((x) => Math.log(x.value));
    const between = sampleVariance(y);
    const within = mean(g.map((x) => x.withinVar));
    const decided = between > within;
    return { mean: mean(y), var: Math.max(between, within), n: g.length, df: decided ? g.length - 1 : sum(g.map((x) => x.withinDf)), decided };
  };
  const sa = side(a);
  const sb = side(b);
  const va = sa.var / sa.n;
  const vb = sb.var / sb.n;
  // Welch–Satterthwaite: the two sides' variances, each with its own degrees of freedom.
  const df = (va + vb) ** 2 / (va ** 2 / sa.df + vb ** 2 / sb.df);
  return finish(sb.mean - sa.mean, Math.sqrt(va + vb), df, confidence, {
    design: 'unpaired',
    n: Math.min(sa.n, sb.n),
    decidedBy: sa.decided || sb.decided ? 'between runs' : 'within runs',
    perRoundVar: sa.var + sb.var,
  });
}

function finish(
  logChange: number,
  se: number,
  df: number,
  confidence: number,
  rest: Pick<TwoLevelResult, 'design' | 'n' | 'decidedBy' | 'perRoundVar'>,
): TwoLevelResult {
  const q = studentTQuantile(1 - (1 - confidence) / 2, df);
  const t = se > 0 ? Math.abs(logChange) / se : logChange === 0 ? 0 : Number.POSITIVE_INFINITY;
  const pValue = Math.min(1, 2 * (1 - studentTCdf(t, df)));
  return { logChange, se, df, low: Math.expm1(logChange - q * se), high: Math.expm1(logChange + q * se), pValue, ...rest };
}

/**
 * Rounds that would detect a relative change of `change` (e.g. 0.10) beyond the noise threshold
 * with 80% power at `confidence`, given the variance of one round; null when the threshold is not
 * below the change (nothing that size can be called). Solves n ≥ (t(n−1) + z(0.8))² · v / m²,
 * m = ln(1 + change) − ln(1 + threshold), by counting up (the t quantile depends on n).
 */
export function roundsToDetect(perRoundVar: number, change: number, noiseThreshold: number, confidence: number, max = 1000): number | null {
  const margin = Math.log1p(change) - Math.log1p(noiseThreshold);
  if (!(margin > 0) || !(perRoundVar >= 0)) return null;
  const zPower = normalQuantile(0.8);
  const p = 1 - (1 - confidence) / 2;
  for (let n = 2; n <= max; n++) {
    const need = ((studentTQuantile(p, n - 1) + zPower) ** 2 * perRoundVar) / (margin * margin);
    if (n >= need) return n;
  }
  return max + 1;
}

function sampleVariance(values: readonly number[]): number {
  const m = mean(values);
  let s = 0;
  for (const v of values) s += (v - m) ** 2;
  return s / (values.length - 1);
}

function sum(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

/**
 * One run's figure and its within-run variance on the log scale: `resamples` circular block
 * resamples of the run's per-second series (blocks as for single runs, blockLength.ts), the
 * variance of ln(statistic) over them, scaled by k/(k − 1) for the k independent blocks the run
 * holds (the bootstrap's variance is computed around the run's own mean, the block-level version
 * of dividing by n instead of n − 1). Null when the figure is not positive.
 */
export function withinRunEvidence(series: readonly number[], statistic: Statistic, random: Random, resamples = 200): RunEvidence | null {
  const value = statistic(Float64Array.from(series));
  if (!(value > 0) || !Number.isFinite(value)) return null;
  const blockLength = chooseBlockLength(series);
  const blocks = Math.max(1.5, series.length / blockLength);
  const scratch = new Float64Array(series.length);
  const logs: number[] = [];
  for (let r = 0; r < resamples; r++) {
    circularBlockResample(series, blockLength, random, scratch);
    const v = statistic(scratch);
    if (v > 0 && Number.isFinite(v)) logs.push(Math.log(v));
  }
  if (logs.length < resamples / 2) return null;
  return { value, withinVar: sampleVariance(logs) * (blocks / (blocks - 1)), withinDf: Math.max(1, blocks - 1) };
}
