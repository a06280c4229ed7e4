// The bench's rule for paired rows (bench/common.ts pairedFigure, bench/report.ts ratioOf): the
// ratio is the median of each A B pair's ratio, not the ratio of the two sides' medians, so a
// machine that changes speed between pairs cannot move it. Known answer: the h2 rerun of session
// 4, whose five pairs ran at two machine speeds.
import { describe, expect, it } from 'vitest';
import { pairedFigure } from '../../bench/common.ts';
import { ratioOf, renderTable, verdictOf, type Row } from '../../bench/report.ts';

const barrage = [18_046, 18_452, 18_102, 27_822, 27_542];
const bare = [19_224, 20_454, 25_208, 26_849, 27_033];

describe('bench: paired rows', () => {
  it('judge the median of the pairs’ ratios, which a change of machine speed between pairs does not move', () => {
    const row: Row = { section: 'h2', figure: 'requests/s', ...pairedFigure(barrage, bare), goal: { kind: 'min', ratio: 0.9 } };
    // Each side's median is still shown…
    expect(row.barrage).toBe(18_452);
    expect(row.reference).toBe(25_208);
    // …but those come from pairs run at different speeds: their ratio would read 0.732.
    expect(row.barrage! / row.reference!).toBeCloseTo(0.732, 3);
    expect(row.pairRatios!.map((r) => Number(r.toFixed(3)))).toEqual([0.939, 0.902, 0.718, 1.036, 1.019]);
    expect(ratioOf(row)).toBeCloseTo(0.939, 3);
    expect(verdictOf(row)).toBe('pass');
    const table = renderTable([row]);
    expect(table).toMatch(/0\.939/);
    expect(table).toMatch(/median of the pairs' ratios 0\.939, 0\.902, 0\.718, 1\.036, 1\.019/);
  });

  it('leave out a pair whose ratio is not a number, and keep barrage / reference for rows that are not paired', () => {
    const paired = pairedFigure([10, 20, 30], [0, 20, 25]);
    expect(paired.pairRatios).toEqual([1, 1.2]);
    expect(ratioOf({ section: 's', figure: 'f', ...paired, goal: null })).toBeCloseTo(1.1, 6);
    expect(ratioOf({ section: 's', figure: 'f', barrage: 3, reference: 4, goal: null })).toBe(0.75);
  });
});
