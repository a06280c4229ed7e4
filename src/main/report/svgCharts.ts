// Charts as plain SVG strings for the HTML reports: no script, no font or style from outside,
// so a report opens offline in any browser and prints as drawn. Each function takes data and
// returns one <svg> element sized by its viewBox (it scales to the page's width).
import { escapeHtml } from './escape.ts';

export const PALETTE = ['#1c5fbf', '#d9480f', '#2b8a3e', '#7048e8', '#c2255c', '#0b7285', '#8f5a00', '#495057'];

const AXIS = '#868e96';
const GRID = '#e9ecef';
const TEXT = '#343a40';
const MUTED = '#6c757d';
const FONT = "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif\"";

export interface Point {
  x: number;
  /** null: no value here (the line breaks). */
  y: number | null;
}

export interface Series {
  label: string;
  color: string;
  points: Point[];
  dashed?: boolean;
  /** Stroke width; default 1.75. */
  width?: number;
}

export interface Tick {
  value: number;
  label: string;
}

export interface LineChartOptions {
  /** Read by screen readers, shown as a tooltip. */
  title: string;
  series: Series[];
  xLabel: string;
  yLabel: string;
  formatX?: (v: number) => string;
  formatY: (v: number) => string;
  /** Fixed x ticks (e.g. the nines of a percentile axis); default: round numbers. */
  xTicks?: Tick[];
  xDomain?: [number, number];
  /** Logarithmic y axis (latencies spanning decades). */
  yLog?: boolean;
  /** Shaded x ranges with a label, e.g. the warm-up. */
  bands?: Array<{ from: number; to: number; label: string }>;
  /** Labelled vertical marks, e.g. the stage boundaries of a load profile. */
  marks?: Array<{ x: number; label: string }>;
  width?: number;
  height?: number;
}

/**
 * Round tick values, about `count` of them, from the last round value at or below `lo` to the
 * first at or above `hi`: an axis ending on its outer ticks shows all of [lo, hi].
 */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi <= lo) hi = lo + (lo === 0 ? 1 : Math.abs(lo) * 0.1);
  const raw = (hi - lo) / Math.max(1, count);
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw * (1 - 1e-9)) ?? 10 * mag;
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.ceil(hi / step - 1e-9);
  const ticks: number[] = [];
  for (let k = first; k <= last; k++) ticks.push(Number((k * step).toPrecision(12)));
  return ticks;
}

/** 1-2-5 ticks of a logarithmic axis over [lo, hi] (lo > 0). */
export function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  const decades = Math.log10(hi / lo);
  const steps = decades > 4 ? [1] : decades > 2 ? [1, 3] : [1, 2, 5];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of steps) {
      const v = m * Math.pow(10, e);
      if (v >= lo * 0.999 && v <= hi * 1.001) ticks.push(v);
    }
  }
  return ticks;
}

