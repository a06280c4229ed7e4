// The engine's choice of local ports when a run binds source addresses (src/main/engine/ws/localPorts.ts):
// every connection label gets its own (address, port) pair, the same in every worker of the run.
import { describe, expect, it } from 'vitest';
import { LocalPortPlan } from '../../src/main/engine/ws/localPorts.ts';

describe('LocalPortPlan', () => {
  it('labels take consecutive ports per source address, starting at the offset, wrapping inside the range', () => {
    const plan = new LocalPortPlan({ low: 40000, high: 40009 }, 2, 7);
    // Label L is on address L mod 2 and takes port index ⌊L / 2⌋, rotated by 7 in a range of 10.
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((l) => plan.portOf(l))).toEqual([40007, 40007, 40008, 40008, 40009, 40009, 40000, 40000]);
    // 10 ports × 2 addresses: label 19 is the last with a port of its own; beyond, the kernel chooses.
    expect(plan.portOf(19)).toBe(40006);
    expect(plan.portOf(20)).toBe(0);
  });

  it('no (address, port) pair is used twice over a whole range, whatever the offset', () => {
    for (const offset of [0, 3, 1_764_000_000_123, -5]) {
      const plan = new LocalPortPlan({ low: 50000, high: 50099 }, 3, offset);
      const pairs = new Set<string>();
      for (let label = 0; label < 300; label++) {
        const port = plan.portOf(label);
        expect(port).toBeGreaterThanOrEqual(50000);
        expect(port).toBeLessThanOrEqual(50099);
        pairs.add(`${label % 3}:${port}`);
      }
      expect(pairs.size).toBe(300);
    }
  });
});
