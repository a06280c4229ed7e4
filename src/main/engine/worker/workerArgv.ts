// Node options for a load worker thread. When the process runs Barrage's TypeScript sources with
// the start-up cache (bin/startupCache.js, installed by bin/barrage.js), a worker gets it too:
// hooks registered on one thread do not reach the threads it starts, and without the cache every
// worker would load Node's TypeScript stripper and strip its ~30 files again (≈ 0.1 CPU-s each).
const KEY = Symbol.for('barrage.startupCache');

export function workerExecArgv(): string[] | undefined {
  const cacheUrl = (globalThis as Record<symbol, unknown>)[KEY];
  return typeof cacheUrl === 'string' ? [...process.execArgv, '--import', cacheUrl] : undefined;
}
