// The session runner with fake steps on a fake clock (no network): steps run in order, one at a
// time, under one measurement lease held from before the first to after the last; Stop ends the
// step going and skips the rest; a failing step ends the session naming it; `always` steps run
// regardless; the status is a fold of the events and nothing else.
import { describe, expect, it } from 'vitest';
import { MeasurementBusyError, MeasurementLock } from '../../src/main/services/measurementLock.ts';
import { runSession, type SessionEvent, type StepExecutors, type StepRecord } from '../../src/main/services/stepSession.ts';
import { FakeClock } from '../support/fakeClock.ts';

type Step = { kind: 'wait'; label: string; ms: number; always?: boolean } | { kind: 'fail'; label: string; message: string } | { kind: 'run'; label: string; runId: number };
type Outcome = { waited: number; heldBy: string | null };
type Event = SessionEvent<Outcome, string>;

/** A status a view could show: the state, the step going, its run, the labels done. */
interface Status {
  state: 'running' | 'completed' | 'failed' | 'aborted';
  current: string | null;
  runId: number | null;
  done: string[];
  result: string | null;
}

const T0 = Date.UTC(2026, 0, 1);
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

function session(steps: Step[], opts: { clock?: FakeClock; lock?: MeasurementLock } = {}) {
  const clock = opts.clock ?? new FakeClock(T0);
  const lock = opts.lock ?? new MeasurementLock();
  const started: string[] = [];
  const signals: AbortSignal[] = [];
  const executors: StepExecutors<Step, Outcome> = {
    wait: (step, ctx) =>
      new Promise((resolve, reject) => {
        started.push(step.label);
        signals.push(ctx.signal);
        const begin = clock.now();
        const cancel = clock.after(step.ms, () => resolve({ waited: clock.now() - begin, heldBy: lock.holder()?.id ?? null }));
        // `always` steps are not stoppable; the others end at once on Stop.
        if (!step.always) ctx.signal.addEventListener('abort', () => (cancel(), reject(new Error('stopped'))));
      }),
    fail: async (step) => {
      started.push(step.label);
      throw new Error(step.message);
    },
    run: async (step, ctx) => {
      started.push(step.label);
      ctx.runStarted(step.runId);
      return { waited: 0, heldBy: lock.holder()?.id ?? null };
    },
  };
  const statuses: Status[] = [];
  let records: ReadonlyArray<StepRecord<Step, Outcome>> = [];
  const handle = runSession<Step, Outcome, Status, string>({
    lock,
    job: { kind: 'job', id: 's1', label: 'session s1' },
    steps,
    executors,
    initial: { state: 'running', current: null, runId: null, done: [], result: null },
    fold: (s, e) => fold(steps, s, e),
    finish: (r, ending) => {
      records = r;
      return `${ending.state}${ending.failure ? ` at step ${ending.failure.index} (${ending.failure.label}): ${ending.failure.error}` : ''}`;
    },
    onStatus: (s) => statuses.push(s),
    clock,
  });
  return { handle, clock, lock, started, signals, statuses, records: () => records };
}

function fold(steps: Step[], s: Status, e: Event): Status {
  switch (e.type) {
    case 'step-started':
      return { ...s, current: steps[e.index].label, runId: null };
    case 'step-run':
      return { ...s, runId: e.runId };
    case 'step-ended':
      return e.outcome.status === 'done' ? { ...s, done: [...s.done, steps[e.index].label] } : s;
    case 'session-ended':
      return { ...s, state: e.state, current: null, result: e.result };
  }
}

