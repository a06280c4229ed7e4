// Reads k6's end-of-test summary as written by `k6 run --summary-export FILE` (the format of k6's
// documentation, "Results output › End of test": `{ root_group, options, state, metrics }` with each
// metric's statistics flat on the metric object — Trend: avg, min, med, max, p(90), p(95) and any
// other summaryTrendStats, in milliseconds; Counter: count, rate; Rate: passes (true values),
// fails, value; Gauge: value, min, max; thresholds: { "p(95)<500": <true when it failed> }).
// k6 is not installable here, so the fixture is written to that documented format.
//
// What maps and what does not:
//   http_reqs.count / .rate                 -> throughput total / per second
//   http_req_duration (ms)                  -> latencyUs: k6's definition (sending + waiting +
//                                              receiving: excludes DNS, connecting and TLS)
//   http_req_failed.passes                  -> errors ('status': k6 counts a response outside its
//                                              expected statuses, or no response, as failed)
//   data_sent / data_received .count        -> bytes
//   vus_max.value (or vus.max)              -> connections (peak): virtual users, not sockets
//   http_req_connecting                     -> connections.connectUs (TCP connect time)
//   thresholds                              -> notes, with k6's own expressions and verdicts
//   state.testRunDurationMs                 -> duration; k6 writes no start time or target URL
// A WebSocket-only test (ws_msgs_received, ws_session_duration) has no message round trip in k6,
// so only counts are imported.
import { parseScenario } from '../../shared/scenario.ts';
import type { LatencyFigure, LatencySummary, RunSummary } from '../../shared/runResult.ts';
import type { RunRecord } from '../../shared/history.ts';
import { emptyLatency, toolRunRecord, unmeasuredGenerator } from './toolRunRecord.ts';

type Stats = Record<string, unknown>;

export interface K6SummaryExport {
  metrics: Record<string, Stats>;
  root_group?: unknown;
  state?: { testRunDurationMs?: number };
}

export function isK6SummaryExport(value: unknown): value is K6SummaryExport {
  const v = value as Partial<K6SummaryExport> | null;
  return typeof v === 'object' && v !== null && typeof v.metrics === 'object' && v.metrics !== null && 'root_group' in v;
}

export const K6_LATENCY_MEANING =
  "k6's http_req_duration: from sending the request to the end of the response (sending + waiting + receiving), excluding DNS lookup, TCP connect and TLS handshake — measured by k6";

export interface ImportHints {
  /** The target, which k6's and Artillery's reports do not name. */
  url?: string;
  name?: string;
  /** When the file was written (its modification time): the run ended then, roughly. */
  endedAt: Date;
}

/** Where a run measured elsewhere pointed, when its report does not say. */
export const UNKNOWN_TARGET = 'http://unknown-target.invalid/';

