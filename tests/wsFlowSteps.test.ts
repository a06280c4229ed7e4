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
  outOfOrderCount = 0;
  unmatchedCount = 0;
  outOfOrder() {
    this.outOfOrderCount++;
  }
  unmatched() {
    this.unmatchedCount++;
  }
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

  it('counts answers out of order as the echo mode does: the known order comes from the target’s own numbering', async () => {
    // 24 exchanges (24 sent + 24 received fit in the trace's 50 messages), 4 in flight, each
    // answered after 1 + [0, 20) ms: answers overtake one another.
    const before = await targetOutOfOrder();
    const [, send] = await runSteps(flow([connect('delayMs=1&jitterMs=20'), rpc({ count: 24 })]));
    expect(send.rec.errors).toEqual([]);
    expect(send.rec.latenciesUs).toHaveLength(24);
    // Known answer: each answer carries the target's arrival number of its request (`seq`, the
    // send order on this socket). An answer is out of order when an answer with a higher number
    // came before it.
    const seqs = send.trace.messages!.filter((m) => m.direction === 'received').map((m) => (JSON.parse(m.body.text) as { result: { seq: number } }).result.seq);
    expect(seqs).toHaveLength(24);
    let highest = 0;
    let expected = 0;
    for (const q of seqs) {
      if (q < highest) expected++;
      else highest = q;
    }
    expect(send.rec.outOfOrderCount).toBe(expected);
    expect(send.rec.unmatchedCount).toBe(0);
    // The target's own count (answers that overtook an earlier request) is another rule, but it
    // sees the same reorderings: both are 0 only when every answer came in order.
    const targetCount = (await targetOutOfOrder()) - before;
    expect(send.rec.outOfOrderCount > 0).toBe(targetCount > 0);
    expect(send.rec.outOfOrderCount).toBeGreaterThan(0);
  });

  it('counts messages that carry an id no send of the step waits for as unmatched (late answers to an earlier step)', async () => {
    // The first step gives up its 4 requests after 20 ms; their answers leave the target 400 ms
    // after they came — before the second step's own answers, which came later with the same
    // delay — so all 4 reach the second step, which matches none of them.
    const early = rpc({ name: 'gives up', count: 4, inFlight: 4, checks: [], expect: { match: { path: '$.id' }, timeoutMs: 20 } });
    const later = rpc({ name: 'waits', count: 2, inFlight: 2, checks: [], expect: { match: { path: '$.id' }, timeoutMs: 5000 } });
    const [, first, second] = await runSteps(flow([connect('delayMs=400'), early, later]));
    expect(first.rec.errors).toEqual(['expect-timeout', 'expect-timeout', 'expect-timeout', 'expect-timeout']);
    expect(first.rec.unmatchedCount).toBe(0);
    expect(second.rec.errors).toEqual([]);
    expect(second.rec.latenciesUs).toHaveLength(2);
    expect(second.rec.unmatchedCount).toBe(4);
    expect(second.rec.outOfOrderCount).toBe(0);
  });

  it('an answer after its request timed out is late: already an expect-timeout, not a duplicate or unmatched', async () => {
    // One in flight, each given up after 30 ms, answered 200 ms after it came: the first answers
    // arrive while the step is still sending its tenth.
    const [, send] = await runSteps(flow([connect('delayMs=200'), rpc({ count: 10, inFlight: 1, checks: [], expect: { match: { path: '$.id' }, timeoutMs: 30 } })]));
    expect(send.rec.errors).toEqual(Array.from({ length: 10 }, () => 'expect-timeout'));
    expect(send.rec.unmatchedCount).toBe(0);
    expect(send.rec.latenciesUs).toEqual([]);
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
