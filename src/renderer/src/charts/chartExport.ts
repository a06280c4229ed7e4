// A chart's series as CSV (one row per x value, one column per series, empty where a series has
// no value) and a file name from its title: what a user takes to a spreadsheet or a slide.
import type uPlot from 'uplot';
import type { ChartSpec } from './chartSpec.ts';

const cell = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export function xColumnName(spec: ChartSpec): string {
  return spec.x === 'seconds' ? 'second' : spec.x === 'nines' ? 'percentile' : (spec.xLabel ?? 'rate');
}

export function chartCsv(spec: ChartSpec, data: uPlot.AlignedData): string {
  const lines = [[xColumnName(spec), ...spec.series.map((s) => s.label)].map(cell).join(',')];
  for (let i = 0; i < data[0].length; i++) {
    lines.push([data[0][i], ...spec.series.map((_, k) => data[k + 1]?.[i])].map((v) => (v === null || v === undefined ? '' : String(v))).join(','));
  }
  return lines.join('\n') + '\n';
}

export function chartFileName(title: string, ext: 'png' | 'csv'): string {
  const base = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'chart';
  return `barrage-${base}.${ext}`;
}
