// `barrage … | head -1` (issue #17): when the reader closes the pipe, the command goes quiet —
// no EPIPE stack trace — and exits 0; what was measured is still kept.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedRuns } from './e2e/support/seedRuns.ts';
import { BIN } from './support/cliProcess.ts';

const dir = mkdtempSync(join(tmpdir(), 'barrage-pipes-'));
const db = join(dir, 'runs.db');

beforeAll(() => seedRuns(db, 1500));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `barrage ARGS | head -1` in bash; returns head's line, barrage's stderr and exit code. */
function piped(args: string): { first: string; stderr: string; code: number } {
  const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" ${args} 2>"${dir}/stderr" | head -1; echo "exit=\${PIPESTATUS[0]}"; cat "${dir}/stderr"`], {
    env: { ...process.env, BARRAGE_DB: db },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const [first, exit, ...rest] = r.stdout.split('\n');
  return { first, code: Number(/^exit=(\d+)$/.exec(exit)?.[1] ?? NaN), stderr: rest.join('\n').trim() };
}

describe('stdout closed by the reader (EPIPE)', () => {
  it('runs list | head -1: the header, no stack trace, exit 0', () => {
    const r = piped('runs list --limit 1500');
    expect(r.first).toMatch(/^\s*ID\s+STARTED\s+STATUS/);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('runs export --format csv | head -1 and runs list --json | head -1 too', () => {
    const csv = piped('runs export 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 --format csv');
    expect(csv.stderr).toBe('');
    expect(csv.code).toBe(0);
    const json = piped('runs list --limit 1500 --json');
    expect(json.first).toBe('{');
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
  });
});
