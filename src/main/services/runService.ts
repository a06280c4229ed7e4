// Runs with a memory: starts runs on the engine (or another load driver, such as the showdown's
// polling), under the measurement lock, and feeds each merged second and the final result to the
// run's sinks (runSinks.ts): the history writer, the live views' events, the live threshold watch
// and the caller's own. Used by the CLI, the desktop app and `barrage serve` alike.
import { EventEmitter } from 'node:events';
import type { ActiveRun } from '../../shared/contract.ts';
import type { RunProgress, RunResult, RunSummary } from '../../shared/runResult.ts';
import { plannedDurationSec, type Scenario } from '../../shared/scenario.ts';
import { redactUrl } from '../../shared/redact.ts';
import { configToStore } from '../../shared/storedSecrets.ts';
import { evaluateThresholds, parseThreshold, type Threshold, type ThresholdResult } from '../../shared/thresholds.ts';
import { checkRunnable, failedResult, startRun, workerCount, type RunHandle, type RunOptions } from '../engine/index.ts';
import { collectEnvironment } from '../store/environment.ts';
import type { RunStore } from '../store/runStore.ts';
import type { ShardInfo } from '../../shared/history.ts';
import { FailingTargetWatch, type FailingVerdict } from './failingTargetWatch.ts';
import type { LiveBreach } from './liveThresholds.ts';
import { MeasurementLock, type MeasurementLease } from './measurementLock.ts';
import { feedFinished, feedSecond, HistoryWriter, LiveThresholdSink, progressSink, type RunSink } from './runSinks.ts';

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
  /**
   * The lease of the job this run belongs to (an A/B run, a showdown): the run measures under
   * it. Without one the run takes the measurement lock itself, and is refused while anything
   * else measures.
   */
  lease?: MeasurementLease;
  /**
   * Run to the planned end even when every attempt fails the same way (by default such a run is
   * stopped after a few seconds and ends as failed; see failingTargetWatch.ts).
   */
  keepGoing?: boolean;
  /** How to opt out, in the caller's words, added to the message of a run stopped that way (the CLI: its flag). */
  keepGoingHint?: string;
  /** The caller's own sinks (the CLI's printer and --out streams), after the service's. */
  sinks?: readonly RunSink[];
  /**
   * false: a run that is measured but not kept — no history row, no live events (a showdown's
   * warm-up). It still goes through the lock and the caller's sinks.
   */
  record?: boolean;
  /**
   * The load driver, when it is not the engine (the showdown's polling): started like the
   * engine's startRun, it must report each merged second through `onProgress`.
   */
  driver?: RunEngine['startRun'];
  /** Warnings about the run before its load starts (the CLI prints them; they also become notes). */
  onWarning?: (message: string) => void;
  /**
   * Keep the URL password and credential header values in the run's stored configuration
   * (`--store-secrets`). By default the history keeps a redacted copy (storedSecrets.ts), and
   * running it again asks for the secrets.
   */
  storeSecrets?: boolean;
  /**
   * Epoch ms at which the load starts (`--start-at`; the engine's `startAt`): the common instant
   * of all shards of a run. The result gets a note of how late it actually began.
   */
  startAt?: number;
  /** This run is one shard of a sharded run: kept in its environment (`environment.shard`). */
  shard?: ShardInfo;
}

export interface StartedRun {
  /** Id in the run history; null when the run is not saved. */
  runId: number | null;
  handle: RunHandle;
  /** Resolves once the result is measured and stored. */
  done: Promise<{ runId: number | null; result: RunResult; thresholdBreach?: LiveBreach; startLateMs?: number }>;
}

/** The engine as the run service uses it; tests replace it (an engine that rejects). */
export interface RunEngine {
  startRun: typeof startRun;
}
const ENGINE: RunEngine = { startRun };

interface RunServiceEvents {
  progress: [RunProgress & { runId: number }];
  finished: [{ runId: number; summary: RunSummary }];
  started: [{ runId: number }];
  /** The history changed in another way (deleted, annotated); open views should reload. */
  changed: [{ reason: 'deleted' | 'updated' | 'imported' }];
}

export class RunService extends EventEmitter<RunServiceEvents> {
  private readonly store: RunStore | null;
  private readonly engineOptions: Pick<RunOptions, 'lookup' | 'workers' | 'demoTarget' | 'inline' | 'spawnProcess'>;
  /** The one owner of "something is measuring", shared by every job of this process. */
  readonly lock: MeasurementLock;
  private readonly engine: RunEngine;
  private readonly running = new Map<number, { handle: RunHandle; info: ActiveRun }>();
  /** Runs not yet measured and stored, saved or not. */
  private readonly unsettled = new Set<Promise<unknown>>();
  /** Sinks every run of this service gets (the app's metrics endpoint), after the caller's. */
  private readonly sessionSinks: Array<(config: Scenario) => RunSink> = [];

