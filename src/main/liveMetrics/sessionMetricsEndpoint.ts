// One Prometheus endpoint for a session of several runs: the app's metrics setting (Settings →
// Metrics port; `barrage serve` too), and `--metrics-port` of the CLI commands that run several
// runs (`barrage capacity`, `barrage ab`). While it listens, every run of the session — single
// runs, A/B rounds, capacity steps, a showdown's runs — is exposed through it, with the same
// PrometheusEndpoint sink `barrage run --metrics-port` uses. Between runs it keeps serving the
// last run's series (barrage_run_running 0), so a dashboard shows what the run ended at.
import type { RunProgress, RunSummary } from '../../shared/runResult.ts';
import type { Scenario } from '../../shared/scenario.ts';
import type { SettingsView } from '../../shared/settings.ts';
import type { RunSink } from '../services/runSinks.ts';
import { PrometheusEndpoint } from './prometheusEndpoint.ts';

/** The endpoint could not listen: the message is one line naming the port and the reason. */
export class MetricsPortError extends Error {
  override name = 'MetricsPortError';
}

export class SessionMetricsEndpoint {
  private endpoint: PrometheusEndpoint | null = null;
  private failure: string | null = null;
  /** Changes are applied one after another (two quick changes must not race for ports). */
  private queue: Promise<unknown> = Promise.resolve();

  /**
   * Listens on `port` (null: stops listening). When the new port cannot be had, throws a
   * MetricsPortError and keeps the endpoint that was listening before.
   */
  configure(port: number | null): Promise<void> {
    const next = this.queue.then(() => this.apply(port));
    this.queue = next.catch(() => {});
    return next;
  }

  private async apply(port: number | null): Promise<void> {
    const current = this.endpoint;
    if (port !== null && current?.port === port) return;
    if (port === null) {
      this.endpoint = null;
      this.failure = null;
      await current?.close();
      return;
    }
    let started: PrometheusEndpoint;
    try {
      started = await PrometheusEndpoint.start(port);
    } catch (err) {
      throw new MetricsPortError(PrometheusEndpoint.listenFailure(port, err as NodeJS.ErrnoException));
    }
    this.endpoint = started;
    this.failure = null;
    await current?.close();
  }

  /**
   * At start-up: the saved port could not be had (another program holds it). The app starts
   * anyway; the Settings view shows why nothing listens.
   */
  recordStartupFailure(message: string): void {
    this.failure = message;
  }

  status(): SettingsView['metrics'] {
    return { url: this.endpoint ? `http://127.0.0.1:${this.endpoint.port}/metrics` : null, error: this.failure };
  }

  /** One run's sink: exposes its seconds on whichever endpoint listens while they arrive. */
  sinkFor(config: Scenario): RunSink {
    let begunOn: PrometheusEndpoint | null = null;
    const current = (): PrometheusEndpoint | null => {
      const endpoint = this.endpoint;
      if (endpoint && begunOn !== endpoint) {
        // A new run, or the port changed mid-run: the endpoint drops the previous series.
        endpoint.begin(config);
        begunOn = endpoint;
      }
      return endpoint;
    };
    // The run's series replace the last run's from its start, not from its first second.
    current();
    return {
      second: (runId: number | null, p: RunProgress) => current()?.second(runId, p),
      finished: (runId: number | null, summary: RunSummary) => current()?.finished(runId, summary),
    };
  }

  close(): Promise<void> {
    return this.configure(null);
  }
}