export function fromK6(doc: K6SummaryExport, hints: ImportHints): RunRecord {
  const m = doc.metrics;
  // A metric k6 writes is an object of statistics; a null or a number there is a damaged file,
  // named by its field rather than met as a TypeError further down.
  for (const [name, stats] of Object.entries(m)) {
    if (typeof stats !== 'object' || stats === null || Array.isArray(stats)) {
      throw new Error(`metrics.${name} is ${stats === null ? 'null' : Array.isArray(stats) ? 'a list' : typeof stats}, not an object of statistics`);
    }
  }
  const reqs = m.http_reqs ?? {};
  const ws = m.ws_msgs_received !== undefined && m.http_reqs === undefined;
  const durationSec = Math.max(0, num(doc.state?.testRunDurationMs) ?? 0) / 1000;
  const notes = [
    'Imported from k6 --summary-export.',
    `Latency is k6's http_req_duration, which excludes connecting and TLS (Barrage's HTTP latency includes neither either, but starts at the write of the request; k6 starts when it starts sending).`,
    'k6 records no per-second values, start time, target, generator CPU or histogram: the start is the file\'s time less the test\'s duration, and the connections are k6\'s virtual users.',
  ];
  if (!hints.url) notes.push('k6 does not name the target: import with --url to record it.');
  const trend = m.http_req_duration ?? (ws ? {} : undefined);
  if (!trend) throw new Error('it has no http_req_duration (is it a k6 --summary-export file of an HTTP test?)');
  const statKeys = Object.keys(trend);
  if (!statKeys.includes('p(99)')) notes.push(`k6 reported ${statKeys.filter((k) => k.startsWith('p(')).join(', ') || 'no percentiles'} (its summaryTrendStats): the others are not known, shown as "–" and never compared.`);
  const vus = num(m.vus_max?.value) ?? num(m.vus_max?.max) ?? num(m.vus?.max) ?? 1;
  const parsed = parseScenario({
    protocol: ws ? 'ws' : 'http',
    name: hints.name ?? 'k6 run',
    url: hints.url ?? (ws ? UNKNOWN_TARGET.replace('http', 'ws') : UNKNOWN_TARGET),
    connections: Math.max(1, Math.round(vus)),
    ...(durationSec > 0 ? { durationSec: Math.max(1, Math.round(durationSec)) } : {}),
    warmupSec: 0,
  });
  if (!parsed.ok) throw new Error(`its configuration is not one Barrage can record:\n${parsed.error}`);
  const total = ws ? (num(m.ws_msgs_received?.count) ?? 0) : (num(reqs.count) ?? 0);
  const failed = num(m.http_req_failed?.passes) ?? 0;
  const endedAt = hints.endedAt;
  const startedAt = new Date(Math.round(endedAt.getTime() - durationSec * 1000));
  // k6's thresholds are kept as notes with k6's verdicts: their expressions are k6's syntax, which
  // Barrage's thresholds do not read, so they cannot be re-evaluated or filtered on.
  for (const [metric, stats] of Object.entries(m)) {
    const t = stats.thresholds;
    if (typeof t !== 'object' || t === null) continue;
    for (const [expression, flag] of Object.entries(t as Record<string, unknown>)) {
      // --summary-export writes true when the threshold failed (newer handleSummary data: { ok }).
      const failedThreshold = flag === true || (typeof flag === 'object' && flag !== null && (flag as { ok?: boolean }).ok === false);
      notes.push(`k6 threshold ${metric} ${expression}: ${failedThreshold ? 'FAILED' : 'passed'}.`);
    }
  }
  const summary: RunSummary = {
    protocol: parsed.value.protocol,
    status: 'completed',
    startedAt: startedAt.toISOString(),
    endedAt: endedAt.toISOString(),
    durationSec,
    latencyMeaning: ws ? 'k6 measures no WebSocket message round trip: no latency imported' : K6_LATENCY_MEANING,
    throughput: { total, perSec: num(ws ? m.ws_msgs_received?.rate : reqs.rate) ?? (durationSec > 0 ? total / durationSec : 0), steadyPerSec: null },
    latencyUs: ws ? emptyLatency() : latencyFromMs(trend, total),
    bytes: { sent: num(m.data_sent?.count) ?? 0, received: num(m.data_received?.count) ?? 0 },
    errors: { total: failed, byKind: failed > 0 ? { status: failed } : {} },
    statusCodes: {},
    connections: {
      opened: Math.round(vus),
      failed: 0,
      peak: Math.round(vus),
      ...(m.http_req_connecting ? { connectUs: latencyFromMs(m.http_req_connecting, total) } : {}),
    },
    ws: null,
    generator: unmeasuredGenerator(),
    notes,
  };
  return toolRunRecord('k6', parsed.value, summary, hints.name);
}

/**
 * A k6 Trend in milliseconds to µs; k6's "med" is its p50. A statistic k6 did not report (it
 * writes only its summaryTrendStats: by default no p(99) or p(99.9)) is stored as 0 and listed in
 * `unreported`, so it reads "–" and is never compared.
 */
export function latencyFromMs(stats: Stats, count: number): LatencySummary {
  const us = (key: string) => Math.round((num(stats[key]) ?? 0) * 1000);
  const keys: Array<[LatencyFigure, string[]]> = [
    ['min', ['min']],
    ['mean', ['avg']],
    ['p50', ['p(50)', 'med']],
    ['p90', ['p(90)']],
    ['p95', ['p(95)']],
    ['p99', ['p(99)']],
    ['p999', ['p(99.9)']],
    ['max', ['max']],
  ];
  // k6 has no standard deviation in its summary at all.
  const missing: LatencyFigure[] = ['stdev', ...keys.filter(([, ks]) => ks.every((k) => num(stats[k]) === undefined)).map(([f]) => f)];
  return {
    count,
    unreported: { figures: missing, reason: 'not reported by k6' },
    min: us('min'),
    mean: us('avg'),
    stdev: 0,
    p50: num(stats['p(50)']) !== undefined ? us('p(50)') : us('med'),
    p90: us('p(90)'),
    p95: us('p(95)'),
    p99: us('p(99)'),
    p999: us('p(99.9)'),
    max: us('max'),
  };
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
