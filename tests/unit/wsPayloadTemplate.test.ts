import { describe, expect, it } from 'vitest';
import { compileTemplate } from '../../src/main/engine/ws/payloadTemplate.ts';
import { readPushTimestamp, readPushTimestampText } from '../../src/main/engine/ws/pushTimestamp.ts';
import { DEFAULT_WS_MESSAGE } from '../../src/shared/scenario.ts';

const buf = (s: string) => Buffer.from(s, 'utf8');

describe('compileTemplate: rendering', () => {
  it('fills seq, ts, conn and random placeholders', () => {
    const t = compileTemplate('{"seq":{{seq}},"ts":{{ts}},"c":{{conn}},"r":"{{random:12}}"}');
    const out = JSON.parse(t.render(42, 7, 1_700_000_000_123.4567));
    expect(out.seq).toBe(42);
    expect(out.ts).toBeCloseTo(1_700_000_000_123.457, 3);
    expect(out.c).toBe(7);
    expect(out.r).toMatch(/^[A-Za-z0-9]{12}$/);
  });

  it('varies the random part from message to message', () => {
    const t = compileTemplate('{{random:32}}');
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) seen.add(t.render(1, 0, 0));
    expect(seen.size).toBeGreaterThan(40);
    for (const s of seen) expect(s).toMatch(/^[A-Za-z0-9]{32}$/);
  });

  it('leaves unknown placeholders and plain text alone', () => {
    const t = compileTemplate('hello {{name}} {{seq}}');
    expect(t.render(3, 0, 0)).toBe('hello {{name}} 3');
    expect(compileTemplate('no placeholders').render(1, 2, 3)).toBe('no placeholders');
  });

  it('renders the default scenario message as valid JSON', () => {
    const t = compileTemplate(DEFAULT_WS_MESSAGE);
    const out = JSON.parse(t.render(9, 1, 1_700_000_000_000));
    expect(out).toMatchObject({ seq: 9 });
    expect(out.data).toHaveLength(32);
  });
});

