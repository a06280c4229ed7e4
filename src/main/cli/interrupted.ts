/**
 * Resolves on Ctrl-C or SIGTERM. Call it before printing what a caller may act on at once
 * (a URL), so a stop that comes right after is not missed.
 */
export function untilInterrupted(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
