// The WebSocket swarm's schedulers on a fake clock: the rate schedule (src/main/engine/ws/
// rateSchedule.ts — which message is due when, and on which connection) and the connect pacer
// (src/main/engine/ws/connectPacer.ts — the ramp's token bucket), each driven the way the
// swarm's single timer drives it: call, then wake again at the instant it returns.
import { describe, expect, it } from 'vitest';
import { ConnectPacer } from '../../src/main/engine/ws/connectPacer.ts';
import { RateSchedule } from '../../src/main/engine/ws/rateSchedule.ts';
import { FakeClock } from '../support/fakeClock.ts';

const START = 1_764_470_000_123.25;
const rel = (ms: number) => Math.round((ms - START) * 1000) / 1000;

describe('WebSocket rate schedule', () => {
  it('rate 100/s over 2 s on 4 connections: slot m at start + 10 ms × m, dealt round-robin', () => {
    const s = new RateSchedule(START, 100, 4);
    expect(s.dueCount(START - 0.001)).toBe(0);
    expect(s.dueCount(START)).toBe(1);
    // Just before the end: slots 0…199 are due, and no more.
    expect(s.dueCount(START + 1999.999)).toBe(200);
    expect(Array.from({ length: 200 }, (_, m) => rel(s.intendedAt(m)))).toEqual(Array.from({ length: 200 }, (_, m) => m * 10));
    expect([0, 1, 2, 3, 4, 5].map((m) => [s.connectionOf(m), s.turnOf(m)])).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
      [3, 0],
      [0, 1],
      [1, 1],
    ]);
    // Each connection sends every 40 ms, with its own phase.
    expect([0, 1, 2].map((turn) => rel(s.intendedAt(s.slotOf(2, turn))))).toEqual([20, 60, 100]);
  });

  it('a late tick: every slot that came due is sent, each with its own intended time', () => {
    const s = new RateSchedule(START, 100, 4);
    // The swarm's timer was due at +10 but ran at +57 (a busy loop): slots 1…5 are due now.
    const visited = 1;
    const due = s.dueCount(START + 57);
    expect(due).toBe(6);
    const sends = Array.from({ length: due - visited }, (_, i) => visited + i).map((m) => ({ conn: s.connectionOf(m), intended: rel(s.intendedAt(m)) }));
    expect(sends).toEqual([
      { conn: 1, intended: 10 },
      { conn: 2, intended: 20 },
      { conn: 3, intended: 30 },
      { conn: 0, intended: 40 },
      { conn: 1, intended: 50 },
    ]);
  });

  it('a connection that opens late starts at its first turn from the current slot, not from the start', () => {
    const s = new RateSchedule(START, 100, 4);
    // At slot 9 (connection 1's turn 2), connection 3 opens: its next turn is 2 (slot 11).
    expect(s.firstTurnFrom(3, 9)).toBe(2);
    expect(s.slotOf(3, 2)).toBe(11);
    expect(s.firstTurnFrom(1, 9)).toBe(2);
    expect(s.firstTurnFrom(0, 0)).toBe(0);
  });
});

/** Drives a pacer like the swarm's timer: take, then wake at the instant it asks for. */
function drive(pacer: ConnectPacer<number>, clock: FakeClock, untilMs: number, opened: Array<{ item: number; at: number }>): void {
  let cancel: (() => void) | undefined;
  const wake = (): void => {
    const now = clock.now();
    const next = pacer.take(now, (item) => opened.push({ item, at: rel(now) }));
    cancel = next === Infinity || next > untilMs ? undefined : clock.after(next - now, wake);
  };
  wake();
  clock.advanceTo(untilMs);
  cancel?.();
}

describe('connect pacer', () => {
  it('hands out no more than the room it is given (handshakes the swarm may still start), and says to wait for one to finish', () => {
    const pacer = new ConnectPacer<number>(10_000);
    for (let i = 0; i < 50; i++) pacer.add(i, START);
    const taken: number[] = [];
    // No room at the start; a second later 10,000 tokens are saved up, but room for 3 only.
    expect(pacer.take(START, (i) => taken.push(i), 0)).toBe(Infinity);
    expect(pacer.take(START + 1000, (i) => taken.push(i), 3)).toBe(Infinity);
    expect(taken).toEqual([0, 1, 2]);
    // No room: nothing, and no timer (the swarm calls again when a handshake ends).
    expect(pacer.take(START + 1001, (i) => taken.push(i), 0)).toBe(Infinity);
    expect(taken).toHaveLength(3);
    expect(pacer.size).toBe(47);
    // Room again: the rest, in order, without the room limit's batch being lost.
    pacer.take(START + 1002, (i) => taken.push(i), 100);
    expect(taken).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('ramps 100 connections/s: one attempt every 10 ms, exactly', () => {
    const clock = new FakeClock(START);
    const pacer = new ConnectPacer<number>(100);
    for (let i = 0; i < 300; i++) pacer.add(i, START);
    const opened: Array<{ item: number; at: number }> = [];
    drive(pacer, clock, START + 1995, opened);
    expect(opened).toHaveLength(200);
    expect(opened.map((o) => o.item)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(opened.map((o) => o.at)).toEqual(Array.from({ length: 200 }, (_, i) => i * 10));
    expect(pacer.size).toBe(100);
  });

  it('at 1,000/s it wakes every 5 ms and opens the few that came due, never more than the rate', () => {
    const clock = new FakeClock(START);
    const pacer = new ConnectPacer<number>(1000);
    for (let i = 0; i < 2000; i++) pacer.add(i, START);
    const opened: Array<{ item: number; at: number }> = [];
    drive(pacer, clock, START + 999, opened);
    // 1 at the start, then 5 per 5 ms wake: 1 + 199 × 5 by +995.
    expect(opened).toHaveLength(996);
    const wakes = [...new Set(opened.map((o) => o.at))];
    expect(wakes).toEqual(Array.from({ length: 200 }, (_, i) => i * 5));
  });

  it('a late tick catches up what the rate allowed meanwhile, up to 1 s of it', () => {
    const clock = new FakeClock(START);
    const pacer = new ConnectPacer<number>(50);
    for (let i = 0; i < 200; i++) pacer.add(i, START);
    const opened: number[] = [];
    expect(pacer.take(START, (i) => opened.push(i))).toBe(START + 20);
    // The timer for +20 runs at +95: 4.75 tokens saved up, 4 attempts now, the next at +100.
    expect(pacer.take(START + 95, (i) => opened.push(i))).toBeCloseTo(START + 100, 6);
    expect(opened).toHaveLength(5);
    // A 2 s stall saves up only 1 s of rate: 50 attempts, not 100.
    opened.length = 0;
    pacer.take(START + 2095, (i) => opened.push(i));
    expect(opened).toHaveLength(50);
  });

  it('back-offs wait for their instant; an empty queue sleeps', () => {
    const pacer = new ConnectPacer<string>(100);
    pacer.add('retry', START + 500);
    const opened: string[] = [];
    expect(pacer.take(START, (i) => opened.push(i))).toBe(START + 500);
    expect(opened).toEqual([]);
    expect(pacer.take(START + 500, (i) => opened.push(i))).toBe(Infinity);
    expect(opened).toEqual(['retry']);
  });
});
