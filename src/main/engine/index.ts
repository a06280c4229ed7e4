// The engine's façade: everything outside src/main/engine imports the engine from here, never
// its internals (controller, accumulator, workers, drivers), so the engine can change how it
// runs (worker reuse, processes, shards) without its callers noticing.
//
//   startRun(scenario, options) → RunHandle { stop(), result }   one measured run
//   checkCapacity(scenario)                                      throws PreflightError
//   workerCount(scenario, requested?)                            the workers a run would use
//   failedResult(scenario, reason)                               the result of a run that never ran
export { startRun, failedResult, GRACE_MS, type RunHandle, type RunOptions } from './runController.ts';
export { checkCapacity, PreflightError, type HostLookup } from './preflight.ts';
export { workerCount, isLoopbackTarget } from './workerShares.ts';
