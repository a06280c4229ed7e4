// The showdown as a session whose steps are data: the pure plan (kinds, order, the engine
// configuration of each run, which runs are kept), its status as a fold of the session's events,
// and the session with FAKE executors on a fake clock — no network: the order the steps run in,
// the status pushed after each event, Stop during a measured run, a failing probe, and the
// measurement lock held from the first step (the target's start) to the last (its close).
import { describe, expect, it } from 'vitest';
import { MeasurementBusyError } from '../../src/main/services/measurementLock.ts';
import { RunService } from '../../src/main/services/runService.ts';
import type { StepContext } from '../../src/main/services/stepSession.ts';
import { planShowdown, resolveEndpoints, resolveStepScenario, type ShowdownStepPlan } from '../../src/main/showdown/showdownPlan.ts';
import { startShowdown } from '../../src/main/showdown/showdownRunner.ts';
import { foldShowdownStatus, initialShowdownStatus, showdownStatusOf } from '../../src/main/showdown/showdownStatus.ts';
import type { ExchangeProbe, ShowdownExecutors, ShowdownOutcome } from '../../src/main/showdown/showdownSteps.ts';
import {
  EXCHANGE_MODE_LABELS,
  UPDATE_MODE_LABELS,
  showdownInputSchema,
  type ExchangeModeId,
  type ExchangeModeResult,
  type ShowdownInput,
  type ShowdownStatus,
  type UpdateModeId,
  type UpdateModeResult,
} from '../../src/shared/showdown.ts';
import { FakeClock } from '../support/fakeClock.ts';

const T0 = Date.UTC(2026, 0, 1, 12);
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));
const config = (input: ShowdownInput = {}) => showdownInputSchema.parse({ save: false, seed: 0, ...input });

