// One clock for every thread: epoch milliseconds with sub-millisecond precision.
// performance.now() alone is relative to each worker's own time origin, so it cannot be
// compared across threads; timeOrigin + now() can.
const origin = performance.timeOrigin;

export function epochMs(): number {
  return origin + performance.now();
}

/**
 * What a scheduler needs of time: the epoch clock and one-shot timers. The engine's schedulers
 * take one (default: the real one), so unit tests can drive them with a fake clock and check
 * exact instants instead of sleeping (tests/support/fakeClock.ts).
 */
export interface Clock {
  /** Epoch ms, sub-millisecond precision. */
  now(): number;
  /** Calls fn once, `ms` from now; returns a function that cancels it. */
  after(ms: number, fn: () => void): () => void;
}

export const systemClock: Clock = {
  now: epochMs,
  after(ms, fn) {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};
