// The comparison table's content, without any DOM: every summary figure of each run, and its
// difference and relative change against the reference (first) run, judged better or worse by
// the figure's direction (more throughput is better; less latency, fewer errors are better;
// bytes and duration are facts, neither better nor worse). A run in which nothing completed has
// no latencies (its empty histogram reads 0 µs): those cells say why instead of a figure, and
// nothing is subtracted from them (the shared rule, noLatencyReason).
import { latencyFigureReason } from '../../../shared/comparison.ts';
import type { LatencyFigure } from '../../../shared/runResult.ts';
import type { RunDetail } from '../../../shared/contract.ts';
import type { RunSummary } from '../../../shared/runResult.ts';
import { errorRate, formatBytes, formatCount, formatDuration, formatPercent, formatUs } from '../format.ts';

export type Better = 'higher' | 'lower' | null;

export interface FigureDef {
  group: string;
  label: string;
  better: Better;
  get: (s: RunSummary) => number | null;
  /** Why `get` has no value for this run ("nothing completed"), or null. */
  unavailable?: (s: RunSummary) => string | null;
  format: (v: number) => string;
  /** How a difference is written, when not like the value (percentages: points). */
  diffFormat?: (v: number) => string;
  help?: string;
  /** A whole-run figure no stage records (connections opened, failed): left out when one stage is compared. */
  wholeRunOnly?: boolean;
}

const perSec = (v: number) => `${formatCount(v, v < 100 ? 1 : 0)} /s`;

/** A latency figure: none when nothing completed or the measuring tool did not report it (see latencyFigureReason). */
const latencyFigure = (label: string, which: LatencyFigure): FigureDef => ({
  group: 'Latency',
  label,
  better: 'lower',
  get: (s) => (latencyFigureReason(s, which) === null ? s.latencyUs[which] : null),
  unavailable: (s) => latencyFigureReason(s, which),
  format: formatUs,
});

export const FIGURES: FigureDef[] = [
  { group: 'Throughput', label: 'Throughput', better: 'higher', get: (s) => s.throughput.perSec, format: perSec, help: 'Completed requests (HTTP) or messages (WebSocket) per second' },
  { group: 'Throughput', label: 'After warm-up', better: 'higher', get: (s) => s.throughput.steadyPerSec, format: perSec },
  { group: 'Throughput', label: 'Completed', better: 'higher', get: (s) => s.throughput.total, format: (v) => formatCount(v) },
  latencyFigure('p50', 'p50'),
  latencyFigure('p90', 'p90'),
  latencyFigure('p95', 'p95'),
  latencyFigure('p99', 'p99'),
  latencyFigure('p99.9', 'p999'),
  latencyFigure('max', 'max'),
  latencyFigure('mean', 'mean'),
  latencyFigure('stdev', 'stdev'),
  latencyFigure('min', 'min'),
  { group: 'Errors', label: 'Errors', better: 'lower', get: (s) => s.errors.total, format: (v) => formatCount(v) },
  { group: 'Errors', label: 'Error rate', better: 'lower', get: (s) => errorRate(s.errors.total, s.throughput.total), format: (v) => formatPercent(v, 2), diffFormat: (v) => `${formatCount(v * 100, 2)} pp` },
  { group: 'Connections', label: 'Peak open', better: null, get: (s) => s.connections.peak, format: (v) => formatCount(v) },
  { group: 'Connections', label: 'Opened', better: null, get: (s) => s.connections.opened, format: (v) => formatCount(v), wholeRunOnly: true },
  { group: 'Connections', label: 'Failed', better: 'lower', get: (s) => s.connections.failed, format: (v) => formatCount(v), wholeRunOnly: true },
  { group: 'Traffic', label: 'Sent', better: null, get: (s) => s.bytes.sent, format: formatBytes },
  { group: 'Traffic', label: 'Received', better: null, get: (s) => s.bytes.received, format: formatBytes },
  { group: 'Run', label: 'Duration', better: null, get: (s) => s.durationSec, format: formatDuration },
  { group: 'Generator', label: 'CPU max', better: 'lower', get: (s) => s.generator.maxCpuPercent, format: (v) => `${formatCount(v)}%`, diffFormat: (v) => `${formatCount(v)} pp`, help: 'Busiest worker; near 100% means the generator limited the run' },
  { group: 'Generator', label: 'Loop lag max', better: 'lower', get: (s) => s.generator.maxLoopLagMs, format: (v) => `${formatCount(v, 1)} ms` },
];

export interface Cell {
  value: number | null;
  text: string;
  /** Why there is no value ("nothing completed"); absent when there is one. */
  unavailable?: string;
  /** Against the reference run; absent for the reference itself. */
  diff?: { abs: number | null; rel: number | null; verdict: 'better' | 'worse' | 'same' | 'neutral' };
}

export interface CompareRow {
  def: FigureDef;
  cells: Cell[];
}

/** Changes smaller than this (relative) are "the same": run-to-run noise, not a result. */
export const SAME_WITHIN = 0.01;

export function verdict(better: Better, base: number, value: number): 'better' | 'worse' | 'same' | 'neutral' {
  if (better === null) return 'neutral';
  if (base === value) return 'same';
  const rel = base !== 0 ? Math.abs(value - base) / Math.abs(base) : Infinity;
  if (rel < SAME_WITHIN) return 'same';
  return (value > base) === (better === 'higher') ? 'better' : 'worse';
}

/** `oneStage`: the runs are cut down to one stage (src/shared/stageCompare.ts), so whole-run-only figures are left out. */
export function compareRows(runs: Array<Pick<RunDetail, 'summary'>>, oneStage = false): CompareRow[] {
  return FIGURES.filter((def) => !(oneStage && def.wholeRunOnly)).map((def) => {
    const values = runs.map((r) => def.get(r.summary));
    const base = values[0];
    const cells = values.map((value, i): Cell => {
      const why = value === null ? (def.unavailable?.(runs[i].summary) ?? null) : null;
      const cell: Cell = { value, text: value === null ? '–' : def.format(value), ...(why ? { unavailable: why } : {}) };
      if (i === 0) return cell;
      if (value === null || base === null) return { ...cell, diff: { abs: null, rel: null, verdict: 'neutral' } };
      return {
        ...cell,
        diff: {
          abs: value - base,
          rel: base !== 0 ? (value - base) / Math.abs(base) : null,
          verdict: verdict(def.better, base, value),
        },
      };
    });
    return { def, cells };
  });
}
