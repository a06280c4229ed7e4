// Every command opens the run history the same way (src/main/cli/history.ts): a history that
// cannot be used ends `barrage run` and `barrage runs list` alike — one line naming the file, the
// same exit code. (Before, `run --db locked.db` exited 2 and `runs list --db locked.db` exited 1.)
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../src/main/cli/exitCodes.ts';
import { historyExitCode } from '../src/main/cli/history.ts';
import { openStore } from '../src/main/store/runStore.ts';
import { StoreError, type StoreErrorCode } from '../src/main/store/storeError.ts';
import { runCli } from './support/cliProcess.ts';
import { tempDir } from './fixtures/tempStore.ts';

const dir = tempDir('barrage-cli-history-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

// Port 9 (discard) on loopback: nothing listens, and the history fails before any load anyway.
const runArgs = (db: string) => ['run', 'http://127.0.0.1:9/', '-d', '1', '--db', db];

describe('one way to open the history, one exit code per fault', () => {
  it('maps store faults: a refused value is bad input, an unusable history a failure', () => {
    const codes: StoreErrorCode[] = ['not-a-database', 'newer-schema', 'locked', 'read-only', 'not-found', 'invalid', 'conflict'];
    const exit = Object.fromEntries(codes.map((c) => [c, historyExitCode(new StoreError(c, 'h.db', 'x'))]));
    expect(exit).toEqual({ 'not-a-database': 1, 'newer-schema': 1, locked: 1, 'read-only': 1, 'not-found': 1, invalid: 2, conflict: 1 });
  });

  it('a locked history: run and runs list both exit 1 with one line naming the file', async () => {
    const db = path.join(dir, 'locked.db');
    openStore(db).close();
    // Another process's exclusive lock: SQLite makes every other connection wait, then give up.
    const holder = new Database(db);
    holder.pragma('locking_mode = EXCLUSIVE');
    holder.exec('BEGIN EXCLUSIVE');
    try {
      const [run, list] = await Promise.all([runCli(runArgs(db)), runCli(['runs', 'list', '--db', db])]);
      const locked = `${db} is locked by another writer (waited 5 s); is another Barrage busy with it?`;
      expect(list).toMatchObject({ code: EXIT.failed, stdout: '', stderr: `barrage runs: ${locked}\n` });
      expect(run).toMatchObject({ code: EXIT.failed, stdout: '', stderr: `barrage run: ${locked} (use --no-save to run without the history)\n` });
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  });

  it('a file that is not a database: run and runs list both exit 1 with one line naming it', async () => {
    const db = path.join(dir, 'notes.db');
    fs.writeFileSync(db, 'not sqlite at all, just some text that is long enough to have a header\n');
    const [run, list] = await Promise.all([runCli(runArgs(db)), runCli(['runs', 'list', '--db', db])]);
    const bad = `${db} is not a Barrage database (file is not a database)`;
    expect(list).toMatchObject({ code: EXIT.failed, stderr: `barrage runs: ${bad}\n` });
    expect(run).toMatchObject({ code: EXIT.failed, stderr: `barrage run: ${bad} (use --no-save to run without the history)\n` });
  });
});