  constructor(
    store: RunStore | null,
    engineOptions: Pick<RunOptions, 'lookup' | 'workers' | 'demoTarget' | 'inline' | 'spawnProcess'> = {},
    lock: MeasurementLock = new MeasurementLock(),
    engine: RunEngine = ENGINE,
  ) {
    super();
    this.engine = engine;
    this.store = store;
    this.engineOptions = engineOptions;
    this.lock = lock;
  }

  /** Adds a sink to every run started from now on (an output of the whole session, such as the app's metrics endpoint). */
  addSessionSink(sinkFor: (config: Scenario) => RunSink): void {
    this.sessionSinks.push(sinkFor);
  }

  /**
   * Throws a PreflightError when the machine cannot run it, and a MeasurementBusyError while
   * something else measures — both before anything is stored.
   */
  start(config: Scenario, meta: RunMeta = {}, onProgress?: (p: RunProgress) => void): StartedRun {
    checkRunnable(config);
    if (meta.lease?.released) throw new Error(`the lease of ${meta.lease.job.label} was released: its runs cannot start any more`);
    const name = meta.scenarioName ?? config.name ?? null;
    const ownLease = meta.lease ? null : this.lock.acquire({ kind: 'run', label: `a run${name ? ` of ${name}` : ''} (${redactUrl(config.url)})` });
    try {
      return this.startLeased(config, meta, onProgress, ownLease);
    } catch (err) {
      ownLease?.release();
      throw err;
    }
  }

  private startLeased(config: Scenario, meta: RunMeta, onProgress: ((p: RunProgress) => void) | undefined, ownLease: MeasurementLease | null): StartedRun {
    // Validated with the scenario; parsed once here for the live check and the final evaluation.
    const thresholds = (config.thresholds ?? []).map(parseThreshold);
    const workers = workerCount(config, this.engineOptions.workers);
    const store = meta.record === false ? null : this.store;
    // What the history (and the live views, which show the stored run) keep of the configuration.
    const keep = (c: Scenario): Scenario => configToStore(c, meta.storeSecrets === true);
    // One start for the stored row and the live record until the engine reports the load's own
    // start (onStart below; the summary's then replaces both), so History and the Run view agree.
    const createdAt = new Date().toISOString();
    const runId = store
      ? store.createRun({
          startedAt: createdAt,
          config: keep(config),
          scenarioId: meta.scenarioId ?? null,
          scenarioName: meta.scenarioName ?? config.name ?? null,
          environment: meta.shard ? { ...collectEnvironment(config, workers), shard: meta.shard } : collectEnvironment(config, workers),
          tags: meta.tags,
          notes: meta.notes,
          groupId: meta.groupId ?? null,
        })
      : null;
    if (runId !== null) ownLease?.describe({ id: String(runId), label: `run ${runId}${meta.scenarioName ?? config.name ? ` (${meta.scenarioName ?? config.name})` : ''}` });
    const info: ActiveRun | undefined =
      runId === null
        ? undefined
        : {
            runId,
            scenarioName: meta.scenarioName ?? config.name ?? null,
            config: keep(config),
            startedAt: createdAt,
            plannedSec: plannedDurationSec(config) ?? null,
            progress: [],
          };
    // With a start instant: how late this process's clock woke up at it (a timer armed for that
    // instant), beside how late the engine planned the load's start (workers not ready in time).
    let wokeLateMs: number | undefined;
    const startTimer =
      meta.startAt === undefined ? undefined : setTimeout(() => (wokeLateMs = Date.now() - meta.startAt!), Math.max(0, meta.startAt - Date.now()));
    let handle: RunHandle | undefined;
    const live = meta.abortOnFail && thresholds.length > 0 ? new LiveThresholdSink(thresholds, () => handle?.stop()) : null;
    // "Nothing works": stops a run in which every attempt fails the same way (after a breach,
    // the breach is the reason).
    const failingWatch = meta.keepGoing ? null : new FailingTargetWatch(undefined, meta.keepGoingHint);
    let failed: FailingVerdict | undefined;
    const failing: RunSink | null = failingWatch && {
      second: (_id, p) => {
        if (failed || live?.breach) return;
        failed = failingWatch.add(p) ?? undefined;
        if (failed) handle?.stop();
      },
      finished: () => {},
    };
    const sinks: RunSink[] = [
      ...(store ? [new HistoryWriter(store, keep)] : []),
      ...(info && runId !== null ? [this.viewEvents(runId, info)] : []),
      ...(live ? [live] : []),
      ...(failing ? [failing] : []),
      ...(onProgress ? [progressSink(onProgress)] : []),
      ...(meta.sinks ?? []),
      ...this.sessionSinks.map((sinkFor) => sinkFor(config)),
    ];
    handle = (meta.driver ?? this.engine.startRun)(config, {
      ...this.engineOptions,
      ...(meta.startAt !== undefined ? { startAt: meta.startAt } : {}),
      onWarning: meta.onWarning,
      onStart: ({ startedAt }) => {
        if (info) info.startedAt = new Date(startedAt).toISOString();
      },
      onProgress: (p) => feedSecond(sinks, runId, p),
    });
    const started = handle;
    if (runId !== null && info) {
      this.running.set(runId, { handle: started, info });
      this.emit('started', { runId });
    }
    const done = started.result.then(
      (measured) => {
        if (startTimer) clearTimeout(startTimer);
        const startLateMs = meta.startAt === undefined ? undefined : startLateness(measured, meta.startAt, wokeLateMs);
        const result = withStartNote(withFailing(withThresholds(measured, thresholds, live?.breach), failed), meta, startLateMs);
        try {
          feedFinished(sinks, runId, result);
        } finally {
          // Free before `done` settles, so whoever awaited it can start the next run at once.
          ownLease?.release();
        }
        const outcome = live?.breach ? { runId, result, thresholdBreach: live.breach } : { runId, result };
        return startLateMs === undefined ? outcome : { ...outcome, startLateMs };
      },
      (err: unknown) => {
        if (startTimer) clearTimeout(startTimer);
        // The driver rejected (a bug, or a failure to start its workers): the history keeps the
        // run as failed with the reason rather than as a run that never ends, and the views
        // following it see it end.
        try {
          feedFinished(sinks, runId, failedResult(config, (err as Error).message));
        } finally {
          ownLease?.release();
        }
        throw err;
      },
    );
    const settled = done
      .catch(() => {})
      .finally(() => {
        ownLease?.release();
        this.unsettled.delete(settled);
      });
    this.unsettled.add(settled);
    return { runId, handle: started, done };
  }

