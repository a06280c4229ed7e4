// A grouped "factor × columns" table (the showdown's) laid out for a terminal of a given width.
// Three layouts, the first that fits:
//   1. the plain grid, every cell on one line, when the whole table is narrow enough;
//   2. the same grid with long factors and cells word-wrapped inside their columns, while every
//      value column still gets at least MIN_COLUMN characters;
//   3. transposed: each factor on a line of its own and one "column label  value" line per
//      column under it — for terminals too narrow for the columns side by side.
// No line is longer than the width (a single word longer than its column is split).

export type TableLine = { heading: string } | { cells: string[] };

/** Below this a value column is too narrow to read: the table is transposed instead. */
const MIN_COLUMN = 14;
const GAP = 2;
const INDENT = 2;

export function fitTable(header: readonly string[], lines: readonly TableLine[], width: number): string {
  const rows = lines.filter((l): l is { cells: string[] } => 'cells' in l);
  const k = header.length - 1;
  const natural = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (i === 0 ? INDENT : 0) + (r.cells[i] ?? '').length)));
  const naturalTotal = natural.reduce((a, b) => a + b, 0) + GAP * k;
  if (naturalTotal <= width) return grid(header, lines, natural, naturalTotal);

  // The values stay on one line while the factors can wrap down to a quarter of the width.
  const valuesWidth = natural.slice(1).reduce((x, y) => x + y, 0) + GAP * k;
  const factorMin = Math.min(natural[0], Math.max(22, Math.floor(width * 0.25)));
  const factor = Math.max(factorMin, Math.min(natural[0], width - valuesWidth));
  const avail = width - factor - GAP * k;
  if (k > 0 && avail >= k * MIN_COLUMN) return grid(header, lines, [factor, ...share(avail, natural.slice(1))], width);
  return transposed(header, lines, width);
}

/** Splits `avail` characters over columns wanting `wanted`: none gets more than it wants, the narrow ones first. */
function share(avail: number, wanted: readonly number[]): number[] {
  const out = new Array<number>(wanted.length).fill(0);
  let left = avail;
  const order = wanted.map((w, i) => [w, i] as const).sort((a, b) => a[0] - b[0]);
  order.forEach(([w, i], n) => {
    const fair = Math.floor(left / (order.length - n));
    out[i] = Math.min(w, fair);
    left -= out[i];
  });
  return out;
}

function grid(header: readonly string[], lines: readonly TableLine[], widths: readonly number[], ruleWidth: number): string {
  const row = (cells: readonly string[], indentFirst: boolean): string[] => {
    const wrapped = cells.map((c, i) => (i === 0 && indentFirst ? wrap(' '.repeat(INDENT) + c, widths[0], INDENT + 2) : wrap(c, widths[i])));
    const height = Math.max(...wrapped.map((w) => w.length));
    return Array.from({ length: height }, (_, n) =>
      wrapped
        .map((w, i) => (i === wrapped.length - 1 ? (w[n] ?? '') : (w[n] ?? '').padEnd(widths[i])))
        .join(' '.repeat(GAP))
        .trimEnd(),
    );
  };
  const out = [...row(header, false), '─'.repeat(ruleWidth)];
  for (const l of lines) {
    if ('heading' in l) out.push(...wrap(l.heading, ruleWidth));
    else out.push(...row(l.cells, true));
  }
  return out.join('\n') + '\n';
}

function transposed(header: readonly string[], lines: readonly TableLine[], width: number): string {
  const labels = header.slice(1);
  const labelWidth = Math.max(...labels.map((l) => l.length));
  const valueIndent = INDENT * 2 + labelWidth + GAP;
  const valueWidth = Math.max(10, width - valueIndent);
  const out = [...wrap(`${header[0]} — one line each for ${labels.join(' / ')}`, width), '─'.repeat(Math.min(width, 60))];
  for (const l of lines) {
    if ('heading' in l) {
      out.push(...wrap(l.heading, width));
      continue;
    }
    out.push(...wrap(' '.repeat(INDENT) + l.cells[0], width, INDENT + 2));
    labels.forEach((label, i) => {
      const value = wrap(l.cells[i + 1] ?? '', valueWidth);
      value.forEach((v, n) => out.push(`${' '.repeat(INDENT * 2)}${(n === 0 ? label : '').padEnd(labelWidth)}${' '.repeat(GAP)}${v}`.trimEnd()));
    });
  }
  return out.join('\n') + '\n';
}

/**
 * Word-wraps `text` to lines of at most `width` characters. Its leading spaces stay on the first
 * line; the lines after it are indented by `hang`. A word longer than a line is split.
 */
export function wrap(text: string, width: number, hang = 0): string[] {
  const lead = /^ */.exec(text)![0];
  const hangText = ' '.repeat(Math.max(0, Math.min(hang, width - 1)));
  const room = (n: number) => Math.max(1, width - (n === 0 ? lead.length : hangText.length));
  const lines: string[] = [];
  let line = '';
  const flush = () => {
    lines.push(line);
    line = '';
  };
  for (let word of text.slice(lead.length).split(' ').filter((x) => x !== '')) {
    if (line !== '' && line.length + 1 + word.length > room(lines.length)) flush();
    while (line === '' && word.length > room(lines.length)) {
      line = word.slice(0, room(lines.length));
      word = word.slice(line.length);
      flush();
    }
    line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '' || lines.length === 0) flush();
  return lines.map((l, n) => (n === 0 ? lead : hangText) + l);
}

/** The terminal's width for text laid out to fit: the TTY's columns, else $COLUMNS, else 80. */
export function terminalWidth(stream: NodeJS.WriteStream = process.stdout): number {
  if (stream.isTTY && stream.columns > 0) return stream.columns;
  const fromEnv = Number(process.env.COLUMNS);
  return Number.isInteger(fromEnv) && fromEnv >= 20 ? fromEnv : 80;
}
