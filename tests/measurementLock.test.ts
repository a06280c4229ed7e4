// One owner of "something is measuring": a run, an A/B run and a showdown (its probes and
// warm-ups included) each hold the measurement lock, and any other start is refused with what
// measures and how to stop it — in this process, and across processes sharing a history (the CLI
// beside the app). A run whose engine rejects still ends for the views that follow it.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startAb } from '../src/main/services/abRunner.ts';
import { lockFileFor, MeasurementBusyError, MeasurementLock } from '../src/main/services/measurementLock.ts';
import { forwardRunEvents } from '../src/main/services/runEvents.ts';
import { RunService } from '../src/main/services/runService.ts';
import { startShowdown } from '../src/main/showdown/showdownRunner.ts';
import { openStore } from '../src/main/store/runStore.ts';
import { startDemoTarget, type DemoTarget } from '../src/main/target/demoTarget.ts';
import type { EventName } from '../src/shared/contract.ts';
import type { MeasuringJob } from '../src/shared/measuring.ts';
import { scenarioSchema, type Scenario } from '../src/shared/scenario.ts';
import { showdownInputSchema, type ShowdownStatus } from '../src/shared/showdown.ts';
import { runCli } from './support/cliProcess.ts';

const dir = mkdtempSync(join(tmpdir(), 'barrage-lock-'));
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function demo(): Promise<DemoTarget> {
  const t = await startDemoTarget();
  cleanups.push(() => t.close());
  return t;
}

function httpScenario(url: string, durationSec = 30): Scenario {
  return scenarioSchema.parse({ protocol: 'http', url, connections: 1, workers: 1, durationSec, warmupSec: 0 });
}

