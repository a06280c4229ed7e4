// The WebSocket steps of a flow against the demo target (issue #12): ws-connect (variables in
// the URL, handshake faults as error kinds), ws-send with answers matched by id out of order,
// its own latency per exchange, expect-timeout, ws-await with lag from a timestamp, ws-close.
// Each step is compiled and run directly with a recorder that keeps what it is told.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoTarget, type DemoTarget } from '../src/main/target/demoTarget.ts';
import { systemClock } from '../src/main/clock.ts';
import { compileStep } from '../src/main/engine/flow/stepKinds.ts';
import type { StepContext, StepRecorder } from '../src/main/engine/flow/stepExecutor.ts';
import { VirtualUser } from '../src/main/engine/flow/virtualUser.ts';
import { scenarioSchema, type FlowScenario } from '../src/shared/scenario.ts';
import type { FlowStepInput } from '../src/shared/flowSteps.ts';
import type { ErrorKind } from '../src/shared/runResult.ts';
import type { StepTrace } from '../src/shared/flowTrace.ts';

let target: DemoTarget;
beforeAll(async () => {
  target = await startDemoTarget();
});
afterAll(async () => {
  await target.close();
});

class Recorded implements StepRecorder {
  latenciesUs: number[] = [];
  errors: ErrorKind[] = [];
  statuses: number[] = [];
  checks: boolean[] = [];
  unfinishedCount = 0;
  completed(us: number) {
    this.latenciesUs.push(us);
  }
  status(code: number) {
    this.statuses.push(code);
  }
  error(kind: ErrorKind) {
    this.errors.push(kind);
  }
  check(_i: number, passed: boolean) {
    this.checks.push(passed);
  }
  unfinished() {
    this.unfinishedCount++;
  }
}

/** A flow of the given steps (all in `steps`), parsed by the real schema. */
function flow(steps: FlowStepInput[]): FlowScenario {
  return scenarioSchema.parse({ protocol: 'flow', url: target.httpUrl, timeoutSec: 5, steps }) as FlowScenario;
}

/** Runs the scenario's steps in order for one virtual user; each step's recorder and outcome. */
async function runSteps(scenario: FlowScenario, vu = new VirtualUser(1)): Promise<Array<{ rec: Recorded; failed: boolean; trace: StepTrace }>> {
  const env = { scenario, baseUrl: new URL(scenario.url), address: '127.0.0.1', clock: systemClock, tracing: true };
  const out: Array<{ rec: Recorded; failed: boolean; trace: StepTrace }> = [];
  const signal = new AbortController().signal;
  try {
    for (const [index, step] of scenario.steps.entries()) {
      const rec = new Recorded();
      const trace: StepTrace = { phase: 'steps', index, name: step.name, type: step.type, state: 'ran', failed: false, extractions: [], checks: [], errors: [], timeUs: 0 };
      const ctx: StepContext = { vu, record: rec, signal, trace };
      const { failed } = await compileStep(step, env).run(ctx);
      out.push({ rec, failed, trace });
    }
  } finally {
    await vu.end();
  }
  return out;
}

const connect = (query = 'delayMs=20&jitterMs=20'): FlowStepInput => ({ type: 'ws-connect', name: 'connect', url: `/ws/rpc?${query}` });
const rpc = (extra: Partial<Record<string, unknown>> = {}): FlowStepInput =>
  ({
    type: 'ws-send',
    name: 'rpc',
    message: '{"jsonrpc":"2.0","id":{{seq}},"method":"echo"}',
    expect: { match: { path: '$.id' }, timeoutMs: 2000 },
    count: 40,
    inFlight: 4,
    checks: [{ type: 'jsonPath', path: '$.result.method', op: 'equals', value: 'echo' }],
    ...extra,
  }) as FlowStepInput;

async function targetOutOfOrder(): Promise<number> {
  return ((await (await fetch(`${target.httpUrl}/_barrage/rpc`)).json()) as { outOfOrder: number }).outOfOrder;
}

