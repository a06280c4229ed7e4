// The history is never destroyed (issue #10 item 5): an output file never replaces the database
// it was read from, an existing file is not replaced without --force, and output is written to
// a temporary file and renamed (an interrupted write never leaves half a file).
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/main/store/runStore.ts';
import { runCli } from './support/cliProcess.ts';
import { runAt, storeRun } from './fixtures/storedRuns.ts';

const dir = mkdtempSync(join(tmpdir(), 'barrage-history-safety-'));
const db = join(dir, 'history.db');

beforeAll(() => {
  const store = openStore(db);
  storeRun(store, runAt(0));
  store.close();
});

function sqliteHeader(file: string): string {
  return readFileSync(file).subarray(0, 15).toString('latin1');
}

describe('outputs never destroy the history', () => {
  for (const [name, args] of [
    ['runs export', ['runs', 'export', '1']],
    ['report', ['report', '1']],
  ] as const) {
    it(`${name} --out <the history database> is refused, and the database survives`, async () => {
      const r = await runCli([...args, '--db', db, '--out', db]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/is the run history/);
      expect(sqliteHeader(db)).toBe('SQLite format 3');
      const list = await runCli(['runs', 'list', '--db', db, '--json']);
      expect(list.code, list.stderr).toBe(0);
      // Even through --force.
      const forced = await runCli([...args, '--db', db, '--out', db, '--force']);
      expect(forced.code).toBe(2);
      expect(sqliteHeader(db)).toBe('SQLite format 3');
    });

    it(`${name} does not replace an existing file without --force`, async () => {
      const out = join(dir, `${name.replace(' ', '-')}.out`);
      writeFileSync(out, 'precious');
      const r = await runCli([...args, '--db', db, '--out', out]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/exists.*--force/);
      expect(readFileSync(out, 'utf8')).toBe('precious');
      const forced = await runCli([...args, '--db', db, '--out', out, '--force']);
      expect(forced.code, forced.stderr).toBe(0);
      expect(readFileSync(out, 'utf8')).not.toBe('precious');
      // Written through a temporary file in the same folder, which is gone afterwards.
      expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    });
  }
});

describe('scenario files: typos and contradictions are refused (item 4)', () => {
  it('"conections": 500 exits 2 naming the field and the suggestion, and does not run', async () => {
    const file = join(dir, 'typo.json');
    writeFileSync(file, JSON.stringify({ protocol: 'http', url: 'http://127.0.0.1:9/', conections: 500, durationSec: 1 }));
    const r = await runCli(['run', '--scenario', file, '--no-save', '-q']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/unknown field "conections" \(did you mean "connections"\?\)/);
  });

  it('"protocol": "ws" with an http:// URL is refused, not run as HTTP', async () => {
    const file = join(dir, 'mismatch.json');
    writeFileSync(file, JSON.stringify({ protocol: 'ws', url: 'http://127.0.0.1:9/', durationSec: 1 }));
    const r = await runCli(['run', '--scenario', file, '--no-save', '-q']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/protocol.*ws.*http/i);
  });
});
