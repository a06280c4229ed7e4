// The open model's schedule (src/main/engine/http/openModelPacer.ts) on a fake clock: the slots
// are exactly start + k / rate, none at or after the end, and a send held up by a busy
// connection or a late timer is measured from its slot's due time (coordinated omission shows),
// while one a timer fires a little early is measured from the actual send.
import { describe, expect, it } from 'vitest';
import { EARLY_SEND_MS, OpenModelPacer } from '../../src/main/engine/http/openModelPacer.ts';
import { FakeClock } from '../support/fakeClock.ts';

// An epoch instant with a fraction, as the engine's start instants have.
const START = 1_764_470_000_123.25;

interface Send {
  origin: number;
  at: number;
}

/** A connection whose target answers at once: as soon as a send goes out it asks for the next slot. */
function eagerConnection(pacer: OpenModelPacer, clock: FakeClock, sends: Send[]): void {
  const next = (): void => {
    pacer.sendNext((origin) => {
      sends.push({ origin, at: clock.now() });
      next();
    });
  };
  next();
}

describe('open-model slots', () => {
  it('rate 100/s over 2 s: exactly 200 slots, at start + 10 ms × k, none at or after the end', () => {
    const pacer = new OpenModelPacer(START, 100, START + 2000, Infinity, new FakeClock(START));
    const due: number[] = [];
    for (let d = pacer.take(); d !== undefined; d = pacer.take()) due.push(d);
    expect(due).toHaveLength(200);
    expect(due.map((d) => Math.round((d - START) * 1000) / 1000)).toEqual(Array.from({ length: 200 }, (_, k) => k * 10));
  });

  it('rate × duration slots exactly, also for rates that do not divide a second (333/s over 3 s gave 1000)', () => {
    for (const rate of [1, 7, 33, 333, 1000, 12_345]) {
      for (const sec of [1, 2, 3, 7]) {
        const pacer = new OpenModelPacer(START, rate, START + sec * 1000);
        let n = 0;
        while (pacer.take() !== undefined) n++;
        expect({ rate, sec, n }).toEqual({ rate, sec, n: rate * sec });
      }
    }
  });

  it('the amount caps the slots before the end does', () => {
    const pacer = new OpenModelPacer(START, 100, START + 2000, 5);
    const sends: Send[] = [];
    const clock = new FakeClock(START);
    eagerConnection(new OpenModelPacer(START, 100, START + 2000, 5, clock), clock, sends);
    clock.advanceTo(START + 3000);
    expect(sends).toHaveLength(5);
    let n = 0;
    while (pacer.take() !== undefined) n++;
    expect(n).toBe(5);
  });
});

describe('sending on the slots (fake clock)', () => {
  it('a connection that keeps up sends each slot at its due time, less the timer margin, measured from the send', () => {
    const clock = new FakeClock(START);
    const pacer = new OpenModelPacer(START, 100, START + 2000, Infinity, clock);
    const sends: Send[] = [];
    eagerConnection(pacer, clock, sends);
    clock.advanceTo(START + 2500);
    expect(sends).toHaveLength(200);
    // Slot 0 is due at the start: sent at once. Slot k waits for a timer set EARLY_SEND_MS before it.
    expect(sends[0]).toEqual({ origin: START, at: START });
    for (let k = 1; k < 200; k++) {
      expect(sends[k].at).toBeCloseTo(START + k * 10 - EARLY_SEND_MS, 6);
      expect(sends[k].origin).toBe(sends[k].at);
    }
    expect(clock.pending).toEqual([]);
  });

  it('a stalled connection: the slots it missed go out as soon as it is free, each measured from its own due time', () => {
    const clock = new FakeClock(START);
    const pacer = new OpenModelPacer(START, 100, START + 2000, Infinity, clock);
    const sends: Send[] = [];
    // One connection, one request in flight: slot 0 at the start, then the target stalls 35 ms.
    pacer.sendNext((origin) => sends.push({ origin, at: clock.now() }));
    clock.advanceTo(START + 35);
    // Free again: slots 1, 2, 3 (due +10, +20, +30) are overdue; each is sent as soon as the
    // previous answer is in (here 1 ms apart), measured from its due time — not from the send.
    for (let i = 0; i < 3; i++) {
      pacer.sendNext((origin) => sends.push({ origin, at: clock.now() }));
      clock.advance(1);
    }
    // Slot 4 (due +40) is ahead again: a timer, measured from the actual send.
    pacer.sendNext((origin) => sends.push({ origin, at: clock.now() }));
    clock.advanceTo(START + 100);
    expect(sends.map((s) => [s.at - START, s.origin - START])).toEqual([
      [0, 0],
      [35, 10],
      [36, 20],
      [37, 30],
      [40 - EARLY_SEND_MS, 40 - EARLY_SEND_MS],
    ]);
  });

  it('a late timer (the event loop was busy): the send goes out late, measured from the due time', () => {
    const clock = new FakeClock(START);
    const pacer = new OpenModelPacer(START, 20, START + 2000, Infinity, clock);
    const sends: Send[] = [];
    pacer.sendNext((origin) => sends.push({ origin, at: clock.now() }));
    clock.advanceTo(START + 10);
    // Slot 1 is due at +50: a timer for +49. The loop is blocked until +80, then the timer runs.
    pacer.sendNext((origin) => sends.push({ origin, at: clock.now() }));
    expect(clock.pending).toEqual([START + 50 - EARLY_SEND_MS]);
    clock.jumpTo(START + 80);
    clock.advance(0);
    expect(sends.map((s) => [s.at - START, s.origin - START])).toEqual([
      [0, 0],
      [80, 50],
    ]);
  });
});

describe('slots due', () => {
  it('never fewer than the sends made: the last slot sent 1 ms early is due, so a run that ends then counts every slot of its plan', () => {
    // 100/s over 1 s: slot 99 is due at 990 ms, and sent at 989 ms (EARLY_SEND_MS). An answer at
    // once ends the run there, before 990 ms: its last second must still say 100 due (it said 99).
    const clock = new FakeClock(START);
    const pacer = new OpenModelPacer(START, 100, START + 1000, Infinity, clock);
    const sends: Send[] = [];
    eagerConnection(pacer, clock, sends);
    clock.advanceTo(START + 990 - EARLY_SEND_MS);
    expect(sends).toHaveLength(100);
    expect(pacer.dueBy(clock.now())).toBe(100);
    // Before any send, and between slots, the due count is the schedule's.
    const fresh = new OpenModelPacer(START, 100, START + 1000, Infinity, new FakeClock(START));
    expect(fresh.dueBy(START + 455)).toBe(46);
    expect(fresh.dueBy(START - 1)).toBe(0);
  });
});
