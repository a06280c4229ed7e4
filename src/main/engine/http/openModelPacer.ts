// Evenly spaced arrival slots for the open model (wrk2's rule): request k is due at
// start + k / rate, whether or not the target kept up. autocannon's own rate limit gives each
// connection a budget per second (requests leave in bursts, and a stalled connection's missed
// budget is dropped), so Barrage hands out the slots itself and measures each latency from
// the slot's due time.
export class OpenModelPacer {
  private next = 0;
  private readonly intervalMs: number;
  private readonly startAt: number;
  private readonly limit: number;

  /** `endAt`: no slot is due at or after the run's end; `limit`: the amount, if any. */
  constructor(startAt: number, rate: number, endAt = Infinity, limit = Infinity) {
    this.startAt = startAt;
    this.intervalMs = 1000 / rate;
    this.limit = Math.min(limit, Math.ceil((endAt - startAt) / this.intervalMs));
  }

  /** Due time (epoch ms) of the next slot, or undefined when the amount is used up. */
  take(): number | undefined {
    if (this.next >= this.limit) return undefined;
    return this.startAt + this.next++ * this.intervalMs;
  }

  get taken(): number {
    return this.next;
  }
}
