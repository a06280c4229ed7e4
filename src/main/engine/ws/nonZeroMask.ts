// The masking key of every client frame, as ws draws it by default (4 bytes at a time from a pool
// of cryptographically random bytes, refilled 8 KiB at a time), except that an all-zero key is
// never used: the next four bytes are drawn instead.
//
// Why: ws skips masking when the key is all zeros and then hands the caller's own Buffer to the
// socket instead of copying it into the frame. The swarm renders every message into one reused
// Buffer (payloadTemplate.ts `scratchRenderer`), which is only safe while ws copies it; with a
// zero key (one frame in 2^32) a write the kernel did not take at once would go out with the
// bytes of a later message. RFC 6455 asks for an unpredictable key per frame, which this still is.
import { randomFillSync } from 'node:crypto';

const POOL_SIZE = 8 * 1024;

/** A mask generator for ws's `generateMask` option; `fill` is the random source (tests replace it). */
export function nonZeroMaskGenerator(fill: (pool: Buffer) => void = (pool) => randomFillSync(pool)): (mask: Buffer) => void {
  const pool = Buffer.alloc(POOL_SIZE);
  let at = POOL_SIZE;
  return (mask: Buffer): void => {
    do {
      if (at === POOL_SIZE) {
        fill(pool);
        at = 0;
      }
      mask[0] = pool[at];
      mask[1] = pool[at + 1];
      mask[2] = pool[at + 2];
      mask[3] = pool[at + 3];
      at += 4;
    } while ((mask[0] | mask[1] | mask[2] | mask[3]) === 0);
  };
}
