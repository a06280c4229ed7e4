// Splits a run over its workers: connections, rate and amount as evenly as whole numbers allow.
import { availableParallelism } from 'node:os';
import type { Scenario } from '../../shared/scenario.ts';

export interface WorkerShare {
  connections: number;
  rate?: number;
  amount?: number;
}

/** Default: one worker per core, never more workers than connections. */
export function workerCount(scenario: Scenario, requested?: number): number {
  const wanted = requested ?? scenario.workers ?? availableParallelism();
  let n = Math.max(1, Math.min(wanted, scenario.connections));
  if (scenario.amount !== undefined) n = Math.min(n, scenario.amount);
  return n;
}

export function splitEvenly(total: number, parts: number, index: number): number {
  return Math.floor(total / parts) + (index < total % parts ? 1 : 0);
}

export function workerShares(scenario: Scenario, workers: number): WorkerShare[] {
  return Array.from({ length: workers }, (_, i) => ({
    connections: splitEvenly(scenario.connections, workers, i),
    rate: scenario.rate === undefined ? undefined : scenario.rate / workers,
    amount: scenario.amount === undefined ? undefined : splitEvenly(scenario.amount, workers, i),
  }));
}
