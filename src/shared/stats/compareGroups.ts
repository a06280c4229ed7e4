// Comparison of two groups of repeated runs (A×n vs B×m), e.g. the rounds of an interleaved
// A/B run. Each run contributes one number per figure (the same estimator as for single runs,
// over its steady seconds), and the runs — not their seconds — are the units: repeated runs
// capture the run-to-run variation (placement, caches, the machine's mood) that no amount of
// seconds within one run can show.
//
// Two pieces of evidence must agree for a verdict: the Mann-Whitney U test on the runs' figures
// (p < alpha) and a bootstrap interval of the relative change of the group medians lying wholly
// beyond the noise threshold. The interval is the plain percentile interval of the ordinary
// (i.i.d.) bootstrap — runs are independent, so no blocks — and it is not widened as the
// single-run one is: with a handful of runs the bootstrap median takes only a few distinct
// values, and the rank test, whose p-value is exact for small groups, is what guards against a
// verdict from too little evidence. Medians rather than means, like benchstat: one bad run out
// of five should not decide the comparison.
import type { RunResult } from '../runResult.ts';
import { blockBootstrapRelativeChange } from './blockBootstrap.ts';
import { median, medianInPlace } from './descriptive.ts';
import { comparisonSentence } from './describe.ts';
import { FIGURES, figureUnit, runFigure, type FigureDefinition } from './figures.ts';
import { mannWhitneyU, runsNeededPerSide, smallestPossibleP } from './mannWhitney.ts';
import { resolveCompareOptions, type CompareOptions, type FigureComparison, type ResolvedCompareOptions } from './options.ts';
import { createRandom, deriveSeed, DEFAULT_SEED } from './random.ts';
import { decideVerdict } from './verdict.ts';

/** Throughput, p50 and p99 of group B against group A, with p-values, intervals and verdicts. */
export function compareGroups(a: readonly RunResult[], b: readonly RunResult[], options?: CompareOptions): FigureComparison[] {
  const opts = resolveCompareOptions(options);
  return FIGURES.map((figure, index) => compareFigure(figure, index, a, b, opts));
}

function compareFigure(
  figure: FigureDefinition,
  index: number,
  runsA: readonly RunResult[],
  runsB: readonly RunResult[],
  opts: ResolvedCompareOptions,
): FigureComparison {
  const valuesA = figuresOf(runsA, figure, opts.minSteadySeconds);
  const valuesB = figuresOf(runsB, figure, opts.minSteadySeconds);
  const noiseThreshold = opts.noiseThreshold[figure.noise];
  const base = {
    figure: figure.id,
    name: figure.name,
    unit: figureUnit(figure, [...runsA, ...runsB]),
    confidence: opts.confidence,
    noiseThreshold,
    samples: { baseline: valuesA.length, candidate: valuesB.length },
  };
  const method = `median over runs of each run's ${figure.estimator}`;
  const leftOut = runsA.length + runsB.length - valuesA.length - valuesB.length;
  const note = leftOut > 0 ? `; ${leftOut} run${leftOut === 1 ? '' : 's'} left out with fewer than ${opts.minSteadySeconds} usable steady seconds` : '';
  const notEnough = (reason: string, baseline: number | null = null, candidate: number | null = null): FigureComparison => {
    const fields = { ...base, baseline, candidate, change: null, ciLow: null, ciHigh: null, pValue: null, verdict: 'not enough data' as const };
    return { ...fields, method, sentence: comparisonSentence({ ...fields, reason: reason + note }) };
  };

  const bestP = smallestPossibleP(valuesA.length, valuesB.length);
  if (bestP >= opts.alpha && leftOut > 0 && smallestPossibleP(runsA.length, runsB.length) < opts.alpha) {
    // There were runs enough; too many were too short to have a figure. Say that first.
    const fields = { ...base, baseline: null, candidate: null, change: null, ciLow: null, ciHigh: null, pValue: null, verdict: 'not enough data' as const };
    const reason =
      `${leftOut} of ${runsA.length + runsB.length} runs had fewer than ${opts.minSteadySeconds} usable steady seconds, ` +
      `leaving ${valuesA.length} against ${valuesB.length}; make the runs longer than their warm-up plus ${opts.minSteadySeconds} s`;
    return { ...fields, method, sentence: comparisonSentence({ ...fields, reason }) };
  }
  if (bestP >= opts.alpha) {
    return notEnough(
      `${valuesA.length} run${valuesA.length === 1 ? '' : 's'} against ${valuesB.length} cannot reach p < ${opts.alpha} ` +
        `even when fully separated: the best possible p is ${bestP.toFixed(2)}; use at least ${runsNeededPerSide(opts.alpha)} runs on each side`,
    );
  }
  const baseline = median(valuesA);
  const candidate = median(valuesB);
  if (!(baseline > 0)) return notEnough(`the baseline's ${figure.name} is 0`, baseline, candidate);

  const test = mannWhitneyU(valuesA, valuesB);
  const interval = blockBootstrapRelativeChange(valuesA, valuesB, medianInPlace, {
    resamples: opts.resamples,
    confidence: opts.confidence,
    random: createRandom(deriveSeed(opts.seed ?? DEFAULT_SEED, index)),
    blockLengthA: 1,
    blockLengthB: 1,
  });
  if (interval.validResamples < opts.resamples / 2) return notEnough('most resamples of the baseline were 0', baseline, candidate);

  const change = candidate / baseline - 1;
  const decision = decideVerdict({
    low: interval.low,
    high: interval.high,
    noiseThreshold,
    higherIsBetter: figure.higherIsBetter,
    pValue: test.pValue,
    alpha: opts.alpha,
  });
  const fields = {
    ...base,
    baseline,
    candidate,
    change,
    ciLow: interval.low,
    ciHigh: interval.high,
    pValue: test.pValue,
    verdict: decision.verdict,
  };
  return {
    ...fields,
    sentence: comparisonSentence({ ...fields, reason: decision.reason }),
    method:
      `${method} (${valuesA.length} and ${valuesB.length} runs); Mann-Whitney U ` +
      `${test.method === 'exact' ? 'exact' : 'normal approximation with tie correction'}; ` +
      `percentile interval of ${opts.resamples} bootstrap resamples of the runs${note}`,
  };
}

function figuresOf(runs: readonly RunResult[], figure: FigureDefinition, minSeconds: number): number[] {
  const out: number[] = [];
  for (const run of runs) {
    const value = runFigure(run, figure, minSeconds);
    if (value !== null) out.push(value);
  }
  return out;
}
