// Run sinks: where a run's measurements go. The run service feeds every run of every kind (a
// run, an A/B round, a showdown's warm-ups and polling) through the same sinks — each merged
// second as it arrives, and the final result — as k6 separates its outputs from its executors.
// The sinks of a run, in order: the history writer (when the run is stored), the live views'
// events (when it is stored), the live threshold watch (with --abort-on-fail), then the caller's
// own (the CLI's progress printer and its --out streams; a new output — a Prometheus endpoint,
// OTLP push — is one more sink).
import type { RunProgress, RunResult, RunSummary } from '../../shared/runResult.ts';
import type { Scenario } from '../../shared/scenario.ts';
import type { Threshold } from '../../shared/thresholds.ts';
import type { RunStore } from '../store/runStore.ts';
import { LiveThresholdWatch, type LiveBreach } from './liveThresholds.ts';

export interface RunSink {
  /**
   * A merged second of the run, with the run's totals so far. Called at the engine's pace (once
   * a second); an exception here is contained (the measurement goes on, the other sinks too).
   */
  second(runId: number | null, progress: RunProgress): void;
  /**
   * The run ended: `summary` is final (thresholds evaluated), `result` has every sample and the
   * histogram. Called once, after the history has stored the result.
   */
  finished(runId: number | null, summary: RunSummary, result: RunResult): void;
}

/** Calls `second` on every sink; one failing sink neither stops the run nor the others. */
export function feedSecond(sinks: readonly RunSink[], runId: number | null, progress: RunProgress): void {
  for (const sink of sinks) {
    try {
      sink.second(runId, progress);
    } catch {
      // A sink's fault (a full disk, a closed pipe) is not the measurement's; the final result
      // reaches every sink again in full.
    }
  }
}

/** Calls `finished` on every sink; the first failure is rethrown after all have been told. */
export function feedFinished(sinks: readonly RunSink[], runId: number | null, result: RunResult): void {
  let failure: unknown;
  for (const sink of sinks) {
    try {
      sink.finished(runId, result.summary, result);
    } catch (err) {
      failure ??= err;
    }
  }
  if (failure !== undefined) throw failure;
}

/**
 * The run history: each second in its own transaction as it arrives (a killed process loses at
 * most the last second or two), the final result when the run ends.
 */
export class HistoryWriter implements RunSink {
  private readonly store: RunStore;
  private readonly keep: (config: Scenario) => Scenario;
  /** `keep`: the configuration as the history stores it (redacted unless secrets are kept). */
  constructor(store: RunStore, keep: (config: Scenario) => Scenario) {
    this.store = store;
    this.keep = keep;
  }
  second(runId: number | null, p: RunProgress): void {
    if (runId === null) return;
    try {
      this.store.appendSamples(runId, [p.sample]);
    } catch {
      // A busy or failing disk must not stop the measurement; finishRun stores every sample.
    }
  }
  finished(runId: number | null, _summary: RunSummary, result: RunResult): void {
    if (runId !== null) this.store.finishRun(runId, { ...result, config: this.keep(result.config) });
  }
}

/** --abort-on-fail: stops the run at the first threshold the figures so far breach honestly. */
export class LiveThresholdSink implements RunSink {
  private readonly watch: LiveThresholdWatch;
  private readonly stop: () => void;
  breach: LiveBreach | undefined;
  constructor(thresholds: readonly Threshold[], stop: () => void) {
    this.watch = new LiveThresholdWatch(thresholds);
    this.stop = stop;
  }
  second(_runId: number | null, p: RunProgress): void {
    if (this.breach) return;
    this.breach = this.watch.add(p.sample) ?? undefined;
    if (this.breach) this.stop();
  }
  finished(): void {}
}

/** A sink from a progress callback (the callers' `onProgress`). */
export function progressSink(onProgress: (p: RunProgress) => void): RunSink {
  return { second: (_runId, p) => onProgress(p), finished: () => {} };
}
