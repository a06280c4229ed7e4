// Runs a showdown as a session of steps: plans it (showdownPlan.ts: the target's set-up, the
// connection probes on the idle target, every mode back to back — order rotated by the seed, each
// exchange mode after an unsaved warm-up run — and the target's close), then has the session
// runner (services/stepSession.ts) run the steps with the real executors (showdownSteps.ts) under
// one measurement lease. Its status is a fold of the session's events (showdownStatus.ts); its
// result is assembled from the steps' outcomes (showdownResult.ts). The measured runs are saved
// as normal runs in the history under one group id.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { ShowdownConfig, ShowdownResult, ShowdownStatus } from '../../shared/showdown.ts';
import type { Clock } from '../clock.ts';
import { systemClock } from '../clock.ts';
import type { RunService } from '../services/runService.ts';
import { runSession, type SessionEvent } from '../services/stepSession.ts';
import type { RunStore } from '../store/runStore.ts';
import type { HostedTarget } from './demoTargetHost.ts';
import { planShowdown, type ShowdownStepPlan } from './showdownPlan.ts';
import { showdownResult } from './showdownResult.ts';
import { foldShowdownStatus, initialShowdownStatus } from './showdownStatus.ts';
import { SHOWDOWN_TAG, showdownExecutors, type ShowdownExecutors, type ShowdownOutcome } from './showdownSteps.ts';

export { SHOWDOWN_TAG };

export interface ShowdownDeps {
  /** Runs the measured engine runs; saves them when it has a store. Its lock is the session's. */
  runs: RunService;
  /** The history, for the default seed; null: nothing saved. */
  store: RunStore | null;
  /** Called at every step and when the showdown ends. */
  onStatus?: (status: ShowdownStatus) => void;
  /** Starts the demo target; replaceable in tests. */
  startTarget?: () => Promise<HostedTarget>;
  /** The executors of the steps (default: the real ones); tests give fakes. */
  executors?: ShowdownExecutors;
  clock?: Pick<Clock, 'now'>;
}

export interface ShowdownHandle {
  readonly id: string;
  status(): ShowdownStatus;
  /** The session's events so far (steps started, runs, steps ended, the end). */
  events(): Array<SessionEvent<ShowdownOutcome, ShowdownResult>>;
  /** Stops the showdown: the current run ends early, the remaining modes do not run. */
  stop(): void;
  /** Always resolves: a failure is a result with status 'failed'. */
  readonly result: Promise<ShowdownResult>;
}

/**
 * Starts a showdown. Throws MeasurementBusyError before anything runs when something else
 * measures: the session holds the lock from its first step (the target's start) to its last
 * (the target's close), probes and warm-ups included.
 */
export function startShowdown(config: ShowdownConfig, deps: ShowdownDeps): ShowdownHandle {
  const clock = deps.clock ?? systemClock;
  const id = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const saved = config.save && deps.store !== null;
  const seed = config.seed ?? defaultSeed(deps.store);
  const plan = planShowdown(config, { id, seed, saved });
  const startedAt = new Date(clock.now()).toISOString();
  const loadAverageStart = loadAverage();
  const session = runSession<ShowdownStepPlan, ShowdownOutcome, ShowdownStatus, ShowdownResult>({
    lock: deps.runs.lock,
    job: { kind: 'showdown', id, label: `showdown ${id}` },
    steps: plan.steps,
    executors: deps.executors ?? showdownExecutors({ runs: deps.runs, config, groupId: plan.groupId, startTarget: deps.startTarget }),
    initial: initialShowdownStatus(plan, startedAt),
    fold: (status, event) => foldShowdownStatus(plan, status, event),
    finish: (records, ending) => {
      const cpus = os.cpus();
      return showdownResult(plan, records, ending, {
        startedAt,
        endedAt: new Date(clock.now()).toISOString(),
        machine: {
          cpu: cpus[0]?.model.trim() || 'unknown',
          cores: os.availableParallelism(),
          node: process.versions.node,
          platform: `${process.platform} ${process.arch}`,
          loadAverageStart,
          loadAverageEnd: loadAverage(),
        },
      });
    },
    onStatus: deps.onStatus,
    clock,
  });
  return { id, status: session.status, events: session.events, stop: session.stop, result: session.done };
}

/** 1-minute load average; null where the OS has none (Windows). */
function loadAverage(): number | null {
  if (process.platform === 'win32') return null;
  return Math.round(os.loadavg()[0] * 100) / 100;
}

/** Default rotation: how many showdowns the history already holds, so successive ones rotate. */
function defaultSeed(store: RunStore | null): number {
  if (!store) return Math.floor(Math.random() * 6);
  try {
    const { runs } = store.listRuns({ tag: SHOWDOWN_TAG, limit: 1000 });
    return new Set(runs.map((r) => r.groupId).filter((g) => g !== null)).size;
  } catch {
    return 0;
  }
}
