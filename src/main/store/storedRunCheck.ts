// What every reader of a stored run relies on: a summary with the figures the run view, the
// report and compare read, and a histogram that decodes. Import refuses a run without them
// (runExchange.ts); the store's readers check them again, because a database can be damaged
// after the fact (a bad disk, a crash mid-write, another tool writing SQL into it) and a reader
// must then degrade to a message, never a stack trace.
import { decodeHistogram } from '../../shared/result/histogramCodec.ts';
import { RUN_STATUSES } from '../../shared/history.ts';
import type { RunStatus } from '../../shared/runResult.ts';

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const NUMBERS = [
  'durationSec',
  'throughput.total',
  'throughput.perSec',
  ...['count', 'min', 'mean', 'p50', 'p90', 'p95', 'p99', 'p999', 'max'].map((k) => `latencyUs.${k}`),
  'errors.total',
  'bytes.sent',
  'bytes.received',
  'connections.opened',
  'connections.failed',
  'connections.peak',
];

function at(o: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (isObject(v) ? v[k] : undefined), o);
}

/** Why this value cannot serve as a run's summary ("summary.bytes.sent is not a number"), or null if it can. */
export function summaryProblem(summary: unknown): string | null {
  if (!isObject(summary)) return 'has no summary';
  if (!RUN_STATUSES.includes(summary.status as RunStatus)) return `summary.status "${String(summary.status)}" is unknown`;
  for (const field of ['startedAt', 'endedAt'] as const) {
    if (typeof summary[field] !== 'string' || Number.isNaN(Date.parse(summary[field] as string))) return `summary.${field} is not a time`;
  }
  for (const path of NUMBERS) {
    const v = at(summary, path);
    if (typeof v !== 'number' || !Number.isFinite(v)) return `summary.${path} is not a number`;
  }
  for (const path of ['errors.byKind', 'statusCodes', 'generator']) {
    if (!isObject(at(summary, path))) return `summary.${path} is not an object`;
  }
  if (!Array.isArray(summary.notes) || !summary.notes.every((n) => typeof n === 'string')) return 'summary.notes is not a list of texts';
  if (summary.ws !== null && summary.ws !== undefined && !isObject(summary.ws)) return 'summary.ws is neither null nor an object';
  return null;
}

/** Why this text is not a stored histogram ('' means "none"), or null if it decodes. */
export function histogramProblem(histogram: unknown): string | null {
  if (typeof histogram !== 'string') return 'histogram is not a string';
  if (histogram === '') return null;
  try {
    decodeHistogram(histogram);
    return null;
  } catch {
    return 'histogram is not an HdrHistogram (V2, compressed base64)';
  }
}

/** JSON.parse that returns undefined for text that is not JSON (a damaged page, a hand edit). */
export function parseJsonOrUndefined(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
