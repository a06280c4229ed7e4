// The showdown's arithmetic and words, on known inputs: break-even, payload sizing, the mode
// order, the table and the conclusion (which must follow the numbers, ties and reversals included).
import { describe, expect, it } from 'vitest';
import { breakEvenPoint, showdownBreakEven } from '../../src/main/showdown/breakEven.ts';
import { compare, conclude, formatRatio } from '../../src/main/showdown/conclusion.ts';
import { steadyWindow, serverCpuPerCompletion } from '../../src/main/showdown/modeFigures.ts';
import { digitsUpTo, meanWsPayloadBytes, restBody, templateFixedLength, wsTemplate } from '../../src/main/showdown/payload.ts';
import { modeOrder, rotate } from '../../src/main/showdown/showdownPlan.ts';
import { buildTable, renderTableText } from '../../src/main/showdown/showdownTable.ts';
import { buildUpdatesTable } from '../../src/main/showdown/updatesTable.ts';
import type { RunResult, RunSample } from '../../src/shared/runResult.ts';
import {
  EXCHANGE_MODE_LABELS,
  UPDATE_MODE_LABELS,
  showdownInputSchema,
  type ExchangeModeId,
  type ExchangeModeResult,
  type ShowdownResult,
  type UpdateModeResult,
} from '../../src/shared/showdown.ts';

describe('break-even', () => {
  it('is the first message count at which WebSocket’s running total is not higher', () => {
    // 300 B to open; 136 B per message against 406 B: 300 / 270 = 1.11 → 2 messages.
    expect(breakEvenPoint({ setup: 300, perMessage: 136 }, { setup: 0, perMessage: 406 })).toMatchObject({ messages: 2, holds: true });
    // Exactly divisible: 270 / 270 = 1 message.
    expect(breakEvenPoint({ setup: 270, perMessage: 136 }, { setup: 0, perMessage: 406 }).messages).toBe(1);
    // 1000 µs to open vs 100 µs for TCP; 200 µs vs 300 µs per round trip: (1000-100)/100 = 9.
    expect(breakEvenPoint({ setup: 1000, perMessage: 200 }, { setup: 100, perMessage: 300 })).toMatchObject({ messages: 9, holds: true });
    // 901 µs to win back at 100 µs a message: 10.
    expect(breakEvenPoint({ setup: 1001, perMessage: 200 }, { setup: 100, perMessage: 300 }).messages).toBe(10);
    // Floating point: 0.3 / 0.1 must be 3, not 4.
    expect(breakEvenPoint({ setup: 0.3, perMessage: 0.1 }, { setup: 0, perMessage: 0.2 }).messages).toBe(3);
  });

  it('never pays off when WebSocket costs as much or more per message, unless it starts ahead', () => {
    expect(breakEvenPoint({ setup: 300, perMessage: 400 }, { setup: 0, perMessage: 400 })).toMatchObject({ messages: null, holds: true });
    expect(breakEvenPoint({ setup: 300, perMessage: 500 }, { setup: 0, perMessage: 400 })).toMatchObject({ messages: null, holds: false });
    // Cheaper to open but dearer per message: ahead at first, behind later.
    expect(breakEvenPoint({ setup: 0, perMessage: 500 }, { setup: 1000, perMessage: 400 })).toMatchObject({ messages: 1, holds: false });
    // Level from the start.
    expect(breakEvenPoint({ setup: 0, perMessage: 100 }, { setup: 0, perMessage: 100 })).toMatchObject({ messages: 1, holds: true });
  });

  it('uses bytes in both directions and setup only where REST pays it apart', () => {
    const modes = [
      mode('rest-new', { sent: 205, received: 191, p50: 1200, setupUs: 100 }),
      mode('rest-keepalive', { sent: 186, received: 220, p50: 300, setupUs: 100 }),
      mode('ws', { sent: 70, received: 66, p50: 200, setupUs: 1000, setupBytes: [161, 129, 8, 4] }),
    ];
    const [vsNew, vsKa] = showdownBreakEven(modes);
    expect(vsNew.against).toBe('rest-new');
    // 302 B against 396 − 136 = 260 B a message → 2; time: 1000 µs against 1000 µs a message → 1.
    expect(vsNew.bytes).toMatchObject({ wsSetup: 302, restSetup: 0, wsPerMessage: 136, restPerMessage: 396, messages: 2 });
    expect(vsNew.time).toMatchObject({ wsSetup: 1000, restSetup: 0, messages: 1 });
    // Keep-alive pays one TCP connect (100 µs) apart: (1000 − 100) / (300 − 200) = 9.
    expect(vsKa.bytes.messages).toBe(2);
    expect(vsKa.time).toMatchObject({ restSetup: 100, messages: 9 });
  });
});