describe('the showdown plan (pure)', () => {
  it('lists every step in order with its kind, the run it measures, whether it is kept, and what the views show', () => {
    const plan = planShowdown(config({ durationSec: 3, warmupSec: 1, concurrency: 4 }), { id: 'x1', seed: 1, saved: true });
    expect(plan.groupId).toBe('showdown-x1');
    expect(plan.order).toEqual({ exchange: ['rest-keepalive', 'h2', 'ws', 'rest-new'], updates: ['long-poll', 'sse', 'push', 'poll'] });
    expect(plan.steps.map((s) => `${s.kind}${'mode' in s ? ` ${s.mode}` : ''}`)).toEqual([
      'setup',
      'probe',
      'warmup rest-keepalive',
      'exchange rest-keepalive',
      'warmup h2',
      'exchange h2',
      'warmup ws',
      'exchange ws',
      'warmup rest-new',
      'exchange rest-new',
      'poll long-poll',
      'sse sse',
      'push push',
      'poll poll',
      'teardown',
    ]);
    expect(plan.steps.map((s) => s.label)).toEqual([
      'starting the target',
      'probing connection set-up on the idle target',
      'REST (keep-alive): warm-up',
      'REST (keep-alive): measured run',
      'HTTP/2 (multiplexed): warm-up',
      'HTTP/2 (multiplexed): measured run',
      'WebSocket: warm-up',
      'WebSocket: measured run',
      'REST (new connection): warm-up',
      'REST (new connection): measured run',
      'Long polling: measured run',
      'Server-Sent Events: measured run',
      'WebSocket push: measured run',
      'REST polling: measured run',
      'closing the target',
    ]);
    // Warm-ups are measured but not kept; measured runs are; the target's close always runs.
    expect(plan.steps.map((s) => ('record' in s ? s.record : null))).toEqual([null, null, false, true, false, true, false, true, false, true, true, true, true, true, null]);
    expect(plan.steps.at(-1)).toMatchObject({ kind: 'teardown', always: true, view: null });
    // The views count the same steps as before the session (setup, probe, eight runs, four updates, done).
    expect(plan.views).toHaveLength(15);
    expect(plan.views.at(-1)).toEqual({ experiment: 'done', mode: null, phase: null });
    expect(plan.notes).toEqual([]);

    // The engine configuration of each run, against the demo target's symbolic address.
    const byLabel = (label: string) => plan.steps.find((s) => s.label === label) as Extract<ShowdownStepPlan, { scenario: unknown }>;
    const warm = byLabel('WebSocket: warm-up').scenario;
    expect(warm).toMatchObject({ protocol: 'ws', url: 'ws://demo-target.invalid/ws/echo', durationSec: 1, warmupSec: 0, name: 'Showdown · WebSocket (warm-up)', connections: 4 });
    // HTTP/2: every client's request a stream of one connection (one load worker), over h2c to the demo target.
    expect(byLabel('HTTP/2 (multiplexed): measured run').scenario).toMatchObject({ protocol: 'http', url: 'http://demo-target.invalid/h2', method: 'POST', http2: true, connections: 1, streams: 4 });
    expect(byLabel('REST (new connection): measured run').scenario).toMatchObject({ protocol: 'http', url: 'http://demo-target.invalid/echo', method: 'POST', newConnectionPerRequest: true, durationSec: 3 });
    expect(byLabel('REST polling: measured run').scenario).toMatchObject({
      protocol: 'http',
      method: 'GET',
      url: 'http://demo-target.invalid/events?feed=sd-x1&rate=20&bytes=64',
      poll: { intervalMs: 100 },
      workers: 1,
    });
    // Long polling and SSE read the same feed (the same events) as polling and push.
    expect(byLabel('Long polling: measured run').scenario).toMatchObject({ url: 'http://demo-target.invalid/events/long-poll?feed=sd-x1&rate=20&bytes=64', poll: { long: true }, timeoutSec: 30 });
    expect(byLabel('Server-Sent Events: measured run').scenario).toMatchObject({ url: 'http://demo-target.invalid/sse/events?feed=sd-x1&rate=20&bytes=64', sse: { retryMs: 3000 }, connections: 4 });
    expect(plan.steps[1]).toMatchObject({ kind: 'probe', rounds: 9, http: { url: 'http://demo-target.invalid/echo' }, ws: { url: 'ws://demo-target.invalid/ws/echo' }, h2: { url: 'http://demo-target.invalid/h2' } });
    expect((plan.steps[1] as Extract<ShowdownStepPlan, { kind: 'probe' }>).ws.message).not.toContain('{{seq}}');
  });

  it('plans only what will run: no warm-ups at 0 s, no probes without the exchange, no updates without their endpoints', () => {
    const noWarmup = planShowdown(config({ warmupSec: 0, experiments: ['exchange'] }), { id: 'a', seed: 0, saved: false });
    expect(noWarmup.groupId).toBeNull();
    expect(noWarmup.steps.map((s) => s.kind)).toEqual(['setup', 'probe', 'exchange', 'exchange', 'exchange', 'exchange', 'teardown']);
    expect(noWarmup.views).toHaveLength(7);

    const updatesOnly = planShowdown(config({ experiments: ['updates'] }), { id: 'b', seed: 0, saved: false });
    expect(updatesOnly.steps.map((s) => s.kind)).toEqual(['setup', 'poll', 'poll', 'sse', 'push', 'teardown']);
    // A server of your own with polling and push only: those two, and a note for each mode left out.
    const own = planShowdown(config({ httpUrl: 'http://127.0.0.1:9/echo', wsUrl: 'ws://127.0.0.1:9/ws', pollUrl: 'http://127.0.0.1:9/events', pushUrl: 'ws://127.0.0.1:9/push', experiments: ['updates'] }), { id: 'd', seed: 0, saved: false });
    expect(own.steps.map((s) => ('mode' in s ? s.mode : s.kind))).toEqual(['setup', 'poll', 'push']);
    expect(own.notes).toEqual(['long polling was not measured: give a long-poll endpoint', 'Server-Sent Events were not measured: give an SSE endpoint']);
    const withSse = planShowdown(config({ httpUrl: 'http://127.0.0.1:9/echo', wsUrl: 'ws://127.0.0.1:9/ws', pollUrl: 'http://127.0.0.1:9/events', pushUrl: 'ws://127.0.0.1:9/push', sseUrl: 'http://127.0.0.1:9/sse', experiments: ['updates'] }), { id: 'e', seed: 0, saved: false });
    expect(withSse.steps.map((s) => ('mode' in s ? s.mode : s.kind))).toEqual(['setup', 'poll', 'sse', 'push']);

    // The user's endpoints: nothing to start or close; without poll and push the updates are left out, and said so.
    const custom = planShowdown(config({ httpUrl: 'http://127.0.0.1:9/echo', wsUrl: 'ws://127.0.0.1:9/ws', warmupSec: 0 }), { id: 'c', seed: 0, saved: false });
    expect(custom.steps.map((s) => s.kind)).toEqual(['setup', 'probe', 'exchange', 'exchange', 'exchange']);
    expect(custom.notes).toEqual([
      'HTTP/2 was not measured: give an HTTP/2 echo endpoint (--h2 URL; h2c for http://, h2 by ALPN for https://)',
      'server-to-client updates were not measured: give a poll endpoint and a push endpoint',
    ]);
    expect(custom.steps[1]).toMatchObject({ kind: 'probe', h2: null });
    expect(custom.steps[2]).toMatchObject({ scenario: { url: 'http://127.0.0.1:9/echo', newConnectionPerRequest: true } });
    // With an HTTP/2 endpoint of the user's, HTTP/2 is measured there.
    const withH2 = planShowdown(config({ httpUrl: 'http://127.0.0.1:9/echo', wsUrl: 'ws://127.0.0.1:9/ws', h2Url: 'https://127.0.0.1:9/echo', warmupSec: 0, experiments: ['exchange'] }), { id: 'd', seed: 0, saved: false });
    expect(withH2.steps.filter((s) => s.kind === 'exchange').map((s) => ('mode' in s ? s.mode : null))).toEqual(['rest-new', 'rest-keepalive', 'h2', 'ws']);
    expect(withH2.steps.find((s) => s.kind === 'exchange' && s.mode === 'h2')).toMatchObject({ scenario: { url: 'https://127.0.0.1:9/echo', http2: true } });
    expect(withH2.notes).toEqual([]);
  });

  it('puts the demo target’s real address into a step’s run as it starts (stored literally, as before)', () => {
    const plan = planShowdown(config(), { id: 'x2', seed: 0, saved: true });
    const target = { httpUrl: 'http://127.0.0.1:4321', wsUrl: 'ws://127.0.0.1:4321' };
    const poll = plan.steps.find((s) => s.kind === 'poll')!;
    expect(resolveStepScenario(poll.scenario, target).url).toBe('http://127.0.0.1:4321/events?feed=sd-x2&rate=20&bytes=64');
    expect(resolveEndpoints(plan.endpoints, target)).toEqual({
      kind: 'demo',
      httpUrl: 'http://127.0.0.1:4321/echo',
      wsUrl: 'ws://127.0.0.1:4321/ws/echo',
      h2Url: 'http://127.0.0.1:4321/h2',
      pollUrl: 'http://127.0.0.1:4321/events?feed=sd-x2&rate=20&bytes=64',
      pushUrl: 'ws://127.0.0.1:4321/ws/events?feed=sd-x2&rate=20&bytes=64',
      longPollUrl: 'http://127.0.0.1:4321/events/long-poll?feed=sd-x2&rate=20&bytes=64',
      sseUrl: 'http://127.0.0.1:4321/sse/events?feed=sd-x2&rate=20&bytes=64',
      cpuUrl: 'http://127.0.0.1:4321/_barrage/cpu',
    });
    // The user's own endpoints are left as they are.
    const custom = planShowdown(config({ httpUrl: 'http://127.0.0.1:9/echo', wsUrl: 'ws://127.0.0.1:9/ws' }), { id: 'c', seed: 0, saved: false });
    expect(resolveEndpoints(custom.endpoints, null)).toEqual(custom.endpoints);
  });
});

