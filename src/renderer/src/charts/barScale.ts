// The value axis of the bar charts: linear from zero with round ticks. Only linear: bars are
// compared by eye as ratios of their heights, and on a log axis a 10× difference looks like 2×
// (issue #17). Figures that differ by orders of magnitude keep their exact values on the bars and
// their ratios written out under the chart instead.

export interface BarScale {
  /** Value → 0..1 of the plot's height (0 at the bottom). */
  at(v: number): number;
  ticks: number[];
  /** Bars start here. */
  base: number;
}

/** Round tick steps: 1, 2, 2.5, 5 × 10^k, giving about `count` ticks up to `max`. */
export function niceLinearTicks(max: number, count = 5): number[] {
  if (!(max > 0) || !Number.isFinite(max)) return [0, 1];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = 0; v <= max + step * 0.999; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

export function linearScale(values: number[]): BarScale {
  const max = Math.max(0, ...values.filter((v) => Number.isFinite(v)));
  // Head room over the tallest bar for its value label.
  const ticks = niceLinearTicks(max * 1.12 || 1);
  const top = ticks.at(-1)!;
  return { at: (v) => Math.max(0, Math.min(1, v / top)), ticks, base: 0 };
}
