// uPlot draws series that share one x array. Runs of different lengths (or curves with
// different points) are joined here on the union of their x values, with null where a series
// has no point, so several runs can be overlaid in one chart.

export type XY = { x: number[]; y: Array<number | null> };

export function alignSeries(series: XY[]): [number[], ...Array<Array<number | null>>] {
  const xs = [...new Set(series.flatMap((s) => s.x))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const ys = series.map((s) => {
    const out: Array<number | null> = new Array(xs.length).fill(null);
    s.x.forEach((x, i) => (out[index.get(x)!] = s.y[i] ?? null));
    return out;
  });
  return [xs, ...ys];
}
