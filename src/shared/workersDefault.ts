// What the engine does when a scenario names no worker count (workerCount in
// src/main/engine/workerShares.ts), in the words the CLI's help, the builder and the load
// description show — one text, so none of them promises "one per core" while a loopback target
// gets one fewer.
export const DEFAULT_WORKERS_TEXT = 'one per CPU core, one fewer when the target is on this machine (it needs a core), never more than the connections';
