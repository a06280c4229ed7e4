// A flow's data file (issue #12): CSV or JSON rows bound to variables by column name. Read once,
// before the scenario is validated, into `data.rows` (with the row count and SHA-256 beside
// them), so the stored scenario holds the rows themselves and a run stays reproducible after the
// file changes. A malformed file is refused naming the file and the line of the bad row.
//
// CSV is parsed by csv-parse (RFC 4180: quoted fields with commas, quotes and line breaks, a
// BOM, CRLF) rather than by hand; the first row names the columns. JSON is an array of objects
// whose values are text, numbers or true/false.
//
// Electron-free and pure apart from readDataFile: the app's builder calls parseDataText with the
// text of an uploaded file.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { CsvError, parse, type Options } from 'csv-parse/sync';
import { BUILTIN_VARIABLES, FLOW_LIMITS, VARIABLE_NAME, type FlowData } from '../../shared/flowSteps.ts';
import { rowsSha256 } from '../flowRowsHash.ts';

export type DataFormat = 'csv' | 'json';
type Value = string | number | boolean;
export type DataRow = Record<string, Value>;

export interface LoadedData {
  rows: DataRow[];
  /** Column names, in the file's order (CSV: its header row; JSON: the first object's keys). */
  columns: string[];
  rowCount: number;
  /** SHA-256 (hex) of the rows' JSON text (src/main/flowRowsHash.ts): the same rows, the same hash. */
  sha256: string;
}

/** A data file that cannot be used; the message names the file and, where there is one, the line. */
export class DataFileError extends Error {}

/** Files larger than this are refused before reading (the rows travel with the scenario). */
const MAX_FILE_BYTES = 100 * 1024 * 1024;

/** The format a file's name says: .csv / .json (any case); undefined for anything else. */
export function formatOfName(name: string): DataFormat | undefined {
  const ext = path.extname(name).toLowerCase();
  return ext === '.csv' ? 'csv' : ext === '.json' ? 'json' : undefined;
}

/** Parses a data file's text. `name` is only for messages (the file's name as the user gave it). */
export function parseDataText(text: string, format: DataFormat, name: string): LoadedData {
  const rows = format === 'csv' ? csvRows(text, name) : jsonRows(text, name);
  if (rows.length === 0) throw new DataFileError(`${name}: has no rows (a data file needs at least one)`);
  if (rows.length > FLOW_LIMITS.dataRows) throw new DataFileError(`${name}: has ${rows.length.toLocaleString('en-US')} rows; at most ${FLOW_LIMITS.dataRows.toLocaleString('en-US')}`);
  return { rows, columns: Object.keys(rows[0]), rowCount: rows.length, sha256: rowsSha256(rows) };
}

/** Reads and parses a data file from disk. */
export function readDataFile(file: string, format?: DataFormat): LoadedData {
  const fmt = format ?? formatOfName(file);
  if (fmt === undefined) throw new DataFileError(`${file}: cannot tell the format from the name; give "format": "csv" or "json"`);
  let text: string;
  try {
    if (statSync(file).size > MAX_FILE_BYTES) throw new DataFileError(`${file}: is larger than 100 MiB`);
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof DataFileError) throw err;
    throw new DataFileError(`${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return parseDataText(text, fmt, file);
}

/**
 * A flow scenario file's `data.file`, read relative to the scenario file's folder into
 * `data.rows` (+ `sha256`, `format`), so the scenario that is validated and stored holds the
 * rows. Anything that is not a flow with a data file without rows is returned as it is.
 */
export function withDataRows(scenario: Record<string, unknown>, scenarioFile: string): Record<string, unknown> {
  if (scenario.protocol !== 'flow') return scenario;
  const data = scenario.data as Partial<FlowData> | undefined;
  if (data === null || typeof data !== 'object' || Array.isArray(data) || typeof data.file !== 'string' || data.rows !== undefined) return scenario;
  if (data.format !== undefined && data.format !== 'csv' && data.format !== 'json') return scenario; // the schema names it
  const file = path.resolve(path.dirname(scenarioFile), data.file);
  const loaded = readDataFile(file, data.format);
  return { ...scenario, data: { ...data, format: data.format ?? formatOfName(file), rows: loaded.rows, sha256: loaded.sha256 } };
}

/** A CSV record with its last line (csv-parse counts physical lines). */
interface CsvRecord {
  record: string[];
  lines: number;
}

function csvRows(text: string, name: string): DataRow[] {
  let records: CsvRecord[];
  // The last line of the last record parsed: where a record that fails to parse begins after.
  let lastLine = 0;
  try {
    const options: Options<CsvRecord, string[]> = {
      bom: true,
      skip_empty_lines: true,
      // Counted here instead, so the message can name the row's first line and both counts.
      relax_column_count: true,
      on_record: (record, context) => {
        lastLine = context.lines;
        return { record, lines: context.lines };
      },
    };
    // csv-parse's typings give on_record's own type only together with `columns`; without it
    // they say string[][], though the records are what on_record returned.
    records = parse(text, options as unknown as Options) as unknown as CsvRecord[];
  } catch (err) {
    if (err instanceof CsvError) throw new DataFileError(`${name}: line ${csvErrorLine(err, text, lastLine)}: ${csvProblem(err)}`);
    throw new DataFileError(`${name}: ${(err as Error).message}`);
  }
  if (records.length === 0) return [];
  const header = records[0].record.map((c) => c.trim());
  checkColumns(header, name, 'line 1 (the header)');
  return records.slice(1).map(({ record, lines }) => {
    if (record.length !== header.length) {
      // `lines` is the record's last line; a quoted field with line breaks started it earlier.
      const inside = record.reduce((n, field) => n + (field.match(/\n/g)?.length ?? 0), 0);
      throw new DataFileError(`${name}: line ${lines - inside}: the row has ${record.length} column${record.length === 1 ? '' : 's'}; the header has ${header.length} (${header.join(', ')})`);
    }
    return Object.fromEntries(header.map((c, i) => [c, record[i]]));
  });
}

/** The line a csv-parse error is about; a quote left open is named where its row starts (the first non-empty line after the last good row), not at the end of the file where the parser noticed. */
function csvErrorLine(err: CsvError, text: string, lastLine: number): number {
  const line = (err as CsvError & { lines?: number }).lines ?? 1;
  if (err.code !== 'CSV_QUOTE_NOT_CLOSED') return line;
  const lines = text.split('\n');
  for (let i = lastLine; i < lines.length; i++) if (lines[i].trim() !== '') return i + 1;
  return line;
}

function csvProblem(err: CsvError): string {
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field starting in this row is never closed (an unbalanced ")';
    case 'INVALID_OPENING_QUOTE':
    case 'CSV_INVALID_CLOSING_QUOTE':
      return `a quote in the middle of a field (quote the whole field and double the inner quote: "a ""b"" c") — ${err.message}`;
    default:
      return err.message;
  }
}

function checkColumns(columns: string[], name: string, where: string): void {
  const seen = new Set<string>();
  for (const c of columns) {
    if (c === '') throw new DataFileError(`${name}: ${where}: a column has no name`);
    if (!VARIABLE_NAME.test(c)) throw new DataFileError(`${name}: ${where}: column "${c}" is not a variable name (letters, digits and _, not starting with a digit)`);
    if ((BUILTIN_VARIABLES as readonly string[]).includes(c)) throw new DataFileError(`${name}: ${where}: column "${c}" is a built-in variable's name; rename it`);
    if (seen.has(c)) throw new DataFileError(`${name}: ${where}: column "${c}" appears twice`);
    seen.add(c);
  }
  if (columns.length > FLOW_LIMITS.dataColumns) throw new DataFileError(`${name}: ${where}: has ${columns.length} columns; at most ${FLOW_LIMITS.dataColumns}`);
}

