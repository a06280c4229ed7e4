// Which statistics the Compare view asks for, without any DOM. Runs of one A/B group (the same
// group id, tagged ab:A / ab:B) are compared as groups — on two levels, rounds paired
// (stats/compareGroups.ts); any other runs pairwise, each against the reference (first)
// run, by a block bootstrap over their steady seconds.
import type { RunDetail } from '../../../shared/contract.ts';
import { abSides } from '../../../shared/comparison.ts';
import { groupRuns, leftOutNote } from '../../../shared/groupRuns.ts';
import type { FigureComparison } from '../../../shared/stats/index.ts';

export type StatisticsRequest = { ids: [number, number]; stage?: number } | { groupA: number[]; groupB: number[] };

export interface StatisticsPlan {
  key: string;
  /** "#12 against the reference #10", "B (5 runs) against A (5 runs)". */
  title: string;
  request: StatisticsRequest;
}

export interface AbGroup {
  groupId: string;
  /** Each side's runs that count in the comparison (src/shared/groupRuns.ts: completed ones). */
  a: RunDetail[];
  b: RunDetail[];
  /** The group's runs that do not count (stopped, failed, interrupted). */
  leftOut: RunDetail[];
}

/** The A/B group all these runs belong to, split by side and by the group rule, or null. */
export function abGroupOf(runs: readonly RunDetail[]): AbGroup | null {
  if (runs.length < 2) return null;
  const groupId = runs[0].groupId;
  if (!groupId || runs.some((r) => r.groupId !== groupId)) return null;
  const sides = abSides(runs);
  if (!sides.a.length || !sides.b.length || sides.a.length + sides.b.length !== runs.length) return null;
  return { groupId, ...groupRuns(runs) };
}

const name = (r: RunDetail) => `#${r.id}${r.scenarioName ? ` ${r.scenarioName}` : ''}`;

/** `stage` (from 1): compare that stage of each run, on its own seconds; pairs only (never an A/B group). */
export function statisticsPlan(runs: readonly RunDetail[], stage: number | null = null): StatisticsPlan[] {
  const group = abGroupOf(runs);
  if (group) {
    // A side without a run that counts cannot be compared; the view says why through the note.
    if (!group.a.length || !group.b.length) return [];
    const side = (list: RunDetail[]) => `${list[0].scenarioName ?? 'runs'} (${list.length} run${list.length === 1 ? '' : 's'})`;
    const note = leftOutNote(group.leftOut);
    return [
      {
        key: `group:${group.groupId}`,
        title: `B: ${side(group.b)} against A: ${side(group.a)}${note ? ` · ${note}` : ''}`,
        request: { groupA: group.a.map((r) => r.id), groupB: group.b.map((r) => r.id) },
      },
    ];
  }
  const [reference, ...others] = runs;
  return others.map((r) => ({
    key: `pair:${reference.id}:${r.id}${stage !== null ? `:stage${stage}` : ''}`,
    title: `${name(r)} against the reference ${name(reference)}${stage !== null ? `, stage ${stage}` : ''}`,
    request: { ids: [reference.id, r.id] as [number, number], ...(stage !== null ? { stage } : {}) },
  }));
}

/** The one-line key under the verdicts, with the thresholds and confidence actually applied. */
export function verdictKey(comparisons: readonly FigureComparison[], groups: boolean): string {
  const pct = (f: number) => `${Number((f * 100).toFixed(2))}%`;
  const throughput = comparisons.find((c) => c.figure === 'throughput')?.noiseThreshold ?? 0.03;
  const latency = comparisons.find((c) => c.figure !== 'throughput')?.noiseThreshold ?? 0.05;
  const confidence = comparisons[0]?.confidence ?? 0.95;
  return (
    `${pct(confidence)} interval of the change; a verdict only when the whole interval is beyond the noise threshold of ` +
    `${pct(throughput)} (throughput) / ${pct(latency)} (latency)` +
    (groups ? '; rounds are paired, and the interval uses both the spread between runs and their seconds' : '') +
    '; "inconclusive" means the data could not be judged (the row says what would do)' +
    '.'
  );
}

/** Where the interval and the change sit on a symmetric axis around 0 (fractions of its width). */
export function intervalGeometry(c: Pick<FigureComparison, 'ciLow' | 'ciHigh' | 'change' | 'noiseThreshold'>): {
  low: number;
  high: number;
  change: number | null;
  noiseLow: number;
  noiseHigh: number;
  /** Half the axis, as a fraction (0.25 = ±25%). */
  span: number;
} | null {
  if (c.ciLow === null || c.ciHigh === null) return null;
  const span = Math.max(Math.abs(c.ciLow), Math.abs(c.ciHigh), c.noiseThreshold * 2, 0.1) * 1.15;
  const at = (v: number) => 0.5 + Math.max(-1, Math.min(1, v / span)) / 2;
  return {
    low: at(c.ciLow),
    high: at(c.ciHigh),
    change: c.change === null ? null : at(c.change),
    noiseLow: at(-c.noiseThreshold),
    noiseHigh: at(c.noiseThreshold),
    span,
  };
}
