// The open-model send schedule of one worker in rate mode. The worker's messages form one
// evenly spaced sequence of slots (slot m intended at startAt + m/rate), dealt round-robin to
// the connections: connection i owns slots i, i+C, i+2C, … so each connection sends at
// rate/C with its own phase, and the worker as a whole never bursts. One timer walks the slots;
// no connection has a timer of its own.
//
// Latency is measured from a slot's intended time (wrk2's rule), so a generator or connection
// that falls behind shows its lateness instead of hiding it (coordinated omission).
//
// With a load profile (stages that ramp the rate) slot m is intended where the integral of the
// rate reaches m (ArrivalCurve); the slots are still dealt round-robin.
import type { ArrivalCurve } from '../../../shared/loadProfile.ts';

export class RateSchedule {
  private readonly startAt: number;
  private readonly slotMs: number;
  private readonly curve: ArrivalCurve | null;
  readonly connections: number;

  constructor(startAt: number, rate: number | ArrivalCurve, connections: number) {
    this.startAt = startAt;
    this.slotMs = typeof rate === 'number' ? 1000 / rate : 0;
    this.curve = typeof rate === 'number' ? null : rate;
    this.connections = connections;
  }

  /** Intended send time (epoch ms) of slot m; Infinity past the end of a profile. */
  intendedAt(slot: number): number {
    if (this.curve) return this.startAt + this.curve.offsetSec(slot) * 1000;
    return this.startAt + slot * this.slotMs;
  }

  /** Number of slots whose intended time is at or before `nowMs` (slot 0 is at startAt). */
  dueCount(nowMs: number): number {
    if (nowMs < this.startAt) return 0;
    if (this.curve) {
      // Slot m is due once the integral reaches m: slots 0 … floor(N(t)), and never more than the profile holds.
      const n = this.curve.countBefore((nowMs - this.startAt) / 1000);
      return Math.min(Math.floor(n) + 1, Math.ceil(this.curve.total));
    }
    return Math.floor((nowMs - this.startAt) / this.slotMs) + 1;
  }

  /**
   * Slots due at or before `nowMs` that the run is meant to send: none at or after `endAt` (the
   * run's end), at most `limit` (the amount).
   */
  dueWithin(nowMs: number, endAt = Infinity, limit = Infinity): number {
    const lastSlots = endAt === Infinity ? Infinity : Math.max(0, Math.ceil((endAt - this.startAt) / this.slotMs));
    return Math.min(this.dueCount(nowMs), lastSlots, limit);
  }

  /** Connection owning slot m. */
  connectionOf(slot: number): number {
    return slot % this.connections;
  }

  /** Which of its own messages (0, 1, 2, …) slot m is for its connection. */
  turnOf(slot: number): number {
    return Math.floor(slot / this.connections);
  }

  slotOf(connection: number, turn: number): number {
    return turn * this.connections + connection;
  }

  /** The first turn of `connection` whose slot is at or after `slot`: where a fresh connection starts. */
  firstTurnFrom(connection: number, slot: number): number {
    return Math.max(0, Math.ceil((slot - connection) / this.connections));
  }
}
