// Run sinks: the run service feeds each merged second and the final result to the history writer,
// the live views' events, the live threshold watch and the caller's sinks — for every kind of
// run, including one that is not kept (a showdown's warm-up) and one with its own load driver
// (the showdown's polling). Driven by a fake engine replaying a synthetic run: no network.
import { describe, expect, it } from 'vitest';
import type { RunHandle, RunOptions } from '../../src/main/engine/index.ts';
import { MeasurementLock } from '../../src/main/services/measurementLock.ts';
import { RunService } from '../../src/main/services/runService.ts';
import type { RunSink } from '../../src/main/services/runSinks.ts';
import { openStore } from '../../src/main/store/runStore.ts';
import type { RunProgress, RunResult } from '../../src/shared/runResult.ts';
import type { Scenario } from '../../src/shared/scenario.ts';
import { syntheticRun } from '../fixtures/syntheticRun.ts';
import { tempDbPath } from '../fixtures/tempStore.ts';

/** Replays a synthetic run's seconds through onProgress, then resolves with it. */
function replay(run: RunResult) {
  return (_config: Scenario, options: RunOptions = {}): RunHandle => {
    let stopped = false;
    const result = (async () => {
      let throughput = 0;
      let errors = 0;
      const samples = [];
      for (const sample of run.samples) {
        await Promise.resolve();
        if (stopped) break;
        throughput += sample.throughput;
        errors += sample.errors;
        samples.push(sample);
        options.onProgress?.({ sample, elapsedSec: sample.t + 1, plannedSec: run.samples.length, totals: { throughput, errors } } as RunProgress);
      }
      return stopped ? { ...run, samples, summary: { ...run.summary, status: 'aborted' as const } } : run;
    })();
    return { stop: () => (stopped = true), result };
  };
}

function recorder() {
  const calls: string[] = [];
  const sink: RunSink = {
    second: (runId, p) => calls.push(`second ${runId} t=${p.sample.t}`),
    finished: (runId, summary) => calls.push(`finished ${runId} ${summary.status}`),
  };
  return { calls, sink };
}

describe('run sinks', () => {
  it('a stored run: every second reaches the history, the views and the caller’s sinks, in order, then the result', async () => {
    const run = syntheticRun({ seconds: 4 });
    const store = openStore(tempDbPath());
    const runs = new RunService(store, {}, new MeasurementLock(), { startRun: replay(run) });
    const events: string[] = [];
    runs.on('progress', (p) => events.push(`progress t=${p.sample.t} stored=${store.getRun(p.runId)!.samples.length}`));
    runs.on('finished', (f) => events.push(`finished stored=${store.getRun(f.runId)!.summary?.status}`));
    const { calls, sink } = recorder();
    const failing: RunSink = {
      second: () => {
        throw new Error('disk full');
      },
      finished: () => {},
    };
    const started = runs.start(run.config, { sinks: [failing, sink] });
    await started.done;
    const id = started.runId!;
    // The history had each second before the views heard of it; the result before run.finished.
    expect(events).toEqual(['progress t=0 stored=1', 'progress t=1 stored=2', 'progress t=2 stored=3', 'progress t=3 stored=4', `finished stored=${run.summary.status}`]);
    // A failing sink stops neither the run nor the sinks after it.
    expect(calls).toEqual([`second ${id} t=0`, `second ${id} t=1`, `second ${id} t=2`, `second ${id} t=3`, `finished ${id} ${run.summary.status}`]);
    store.close();
  });

  it('a run that is not kept (a warm-up) still goes through the lock and the caller’s sinks, without a row or events', async () => {
    const run = syntheticRun({ seconds: 2 });
    const store = openStore(tempDbPath());
    const runs = new RunService(store, {}, new MeasurementLock(), { startRun: replay(run) });
    const events: string[] = [];
    runs.on('progress', () => events.push('progress'));
    runs.on('started', () => events.push('started'));
    const { calls, sink } = recorder();
    const started = runs.start(run.config, { record: false, sinks: [sink] });
    expect(started.runId).toBeNull();
    expect(runs.lock.holder()).toMatchObject({ kind: 'run' });
    await started.done;
    expect(calls).toEqual(['second null t=0', 'second null t=1', `finished null ${run.summary.status}`]);
    expect(events).toEqual([]);
    expect(store.listRuns({}).total).toBe(0);
    expect(runs.lock.holder()).toBeNull();
    store.close();
  });

  it('a run with its own load driver (the showdown’s polling) is stored and shown like any run', async () => {
    const run = syntheticRun({ seconds: 3 });
    const store = openStore(tempDbPath());
    const runs = new RunService(store, {}, new MeasurementLock(), {
      startRun: () => {
        throw new Error('the engine is not used for this run');
      },
    });
    const progress: number[] = [];
    runs.on('progress', (p) => progress.push(p.sample.t));
    const started = runs.start(run.config, { driver: replay(run) });
    await started.done;
    expect(progress).toEqual([0, 1, 2]);
    expect(store.getRun(started.runId!)!.samples).toHaveLength(3);
    store.close();
  });

  it('--abort-on-fail is a sink: a breach stops the run and fails the threshold', async () => {
    const run = syntheticRun({ seconds: 6 });
    const config = { ...run.config, thresholds: ['p50 < 1us'] } as Scenario;
    const runs = new RunService(null, {}, new MeasurementLock(), { startRun: replay({ ...run, config }) });
    const started = runs.start(config, { abortOnFail: true });
    const outcome = await started.done;
    expect(outcome.thresholdBreach).toBeDefined();
    expect(outcome.result.summary.status).toBe('aborted');
    expect(outcome.result.summary.thresholds?.[0]).toMatchObject({ passed: false });
  });
});
