// Capacity search, run: one open-model run per rate (each stored in one group, tag `capacity`),
// the rates chosen by planNext and each judged by judgeStep (src/shared/capacity.ts). Used by
// `barrage capacity` and the app's Capacity view. It never throws once started: failures, Stop
// and the budget end the search with what it measured.
import { randomBytes } from 'node:crypto';
import {
  answer,
  CAPACITY_TAG,
  checkSettings,
  judgeStep,
  planNext,
  type CapacitySettings,
  type CapacityStatus,
  type CapacityStopReason,
} from '../../shared/capacity.ts';
import { redactUrl } from '../../shared/redact.ts';
import type { RunProgress } from '../../shared/runResult.ts';
import { LIMITS, type Scenario } from '../../shared/scenario.ts';
import { parseThreshold } from '../../shared/thresholds.ts';
import { checkRunnable } from '../engine/index.ts';
import type { RunService, StartedRun } from './runService.ts';

export interface CapacityOptions {
  /** The load to search with: an HTTP scenario (any model) or a WebSocket one in echo or rate mode. */
  scenario: Scenario;
  scenarioId?: number | null;
  settings: CapacitySettings;
  /** Every change: a step started, a step ended, the end. */
  onUpdate?: (status: CapacityStatus) => void;
  /** Per-second progress of the step going now. */
  onProgress?: (step: { rate: number; runId: number | null }, progress: RunProgress) => void;
  /** Keep secrets in the steps' stored configurations (RunMeta.storeSecrets); default: redacted. */
  storeSecrets?: boolean;
}

export interface CapacityHandle {
  readonly groupId: string;
  status(): CapacityStatus;
  /** Stops the step going now; no further step starts. */
  stop(): void;
  readonly done: Promise<CapacityStatus>;
}

/** Connections never fall below this; an open-model step needs free connections to keep its schedule. */
const MIN_CONNECTIONS = 10;
/** And never rise above this (file descriptors, the generator's cost per socket, and the time to open them in a short step). */
const MAX_CONNECTIONS = 1000;
/**
 * Connections are sized for latency up to the SLO's limit, but at most this (µs): a generous
 * limit (p99 < 2 s) would otherwise ask for thousands of sockets that the step spends its
 * seconds opening. Past it, requests wait for a connection — measured from their scheduled
 * times, so the wait still counts.
 */
const SIZING_LATENCY_US = 250_000;

export function newCapacityGroupId(): string {
  return `cap-${randomBytes(4).toString('hex')}`;
}

/**
 * The scenario of one step: the open model at `rate` for `stepSec`, with enough connections
 * that a target answering within the SLO never leaves a scheduled request without one (Little's
 * law: in flight = rate × latency, with half again as many to spare).
 */
export function stepScenario(base: Scenario, rate: number, settings: CapacitySettings): Scenario {
  const latencyLimits = settings.slos.map((e) => parseThreshold(e)).filter((t) => t.unit === 'us').map((t) => t.limit);
  const latencyUs = Math.min(SIZING_LATENCY_US, latencyLimits.length > 0 ? Math.max(...latencyLimits) : SIZING_LATENCY_US);
  const needed = Math.ceil((rate * latencyUs * 1.5) / 1e6) + 5;
  const connections = Math.min(MAX_CONNECTIONS, LIMITS.connections, Math.max(MIN_CONNECTIONS, needed));
  // The rate ramps up over the warm-up, then holds: a step that began at full rate would spend
  // its first second opening connections while requests came due, and near the knee that
  // backlog takes many seconds to drain (at 90% of capacity, ten times as long as it built up).
  const rampSec = Math.min(base.warmupSec, settings.stepSec - 1);
  const load =
    rampSec > 0
      ? {
          durationSec: undefined,
          rate: undefined,
          stageTarget: 'rate' as const,
          stages: [
            { durationSec: rampSec, target: rate },
            { durationSec: settings.stepSec - rampSec, target: rate },
          ],
        }
      : { durationSec: settings.stepSec, rate, stages: undefined, stageTarget: undefined };
  const common = {
    ...load,
    amount: undefined,
    thresholds: settings.slos,
    name: `${base.name ?? redactUrl(base.url)} @ ${rate}/s`,
  };
  if (base.protocol === 'http') return { ...base, ...common, connections: Math.max(base.connections, connections), pipelining: 1 };
  // A flow: iterations arrive at the rate, each on a free virtual user.
  if (base.protocol === 'flow') return { ...base, ...common, virtualUsers: Math.max(base.virtualUsers, connections) };
  // WebSocket: rate mode spreads the messages over the scenario's connections.
  return { ...base, ...common, mode: 'rate' };
}

