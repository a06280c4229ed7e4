// The builder's profile presets ramp to the table's peak, or on an empty table to the load the
// form asks for (src/renderer/src/scenarioForm/presetLevel.ts) — a flow with 10 virtual users
// got a "Ramp up, hold, ramp down" to 1 user before.
import { describe, expect, it } from 'vitest';
import { presetLevel } from '../../src/renderer/src/scenarioForm/presetLevel.ts';

describe('presetLevel', () => {
  it('an empty table takes the form\'s connections, virtual users or rate; a filled one keeps its peak', () => {
    expect(presetLevel(0, '10')).toBe(10);
    expect(presetLevel(0, ' 1_000 ')).toBe(1000);
    expect(presetLevel(0, '2.6')).toBe(3);
    expect(presetLevel(50, '10')).toBe(50);
    // Nothing usable typed: one, as before.
    for (const typed of ['', 'many', '0', '-5']) expect(presetLevel(0, typed)).toBe(1);
  });
});
