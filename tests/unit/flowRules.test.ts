// Pure rules of the flow engine: JSON paths (the direct walk and jsonpath-plus agree), status
// rules, data-row assignment over workers, think time, and the abortable pause on a fake clock.
import { describe, expect, it } from 'vitest';
import { statusRule } from '../../src/main/engine/flow/checks.ts';
import { DataRows } from '../../src/main/engine/flow/dataRows.ts';
import { pause, thinkTimeMs } from '../../src/main/engine/flow/flowRunner.ts';
import { compileJsonPath, valueText } from '../../src/main/engine/flow/jsonPath.ts';
import { FakeClock } from '../support/fakeClock.ts';

describe('JSON paths', () => {
  const doc = { token: 'abc', items: [{ id: 1, tags: ['x'] }, { id: 2, 'a.b': true }], n: null, 'odd key': 5 };
  it('name and index chains (the direct walk) and general paths (jsonpath-plus) find the same first value', () => {
    const cases: Array<[string, unknown]> = [
      ['$.token', 'abc'],
      ['$.items[1].id', 2],
      ['$.items[0].tags[0]', 'x'],
      ["$['odd key']", 5],
      ["$.items[1]['a.b']", true],
      ['$.n', null],
      ['$..id', 1],
      ['$.items[*].id', 1],
      ['$.items[?(@.id==2)].id', 2],
    ];
    for (const [path, value] of cases) expect(compileJsonPath(path).first(doc), path).toEqual({ found: true, value });
  });
  it('finds nothing where nothing is, without throwing', () => {
    for (const path of ['$.missing', '$.items[5].id', '$.token.length', '$.items[?(@.id==9)]', '$..nope']) expect(compileJsonPath(path).first(doc), path).toEqual({ found: false });
    expect(compileJsonPath('$.a').first('text')).toEqual({ found: false });
  });
  it('a filter is interpreted, never run as code (safe mode)', () => {
    const g = globalThis as { pwned?: boolean };
    expect(compileJsonPath('$.items[?(globalThis.pwned = true)]').first(doc)).toEqual({ found: false });
    expect(compileJsonPath('$.items[?(@.constructor.constructor("globalThis.pwned = true")())]').first(doc)).toEqual({ found: false });
    expect(g.pwned).toBeUndefined();
  });
  it('found values as text: strings as they are, the rest as JSON', () => {
    expect([valueText('a'), valueText(3), valueText(null), valueText({ a: [1] })]).toEqual(['a', '3', 'null', '{"a":[1]}']);
  });
});

describe('status rules', () => {
  it('exact codes, classes and lists', () => {
    const ok = statusRule('200, 3xx,404');
    expect([200, 201, 301, 399, 404, 500].map(ok)).toEqual([true, false, true, true, true, false]);
    expect([199, 200, 299, 300].map(statusRule('2XX'))).toEqual([false, true, true, false]);
  });
});

describe('data rows', () => {
  const rows = Array.from({ length: 5 }, (_, i) => ({ n: i }));
  it('per-vu: user n takes row n−1 for its whole life, wrapping', () => {
    const d = new DataRows(rows, 'per-vu', 0, 1);
    expect([1, 2, 5, 6, 12].map((vu) => d.forUser(vu)?.n)).toEqual([0, 1, 4, 0, 1]);
    expect(d.forIteration()).toBeUndefined();
  });
  it('sequential over 2 workers: together they go through the rows in order, each taking every other one', () => {
    const w0 = new DataRows(rows, 'sequential', 0, 2);
    const w1 = new DataRows(rows, 'sequential', 1, 2);
    const a = [0, 1, 2].map(() => w0.forIteration()!.n);
    const b = [0, 1, 2].map(() => w1.forIteration()!.n);
    expect(a).toEqual([0, 2, 4]);
    expect(b).toEqual([1, 3, 0]);
    expect(w0.forUser(1)).toBeUndefined();
  });
  it('random: a row drawn per iteration', () => {
    const draws = [0, 0.19, 0.2, 0.999];
    const d = new DataRows(rows, 'random', 0, 1, () => draws.shift()!);
    expect([0, 1, 2, 3].map(() => d.forIteration()!.n)).toEqual([0, 0, 1, 4]);
  });
});

describe('think time', () => {
  it('fixed, or uniform in [thinkMs, thinkMaxMs]', () => {
    const step = { type: 'ws-close' as const, name: 'x', thinkMs: 100 };
    expect(thinkTimeMs(step)).toBe(100);
    expect(thinkTimeMs({ ...step, thinkMaxMs: 300 }, () => 0)).toBe(100);
    expect(thinkTimeMs({ ...step, thinkMaxMs: 300 }, () => 0.5)).toBe(200);
    expect(thinkTimeMs({ type: 'ws-close', name: 'y' })).toBe(0);
  });
  it('pauses exactly its time on the clock, or ends at once when the run stops', async () => {
    const clock = new FakeClock(1000);
    let done = false;
    const stop = new AbortController();
    const p = pause(clock, 250, stop.signal).then(() => (done = true));
    clock.advance(249);
    await Promise.resolve();
    expect(done).toBe(false);
    clock.advance(1);
    await p;
    expect(done).toBe(true);
    let early = false;
    const q = pause(clock, 10_000, stop.signal).then(() => (early = true));
    stop.abort();
    await q;
    expect(early).toBe(true);
    expect(clock.now()).toBe(1250);
  });
});