/** Throws RangeError (bad settings) or PreflightError (the machine cannot run it) before anything runs. */
export function startCapacitySearch(runs: RunService, opts: CapacityOptions): CapacityHandle {
  const settings = opts.settings;
  const problem = checkSettings(settings);
  if (problem) throw new RangeError(problem);
  const base = opts.scenario;
  if (base.protocol === 'ws' && base.mode === 'push') throw new RangeError('scenario: a capacity search needs echo or rate mode (push mode has no schedule to keep)');
  checkRunnable(stepScenario(base, settings.maxRate, settings));

  const groupId = newCapacityGroupId();
  // The whole search measures under one lease: nothing else starts between its steps (it would
  // share the machine with a step, and the steps with it).
  const lease = runs.lock.acquire({ kind: 'capacity', id: groupId, label: `capacity search ${groupId} (${redactUrl(base.url)})` });
  const status: CapacityStatus = {
    groupId,
    state: 'running',
    target: { name: base.name ?? null, url: redactUrl(base.url), protocol: base.protocol },
    settings,
    steps: [],
    current: null,
    loadSec: 0,
    answer: null,
    startedAt: new Date().toISOString(),
    endedAt: null,
    error: null,
  };
  const snapshot = (): CapacityStatus => structuredClone(status);
  const update = () => opts.onUpdate?.(snapshot());
  let stopRequested = false;
  let current: StartedRun | undefined;

  const finish = (state: CapacityStatus['state'], reason: CapacityStopReason, error: string | null = null): CapacityStatus => {
    status.state = state;
    status.error = error;
    status.current = null;
    status.endedAt = new Date().toISOString();
    status.answer = answer(status.steps, reason, settings);
    update();
    return snapshot();
  };

  const done = (async (): Promise<CapacityStatus> => {
    // One turn first, so the caller holds the handle before the first update.
    await Promise.resolve();
    try {
      return await search();
    } finally {
      lease.release();
    }
  })();

  async function search(): Promise<CapacityStatus> {
    for (;;) {
      if (stopRequested) return finish('stopped', 'stopped');
      const plan = planNext(status.steps, settings);
      if (plan.stop) return finish('completed', plan.stop);
      const rate = plan.next!;
      if (status.loadSec + settings.stepSec > settings.budgetSec) return finish('completed', 'budget');
      const scenario = stepScenario(base, rate, settings);
      let started: StartedRun;
      try {
        started = runs.start(
          scenario,
          {
            scenarioId: opts.scenarioId ?? null,
            scenarioName: base.name ?? null,
            tags: [CAPACITY_TAG],
            notes: `capacity search ${groupId}: step ${status.steps.length + 1} at ${rate}/s`,
            groupId,
            lease,
            storeSecrets: opts.storeSecrets,
          },
          (p) => {
            if (status.current) {
              status.current.elapsedSec = p.elapsedSec;
              status.current.throughput = p.sample.throughput;
              status.current.p99Us = p.sample.latencyUs?.p99 ?? null;
            }
            opts.onProgress?.({ rate, runId: started?.runId ?? null }, p);
          },
        );
      } catch (err) {
        return finish('failed', 'failed', `the step at ${rate}/s could not start: ${(err as Error).message}`);
      }
      current = started;
      status.current = { rate, runId: started.runId, elapsedSec: 0, plannedSec: settings.stepSec, throughput: 0, p99Us: null };
      update();
      let outcome;
      try {
        outcome = await started.done;
      } catch (err) {
        return finish('failed', 'failed', `the step at ${rate}/s failed: ${(err as Error).message}`);
      } finally {
        current = undefined;
      }
      const result = outcome.result;
      status.loadSec += result.summary.durationSec;
      if (result.summary.status === 'aborted') return finish('stopped', 'stopped');
      if (result.summary.status === 'failed') {
        return finish('failed', 'failed', `the step at ${rate}/s failed: ${result.summary.failure ?? 'unknown reason'}`);
      }
      status.steps.push(judgeStep(rate, result, settings.slos, outcome.runId));
      status.current = null;
      update();
    }
  }

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
