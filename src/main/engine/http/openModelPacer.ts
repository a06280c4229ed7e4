// Arrival slots for the open model (wrk2's rule): request k is due at its scheduled time,
// whether or not the target kept up. autocannon's own rate limit gives each connection a budget
// per second (requests leave in bursts, and a stalled connection's missed budget is dropped), so
// Barrage hands out the slots itself and measures each latency from the slot's due time.
//
// A constant rate spaces slots evenly (start + k / rate). A load profile (stages that ramp the
// rate) places slot k where the integral of the rate reaches k (ArrivalCurve), so latency stays
// measured from the intended time while the rate changes.
import type { ArrivalCurve } from '../../../shared/loadProfile.ts';

export class OpenModelPacer {
  private next = 0;
  private readonly startAt: number;
  private readonly limit: number;
  private readonly offsetMs: (k: number) => number;

  /** `rate`: arrivals per second, or a profile's curve; `endAt`: no slot is due at or after the run's end; `limit`: the amount, if any. */
  constructor(startAt: number, rate: number | ArrivalCurve, endAt = Infinity, limit = Infinity) {
    this.startAt = startAt;
    const spanSec = (endAt - startAt) / 1000;
    if (typeof rate === 'number') {
      const intervalMs = 1000 / rate;
      this.offsetMs = (k) => k * intervalMs;
      this.limit = Math.min(limit, Math.ceil((endAt - startAt) / intervalMs));
    } else {
      this.offsetMs = (k) => rate.offsetSec(k) * 1000;
      this.limit = Math.min(limit, Math.ceil(rate.countBefore(spanSec)));
    }
  }

  /** Due time (epoch ms) of the next slot, or undefined when the amount is used up. */
  take(): number | undefined {
    if (this.next >= this.limit) return undefined;
    return this.startAt + this.offsetMs(this.next++);
  }

  get taken(): number {
    return this.next;
  }
}
