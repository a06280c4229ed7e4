// The HdrHistogram "nines" axis: percentile p is drawn at x = -log10(1 - p/100), so 90%, 99%,
// 99.9% … are evenly spaced and the tail, where load tests find their problems, gets room.

/** Plot position of a percentile (0 ≤ p < 100). */
export const ninesX = (percentile: number): number => -Math.log10(1 - percentile / 100);

/** Percentile at a plot position. */
export const percentileAt = (x: number): number => 100 * (1 - Math.pow(10, -x));

export const NINES_TICKS: Array<{ x: number; label: string }> = [
  { x: Math.log10(2), label: '50%' },
  { x: 1, label: '90%' },
  { x: 2, label: '99%' },
  { x: 3, label: '99.9%' },
  { x: 4, label: '99.99%' },
  { x: 5, label: '99.999%' },
];

/** A percentile with as many decimals as its nines need: 50%, 99.9%, 99.995%. */
export function formatPercentile(p: number): string {
  if (p >= 100) return '100%';
  const decimals = Math.min(5, Math.max(0, Math.ceil(-Math.log10(100 - p)) + 1));
  return `${Number(p.toFixed(decimals))}%`;
}

/**
 * The curve as plot points. The 100th percentile (the maximum) cannot sit on this axis (it is
 * at infinity); it is left out here and shown as "max" in the figures instead.
 */
export function ninesCurve(points: Array<{ percentile: number; us: number }>): { x: number[]; y: number[] } {
  const x: number[] = [];
  const y: number[] = [];
  for (const p of points) {
    if (p.percentile >= 100) continue;
    const px = ninesX(p.percentile);
    // Round so curves of different runs land on the same x values and overlay cleanly.
    x.push(Math.round(px * 1e6) / 1e6);
    y.push(p.us / 1000);
  }
  return { x, y };
}
