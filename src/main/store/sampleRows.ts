// Per-second samples as table rows: plain columns rather than JSON, a quarter of the size on
// disk (measured: about 62 bytes a second against 250 as JSON rows, so a one-hour run takes
// about 230 KiB with its histogram) and no parsing when a one-hour run (3,600 rows) is loaded.
// Since schema 5 each second also keeps its latency histogram (a few hundred bytes, more for
// a wide spread of latencies), which the group comparison's p99 merges and resamples.
import type { RunSample } from '../../shared/runResult.ts';

export interface SampleRow {
  t: number;
  throughput: number;
  p50_us: number | null;
  p99_us: number | null;
  max_us: number | null;
  mean_us: number | null;
  errors: number;
  open_connections: number;
  bytes_sent: number;
  bytes_received: number;
  cpu_percent: number;
  loop_lag_ms: number;
  warmup: number;
  behind: number | null;
  histogram: Uint8Array | null;
}

export const SAMPLE_COLUMNS =
  't, throughput, p50_us, p99_us, max_us, mean_us, errors, open_connections, bytes_sent, bytes_received, cpu_percent, loop_lag_ms, warmup, behind, histogram';

/** Insert or overwrite one second: the newest figures of a second win (see finishRun). */
export const UPSERT_SAMPLE_SQL = `
  INSERT INTO run_samples (run_id, ${SAMPLE_COLUMNS})
  VALUES (@run_id, @t, @throughput, @p50_us, @p99_us, @max_us, @mean_us, @errors, @open_connections,
          @bytes_sent, @bytes_received, @cpu_percent, @loop_lag_ms, @warmup, @behind, @histogram)
  ON CONFLICT (run_id, t) DO UPDATE SET
    throughput = excluded.throughput, p50_us = excluded.p50_us, p99_us = excluded.p99_us,
    max_us = excluded.max_us, mean_us = excluded.mean_us, errors = excluded.errors,
    open_connections = excluded.open_connections, bytes_sent = excluded.bytes_sent,
    bytes_received = excluded.bytes_received, cpu_percent = excluded.cpu_percent,
    loop_lag_ms = excluded.loop_lag_ms, warmup = excluded.warmup, behind = excluded.behind,
    histogram = excluded.histogram`;

export function sampleToRow(runId: number, s: RunSample): SampleRow & { run_id: number } {
  return {
    run_id: runId,
    t: s.t,
    throughput: s.throughput,
    p50_us: s.latencyUs?.p50 ?? null,
    p99_us: s.latencyUs?.p99 ?? null,
    max_us: s.latencyUs?.max ?? null,
    mean_us: s.latencyUs?.mean ?? null,
    errors: s.errors,
    open_connections: s.openConnections,
    bytes_sent: s.bytesSent,
    bytes_received: s.bytesReceived,
    cpu_percent: s.cpuPercent,
    loop_lag_ms: s.loopLagMs,
    warmup: s.warmup ? 1 : 0,
    behind: s.behind ?? null,
    // Stored as bytes: a third smaller than the base64 text.
    histogram: s.histogram ? Buffer.from(s.histogram, 'base64') : null,
  };
}

export function rowToSample(r: SampleRow): RunSample {
  return {
    t: r.t,
    throughput: r.throughput,
    // The four are written together; p50 stands for all of them.
    latencyUs: r.p50_us === null ? null : { p50: r.p50_us, p99: r.p99_us ?? 0, max: r.max_us ?? 0, mean: r.mean_us ?? 0 },
    errors: r.errors,
    openConnections: r.open_connections,
    bytesSent: r.bytes_sent,
    bytesReceived: r.bytes_received,
    cpuPercent: r.cpu_percent,
    loopLagMs: r.loop_lag_ms,
    warmup: r.warmup !== 0,
    ...(r.behind === null || r.behind === undefined ? {} : { behind: r.behind }),
    ...(r.histogram ? { histogram: Buffer.from(r.histogram).toString('base64') } : {}),
  };
}
