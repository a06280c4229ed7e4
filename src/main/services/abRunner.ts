// A/B runs: scenario A and scenario B run interleaved — A B A B … — so that whatever drifts on
// the machine over the minutes (thermal state, a neighbour's job, caches) falls on both sides
// alike, with the same warm-up; every run is stored in one group and tagged with its side, and
// at the end the two groups are compared with the runs as the units (compareGroups). Used by
// `barrage ab` and the app's `ab.start`.
import { randomBytes } from 'node:crypto';
import { AB_MAX_ROUNDS, AB_MIN_ROUNDS, AB_MIN_ROUNDS_WHY, type AbRunEntry, type AbSide, type AbStatus } from '../../shared/ab.ts';
import { AB_SIDE_TAGS, AB_TAG } from '../../shared/comparison.ts';
import { countsInGroup } from '../../shared/groupRuns.ts';
import type { RunProgress, RunResult } from '../../shared/runResult.ts';
import type { Scenario } from '../../shared/scenario.ts';
import { compareGroups, type CompareOptions } from '../../shared/stats/index.ts';
import { checkRunnable } from '../engine/index.ts';
import type { RunService, StartedRun } from './runService.ts';

export interface AbScenario {
  config: Scenario;
  /** The saved scenario the runs belong to, when there is one. */
  scenarioId: number | null;
  name: string;
}

export interface AbOptions {
  a: AbScenario;
  b: AbScenario;
  /** Runs per side (default 5, at least 4). */
  rounds: number;
  /** Warm-up of every run; default: the larger of the two scenarios' warm-ups. */
  warmupSec?: number;
  compare?: CompareOptions;
  /** Each change of the status: a run started, a run ended, the end. */
  onUpdate?: (status: AbStatus) => void;
  /** Per-second progress of the run going now. */
  onProgress?: (run: { side: AbSide; round: number; runId: number | null }, progress: RunProgress) => void;
  /** Keep secrets in the runs' stored configurations (RunMeta.storeSecrets); default: redacted. */
  storeSecrets?: boolean;
}

export interface AbHandle {
  readonly groupId: string;
  /** A copy of the status now. */
  status(): AbStatus;
  /** Stops the run going now; no further round starts. */
  stop(): void;
  /** Resolves with the final status (never rejects: failures are in the status). */
  readonly done: Promise<AbStatus>;
}

export function newAbGroupId(): string {
  return `ab-${randomBytes(4).toString('hex')}`;
}

/**
 * Starts an A/B run on `runs` (which must store runs: the group lives in the history).
 * Throws RangeError for a bad number of rounds, PreflightError when either scenario cannot
 * run on this machine, and MeasurementBusyError while something else measures — before anything
 * runs. The series holds the measurement lock from its start to its end.
 */
