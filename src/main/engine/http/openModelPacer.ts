// Arrival slots for the open model (wrk2's rule): request k is due at its scheduled time,
// whether or not the target kept up. autocannon's own rate limit gives each connection a budget
// per second (requests leave in bursts, and a stalled connection's missed budget is dropped), so
// Barrage hands out the slots itself and measures each latency from the slot's due time.
//
// A constant rate spaces slots evenly (start + k / rate). A load profile (stages that ramp the
// rate) places slot k where the integral of the rate reaches k (ArrivalCurve), so latency stays
// measured from the intended time while the rate changes.
import type { ArrivalCurve } from '../../../shared/loadProfile.ts';
import { systemClock, type Clock } from '../../clock.ts';

/** A slot due less than this far ahead is sent at once: timers cannot wait shorter. */
export const EARLY_SEND_MS = 1;
/** A slot due within this of the run's end is due at the end, so not sent (floating-point slack). */
const END_SLACK_MS = 0.001;

export class OpenModelPacer {
  private next = 0;
  /** Slots whose send has run (on time, late, or up to EARLY_SEND_MS early). */
  private fired = 0;
  private readonly startAt: number;
  private readonly limit: number;
  private readonly offsetMs: (k: number) => number;
  private readonly clock: Clock;
  /** Arrivals due in [0, elapsed ms): slot k is due once this exceeds k. */
  private readonly arrivalsBefore: (elapsedMs: number) => number;

  /** `rate`: arrivals per second, or a profile's curve; `endAt`: no slot is due at or after the run's end; `limit`: the amount, if any. */
  constructor(startAt: number, rate: number | ArrivalCurve, endAt = Infinity, limit = Infinity, clock: Clock = systemClock) {
    this.startAt = startAt;
    this.clock = clock;
    const spanSec = (endAt - startAt) / 1000;
    if (typeof rate === 'number') {
      const intervalMs = 1000 / rate;
      this.offsetMs = (k) => k * intervalMs;
      this.arrivalsBefore = (ms) => ms / intervalMs;
      // Slot k is due at k / rate; the last one before the end is the ceiling of span × rate, less
      // 1 µs of slack: in floating point 3000 / (1000 / 333) is 999.0000000000001, which issued a
      // slot due exactly at the end (1000 sends in 3 s at 333/s).
      this.limit = Math.min(limit, Math.max(0, Math.ceil(((endAt - startAt - END_SLACK_MS) * rate) / 1000)));
    } else {
      this.offsetMs = (k) => rate.offsetSec(k) * 1000;
      this.arrivalsBefore = (ms) => rate.countBefore(ms / 1000);
      this.limit = Math.min(limit, Math.ceil(rate.countBefore(spanSec)));
    }
  }

  /** Due time (epoch ms) of the next slot, or undefined when the amount is used up. */
  take(): number | undefined {
    if (this.next >= this.limit) return undefined;
    return this.startAt + this.offsetMs(this.next++);
  }

  /**
   * A free connection takes the next slot and sends on it: `send(originMs)` runs at the slot's
   * due time, or at once when it is due within EARLY_SEND_MS or already overdue (the target or
   * the generator held the connection up). `originMs` is where the latency is measured from:
   * the due time when the send is late (coordinated omission is not hidden), the actual send
   * when a timer fired a little early. Returns false when no slot is left.
   */
  sendNext(send: (originMs: number) => void): boolean {
    const due = this.take();
    if (due === undefined) return false;
    const fire = () => {
      this.fired++;
      send(Math.min(due, this.clock.now()));
    };
    const wait = due - this.clock.now();
    if (wait <= EARLY_SEND_MS) fire();
    else this.clock.after(wait - EARLY_SEND_MS, fire);
    return true;
  }

  /**
   * Slots due at or before `atMs` (epoch ms), within the run's end and amount — and never fewer
   * than the sends already made: a slot sent up to EARLY_SEND_MS before its due time is due. (A
   * run whose last slot went out 1 ms early and was answered at once ended before that slot's
   * due time, and its last second reported one slot fewer due than the plan held: 324 of 325.)
   */
  dueBy(atMs: number): number {
    if (atMs < this.startAt) return Math.min(this.limit, this.fired);
    return Math.min(this.limit, Math.max(this.fired, Math.floor(this.arrivalsBefore(atMs - this.startAt)) + 1));
  }

  get taken(): number {
    return this.next;
  }
}
