// Per-second samples as table rows: plain columns rather than JSON, a quarter of the size on
// disk (measured: about 62 bytes a second against 250 as JSON rows, so a one-hour run takes
// about 230 KiB with its histogram) and no parsing when a one-hour run (3,600 rows) is loaded.
// Since schema 5 each second also keeps its latency histogram (a few hundred bytes, more for
// a wide spread of latencies), which the group comparison's p99 merges and resamples.
// Since schema 6 a flow's seconds also keep their iterations (columns of run_samples) and their
// steps (rows of run_step_samples, see stepRowsOf / stepOfRow); since schema 8 a ws-send step's
// answers out of order and unmatched messages.
import type { ErrorKind, RunSample, StepSecond } from '../../shared/runResult.ts';

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
  drain: number;
  behind: number | null;
  histogram: Uint8Array | null;
  iterations_started: number | null;
  iterations_completed: number | null;
  iterations_abandoned: number | null;
  iteration_histogram: Uint8Array | null;
}

export const SAMPLE_COLUMNS =
  't, throughput, p50_us, p99_us, max_us, mean_us, errors, open_connections, bytes_sent, bytes_received, cpu_percent, loop_lag_ms, warmup, drain, behind, histogram, iterations_started, iterations_completed, iterations_abandoned, iteration_histogram';

/** Insert or overwrite one second: the newest figures of a second win (see finishRun). */
export const UPSERT_SAMPLE_SQL = `
  INSERT INTO run_samples (run_id, ${SAMPLE_COLUMNS})
  VALUES (@run_id, @t, @throughput, @p50_us, @p99_us, @max_us, @mean_us, @errors, @open_connections,
          @bytes_sent, @bytes_received, @cpu_percent, @loop_lag_ms, @warmup, @drain, @behind, @histogram,
          @iterations_started, @iterations_completed, @iterations_abandoned, @iteration_histogram)
  ON CONFLICT (run_id, t) DO UPDATE SET
    throughput = excluded.throughput, p50_us = excluded.p50_us, p99_us = excluded.p99_us,
    max_us = excluded.max_us, mean_us = excluded.mean_us, errors = excluded.errors,
    open_connections = excluded.open_connections, bytes_sent = excluded.bytes_sent,
    bytes_received = excluded.bytes_received, cpu_percent = excluded.cpu_percent,
    loop_lag_ms = excluded.loop_lag_ms, warmup = excluded.warmup, drain = excluded.drain, behind = excluded.behind,
    histogram = excluded.histogram, iterations_started = excluded.iterations_started,
    iterations_completed = excluded.iterations_completed, iterations_abandoned = excluded.iterations_abandoned,
    iteration_histogram = excluded.iteration_histogram`;

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
    drain: s.drain ? 1 : 0,
    behind: s.behind ?? null,
    // Stored as bytes: a third smaller than the base64 text.
    histogram: s.histogram ? Buffer.from(s.histogram, 'base64') : null,
    iterations_started: s.iterations?.started ?? null,
    iterations_completed: s.iterations?.completed ?? null,
    iterations_abandoned: s.iterations?.abandoned ?? null,
    iteration_histogram: s.iterationHistogram ? Buffer.from(s.iterationHistogram, 'base64') : null,
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
    ...(r.drain ? { drain: true } : {}),
    ...(r.behind === null || r.behind === undefined ? {} : { behind: r.behind }),
    ...(r.histogram ? { histogram: Buffer.from(r.histogram).toString('base64') } : {}),
    ...(r.iterations_started === null || r.iterations_started === undefined
      ? {}
      : { iterations: { started: r.iterations_started, completed: r.iterations_completed ?? 0, abandoned: r.iterations_abandoned ?? 0 } }),
    ...(r.iteration_histogram ? { iterationHistogram: Buffer.from(r.iteration_histogram).toString('base64') } : {}),
  };
}

export interface StepRow {
  t: number;
  idx: number;
  step: string;
  count: number;
  errors: number;
  errors_by_kind: string | null;
  checks_passed: number;
  checks_failed: number;
  check_counts: string | null;
  status_codes: string | null;
  histogram: Uint8Array | null;
  /** Since schema 8; NULL when 0. */
  out_of_order: number | null;
  unmatched: number | null;
}

export const STEP_COLUMNS = 't, idx, step, count, errors, errors_by_kind, checks_passed, checks_failed, check_counts, status_codes, histogram, out_of_order, unmatched';

/** A second's steps replace what was stored for that second (the newest figures of a second win). */
export const DELETE_STEPS_SQL = 'DELETE FROM run_step_samples WHERE run_id = ? AND t = ?';
export const INSERT_STEP_SQL = `
  INSERT INTO run_step_samples (run_id, ${STEP_COLUMNS})
  VALUES (@run_id, @t, @idx, @step, @count, @errors, @errors_by_kind, @checks_passed, @checks_failed, @check_counts, @status_codes, @histogram,
          @out_of_order, @unmatched)`;

export function stepRowsOf(runId: number, s: RunSample): Array<StepRow & { run_id: number }> {
  return (s.steps ?? []).map((step, idx) => ({
    run_id: runId,
    t: s.t,
    idx,
    step: step.step,
    count: step.count,
    errors: step.errors,
    errors_by_kind: nonEmptyJson(step.errorsByKind),
    checks_passed: step.checks.passed,
    checks_failed: step.checks.failed,
    // [[passed, failed], …]: a third of the size of the objects, for a second of every step.
    check_counts: step.checkCounts === undefined ? null : JSON.stringify(step.checkCounts.map((c) => [c.passed, c.failed])),
    status_codes: nonEmptyJson(step.statusCodes),
    histogram: step.histogram ? Buffer.from(step.histogram, 'base64') : null,
    out_of_order: step.outOfOrder || null,
    unmatched: step.unmatched || null,
  }));
}

export function stepOfRow(r: StepRow): StepSecond {
  const step: StepSecond = { step: r.step, count: r.count, errors: r.errors, checks: { passed: r.checks_passed, failed: r.checks_failed } };
  if (r.errors_by_kind !== null) step.errorsByKind = JSON.parse(r.errors_by_kind) as Partial<Record<ErrorKind, number>>;
  if (r.check_counts !== null) step.checkCounts = (JSON.parse(r.check_counts) as Array<[number, number]>).map(([passed, failed]) => ({ passed, failed }));
  if (r.status_codes !== null) step.statusCodes = JSON.parse(r.status_codes) as Record<string, number>;
  if (r.histogram) step.histogram = Buffer.from(r.histogram).toString('base64');
  if (r.out_of_order) step.outOfOrder = r.out_of_order;
  if (r.unmatched) step.unmatched = r.unmatched;
  return step;
}

function nonEmptyJson(o: Record<string, unknown> | undefined): string | null {
  return o === undefined || Object.keys(o).length === 0 ? null : JSON.stringify(o);
}
