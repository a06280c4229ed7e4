// A flow's per-step seconds: recorded in a worker (SecondRecorder.flowSteps, iterations) and
// merged over workers by the RunAccumulator into RunSample.steps / iterations /
// iterationHistogram. Known answers: counts add up by step name, histograms merge exactly, the
// run-level throughput and histogram pool every step's completions.
import { afterEach, describe, expect, it } from 'vitest';
import { SecondRecorder } from '../../src/main/engine/metrics/secondRecorder.ts';
import { RunAccumulator } from '../../src/main/engine/runAccumulator.ts';
import type { WorkerSample } from '../../src/main/engine/worker/workerProtocol.ts';
import { decodeHistogram } from '../../src/shared/result/histogramCodec.ts';
import { FakeClock } from '../support/fakeClock.ts';

const START = 1_764_470_000_000;
let recorders: SecondRecorder[] = [];
afterEach(() => {
  for (const r of recorders) r.finish();
  recorders = [];
});

function worker() {
  const clock = new FakeClock(START);
  const samples: WorkerSample[] = [];
  const recorder = new SecondRecorder(START, (s) => samples.push(s), false, clock);
  recorders.push(recorder);
  recorder.start();
  const [login, list] = recorder.flowSteps([
    { name: 'login', checks: 2 },
    { name: 'list', checks: 0 },
  ]);
  return { clock, samples, recorder, login, list };
}

describe('flow seconds', () => {
  it('a worker reports each step that did anything, pooled into the run-level figures', () => {
    const w = worker();
    w.recorder.iterationStarted();
    w.login.completed(1000);
    w.login.status(200);
    w.login.check(0, true);
    w.login.check(1, false);
    w.login.error('check');
    w.recorder.iterationEnded(5000, true);
    w.clock.advance(1000);
    w.recorder.finish();
    const [s0] = w.samples;
    expect(s0.completed).toBe(1);
    expect(s0.errors).toEqual({ check: 1 });
    expect(s0.statusCodes).toEqual({ 200: 1 });
    expect(s0.steps).toHaveLength(1); // list did nothing in it
    expect(s0.steps?.[0]).toMatchObject({ step: 'login', count: 1, errors: 1, errorsByKind: { check: 1 }, checks: { passed: 1, failed: 1 }, checkCounts: [{ passed: 1, failed: 0 }, { passed: 0, failed: 1 }], statusCodes: { 200: 1 } });
    expect(s0.iterations).toEqual({ started: 1, completed: 0, abandoned: 1 });
    expect(decodeHistogram(s0.iterationHistogram!).totalCount).toBe(1);
    // The next second starts empty.
    expect(w.samples[1].steps).toBeUndefined();
    expect(w.samples[1].iterations).toEqual({ started: 0, completed: 0, abandoned: 0 });
  });

  it('the accumulator merges second t of every worker by step name', () => {
    const a = worker();
    const b = worker();
    for (const [w, us] of [
      [a, 1000],
      [b, 3000],
    ] as const) {
      w.recorder.iterationStarted();
      w.login.completed(us);
      w.login.check(0, true);
      w.list.completed(us * 2);
      w.list.error('timeout');
      w.recorder.iterationEnded(us * 10, false);
    }
    a.clock.advance(1000);
    b.clock.advance(1000);
    const acc = new RunAccumulator(2, 0, 1);
    acc.add(0, a.samples[0]);
    acc.workerFinished(0);
    const out = [...acc.add(1, b.samples[0]), ...acc.workerFinished(1)];
    const s = out.find((x) => x.t === 0)!;
    expect(s.throughput).toBe(4);
    expect(decodeHistogram(s.histogram!).totalCount).toBe(4);
    const login = s.steps!.find((x) => x.step === 'login')!;
    const list = s.steps!.find((x) => x.step === 'list')!;
    expect(login.count).toBe(2);
    expect(login.checkCounts).toEqual([{ passed: 2, failed: 0 }, { passed: 0, failed: 0 }]);
    const lh = decodeHistogram(login.histogram!);
    expect(lh.totalCount).toBe(2);
    expect(lh.maxValue).toBeGreaterThanOrEqual(2990);
    expect(lh.minNonZeroValue).toBeLessThanOrEqual(1001);
    expect(list).toMatchObject({ count: 2, errors: 2, errorsByKind: { timeout: 2 } });
    expect(s.iterations).toEqual({ started: 2, completed: 2, abandoned: 0 });
    expect(decodeHistogram(s.iterationHistogram!).totalCount).toBe(2);
  });
});
