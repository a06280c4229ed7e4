// Start-up of `barrage run` (issue #11): a one-worker CLI run drives its load on the main thread
// (the engine's `inline` option) instead of booting a worker thread, and the way to its first
// request loads nothing the run does not use (undici through an ES import of node:http,
// autocannon's command-line front end). Same results as on a worker thread.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { closeWorkerPools, engineWorkerPool } from '../src/main/engine/index.ts';
import { startDemoTarget, type DemoTarget } from '../src/main/target/demoTarget.ts';
import { delayedServer, type TestServer } from './support/faultServers.ts';
import { runToEnd } from './support/runScenario.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
let demo: DemoTarget | undefined;
let slow: TestServer | undefined;
afterAll(async () => {
  await closeWorkerPools();
  await demo?.close();
  await slow?.close();
});

/**
 * Runs `script` as an ES module file in a fresh Node (the project's, with the start-up cache);
 * `@/` in it stands for the project's root. A file, not `-e`: load workers inherit execArgv.
 */
function node(script: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'barrage-inline-'));
  try {
    const file = join(dir, 'script.mjs');
    writeFileSync(file, script.replaceAll("'@/", `'${new URL('..', import.meta.url).href}`));
    const r = spawnSync(process.execPath, ['--import', './bin/startupCache.js', file], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`node exited ${r.status}: ${r.stderr}`);
    return r.stdout.trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('inline runs (one worker on the controller’s thread)', () => {
  it('measure the same as a worker thread: exact amounts, a 20 ms server at ≥ 20 ms, WebSocket echoes matched — and start no thread', async () => {
    demo ??= await startDemoTarget();
    slow ??= await delayedServer(20);
    const pool = engineWorkerPool();
    await pool.close();
    const before = pool.created;

    const http = await runToEnd({ protocol: 'http', url: `${demo.httpUrl}/`, amount: 200, connections: 4, workers: 1 }, { inline: true });
    expect(http.result.summary.status).toBe('completed');
    expect(http.result.summary.throughput.total).toBe(200);
    expect(http.result.summary.statusCodes['200']).toBe(200);

    const delayed = await runToEnd({ protocol: 'http', url: `${slow.url}/`, amount: 40, connections: 2, workers: 1 }, { inline: true });
    const l = delayed.result.summary.latencyUs;
    expect(l.p50).toBeGreaterThanOrEqual(20_000);
    // The server's 20 ms is a Node setTimeout, which may fire up to 1 ms early by the clock the
    // engine measures with (libuv's loop time is cached whole milliseconds).
    expect(l.min).toBeGreaterThanOrEqual(19_000);

    const ws = await runToEnd({ protocol: 'ws', url: `${demo.wsUrl}/ws/echo`, mode: 'echo', amount: 300, connections: 3, workers: 1 }, { inline: true });
    expect(ws.result.summary.status).toBe('completed');
    expect(ws.result.summary.throughput.total).toBe(300);
    expect(ws.result.summary.ws?.lost ?? 0).toBe(0);

    // Timed runs end on time and stop() works the same way.
    const timed = await runToEnd({ protocol: 'http', url: `${demo.httpUrl}/`, durationSec: 1, connections: 2, workers: 1 }, { inline: true });
    expect(timed.result.summary.status).toBe('completed');
    expect(timed.result.samples.length).toBeGreaterThanOrEqual(1);
    expect(timed.elapsedMs).toBeLessThan(4000);

    expect(pool.created - before).toBe(0);
    // Without `inline`, the same run boots a worker thread: the check above can fail.
    await runToEnd({ protocol: 'http', url: `${demo.httpUrl}/`, amount: 20, connections: 2, workers: 1 });
    expect(pool.created - before).toBe(1);
  });

  it('runs of several workers ignore it and use worker threads', async () => {
    demo ??= await startDemoTarget();
    const pool = engineWorkerPool();
    await pool.close();
    const before = pool.created;
    const run = await runToEnd({ protocol: 'http', url: `${demo.httpUrl}/`, amount: 100, connections: 4, workers: 2 }, { inline: true });
    expect(run.result.summary.throughput.total).toBe(100);
    expect(pool.created - before).toBe(2);
  });

  it('`barrage run` with one worker starts no worker thread; with two it does', () => {
    const script = (workers: string) => `
      import { createServer } from 'node:http';
      const server = createServer((q, r) => r.end('ok'));
      await new Promise((r) => server.listen(0, '127.0.0.1', r));
      const { cli } = await import('@/src/main/cli/index.ts');
      const code = await cli(['run', 'http://127.0.0.1:' + server.address().port + '/', '-a', '50', '-c', '2', '-w', '${workers}', '-q', '--no-save', '--json']);
      const { engineWorkerPool } = await import('@/src/main/engine/index.ts');
      console.log(JSON.stringify({ code, threads: engineWorkerPool().created }));
      server.close();
      process.exit(0);`;
    expect(JSON.parse(node(script('1')).split('\n').at(-1)!)).toEqual({ code: 0, threads: 0 });
    expect(JSON.parse(node(script('2')).split('\n').at(-1)!)).toEqual({ code: 0, threads: 2 });
  });

  it('the way to the first request loads neither undici nor autocannon’s command-line front end', () => {
    const loaded = node(`
      import { createRequire } from 'node:module';
      await import('@/src/main/cli/commands/run.ts');
      await import('@/src/main/engine/http/httpLoad.ts');
      await import('@/src/main/engine/poll/pollLoad.ts');
      await import('@/src/main/engine/capacityProbe.ts');
      const cache = Object.keys(createRequire(import.meta.url).cache);
      console.log(JSON.stringify({
        undici: process.moduleLoadList.some((m) => m.includes('undici')),
        formData: cache.some((f) => f.includes('/node_modules/form-data/')),
        cliTable: cache.some((f) => f.includes('/node_modules/cli-table3/')),
        autocannonRun: cache.some((f) => f.endsWith('/autocannon/lib/run.js')),
      }));`);
    expect(JSON.parse(loaded)).toEqual({ undici: false, formData: false, cliTable: false, autocannonRun: true });
    // The check can fail: an ES import of node:http does load undici.
    expect(node(`await import('node:http'); console.log(process.moduleLoadList.some((m) => m.includes('undici')));`)).toBe('true');
  });

  it('a load worker’s drivers load no zod (the controller validates; a worker only runs)', () => {
    const script = (extra: string) => `
      import module from 'node:module';
      const seen = [];
      module.registerHooks({ resolve(spec, ctx, next) { const r = next(spec, ctx); seen.push(r.url); return r; } });
      await import('@/src/main/engine/worker/loadServer.ts');
      await import('@/src/main/engine/http/httpLoad.ts');
      await import('@/src/main/engine/poll/pollLoad.ts');
      await import('@/src/main/engine/http2/h2Load.ts');
      await import('@/src/main/engine/sse/sseLoad.ts');
      await import('@/src/main/engine/ws/wsSwarm.ts');
      await import('@/src/main/engine/flow/flowLoad.ts');
      ${extra}
      console.log(seen.some((u) => u.includes('/node_modules/zod/')));`;
    expect(node(script(''))).toBe('false');
    // The check can fail: the schemas do load it.
    expect(node(script(`await import('@/src/shared/scenario.ts');`))).toBe('true');
  });
});
