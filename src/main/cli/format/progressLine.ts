// One line of progress per second on stderr while a run goes.
import { throughputUnitOf, type UpdateModeFields } from '../../../shared/updateMode.ts';
import type { RunProgress } from '../../../shared/runResult.ts';
import { formatCount, formatUs } from '../../../shared/units.ts';

export function progressLine(p: RunProgress, config: UpdateModeFields): string {
  const s = p.sample;
  const clock = p.plannedSec ? `${Math.round(p.elapsedSec)}s/${Math.round(p.plannedSec)}s` : `${Math.round(p.elapsedSec)}s`;
  const unit = throughputUnitOf(config);
  const parts = [
    `[${clock.padStart(9)}]`,
    `${formatCount(s.throughput).padStart(9)} ${unit}`,
    `p50 ${formatUs(s.latencyUs?.p50).padStart(8)}`,
    `p99 ${formatUs(s.latencyUs?.p99).padStart(8)}`,
    `errors ${formatCount(s.errors)}`,
    `conns ${formatCount(s.openConnections)}`,
    `cpu ${Math.round(s.cpuPercent)}%`,
  ];
  // The open model's backlog: sends due that have not gone out (the connections cannot keep up).
  if (s.behind !== undefined && s.behind > 0) parts.push(`behind ${formatCount(s.behind)}`);
  if (s.warmup) parts.push('(warm-up)');
  // What is failing, while it fails: the kinds of the run's errors so far.
  const kinds = Object.entries(p.totals.errorsByKind ?? {})
    .filter(([, n]) => (n ?? 0) > 0)
    .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
    .map(([k, n]) => `${k} ${formatCount(n)}`);
  if (kinds.length > 0) parts.push(`— errors so far: ${kinds.join(', ')}`);
  return parts.join('  ');
}
