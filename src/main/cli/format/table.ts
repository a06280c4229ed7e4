// Plain-text tables and times for the terminal.
import { formatStartTime } from '../../../shared/startTime.ts';

export interface Column<T> {
  header: string;
  value: (row: T) => string;
  align?: 'left' | 'right';
  /** Longer cells are cut with an ellipsis. */
  max?: number;
}

/** Rows under a header, columns padded to their widest cell, two spaces apart. */
export function formatTable<T>(rows: T[], columns: Array<Column<T>>): string {
  const cells = rows.map((row) => columns.map((c) => cut(c.value(row), c.max)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i].length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => (columns[i].align === 'right' ? v.padStart(widths[i]) : v.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return `${[line(columns.map((c) => c.header)), ...cells.map(line)].join('\n')}\n`;
}

function cut(s: string, max: number | undefined): string {
  return max !== undefined && s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** Local time to the second, as people read it in a terminal (the app's formatter). */
export function localTime(iso: string): string {
  return formatStartTime(iso);
}