describe('the showdown status is a fold of the session’s events', () => {
  it('moves step by step, follows the measured run, and ends with the result', () => {
    const plan = planShowdown(config({ warmupSec: 1, experiments: ['exchange'] }), { id: 'f', seed: 0, saved: true });
    const startedAt = new Date(T0).toISOString();
    const s0 = initialShowdownStatus(plan, startedAt);
    expect(s0).toMatchObject({ id: 'f', groupId: 'showdown-f', state: 'running', step: { experiment: 'setup' }, stepIndex: 0, steps: 11, currentRunId: null, runIds: {} });
    // A warm-up's run is not kept: it is no mode's run.
    const warm = foldShowdownStatus(plan, foldShowdownStatus(plan, s0, { type: 'step-started', index: 2, at: T0 }), { type: 'step-run', index: 2, runId: null, at: T0 });
    expect(warm).toMatchObject({ step: { experiment: 'exchange', mode: 'rest-new', phase: 'warmup' }, stepIndex: 2, currentRunId: null, runIds: {} });
    const measuring = showdownStatusOf(plan, startedAt, [
      { type: 'step-started', index: 3, at: T0 },
      { type: 'step-run', index: 3, runId: 41, at: T0 },
    ]);
    expect(measuring).toMatchObject({ step: { experiment: 'exchange', mode: 'rest-new', phase: 'measure' }, stepIndex: 3, currentRunId: 41, runIds: { 'rest-new': 41 } });
    // An event that changes nothing shown gives the same status (nothing is pushed).
    expect(foldShowdownStatus(plan, measuring, { type: 'step-ended', index: 3, at: T0, outcome: { status: 'failed', error: 'x' } })).toBe(measuring);
    // Closing the target is not a step the views count: the last one stays.
    expect(foldShowdownStatus(plan, measuring, { type: 'step-started', index: 10, at: T0 })).toBe(measuring);
    const ended = foldShowdownStatus(plan, measuring, {
      type: 'session-ended',
      at: T0,
      state: 'failed',
      failure: { index: 3, label: 'REST (new connection): measured run', error: 'boom' },
      result: null as never,
    });
    expect(ended).toMatchObject({ state: 'failed', step: { experiment: 'done' }, stepIndex: 10, currentRunId: null, error: 'boom', runIds: { 'rest-new': 41 } });
  });
});

