// Which runs of an A/B group count in its comparison. One rule for every place that compares a
// group — `barrage ab`, `barrage compare --group`, the A/B report, the app's A/B panel and its
// Compare view — so the same group gets the same verdicts everywhere.
//
// Only completed runs count. A stopped (aborted) run measured a shorter window than the others
// and ends on a cut-off second; a failed run measured a broken generator or target setup; an
// interrupted run lost its last seconds with the process; a running run has no summary yet.
// Mixing such runs into "the runs are the units" would compare unlike things, so they are left
// out — and said to be left out (`leftOut`), never silently dropped.
import { abSides } from './comparison.ts';
import type { RunStatus } from './runResult.ts';
import { statusWord } from './runStatusWord.ts';

/** Whether a run with this status counts in its group's comparison. */
export function countsInGroup(status: RunStatus): boolean {
  return status === 'completed';
}

export interface GroupRuns<T> {
  /** Side A's runs that count, in the order they started. */
  a: T[];
  /** Side B's runs that count, in the order they started. */
  b: T[];
  /** Runs of either side that do not count (stopped, failed, interrupted, still running). */
  leftOut: T[];
}

/** Splits an A/B group's runs by their side tags and by the rule above. */
export function groupRuns<T extends { tags: string[]; summary: { startedAt: string; status: RunStatus } }>(runs: readonly T[]): GroupRuns<T> {
  const { a, b } = abSides(runs);
  const counts = (r: T) => countsInGroup(r.summary.status);
  return {
    a: a.filter(counts),
    b: b.filter(counts),
    leftOut: [...a, ...b].filter((r) => !counts(r)).sort((x, y) => x.summary.startedAt.localeCompare(y.summary.startedAt)),
  };
}

/** "1 run left out (stopped: #14)": what a comparison says about the runs that did not count, or ''. */
export function leftOutNote(leftOut: ReadonlyArray<{ id: number; summary: { status: RunStatus } }>): string {
  if (leftOut.length === 0) return '';
  const word = statusWord;
  const byStatus = new Map<string, number[]>();
  for (const r of leftOut) byStatus.set(word(r.summary.status), [...(byStatus.get(word(r.summary.status)) ?? []), r.id]);
  const parts = [...byStatus].map(([status, ids]) => `${status}: ${ids.map((id) => `#${id}`).join(', ')}`);
  return `${leftOut.length} run${leftOut.length === 1 ? '' : 's'} left out, only completed runs count (${parts.join('; ')})`;
}
