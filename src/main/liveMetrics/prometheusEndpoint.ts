// `--metrics-port N`: an OpenMetrics endpoint on 127.0.0.1 (GET /metrics) that exposes the running
// run's figures for Prometheus to scrape, next to the server's own metrics. Built on prom-client
// (the exposition format, escaping and types are its job), with a registry of our own rather
// than the process-global one. Values change once per merged second, when the run's sample does.
import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Registry, type OpenMetricsContentType } from 'prom-client';
import { ERROR_KINDS, type RunProgress, type RunSummary } from '../../shared/runResult.ts';
import type { Scenario } from '../../shared/scenario.ts';
import type { RunOutput } from '../ci/runOutput.ts';
import { runLabels, secondFigures, stepSecondFigures, type RunLabels } from './liveFigures.ts';

const LABELS = ['run', 'scenario', 'protocol', 'stage'] as const;
type Label = (typeof LABELS)[number];

export class PrometheusEndpoint implements RunOutput {
  readonly registry = new Registry<OpenMetricsContentType>();
  private readonly server: Server;
  private scenario: Scenario | null = null;
  /** The labels the gauges were last set with: a new stage replaces their series (see second). */
  private gaugeLabels: RunLabels | null = null;
  /** A flow's step names seen in this run: their gauges move with the stage too. */
  private readonly steps = new Set<string>();
  private readonly m;

  private constructor(server: Server) {
    this.server = server;
    this.registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    const registers = [this.registry];
    const gauge = (name: string, help: string, extra: string[] = []) => new Gauge<Label | string>({ name, help, labelNames: [...LABELS, ...extra], registers });
    const counter = (name: string, help: string, extra: string[] = []) => new Counter<Label | string>({ name, help, labelNames: [...LABELS, ...extra], registers });
    this.m = {
      running: gauge('barrage_run_running', '1 while the run goes, 0 once it ended'),
      second: gauge('barrage_run_second', 'Seconds since the start of the last merged second (its t): the figures below are that second\'s'),
      completedPerSecond: gauge('barrage_completed_per_second', 'Requests (HTTP) or messages (WebSocket) completed in the last merged second'),
      completed: counter('barrage_completed', 'Requests or messages completed so far'),
      latency: gauge('barrage_latency_seconds', 'Latency of the last merged second\'s completions: quantile 0.5, 0.99, and 1 (the maximum)', ['quantile']),
      latencyMean: gauge('barrage_latency_mean_seconds', 'Mean latency of the last merged second\'s completions'),
      errorsPerSecond: gauge('barrage_errors_per_second', 'Errors in the last merged second'),
      errors: counter('barrage_errors', 'Errors so far, by kind (refused, reset, timeout, status, lost, ...)', ['kind']),
      open: gauge('barrage_open_connections', 'Connections open in the last merged second'),
      bytesSent: counter('barrage_sent_bytes', 'Bytes written to the sockets so far'),
      bytesReceived: counter('barrage_received_bytes', 'Bytes read from the sockets so far'),
      cpu: gauge('barrage_generator_cpu_percent', 'The busiest load worker\'s CPU in the last merged second, percent of one core'),
      lag: gauge('barrage_generator_loop_lag_seconds', 'The largest event-loop delay of a load worker in the last merged second'),
      warmup: gauge('barrage_warmup', '1 while the last merged second is part of the warm-up'),
      // Flows: the same figures per step, labelled with the step's name (docs/FLOWS.md).
      stepCompleted: counter('barrage_step_completed', 'Flow steps: completions so far (HTTP responses, WebSocket answers matched or pushes received, connects)', ['step']),
      stepCompletedPerSecond: gauge('barrage_step_completed_per_second', 'Flow steps: completions in the last merged second', ['step']),
      stepLatency: gauge('barrage_step_latency_seconds', 'Flow steps: latency of the last merged second\'s completions of the step: quantile 0.5, 0.99, and 1 (the maximum)', ['step', 'quantile']),
      stepErrors: counter('barrage_step_errors', 'Flow steps: errors so far, by kind (check, extraction, variable, expect-timeout, status, ...)', ['step', 'kind']),
      stepChecks: counter('barrage_step_checks', 'Flow steps: checks so far, by result (passed, failed)', ['step', 'result']),
    };
  }

