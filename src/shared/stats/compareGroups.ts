// Comparison of two groups of repeated runs (A×n vs B×m), e.g. the rounds of an interleaved
// A/B run, using both levels of evidence (twoLevel.ts): the variation between runs, which only
// repeating shows (placement, caches, the machine's state), and the evidence within each run,
// its steady seconds, which set a floor under each run's uncertainty and — when the runs agree as
// well as their seconds say they should — the degrees of freedom of the interval.
//
// Interleaved groups (A B A B …, as `barrage ab` runs them) are paired by round (pairRounds), so
// drift of the machine that both runs of a round share cancels; other groups are compared unpaired. Each run's
// figure is the single-run estimator over its steady seconds (figures.ts), except the p99: when
// every run kept its per-second histograms, each run's p99 is that of its steady seconds merged
// (pooledTail.ts), with the tail's full count behind it. The verdict needs the
// whole interval beyond the noise threshold (verdict.ts); a "no clear difference" says how many
// rounds would detect a 10% change at the noise this comparison measured.
//
// This replaced Mann-Whitney U on one figure per run: with 5 runs a side its smallest possible p
// is 0.008, one odd run decides, and a run's seconds count for nothing — measured on a real 10%
// server regression it called nothing in 10 runs that one pair of runs had caught.
import type { RunResult } from '../runResult.ts';
import { comparisonSentence } from './describe.ts';
import { FIGURES, figureUnit, steadySeconds, type FigureDefinition } from './figures.ts';
import { resolveCompareOptions, type CompareOptions, type FigureComparison, type ResolvedCompareOptions } from './options.ts';
import { createRandom, deriveSeed, DEFAULT_SEED } from './random.ts';
import { pairedTwoLevel, roundsToDetect, unpairedTwoLevel, withinRunEvidence, type RunEvidence, type TwoLevelResult } from './twoLevel.ts';
import { decideVerdict } from './verdict.ts';
import { runLengthNeeded } from './compareRuns.ts';
import { histogramBuckets } from '../result/histogramCodec.ts';
import { pooledPercentileEvidence, type SecondHistogram } from './pooledTail.ts';

/** Fewer usable rounds (paired) or runs per side (unpaired) leave the between-run spread on 1 degree of freedom. */
export const MIN_GROUP_RUNS = 3;

/** The change the "about N rounds would detect …" message is about. */
export const DETECTABLE_CHANGE = 0.1;

/** Throughput, p50 and p99 of group B against group A, with p-values, intervals and verdicts. */
export function compareGroups(a: readonly RunResult[], b: readonly RunResult[], options?: CompareOptions): FigureComparison[] {
  const opts = resolveCompareOptions(options);
  const runsA = byStart(a);
  const runsB = byStart(b);
  const rounds = pairRounds(runsA, runsB);
  const warmupSec = Math.max(0, ...[...a, ...b].map((r) => r.config.warmupSec));
  return FIGURES.map((figure, index) => compareFigure(figure, index, runsA, runsB, rounds, warmupSec, opts));
}

/**
 * The rounds of an interleaved A/B: in start order, each A directly followed by a B is a round.
 * Null when the groups were not interleaved — more than two runs without a partner (one left-out
 * run leaves its partner alone; a group run A A A B B B pairs only once).
 */
export function pairRounds(a: readonly RunResult[], b: readonly RunResult[]): Array<[number, number]> | null {
  const t = (r: RunResult) => Date.parse(r.summary.startedAt);
  const all = [...a.map((r, i) => ({ side: 'A' as const, i, t: t(r) })), ...b.map((r, i) => ({ side: 'B' as const, i, t: t(r) }))].sort((x, y) => x.t - y.t);
  const rounds: Array<[number, number]> = [];
  for (let k = 0; k + 1 < all.length; k++) {
    if (all[k].side === 'A' && all[k + 1].side === 'B' && all[k].t < all[k + 1].t) {
      rounds.push([all[k].i, all[k + 1].i]);
      k++;
    }
  }
  const unmatched = a.length + b.length - 2 * rounds.length;
  return rounds.length > 0 && unmatched <= 2 ? rounds : null;
}

