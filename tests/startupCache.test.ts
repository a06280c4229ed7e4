// The start-up cache (bin/startupCache.js): with it, a process that loads Barrage's TypeScript
// sources a second time takes them type-stripped from the cache and never loads Node's
// TypeScript stripper (amaro, a WebAssembly build of swc): that was 0.25–0.45 CPU-s of every
// `barrage` start. The same holds in a load worker, which gets the cache through --import.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const cache = new URL('../bin/startupCache.js', import.meta.url).href;

/** Runs `script` as an ES module in a fresh Node (the project's), from the project root. */
function node(args: string[], script: string): string {
  const r = spawnSync(process.execPath, [...args, '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`node exited ${r.status}: ${r.stderr}`);
  return r.stdout.trim();
}

// Whether this thread loaded Node's TypeScript stripper.
const LOADED_STRIPPER = `process.moduleLoadList.some((m) => m.includes('amaro'))`;

describe('start-up cache', () => {
  it('serves the CLI’s sources type-stripped from the cache: the second process never loads the stripper', () => {
    const load = `await import('./src/main/cli/index.ts'); await import('./src/main/cli/commands/run.ts'); console.log(${LOADED_STRIPPER});`;
    node(['--import', cache], load); // fills the cache, if a run before did not
    expect(node(['--import', cache], load)).toBe('false');
    // Without the cache the same imports load it: the check above can fail.
    expect(node([], load)).toBe('true');
    expect(existsSync(new URL('../node_modules/.cache/barrage/', import.meta.url))).toBe(true);
  });

  it('a load worker gets the cache too', () => {
    const entry = new URL('../src/main/engine/worker/workerEntry.ts', import.meta.url).href;
    const workerCode = `(async () => { await import(${JSON.stringify(entry)}); (await import('node:worker_threads')).parentPort.postMessage(${LOADED_STRIPPER}); })()`;
    const script = `
      await import('./bin/startupCache.js');
      const { workerExecArgv } = await import('./src/main/engine/worker/workerArgv.ts');
      const { Worker } = await import('node:worker_threads');
      const run = () => new Promise((resolve, reject) => {
        const w = new Worker(${JSON.stringify(workerCode)}, { eval: true, execArgv: workerExecArgv() });
        w.once('message', (m) => { void w.terminate(); resolve(m); });
        w.once('error', reject);
      });
      await run();
      console.log(await run());`;
    expect(node([], script)).toBe('false');
  });
});
