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

/** Shard `index` (1-based) of `count`: a run split over machines (`barrage run --shard 2/8`). */
export interface ShardSpec {
  index: number;
  count: number;
}

/**
 * The scenario shard `index` of `count` runs: its share of the connections (a flow's virtual
 * users), rate, amount and WebSocket connect rate, split exactly as `workerShares` splits a run
 * over its workers (whole connections and requests as evenly as they go, the first shards taking
 * the remainder; rates divided), so that the shards' shares add up to the whole scenario. Stages
 * that ramp the rate are divided; stages that ramp connections (virtual users) have each stage's
 * target split into whole ones, so the shards' targets add up to the scenario's at every stage
 * boundary. A flow's data rows are split into contiguous slices the same way, so no two shards
 * use the same row (when there are fewer rows than shards, every shard keeps them all).
 * Throws an Error (whose message names the shard) when a shard would get nothing to do.
 */
export function shardScenario(scenario: Scenario, shard: ShardSpec): Scenario {
  const { index, count } = shard;
  if (count === 1) return scenario;
  const i = index - 1;
  const out: Scenario = { ...scenario };
  const what = scenario.protocol === 'flow' ? 'virtual user' : 'connection';
  const stageTarget = scenario.stages !== undefined ? stageTargetOf(scenario) : undefined;
  if (stageTarget === 'connections') {
    out.stages = scenario.stages!.map((s) => ({ durationSec: s.durationSec, target: splitEvenly(Math.round(s.target), count, i) }));
    if (Math.max(...out.stages.map((s) => s.target)) < 1) {
      throw new Error(`shard ${index}/${count} would hold no ${what}: the stages peak at ${Math.ceil(Math.max(...scenario.stages!.map((s) => s.target)))} ${what}s; use at most that many shards`);
    }
  } else {
    const whole = scenario.protocol === 'flow' ? scenario.virtualUsers : scenario.connections;
    const share = splitEvenly(whole, count, i);
    if (share < 1) throw new Error(`shard ${index}/${count} would have no ${what}: the scenario has ${whole} ${what}s; use at most ${whole} shards`);
    if (out.protocol === 'flow') out.virtualUsers = share;
    else out.connections = share;
  }
  if (stageTarget === 'rate') out.stages = scaleStages(scenario.stages!, 1 / count);
  if (scenario.rate !== undefined) out.rate = scenario.rate / count;
  if (scenario.amount !== undefined) {
    out.amount = splitEvenly(scenario.amount, count, i);
    if (out.amount < 1) throw new Error(`shard ${index}/${count} would send nothing: the scenario's amount is ${scenario.amount}; use at most ${scenario.amount} shards`);
  }
  if (out.protocol === 'ws' && scenario.protocol === 'ws') {
    out.connectRate = scenario.connectRate / count;
    out.maxConnecting = Math.max(1, Math.ceil(scenario.maxConnecting / count));
  }
  if (out.protocol === 'flow' && scenario.protocol === 'flow' && scenario.data?.rows !== undefined && scenario.data.rows.length >= count) {
    const rows = scenario.data.rows;
    const from = Array.from({ length: i }, (_, j) => splitEvenly(rows.length, count, j)).reduce((a, b) => a + b, 0);
    // The slice's own rows: the whole file's checksum no longer describes them.
    const { sha256: _whole, ...data } = scenario.data;
    out.data = { ...data, rows: rows.slice(from, from + splitEvenly(rows.length, count, i)) };
  }
  return out;
}