// ---- a showdown with fake executors ----

interface Trace {
  ran: string[];
  /** The measurement lock's holder while each step ran. */
  holders: Array<string | null>;
  closed: number;
  signals: AbortSignal[];
}

function fakeExecutors(runs: RunService, clock: FakeClock, trace: Trace, opts: { probeFails?: string; runMs?: number } = {}): ShowdownExecutors {
  const runMs = opts.runMs ?? 1000;
  let nextRunId = 100;
  const enter = (step: ShowdownStepPlan, ctx: StepContext<ShowdownStepPlan, ShowdownOutcome>) => {
    trace.ran.push(step.label);
    trace.holders.push(runs.lock.holder()?.id ?? null);
    trace.signals.push(ctx.signal);
  };
  /** A run of `runMs` on the fake clock, cut short by Stop (then it ends 'aborted'). */
  const run = (step: ShowdownStepPlan, ctx: StepContext<ShowdownStepPlan, ShowdownOutcome>, record: boolean) =>
    new Promise<{ runId: number | null; status: 'completed' | 'aborted' }>((resolve) => {
      const runId = record ? nextRunId++ : null;
      ctx.runStarted(runId);
      const cancel = clock.after(runMs, () => resolve({ runId, status: 'completed' }));
      const stop = () => {
        cancel();
        resolve({ runId, status: 'aborted' });
      };
      if (ctx.signal.aborted) stop();
      else ctx.signal.addEventListener('abort', stop);
    });
  return {
    async setup(step, ctx) {
      enter(step, ctx);
      const target = { httpUrl: 'http://127.0.0.1:7000', wsUrl: 'ws://127.0.0.1:7000', isolated: true, close: async () => void trace.closed++ };
      return { kind: 'setup', target, endpoints: resolveEndpoints(step.endpoints, target), notes: [] };
    },
    async probe(step, ctx) {
      enter(step, ctx);
      if (opts.probeFails) throw new Error(opts.probeFails);
      return { kind: 'probe', probe: fakeProbe(), notes: [] };
    },
    async warmup(step, ctx) {
      enter(step, ctx);
      await run(step, ctx, step.record);
      return { kind: 'warmup', notes: [] };
    },
    async exchange(step, ctx) {
      enter(step, ctx);
      const r = await run(step, ctx, step.record);
      if (r.status === 'aborted') ctx.stopSession();
      return { kind: 'exchange', result: exchangeResult(step.mode, r.runId, r.status), notes: [] };
    },
    async poll(step, ctx) {
      enter(step, ctx);
      const r = await run(step, ctx, step.record);
      return { kind: 'update', result: updateResult(step.mode, r.runId, r.status), notes: [] };
    },
    async sse(step, ctx) {
      enter(step, ctx);
      const r = await run(step, ctx, step.record);
      return { kind: 'update', result: updateResult('sse', r.runId, r.status), notes: [] };
    },
    async push(step, ctx) {
      enter(step, ctx);
      const r = await run(step, ctx, step.record);
      return { kind: 'update', result: updateResult('push', r.runId, r.status), notes: [] };
    },
    async teardown(step, ctx) {
      enter(step, ctx);
      const setup = ctx.earlier.find((r) => 'value' in r.outcome && r.outcome.value?.kind === 'setup');
      if (setup && 'value' in setup.outcome && setup.outcome.value?.kind === 'setup') await setup.outcome.value.target?.close();
      return { kind: 'teardown', notes: [] };
    },
  };
}

