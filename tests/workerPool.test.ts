// Worker reuse: runs in one process share warm load workers; a worker that crashed or got stuck
// is never handed out again, and the next run gets a fresh one in its place.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { closeWorkerPools, engineWorkerPool, prewarmWorkers } from '../src/main/engine/index.ts';
import { startDemoTarget, type DemoTarget } from '../src/main/target/demoTarget.ts';
import { runToEnd, scenarioOf } from './support/runScenario.ts';

const FLAKY = new URL('./fixtures/flakyWorker.ts', import.meta.url);

let target: DemoTarget | undefined;
afterEach(async () => {
  await closeWorkerPools();
});
afterAll(async () => {
  await target?.close();
});

async function url(): Promise<string> {
  target ??= await startDemoTarget();
  return `${target.httpUrl}/`;
}

describe('worker pool', () => {
  it('a second run reuses the first run’s worker instead of starting a new thread', async () => {
    const pool = engineWorkerPool();
    await pool.close();
    const before = pool.created;
    const first = await runToEnd({ protocol: 'http', url: await url(), amount: 40, connections: 2, workers: 1 });
    expect(first.result.summary.throughput.total).toBe(40);
    expect(pool.created - before).toBe(1);
    expect(pool.idleCount).toBe(1);
    const second = await runToEnd({ protocol: 'http', url: await url(), amount: 40, connections: 2, workers: 1 });
    expect(second.result.summary.throughput.total).toBe(40);
    // Same thread again: nothing new was started, and it is back in the pool.
    expect(pool.created - before).toBe(1);
    expect(pool.idleCount).toBe(1);
    // A warm worker serves another protocol too: it loads that driver on demand.
    const ws = await runToEnd({ protocol: 'ws', url: `${target!.wsUrl}/ws/echo`, mode: 'echo', amount: 30, connections: 2, workers: 1 });
    expect(ws.result.summary.status).toBe('completed');
    expect(ws.result.summary.throughput.total).toBe(30);
    expect(pool.created - before).toBe(1);
  });

  it('prewarmed workers are the ones the run then uses', async () => {
    const pool = engineWorkerPool();
    await pool.close();
    const before = pool.created;
    const scenario = scenarioOf({ protocol: 'http', url: await url(), amount: 20, connections: 2, workers: 2 });
    prewarmWorkers(scenario);
    expect(pool.created - before).toBe(2);
    const run = await runToEnd({ protocol: 'http', url: await url(), amount: 20, connections: 2, workers: 2 });
    expect(run.result.summary.throughput.total).toBe(20);
    expect(pool.created - before).toBe(2);
    expect(pool.idleCount).toBe(2);
  });

  it('a crashed worker is replaced: the next run gets a new thread and completes', async () => {
    const pool = engineWorkerPool(FLAKY);
    const base = { protocol: 'http' as const, url: await url(), amount: 30, connections: 2, workers: 1 };
    const ok1 = await runToEnd(base, { workerUrl: FLAKY });
    expect(ok1.result.summary.throughput.total).toBe(30);
    expect(pool.created).toBe(1);

    const crashed = await runToEnd({ ...base, name: 'crash-me' }, { workerUrl: FLAKY });
    expect(crashed.result.summary.status).toBe('failed');
    expect(crashed.result.summary.failure).toMatch(/load worker 1 (crashed|exited).*simulated crash/);
    expect(pool.idleCount).toBe(0);

    const ok2 = await runToEnd(base, { workerUrl: FLAKY });
    expect(ok2.result.summary.status).toBe('completed');
    expect(ok2.result.summary.throughput.total).toBe(30);
    expect(pool.created).toBe(2);
  });

  it('a stuck worker is terminated after the grace period and replaced', async () => {
    const pool = engineWorkerPool(FLAKY);
    const base = { protocol: 'http' as const, url: await url(), connections: 2, workers: 1 };
    await runToEnd({ ...base, amount: 10 }, { workerUrl: FLAKY });
    const created = pool.created;
    const stuck = await runToEnd({ ...base, durationSec: 1, name: 'hang-me' }, { workerUrl: FLAKY });
    expect(stuck.result.summary.notes.join(' ')).toMatch(/did not wind down in time/);
    expect(pool.idleCount).toBe(0);
    const after = await runToEnd({ ...base, amount: 25 }, { workerUrl: FLAKY });
    expect(after.result.summary.status).toBe('completed');
    expect(after.result.summary.throughput.total).toBe(25);
    expect(pool.created).toBe(created + 1);
  }, 30_000);
});
