// A flow's data file (issue #12): CSV / JSON → rows, errors naming the file and the line of the
// bad row, the rows' SHA-256, and `data.file` resolved relative to the scenario file.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataFileError, formatOfName, parseDataText, readDataFile, withDataRows } from '../../src/main/flowData/dataFile.ts';
import { rowsSha256 } from '../../src/main/flowRowsHash.ts';
import { scenarioSchema } from '../../src/shared/scenario.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'barrage-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DataFileError);
    return (err as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('CSV', () => {
  it('header row → column names; quoted commas, quotes and line breaks; BOM and CRLF', () => {
    const text = '\uFEFFuser,password,note\r\nuser1,pw-user1,"a, b"\r\nuser2,pw-user2,"say ""hi""\nthere"\r\n\r\n';
    const data = parseDataText(text, 'csv', 'users.csv');
    expect(data.columns).toEqual(['user', 'password', 'note']);
    expect(data.rowCount).toBe(2);
    expect(data.rows).toEqual([
      { user: 'user1', password: 'pw-user1', note: 'a, b' },
      { user: 'user2', password: 'pw-user2', note: 'say "hi"\nthere' },
    ]);
    expect(data.sha256).toBe(rowsSha256(data.rows));
    expect(data.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a row with the wrong number of columns names the file and its line', () => {
    expect(refusal(() => parseDataText('user,password\nuser1,pw-user1\nuser2\nuser3,pw\n', 'csv', 'users.csv'))).toMatch(/^users\.csv: line 3: the row has 1 column; the header has 2 \(user, password\)$/);
    expect(refusal(() => parseDataText('a,b\n1,2\n3,4,5\n', 'csv', 'x.csv'))).toMatch(/^x\.csv: line 3:/);
  });

  it('an unbalanced quote names the line where the quoted field starts', () => {
    expect(refusal(() => parseDataText('a,b\n1,2\n3,"open\n4,5\n6,7\n', 'csv', 'q.csv'))).toMatch(/^q\.csv: line 3: .*never closed/);
    expect(refusal(() => parseDataText('a,b\n1,2\n3,x"y\n', 'csv', 'q.csv'))).toMatch(/^q\.csv: line 3: .*quote/);
  });

  it('header problems and empty files are named', () => {
    expect(refusal(() => parseDataText('user,user\n1,2\n', 'csv', 'h.csv'))).toMatch(/line 1 .*"user" appears twice/);
    expect(refusal(() => parseDataText('first name,b\n1,2\n', 'csv', 'h.csv'))).toMatch(/line 1 .*"first name" is not a variable name/);
    expect(refusal(() => parseDataText('vu,b\n1,2\n', 'csv', 'h.csv'))).toMatch(/"vu" is a built-in/);
    expect(refusal(() => parseDataText('a,b\n', 'csv', 'e.csv'))).toMatch(/^e\.csv: has no rows/);
    expect(refusal(() => parseDataText('', 'csv', 'e.csv'))).toMatch(/has no rows/);
  });
});

describe('JSON', () => {
  it('an array of objects → rows; the same rows as a CSV give the same hash', () => {
    const data = parseDataText('[{"user":"user1","password":"pw-user1"},{"user":"user2","password":"pw-user2"}]', 'json', 'u.json');
    const csv = parseDataText('user,password\nuser1,pw-user1\nuser2,pw-user2\n', 'csv', 'u.csv');
    expect(data.rows).toEqual(csv.rows);
    expect(data.sha256).toBe(csv.sha256);
    expect(parseDataText('[{"id":1,"vip":true}]', 'json', 'n.json').rows).toEqual([{ id: 1, vip: true }]);
  });

  it('a malformed row names its line', () => {
    const text = '[\n  {"user":"user1","password":"a"},\n  {"user":"user2"},\n  {"user":"user3","password":"c"}\n]';
    expect(refusal(() => parseDataText(text, 'json', 'u.json'))).toMatch(/^u\.json: line 3 \(row 2\): has columns user; row 1 has user, password/);
    expect(refusal(() => parseDataText('[\n{"a":1},\n{"a":{"b":2}}\n]', 'json', 'n.json'))).toMatch(/line 3 \(row 2\): "a" must be text, a number or true\/false \(not object\)/);
    expect(refusal(() => parseDataText('[\n{"a":1},\n{"a":null}\n]', 'json', 'n.json'))).toMatch(/line 3 \(row 2\).*not null/);
    expect(refusal(() => parseDataText('[\n{"a":"x,]"},\n7\n]', 'json', 'n.json'))).toMatch(/line 3 \(row 2\): must be an object/);
  });

  it('invalid JSON names the line; a non-array is refused', () => {
    expect(refusal(() => parseDataText('[\n{"a":1},\n{"a":2,}\n]', 'json', 'bad.json'))).toMatch(/^bad\.json: line 3: is not valid JSON/);
    expect(refusal(() => parseDataText('{"a":1}', 'json', 'o.json'))).toMatch(/must be a JSON array/);
  });
});

describe('files and scenarios', () => {
  it('the format comes from the name; an unreadable file is named', () => {
    expect(formatOfName('x/USERS.CSV')).toBe('csv');
    expect(formatOfName('a.json')).toBe('json');
    expect(formatOfName('a.txt')).toBeUndefined();
    expect(refusal(() => readDataFile(path.join(dir, 'missing.csv')))).toMatch(/missing\.csv: cannot read it \(ENOENT\)/);
    expect(refusal(() => readDataFile(path.join(dir, 'a.txt')))).toMatch(/cannot tell the format/);
  });

  it('data.file is read relative to the scenario file; the result validates and keeps rows + sha256', () => {
    mkdirSync(path.join(dir, 'flows', 'data'), { recursive: true });
    writeFileSync(path.join(dir, 'flows', 'data', 'users.csv'), 'user,password\nuser1,pw-user1\nuser2,pw-user2\n');
    const scenarioFile = path.join(dir, 'flows', 'flow.json');
    const raw = {
      protocol: 'flow',
      url: 'http://127.0.0.1:1',
      data: { file: 'data/users.csv', assign: 'sequential' },
      steps: [{ type: 'http', name: 'login', method: 'POST', url: '/login', body: '{"user":"{{user}}","password":"{{password}}"}' }],
    };
    const resolved = withDataRows(raw, scenarioFile);
    const data = resolved.data as { rows: unknown[]; sha256: string; format: string; file: string };
    expect(data.file).toBe('data/users.csv');
    expect(data.format).toBe('csv');
    expect(data.rows).toEqual([
      { user: 'user1', password: 'pw-user1' },
      { user: 'user2', password: 'pw-user2' },
    ]);
    const parsed = scenarioSchema.safeParse(resolved);
    expect(parsed.success).toBe(true);
    // Without the loader, the same scenario is refused: it has no rows.
    expect(scenarioSchema.safeParse(raw).success).toBe(false);
    // Rows already present, or another protocol: left alone.
    expect(withDataRows(resolved, '/nowhere/x.json')).toBe(resolved);
    const http = { protocol: 'http', url: 'http://127.0.0.1:1', data: { file: 'missing.csv' } };
    expect(withDataRows(http, scenarioFile)).toBe(http);
  });
});

describe('CSV rows that span lines', () => {
  it('a bad row after a quoted multi-line field is named by its own first line', () => {
    expect(refusal(() => parseDataText('a,b\n1,"x\ny"\n3,4,5\n', 'csv', 'm.csv'))).toMatch(/^m\.csv: line 4: the row has 3 columns/);
    expect(refusal(() => parseDataText('a,b\n"x\ny",1,2\n', 'csv', 'm.csv'))).toMatch(/^m\.csv: line 2: the row has 3 columns/);
    expect(refusal(() => parseDataText('a,b\n1,2\n\n\n3,"open\n4,5\n', 'csv', 'm.csv'))).toMatch(/^m\.csv: line 5: .*never closed/);
  });
});
