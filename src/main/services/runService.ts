// Runs with a memory: starts runs on the engine, writes each second to the run history as it
// arrives (so a killed process loses at most the last second or two), stores the final result,
// and tells listeners. Used by the CLI, the desktop app and `barrage serve` alike.
import { EventEmitter } from 'node:events';
import type { ActiveRun } from '../../shared/contract.ts';
import type { RunProgress, RunResult, RunSummary } from '../../shared/runResult.ts';
import { plannedDurationSec, type Scenario } from '../../shared/scenario.ts';
import { evaluateThresholds, parseThreshold, type Threshold, type ThresholdResult } from '../../shared/thresholds.ts';
import { checkCapacity, failedResult, startRun, workerCount, type RunHandle, type RunOptions } from '../engine/index.ts';
import { collectEnvironment } from '../store/environment.ts';
import type { RunStore } from '../store/runStore.ts';
import { LiveThresholdWatch, type LiveBreach } from './liveThresholds.ts';

export interface RunMeta {
  scenarioId?: number | null;
  scenarioName?: string | null;
  tags?: string[];
  notes?: string;
  groupId?: string | null;
  /**
   * Stop the run as soon as one of the scenario's thresholds is breached by the figures so far
   * (see liveThresholds.ts for which ones can be checked while the run goes, and how).
   */
  abortOnFail?: boolean;
}

export interface StartedRun {
  /** Id in the run history; null when the run is not saved. */
  runId: number | null;
  handle: RunHandle;
  /** Resolves once the result is measured and stored. */
  done: Promise<{ runId: number | null; result: RunResult; thresholdBreach?: LiveBreach }>;
}

interface RunServiceEvents {
  progress: [RunProgress & { runId: number }];
  finished: [{ runId: number; summary: RunSummary }];
  started: [{ runId: number }];
  /** The history changed in another way (deleted, annotated); open views should reload. */
  changed: [{ reason: 'deleted' | 'updated' | 'imported' }];
}

export class RunService extends EventEmitter<RunServiceEvents> {
  private readonly store: RunStore | null;
  private readonly engineOptions: Pick<RunOptions, 'lookup' | 'workers'>;
  private readonly running = new Map<number, { handle: RunHandle; info: ActiveRun }>();
  /** Runs not yet measured and stored, saved or not. */
  private readonly unsettled = new Set<Promise<unknown>>();

  constructor(store: RunStore | null, engineOptions: Pick<RunOptions, 'lookup' | 'workers'> = {}) {
    super();
    this.store = store;
    this.engineOptions = engineOptions;
  }

  /** Throws a PreflightError (before anything is stored) when the machine cannot run it. */
  start(config: Scenario, meta: RunMeta = {}, onProgress?: (p: RunProgress) => void): StartedRun {
    checkCapacity(config);
    // Validated with the scenario; parsed once here for the live check and the final evaluation.
    const thresholds = (config.thresholds ?? []).map(parseThreshold);
    const watch = meta.abortOnFail && thresholds.length > 0 ? new LiveThresholdWatch(thresholds) : null;
    let breach: LiveBreach | undefined;
    const workers = workerCount(config, this.engineOptions.workers);
    const runId = this.store
      ? this.store.createRun({
          config,
          scenarioId: meta.scenarioId ?? null,
          scenarioName: meta.scenarioName ?? config.name ?? null,
          environment: collectEnvironment(config, workers),
          tags: meta.tags,
          notes: meta.notes,
          groupId: meta.groupId ?? null,
        })
      : null;
    const info: ActiveRun | undefined =
      runId === null
        ? undefined
        : {
            runId,
            scenarioName: meta.scenarioName ?? config.name ?? null,
            config,
            startedAt: new Date().toISOString(),
            plannedSec: plannedDurationSec(config) ?? null,
            progress: [],
          };
    const handle = startRun(config, {
      ...this.engineOptions,
      onStart: ({ startedAt }) => {
        if (info) info.startedAt = new Date(startedAt).toISOString();
      },
      onProgress: (p) => {
        if (watch && !breach) {
          breach = watch.add(p.sample) ?? undefined;
          if (breach) handle.stop();
        }
        onProgress?.(p);
        if (runId === null || !info) return;
        this.persist(runId, p);
        info.progress.push(p);
        this.emit('progress', { ...p, runId });
      },
    });
    if (runId !== null && info) {
      this.running.set(runId, { handle, info });
      this.emit('started', { runId });
    }
    const done = handle.result.then(
      (measured) => {
        const result = withThresholds(measured, thresholds, breach);
        if (runId !== null) {
          this.store?.finishRun(runId, result);
          this.running.delete(runId);
          this.emit('finished', { runId, summary: result.summary });
        }
        return breach ? { runId, result, thresholdBreach: breach } : { runId, result };
      },
      (err: unknown) => {
        // A bug in the engine: the history keeps the run as failed with the reason, rather
        // than as a run that never ends.
        if (runId !== null) {
          this.store?.finishRun(runId, failedResult(config, (err as Error).message));
          this.running.delete(runId);
        }
        throw err;
      },
    );
    const settled = done.catch(() => {}).finally(() => this.unsettled.delete(settled));
    this.unsettled.add(settled);
    return { runId, handle, done };
  }

  stop(runId: number): boolean {
    const run = this.running.get(runId);
    if (!run) return false;
    run.handle.stop();
    return true;
  }

  stopAll(): void {
    for (const run of this.running.values()) run.handle.stop();
  }

  notifyChanged(reason: 'deleted' | 'updated' | 'imported'): void {
    this.emit('changed', { reason });
  }

  active(): ActiveRun[] {
    return [...this.running.values()].map((r) => r.info);
  }

  /** Resolves when every run in flight has ended and been stored. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.unsettled]);
  }

  private persist(runId: number, p: RunProgress): void {
    try {
      this.store?.appendSamples(runId, [p.sample]);
    } catch {
      // A busy or failing disk must not stop the measurement; the final result is written
      // in full when the run ends (finishRun stores every sample).
    }
  }
}

/**
 * The result with its thresholds evaluated on the final summary. A run stopped by a live breach
 * has that threshold failed whatever the truncated run's summary says, and a note saying why it
 * stopped early.
 */
export function withThresholds(result: RunResult, thresholds: readonly Threshold[], breach?: LiveBreach): RunResult {
  if (thresholds.length === 0) return result;
  const evaluated: ThresholdResult[] = evaluateThresholds(thresholds, result.summary);
  const notes = [...result.summary.notes];
  if (breach) {
    const r = evaluated[breach.index];
    evaluated[breach.index] = { ...r, passed: false, message: r.passed ? `${r.metric}: breached while running — ${breach.message}: failed` : r.message };
    notes.push(`Stopped after ${breach.atSec} s because a threshold was breached (abort on fail): ${breach.message}.`);
  }
  return { ...result, summary: { ...result.summary, notes, thresholds: evaluated } };
}
