// The builder warns when a duration leaves too few steady seconds to compare runs by.
import { describe, expect, it } from 'vitest';
import { shortDurationWarning } from '../../src/renderer/src/scenarioForm/scenarioForm.ts';

describe('short duration warning', () => {
  it('warns for the old 5 s "Try it" and says how long is enough; says nothing from 11 s (1 s warm-up)', () => {
    expect(shortDurationWarning('5', '1')).toBe('Too short to compare: 4 steady seconds after the warm-up; comparisons need about 10 (a duration of 11 s or more).');
    expect(shortDurationWarning('10', '1')).toMatch(/^Too short to compare: 9 steady seconds/);
    expect(shortDurationWarning('11', '1')).toBe('');
    expect(shortDurationWarning('15', '')).toBe('');
    expect(shortDurationWarning('12', '3')).toMatch(/a duration of 13 s or more/);
    expect(shortDurationWarning('abc', '1')).toBe('');
  });
});
