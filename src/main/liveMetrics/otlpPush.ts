// `--otlp URL`: the running run's figures pushed to an OpenTelemetry collector over OTLP/HTTP
// (JSON), for dashboards that are not Prometheus. The same figures as the Prometheus endpoint
// (liveFigures.ts), one push per merged second, so the collector's points line up with the run's
// own samples. The OpenTelemetry SDK does the data model, temporality and encoding
// (@opentelemetry/sdk-metrics + exporter-metrics-otlp-http); this module only records the figures
// and asks for an export when a second arrives. The URL is the user's own collector: Barrage
// sends nowhere else.
import type { Attributes } from '@opentelemetry/api';
import { OTLPMetricExporter, AggregationTemporalityPreference } from '@opentelemetry/exporter-metrics-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { ERROR_KINDS, type RunProgress, type RunSummary } from '../../shared/runResult.ts';
import type { Scenario } from '../../shared/scenario.ts';
import type { RunOutput } from '../ci/runOutput.ts';
import { runLabels, secondFigures, stepSecondFigures } from './liveFigures.ts';
import { appVersion } from '../appVersion.ts';
import { otlpMetricsUrl } from './otlpUrl.ts';

/** Long enough never to fire: pushes follow the run's seconds, not a timer of the SDK's. */
const NEVER_MS = 24 * 3600 * 1000;
const EXPORT_TIMEOUT_MS = 5000;

/** Counts what the collector accepted and refused, around the SDK's exporter. */
class CountingExporter implements PushMetricExporter {
  sent = 0;
  failed = 0;
  lastError: string | undefined;
  /** Set before the SDK's shutdown, whose own last flush would repeat the last second. */
  closing = false;
  private readonly inner: OTLPMetricExporter;
  constructor(inner: OTLPMetricExporter) {
    this.inner = inner;
  }
  export(metrics: ResourceMetrics, done: Parameters<PushMetricExporter['export']>[1]): void {
    if (this.closing) {
      done({ code: 0 });
      return;
    }
    this.inner.export(metrics, (result) => {
      if (result.code === 0) this.sent++;
      else {
        this.failed++;
        this.lastError = result.error?.message ?? 'refused';
      }
      done(result);
    });
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
  selectAggregationTemporality = (kind: Parameters<NonNullable<PushMetricExporter['selectAggregationTemporality']>>[0]) =>
    this.inner.selectAggregationTemporality(kind);
}

export class OtlpPush implements RunOutput {
  readonly url: string;
  private readonly exporter: CountingExporter;
  private readonly reader: PeriodicExportingMetricReader;
  private readonly provider: MeterProvider;
  private readonly m;
  private scenario: Scenario | null = null;
  /** The attributes of the last second pushed: its stage is the one the run is in. */
  private lastLabels: Attributes | null = null;
  /** Pushes in order, one at a time: a slow collector delays later seconds, never reorders them. */
  private chain: Promise<void> = Promise.resolve();
  /** Figures of seconds not yet recorded into the instruments (see enqueue). */
  private readonly waiting: Array<() => void> = [];