  /** Listens on 127.0.0.1:port (0: any free port); rejects when the port is taken. */
  static start(port: number): Promise<PrometheusEndpoint> {
    const server = createServer();
    const endpoint = new PrometheusEndpoint(server);
    server.on('request', (req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('Barrage serves its metrics at /metrics\n');
        return;
      }
      endpoint.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': endpoint.registry.contentType }).end(text),
        (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${err.message}\n`),
      );
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve(endpoint);
      });
    });
  }

  /** Why start(port) failed, in one line: "cannot listen on 127.0.0.1:9464 (the port is in use)". */
  static listenFailure(port: number, err: NodeJS.ErrnoException): string {
    const why = err.code === 'EADDRINUSE' ? 'the port is in use' : err.code === 'EACCES' ? 'permission denied: ports below 1024 need privileges' : (err.code ?? err.message);
    return `cannot listen on 127.0.0.1:${port} (${why})`;
  }

  get port(): number {
    return (this.server.address() as { port: number }).port;
  }

  /** The scenario the next seconds belong to; the previous run's series are dropped. */
  begin(scenario: Scenario): void {
    this.scenario = scenario;
    this.gaugeLabels = null;
    this.steps.clear();
    this.registry.resetMetrics();
  }

  /**
   * A run with a load profile moves from stage to stage, and each stage is its own label set. A
   * gauge says what is true now, so the previous stage's gauge series are removed when the next
   * stage begins (else the first stage's last figures, barrage_run_running 1 among them, would
   * stay on the dashboard beside the current ones). Counters keep one series per stage — each
   * stage's total, frozen when it ends — so `sum without (stage)` is the run's total.
   */
  private moveGaugesTo(labels: RunLabels): void {
    const previous = this.gaugeLabels;
    this.gaugeLabels = labels;
    if (!previous || previous.stage === labels.stage) return;
    const m = this.m;
    for (const gauge of [m.running, m.second, m.completedPerSecond, m.latencyMean, m.errorsPerSecond, m.open, m.cpu, m.lag, m.warmup]) gauge.remove(previous);
    for (const quantile of ['0.5', '0.99', '1']) m.latency.remove({ ...previous, quantile });
    for (const step of this.steps) {
      m.stepCompletedPerSecond.remove({ ...previous, step });
      for (const quantile of ['0.5', '0.99', '1']) m.stepLatency.remove({ ...previous, step, quantile });
    }
  }

  second(runId: number | null, p: RunProgress): void {
    if (!this.scenario) return;
    const labels: RunLabels = runLabels(runId, this.scenario, p.sample.t);
    const f = secondFigures(p);
    const m = this.m;
    this.moveGaugesTo(labels);
    m.running.set(labels, 1);
    m.second.set(labels, f.second);
    m.completedPerSecond.set(labels, f.completedPerSecond);
    m.completed.inc(labels, f.completedPerSecond);
    if (f.latencySeconds) {
      m.latency.set({ ...labels, quantile: '0.5' }, f.latencySeconds.p50);
      m.latency.set({ ...labels, quantile: '0.99' }, f.latencySeconds.p99);
      m.latency.set({ ...labels, quantile: '1' }, f.latencySeconds.max);
      m.latencyMean.set(labels, f.latencySeconds.mean);
    }
    m.errorsPerSecond.set(labels, f.errorsPerSecond);
    for (const kind of ERROR_KINDS) {
      // Every kind is exposed from the first second on, so rate() works from 0 up.
      m.errors.inc({ ...labels, kind }, f.errorsByKind[kind] ?? 0);
    }
    m.open.set(labels, f.openConnections);
    m.bytesSent.inc(labels, f.bytesSent);
    m.bytesReceived.inc(labels, f.bytesReceived);
    m.cpu.set(labels, f.generatorCpuPercent);
    m.lag.set(labels, f.generatorLoopLagSeconds);
    m.warmup.set(labels, f.warmup ? 1 : 0);
    for (const step of stepSecondFigures(p)) {
      const sl = { ...labels, step: step.step };
      this.steps.add(step.step);
      m.stepCompleted.inc(sl, step.completed);
      m.stepCompletedPerSecond.set(sl, step.completed);
      if (step.latencySeconds) {
        m.stepLatency.set({ ...sl, quantile: '0.5' }, step.latencySeconds.p50);
        m.stepLatency.set({ ...sl, quantile: '0.99' }, step.latencySeconds.p99);
        m.stepLatency.set({ ...sl, quantile: '1' }, step.latencySeconds.max);
      }
      for (const [kind, n] of step.errorsByKind) m.stepErrors.inc({ ...sl, kind }, n);
      m.stepChecks.inc({ ...sl, result: 'passed' }, step.checksPassed);
      m.stepChecks.inc({ ...sl, result: 'failed' }, step.checksFailed);
    }
  }

  finished(runId: number | null, summary: RunSummary): void {
    if (!this.scenario) return;
    // The stage the run ended in: the one whose gauges are on the endpoint.
    const t = Math.max(0, Math.ceil(summary.durationSec) - 1);
    const labels = this.gaugeLabels ?? runLabels(runId, this.scenario, t);
    this.m.running.set(labels, 0);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
