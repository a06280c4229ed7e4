// How long the browser transport waits before reopening its socket: 1 s, then doubled after
// every failed attempt up to 30 s, and back to 1 s once a socket opens. A server that is gone
// (the terminal running `barrage serve` closed) is then retried less and less often, instead of
// once a second for as long as the page stays open.
export const RECONNECT_FIRST_MS = 1000;
export const RECONNECT_MAX_MS = 30_000;

export class ReconnectBackoff {
  private nextMs = RECONNECT_FIRST_MS;

  /** The wait before the next attempt; each call doubles the one after it, up to the cap. */
  next(): number {
    const wait = this.nextMs;
    this.nextMs = Math.min(this.nextMs * 2, RECONNECT_MAX_MS);
    return wait;
  }

  /** A socket opened: the next loss starts over at 1 s. */
  reset(): void {
    this.nextMs = RECONNECT_FIRST_MS;
  }
}
