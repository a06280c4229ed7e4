// Stored runs side by side: the key figures of each run, their differences from the baseline,
// and the statistics' verdicts (compareRuns for single runs, compareGroups for A/B groups).
// Shared by `barrage compare`, `barrage ab`, the HTML reports and the app's API.
import { diffConfigs, type ConfigDiff } from './configDiff.ts';
import type { StoredRun } from './history.ts';
import type { LatencyFigure, RunResult, RunStatus } from './runResult.ts';
import type { Protocol } from './scenario.ts';
import type { StageSelection } from './stageCompare.ts';
import type { StepsComparison } from './stepCompare.ts';
import {
  compareGroups,
  compareRuns,
  resolveCompareOptions,
  type CompareOptions,
  type FigureComparison,
} from './stats/index.ts';
import { formatCount, formatUs } from './units.ts';
import { throughputUnitOf, type UpdateModeFields } from './updateMode.ts';

export type KeyFigureId = 'throughput' | 'p50' | 'p99' | 'p999' | 'errors' | 'connections';

export interface KeyFigureDefinition {
  id: KeyFigureId;
  /** As shown: "throughput", "p99.9 latency". */
  name: string;
  /** 'rate' (per second), 'us' (latency) or 'count'. */
  kind: 'rate' | 'us' | 'count';
  higherIsBetter: boolean | null;
  value(run: RunResult): number | null;
}

/**
 * The figures shown side by side. These are each run's whole-run figures (latencies from its
 * whole histogram, throughput after the warm-up) — what a person reads on the run's summary.
 * The verdicts compare per-second figures over steady seconds instead (see stats/figures.ts), so
 * a table value and the verdict's value may differ a little.
 */
export const KEY_FIGURES: readonly KeyFigureDefinition[] = [
  {
    id: 'throughput',
    name: 'throughput',
    kind: 'rate',
    higherIsBetter: true,
    value: (r) => r.summary.throughput.steadyPerSec ?? r.summary.throughput.perSec,
  },
  { id: 'p50', name: 'p50 latency', kind: 'us', higherIsBetter: false, value: (r) => latency(r, 'p50') },
  { id: 'p99', name: 'p99 latency', kind: 'us', higherIsBetter: false, value: (r) => latency(r, 'p99') },
  { id: 'p999', name: 'p99.9 latency', kind: 'us', higherIsBetter: false, value: (r) => latency(r, 'p999') },
  { id: 'errors', name: 'errors', kind: 'count', higherIsBetter: false, value: (r) => r.summary.errors.total },
  { id: 'connections', name: 'connections (peak)', kind: 'count', higherIsBetter: null, value: (r) => r.summary.connections.peak },
];

function latency(r: RunResult, which: 'p50' | 'p99' | 'p999'): number | null {
  return latencyFigureReason(r.summary, which) === null ? r.summary.latencyUs[which] : null;
}

/**
 * Why a run has no latency figures, or null when it has them. A run in which nothing completed
 * (stopped before the first answer, a target that never answered) stores an empty histogram,
 * whose percentiles read 0 µs: shown or subtracted, that 0 becomes a "change" of the whole
 * other run's latency. Every comparison (CLI, reports, the app) asks this one rule instead.
 */
export function noLatencyReason(summary: { latencyUs: { count: number } }): string | null {
  return summary.latencyUs.count > 0 ? null : 'nothing completed';
}

/**
 * Why one latency figure of a run has no value, or null when it has one: nothing completed, or
 * the tool that measured an imported run did not report it ("not reported by k6"): its stored 0
 * would read as "better" in a comparison.
 */
export function latencyFigureReason(
  summary: { latencyUs: { count: number; unreported?: { figures: LatencyFigure[]; reason: string } } },
  which: LatencyFigure,
): string | null {
  const unreported = summary.latencyUs.unreported;
  return noLatencyReason(summary) ?? (unreported?.figures.includes(which) ? unreported.reason : null);
}

/** Why a key figure of a run has no value (null when it has one). */
function unavailableReason(def: KeyFigureDefinition, run: RunResult): string | null {
  if (def.kind !== 'us') return null;
  return def.id === 'p50' || def.id === 'p99' || def.id === 'p999' ? latencyFigureReason(run.summary, def.id) : noLatencyReason(run.summary);
}

/**
 * "req/s", "msg/s", "events/s" (SSE and polling) or "steps/s" (flows) for a run's throughput.
 * Pass the configuration where there is one: its protocol alone cannot tell an SSE run's events
 * from an HTTP run's requests.
 */
export function rateUnit(of: Protocol | UpdateModeFields): string {
  return throughputUnitOf(typeof of === 'string' ? { protocol: of } : of);
}