describe('payload sizing', () => {
  it('makes the REST body and the WebSocket message the chosen size', () => {
    for (const n of [32, 64, 100, 1024]) {
      expect(Buffer.byteLength(restBody(n))).toBe(n);
      expect(() => JSON.parse(restBody(n))).not.toThrow();
      const t = wsTemplate(n, 4);
      expect(Buffer.byteLength(t.replace('{{seq}}', '1234'))).toBe(n);
      expect(t).toContain('{{seq}}');
    }
  });

  it('computes the mean payload from the sequence ids actually used', () => {
    expect(digitsUpTo(9)).toBe(9);
    expect(digitsUpTo(10)).toBe(11);
    expect(digitsUpTo(100)).toBe(9 + 180 + 3);
    const t = wsTemplate(64, 3);
    // 2 connections × 10 messages: ids 1…10 on each → 11 digits each.
    expect(meanWsPayloadBytes(t, 20, 2)).toBeCloseTo(templateFixedLength(t) + 22 / 20, 10);
    // Uneven split: 21 messages over 2 connections → 11 and 10.
    expect(meanWsPayloadBytes(t, 21, 2)).toBeCloseTo(templateFixedLength(t) + (digitsUpTo(11) + digitsUpTo(10)) / 21, 10);
  });
});

describe('experiment 2 with all four update modes', () => {
  const four = () => ({
    pollIntervalMs: 100,
    eventRate: 20,
    modes: [
      update('poll', { p50: 50_000, p99: 100_000, requests: 200, empty: 50, delivered: 300, bytes: 250 }),
      update('long-poll', { p50: 2_000, p99: 5_000, requests: 330, empty: 30, delivered: 300, bytes: 220 }),
      update('sse', { p50: 600, p99: 2_500, requests: 10, empty: 0, delivered: 400, bytes: 110 }),
      update('push', { p50: 500, p99: 2_000, requests: 0, empty: 0, delivered: 400, bytes: 66 }),
    ],
  });

  it('gives each mode a column: requests per update, empty polls, connections, and each mode’s model', () => {
    const table = buildUpdatesTable({ updates: four() })!;
    expect(table.columns.map((c) => c.label)).toEqual(['REST polling (every 100 ms)', 'Long polling', 'Server-Sent Events', 'WebSocket push']);
    const row = (id: string) => table.rows.find((x) => x.id === id)!;
    expect(row('update-lag-p50').values).toEqual({ poll: 50_000, 'long-poll': 2_000, sse: 600, push: 500 });
    expect(row('update-requests').cells).toEqual({ poll: '0.67', 'long-poll': '1.1', sse: '0.025 (one per stream)', push: 'none (pushed)' });
    expect(row('update-empty').cells).toEqual({ poll: '25.0% (50 of 200)', 'long-poll': '9.1% (30 of 330)', sse: 'none (no polls)', push: 'none (no polls)' });
    expect(row('update-bytes').values).toEqual({ poll: 250, 'long-poll': 220, sse: 110, push: 66 });
    expect(row('update-connections').values).toEqual({ poll: 10, 'long-poll': 10, sse: 10, push: 10 });
    expect(row('update-model').cells['long-poll']).toMatch(/holds a poll until an event exists/);
    expect(row('update-model').cells.sse).toMatch(/text\/event-stream/);
  });

  it('concludes from the numbers: long polling against polling, SSE against push, and the modes ranked', () => {
    const text = conclude({ config: showdownInputSchema.parse({}), exchange: null, updates: four(), status: 'completed' }).join('\n');
    expect(text).toContain('Long polling sent 1.1 requests per delivered update (9% of 330 came back empty), and delivered updates 25× sooner than polling every 100 ms (p50 2 ms vs 50 ms).');
    expect(text).toContain('Server-Sent Events delivered updates 1.2× later than WebSocket push (p50 600 µs vs 500 µs, p99 2.5 ms vs 2 ms).');
    expect(text).toContain('Each update cost 1.7× the bytes over SSE (110 B vs 66 B)');
    expect(text).toContain('Lowest p50 delivery lag first: WebSocket push 500 µs, Server-Sent Events 600 µs, Long polling 2 ms, REST polling 50 ms.');
    expect(text).toContain('Fewest bytes per delivered update first: WebSocket push 66 B, Server-Sent Events 110 B, Long polling 220 B, REST polling 250 B.');
  });
});

