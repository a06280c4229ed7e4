import { describe, expect, it } from 'vitest';
import { nonZeroMaskGenerator } from '../../src/main/engine/ws/nonZeroMask.ts';

describe('nonZeroMaskGenerator (the masking key of the swarm frames)', () => {
  it('never hands out an all-zero key: it draws the next four bytes instead', () => {
    // A random source whose pool starts with two all-zero keys, then 1 2 3 4, then zeros again.
    let fills = 0;
    const generate = nonZeroMaskGenerator((pool) => {
      fills++;
      pool.fill(0);
      pool.set([1, 2, 3, 4], 8);
      pool.set([0, 0, 0, 9], pool.length - 4);
    });
    const mask = Buffer.alloc(4, 0xff);
    generate(mask);
    expect([...mask]).toEqual([1, 2, 3, 4]);
    // The rest of the pool is zeros up to its last key, which is not all zero.
    generate(mask);
    expect([...mask]).toEqual([0, 0, 0, 9]);
    expect(fills).toBe(1);
    // The pool is used up: refilled, and the zero keys at its start skipped again.
    generate(mask);
    expect([...mask]).toEqual([1, 2, 3, 4]);
    expect(fills).toBe(2);
  });

  it('uses four fresh bytes per key from the random source', () => {
    const generate = nonZeroMaskGenerator();
    const keys = new Set<string>();
    const mask = Buffer.alloc(4);
    for (let i = 0; i < 5000; i++) {
      generate(mask);
      expect(mask.readUInt32BE(0)).not.toBe(0);
      keys.add(mask.toString('hex'));
    }
    // 5,000 draws of 32 random bits: a repeat is possible but rare.
    expect(keys.size).toBeGreaterThan(4990);
  });
});