function compareFigure(
  figure: FigureDefinition,
  index: number,
  runsA: readonly RunResult[],
  runsB: readonly RunResult[],
  rounds: Array<[number, number]> | null,
  warmupSec: number,
  opts: ResolvedCompareOptions,
): FigureComparison {
  const random = createRandom(deriveSeed(opts.seed ?? DEFAULT_SEED, index));
  // A tail figure from merged per-second histograms when every run has them; one run without
  // (stored before they were kept) puts the whole comparison on the per-second estimator, so the
  // two groups are never measured with different rulers.
  const pooled = figure.pooledPercentile !== undefined ? pooledInputs([...runsA, ...runsB], opts.minSteadySeconds) : null;
  const evidence = (r: RunResult, i: number): RunEvidence | null =>
    pooled?.usable && figure.pooledPercentile !== undefined
      ? pooledEvidence(pooled.inputs[i], opts.minSteadySeconds, figure.pooledPercentile, random)
      : evidenceOf(r, figure, opts.minSteadySeconds, random);
  const evidenceA = runsA.map((r, i) => evidence(r, i));
  const evidenceB = runsB.map((r, i) => evidence(r, runsA.length + i));
  let usedA: RunEvidence[];
  let usedB: RunEvidence[];
  const paired = rounds !== null;
  if (rounds) {
    // A round counts only when both of its runs have the figure.
    const usable = rounds.map(([i, j]) => [evidenceA[i], evidenceB[j]] as const).filter((p): p is readonly [RunEvidence, RunEvidence] => p[0] !== null && p[1] !== null);
    usedA = usable.map((p) => p[0]);
    usedB = usable.map((p) => p[1]);
  } else {
    usedA = evidenceA.filter((x): x is RunEvidence => x !== null);
    usedB = evidenceB.filter((x): x is RunEvidence => x !== null);
  }
  const noiseThreshold = opts.noiseThreshold[figure.noise];
  const base = {
    figure: figure.id,
    name: figure.name,
    unit: figureUnit(figure, [...runsA, ...runsB]),
    confidence: opts.confidence,
    noiseThreshold,
    samples: { baseline: usedA.length, candidate: usedB.length },
  };
  const design = paired ? `${usedA.length} paired rounds` : `${usedA.length} and ${usedB.length} runs, unpaired`;
  const leftOut = runsA.length + runsB.length - usedA.length - usedB.length;
  const fallback =
    pooled && !pooled.usable
      ? `; ${figure.name} as the ${figure.estimator}, since ${pooled.without} of ${runsA.length + runsB.length} runs were stored without per-second histograms (before Barrage kept them)`
      : '';
  const note = leftOut > 0 ? `; ${leftOut} run${leftOut === 1 ? '' : 's'} left out (too few usable steady seconds${paired ? ', or its round partner had' : ''})` : '';
  const inconclusive = (reason: string, remedy: string): FigureComparison => {
    const fields = { ...base, baseline: null, candidate: null, change: null, ciLow: null, ciHigh: null, pValue: null, verdict: 'inconclusive' as const, reason: reason + note, remedy };
    return { ...fields, method: `two-level comparison of ${design}${fallback}`, sentence: comparisonSentence(fields) };
  };

  const available = Math.min(usedA.length, usedB.length);
  if (available < MIN_GROUP_RUNS) {
    const unit = paired ? 'rounds' : 'runs per side';
    const had = rounds ? rounds.length : Math.min(runsA.length, runsB.length);
    if (had >= MIN_GROUP_RUNS) {
      // There were runs enough; too many were too short to have the figure. Say that first.
      return inconclusive(
        `only ${available} of ${had} ${unit} had ${opts.minSteadySeconds} usable steady seconds${figure.noise === 'latency' ? ' with completions' : ''}`,
        runLengthNeeded(warmupSec, opts.minSteadySeconds, figure.noise === 'latency'),
      );
    }
    return inconclusive(`${available} usable ${unit}; the spread between runs needs at least ${MIN_GROUP_RUNS}`, `use at least ${MIN_GROUP_RUNS} ${unit}`);
  }

  const result = paired ? pairedTwoLevel(usedA, usedB, opts.confidence) : unpairedTwoLevel(usedA, usedB, opts.confidence);
  const baseline = geometricMean(usedA);
  const candidate = geometricMean(usedB);
  const change = candidate / baseline - 1;
  const decision = decideVerdict({
    low: result.low,
    high: result.high,
    noiseThreshold,
    higherIsBetter: figure.higherIsBetter,
    pValue: result.pValue,
    alpha: 1 - opts.confidence,
  });
  const remedy = decision.verdict === 'no clear difference' ? roundsMessage(result, noiseThreshold, opts.confidence) : null;
  const fields = {
    ...base,
    baseline,
    candidate,
    change,
    ciLow: result.low,
    ciHigh: result.high,
    pValue: result.pValue,
    verdict: decision.verdict,
    reason: decision.reason,
    remedy,
  };
  return {
    ...fields,
    sentence: comparisonSentence(fields),
    method:
      `two-level comparison of ${design}: each run's ` +
      (pooled?.usable
        ? `p${figure.pooledPercentile} of the merged histograms of its steady seconds with its within-run variance from ` +
          `a circular block bootstrap of those seconds (merged again per resample)`
        : `${figure.estimator} with its within-run variance from a circular block bootstrap of its seconds`) +
      `; between-run variance by the method of moments (DerSimonian-Laird), ` +
      `decided here by the ${result.decidedBy === 'between runs' ? 'spread between runs' : "runs' own seconds"}; ` +
      `Student's t with ${Number(result.df.toFixed(1))} degrees of freedom on the log ratio` +
      `${paired ? ' of each round' : ''}; group figures are geometric means over runs${note}${fallback}`,
  };
}