export function lineChart(o: LineChartOptions): string {
  const width = o.width ?? 920;
  const height = o.height ?? 280;
  const values = o.series.flatMap((s) => s.points);
  const ys = values.map((p) => p.y).filter((y): y is number => y !== null && Number.isFinite(y) && (!o.yLog || y > 0));
  const xs = values.map((p) => p.x).filter(Number.isFinite);
  if (ys.length === 0 || xs.length === 0) return emptyChart(o.title, width, 120, 'no data to plot');

  const legend = legendLayout(o.series.map((s) => ({ label: s.label, color: s.color, dashed: s.dashed })), width - 80);
  const m = { left: 72, right: 20, top: 14 + legend.height, bottom: 46 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;

  const [x0, x1] = o.xDomain ?? [Math.min(...xs), Math.max(...xs) === Math.min(...xs) ? Math.min(...xs) + 1 : Math.max(...xs)];
  let yTicks: number[];
  let yLo: number;
  let yHi: number;
  if (o.yLog) {
    yLo = Math.pow(10, Math.floor(Math.log10(Math.min(...ys)) * 2) / 2);
    yHi = Math.pow(10, Math.ceil(Math.log10(Math.max(...ys)) * 2) / 2);
    if (yHi <= yLo) yHi = yLo * 10;
    yTicks = logTicks(yLo, yHi);
  } else {
    yTicks = niceTicks(0, Math.max(...ys), 5);
    yLo = 0;
    yHi = yTicks.at(-1) ?? Math.max(...ys);
  }
  const sx = (x: number) => m.left + ((x - x0) / (x1 - x0 || 1)) * plotW;
  const sy = (y: number) =>
    o.yLog
      ? m.top + plotH - ((Math.log10(y) - Math.log10(yLo)) / (Math.log10(yHi) - Math.log10(yLo) || 1)) * plotH
      : m.top + plotH - ((y - yLo) / (yHi - yLo || 1)) * plotH;
  const fx = o.formatX ?? ((v: number) => fmtNumber(v));
  const xTicks = o.xTicks ?? niceTicks(x0, x1, 8).map((v) => ({ value: v, label: fx(v) }));

  const parts: string[] = [];
  const marks = (o.marks ?? []).filter((k) => k.x >= x0 - 1e-9 && k.x <= x1 + 1e-9);
  for (const b of o.bands ?? []) {
    const bx0 = sx(Math.max(x0, b.from));
    const bx1 = sx(Math.min(x1, b.to));
    if (bx1 <= bx0) continue;
    parts.push(`<rect x="${r(bx0)}" y="${m.top}" width="${r(bx1 - bx0)}" height="${plotH}" fill="#f1f3f5"/>`);
    // Marks label along the top; a band's label then goes to its bottom.
    const labelY = marks.length > 0 ? m.top + plotH - 5 : m.top + 12;
    parts.push(`<text x="${r(bx0 + 4)}" y="${labelY}" font-size="10" fill="${MUTED}">${escapeHtml(b.label)}</text>`);
  }
  for (const t of yTicks) {
    const y = sy(t);
    parts.push(`<line x1="${m.left}" x2="${m.left + plotW}" y1="${r(y)}" y2="${r(y)}" stroke="${GRID}"/>`);
    parts.push(`<text x="${m.left - 6}" y="${r(y + 3.5)}" font-size="11" text-anchor="end" fill="${TEXT}">${escapeHtml(o.formatY(t))}</text>`);
  }
  for (const t of xTicks) {
    if (t.value < x0 - 1e-9 || t.value > x1 + 1e-9) continue;
    const x = sx(t.value);
    // The last label ends at the axis' end rather than running off the picture.
    const anchor = x > m.left + plotW - 20 ? 'end' : 'middle';
    parts.push(`<line x1="${r(x)}" x2="${r(x)}" y1="${m.top}" y2="${m.top + plotH}" stroke="${GRID}"/>`);
    parts.push(`<text x="${r(anchor === 'end' ? x + 4 : x)}" y="${m.top + plotH + 16}" font-size="11" text-anchor="${anchor}" fill="${TEXT}">${escapeHtml(t.label)}</text>`);
  }
  parts.push(`<rect x="${m.left}" y="${m.top}" width="${plotW}" height="${plotH}" fill="none" stroke="${AXIS}"/>`);
  marks.forEach((k, i) => {
    const x = sx(k.x);
    // The room up to the next mark decides the label: in full, the number alone, or none.
    const room = (i + 1 < marks.length ? sx(marks[i + 1].x) : m.left + plotW) - x;
    const label = room >= 48 ? k.label : k.label.replace(/^stage /, '');
    parts.push(`<g class="mark"><title>${escapeHtml(`${k.label} starts at ${fmtNumber(k.x)} s`)}</title>`);
    if (x > m.left + 0.5) parts.push(`<line x1="${r(x)}" x2="${r(x)}" y1="${m.top}" y2="${m.top + plotH}" stroke="${MUTED}" stroke-dasharray="3 3"/>`);
    if (room >= 12) parts.push(`<text x="${r(x + 3)}" y="${m.top + 11}" font-size="10" fill="${MUTED}">${escapeHtml(label)}</text>`);
    parts.push('</g>');
  });
  for (const s of o.series) {
    const d = pathOf(s.points, sx, sy, o.yLog === true);
    if (!d) continue;
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="${s.width ?? 1.75}" stroke-linejoin="round" stroke-linecap="round"${dash}/>`);
    // A lone point (a one-second run, a gap on both sides) would not show as a line.
    for (const p of isolatedPoints(s.points)) {
      if (p.y === null || (o.yLog && p.y <= 0)) continue;
      parts.push(`<circle cx="${r(sx(p.x))}" cy="${r(sy(p.y))}" r="2.5" fill="${s.color}"/>`);
    }
  }
  parts.push(`<text x="${m.left + plotW / 2}" y="${height - 8}" font-size="11" text-anchor="middle" fill="${MUTED}">${escapeHtml(o.xLabel)}</text>`);
  parts.push(
    `<text transform="translate(14 ${m.top + plotH / 2}) rotate(-90)" font-size="11" text-anchor="middle" fill="${MUTED}">${escapeHtml(o.yLabel)}</text>`,
  );
  parts.push(legend.svg(m.left, 4));
  return svg(o.title, width, height, parts.join(''));
}

/** The "nines" axis: 0 → 0%, 1 → 90%, 2 → 99%, 3 → 99.9% … */
export function ninesOf(percentile: number): number {
  return -Math.log10(1 - Math.min(percentile, 99.99999) / 100);
}

export function ninesTicks(maxNines: number): Tick[] {
  const labels = ['0%', '90%', '99%', '99.9%', '99.99%', '99.999%', '99.9999%'];
  const ticks: Tick[] = [];
  for (let n = 0; n <= maxNines && n < labels.length; n++) ticks.push({ value: n, label: labels[n] });
  // 50% sits at 0.3 nines: the median is worth a tick.
  ticks.splice(1, 0, { value: ninesOf(50), label: '50%' });
  return ticks;
}

export interface PercentileSeries {
  label: string;
  color: string;
  /** From percentileCurve: percentile (0–100) and latency (µs). */
  points: Array<{ percentile: number; us: number }>;
  /** Latencies recorded: the axis stops where the data stops (1 in 1,000 needs 1,000 values). */
  count: number;
}

/** Latency by percentile on a log "nines" x axis, the HdrHistogram plot. */
export function ninesChart(o: { title: string; series: PercentileSeries[]; formatY: (us: number) => string; width?: number; height?: number }): string {
  const maxCount = Math.max(0, ...o.series.map((s) => s.count));
  const maxNines = Math.max(1, Math.min(5, Math.floor(Math.log10(Math.max(10, maxCount)))));
  const series: Series[] = o.series.map((s) => {
    const limit = Math.min(maxNines, Math.log10(Math.max(10, s.count)));
    return {
      label: s.label,
      color: s.color,
      points: s.points.filter((p) => p.percentile < 100 && ninesOf(p.percentile) <= limit + 1e-9).map((p) => ({ x: ninesOf(p.percentile), y: p.us })),
    };
  });
  const ys = series.flatMap((s) => s.points.map((p) => p.y ?? 0)).filter((y) => y > 0);
  const yLog = ys.length > 0 && Math.max(...ys) / Math.min(...ys) > 20;
  return lineChart({
    title: o.title,
    series,
    xLabel: 'percentile (log scale of nines: each step right is ten times rarer)',
    yLabel: 'latency',
    formatY: o.formatY,
    xTicks: ninesTicks(maxNines),
    xDomain: [0, maxNines],
    yLog,
    width: o.width,
    height: o.height,
  });
}

export interface Bar {
  label: string;
  value: number | null;
  color: string;
  /** Printed after the value, e.g. "+20.0%". */
  note?: string;
}

/** Horizontal bars of one figure across runs; the label column at the left. */
export function barChart(o: { title: string; bars: Bar[]; formatValue: (v: number) => string; width?: number }): string {
  const width = o.width ?? 440;
  const rowH = 24;
  const m = { left: 110, right: 150, top: 26, bottom: 10 };
  const height = m.top + m.bottom + rowH * o.bars.length;
  const max = Math.max(0, ...o.bars.map((b) => b.value ?? 0));
  const plotW = width - m.left - m.right;
  const parts: string[] = [`<text x="0" y="15" font-size="12" font-weight="600" fill="${TEXT}">${escapeHtml(o.title)}</text>`];
  o.bars.forEach((b, i) => {
    const y = m.top + i * rowH;
    const w = b.value === null || max === 0 ? 0 : (b.value / max) * plotW;
    parts.push(`<text x="${m.left - 8}" y="${y + 15}" font-size="11" text-anchor="end" fill="${TEXT}">${escapeHtml(b.label)}</text>`);
    parts.push(`<rect x="${m.left}" y="${y + 4}" width="${r(Math.max(w, b.value === null ? 0 : 1))}" height="${rowH - 8}" fill="${b.color}" rx="2"/>`);
    const text = b.value === null ? '–' : o.formatValue(b.value);
    parts.push(
      `<text x="${r(m.left + w + 6)}" y="${y + 15}" font-size="11" fill="${TEXT}">${escapeHtml(text)}${b.note ? `<tspan fill="${MUTED}"> ${escapeHtml(b.note)}</tspan>` : ''}</text>`,
    );
  });
  parts.push(`<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${height - m.bottom}" stroke="${AXIS}"/>`);
  return svg(o.title, width, height, parts.join(''));
}

export interface ChangeRow {
  label: string;
  /** Relative change (0.1 = +10%) and its interval; null when there is none. */
  change: number | null;
  low: number | null;
  high: number | null;
  noiseThreshold: number;
  verdict: string;
}

const VERDICT_COLORS: Record<string, string> = {
  better: '#2b8a3e',
  worse: '#c92a2a',
  'no clear difference': '#495057',
  inconclusive: '#e67700',
};

export function verdictColor(verdict: string): string {
  return VERDICT_COLORS[verdict] ?? MUTED;
}

/**
 * Each figure's relative change with its confidence interval, over the shaded noise band: a
 * verdict needs the whole interval outside the band.
 */
export function changeChart(o: { title: string; rows: ChangeRow[]; width?: number }): string {
  const width = o.width ?? 920;
  const rowH = 34;
  const m = { left: 120, right: 230, top: 16, bottom: 38 };
  const height = m.top + m.bottom + rowH * o.rows.length;
  const plotW = width - m.left - m.right;
  const extent = Math.max(
    0.05,
    ...o.rows.flatMap((row) => [row.low, row.high, row.change, row.noiseThreshold].filter((v): v is number => v !== null).map(Math.abs)),
  );
  const ticks = niceTicks(-Math.min(10, extent * 1.1), Math.min(10, extent * 1.1), 8);
  const span = Math.max(Math.abs(ticks[0] ?? 1), Math.abs(ticks.at(-1) ?? 1));
  const sx = (v: number) => m.left + ((Math.max(-span, Math.min(span, v)) + span) / (2 * span)) * plotW;
  const parts: string[] = [];
  for (const t of ticks) {
    const x = sx(t);
    parts.push(`<line x1="${r(x)}" x2="${r(x)}" y1="${m.top}" y2="${height - m.bottom}" stroke="${t === 0 ? AXIS : GRID}"/>`);
    parts.push(`<text x="${r(x)}" y="${height - m.bottom + 16}" font-size="11" text-anchor="middle" fill="${TEXT}">${escapeHtml(signed(t))}</text>`);
  }
  parts.push(`<text x="${m.left + plotW / 2}" y="${height - 6}" font-size="11" text-anchor="middle" fill="${MUTED}">change against the baseline (shaded: noise threshold)</text>`);
  o.rows.forEach((row, i) => {
    const y = m.top + i * rowH + rowH / 2;
    const nx0 = sx(-row.noiseThreshold);
    const nx1 = sx(row.noiseThreshold);
    parts.push(`<rect x="${r(nx0)}" y="${r(y - 11)}" width="${r(nx1 - nx0)}" height="22" fill="#f1f3f5"/>`);
    parts.push(`<text x="${m.left - 10}" y="${r(y + 4)}" font-size="12" text-anchor="end" fill="${TEXT}">${escapeHtml(row.label)}</text>`);
    const color = verdictColor(row.verdict);
    if (row.low !== null && row.high !== null) {
      const a = sx(row.low);
      const b = sx(row.high);
      parts.push(`<line x1="${r(a)}" x2="${r(b)}" y1="${r(y)}" y2="${r(y)}" stroke="${color}" stroke-width="2.5"/>`);
      parts.push(`<line x1="${r(a)}" x2="${r(a)}" y1="${r(y - 6)}" y2="${r(y + 6)}" stroke="${color}" stroke-width="2"/>`);
      parts.push(`<line x1="${r(b)}" x2="${r(b)}" y1="${r(y - 6)}" y2="${r(y + 6)}" stroke="${color}" stroke-width="2"/>`);
    }
    if (row.change !== null) {
      if (Math.abs(row.change) <= span) {
        parts.push(`<circle cx="${r(sx(row.change))}" cy="${r(y)}" r="4.5" fill="${color}"/>`);
      } else {
        // Off the scale (a change of thousands of percent): an arrow at the edge, the value in the text.
        const x = sx(row.change);
        const d = row.change > 0 ? 1 : -1;
        parts.push(`<path d="M${r(x + d * 8)} ${r(y)}L${r(x - d * 2)} ${r(y - 6)}L${r(x - d * 2)} ${r(y + 6)}Z" fill="${color}"/>`);
      }
    }
    const text = row.change === null ? row.verdict : `${signed(row.change)} — ${row.verdict}`;
    parts.push(`<text x="${width - m.right + 12}" y="${r(y + 4)}" font-size="12" fill="${color}" font-weight="600">${escapeHtml(text)}</text>`);
  });
  return svg(o.title, width, height, parts.join(''));
}

export interface StripRow {
  label: string;
  color: string;
  values: number[];
}

/** One dot per run on a shared axis, a row per side, the median marked: groups of runs at a glance. */
export function stripChart(o: { title: string; rows: StripRow[]; formatValue: (v: number) => string; width?: number }): string {
  const width = o.width ?? 440;
  const rowH = 30;
  const m = { left: 110, right: 24, top: 26, bottom: 30 };
  const height = m.top + m.bottom + rowH * o.rows.length;
  const all = o.rows.flatMap((row) => row.values).filter(Number.isFinite);
  const parts: string[] = [`<text x="0" y="15" font-size="12" font-weight="600" fill="${TEXT}">${escapeHtml(o.title)}</text>`];
  if (all.length === 0) return svg(o.title, width, height, parts.join('') + `<text x="${m.left}" y="${m.top + 18}" font-size="11" fill="${MUTED}">no data</text>`);
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const pad = (hi - lo) * 0.1 || Math.abs(hi) * 0.05 || 1;
  const ticks = niceTicks(Math.max(0, lo - pad), hi + pad, 4);
  const x0 = Math.min(ticks[0] ?? lo, lo);
  const x1 = Math.max(ticks.at(-1) ?? hi, hi);
  const plotW = width - m.left - m.right;
  const sx = (v: number) => m.left + ((v - x0) / (x1 - x0 || 1)) * plotW;
  for (const t of ticks) {
    const x = sx(t);
    const anchor = x > m.left + plotW - 24 ? 'end' : 'middle';
    parts.push(`<line x1="${r(x)}" x2="${r(x)}" y1="${m.top}" y2="${height - m.bottom}" stroke="${GRID}"/>`);
    parts.push(`<text x="${r(anchor === 'end' ? x + m.right - 2 : x)}" y="${height - m.bottom + 15}" font-size="10" text-anchor="${anchor}" fill="${TEXT}">${escapeHtml(o.formatValue(t))}</text>`);
  }
  o.rows.forEach((row, i) => {
    const y = m.top + i * rowH + rowH / 2;
    parts.push(`<text x="${m.left - 8}" y="${r(y + 4)}" font-size="11" text-anchor="end" fill="${TEXT}">${escapeHtml(row.label)}</text>`);
    for (const v of row.values) parts.push(`<circle cx="${r(sx(v))}" cy="${r(y)}" r="4" fill="${row.color}" fill-opacity="0.75"/>`);
    const sorted = [...row.values].sort((a, b) => a - b);
    if (sorted.length > 0) {
      const mid = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
      parts.push(`<line x1="${r(sx(mid))}" x2="${r(sx(mid))}" y1="${r(y - 10)}" y2="${r(y + 10)}" stroke="${TEXT}" stroke-width="2"/>`);
    }
  });
  return svg(o.title, width, height, parts.join(''));
}

// ---- helpers --------------------------------------------------------------------------------

function svg(title: string, width: number, height: number, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" ${FONT}>` +
    `<title>${escapeHtml(title)}</title>${body}</svg>`
  );
}

function emptyChart(title: string, width: number, height: number, message: string): string {
  return svg(
    title,
    width,
    height,
    `<rect x="0.5" y="0.5" width="${width - 1}" height="${height - 1}" fill="none" stroke="${GRID}"/>` +
      `<text x="${width / 2}" y="${height / 2 + 4}" font-size="12" text-anchor="middle" fill="${MUTED}">${escapeHtml(message)}</text>`,
  );
}

function pathOf(points: Point[], sx: (x: number) => number, sy: (y: number) => number, log: boolean): string {
  let d = '';
  let pen = false;
  for (const p of points) {
    if (p.y === null || !Number.isFinite(p.y) || (log && p.y <= 0)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${r(sx(p.x))} ${r(sy(p.y))}`;
    pen = true;
  }
  return d;
}

function isolatedPoints(points: Point[]): Point[] {
  return points.filter((p, i) => p.y !== null && (points[i - 1]?.y ?? null) === null && (points[i + 1]?.y ?? null) === null);
}

interface LegendItem {
  label: string;
  color: string;
  dashed?: boolean;
}

/** Legend entries laid out in rows that fit `maxWidth`. */
function legendLayout(items: LegendItem[], maxWidth: number): { height: number; svg: (x: number, y: number) => string } {
  if (items.length <= 1 && !items[0]?.label) return { height: 0, svg: () => '' };
  const placed: Array<{ item: LegendItem; dx: number; row: number }> = [];
  let dx = 0;
  let row = 0;
  for (const item of items) {
    const w = 30 + Math.min(60, item.label.length) * 6.4;
    if (dx > 0 && dx + w > maxWidth) {
      dx = 0;
      row++;
    }
    placed.push({ item, dx, row });
    dx += w + 14;
  }
  const height = (row + 1) * 18 + 4;
  return {
    height,
    svg: (x, y) =>
      placed
        .map(({ item, dx: ix, row: ir }) => {
          const ly = y + ir * 18 + 9;
          const dash = item.dashed ? ' stroke-dasharray="6 4"' : '';
          const label = item.label.length > 60 ? `${item.label.slice(0, 59)}…` : item.label;
          return (
            `<line x1="${x + ix}" x2="${x + ix + 22}" y1="${ly}" y2="${ly}" stroke="${item.color}" stroke-width="3"${dash}/>` +
            `<text x="${x + ix + 28}" y="${ly + 4}" font-size="11" fill="${TEXT}">${escapeHtml(label)}</text>`
          );
        })
        .join(''),
  };
}

function r(n: number): string {
  return (Math.round(n * 10) / 10).toString();
}

function fmtNumber(v: number): string {
  return Math.abs(v) >= 1000 ? v.toLocaleString('en-US', { maximumFractionDigits: 0 }) : Number(v.toPrecision(4)).toString();
}

function signed(fraction: number): string {
  const pct = Number((fraction * 100).toFixed(Math.abs(fraction) < 0.1 ? 1 : 0));
  return `${pct > 0 ? '+' : pct < 0 ? '−' : ''}${Math.abs(pct)}%`;
}
