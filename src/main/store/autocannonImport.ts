// Reads the JSON that the autocannon CLI prints with `--json`, so users can bring results they
// already have into their history next to Barrage's own runs.
//
// What autocannon's JSON holds and how it maps (autocannon 7–8 and 9 print the same shape):
//   url, connections, pipelining, workers, duration, start, finish, title -> config and times
//   requests.total / requests.mean                -> throughput total / steady per second
//   latency.* (milliseconds, whole-ms resolution)  -> latencyUs (× 1000)
//   throughput.total (bytes received)              -> bytes.received
//   errors (incl. timeouts), timeouts, mismatches  -> errors by kind
//   statusCodeStats                                -> statusCodes, and 'status' errors outside 200–399
// It has no per-second values (only statistics over them), no method, headers or body, no bytes
// sent and no generator health: those stay empty or default, and the summary's notes say so.
import { parseScenario } from '../../shared/scenario.ts';
import type { ErrorKind, LatencySummary, RunSummary } from '../../shared/runResult.ts';
import { unknownEnvironment } from './environment.ts';
import type { RunRecord } from '../../shared/history.ts';

interface AutocannonStats {
  mean?: number;
  average?: number;
  stddev?: number;
  min?: number;
  max?: number;
  total?: number;
  totalCount?: number;
  [percentile: string]: number | undefined;
}

export interface AutocannonResult {
  title?: string;
  url: string | string[];
  connections: number;
  pipelining?: number;
  workers?: number;
  duration: number;
  start: string;
  finish: string;
  errors?: number;
  timeouts?: number;
  mismatches?: number;
  statusCodeStats?: Record<string, { count: number }>;
  latency: AutocannonStats;
  requests: AutocannonStats;
  throughput?: AutocannonStats;
}

export function isAutocannonResult(value: unknown): value is AutocannonResult {
  const v = value as Partial<AutocannonResult> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    (typeof v.url === 'string' || Array.isArray(v.url)) &&
    typeof v.latency === 'object' &&
    v.latency !== null &&
    typeof v.requests === 'object' &&
    v.requests !== null &&
    typeof v.requests.total === 'number' &&
    typeof v.duration === 'number'
  );
}

const LATENCY_MEANING =
  'HTTP request latency from writing the request to its complete response, as measured by autocannon (whole milliseconds)';

export function fromAutocannon(ac: AutocannonResult): RunRecord {
  const urls = Array.isArray(ac.url) ? ac.url : [ac.url];
  const notes = [
    'Imported from autocannon --json output.',
    'autocannon measures latency in whole milliseconds: the microsecond figures are its milliseconds × 1000, so sub-millisecond latencies read as 0 or 1000 µs.',
    'autocannon reports no p95: the p95 shown is its p97.5, an upper bound.',
    'autocannon does not record per-second values, the request method, headers or body, bytes sent, or its own CPU use: those are missing (the configuration shows defaults; generator health shows zeros).',
  ];
  if (urls.length > 1) notes.push(`autocannon ran against ${urls.length} URLs; only the first is recorded.`);
  const parsed = parseScenario({
    protocol: 'http',
    ...(ac.title ? { name: ac.title } : {}),
    url: urls[0],
    connections: ac.connections,
    pipelining: ac.pipelining ?? 1,
    ...(ac.workers ? { workers: ac.workers } : {}),
    ...(ac.duration > 0 ? { durationSec: ac.duration } : {}),
    // autocannon has no warm-up: every second counts.
    warmupSec: 0,
  });
  if (!parsed.ok) throw new Error(`its configuration is not one Barrage can record:\n${parsed.error}`);
  const config = parsed.value;

  const statusCodes: Record<string, number> = {};
  let unexpectedStatus = 0;
  for (const [code, stat] of Object.entries(ac.statusCodeStats ?? {})) {
    statusCodes[code] = stat.count;
    const n = Number(code);
    if (n < 200 || n > 399) unexpectedStatus += stat.count;
  }
  const timeouts = ac.timeouts ?? 0;
  const byKind: Partial<Record<ErrorKind, number>> = {};
  // autocannon's `errors` includes its timeouts; the rest are connection errors it does not classify.
  const other = Math.max(0, (ac.errors ?? 0) - timeouts) + (ac.mismatches ?? 0);
  if (timeouts > 0) byKind.timeout = timeouts;
  if (other > 0) byKind.other = other;
  if (unexpectedStatus > 0) byKind.status = unexpectedStatus;
  if (ac.mismatches) notes.push(`${ac.mismatches} responses did not match the expected body; they are counted as "other" errors.`);

  const total = ac.requests.total ?? 0;
  const startedAt = isoTime(ac.start, 'start');
  const summary: RunSummary = {
    protocol: 'http',
    status: 'completed',
    startedAt,
    endedAt: isoTime(ac.finish, 'finish'),
    durationSec: ac.duration,
    latencyMeaning: LATENCY_MEANING,
    throughput: {
      total,
      perSec: ac.duration > 0 ? Math.round((total / ac.duration) * 10) / 10 : 0,
      steadyPerSec: num(ac.requests.mean ?? ac.requests.average) ?? null,
    },
    latencyUs: latencyFrom(ac.latency),
    bytes: { sent: 0, received: num(ac.throughput?.total) ?? 0 },
    errors: { total: Object.values(byKind).reduce((a, b) => a + (b ?? 0), 0), byKind },
    statusCodes,
    connections: { opened: ac.connections, failed: 0, peak: ac.connections },
    ws: null,
    generator: {
      workers: Math.max(1, ac.workers ?? 0),
      cpuPercent: 0,
      maxCpuPercent: 0,
      maxLoopLagMs: 0,
      saturated: false,
      reasons: [],
    },
    notes,
  };
  return {
    config,
    summary,
    samples: [],
    histogram: '',
    scenarioId: null,
    scenarioName: ac.title ?? null,
    groupId: null,
    tags: [],
    notes: '',
    environment: unknownEnvironment('autocannon', config.url, ac.workers ? ac.workers : null),
  };
}

function latencyFrom(ms: AutocannonStats): LatencySummary {
  const us = (v: number | undefined) => Math.round((num(v) ?? 0) * 1000);
  return {
    count: num(ms.totalCount) ?? 0,
    min: us(ms.min),
    mean: us(ms.mean ?? ms.average),
    stdev: us(ms.stddev),
    p50: us(ms.p50),
    p90: us(ms.p90),
    p95: us(ms.p97_5),
    p99: us(ms.p99),
    p999: us(ms.p99_9),
    max: us(ms.max),
  };
}

function isoTime(v: unknown, field: string): string {
  const ms = typeof v === 'string' || typeof v === 'number' ? new Date(v).getTime() : NaN;
  if (Number.isNaN(ms)) throw new Error(`its "${field}" is not a time`);
  return new Date(ms).toISOString();
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
