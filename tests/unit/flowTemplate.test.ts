// Flow templates (src/main/engine/flow/template.ts) and the virtual user's variables; the trace's
// body cut and check labels (src/shared/flowTrace.ts).
import { describe, expect, it } from 'vitest';
import { compileTemplate, MissingVariableError } from '../../src/main/engine/flow/template.ts';
import { VirtualUser, VuSlot } from '../../src/main/engine/flow/virtualUser.ts';
import { checkLabel, traceBody } from '../../src/shared/flowTrace.ts';

describe('flow templates', () => {
  it('fills in built-ins, data columns and extracted variables', () => {
    const vu = new VirtualUser(7);
    vu.iteration = 3;
    vu.vars.set('token', 'abc');
    const t = compileTemplate('/u/{{vu}}/i/{{iteration}}?t={{ token }}&s={{seq}}');
    expect(t.constant).toBe(false);
    expect(t.variables).toEqual(['vu', 'iteration', 'token', 'seq']);
    vu.nextSeq();
    expect(t.render(vu)).toBe('/u/7/i/3?t=abc&s=1');
  });

  it('a template without variables is constant and renders as written', () => {
    const t = compileTemplate('{"a":1}');
    expect(t.constant).toBe(true);
    expect(t.render(new VirtualUser(1))).toBe('{"a":1}');
  });

  it('a variable with no value at run time throws MissingVariableError naming it', () => {
    const t = compileTemplate('Bearer {{token}}');
    const vu = new VirtualUser(1);
    expect(() => t.render(vu)).toThrow(MissingVariableError);
    try {
      t.render(vu);
    } catch (err) {
      expect((err as MissingVariableError).variable).toBe('token');
    }
  });

  it('randomInt stays in its bounds and covers them; uuid is a v4 UUID; now is epoch ms', () => {
    const vu = new VirtualUser(1);
    const r = compileTemplate('{{randomInt 3 5}}');
    const seen = new Set(Array.from({ length: 300 }, () => r.render(vu)));
    expect([...seen].sort()).toEqual(['3', '4', '5']);
    expect(compileTemplate('{{uuid}}').render(vu)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const now = Number(compileTemplate('{{now}}').render(vu));
    expect(Math.abs(now - Date.now())).toBeLessThan(1000);
  });

  it('refuses a template whose syntax is wrong (a caller that skipped the schema)', () => {
    expect(() => compileTemplate('x {{token')).toThrow(/never closed/);
  });
});

describe('virtual user', () => {
  it('keeps typed per-kind state and releases it once at the end', async () => {
    const vu = new VirtualUser(2);
    const slot = new VuSlot<{ n: number }>('thing');
    expect(vu.get(slot)).toBeUndefined();
    vu.set(slot, { n: 1 });
    expect(vu.get(slot)?.n).toBe(1);
    let released = 0;
    vu.onEnd(() => {
      released++;
    });
    vu.onEnd(() => {
      throw new Error('one failing release does not keep the others');
    });
    await vu.end();
    await vu.end();
    expect(released).toBe(1);
  });
});

describe('flow trace', () => {
  it('cuts a body at the limit in bytes, never in the middle of a character', () => {
    expect(traceBody('hello')).toEqual({ text: 'hello', bytes: 5, truncated: false });
    const cut = traceBody('ééé', 5); // 6 bytes; the third é would be cut in half
    expect(cut).toEqual({ text: 'éé', bytes: 6, truncated: true });
  });

  it('labels checks as people read them (the same names as the run’s figures)', () => {
    expect(checkLabel({ type: 'status', status: '200, 201' })).toBe('status 200,201');
    expect(checkLabel({ type: 'jsonPath', path: '$.token', op: 'exists' })).toBe('$.token exists');
    expect(checkLabel({ type: 'jsonPath', path: '$.n', op: 'equals', value: '3' })).toBe('$.n equals 3');
    expect(checkLabel({ type: 'jsonPath', path: '$.s', op: 'matches', value: '^ok' })).toBe('$.s matches /^ok/');
    expect(checkLabel({ type: 'bodyContains', text: 'ok' })).toBe('body contains "ok"');
    expect(checkLabel({ type: 'header', header: 'ETag' })).toBe('header etag present');
    expect(checkLabel({ type: 'latency', maxMs: 200 })).toBe('latency ≤ 200 ms');
  });
});

describe('step kinds', () => {
  it('a kind whose executor is not built yet is refused when the flow is compiled, naming the step', async () => {
    const { compileStep } = await import('../../src/main/engine/flow/stepKinds.ts');
    const { RUNNABLE_STEP_KINDS } = await import('../../src/main/engine/flow/runnableKinds.ts');
    const env = { scenario: {} as never, baseUrl: new URL('http://127.0.0.1/'), address: '127.0.0.1', clock: { now: () => 0, after: () => () => {} }, tracing: false };
    for (const type of ['ws-connect', 'ws-send', 'ws-await', 'ws-close'] as const) {
      if (RUNNABLE_STEP_KINDS.has(type)) continue; // its executor has landed
      expect(() => compileStep({ type, name: 'bye' } as never, env)).toThrow(new RegExp(`bye: ${type} steps cannot run yet`));
    }
    expect(RUNNABLE_STEP_KINDS.has('http')).toBe(true);
  });
});
