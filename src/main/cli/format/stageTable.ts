// The per-stage table of a run with a load profile, for the terminal.
import type { StageFigures } from '../../../shared/runResult.ts';
import { formatCount, formatUs } from '../../../shared/units.ts';
import { formatTable } from './table.ts';

export function stageTable(stages: readonly StageFigures[]): string {
  const rows = stages.filter((s) => s.endSec > s.startSec);
  const planned = (s: StageFigures) => {
    const unit = s.target === 'rate' ? '/s' : ' conn';
    return s.from === s.to ? `${formatCount(s.to, 1)}${unit}` : `${formatCount(s.from, 1)}→${formatCount(s.to, 1)}${unit}`;
  };
  const achieved = (s: StageFigures) =>
    s.target === 'rate' ? `${formatCount(s.achieved.perSec, 1)}/s` : `${formatCount(s.achieved.meanConnections, 1)} conn (peak ${s.achieved.peakConnections})`;
  return formatTable(rows, [
    { header: 'STAGE', value: (s) => String(s.index + 1), align: 'right' },
    { header: 'SECONDS', value: (s) => `${fmtSec(s.startSec)}–${fmtSec(s.endSec)}` },
    { header: 'PLANNED', value: planned },
    { header: 'ACHIEVED', value: achieved },
    { header: 'THROUGHPUT', value: (s) => `${formatCount(s.throughput.perSec, 1)}/s`, align: 'right' },
    { header: 'P50', value: (s) => formatUs(s.latencyUs?.p50), align: 'right' },
    { header: 'P99', value: (s) => formatUs(s.latencyUs?.p99), align: 'right' },
    { header: 'P99.9', value: (s) => formatUs(s.latencyUs?.p999), align: 'right' },
    { header: 'ERRORS', value: (s) => formatCount(s.errors), align: 'right' },
    { header: 'NOTE', value: (s) => (s.reached ? (s.note ?? '') : `NOT REACHED: ${s.note ?? ''}`) },
  ]);
}

function fmtSec(sec: number): string {
  return Number.isInteger(sec) ? `${sec}s` : `${sec.toFixed(1)}s`;
}