/** A key figure with its unit: "12,345 req/s", "812 µs", "3". `unit` is the run's rate unit (rateUnit). */
export function formatKeyFigure(def: KeyFigureDefinition, value: number | null, unit: string): string {
  if (value === null) return '–';
  if (def.kind === 'us') return formatUs(value);
  if (def.kind === 'rate') return `${formatCount(value, value < 100 ? 1 : 0)} ${unit}`;
  return formatCount(value);
}

/** A run's key figure as a table cell: the value, or "– (nothing completed)" when it has none and why is known. */
export function formatKeyValue(def: KeyFigureDefinition, figure: Pick<KeyFigureValue, 'value' | 'unavailable'>, unit: string): string {
  if (figure.value === null && figure.unavailable) return `– (${figure.unavailable})`;
  return formatKeyFigure(def, figure.value, unit);
}

/** The difference in the figure's unit, signed: "+2,400 req/s", "-163 µs", "+2". */
export function formatKeyDifference(def: KeyFigureDefinition, difference: number | null, unit: string): string {
  if (difference === null) return '–';
  const sign = difference > 0 ? '+' : difference < 0 ? '-' : '±';
  return `${sign}${formatKeyFigure(def, Math.abs(difference), unit)}`;
}

export interface KeyFigureValue {
  id: KeyFigureId;
  name: string;
  value: number | null;
  /** Why `value` is null ("nothing completed"), so a table can say it; null otherwise. */
  unavailable: string | null;
  /** Candidates only: candidate − baseline, in the figure's unit. */
  difference: number | null;
  /** Candidates only: candidate / baseline − 1 (null when the baseline is 0 or missing). */
  change: number | null;
}

export interface ComparedRun {
  id: number;
  role: 'baseline' | 'candidate';
  scenarioName: string | null;
  protocol: Protocol;
  /** The throughput's unit: "req/s", "msg/s", "events/s" or "steps/s". */
  rateUnit: string;
  url: string;
  status: RunStatus;
  startedAt: string;
  durationSec: number;
  tags: string[];
  groupId: string | null;
  figures: KeyFigureValue[];
}

export interface PairComparison {
  baselineId: number;
  candidateId: number;
  /** compareRuns(baseline, candidate): throughput, p50 and p99 with intervals and verdicts. */
  verdicts: FigureComparison[];
  /** Figures whose verdict is "worse". */
  worse: string[];
  /** Figures that could not be judged ("inconclusive"). */
  inconclusive: string[];
}

/**
 * The one-word answer of a comparison, which the CLI's result line and exit code follow: "worse"
 * when any figure got worse; else "inconclusive" when any figure could not be judged (a gate
 * must not read that as a pass); else "no worse".
 */
export type ComparisonOutcome = 'worse' | 'inconclusive' | 'no worse';

export function comparisonOutcome(verdicts: readonly FigureComparison[]): ComparisonOutcome {
  if (verdicts.some((v) => v.verdict === 'worse')) return 'worse';
  if (verdicts.some((v) => v.verdict === 'inconclusive')) return 'inconclusive';
  return 'no worse';
}

/** "p50 latency, p99 latency (runs need at least 3 s …)": the figures not judged, grouped by what would judge them. */
export function inconclusiveSummary(verdicts: readonly FigureComparison[]): string {
  const byRemedy = new Map<string, string[]>();
  for (const v of verdicts) {
    if (v.verdict !== 'inconclusive') continue;
    const key = v.remedy ?? v.reason;
    byRemedy.set(key, [...(byRemedy.get(key) ?? []), v.name]);
  }
  return [...byRemedy].map(([remedy, names]) => `${names.join(', ')}${remedy ? ` (${remedy})` : ''}`).join('; ');
}

export interface RunsComparison {
  baselineId: number;
  noiseThreshold: { throughput: number; latency: number };
  confidence: number;
  runs: ComparedRun[];
  /** What differs between the runs' configurations, and whether they are a before/after (configDiff.ts). */
  config: ConfigDiff;
  /** One per candidate, in the order given. */
  pairs: PairComparison[];
  /** True when any candidate got worse beyond the noise threshold in any figure. */
  worse: boolean;
  /** True when some figure of some candidate could not be judged. */
  inconclusive: boolean;
  /** worse, else inconclusive, else no worse (see comparisonOutcome). */
  outcome: ComparisonOutcome;
  /** Present when one stage of each run was compared (`barrage compare --stage N`): the runs were cut down to it. */
  stage?: StageSelection;
  /**
   * Flow runs: steps of the same name compared like whole runs (stepCompare.ts), and the steps
   * only some runs have. A step that got worse makes the outcome worse.
   */
  steps?: StepsComparison;
}