describe('compileTemplate: rendering straight to bytes (what the swarm sends)', () => {
  it('gives exactly the bytes of the string rendering, for any id, connection and clock', () => {
    // No {{random}} here, so both renderings must agree byte for byte.
    const templates = ['{"seq":{{seq}},"ts":{{ts}},"c":{{conn}}}', 'é→{{seq}} ünïcode {{conn}}/{{ts}}', '{{seq}}', '{{ts}}', 'plain', '{{conn}}{{unknown}}x'];
    let state = 12345;
    const rnd = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const values: Array<[number, number, number]> = [
      [0, 0, 0],
      [1, 0, 0.0004],
      [9, 10, 999.9994],
      [2 ** 31 - 1, 2 ** 31, 1_700_000_000_000],
      [2 ** 31, 99_999_999, 1_764_468_000_000.123],
      [Number.MAX_SAFE_INTEGER, 100_000_000, 9_999_999_999_999.999],
    ];
    for (let i = 0; i < 500; i++) {
      // Clocks as the swarm has them: epoch ms with a fraction (whole microseconds or not).
      values.push([Math.floor(rnd() * 2 ** 40), Math.floor(rnd() * 20_000), Math.floor(rnd() * 2e15) / 1000]);
    }
    for (const template of templates) {
      const t = compileTemplate(template);
      for (const [seq, conn, ts] of values) {
        expect(t.renderBytes(seq, conn, ts).toString('utf8'), `${template} ${seq} ${conn} ${ts}`).toBe(t.render(seq, conn, ts));
      }
    }
  });

  it('renders the default message as valid JSON with a fresh random window, and reads its seq back', () => {
    const t = compileTemplate(DEFAULT_WS_MESSAGE);
    const seen = new Set<string>();
    for (let seq = 1; seq <= 50; seq++) {
      const bytes = t.renderBytes(seq, 3, 1_764_468_000_000.123);
      const out = JSON.parse(bytes.toString('utf8'));
      expect(out).toMatchObject({ seq, ts: 1_764_468_000_000.123 });
      expect(out.data).toMatch(/^[A-Za-z0-9]{32}$/);
      seen.add(out.data);
      expect(t.readSeq(bytes)).toBe(seq);
    }
    expect(seen.size).toBeGreaterThan(40);
  });

  it('scratchRenderer: the bytes of the string rendering, in one reused Buffer while the layout stays', () => {
    const templates = ['{"seq":{{seq}},"ts":{{ts}},"c":{{conn}}}', 'é→{{seq}} ünïcode {{conn}}/{{ts}}', '{{seq}}', '{{ts}}', 'plain', '{{seq}}-{{seq}}|{{conn}}'];
    // Ids crossing powers of ten, connections of every width, clocks of 1 to 16 digits: the
    // layout changes between calls in every way it can, and back.
    const values: Array<[number, number, number]> = [];
    for (const seq of [1, 9, 10, 11, 99, 100, 7, 123_456, 2 ** 31 - 1, 2 ** 31, 9_999_999_999, 10_000_000_000, 3]) {
      for (const conn of [0, 5, 10, 99_999, 3]) {
        for (const ts of [0, 0.0004, 999.9994, 1_764_468_000_000.123, 1_764_468_000_000.987, 1_764_468_000_001.5, 999_999_999_999.999, 9_999_999_999_999.999, 12.25]) values.push([seq, conn, ts]);
      }
    }
    for (const template of templates) {
      const t = compileTemplate(template);
      const next = t.scratchRenderer();
      let previous: Buffer | null = null;
      let previousLayout = '';
      let reused = 0;
      for (const [seq, conn, ts] of values) {
        const bytes = next(seq, conn, ts);
        expect(bytes.toString('utf8'), `${template} ${seq} ${conn} ${ts}`).toBe(t.render(seq, conn, ts));
        // The same digit counts (the layout): the same Buffer, rewritten in place (no allocation).
        const layout = `${String(seq).length} ${String(conn).length} ${Math.floor(Math.round(ts * 1000) / 1000).toString().length}`;
        // (A clock beyond 2^53 µs is not formatted on the byte path: a Buffer of its own.)
        const byteable = Math.round(ts * 1000) <= Number.MAX_SAFE_INTEGER;
        if (previous !== null && layout === previousLayout && byteable) {
          expect(bytes).toBe(previous);
          reused++;
        }
        previous = byteable ? bytes : null;
        previousLayout = layout;
      }
      expect(reused).toBeGreaterThan(values.length / 5);
    }
  });

  // (Against renderBytes, the byte path without reuse: it rounds {{ts}} to whole µs from
  // ts × 1000, which for a double a hair below a half-µs can differ from toFixed(3) in the
  // last digit — the string path's own rounding, not a fault of either.)
  it('scratchRenderer: a clock advancing a few µs per message (many messages per ms) renders as the byte path does', () => {
    const t = compileTemplate('{"seq":{{seq}},"ts":{{ts}},"again":{{ts}}}');
    const next = t.scratchRenderer();
    let ts = 1_764_468_000_000;
    for (let seq = 1; seq <= 3000; seq++) {
      ts += 0.0137;
      expect(next(seq, 0, ts).toString('utf8')).toBe(t.renderBytes(seq, 0, ts).toString('utf8'));
    }
  });

  it('scratchRenderer: a fresh random window per message in the reused Buffer, seq read back', () => {
    const t = compileTemplate(DEFAULT_WS_MESSAGE);
    const next = t.scratchRenderer();
    const seen = new Set<string>();
    for (let seq = 100; seq < 150; seq++) {
      const bytes = next(seq, 3, 1_764_468_000_000.123);
      const out = JSON.parse(bytes.toString('utf8'));
      expect(out).toMatchObject({ seq, ts: 1_764_468_000_000.123 });
      expect(out.data).toMatch(/^[A-Za-z0-9]{32}$/);
      seen.add(out.data);
      expect(t.readSeq(bytes)).toBe(seq);
    }
    expect(seen.size).toBeGreaterThan(40);
    // Two renderers do not share their Buffer.
    expect(t.scratchRenderer()(1, 0, 0)).not.toBe(t.scratchRenderer()(1, 0, 0));
  });

  it('falls back to the string rendering for values the byte path does not format (negative, fractional)', () => {
    const t = compileTemplate('{{seq}}|{{conn}}|{{ts}}');
    expect(t.renderBytes(-5, 1.5, -2.25).toString()).toBe('-5|1.5|-2.250');
    expect(t.scratchRenderer()(-5, 1.5, -2.25).toString()).toBe('-5|1.5|-2.250');
  });
});

