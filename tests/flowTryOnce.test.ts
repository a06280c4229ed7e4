// Try once (runFlowOnce on the engine's façade) against a loopback API whose answers are known:
// extraction (JSON path, header, regex), every check, variables (built-ins, data, extracted,
// missing at run time), onFailure abandon / continue, and the transport error kinds. One user,
// one iteration, no workers: these tests take well under a second each.
import { afterEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import { runFlowOnce } from '../src/main/engine/index.ts';
import type { FlowScenario } from '../src/shared/scenario.ts';
import { startFlowTarget, type FlowTarget } from './support/flowTarget.ts';
import { scenarioOf } from './support/runScenario.ts';

let target: FlowTarget | undefined;
afterEach(async () => {
  await target?.close();
  target = undefined;
});

async function flow(extra: Record<string, unknown>): Promise<FlowScenario> {
  target ??= await startFlowTarget();
  return scenarioOf({ protocol: 'flow', url: target.url, durationSec: 1, ...extra } as never) as FlowScenario;
}

const login = {
  type: 'http',
  name: 'login',
  method: 'POST',
  url: '/login',
  body: '{"user":"{{user}}"}',
  bodyType: 'json',
  extract: [
    { from: 'json', var: 'token', path: '$.token' },
    { from: 'header', var: 'session', header: 'X-Session' },
  ],
  checks: [{ type: 'status', status: '200' }],
};

describe('Try once', () => {
  it('runs setup, the iteration and teardown: extractions feed later steps, every check passes, secrets redacted', async () => {
    const s = await flow({
      data: { assign: 'per-vu', rows: [{ user: 'alice' }, { user: 'bob' }] },
      setup: [login],
      steps: [
        {
          type: 'http',
          name: 'list',
          url: '/items?vu={{vu}}&i={{iteration}}',
          headers: { Authorization: 'Bearer {{token}}' },
          extract: [{ from: 'json', var: 'second', path: '$.items[1].id' }, { from: 'json', var: 'named', path: '$.items[?(@.id==2)].name' }],
          checks: [
            { type: 'status', status: '2xx' },
            { type: 'jsonPath', path: '$.items[0].id', op: 'exists' },
            { type: 'jsonPath', path: '$.owner', op: 'equals', value: '{{token}}' },
            { type: 'jsonPath', path: '$.items[1].name', op: 'matches', value: '^[ab]$' },
            { type: 'bodyContains', text: '"name":"a"' },
            { type: 'header', header: 'content-type' },
            { type: 'latency', maxMs: 5000 },
          ],
          thinkMs: 100,
          thinkMaxMs: 200,
        },
        { type: 'http', name: 'text', url: '/text', extract: [{ from: 'regex', var: 'order', pattern: 'order (\\d+)' }] },
      ],
      teardown: [{ type: 'http', name: 'bye', url: '/echo?order={{order}}&s={{session}}', checks: [{ type: 'jsonPath', path: '$.order', op: 'equals', value: '42' }] }],
    });
    const trace = await runFlowOnce(s);
    expect(trace.completed).toBe(true);
    expect(trace.abandonedAt).toBeUndefined();
    expect(trace.steps.map((t) => [t.phase, t.name, t.state, t.failed])).toEqual([
      ['setup', 'login', 'ran', false],
      ['steps', 'list', 'ran', false],
      ['steps', 'text', 'ran', false],
      ['teardown', 'bye', 'ran', false],
    ]);
    const [loginT, listT, , byeT] = trace.steps;
    expect(loginT.request).toMatchObject({ method: 'POST', body: { text: '{"user":"alice"}', truncated: false } });
    expect(loginT.request?.headers['content-type']).toBe('application/json');
    expect(loginT.response?.status).toBe(200);
    expect(loginT.extractions).toEqual([
      { var: 'token', from: 'json', ok: true, value: 't-alice' },
      { var: 'session', from: 'header', ok: true, value: 's-alice' },
    ]);
    // The request as sent: variables filled in, the credential header redacted.
    expect(listT.request?.url).toBe(`${target!.url}/items?vu=1&i=1`);
    expect(listT.request?.headers.Authorization).toBe('***');
    expect(target!.log.find((l) => l.path.startsWith('/items'))?.auth).toBe('Bearer t-alice');
    expect(listT.checks.map((c) => [c.name, c.passed])).toEqual([
      ['status 2xx', true],
      ['$.items[0].id exists', true],
      ['$.owner equals {{token}}', true],
      ['$.items[1].name matches /^[ab]$/', true],
      ['body contains ""name":"a""', true],
      ['header content-type present', true],
      ['latency ≤ 5 s', true],
    ]);
    expect(listT.extractions.map((e) => (e.ok ? e.value : e.reason))).toEqual(['2', 'b']);
    expect(listT.thinkMs).toBeGreaterThanOrEqual(100);
    expect(listT.thinkMs).toBeLessThanOrEqual(200);
    expect(listT.response!.timeUs).toBeGreaterThan(0);
    expect(byeT.request?.url).toBe(`${target!.url}/echo?order=42&s=s-alice`);
    expect(trace.variables).toMatchObject({ user: 'alice', token: 't-alice', order: '42', second: '2' });
  });

  it('a failed check with onFailure "continue" goes on; a failed extraction abandons and skips the rest; a variable it left empty is the variable error', async () => {
    const s = await flow({
      steps: [
        { type: 'http', name: 'unauth', url: '/items', checks: [{ type: 'status', status: '200' }, { type: 'jsonPath', path: '$.items', op: 'exists' }], onFailure: 'continue' },
        { type: 'http', name: 'noToken', url: '/text', extract: [{ from: 'regex', var: 'missing', pattern: 'absent (\\d+)' }], onFailure: 'continue' },
        { type: 'http', name: 'uses', url: '/echo?m={{missing}}' },
        { type: 'http', name: 'never', url: '/echo' },
      ],
    });
    const trace = await runFlowOnce(s);
    expect(trace.completed).toBe(false);
    expect(trace.abandonedAt).toEqual({ phase: 'steps', index: 2, name: 'uses' });
    const [unauth, noToken, uses, never] = trace.steps;
    expect(unauth.failed).toBe(true);
    expect(unauth.checks).toEqual([
      { name: 'status 200', passed: false, detail: 'got 401' },
      { name: '$.items exists', passed: false, detail: '$.items found nothing' },
    ]);
    expect(noToken.extractions).toEqual([{ var: 'missing', from: 'regex', ok: false, reason: '/absent (\\d+)/ did not match' }]);
    expect(uses.errors.map((e) => e.kind)).toEqual(['variable']);
    expect(uses.errors[0].message).toContain('{{missing}}');
    expect(uses.request).toBeUndefined(); // never sent
    expect(target!.log.some((l) => l.path.startsWith('/echo?m='))).toBe(false);
    expect(never.state).toBe('skipped');
  });

  it('transport faults are step errors by kind: status, timeout, too-large, refused', async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const deadPort = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const s = await flow({
      timeoutSec: 1,
      maxResponseBytes: 1024 * 1024,
      steps: [
        { type: 'http', name: 'missing', url: '/nowhere', onFailure: 'continue' },
        { type: 'http', name: 'slow', url: '/slow', onFailure: 'continue' },
        { type: 'http', name: 'big', url: '/big', onFailure: 'continue' },
        { type: 'http', name: 'refused', url: `http://127.0.0.1:${deadPort}/`, onFailure: 'continue' },
      ],
    });
    const trace = await runFlowOnce(s);
    expect(trace.steps.map((t) => t.errors.map((e) => e.kind))).toEqual([['status'], ['timeout'], ['too-large'], ['refused']]);
    expect(trace.steps.every((t) => t.failed)).toBe(true);
    // The slow step gave up at the scenario's timeout, not at the answer (1.5 s).
    expect(trace.steps[1].timeUs).toBeGreaterThanOrEqual(950_000);
    expect(trace.steps[1].timeUs).toBeLessThan(1_400_000);
    expect(trace.completed).toBe(true); // every step ran ("continue")
  });
});