describe('mode order', () => {
  it('rotates by the seed, so successive showdowns start with a different mode', () => {
    expect(rotate(['a', 'b', 'c'], 0)).toEqual(['a', 'b', 'c']);
    expect(rotate(['a', 'b', 'c'], 1)).toEqual(['b', 'c', 'a']);
    expect(rotate(['a', 'b', 'c'], 5)).toEqual(['c', 'a', 'b']);
    expect(modeOrder(1)).toEqual({ exchange: ['rest-keepalive', 'h2', 'ws', 'rest-new'], updates: ['long-poll', 'sse', 'push', 'poll'] });
  });
});

describe('steady window and CPU per exchange', () => {
  it('sums the steady seconds, leaving out the wind-down of the last one', () => {
    const samples = [sample(0, 100, 50, true), sample(1, 1000, 80, false), sample(2, 600, 40, false), sample(3, 300, 90, false)];
    const w = steadyWindow(runResult(samples, 3.5, 1));
    expect(w).toMatchObject({ steady: true, completed: 1600, completedToEnd: 1900, cpuExact: true, seconds: 2 });
    // 80% + 40% of a second = 1,200,000 µs.
    expect(w.generatorCpuUs).toBeCloseTo(1_200_000, 6);
    // The server's meter covers the end of the warm-up to the end: 19,000 µs / 1,900.
    expect(serverCpuPerCompletion({ before: 0, steady: 1000, after: 20_000 }, w, 2000)).toBe(10);
    // No reading at the warm-up boundary: the whole run.
    expect(serverCpuPerCompletion({ before: 0, steady: null, after: 20_000 }, w, 2000)).toBe(10);
    expect(serverCpuPerCompletion({ before: null, steady: null, after: null }, w, 2000)).toBeNull();
  });

  it('weights a partial second and keeps a single steady second', () => {
    const w = steadyWindow(runResult([sample(0, 100, 50, true), sample(1, 400, 60, false)], 1.5, 2));
    expect(w).toMatchObject({ completed: 400, completedToEnd: 400, seconds: 0.5, cpuExact: false });
    // Two workers: the busiest one's 60% × 2 over half a second.
    expect(w.generatorCpuUs).toBeCloseTo(600_000, 6);
  });

  it('a mode that finished inside its warm-up second has no steady second, not zero completions', () => {
    // 1,500 exchanges in the warm-up second, then the wind-down second with none (fast machine).
    const w = steadyWindow(runResult([sample(0, 1500, 70, true), sample(1, 0, 5, false)], 1.2, 1));
    expect(w).toMatchObject({ steady: false, completed: 1500, completedToEnd: 1500 });
    expect(w.generatorCpuUs).toBeCloseTo(700_000, 6);
    // All of a run's completions in its last steady second: that second is kept, not dropped.
    const late = steadyWindow(runResult([sample(0, 10, 50, true), sample(1, 0, 5, false), sample(2, 900, 60, false)], 2.5, 1));
    expect(late).toMatchObject({ steady: true, completed: 900 });
  });

  it('a WebSocket run whose one planned second was its held connect ramp: CPU over that second, not the drain', () => {
    // 1 s echo run without warm-up: the held ramp made second 0 warm-up; the drain (10 answers
    // still in flight at the planned end) is a sample of its own past the end.
    const drain = { ...sample(1, 10, 8, false), drain: true };
    const w = steadyWindow(runResult([sample(0, 548, 16.5, true), drain], 1, 1));
    expect(w).toMatchObject({ steady: false, completed: 548, seconds: 1 });
    expect(w.generatorCpuUs).toBeCloseTo(165_000, 6);
    // With steady seconds, the drain stays out of the CPU window but in the server meter's count.
    const long = steadyWindow(runResult([sample(0, 500, 50, true), sample(1, 1000, 80, false), sample(2, 1000, 80, false), { ...sample(3, 20, 9, false), drain: true }], 3, 1));
    expect(long).toMatchObject({ steady: true, completed: 1000, completedToEnd: 2020, seconds: 1 });
  });
});

