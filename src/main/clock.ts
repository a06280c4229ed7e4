// One clock for every thread: epoch milliseconds with sub-millisecond precision.
// performance.now() alone is relative to each worker's own time origin, so it cannot be
// compared across threads; timeOrigin + now() can.
const origin = performance.timeOrigin;

export function epochMs(): number {
  return origin + performance.now();
}
