// The value axis of the bar charts: a linear axis from zero with round ticks, or a log axis with
// ticks at the powers of ten (and 2× and 5× between them when the range is short), for figures
// that differ by orders of magnitude (a 40 µs round trip beside a 40 ms one).

export interface BarScale {
  /** Value → 0..1 of the plot's height (0 at the bottom). */
  at(v: number): number;
  ticks: number[];
  /** Bars start here (0 on a linear axis, the lowest tick on a log axis). */
  base: number;
  log: boolean;
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
  return { at: (v) => Math.max(0, Math.min(1, v / top)), ticks, base: 0, log: false };
}

export function logScale(values: number[]): BarScale {
  const positive = values.filter((v) => Number.isFinite(v) && v > 0);
  if (!positive.length) return linearScale(values);
  const lo = 10 ** Math.floor(Math.log10(Math.min(...positive)));
  // Head room for the value label: the top is a little above the largest value's decade.
  let hi = 10 ** Math.ceil(Math.log10(Math.max(...positive) * 1.6));
  if (hi <= lo) hi = lo * 10;
  const decades = Math.round(Math.log10(hi / lo));
  const ticks: number[] = [];
  for (let d = 0; d <= decades; d++) {
    const p = lo * 10 ** d;
    ticks.push(p);
    if (decades <= 2 && d < decades) ticks.push(p * 2, p * 5);
  }
  const span = Math.log10(hi) - Math.log10(lo);
  return {
    at: (v) => (v <= lo ? 0 : Math.min(1, (Math.log10(v) - Math.log10(lo)) / span)),
    ticks: ticks.sort((a, b) => a - b),
    base: lo,
    log: true,
  };
}