describe('input', () => {
  it('has defaults and names the field at fault', () => {
    const c = showdownInputSchema.parse({});
    expect(c).toMatchObject({ payloadBytes: 64, concurrency: 10, durationSec: 5, pollIntervalMs: 100, save: true, experiments: ['exchange', 'updates'] });
    const bad = showdownInputSchema.safeParse({ httpUrl: 'http://127.0.0.1:1/echo' });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0].path).toEqual(['wsUrl']);
    expect(showdownInputSchema.safeParse({ httpUrl: 'ws://x/', wsUrl: 'ws://x/' }).success).toBe(false);
    expect(showdownInputSchema.safeParse({ payloadBytes: 8 }).success).toBe(false);
  });
});

describe('conclusion', () => {
  it('reports ratios from the numbers when WebSocket wins', () => {
    const text = conclude(inputs([
      mode('rest-new', { sent: 205, received: 191, p50: 1200, p99: 10_000, tput: 5000, serverCpu: 44 }),
      mode('rest-keepalive', { sent: 186, received: 220, p50: 300, p99: 1300, tput: 30_000, serverCpu: 15 }),
      mode('ws', { sent: 70, received: 66, p50: 200, p99: 1000, tput: 60_000, serverCpu: 9 }),
    ])).join('\n');
    // 406 / 136 = 2.99 → 3.0×; 1300 / 1000 = 1.3×.
    expect(text).toMatch(/WebSocket moved 3\.0× fewer bytes than REST keep-alive \(136 B vs 406 B\)/);
    expect(text).toMatch(/WebSocket's p99 round trip was 1\.3× lower \(1 ms vs 1\.3 ms\)/);
    expect(text).toMatch(/WebSocket's p50 round trip was 1\.5× lower/);
    expect(text).toMatch(/2\.0× as many exchanges per second as REST keep-alive/);
    expect(text).toMatch(/1\.7× less CPU on WebSocket than on REST keep-alive \(9 µs vs 15 µs\)/);
    expect(text).toMatch(/made the p50 round trip 4\.0× longer than keep-alive/);
    expect(text).not.toMatch(/REST keep-alive had the lower/);
  });

  it('puts HTTP/2 beside REST keep-alive and WebSocket from the numbers: bytes and HPACK overhead, round trip, throughput, CPU', () => {
    const text = conclude(inputs([
      mode('rest-keepalive', { sent: 186, received: 220, p50: 300, tput: 30_000, serverCpu: 15 }),
      mode('h2', { sent: 90, received: 84, p50: 600, tput: 20_000, serverCpu: 30 }),
      mode('ws', { sent: 70, received: 66, p50: 200, tput: 60_000, serverCpu: 9 }),
    ])).join('\n');
    // 406 / 174 = 2.33 → 2.3×; 174 / 136 = 1.28 → 1.3×; overhead 46 + 20 = 66 B vs 122 + 156 = 278 B.
    expect(text).toMatch(/Per exchange HTTP\/2 \(1 connection, up to 10 streams on one connection\) moved 2\.3× fewer bytes than REST keep-alive \(174 B vs 406 B\) and 1\.3× more bytes than WebSocket \(174 B vs 136 B\); its protocol overhead was 46 B against 278 B over HTTP\/1\.1 — repeated headers travel as HPACK table indexes\./);
    expect(text).toMatch(/HTTP\/2's p50 round trip was 2\.0× higher than REST keep-alive \(600 µs vs 300 µs\) and 3\.0× higher than WebSocket \(600 µs vs 200 µs\)\./);
    expect(text).toMatch(/HTTP\/2 completed 1\.5× fewer exchanges per second than REST keep-alive/);
    expect(text).toMatch(/Per exchange HTTP\/2 cost 2\.0× more server CPU than REST keep-alive \(30 µs vs 15 µs\)/);
    // Without HTTP/2 measured, no sentence about it.
    expect(conclude(inputs([mode('rest-keepalive', { sent: 186, received: 220, p50: 300 }), mode('ws', { sent: 70, received: 66, p50: 200 })])).join('\n')).not.toMatch(/HTTP\/2/);
  });

  it('says so when REST keep-alive is ahead, and calls a small difference a tie', () => {
    const text = conclude(inputs([
      mode('rest-keepalive', { sent: 186, received: 220, p50: 200, p99: 900, tput: 30_000, serverCpu: 10 }),
      // p50 within 5% (204 vs 200): a tie; p99 1.5× higher; bytes still lower.
      mode('ws', { sent: 70, received: 66, p50: 204, p99: 1350, tput: 29_000, serverCpu: 12 }),
    ])).join('\n');
    expect(text).toMatch(/WebSocket's p50 round trip was about the same \(204 µs vs 200 µs\)/);
    expect(text).toMatch(/REST keep-alive had the lower p99 round trip here \(900 µs vs 1\.35 ms for WebSocket\)/);
    expect(text).toMatch(/about as many exchanges per second as REST keep-alive/);
    expect(text).toMatch(/1\.2× more CPU on WebSocket than on REST keep-alive/);
    // 12 vs 10 µs is a 1.2× difference: not flagged as noise; 29,000 vs 30,000 is a tie.
    expect(text).not.toMatch(/Differences under 10%/);
  });

  it('flags differences that a rerun could change', () => {
    const text = conclude(inputs([
      mode('rest-keepalive', { sent: 186, received: 220, p50: 300, p99: 1000, tput: 30_000 }),
      mode('ws', { sent: 70, received: 66, p50: 280, p99: 930, tput: 32_000 }),
    ])).join('\n');
    expect(text).toMatch(/Differences under 10% \(.*p50 round trip 1\.07×.*\) are within what a rerun can change/);
  });

  it('describes polling against push from their figures', () => {
    const poll = update('poll', { p50: 50_000, p99: 100_000, requests: 200, empty: 50, delivered: 300, bytes: 250 });
    const push = update('push', { p50: 500, p99: 2000, requests: 0, empty: 0, delivered: 400, bytes: 66 });
    const text = conclude({ ...inputs([]), updates: { pollIntervalMs: 100, eventRate: 20, modes: [poll, push] } }).join('\n');
    expect(text).toMatch(/Polling every 100 ms delivered updates 100× later than WebSocket push \(p50 50 ms vs 500 µs/);
    expect(text).toMatch(/0\.67 requests per delivered update, and 25% of its 200 polls came back empty/);
    expect(text).toMatch(/3\.8× the bytes with polling \(250 B vs 66 B\)/);
  });

  it('formats ratios readably', () => {
    expect(formatRatio(5.83)).toBe('5.8×');
    expect(formatRatio(1.04)).toBe('1.04×');
    expect(formatRatio(23.4)).toBe('23×');
    expect(compare(100, 104, 'lower').winner).toBe('tie');
    expect(compare(100, 110, 'lower')).toMatchObject({ winner: 'a' });
    expect(compare(100, 110, 'higher')).toMatchObject({ winner: 'b' });
  });
});

describe('table', () => {
  it('has the article’s columns and every factor group, from the numbers', () => {
    const r = inputs([
      mode('rest-new', { sent: 205, received: 191, p50: 1200, setupUs: 100 }),
      mode('rest-keepalive', { sent: 186, received: 220, p50: 300, setupUs: 100 }),
      mode('h2', { sent: 90, received: 84, p50: 280, setupUs: 200, setupBytes: [70, 40, 17, 0] }),
      mode('ws', { sent: 70, received: 66, p50: 200, setupUs: 1000, setupBytes: [161, 129, 8, 4] }),
    ]);
    r.exchange!.breakEven = showdownBreakEven(r.exchange!.modes);
    r.updates = {
      pollIntervalMs: 100,
      eventRate: 20,
      modes: [update('poll', { p50: 50_000, p99: 100_000, requests: 200, empty: 50, delivered: 300, bytes: 250 }), update('push', { p50: 500, p99: 2000, requests: 0, empty: 0, delivered: 400, bytes: 66 })],
    };
    const table = buildTable(r);
    expect(table.columns.map((c) => c.label)).toEqual(['REST (new connection)', 'REST (keep-alive)', 'HTTP/2 (multiplexed)', 'WebSocket']);
    expect(new Set(table.rows.map((row) => row.group))).toEqual(new Set(['cost', 'overhead', 'connections', 'latency', 'model']));
    const row = (id: string) => table.rows.find((x) => x.id === id)!;
    expect(row('bytes-per-exchange').values).toEqual({ 'rest-new': 396, 'rest-keepalive': 406, h2: 174, ws: 136 });
    expect(row('overhead-sent').values.ws).toBe(6);
    expect(row('overhead-sent').values.h2).toBe(26);
    expect(row('break-even-bytes').values).toEqual({ 'rest-new': 2, 'rest-keepalive': 2, h2: null, ws: null });
    expect(row('setup-bytes').cells.h2).toBe('127 B (open: preface + SETTINGS 70 ↑ 40 ↓, close: GOAWAY 17 ↑ 0 ↓)');
    expect(row('h2-streams').cells).toMatchObject({ h2: '10 (asked 10; server allows 1,000)', 'rest-keepalive': '–' });
    const text = renderTableText(table);
    expect(text).toMatch(/^Factor\s+REST \(new connection\)\s+REST \(keep-alive\)\s+HTTP\/2 \(multiplexed\)\s+WebSocket/);
    expect(text).toMatch(/Overhead per message/);
  });

  it('gives the updates experiment (polling vs push) its own table: nothing of it under request/response columns', () => {
    const r = inputs([
      mode('rest-new', { sent: 205, received: 191, p50: 1200 }),
      mode('rest-keepalive', { sent: 186, received: 220, p50: 300 }),
      mode('ws', { sent: 70, received: 66, p50: 200 }),
    ]);
    r.updates = {
      pollIntervalMs: 100,
      eventRate: 20,
      modes: [update('poll', { p50: 50_000, p99: 100_000, requests: 200, empty: 50, delivered: 300, bytes: 250 }), update('push', { p50: 500, p99: 2000, requests: 0, empty: 0, delivered: 400, bytes: 66 })],
    };
    const table = buildTable(r);
    // Experiment 1's table holds no update figures, and no cell says "not measured".
    expect(table.rows.filter((x) => x.id.startsWith('update-'))).toEqual([]);
    expect(table.rows.flatMap((x) => Object.values(x.cells))).not.toContain('not measured');
    expect(table.rows.find((x) => x.id === 'model')!.cells).toEqual({
      'rest-new': 'request–response, new connection each',
      'rest-keepalive': 'request–response, connection reused',
      h2: '–',
      ws: 'full duplex, either side sends',
    });

    const updates = buildUpdatesTable(r)!;
    expect(updates.columns).toEqual([
      { id: 'poll', label: 'REST polling (every 100 ms)' },
      { id: 'push', label: 'WebSocket push' },
    ]);
    const row = (id: string) => updates.rows.find((x) => x.id === id)!;
    // Long polling and SSE were not measured here: no column (their values are null, their cells "–").
    expect(row('update-lag-p50').values).toEqual({ poll: 50_000, 'long-poll': null, sse: null, push: 500 });
    expect(row('update-lag-p50').cells).toMatchObject({ poll: '50 ms', push: '500 µs' });
    expect(row('update-empty').cells).toMatchObject({ poll: '25.0% (50 of 200)', push: 'none (no polls)' });
    expect(row('update-requests').cells.push).toBe('none (pushed)');
    expect(row('update-model').cells.poll).toBe('client asks every 100 ms (keep-alive connection)');
    // No server CPU meter: the row is left out rather than two dashes.
    expect(updates.rows.find((x) => x.id === 'update-server-cpu')).toBeUndefined();
    expect(updates.rows.flatMap((x) => Object.values(x.cells))).not.toContain('not measured');

    const text = renderTableText(updates);
    expect(text).toMatch(/^Factor\s+REST polling \(every 100 ms\)\s+WebSocket push$/m);
    expect(text).toMatch(/^ {2}Delivery lag p50\s+50 ms\s+500 µs$/m);
    // Without the experiment there is no table.
    expect(buildUpdatesTable({ updates: null })).toBeNull();
  });
});

// ---- synthetic results ----

function mode(
  id: ExchangeModeId,
  f: { sent: number; received: number; p50: number; p99?: number; tput?: number; serverCpu?: number; setupUs?: number; setupBytes?: [number, number, number, number] },
): ExchangeModeResult {
  const payload = 64;
  const [os, or, cs, cr] = f.setupBytes ?? [0, 0, 0, 0];
  return {
    mode: id,
    label: EXCHANGE_MODE_LABELS[id],
    runId: null,
    status: 'completed',
    exchanges: 10_000,
    durationSec: 5,
    throughputPerSec: f.tput ?? 10_000,
    latencyUs: { p50: f.p50, p99: f.p99 ?? f.p50 * 3, p999: f.p50 * 10, mean: f.p50, max: f.p50 * 20, count: 10_000 },
    bytes: {
      sent: { total: f.sent, payload, overhead: f.sent - payload },
      received: { total: f.received, payload, overhead: f.received - payload },
      socketSent: f.sent * 10_000,
      socketReceived: f.received * 10_000,
    },
    setup: { openSentBytes: os, openReceivedBytes: or, closeSentBytes: cs, closeReceivedBytes: cr, openUs: f.setupUs ?? 100, source: 'test' },
    connections: { opened: id === 'rest-new' ? 10_000 : id === 'h2' ? 1 : 10, failed: 0, perExchange: id === 'rest-new' ? 1 : id === 'h2' ? 0.0001 : 0.001, connectUs: null },
    generatorCpuUs: null,
    serverCpuUs: f.serverCpu ?? null,
    errors: 0,
    generatorSaturated: false,
    notes: [],
    ...(id === 'h2' ? { http2: { streams: 10, serverMaxConcurrentStreams: 1000, peakStreams: 10 } } : {}),
  };
}

function update(id: UpdateModeResult['mode'], f: { p50: number; p99: number; requests: number; empty: number; delivered: number; bytes: number }): UpdateModeResult {
  return {
    mode: id,
    label: UPDATE_MODE_LABELS[id],
    runId: null,
    status: 'completed',
    durationSec: 5,
    clients: 10,
    delivered: f.delivered,
    lagUs: { p50: f.p50, p99: f.p99, p999: f.p99, mean: f.p50, max: f.p99, count: f.delivered },
    requests: f.requests,
    emptyRequests: f.empty,
    emptyShare: id === 'poll' || id === 'long-poll' ? f.empty / f.requests : null,
    requestsPerEvent: f.requests / f.delivered,
    bytesPerEvent: { sent: 0, received: { total: f.bytes, payload: 64, overhead: f.bytes - 64 } },
    socketSent: 0,
    socketReceived: f.bytes * f.delivered,
    setup: null,
    connectionsOpened: 10,
    generatorCpuUs: null,
    serverCpuUs: null,
    errors: 0,
    notes: [],
  };
}

function inputs(modes: ExchangeModeResult[]): Pick<ShowdownResult, 'config' | 'exchange' | 'updates' | 'status'> {
  return { config: showdownInputSchema.parse({}), exchange: { modes, breakEven: [] }, updates: null, status: 'completed' };
}

function sample(t: number, throughput: number, cpuPercent: number, warmup: boolean): RunSample {
  return { t, throughput, latencyUs: null, errors: 0, openConnections: 1, bytesSent: 0, bytesReceived: 0, cpuPercent, loopLagMs: 0, warmup };
}

function runResult(samples: RunSample[], durationSec: number, workers: number): RunResult {
  return {
    config: { protocol: 'http' } as RunResult['config'],
    samples,
    histogram: '',
    summary: { durationSec, generator: { workers } } as RunResult['summary'],
  };
}