  constructor(rawUrl: string) {
    this.url = otlpMetricsUrl(rawUrl);
    this.exporter = new CountingExporter(
      new OTLPMetricExporter({ url: this.url, timeoutMillis: EXPORT_TIMEOUT_MS, temporalityPreference: AggregationTemporalityPreference.CUMULATIVE }),
    );
    this.reader = new PeriodicExportingMetricReader({ exporter: this.exporter, exportIntervalMillis: NEVER_MS, exportTimeoutMillis: EXPORT_TIMEOUT_MS });
    this.provider = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': 'barrage', 'service.version': appVersion() }),
      readers: [this.reader],
    });
    const meter = this.provider.getMeter('barrage');
    const gauge = (name: string, description: string, unit?: string) => meter.createGauge(name, { description, unit });
    const counter = (name: string, description: string, unit?: string) => meter.createCounter(name, { description, unit });
    // The Prometheus endpoint's names and meanings (docs/OBSERVABILITY.md), so one dashboard query
    // language's habits carry over; units in OpenTelemetry's notation.
    this.m = {
      running: gauge('barrage_run_running', '1 while the run goes, 0 once it ended'),
      second: gauge('barrage_run_second', 'Seconds since the start of the last merged second (its t): the figures below are that second\'s', 's'),
      completedPerSecond: gauge('barrage_completed_per_second', 'Requests (HTTP) or messages (WebSocket) completed in the last merged second', '{completion}/s'),
      completed: counter('barrage_completed', 'Requests or messages completed so far', '{completion}'),
      latency: gauge('barrage_latency_seconds', 'Latency of the last merged second\'s completions: quantile 0.5, 0.99, and 1 (the maximum)', 's'),
      latencyMean: gauge('barrage_latency_mean_seconds', 'Mean latency of the last merged second\'s completions', 's'),
      errorsPerSecond: gauge('barrage_errors_per_second', 'Errors in the last merged second', '{error}/s'),
      errors: counter('barrage_errors', 'Errors so far, by kind (refused, reset, timeout, status, lost, ...)', '{error}'),
      open: gauge('barrage_open_connections', 'Connections open in the last merged second', '{connection}'),
      bytesSent: counter('barrage_sent_bytes', 'Bytes written to the sockets so far', 'By'),
      bytesReceived: counter('barrage_received_bytes', 'Bytes read from the sockets so far', 'By'),
      cpu: gauge('barrage_generator_cpu_percent', 'The busiest load worker\'s CPU in the last merged second, percent of one core', '%'),
      lag: gauge('barrage_generator_loop_lag_seconds', 'The largest event-loop delay of a load worker in the last merged second', 's'),
      warmup: gauge('barrage_warmup', '1 while the last merged second is part of the warm-up'),
      // Flows: the same figures per step, with the step's name as the attribute `step` — the
      // Prometheus endpoint's per-step series (docs/FLOWS.md, docs/OBSERVABILITY.md).
      stepCompleted: counter('barrage_step_completed', 'Flow steps: completions so far (HTTP responses, WebSocket answers matched or pushes received, connects)', '{completion}'),
      stepCompletedPerSecond: gauge('barrage_step_completed_per_second', 'Flow steps: completions in the last merged second', '{completion}/s'),
      stepLatency: gauge('barrage_step_latency_seconds', 'Flow steps: latency of the last merged second\'s completions of the step: quantile 0.5, 0.99, and 1 (the maximum)', 's'),
      stepErrors: counter('barrage_step_errors', 'Flow steps: errors so far, by kind (check, extraction, variable, expect-timeout, status, ...)', '{error}'),
      stepChecks: counter('barrage_step_checks', 'Flow steps: checks so far, by result (passed, failed)', '{check}'),
    };
  }

  /** The scenario the next seconds belong to. */
  begin(scenario: Scenario): void {
    this.scenario = scenario;
    this.lastLabels = null;
  }

  second(runId: number | null, p: RunProgress): void {
    if (!this.scenario) return;
    const labels: Attributes = { ...runLabels(runId, this.scenario, p.sample.t) };
    const f = secondFigures(p);
    const steps = stepSecondFigures(p);
    // A new stage is a new set of attributes: the SDK keeps exporting the previous stage's last
    // gauge values, so that stage is marked as no longer running (a dashboard filters on it).
    const left = this.lastLabels && this.lastLabels.stage !== labels.stage ? this.lastLabels : null;
    this.lastLabels = labels;
    this.enqueue(() => {
      const m = this.m;
      if (left) m.running.record(0, left);
      m.running.record(1, labels);
      m.second.record(f.second, labels);
      m.completedPerSecond.record(f.completedPerSecond, labels);
      m.completed.add(f.completedPerSecond, labels);
      if (f.latencySeconds) {
        m.latency.record(f.latencySeconds.p50, { ...labels, quantile: '0.5' });
        m.latency.record(f.latencySeconds.p99, { ...labels, quantile: '0.99' });
        m.latency.record(f.latencySeconds.max, { ...labels, quantile: '1' });
        m.latencyMean.record(f.latencySeconds.mean, labels);
      }
      m.errorsPerSecond.record(f.errorsPerSecond, labels);
      for (const kind of ERROR_KINDS) m.errors.add(f.errorsByKind[kind] ?? 0, { ...labels, kind });
      m.open.record(f.openConnections, labels);
      m.bytesSent.add(f.bytesSent, labels);
      m.bytesReceived.add(f.bytesReceived, labels);
      m.cpu.record(f.generatorCpuPercent, labels);
      m.lag.record(f.generatorLoopLagSeconds, labels);
      m.warmup.record(f.warmup ? 1 : 0, labels);
      for (const step of steps) {
        const sl = { ...labels, step: step.step };
        m.stepCompleted.add(step.completed, sl);
        m.stepCompletedPerSecond.record(step.completed, sl);
        if (step.latencySeconds) {
          m.stepLatency.record(step.latencySeconds.p50, { ...sl, quantile: '0.5' });
          m.stepLatency.record(step.latencySeconds.p99, { ...sl, quantile: '0.99' });
          m.stepLatency.record(step.latencySeconds.max, { ...sl, quantile: '1' });
        }
        for (const [kind, n] of step.errorsByKind) m.stepErrors.add(n, { ...sl, kind });
        m.stepChecks.add(step.checksPassed, { ...sl, result: 'passed' });
        m.stepChecks.add(step.checksFailed, { ...sl, result: 'failed' });
      }
    });
  }

  finished(runId: number | null, summary: RunSummary): void {
    if (!this.scenario) return;
    const t = Math.max(0, Math.ceil(summary.durationSec) - 1);
    const labels = this.lastLabels ?? { ...runLabels(runId, this.scenario, t) };
    this.enqueue(() => this.m.running.record(0, labels));
  }

  /** Pushes accepted and refused so far, and the last refusal's reason. */
  get stats(): { sent: number; failed: number; lastError: string | undefined } {
    return { sent: this.exporter.sent, failed: this.exporter.failed, lastError: this.exporter.lastError };
  }

  /** Waits for the pushes under way (each bounded by its timeout), then shuts the SDK down. */
  async close(): Promise<void> {
    await this.chain;
    // The SDK's shutdown flushes once more: the figures already pushed, so it is not sent.
    this.exporter.closing = true;
    await this.provider.shutdown().catch(() => undefined);
  }

  /**
   * The SDK reads the instruments when it exports, so a second's figures are recorded just before
   * its export, never while an earlier one is still being sent (a push would carry a later
   * second's gauges). Seconds that arrive while a push is under way (a slow collector) are all
   * recorded before the next push, which then carries the newest second: at most one push in
   * flight and one waiting, so a dead collector cannot hold the end of the run for long.
   */
  private enqueue(record: () => void): void {
    this.waiting.push(record);
    if (this.waiting.length > 1) return; // the push already waiting will take it
    this.chain = this.chain.then(async () => {
      for (const r of this.waiting.splice(0)) r();
      await this.reader.forceFlush({ timeoutMillis: EXPORT_TIMEOUT_MS }).catch(() => undefined);
    });
  }
}