/** The first run is the baseline; every other run is compared with it. */
export function compareStoredRuns(runs: readonly StoredRun[], options?: CompareOptions): RunsComparison {
  if (runs.length < 2) throw new RangeError('a comparison needs at least two runs');
  const opts = resolveCompareOptions(options);
  const [baseline, ...candidates] = runs;
  const pairs = candidates.map((c): PairComparison => {
    const verdicts = compareRuns(baseline, c, opts);
    return {
      baselineId: baseline.id,
      candidateId: c.id,
      verdicts,
      worse: verdicts.filter((v) => v.verdict === 'worse').map((v) => v.figure),
      inconclusive: verdicts.filter((v) => v.verdict === 'inconclusive').map((v) => v.figure),
    };
  });
  const all = pairs.flatMap((p) => p.verdicts);
  return {
    baselineId: baseline.id,
    noiseThreshold: { ...opts.noiseThreshold },
    confidence: opts.confidence,
    runs: runs.map((r, i) => comparedRun(r, i === 0 ? null : baseline)),
    config: diffConfigs(runs.map((r) => r.config)),
    pairs,
    worse: pairs.some((p) => p.worse.length > 0),
    inconclusive: pairs.some((p) => p.inconclusive.length > 0),
    outcome: comparisonOutcome(all),
  };
}

export function comparedRun(run: StoredRun, baseline: RunResult | null): ComparedRun {
  return {
    id: run.id,
    role: baseline ? 'candidate' : 'baseline',
    scenarioName: run.scenarioName ?? run.config.name ?? null,
    protocol: run.summary.protocol,
    rateUnit: rateUnit(run.config),
    url: run.config.url,
    status: run.summary.status,
    startedAt: run.summary.startedAt,
    durationSec: run.summary.durationSec,
    tags: run.tags,
    groupId: run.groupId,
    figures: KEY_FIGURES.map((def) => {
      const value = def.value(run);
      const base = baseline ? def.value(baseline) : null;
      const difference = baseline && value !== null && base !== null ? value - base : null;
      const change = difference !== null && base !== null && base !== 0 ? value! / base - 1 : null;
      return { id: def.id, name: def.name, value, unavailable: value === null ? unavailableReason(def, run) : null, difference, change };
    }),
  };
}

/** The tags an A/B run's runs carry: every run "ab", plus its side. */
export const AB_TAG = 'ab';
export const AB_SIDE_TAGS = { A: 'ab:A', B: 'ab:B' } as const;

export interface GroupsComparison {
  /** The A/B group, when the groups are the two sides of one. */
  groupId: string | null;
  runsA: ComparedRun[];
  runsB: ComparedRun[];
  noiseThreshold: { throughput: number; latency: number };
  confidence: number;
  /** compareGroups(A, B): B against A, per figure (two-level comparison, rounds paired). */
  verdicts: FigureComparison[];
  /** Figures whose verdict is "worse" (B worse than A). */
  worse: string[];
  /** Figures that could not be judged. */
  inconclusive: string[];
  outcome: ComparisonOutcome;
}

/** Group B against group A (A is the baseline): the runs are the units. */
export function compareStoredGroups(a: readonly StoredRun[], b: readonly StoredRun[], options?: CompareOptions, groupId: string | null = null): GroupsComparison {
  const opts = resolveCompareOptions(options);
  const verdicts = compareGroups(a, b, opts);
  return {
    groupId,
    runsA: a.map((r) => comparedRun(r, null)),
    runsB: b.map((r) => ({ ...comparedRun(r, null), role: 'candidate' as const })),
    noiseThreshold: { ...opts.noiseThreshold },
    confidence: opts.confidence,
    verdicts,
    worse: verdicts.filter((v) => v.verdict === 'worse').map((v) => v.figure),
    inconclusive: verdicts.filter((v) => v.verdict === 'inconclusive').map((v) => v.figure),
    outcome: comparisonOutcome(verdicts),
  };
}

/** Splits the runs of an A/B group by their side tags, each side in the order the runs started. */
export function abSides<T extends { tags: string[]; summary: { startedAt: string } }>(runs: readonly T[]): { a: T[]; b: T[] } {
  const byStart = [...runs].sort((x, y) => x.summary.startedAt.localeCompare(y.summary.startedAt));
  return {
    a: byStart.filter((r) => r.tags.includes(AB_SIDE_TAGS.A)),
    b: byStart.filter((r) => r.tags.includes(AB_SIDE_TAGS.B)),
  };
}