describe('ws-send with expect', () => {
  it('matches 40 answers by id with 4 in flight, out of order, each timed from its own send (≈ the target delay)', async () => {
    const before = await targetOutOfOrder();
    const [conn, send, close] = await runSteps(flow([connect('delayMs=20&jitterMs=20'), rpc(), { type: 'ws-close', name: 'close' }]));
    expect(conn.failed).toBe(false);
    expect(conn.rec.latenciesUs).toHaveLength(1);
    expect(send.rec.errors).toEqual([]);
    expect(send.failed).toBe(false);
    expect(send.rec.latenciesUs).toHaveLength(40);
    expect(send.rec.checks.filter((c) => !c)).toEqual([]);
    // Known answer: each answer leaves 20 + [0, 20) ms after its request. The target's timer is a
    // Node setTimeout, which may fire up to 1 ms early by the clock we measure with (libuv keeps its
    // loop time in whole, cached milliseconds), so the floor is 19 ms (CI once saw 19,486 µs).
    for (const us of send.rec.latenciesUs) expect(us).toBeGreaterThanOrEqual(19_000);
    const sorted = [...send.rec.latenciesUs].sort((a, b) => a - b);
    const median = sorted[20];
    expect(median).toBeGreaterThan(20_000);
    expect(median).toBeLessThan(120_000); // 30 ms expected; slack for a busy 2-core machine
    // The target says some answers overtook earlier requests; every one was still matched.
    expect((await targetOutOfOrder()) - before).toBeGreaterThan(0);
    const receivedIds = send.trace.messages!.filter((m) => m.direction === 'received').map((m) => (JSON.parse(m.body.text) as { id: number }).id);
    expect([...receivedIds].sort((a, b) => a - b)).not.toEqual(receivedIds);
    expect(close.failed).toBe(false);
    expect(close.rec.latenciesUs).toHaveLength(1);
  });

  it('an answer that does not come in time is an expect-timeout; the step fails', async () => {
    const [, send] = await runSteps(flow([connect('delayMs=300'), rpc({ count: 3, inFlight: 3, expect: { match: { path: '$.id' }, timeoutMs: 50 } })]));
    expect(send.failed).toBe(true);
    expect(send.rec.errors).toEqual(['expect-timeout', 'expect-timeout', 'expect-timeout']);
    expect(send.rec.latenciesUs).toEqual([]);
  });

  it('the same id twice in flight is refused as a problem of the message, not mis-timed', async () => {
    const [, send] = await runSteps(flow([connect('delayMs=50'), rpc({ message: '{"jsonrpc":"2.0","id":7,"method":"echo"}', count: 2, inFlight: 2 })]));
    expect(send.failed).toBe(true);
    expect(send.rec.errors).toEqual(['other']);
    expect(send.trace.errors[0].message).toMatch(/share \$\.id = 7/);
    expect(send.rec.latenciesUs).toHaveLength(1);
  });
});

describe('ws-connect', () => {
  it('a token from an HTTP login step goes into the connect URL', async () => {
    const steps = await runSteps(
      flow([
        { type: 'http', name: 'login', method: 'POST', url: '/login', bodyType: 'json', body: '{"user":"user3","password":"pw-user3"}', extract: [{ from: 'json', var: 'token', path: '$.token' }] },
        { type: 'ws-connect', name: 'connect', url: '/ws/rpc?token={{token}}', headers: { authorization: 'Bearer {{token}}' } },
        rpc({ count: 2, inFlight: 1 }),
      ]),
    );
    expect(steps.map((s) => s.failed)).toEqual([false, false, false]);
    expect(steps[1].trace.request!.url).toMatch(/\/ws\/rpc\?token=[0-9a-f]{32}$/);
  });

  it('an upgrade answered with 404 is a handshake error with its status; a closed port is refused', async () => {
    const [bad] = await runSteps(flow([{ type: 'ws-connect', name: 'connect', url: '/ws/nowhere' }]));
    expect(bad.failed).toBe(true);
    expect(bad.rec.errors).toEqual(['handshake']);
    expect(bad.rec.statuses).toEqual([404]);
    const refused = await runSteps(flow([{ type: 'ws-connect', name: 'connect', url: 'ws://127.0.0.1:9/ws' }]));
    expect(refused[0].rec.errors).toEqual(['refused']);
  });

  it('a ws-send after a failed connect fails with closed, not a crash', async () => {
    const [, send] = await runSteps(flow([{ type: 'ws-connect', name: 'connect', url: '/ws/nowhere', onFailure: 'continue' }, rpc({ count: 1 })]));
    expect(send.failed).toBe(true);
    expect(send.rec.errors).toEqual(['closed']);
  });
});

describe('ws-await', () => {
  it('takes N pushes and records their lag from the timestamp in each', async () => {
    const [, sub, wait] = await runSteps(
      flow([
        connect('delayMs=0'),
        { type: 'ws-send', name: 'subscribe', message: '{"jsonrpc":"2.0","id":"s{{seq}}","method":"subscribe","params":{"rate":50}}', expect: { match: { path: '$.id' } } },
        { type: 'ws-await', name: 'ticks', count: 5, match: { path: '$.params.ts' }, lagPath: '$.params.ts', timeoutMs: 3000 },
      ]),
    );
    expect(sub.failed).toBe(false);
    expect(wait.rec.errors).toEqual([]);
    expect(wait.rec.latenciesUs).toHaveLength(5);
    // Loopback, same clock: the lag is small (well under the 20 ms tick spacing on a quiet machine).
    for (const us of wait.rec.latenciesUs) expect(us).toBeLessThan(200_000);
  });

  it('too few pushes within the timeout is an expect-timeout', async () => {
    const [, wait] = await runSteps(flow([connect('delayMs=0'), { type: 'ws-await', name: 'ticks', count: 2, timeoutMs: 100 }]));
    expect(wait.failed).toBe(true);
    expect(wait.rec.errors).toEqual(['expect-timeout']);
  });
});
