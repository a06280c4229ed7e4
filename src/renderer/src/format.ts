// Formatting for the views. Measured figures go through src/shared/units.ts, so the app shows
// exactly what the CLI and the exported reports show; this adds what only screens need.
import type { RunStatus } from '../../shared/runResult.ts';
import type { Protocol, Scenario } from '../../shared/scenario.ts';
import { loadUnits, plannedDurationSec } from '../../shared/scenario.ts';
import { STATUS_WORDS } from '../../shared/runStatusWord.ts';
import { formatStartTime } from '../../shared/startTime.ts';
import { formatBytes, formatCount, formatDuration, formatPercent, formatUs } from '../../shared/units.ts';
import { throughputUnitOf, type UpdateModeFields } from '../../shared/updateMode.ts';

export { formatBytes, formatCount, formatDuration, formatPercent, formatUs };

/**
 * What one unit of throughput is: a request (HTTP), a message (WebSocket), an event (SSE and
 * polling: pass the configuration, not only its protocol) or a flow's step completion.
 */
export const throughputUnit = (c: Protocol | UpdateModeFields): string => throughputUnitOf(typeof c === 'string' ? { protocol: c } : c);

const pad = (n: number) => String(n).padStart(2, '0');

/** Local date and time, sortable and compact: 2025-03-14 09:26:53 (the CLI's and the report's formatter). */
export function formatDate(iso: string | null | undefined): string {
  return iso ? formatStartTime(iso) : '–';
}

/** Elapsed seconds as a clock: 0:07, 12:30, 1:02:03. */
export function formatClock(sec: number): string {
  const s = Math.max(0, Math.floor(sec));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

/** A status as a word: "stopped" for a run the user ended (src/shared/runStatusWord.ts). */
export const STATUS_LABELS: Readonly<Record<RunStatus, string>> = STATUS_WORDS;

/** The load a scenario puts on its target, in one short line: "10 conn · 10 s". */
export function loadSummary(c: Scenario): string {
  const parts: string[] = [];
  if (c.protocol === 'http') {
    if (c.rate !== undefined) parts.push(`${formatCount(c.rate)} req/s`);
    parts.push(`${formatCount(c.connections)} conn`);
    if (c.pipelining > 1) parts.push(`×${c.pipelining} pipelined`);
  } else if (c.protocol === 'ws') {
    parts.push(`${formatCount(c.connections)} conn`);
    parts.push(c.mode === 'rate' ? `${formatCount(c.rate)} msg/s` : c.mode === 'echo' ? `echo ×${c.inFlight}` : 'push');
  } else {
    if (c.rate !== undefined) parts.push(`${formatCount(c.rate)} it/s`);
    parts.push(`${formatCount(c.virtualUsers)} VUs`, `${c.setup.length + c.steps.length + c.teardown.length} steps`);
  }
  const planned = plannedDurationSec(c);
  if (planned !== undefined) parts.push(formatDuration(planned));
  else if (c.amount !== undefined) parts.push(`${formatCount(c.amount)} ${loadUnits(c).amount}`);
  return parts.join(' · ');
}

/** A signed difference: "+1,234 req/s", "−2.1 ms". */
export function formatSigned(diff: number, format: (v: number) => string): string {
  if (diff === 0) return '±0';
  return `${diff > 0 ? '+' : '−'}${format(Math.abs(diff))}`;
}

export function formatChange(fraction: number | null): string {
  if (fraction === null || !Number.isFinite(fraction)) return '–';
  if (Math.abs(fraction) < 0.0005) return '±0%';
  const pct = Math.abs(fraction * 100);
  return `${fraction > 0 ? '+' : '−'}${pct >= 100 ? pct.toFixed(0) : pct.toFixed(1)}%`;
}

/** Errors as a share of everything attempted. */
export function errorRate(errors: number, completed: number): number | null {
  const attempted = errors + completed;
  return attempted > 0 ? errors / attempted : null;
}

/** Readable message of anything thrown by the API or the views. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