export function startAb(runs: RunService, opts: AbOptions): AbHandle {
  const rounds = opts.rounds;
  if (!Number.isInteger(rounds) || rounds < AB_MIN_ROUNDS || rounds > AB_MAX_ROUNDS) {
    throw new RangeError(
      `rounds: must be a whole number from ${AB_MIN_ROUNDS} to ${AB_MAX_ROUNDS} (${AB_MIN_ROUNDS_WHY})`,
    );
  }
  const warmupSec = opts.warmupSec ?? Math.max(opts.a.config.warmupSec, opts.b.config.warmupSec);
  const configs: Record<AbSide, Scenario> = {
    A: { ...opts.a.config, warmupSec },
    B: { ...opts.b.config, warmupSec },
  };
  checkRunnable(configs.A);
  checkRunnable(configs.B);

  const groupId = newAbGroupId();
  // The whole series measures under one lease: nothing else starts between its rounds.
  const lease = runs.lock.acquire({ kind: 'ab', id: groupId, label: `A/B run ${groupId} (${opts.a.name} against ${opts.b.name})` });
  const status: AbStatus = {
    groupId,
    state: 'running',
    scenarioA: { id: opts.a.scenarioId, name: opts.a.name },
    scenarioB: { id: opts.b.scenarioId, name: opts.b.name },
    rounds,
    warmupSec,
    runs: [],
    current: null,
    startedAt: new Date().toISOString(),
    endedAt: null,
    comparisons: null,
    worse: null,
    error: null,
  };
  const snapshot = (): AbStatus => structuredClone(status);
  const update = () => opts.onUpdate?.(snapshot());
  let stopRequested = false;
  let current: StartedRun | undefined;
  const completed: Record<AbSide, RunResult[]> = { A: [], B: [] };

  const finish = (state: AbStatus['state'], error: string | null = null): AbStatus => {
    status.state = state;
    status.error = error;
    status.current = null;
    status.endedAt = new Date().toISOString();
    if (completed.A.length > 0 && completed.B.length > 0) {
      status.comparisons = compareGroups(completed.A, completed.B, opts.compare);
      status.worse = status.comparisons.filter((c) => c.verdict === 'worse').map((c) => c.figure);
    }
    update();
    return snapshot();
  };

  const runOne = async (side: AbSide, round: number): Promise<string | null> => {
    const scenario = side === 'A' ? opts.a : opts.b;
    let started: StartedRun;
    try {
      started = runs.start(
        configs[side],
        {
          scenarioId: scenario.scenarioId,
          scenarioName: scenario.name,
          tags: [AB_TAG, AB_SIDE_TAGS[side]],
          notes: `A/B ${groupId}: round ${round} of ${rounds}, side ${side} (${scenario.name})`,
          groupId,
          lease,
          storeSecrets: opts.storeSecrets,
        },
        (p) => opts.onProgress?.({ side, round, runId: started?.runId ?? null }, p),
      );
    } catch (err) {
      return `run ${side} of round ${round} could not start: ${(err as Error).message}`;
    }
    if (started.runId === null) {
      started.handle.stop();
      await started.done.catch(() => {});
      return 'A/B runs need the run history (the runs are stored as one group)';
    }
    current = started;
    const entry: AbRunEntry = { runId: started.runId, side, round, status: 'running', throughputPerSec: null, p50Us: null, p99Us: null };
    status.runs.push(entry);
    status.current = { side, round, runId: started.runId };
    update();
    let result: RunResult;
    try {
      result = (await started.done).result;
    } catch (err) {
      entry.status = 'failed';
      return `run ${entry.runId} (${side}, round ${round}) failed: ${(err as Error).message}`;
    } finally {
      current = undefined;
    }
    const summary = result.summary;
    entry.status = summary.status;
    entry.throughputPerSec = summary.throughput.steadyPerSec ?? summary.throughput.perSec;
    entry.p50Us = summary.latencyUs.count > 0 ? summary.latencyUs.p50 : null;
    entry.p99Us = summary.latencyUs.count > 0 ? summary.latencyUs.p99 : null;
    status.current = null;
    if (countsInGroup(result.summary.status)) {
      completed[side].push(result);
      update();
      return null;
    }
    if (result.summary.status === 'aborted') {
      // Stopped from here, or from elsewhere (the app's stop button on the run): either way the
      // series ends; the rounds so far are compared.
      stopRequested = true;
      update();
      return null;
    }
    update();
    return `run ${entry.runId} (${side}, round ${round}) ${result.summary.status}${result.summary.failure ? `: ${result.summary.failure}` : ''}`;
  };

  const done = (async (): Promise<AbStatus> => {
    // One turn of the event loop first, so the caller holds the handle before the first update.
    await Promise.resolve();
    try {
      for (let round = 1; round <= rounds; round++) {
        for (const side of ['A', 'B'] as const) {
          if (stopRequested) return finish('stopped');
          const error = await runOne(side, round);
          if (error) return finish('failed', error);
        }
      }
      return finish(stopRequested ? 'stopped' : 'completed');
    } finally {
      lease.release();
    }
  })();

  return {
    groupId,
    status: snapshot,
    stop() {
      stopRequested = true;
      current?.handle.stop();
    },
    done,
  };
}
