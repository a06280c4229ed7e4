// The showdown's table fitted to the terminal (issue #17, item 10): the plain grid when it fits,
// cells wrapped inside their columns at 100 and 80 columns, transposed when too narrow; no line
// longer than the width and nothing lost.
import { afterEach, describe, expect, it } from 'vitest';
import { fitTable, terminalWidth, wrap, type TableLine } from '../../src/main/cli/format/fitTable.ts';

const header = ['Factor', 'REST (new connection)', 'REST (keep-alive)', 'WebSocket'];
const lines: TableLine[] = [
  { heading: 'Cost' },
  { cells: ['Throughput (exchanges per second)', '94 /s', '302 /s', '850 /s'] },
  { cells: ['Bytes on the wire per exchange, both directions (payload 64 B each way)', '396 B', '406 B', '137 B'] },
  { heading: 'Overhead per message' },
  { cells: ['Bytes to open and close a connection (apart from the exchanges)', '–', '0 B (TCP handshake only)', '302 B (upgrade 161 ↑ 129 ↓, close 8 ↑ 4 ↓)'] },
  { heading: 'TCP connections' },
  { cells: ['TCP connections opened', '300 (1 per exchange)', '2 (one per client, reused 150×)', '2 (one per client, reused 150×)'] },
  { heading: 'Communication model' },
  { cells: ['Model', 'request–response, new connection each', 'request–response; client polls', 'full duplex; server pushes'] },
];
const words = (text: string) => text.split(/\s+/).filter(Boolean);
const allWords = [...header, ...lines.flatMap((l) => ('heading' in l ? [l.heading] : l.cells))].flatMap(words);

describe('fitTable', () => {
  it.each([80, 100, 160, 50])('at %i columns: no line is longer, and every word is still there, in order', (width) => {
    const text = fitTable(header, lines, width);
    const longest = Math.max(...text.split('\n').map((l) => l.length));
    expect(longest).toBeLessThanOrEqual(width);
    // A split word (none here at these widths) would break this: each word appears whole.
    const out = words(text);
    for (const w of allWords) expect(out, w).toContain(w);
  });

  it('at 160 columns every value is on the line of its factor (a grid, values not wrapped)', () => {
    const text = fitTable(header, lines, 160);
    expect(text).toMatch(/^Factor\s+REST \(new connection\)\s+REST \(keep-alive\)\s+WebSocket$/m);
    expect(text).toMatch(/^ {2}TCP connections opened\s+300 \(1 per exchange\)\s+2 \(one per client, reused 150×\)\s+2 \(one per client, reused 150×\)$/m);
    expect(text).toMatch(/^ {2}Bytes to open and close a connection\s+–\s+0 B \(TCP handshake only\)\s+302 B \(upgrade 161 ↑ 129 ↓, close 8 ↑ 4 ↓\)$/m);
  });

  it('at 100 and 80 columns: still side by side, long cells wrapped inside their columns', () => {
    for (const width of [100, 80]) {
      const text = fitTable(header, lines, width);
      const first = text.split('\n')[0];
      expect(first, `${width}`).toMatch(/^Factor\s+REST \(new/);
      expect(first, `${width}`).toMatch(/WebSocket$/);
      // The throughput values share their factor's first line.
      expect(text, `${width}`).toMatch(/^ {2}Throughput.*\s94 \/s\s+302 \/s\s+850 \/s$/m);
    }
  });

  it('too narrow for the columns side by side: transposed, one line per column under each factor', () => {
    const text = fitTable(header, lines, 50);
    expect(text).toMatch(/^ {2}Throughput \(exchanges per second\)$/m);
    expect(text).toMatch(/^ {4}REST \(new connection\) {2}94 \/s$/m);
    expect(text).toMatch(/^ {4}WebSocket {14}850 \/s$/m);
  });

  it('the plain grid when everything fits', () => {
    const small: TableLine[] = [{ heading: 'Latency' }, { cells: ['Round trip p50', '8.75 ms', '3.16 ms', '273 µs'] }];
    expect(fitTable(header, small, 200)).toBe(
      ['Factor            REST (new connection)  REST (keep-alive)  WebSocket', '─'.repeat(69), 'Latency', '  Round trip p50  8.75 ms                3.16 ms            273 µs', ''].join('\n'),
    );
  });
});

describe('wrap', () => {
  it('keeps the leading indent on the first line and hangs the rest', () => {
    expect(wrap('  • one two three four five', 12, 4)).toEqual(['  • one two', '    three', '    four', '    five']);
    expect(wrap('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(wrap('', 10)).toEqual(['']);
  });
});

describe('terminalWidth', () => {
  const saved = process.env.COLUMNS;
  afterEach(() => {
    if (saved === undefined) delete process.env.COLUMNS;
    else process.env.COLUMNS = saved;
  });
  it('a terminal\'s columns; else $COLUMNS; else 80', () => {
    expect(terminalWidth({ isTTY: true, columns: 133 } as NodeJS.WriteStream)).toBe(133);
    process.env.COLUMNS = '101';
    expect(terminalWidth({ isTTY: false } as NodeJS.WriteStream)).toBe(101);
    delete process.env.COLUMNS;
    expect(terminalWidth({ isTTY: false } as NodeJS.WriteStream)).toBe(80);
    process.env.COLUMNS = 'wide';
    expect(terminalWidth({ isTTY: false } as NodeJS.WriteStream)).toBe(80);
  });
});