async function until(what: string, check: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('the measurement lock', () => {
  it('refuses a second job with what measures and how to stop it, and is free again after release', () => {
    const lock = new MeasurementLock();
    const lease = lock.acquire({ kind: 'showdown', id: 'sd-1', label: 'showdown sd-1' });
    let refused: unknown;
    try {
      lock.acquire({ kind: 'run', label: 'a run' });
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(MeasurementBusyError);
    expect((refused as MeasurementBusyError).job).toMatchObject({ kind: 'showdown', id: 'sd-1', pid: process.pid });
    expect((refused as Error).message).toMatch(/^cannot start: showdown sd-1 is measuring since \d\d:\d\d:\d\d UTC; stop it with Stop on the Showdown view in the app, or wait for it to end/);
    expect((refused as Error).message).not.toContain('\n');
    lease.release();
    expect(lock.holder()).toBeNull();
    lock.acquire({ kind: 'run', label: 'a run' }).release();
  });

  it('is shared through a file beside the history with other processes, and taken over from a dead one', async () => {
    const file = join(dir, 'shared.db.measuring');
    const a = new MeasurementLock({ file });
    const lease = a.acquire({ kind: 'run', label: 'run 7' });
    lease.describe({ id: '7' });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ kind: 'run', id: '7', pid: process.pid });
    // A second lock object on the same file stands for another process using the history.
    expect(() => new MeasurementLock({ file }).acquire({ kind: 'ab', label: 'A/B' })).toThrow(/run 7 is measuring/);
    lease.release();
    expect(existsSync(file)).toBe(false);

    // A lock file left by a process that died (kill -9) does not block for ever.
    const child = spawn(process.execPath, ['-e', '']);
    const deadPid = await new Promise<number>((resolve) => child.on('exit', () => resolve(child.pid!)));
    const stale: MeasuringJob = { kind: 'run', id: '1', label: 'run 1', stopHint: 'Ctrl-C', pid: deadPid, startedAt: new Date().toISOString() };
    writeFileSync(file, JSON.stringify(stale));
    expect(a.holder()).toBeNull();
    a.acquire({ kind: 'run', label: 'run 2' }).release();
  });

  it('refuses a run, an A/B run and another showdown during a showdown’s warm-up', { timeout: 60_000 }, async () => {
    const t = await demo();
    const runs = new RunService(null);
    const config = showdownInputSchema.parse({ save: false, seed: 0, warmupSec: 5, durationSec: 1, concurrency: 1, exchanges: 50 });
    const statuses: ShowdownStatus[] = [];
    // Every run of the showdown goes through the run service (its lock, its sinks), warm-ups too.
    const starts: Array<{ record?: boolean; lease?: string }> = [];
    const start = runs.start.bind(runs);
    runs.start = (c, meta = {}, p) => {
      starts.push({ record: meta.record, lease: meta.lease?.job.kind });
      return start(c, meta, p);
    };
    const handle = startShowdown(config, { runs, store: null, onStatus: (s) => statuses.push(s) });
    cleanups.push(async () => {
      handle.stop();
      await handle.result;
    });
    await until('the first warm-up', () => handle.status().step.phase === 'warmup');
    expect(starts).toEqual([{ record: false, lease: 'showdown' }]);
    expect(() => runs.start(httpScenario(`${t.httpUrl}/`))).toThrow(MeasurementBusyError);
    expect(() => runs.start(httpScenario(`${t.httpUrl}/`))).toThrow(new RegExp(`^cannot start: showdown ${handle.id} is measuring`));
    const ab = { config: httpScenario(`${t.httpUrl}/`), scenarioId: null, name: 'x' };
    expect(() => startAb(runs, { a: ab, b: ab, rounds: 4 })).toThrow(MeasurementBusyError);
    expect(() => startShowdown(config, { runs, store: null })).toThrow(MeasurementBusyError);
    expect(runs.active()).toEqual([]);
    handle.stop();
    await handle.result;
    expect(runs.lock.holder()).toBeNull();
  });

  it('refuses a run and a showdown during an A/B run, and frees the lock when it ends', { timeout: 60_000 }, async () => {
    const t = await demo();
    const store = openStore(join(dir, 'ab.db'));
    cleanups.push(() => store.close());
    const runs = new RunService(store);
    const ab = { config: httpScenario(`${t.httpUrl}/`), scenarioId: null, name: 'x' };
    const handle = startAb(runs, { a: ab, b: ab, rounds: 4 });
    cleanups.push(async () => {
      handle.stop();
      await handle.done;
    });
    expect(() => runs.start(httpScenario(`${t.httpUrl}/`))).toThrow(new RegExp(`^cannot start: A/B run ${handle.groupId} \\(x against x\\) is measuring`));
    expect(() => startShowdown(showdownInputSchema.parse({ save: false }), { runs, store: null })).toThrow(MeasurementBusyError);
    // Between its rounds too: the lock is the series', not its runs'.
    await until('the first round', () => handle.status().current !== null);
    handle.stop();
    const final = await handle.done;
    expect(final.state).toBe('stopped');
    expect(runs.lock.holder()).toBeNull();
    expect(runs.active()).toEqual([]);
  });

  it('a run whose engine rejects ends for the views following it, stored as failed, the lock freed', async () => {
    const store = openStore(join(dir, 'reject.db'));
    cleanups.push(() => store.close());
    const engine = { startRun: () => ({ stop() {}, result: Promise.reject(new Error('the load workers did not start')) }) };
    const runs = new RunService(store, {}, new MeasurementLock(), engine);
    const sent: Array<{ event: EventName; payload: unknown }> = [];
    forwardRunEvents(runs, (event, payload) => sent.push({ event, payload }));
    const started = runs.start(httpScenario('http://127.0.0.1:9/'));
    await expect(started.done).rejects.toThrow('the load workers did not start');
    expect(sent.map((s) => s.event)).toEqual(['runs.changed', 'run.finished', 'runs.changed']);
    expect(sent[1].payload).toMatchObject({ runId: started.runId, summary: { status: 'failed', failure: 'the load workers did not start' } });
    expect(runs.active()).toEqual([]);
    expect(store.getRun(started.runId!)?.summary?.status).toBe('failed');
    expect(runs.lock.holder()).toBeNull();
  });

  it('the CLI refuses to run while another process measures: exit 1, one line', { timeout: 30_000 }, async () => {
    const db = join(dir, 'cli.db');
    // This test process holds the lock of the history the CLI uses.
    const lease = new MeasurementLock({ file: lockFileFor(db) }).acquire({ kind: 'showdown', id: 'sd-x', label: 'showdown sd-x' });
    cleanups.push(() => lease.release());
    const r = await runCli(['run', 'http://127.0.0.1:9/', '-d', '1', '--quiet'], { BARRAGE_DB: db });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^barrage run: cannot start: showdown sd-x is measuring in another Barrage process \\(pid ${process.pid}\\) since .*; stop it with Stop on the Showdown view in the app, or wait for it to end`));
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const store = openStore(db);
    cleanups.push(() => store.close());
    expect(store.listRuns({}).total).toBe(0);
  });

  it('barrage capacity takes the same cross-process lock: refused while another process measures', { timeout: 30_000 }, async () => {
    const db = join(dir, 'cli-capacity.db');
    const lease = new MeasurementLock({ file: lockFileFor(db) }).acquire({ kind: 'ab', id: 'ab-x', label: 'A/B run ab-x' });
    cleanups.push(() => lease.release());
    const r = await runCli(['capacity', 'http://127.0.0.1:9/', '--slo', 'p99<100ms', '--step-sec', '2', '--quiet'], { BARRAGE_DB: db });
    expect(r.stderr).toMatch(/^barrage capacity: cannot start: A\/B run ab-x is measuring in another Barrage process/);
    expect(r.code).toBe(1);
    const store = openStore(db);
    cleanups.push(() => store.close());
    expect(store.listRuns({}).total).toBe(0);
  });
});