function fakeShowdown(input: ShowdownInput, opts: { probeFails?: string } = {}) {
  const clock = new FakeClock(T0);
  const runs = new RunService(null);
  const trace: Trace = { ran: [], holders: [], closed: 0, signals: [] };
  const statuses: ShowdownStatus[] = [];
  const handle = startShowdown(config(input), { runs, store: null, executors: fakeExecutors(runs, clock, trace, opts), onStatus: (s) => statuses.push(s), clock });
  /** Lets every step due by `ms` from now run. */
  const advance = async (ms: number) => {
    const until = clock.now() + ms;
    for (;;) {
      await flush();
      const next = clock.pending[0];
      if (next === undefined || next > until) break;
      clock.advanceTo(next);
    }
    clock.advanceTo(until);
    await flush();
  };
  return { handle, runs, trace, statuses, clock, advance };
}

const line = (s: ShowdownStatus) =>
  `${s.stepIndex + 1}/${s.steps} ${s.step.experiment}${s.step.mode ? ` ${s.step.mode}` : ''}${s.step.phase ? ` ${s.step.phase}` : ''}${s.currentRunId !== null ? ` run ${s.currentRunId}` : ''} ${s.state}`;

describe('a showdown session with fake steps', () => {
  it('runs the steps in the planned order under one lease, pushing a status at each step and run', async () => {
    const sd = fakeShowdown({ warmupSec: 1, durationSec: 1 });
    sd.runs.start = () => {
      throw new Error('a fake step must not reach the engine');
    };
    expect(sd.runs.lock.holder()).toMatchObject({ kind: 'showdown', id: sd.handle.id });
    // Another showdown (or any run) is refused while it goes.
    expect(() => startShowdown(config(), { runs: sd.runs, store: null })).toThrow(MeasurementBusyError);
    await sd.advance(60_000);
    const result = await sd.handle.result;
    expect(result.status).toBe('completed');
    expect(sd.trace.ran).toEqual([
      'starting the target',
      'probing connection set-up on the idle target',
      'REST (new connection): warm-up',
      'REST (new connection): measured run',
      'REST (keep-alive): warm-up',
      'REST (keep-alive): measured run',
      'HTTP/2 (multiplexed): warm-up',
      'HTTP/2 (multiplexed): measured run',
      'WebSocket: warm-up',
      'WebSocket: measured run',
      'REST polling: measured run',
      'Long polling: measured run',
      'Server-Sent Events: measured run',
      'WebSocket push: measured run',
      'closing the target',
    ]);
    // The lock was the showdown's from the first step to the last, and is free afterwards.
    expect(sd.trace.holders).toEqual(sd.trace.ran.map(() => sd.handle.id));
    expect(sd.runs.lock.holder()).toBeNull();
    expect(sd.trace.closed).toBe(1);
    // Each step, then its run, as the CLI and the Showdown view follow them.
    expect(sd.statuses.map(line)).toEqual([
      '1/15 setup running',
      '2/15 probe running',
      '3/15 exchange rest-new warmup running',
      '4/15 exchange rest-new measure running',
      '4/15 exchange rest-new measure run 100 running',
      '5/15 exchange rest-keepalive warmup running',
      '6/15 exchange rest-keepalive measure running',
      '6/15 exchange rest-keepalive measure run 101 running',
      '7/15 exchange h2 warmup running',
      '8/15 exchange h2 measure running',
      '8/15 exchange h2 measure run 102 running',
      '9/15 exchange ws warmup running',
      '10/15 exchange ws measure running',
      '10/15 exchange ws measure run 103 running',
      '11/15 updates poll measure running',
      '11/15 updates poll measure run 104 running',
      '12/15 updates long-poll measure running',
      '12/15 updates long-poll measure run 105 running',
      '13/15 updates sse measure running',
      '13/15 updates sse measure run 106 running',
      '14/15 updates push measure running',
      '14/15 updates push measure run 107 running',
      '15/15 done completed',
    ]);
    expect(sd.statuses.at(-1)).toEqual(sd.handle.status());
    expect(sd.handle.status()).toMatchObject({ runIds: { 'rest-new': 100, 'rest-keepalive': 101, h2: 102, ws: 103, poll: 104, 'long-poll': 105, sse: 106, push: 107 }, error: null, result });
    // Every status pushed is the fold of the events so far.
    expect(showdownStatusOf(planShowdown(config({ warmupSec: 1, durationSec: 1 }), { id: sd.handle.id, seed: 0, saved: false }), sd.handle.status().startedAt, sd.handle.events())).toEqual(
      sd.handle.status(),
    );
    expect(result.startedAt).toBe(new Date(T0).toISOString());
    // Eight 1-s runs back to back (four warm-ups, four measured) and four update runs, on the fake clock.
    expect(result.endedAt).toBe(new Date(T0 + 12_000).toISOString());
    expect(result.exchange!.modes.map((m) => m.runId)).toEqual([100, 101, 102, 103]);
    expect(result.updates!.modes.map((m) => m.mode)).toEqual(['poll', 'long-poll', 'sse', 'push']);
    expect(result.target).toMatchObject({ kind: 'demo', httpUrl: 'http://127.0.0.1:7000/echo', serverCpuIsolated: true });
  });

  it('Stop during a measured run ends it and the showdown as stopped; the rest is skipped, the target closed, the lock freed', async () => {
    const sd = fakeShowdown({ warmupSec: 0, durationSec: 1 });
    await sd.advance(1000);
    await sd.advance(500);
    expect(sd.handle.status()).toMatchObject({ step: { experiment: 'exchange', mode: 'rest-keepalive', phase: 'measure' }, currentRunId: 101 });
    sd.handle.stop();
    expect(sd.trace.signals.at(-1)!.aborted).toBe(true);
    const result = await sd.handle.result;
    expect(result.status).toBe('aborted');
    expect(sd.trace.ran).toEqual([
      'starting the target',
      'probing connection set-up on the idle target',
      'REST (new connection): measured run',
      'REST (keep-alive): measured run',
      'closing the target',
    ]);
    expect(result.exchange!.modes.map((m) => [m.mode, m.status])).toEqual([
      ['rest-new', 'completed'],
      ['rest-keepalive', 'aborted'],
    ]);
    expect(result.updates).toBeNull();
    expect(result.notes).toContain('stopped before every mode had run');
    expect(sd.trace.closed).toBe(1);
    expect(sd.trace.holders.at(-1)).toBe(sd.handle.id);
    expect(sd.runs.lock.holder()).toBeNull();
    expect(sd.handle.status()).toMatchObject({ state: 'aborted', step: { experiment: 'done' }, stepIndex: 10, steps: 11, currentRunId: null, error: null });
    expect(sd.handle.events().filter((e) => e.type === 'step-ended').map((e) => e.type === 'step-ended' && e.outcome.status)).toEqual(['done', 'done', 'done', 'stopped', 'done']);
  });

  it('a failing probe ends the showdown as failed with its message; nothing is measured; the target still closes', async () => {
    const sd = fakeShowdown({ warmupSec: 0 }, { probeFails: 'WebSocket endpoint ws://127.0.0.1:7000/ws/echo: Unexpected server response: 404' });
    await sd.advance(1000);
    const result = await sd.handle.result;
    expect(result.status).toBe('failed');
    expect(result.failure).toBe('WebSocket endpoint ws://127.0.0.1:7000/ws/echo: Unexpected server response: 404');
    expect(sd.trace.ran).toEqual(['starting the target', 'probing connection set-up on the idle target', 'closing the target']);
    expect(result.exchange).toBeNull();
    expect(result.updates).toBeNull();
    expect(sd.trace.closed).toBe(1);
    expect(sd.runs.lock.holder()).toBeNull();
    expect(sd.handle.status()).toMatchObject({ state: 'failed', error: result.failure, step: { experiment: 'done' } });
    expect(sd.handle.events().at(-1)).toMatchObject({ type: 'session-ended', state: 'failed', failure: { index: 1, label: 'probing connection set-up on the idle target' } });
  });
});