describe('compileTemplate: reading seq back from an echo', () => {
  it('reads the digits after the marker (the literal before {{seq}})', () => {
    const t = compileTemplate(DEFAULT_WS_MESSAGE);
    expect(t.hasSeq).toBe(true);
    expect(t.readSeq(buf(t.render(123456, 0, 1_700_000_000_000)))).toBe(123456);
  });

  it('finds the marker anywhere, e.g. in an echo the server wrapped', () => {
    const t = compileTemplate('{"ts":{{ts}},"seq":{{seq}}}');
    expect(t.readSeq(buf('{"echo":{"ts":1.5,"seq":77},"server":"x"}'))).toBe(77);
    // The marker is the whole literal before {{seq}} (here `,"seq":`): an echo the server
    // re-serialized with other separators does not match, and counts as unmatched.
    expect(t.readSeq(buf('{"seq":77,"ts":1}'))).toBe(-1);
  });

  it('returns -1 when the marker or the digits are missing', () => {
    const t = compileTemplate('{"seq":{{seq}}}');
    expect(t.readSeq(buf('{"other":1}'))).toBe(-1);
    expect(t.readSeq(buf('{"seq":"x"}'))).toBe(-1);
    expect(t.readSeq(buf(''))).toBe(-1);
  });

  it('handles {{seq}} at the start of the message', () => {
    const t = compileTemplate('{{seq}}|{{random:4}}');
    expect(t.readSeq(buf(t.render(55, 0, 0)))).toBe(55);
  });

  it('skips to the same occurrence of a marker that repeats earlier in the template', () => {
    const t = compileTemplate('#{{conn}}#{{seq}}');
    const rendered = t.render(31, 999, 0);
    expect(rendered).toBe('#999#31');
    expect(t.readSeq(buf(rendered))).toBe(31);
  });

  it('reads a quoted seq', () => {
    const t = compileTemplate('{"id":"{{seq}}"}');
    expect(t.readSeq(buf(t.render(8, 0, 0)))).toBe(8);
  });

  it('has no seq reader without {{seq}} (push mode)', () => {
    const t = compileTemplate('ping');
    expect(t.hasSeq).toBe(false);
    expect(t.readSeq(buf('ping'))).toBe(-1);
  });

  it('rejects {{seq}} glued to another placeholder: its start could not be found', () => {
    expect(() => compileTemplate('{{conn}}{{seq}}')).toThrow(/seq/);
  });
});

describe('readPushTimestamp', () => {
  it('reads an epoch-ms "ts" field, fractional or not, with JSON whitespace', () => {
    expect(readPushTimestamp(buf('{"seq":1,"ts":1700000000123.456}'))).toBeCloseTo(1700000000123.456, 3);
    expect(readPushTimestamp(buf(' { "ts" : 1700000000123 , "x": 1 }'))).toBe(1700000000123);
  });

  it('ignores messages that are not JSON objects, lack ts, or carry a non-ms value', () => {
    expect(readPushTimestamp(buf('hello'))).toBe(-1);
    expect(readPushTimestamp(buf('{"seq":1}'))).toBe(-1);
    expect(readPushTimestamp(buf('{"ts":"soon"}'))).toBe(-1);
    expect(readPushTimestamp(buf('{"ts":1700000000}'))).toBe(-1); // seconds
    expect(readPushTimestamp(buf('{"msg":"say \\"ts\\": 1700000000123"}'))).toBe(-1);
  });
});

describe('readPushTimestampText (Server-Sent Event data): the same rule as readPushTimestamp', () => {
  const cases = [
    '{"seq":1,"ts":1700000000123.456}',
    ' { "ts" : 1700000000123 , "x": 1 }',
    'hello',
    '{"seq":1}',
    '{"ts":"soon"}',
    '{"ts":1700000000}',
    '{"msg":"say \\"ts\\": 1700000000123"}',
    '{"ts":1e12}',
    '\n{"ts":\t1700000000999}',
  ];
  it.each(cases)('agrees with the byte scan on %s', (text) => {
    expect(readPushTimestampText(text)).toBe(readPushTimestamp(buf(text)));
  });
  it('reads a fractional epoch-ms value', () => {
    expect(readPushTimestampText('{"seq":7,"ts":1700000000123.5}')).toBeCloseTo(1700000000123.5, 3);
  });
});
