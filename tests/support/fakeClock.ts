// A fake clock for the engine's schedulers (src/main/clock.ts's Clock): time moves only when a
// test says so, and timers fire in due order at exactly their due instant — or late, when a
// test jumps past them without letting them run (a busy event loop).
import type { Clock } from '../../src/main/clock.ts';

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

export class FakeClock implements Clock {
  private t: number;
  private seq = 0;
  private timers: Timer[] = [];

  constructor(startMs: number) {
    this.t = startMs;
  }

  now(): number {
    return this.t;
  }

  after(ms: number, fn: () => void): () => void {
    const timer = { at: this.t + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((x) => x !== timer);
    };
  }

  /** Pending timers' due instants, soonest first. */
  get pending(): number[] {
    return this.sorted().map((x) => x.at);
  }

  /** Moves to `ms` firing every timer due by then, each at its own due instant (the loop keeps up). */
  advanceTo(ms: number): void {
    for (;;) {
      const next = this.sorted()[0];
      if (!next || next.at > ms) break;
      this.timers = this.timers.filter((x) => x !== next);
      this.t = Math.max(this.t, next.at);
      next.fn();
    }
    this.t = Math.max(this.t, ms);
  }

  advance(ms: number): void {
    this.advanceTo(this.t + ms);
  }

  /** Moves to `ms` without running any timer (the event loop was blocked); they fire late on the next advance. */
  jumpTo(ms: number): void {
    this.t = Math.max(this.t, ms);
  }

  private sorted(): Timer[] {
    return [...this.timers].sort((a, b) => a.at - b.at || a.seq - b.seq);
  }
}
