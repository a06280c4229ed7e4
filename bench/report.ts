// The bench's table: one row per figure, Barrage beside its reference, the ratio and the goal.
// A measurement, not a test: a missed goal is printed clearly but never fails the process.

export type Goal = { kind: 'min' | 'max'; ratio: number } | null;

export interface Row {
  section: string;
  figure: string;
  /** Barrage's figure (null: not measured). */
  barrage: number | null;
  /** The reference's figure; null when the row has no reference (an absolute figure). */
  reference: number | null;
  /** Goal on barrage / reference, or on barrage alone when `absolute` is set. */
  goal: Goal;
  /** The goal applies to the Barrage figure itself (e.g. MB per 1,000 connections ≤ 10). */
  absolute?: boolean;
  unit?: string;
  /** Why a figure is missing, or anything to read beside it. */
  note?: string;
  /** Measured while other processes took CPU: read with care (marked with * in the table). */
  noisy?: boolean;
  /**
   * Barrage / reference of each A B pair, when the row compares paired rounds: the row's ratio
   * (and its verdict) is then the median of these, not barrage / reference (see pairedFigure in
   * common.ts for why).
   */
  pairRatios?: number[];
}

export type Verdict = 'pass' | 'FAIL' | 'n/a' | 'info';

export function ratioOf(row: Row): number | null {
  if (row.pairRatios !== undefined) return median(row.pairRatios);
  if (row.barrage === null || row.reference === null || row.reference === 0) return null;
  return row.barrage / row.reference;
}

export function verdictOf(row: Row): Verdict {
  if (row.goal === null) return 'info';
  const value = row.absolute ? row.barrage : ratioOf(row);
  if (value === null) return 'n/a';
  return row.goal.kind === 'min' ? (value >= row.goal.ratio ? 'pass' : 'FAIL') : value <= row.goal.ratio ? 'pass' : 'FAIL';
}

export function formatNumber(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return '—';
  const abs = Math.abs(n);
  if (abs >= 1000) return Math.round(n).toLocaleString('en-US');
  if (abs >= 100) return n.toFixed(0);
  if (abs >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

function goalText(row: Row): string {
  if (row.goal === null) return '';
  const op = row.goal.kind === 'min' ? '≥' : '≤';
  return row.absolute ? `${op} ${row.goal.ratio}${row.unit ? ` ${row.unit}` : ''}` : `ratio ${op} ${row.goal.ratio}`;
}

export function renderTable(rows: Row[]): string {
  const header = ['section', 'figure', 'Barrage', 'reference', 'ratio', 'goal', 'result'];
  const body = rows.map((row) => {
    const ratio = ratioOf(row);
    return [
      row.section,
      row.figure + (row.unit ? ` (${row.unit})` : ''),
      formatNumber(row.barrage),
      row.reference === null ? (row.goal && !row.absolute ? '—' : '') : formatNumber(row.reference),
      ratio === null ? '' : ratio.toFixed(3),
      goalText(row),
      verdictOf(row) + (row.noisy ? '*' : ''),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const numeric = new Set([2, 3, 4]);
  const line = (cells: string[]) =>
    cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  const out = [line(header), widths.map((w) => '─'.repeat(w)).join('  ')];
  for (const r of body) out.push(line(r));
  if (rows.some((r) => r.noisy)) {
    out.push('', '* noisy: other processes used CPU during these rounds (see "others … cores" in the notes); the figure says more about the machine than about Barrage.');
  }
  const notes = rows
    .filter((r) => r.note || r.pairRatios?.length)
    .map((r) => `  • ${r.section} / ${r.figure}: ${[pairsText(r), r.note].filter(Boolean).join('; ')}`);
  if (notes.length) out.push('', 'notes:', ...notes);
  return out.join('\n');
}

/** The per-pair ratios a row's ratio is the median of, in the order the pairs ran. */
function pairsText(row: Row): string {
  if (!row.pairRatios?.length) return '';
  return `ratio = median of the pairs' ratios ${row.pairRatios.map((r) => r.toFixed(3)).join(', ')}`;
}

export function median(values: number[]): number | null {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** Progress lines go to stderr, so stdout holds the table (and --json's document) only. */
export function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}
