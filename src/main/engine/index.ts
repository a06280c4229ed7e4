// The engine's façade: everything outside src/main/engine imports the engine from here, never
// its internals (controller, accumulator, workers, drivers), so the engine can change how it
// runs (worker reuse, processes, shards) without its callers noticing.
//
//   startRun(scenario, options) → RunHandle { stop(), result }   one measured run
//   checkRunnable(scenario)                                      throws PreflightError (fds,
//                                                                redacted secrets)
//   checkCapacity(scenario)                                      throws PreflightError (fds)
//   workerCount(scenario, requested?)                            the workers a run would use
//   failedResult(scenario, reason)                               the result of a run that never ran
//   prewarmWorkers(scenario)                                     boot a run's workers ahead of it
//   engineWorkerPool(), closeWorkerPools()                       the warm workers runs reuse
//   runFlowOnce(flowScenario, options)                           Try once: one user's setup, one
//                                                                iteration, teardown → FlowTrace
//   shardScenario(scenario, { index, count })                    shard k of n's share of a run
export { startRun, failedResult, prewarmWorkers, engineWorkerPool, GRACE_MS, type RunHandle, type RunOptions } from './runController.ts';
export { closeWorkerPools, type WorkerPool } from './workerPool.ts';
export type { LoadProcess, ProcessSpawner } from './processWorker.ts';
// Node options a child needs to run Barrage's sources with the start-up cache (the demo target's cluster too).
export { workerExecArgv } from './worker/workerArgv.ts';
export { checkCapacity, checkRunnable, PreflightError, type HostLookup } from './preflight.ts';
export { workerCount, isLoopbackTarget, shardScenario, type ShardSpec } from './workerShares.ts';
import type { FlowTrace } from '../../shared/flowTrace.ts';
import type { FlowScenario } from '../../shared/scenario.ts';
import type { TryOnceOptions } from './flow/tryOnce.ts';
export type { TryOnceOptions };

/** Try once (see flow/tryOnce.ts). Loaded on first use: the step executors stay out of every process's start-up. */
export async function runFlowOnce(scenario: FlowScenario, options: TryOnceOptions = {}): Promise<FlowTrace> {
  const { runFlowOnce: run } = await import('./flow/tryOnce.ts');
  return run(scenario, options);
}
