// Comparison of two single runs (baseline A, candidate B) over their steady per-second samples.
// Per figure: the estimator of figures.ts on each run's steady seconds, a circular block
// bootstrap of the ratio (blockBootstrap.ts, block lengths from blockLength.ts), the interval
// widened for the few independent blocks a run holds (expandInterval.ts), then the verdict
// (verdict.ts). Each figure draws from its own seeded stream, so its interval does not depend on
// which other figures were computed.
import type { RunResult, RunSample } from '../runResult.ts';
import { blockBootstrapRelativeChange } from './blockBootstrap.ts';
import { chooseBlockLength } from './blockLength.ts';
import { comparisonSentence } from './describe.ts';
import { expandInterval, expansionFactor } from './expandInterval.ts';
import { FIGURES, figureUnit, steadySeconds, type FigureDefinition } from './figures.ts';
import { resolveCompareOptions, type CompareOptions, type FigureComparison, type ResolvedCompareOptions } from './options.ts';
import { createRandom, deriveSeed, DEFAULT_SEED } from './random.ts';
import { decideVerdict } from './verdict.ts';

/** Throughput, p50 and p99 of B against A, each with an interval and a verdict. */
export function compareRuns(a: RunResult, b: RunResult, options?: CompareOptions): FigureComparison[] {
  const opts = resolveCompareOptions(options);
  const secondsA = steadySeconds(a);
  const secondsB = steadySeconds(b);
  const warmupSec = Math.max(a.config.warmupSec, b.config.warmupSec);
  return FIGURES.map((figure, index) => compareFigure(figure, index, secondsA, secondsB, figureUnit(figure, [a, b]), warmupSec, opts));
}

function compareFigure(
  figure: FigureDefinition,
  index: number,
  secondsA: readonly RunSample[],
  secondsB: readonly RunSample[],
  unit: string,
  warmupSec: number,
  opts: ResolvedCompareOptions,
): FigureComparison {
  const seriesA = figure.series(secondsA);
  const seriesB = figure.series(secondsB);
  const noiseThreshold = opts.noiseThreshold[figure.noise];
  const base = {
    figure: figure.id,
    name: figure.name,
    unit,
    confidence: opts.confidence,
    pValue: null,
    noiseThreshold,
    samples: { baseline: seriesA.length, candidate: seriesB.length },
  };
  const inconclusive = (reason: string, remedy: string, baseline: number | null = null, candidate: number | null = null): FigureComparison => {
    const fields = { ...base, baseline, candidate, change: null, ciLow: null, ciHigh: null, verdict: 'inconclusive' as const, reason, remedy };
    return { ...fields, method: `${figure.estimator} over steady seconds`, sentence: comparisonSentence(fields) };
  };

  const short = shortfall(seriesA.length, seriesB.length, opts.minSteadySeconds, figure.noise === 'latency');
  if (short) return inconclusive(short, runLengthNeeded(warmupSec, opts.minSteadySeconds, figure.noise === 'latency'));

  const baseline = figure.statistic(Float64Array.from(seriesA));
  const candidate = figure.statistic(Float64Array.from(seriesB));
  if (!(baseline > 0)) return inconclusive(`the baseline's ${figure.name} is 0`, 'a relative change needs a baseline that completed requests', baseline, candidate);

  const blockA = chooseBlockLength(seriesA);
  const blockB = chooseBlockLength(seriesB);
  const interval = blockBootstrapRelativeChange(seriesA, seriesB, figure.statistic, {
    resamples: opts.resamples,
    confidence: opts.confidence,
    random: createRandom(deriveSeed(opts.seed ?? DEFAULT_SEED, index)),
    blockLengthA: blockA,
    blockLengthB: blockB,
  });
  if (interval.validResamples < opts.resamples / 2) {
    return inconclusive('most resamples of the baseline were 0', 'a baseline with completions in most of its steady seconds', baseline, candidate);
  }

  // The run with fewer independent blocks limits what the pair can show: its count sets the widening.
  const blocks = Math.min(seriesA.length / blockA, seriesB.length / blockB);
  const factor = expansionFactor(blocks, opts.confidence);
  const { low, high } = expandInterval(interval, factor);
  const change = candidate / baseline - 1;
  const decision = decideVerdict({ low, high, noiseThreshold, higherIsBetter: figure.higherIsBetter });
  const fields = { ...base, baseline, candidate, change, ciLow: low, ciHigh: high, verdict: decision.verdict, reason: decision.reason, remedy: null };
  return {
    ...fields,
    sentence: comparisonSentence(fields),
    method:
      `${figure.estimator} over ${seriesA.length} and ${seriesB.length} steady seconds; ` +
      `percentile interval of ${opts.resamples} circular block-bootstrap resamples (blocks of ${blockA} s and ${blockB} s), ` +
      `widened ×${factor.toFixed(2)} for ${blocks.toFixed(1)} independent blocks`,
  };
}

/** What would make a too-short pair conclusive: "runs need at least 3 s, 1 s warm-up + 2 steady seconds". */
export function runLengthNeeded(warmupSec: number, minSeconds: number, withCompletions = false): string {
  const steady = `${minSeconds} steady second${minSeconds === 1 ? '' : 's'}${withCompletions ? ' with completions' : ''}`;
  return warmupSec > 0 ? `runs need at least ${warmupSec + minSeconds} s, ${warmupSec} s warm-up + ${steady}` : `runs need at least ${minSeconds} s of ${steady}`;
}

/** Why the runs are too short, or '' when they are long enough. */
function shortfall(nA: number, nB: number, min: number, withCompletions: boolean): string {
  if (nA >= min && nB >= min) return '';
  const what = (n: number) => `${n} steady second${n === 1 ? '' : 's'}${withCompletions ? ' with completions' : ''}`;
  if (nA < min && nB < min) return `baseline has ${nA} and candidate ${what(nB)}; at least ${min} needed`;
  return nA < min ? `baseline has ${what(nA)}; at least ${min} needed` : `candidate has ${what(nB)}; at least ${min} needed`;
}
