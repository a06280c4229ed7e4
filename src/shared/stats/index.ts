// The statistics of run comparisons: pure functions, usable in the main process, the renderer
// and the CLI alike.
export { compareRuns } from './compareRuns.ts';
export { compareGroups } from './compareGroups.ts';
export {
  compareOptionsSchema,
  resolveCompareOptions,
  DEFAULT_NOISE_THRESHOLD,
  type CompareOptions,
  type ResolvedCompareOptions,
  type FigureComparison,
} from './options.ts';
export { FIGURES, figureById, runFigure, steadySeconds, type FigureId, type FigureDefinition } from './figures.ts';
export { decideVerdict, describeP, type Verdict, type VerdictInput, type VerdictDecision } from './verdict.ts';
export { comparisonSentence, describeChange, signedPercent } from './describe.ts';
export { mannWhitneyU, smallestPossibleP, runsNeededPerSide, type MannWhitneyResult } from './mannWhitney.ts';
export { blockBootstrapRelativeChange, circularBlockResample, type RelativeChangeInterval, type Statistic } from './blockBootstrap.ts';
export { chooseBlockLength, politisWhiteBlockLength, ruleOfThumbBlockLength } from './blockLength.ts';
export { expandInterval, expansionFactor } from './expandInterval.ts';
export { createRandom, deriveSeed, randomInt, DEFAULT_SEED, type Random } from './random.ts';
export { mean, median, quantileSorted, relativeChange } from './descriptive.ts';
export { normalCdf, normalQuantile, studentTCdf, studentTQuantile } from './distributions.ts';