  /** The live views' sink: run.progress each second, run.finished at the end. */
  private viewEvents(runId: number, info: ActiveRun): RunSink {
    return {
      second: (_id, p) => {
        info.progress.push(p);
        this.emit('progress', { ...p, runId });
      },
      finished: (_id, summary) => {
        this.running.delete(runId);
        this.emit('finished', { runId, summary });
      },
    };
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


}

/**
 * A run given a start instant (`--start-at`, a shard's common start) says in its notes how late
 * its load began on this machine's clock: the skew a merge of shards relies on being small.
 */
export function withStartNote(result: RunResult, meta: Pick<RunMeta, 'startAt' | 'shard'>, late: number | undefined): RunResult {
  if (meta.startAt === undefined || late === undefined || (result.summary.status === 'failed' && result.samples.length === 0)) return result;
  const who = meta.shard ? `Shard ${meta.shard.index}/${meta.shard.count}` : 'The run';
  const note = `${who} started ${late} ms after --start-at ${new Date(meta.startAt).toISOString()} (on this machine's clock)`;
  return { ...result, summary: { ...result.summary, notes: [...result.summary.notes, note] } };
}

/**
 * How late a run given a start instant began (ms): the later of the engine's planned start
 * (later than the instant when its workers were not ready in time) and this process's wake-up
 * at the instant (a busy event loop fires the timer late). It is measured on this machine's
 * clock: the skew between machines' clocks is not in it (docs/DISTRIBUTED.md).
 */
export function startLateness(result: RunResult, startAt: number, wokeLateMs: number | undefined): number {
  return Math.max(Date.parse(result.summary.startedAt) - startAt, wokeLateMs ?? 0);
}

/** A run stopped because every attempt failed the same way ends as failed, saying so. */
export function withFailing(result: RunResult, failed: FailingVerdict | undefined): RunResult {
  if (!failed || result.summary.status === 'failed') return result;
  const notes = result.summary.notes.filter((n) => n !== 'stopped before its planned end');
  return { ...result, summary: { ...result.summary, status: 'failed', failure: failed.message, notes } };
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
