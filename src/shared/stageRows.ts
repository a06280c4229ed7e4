// The per-stage table of a run with a load profile as text cells, one row per stage that lasts
// (a 0 s jump holds no second): the same columns in the terminal, the app and the HTML report.
import type { StageFigures } from './runResult.ts';
import { formatCount, formatUs } from './units.ts';

export const STAGE_COLUMNS = ['Stage', 'Seconds', 'Planned', 'Achieved', 'Throughput', 'p50', 'p99', 'p99.9', 'Errors', 'Note'] as const;

export interface StageRowText {
  stage: string;
  seconds: string;
  planned: string;
  achieved: string;
  throughput: string;
  p50: string;
  p99: string;
  p999: string;
  errors: string;
  note: string;
  reached: boolean;
}

export function stageRowsText(stages: readonly StageFigures[]): StageRowText[] {
  return stages
    .filter((s) => s.endSec > s.startSec)
    .map((s) => {
      const unit = s.target === 'rate' ? '/s' : ' conn';
      return {
        stage: String(s.index + 1),
        seconds: `${sec(s.startSec)}–${sec(s.endSec)}`,
        planned: s.from === s.to ? `${formatCount(s.to, 1)}${unit}` : `${formatCount(s.from, 1)}→${formatCount(s.to, 1)}${unit}`,
        achieved:
          s.target === 'rate' ? `${formatCount(s.achieved.perSec, 1)}/s` : `${formatCount(s.achieved.meanConnections, 1)} conn (peak ${s.achieved.peakConnections})`,
        throughput: `${formatCount(s.throughput.perSec, 1)}/s`,
        p50: formatUs(s.latencyUs?.p50),
        p99: formatUs(s.latencyUs?.p99),
        p999: formatUs(s.latencyUs?.p999),
        errors: formatCount(s.errors),
        note: s.reached ? (s.note ?? '') : `NOT REACHED: ${s.note ?? ''}`,
        reached: s.reached,
      };
    });
}

function sec(n: number): string {
  return Number.isInteger(n) ? `${n}s` : `${n.toFixed(1)}s`;
}