// ---- synthetic outcomes ----

function fakeProbe(): ExchangeProbe {
  const setup = { openSentBytes: 200, openReceivedBytes: 130, closeSentBytes: 8, closeReceivedBytes: 4, openUs: 300, source: 'fake' };
  return {
    tcpSetup: { ...setup, openSentBytes: 0, openReceivedBytes: 0, closeSentBytes: 0, closeReceivedBytes: 0, openUs: 100 },
    wsSetup: setup,
    ws: { openUs: 300, openSentBytes: 200, openReceivedBytes: 130, closeSentBytes: 8, closeReceivedBytes: 4, messageSentBytes: 70, messageReceivedBytes: 66, messagesReceived: 1, payloadReceivedBytes: 64 },
    wsEchoes: true,
    httpResponseBytes: 64,
    h2: { setup: { ...setup, openSentBytes: 100, openReceivedBytes: 40, closeSentBytes: 17, closeReceivedBytes: 0, openUs: 200 }, responseBytes: 64 },
  };
}

function exchangeResult(mode: ExchangeModeId, runId: number | null, status: 'completed' | 'aborted'): ExchangeModeResult {
  const total = mode === 'ws' ? 70 : 300;
  return {
    mode,
    label: EXCHANGE_MODE_LABELS[mode],
    runId,
    status,
    exchanges: 1000,
    durationSec: 1,
    throughputPerSec: 1000,
    latencyUs: { p50: 100, p99: 300, p999: 1000, mean: 120, max: 2000, count: 1000 },
    bytes: { sent: { total, payload: 64, overhead: total - 64 }, received: { total, payload: 64, overhead: total - 64 }, socketSent: total * 1000, socketReceived: total * 1000 },
    setup: null,
    connections: { opened: 10, failed: 0, perExchange: 0.01, connectUs: null },
    generatorCpuUs: null,
    serverCpuUs: null,
    errors: 0,
    generatorSaturated: false,
    notes: [],
  };
}

function updateResult(mode: UpdateModeId, runId: number | null, status: 'completed' | 'aborted'): UpdateModeResult {
  return {
    mode,
    label: UPDATE_MODE_LABELS[mode],
    runId,
    status,
    durationSec: 1,
    clients: 10,
    delivered: 100,
    lagUs: { p50: 1000, p99: 2000, p999: 2000, mean: 1000, max: 2000, count: 100 },
    requests: mode === 'poll' ? 100 : 0,
    emptyRequests: 0,
    emptyShare: mode === 'poll' ? 0 : null,
    requestsPerEvent: mode === 'poll' ? 1 : 0,
    bytesPerEvent: { sent: 0, received: { total: 70, payload: 64, overhead: 6 } },
    socketSent: 0,
    socketReceived: 7000,
    setup: null,
    connectionsOpened: 10,
    generatorCpuUs: null,
    serverCpuUs: null,
    errors: 0,
    notes: [],
  };
}