function jsonRows(text: string, name: string): DataRow[] {
  const body = text.replace(/^\uFEFF/, '');
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    const message = (err as Error).message;
    const at = /position (\d+)/.exec(message);
    const line = at ? lineAt(body, Number(at[1])) : /line (\d+)/.exec(message)?.[1];
    throw new DataFileError(`${name}: ${line !== undefined ? `line ${line}: ` : ''}is not valid JSON (${message})`);
  }
  if (!Array.isArray(value)) throw new DataFileError(`${name}: line 1: must be a JSON array of rows, e.g. [{"user":"user1","password":"pw-user1"}]`);
  if (value.length === 0) return [];
  const starts = elementStarts(body);
  const lineOf = (i: number) => (starts[i] !== undefined ? lineAt(body, starts[i]) : 1);
  const first = value[0] as unknown;
  if (first === null || typeof first !== 'object' || Array.isArray(first)) throw new DataFileError(`${name}: line ${lineOf(0)}: row 1 must be an object of column: value`);
  const columns = Object.keys(first);
  checkColumns(columns, name, `line ${lineOf(0)} (row 1)`);
  const expected = [...columns].sort().join('\u0000');
  return value.map((row: unknown, i) => {
    const where = `line ${lineOf(i)} (row ${i + 1})`;
    if (row === null || typeof row !== 'object' || Array.isArray(row)) throw new DataFileError(`${name}: ${where}: must be an object of column: value`);
    const keys = Object.keys(row);
    if (keys.length !== columns.length || [...keys].sort().join('\u0000') !== expected) {
      throw new DataFileError(`${name}: ${where}: has columns ${keys.join(', ') || '(none)'}; row 1 has ${columns.join(', ')}`);
    }
    for (const [k, v] of Object.entries(row)) {
      if (typeof v !== 'string' && typeof v !== 'boolean' && !(typeof v === 'number' && Number.isFinite(v))) {
        throw new DataFileError(`${name}: ${where}: "${k}" must be text, a number or true/false (not ${v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v})`);
      }
    }
    return row as DataRow;
  });
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * Offsets where each element of a (valid) top-level JSON array starts, so a bad row can be
 * named by its line. JSON.parse gives values without positions; this scan only tracks strings
 * and nesting depth, which valid JSON makes unambiguous.
 */
function elementStarts(text: string): number[] {
  const starts: number[] = [];
  let depth = 0;
  let inString = false;
  let expectElement = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t') continue;
    if (depth === 1 && expectElement && ch !== ']') {
      starts.push(i);
      expectElement = false;
    }
    if (ch === '"') inString = true;
    else if (ch === '[' || ch === '{') {
      depth++;
      if (depth === 1) expectElement = true;
    } else if (ch === ']' || ch === '}') depth--;
    else if (ch === ',' && depth === 1) expectElement = true;
  }
  return starts;
}
