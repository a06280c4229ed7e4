// Reads the report Artillery 2 writes with `artillery run --output FILE`: `{ aggregate,
// intermediate }`, where `aggregate` holds `counters` ("http.requests", "http.responses",
// "http.codes.200", "errors.ETIMEDOUT", "vusers.created", ...), `rates` ("http.request_rate"),
// `summaries` ("http.response_time": min, max, count, mean, p50, median, p75, p90, p95, p99,
// p999, in milliseconds) and the times of its first and last metric (epoch ms). `intermediate`
// holds the same per reporting period (10 s by default), too coarse for per-second samples.
// The fixture in tests/fixtures/imports/ was written by Artillery itself against a loopback target.
//
// Latency: Artillery's http.response_time runs from sending the request to the first byte of the
// response (time to first byte), a shorter span than Barrage's (to the complete response).
// WebSocket tests (the ws engine) only count messages: no round trip to import.
import { parseScenario } from '../../shared/scenario.ts';
import type { ErrorKind, LatencySummary, RunSummary } from '../../shared/runResult.ts';
import type { RunRecord } from '../../shared/history.ts';
import { emptyLatency, toolRunRecord, unmeasuredGenerator } from './toolRunRecord.ts';
import { UNKNOWN_TARGET, type ImportHints } from './k6Import.ts';

interface ArtilleryPeriod {
  counters?: Record<string, number>;
  rates?: Record<string, number>;
  summaries?: Record<string, Record<string, number>>;
  firstMetricAt?: number;
  lastMetricAt?: number;
  firstCounterAt?: number;
  lastCounterAt?: number;
}

export interface ArtilleryReport {
  aggregate: ArtilleryPeriod;
  intermediate?: ArtilleryPeriod[];
}

export function isArtilleryReport(value: unknown): value is ArtilleryReport {
  const v = value as Partial<ArtilleryReport> | null;
  return typeof v === 'object' && v !== null && typeof v.aggregate === 'object' && v.aggregate !== null && typeof (v.aggregate as ArtilleryPeriod).counters === 'object';
}

export const ARTILLERY_LATENCY_MEANING =
  "Artillery's http.response_time: from sending the request to the first byte of the response (time to first byte) — measured by Artillery";

/** Artillery's error counters are Node error codes; the ones Barrage has a kind for. */
const KIND_OF_CODE: Record<string, ErrorKind> = {
  ECONNREFUSED: 'refused',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  ETIMEDOUT: 'timeout',
  ESOCKETTIMEDOUT: 'timeout',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
};

export function fromArtillery(report: ArtilleryReport, hints: ImportHints): RunRecord {
  const a = report.aggregate;
  const counters = a.counters ?? {};
  const first = a.firstMetricAt ?? a.firstCounterAt;
  const last = a.lastMetricAt ?? a.lastCounterAt;
  if (typeof first !== 'number' || typeof last !== 'number') throw new Error('its aggregate has no firstMetricAt / lastMetricAt');
  const durationSec = Math.max(0, (last - first) / 1000);
  const rt = a.summaries?.['http.response_time'];
  const ws = !rt && (counters['websocket.messages_sent'] ?? 0) > 0;
  if (!rt && !ws) throw new Error('it has no http.response_time (is it an Artillery --output report of an HTTP test?)');
  const vusers = counters['vusers.created'] ?? 1;
  const parsed = parseScenario({
    protocol: ws ? 'ws' : 'http',
    name: hints.name ?? 'Artillery run',
    url: hints.url ?? (ws ? UNKNOWN_TARGET.replace('http', 'ws') : UNKNOWN_TARGET),
    connections: Math.max(1, Math.min(100_000, vusers)),
    ...(durationSec >= 1 ? { durationSec: Math.round(durationSec) } : {}),
    warmupSec: 0,
  });
  if (!parsed.ok) throw new Error(`its configuration is not one Barrage can record:\n${parsed.error}`);

  const statusCodes: Record<string, number> = {};
  const byKind: Partial<Record<ErrorKind, number>> = {};
  for (const [name, n] of Object.entries(counters)) {
    const code = /^http\.codes\.(\d{3})$/.exec(name)?.[1];
    if (code) {
      statusCodes[code] = n;
      if (Number(code) >= 400) byKind.status = (byKind.status ?? 0) + n;
    }
    const err = /^errors\.(.+)$/.exec(name)?.[1];
    if (err) {
      const kind = KIND_OF_CODE[err] ?? 'other';
      byKind[kind] = (byKind[kind] ?? 0) + n;
    }
  }
  const total = ws ? (counters['websocket.messages_sent'] ?? 0) : (counters['http.responses'] ?? 0);
  const notes = [
    'Imported from an Artillery --output report.',
    ws
      ? "Artillery's WebSocket engine counts messages sent; it measures no round trip, so no latency is imported."
      : "Latency is Artillery's http.response_time, time to first byte: shorter than Barrage's HTTP latency, which runs to the complete response.",
    "Artillery's connections here are its virtual users (vusers.created); it records no per-second values at this grain, generator CPU or histogram.",
  ];
  if (!hints.url) notes.push('An Artillery report does not name the target: import with --url to record it.');
  const failedVusers = counters['vusers.failed'] ?? 0;
  if (failedVusers > 0) notes.push(`${failedVusers} of Artillery's virtual users failed.`);
  const summary: RunSummary = {
    protocol: parsed.value.protocol,
    status: 'completed',
    startedAt: new Date(first).toISOString(),
    endedAt: new Date(last).toISOString(),
    durationSec,
    latencyMeaning: ws ? 'Artillery measures no WebSocket round trip: no latency imported' : ARTILLERY_LATENCY_MEANING,
    throughput: { total, perSec: durationSec > 0 ? Math.round((total / durationSec) * 10) / 10 : 0, steadyPerSec: null },
    latencyUs: rt ? latencyFromMs(rt) : emptyLatency(),
    bytes: { sent: 0, received: counters['http.downloaded_bytes'] ?? 0 },
    errors: { total: Object.values(byKind).reduce((x, y) => x + (y ?? 0), 0), byKind },
    statusCodes,
    connections: { opened: vusers, failed: 0, peak: vusers },
    ws: null,
    generator: unmeasuredGenerator(),
    notes,
  };
  return toolRunRecord('artillery', parsed.value, summary, hints.name);
}

function latencyFromMs(s: Record<string, number>): LatencySummary {
  const us = (v: number | undefined) => Math.round((typeof v === 'number' && Number.isFinite(v) ? v : 0) * 1000);
  return {
    count: s.count ?? 0,
    min: us(s.min),
    mean: us(s.mean),
    stdev: 0,
    p50: us(s.p50 ?? s.median),
    p90: us(s.p90),
    p95: us(s.p95),
    p99: us(s.p99),
    p999: us(s.p999),
    max: us(s.max),
  };
}