describe('a session of steps', () => {
  it('runs the steps in order under one lease, with the status after each event a fold of the events', async () => {
    const steps: Step[] = [
      { kind: 'wait', label: 'a', ms: 1000 },
      { kind: 'run', label: 'b', runId: 7 },
      { kind: 'wait', label: 'c', ms: 500 },
    ];
    const s = session(steps);
    // The lock is taken before the first step, which has started when runSession returns.
    expect(s.lock.holder()).toMatchObject({ kind: 'job', id: 's1' });
    expect(s.started).toEqual(['a']);
    expect(s.handle.status()).toEqual({ state: 'running', current: 'a', runId: null, done: [], result: null });
    s.clock.advance(999);
    await flush();
    expect(s.started).toEqual(['a']);
    s.clock.advance(1);
    await flush();
    // a ended at T0+1000; b ran at once (its run reported), c started.
    expect(s.started).toEqual(['a', 'b', 'c']);
    expect(s.handle.status()).toEqual({ state: 'running', current: 'c', runId: null, done: ['a', 'b'], result: null });
    s.clock.advance(500);
    expect(await s.handle.done).toBe('completed');
    expect(s.lock.holder()).toBeNull();

    const events = s.handle.events();
    expect(events.map((e) => `${e.type}${'index' in e ? ` ${e.index}` : ''}@${e.at - T0}`)).toEqual([
      'step-started 0@0',
      'step-ended 0@1000',
      'step-started 1@1000',
      'step-run 1@1000',
      'step-ended 1@1000',
      'step-started 2@1000',
      'step-ended 2@1500',
      'session-ended@1500',
    ]);
    // Every status pushed is the fold of the events up to it (none is edited elsewhere).
    const folded: Status[] = [];
    let st: Status = { state: 'running', current: null, runId: null, done: [], result: null };
    for (const e of events) {
      const next = fold(steps, st, e);
      if (next !== st) folded.push(next);
      st = next;
    }
    expect(s.statuses).toEqual(folded);
    expect(s.statuses.map((x) => `${x.current}/${x.runId}/${x.done.join('')}`)).toEqual(['a/null/', 'a/null/a', 'b/null/a', 'b/7/a', 'b/7/ab', 'c/null/ab', 'c/null/abc', 'null/null/abc']);
    // Each outcome is recorded; every step ran while the session held the lock.
    expect(s.records().map((r) => r.outcome)).toEqual([
      { status: 'done', value: { waited: 1000, heldBy: 's1' } },
      { status: 'done', value: { waited: 0, heldBy: 's1' } },
      { status: 'done', value: { waited: 500, heldBy: 's1' } },
    ]);
  });

  it('Stop during a step ends it early, skips the rest but the `always` steps, and frees the lock at the end', async () => {
    const steps: Step[] = [
      { kind: 'wait', label: 'a', ms: 1000 },
      { kind: 'wait', label: 'b', ms: 60_000 },
      { kind: 'wait', label: 'c', ms: 1000 },
      { kind: 'wait', label: 'close', ms: 200, always: true },
    ];
    const s = session(steps);
    s.clock.advance(1000);
    await flush();
    s.clock.advance(3000);
    expect(s.started).toEqual(['a', 'b']);
    s.handle.stop();
    expect(s.signals[1].aborted).toBe(true);
    await flush();
    // b ended as stopped at once; c is skipped; `close` runs, still under the lock.
    expect(s.started).toEqual(['a', 'b', 'close']);
    expect(s.lock.holder()).toMatchObject({ id: 's1' });
    expect(s.handle.status()).toMatchObject({ state: 'running', current: 'close' });
    s.clock.advance(200);
    expect(await s.handle.done).toBe('aborted');
    expect(s.lock.holder()).toBeNull();
    expect(s.handle.status()).toEqual({ state: 'aborted', current: null, runId: null, done: ['a', 'close'], result: 'aborted' });
    expect(s.records().map((r) => [r.step.label, r.outcome.status])).toEqual([
      ['a', 'done'],
      ['b', 'stopped'],
      ['c', 'skipped'],
      ['close', 'done'],
    ]);
    expect(s.records()[3].outcome).toEqual({ status: 'done', value: { waited: 200, heldBy: 's1' } });
    expect(s.handle.events().at(-1)).toMatchObject({ type: 'session-ended', state: 'aborted', failure: null, at: T0 + 4200 });
  });

  it('Stop as a step returns: that step counts as stopped (its value kept) and nothing more starts', async () => {
    const steps: Step[] = [
      { kind: 'run', label: 'a', runId: 1 },
      { kind: 'wait', label: 'b', ms: 1000 },
    ];
    const s = session(steps);
    // a ends synchronously in its executor, but the session moves on only after a microtask.
    s.handle.stop();
    expect(await s.handle.done).toBe('aborted');
    expect(s.started).toEqual(['a']);
    expect(s.records().map((r) => r.outcome.status)).toEqual(['stopped', 'skipped']);
    expect(s.lock.holder()).toBeNull();
  });

  it('a failing step ends the session as failed, naming the step; the `always` steps still run', async () => {
    const steps: Step[] = [
      { kind: 'wait', label: 'a', ms: 100 },
      { kind: 'fail', label: 'probe', message: 'WebSocket endpoint ws://127.0.0.1:1/: refused' },
      { kind: 'wait', label: 'c', ms: 100 },
      { kind: 'wait', label: 'close', ms: 100, always: true },
    ];
    const s = session(steps);
    s.clock.advance(100);
    await flush();
    s.clock.advance(100);
    // done resolves (a failure is a result, never a rejection).
    expect(await s.handle.done).toBe('failed at step 1 (probe): WebSocket endpoint ws://127.0.0.1:1/: refused');
    expect(s.started).toEqual(['a', 'probe', 'close']);
    expect(s.records().map((r) => r.outcome.status)).toEqual(['done', 'failed', 'skipped', 'done']);
    expect(s.handle.events().at(-1)).toMatchObject({ type: 'session-ended', state: 'failed', failure: { index: 1, label: 'probe' } });
    expect(s.handle.status().state).toBe('failed');
    expect(s.lock.holder()).toBeNull();
  });

  it('a step may end the session as stopped itself (its own run was aborted)', async () => {
    const clock = new FakeClock(T0);
    const lock = new MeasurementLock();
    const ran: string[] = [];
    const handle = runSession<{ kind: 'x'; label: string }, string, string, string>({
      lock,
      job: { kind: 'job', label: 'x' },
      steps: [
        { kind: 'x', label: 'first' },
        { kind: 'x', label: 'second' },
      ],
      executors: {
        x: async (step, ctx) => {
          ran.push(step.label);
          ctx.stopSession();
          return 'aborted run';
        },
      },
      initial: '',
      fold: (s) => s,
      finish: (records, ending) => `${ending.state}: ${records.map((r) => r.outcome.status).join(', ')}`,
      clock,
    });
    expect(await handle.done).toBe('aborted: stopped, skipped');
    expect(ran).toEqual(['first']);
  });

  it('is refused before any step runs while something else measures', () => {
    const lock = new MeasurementLock();
    const other = lock.acquire({ kind: 'run', id: '3', label: 'run 3' });
    const ran: string[] = [];
    expect(() =>
      runSession<{ kind: 'x'; label: string }, null, null, null>({
        lock,
        job: { kind: 'job', label: 'x' },
        steps: [{ kind: 'x', label: 'first' }],
        executors: { x: async (step) => (ran.push(step.label), null) },
        initial: null,
        fold: (s) => s,
        finish: () => null,
      }),
    ).toThrow(MeasurementBusyError);
    expect(ran).toEqual([]);
    expect(lock.holder()).toMatchObject({ id: '3' });
    other.release();
  });
});