/** "about 12 rounds would detect a 10% change at this noise level". */
function roundsMessage(result: TwoLevelResult, noiseThreshold: number, confidence: number): string | null {
  const n = roundsToDetect(result.perRoundVar, DETECTABLE_CHANGE, noiseThreshold, confidence);
  if (n === null) return null;
  const pct = `${Math.round(DETECTABLE_CHANGE * 100)}%`;
  const rounds = result.design === 'paired' ? 'rounds' : 'runs per side';
  if (n <= result.n) return `${result.n} ${rounds} would likely have detected a ${pct} change at this noise level`;
  if (n > 1000) return `more than 1000 ${rounds} would be needed to detect a ${pct} change at this noise level`;
  return `about ${n} ${rounds} would detect a ${pct} change at this noise level`;
}

function evidenceOf(run: RunResult, figure: FigureDefinition, minSeconds: number, random: () => number): RunEvidence | null {
  const series = figure.series(steadySeconds(run));
  if (series.length < Math.max(2, minSeconds)) return null;
  return withinRunEvidence(series, figure.statistic, random);
}

interface RunHistograms {
  /** The steady seconds with completions, as histograms, in time order. */
  seconds: SecondHistogram[];
  /** Those seconds' own p99s, in the same order: the series the bootstrap's block length is chosen on. */
  p99: number[];
}

/**
 * Each run's steady per-second histograms (null for a run with too few seconds to count anyway);
 * `usable` only when every run that could count has one for each of its steady seconds with
 * completions, else `without` says how many do not.
 */
function pooledInputs(runs: readonly RunResult[], minSeconds: number): { usable: boolean; without: number; inputs: Array<RunHistograms | null> } {
  let without = 0;
  const inputs = runs.map((run): RunHistograms | null => {
    const seconds = steadySeconds(run).filter((s) => s.latencyUs !== null);
    if (seconds.length < Math.max(2, minSeconds)) return null;
    const decoded: SecondHistogram[] = [];
    for (const s of seconds) {
      const buckets = s.histogram ? histogramBuckets(s.histogram) : null;
      if (!buckets || buckets.counts.length === 0) {
        without++;
        return null;
      }
      decoded.push(buckets);
    }
    return { seconds: decoded, p99: seconds.map((s) => s.latencyUs!.p99) };
  });
  return { usable: without === 0, without, inputs };
}

function pooledEvidence(input: RunHistograms | null, minSeconds: number, percentile: number, random: () => number): RunEvidence | null {
  if (!input || input.seconds.length < Math.max(2, minSeconds)) return null;
  return pooledPercentileEvidence(input.seconds, input.p99, percentile, random);
}

function geometricMean(evidence: readonly RunEvidence[]): number {
  let s = 0;
  for (const e of evidence) s += Math.log(e.value);
  return Math.exp(s / evidence.length);
}

function byStart(runs: readonly RunResult[]): RunResult[] {
  return [...runs].sort((x, y) => x.summary.startedAt.localeCompare(y.summary.startedAt));
}
