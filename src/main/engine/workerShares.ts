// Splits a run over its workers: connections, rate and amount as evenly as whole numbers allow.
import { availableParallelism } from 'node:os';
import { scaleStages, targetAt, type Stage } from '../../shared/loadProfile.ts';
import { isLoopbackTarget } from '../../shared/loopback.ts';
import type { Scenario } from '../../shared/scenario.ts';
import { maxConnections, stageTargetOf } from '../../shared/scenarioLoad.ts';

export interface WorkerShare {
  /** This worker's connections; with stages that ramp connections, the most it holds at once. */
  connections: number;
  rate?: number;
  /** Stages that ramp the rate: this worker's share of every target (rate / workers). */
  rateStages?: Stage[];
  amount?: number;
}

/**
 * Default: one worker per core — but one core fewer when the target is on this machine
 * (loopback), which needs a core of its own: measured with `npm run bench` on 2 cores, two
 * workers against a local target gave no more requests/s than one, at 30% more CPU per request
 * and with the generator saturated. Never more workers than connections.
 */
export function workerCount(scenario: Scenario, requested?: number): number {
  const cores = availableParallelism();
  const wanted = requested ?? scenario.workers ?? Math.max(1, isLoopbackTarget(scenario.url) ? cores - 1 : cores);
  let n = Math.max(1, Math.min(wanted, maxConnections(scenario)));
  if (scenario.amount !== undefined) n = Math.min(n, scenario.amount);
  return n;
}

export { isLoopbackTarget };

export function splitEvenly(total: number, parts: number, index: number): number {
  return Math.floor(total / parts) + (index < total % parts ? 1 : 0);
}

export function workerShares(scenario: Scenario, workers: number): WorkerShare[] {
  const rateStages = scenario.stages !== undefined && stageTargetOf(scenario) === 'rate' ? scaleStages(scenario.stages, 1 / workers) : undefined;
  return Array.from({ length: workers }, (_, i) => ({
    connections: splitEvenly(maxConnections(scenario), workers, i),
    rate: scenario.rate === undefined ? undefined : scenario.rate / workers,
    rateStages,
    amount: scenario.amount === undefined ? undefined : splitEvenly(scenario.amount, workers, i),
  }));
}

/**
 * With stages that ramp connections: how many of its connections worker `index` keeps open at
 * `tSec` after the start. The run's target (rounded to whole connections) is split as evenly
 * as the connections themselves, so the workers' counts always add up to the run's.
 */
export function connectionTargetAt(stages: readonly Stage[], workers: number, index: number, tSec: number): number {
  return splitEvenly(Math.round(targetAt(stages, tSec)), workers, index);
}
