// Paces connection attempts: the swarm ramps up at a fixed rate (a burst of thousands of
// handshakes would measure the target's accept queue, not its steady state), and failed or
// dropped connections come back after a back-off through the same queue, so a refused target
// yields a steady trickle of errors instead of a tight loop.
//
// One queue and a token bucket, driven by the swarm's single timer: at high rates each wake
// opens a small batch instead of each connection having its own timer.

/**
 * How far behind the ramp may fall and still catch up, in ms of rate. A busy event loop (a
 * closed-loop swarm can keep the poll phase busy for hundreds of ms) delays the timer; without
 * saving up, every delay would slow the ramp below the configured rate for good (250 ms lost
 * rate whenever a shared, busy machine held the timer back longer: 10,000 at 2,500/s took 5.5 s).
 */
const CATCH_UP_MS = 1000;
/** Attempts per call at most: catching up happens in small batches, never in a stampede. */
const MAX_BATCH = 100;
/** At high rates, wait at least this long between batches rather than waking per connection. */
const MIN_GAP_MS = 5;

export class ConnectPacer<T> {
  private readonly perMs: number;
  private readonly maxTokens: number;
  private items: T[] = [];
  private notBefore: number[] = [];
  private head = 0;
  private tokens = 1;
  private refilledAt = -Infinity;

  constructor(ratePerSec: number) {
    this.perMs = ratePerSec / 1000;
    this.maxTokens = Math.max(1, ratePerSec * (CATCH_UP_MS / 1000));
  }

  get size(): number {
    return this.items.length - this.head;
  }

  /** Queues an attempt; callers add in time order (the ramp first, back-offs later), so the queue stays sorted. */
  add(item: T, notBeforeMs: number): void {
    this.items.push(item);
    this.notBefore.push(notBeforeMs);
  }

  clear(): void {
    this.items = [];
    this.notBefore = [];
    this.head = 0;
  }

  /**
   * Hands out every attempt due now that the rate allows, and at most `room` of them (the
   * handshakes the caller may still start); returns when to call again (Infinity: queue empty, or
   * no room: the caller calls again when a handshake finishes).
   */
  take(nowMs: number, connect: (item: T) => void, room = Infinity): number {
    if (this.refilledAt === -Infinity) this.refilledAt = nowMs;
    this.tokens = Math.min(this.maxTokens, this.tokens + (nowMs - this.refilledAt) * this.perMs);
    this.refilledAt = nowMs;
    if (room < 1) return Infinity;
    let batch = MAX_BATCH;
    let left = room;
    while (this.head < this.items.length && this.tokens >= 1 && this.notBefore[this.head] <= nowMs && batch > 0 && left >= 1) {
      const item = this.items[this.head];
      this.head++;
      this.tokens -= 1;
      batch--;
      left--;
      connect(item);
    }
    this.compact();
    if (this.head >= this.items.length || left < 1) return Infinity;
    const due = this.notBefore[this.head];
    if (this.tokens >= 1) return batch === 0 ? nowMs : due;
    const tokenAt = nowMs + (1 - this.tokens) / this.perMs;
    return Math.max(due, tokenAt, nowMs + MIN_GAP_MS);
  }

  private compact(): void {
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.notBefore.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items.splice(0, this.head);
      this.notBefore.splice(0, this.head);
      this.head = 0;
    }
  }
}
