// Issue #10 items 6 and 7 (remainders): a history damaged after the fact — pages overwritten by
// a bad disk, a stored run whose summary or histogram was written by other SQL — ends a command
// in one line naming the file, or degrades the run to figures rebuilt from its stored seconds
// with a note saying so; never a stack trace.
import { copyFileSync, mkdtempSync, openSync, statSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/main/store/runStore.ts';
import { runsHandlers } from '../src/main/api/runsHandlers.ts';
import { createDispatcher } from '../src/main/api/apiDispatcher.ts';
import type { ApiContext } from '../src/main/api/apiContext.ts';
import type { AllHandlers } from '../src/main/api/handlerTypes.ts';
import { runCli } from './support/cliProcess.ts';
import { runAt, storeRun } from './fixtures/storedRuns.ts';

const dir = mkdtempSync(join(tmpdir(), 'barrage-damaged-'));
const healthy = join(dir, 'healthy.db');
const PAGE = 4096;

/** A copy of the healthy history with `pages` pages from page `first` on overwritten with garbage (the header page kept). */
function corrupted(name: string, first: number, pages: number): string {
  const file = join(dir, name);
  copyFileSync(healthy, file);
  const size = statSync(file).size;
  const fd = openSync(file, 'r+');
  const len = Math.min(pages * PAGE, size - first * PAGE);
  writeSync(fd, Buffer.alloc(len, 0xa5), 0, len, first * PAGE);
  closeSync(fd);
  return file;
}

const STACK = /\n\s+at |StoreError:|SyntaxError|TypeError/;

beforeAll(() => {
  const store = openStore(healthy);
  for (let i = 0; i < 20; i++) storeRun(store, runAt(i));
  store.close();
});

describe('a history with damaged pages: one line, no stack trace (item 7)', () => {
  // Page 3 holds the runs table's first pages: the database opens, a write fails mid-command.
  // Later pages hold the overflow of stored summaries: reading them gives text that is not JSON.
  for (const first of [3, 20]) {
    it(`pages ${first}.. overwritten: runs list, runs show, report, compare and run end in one line or degrade`, async () => {
      const db = corrupted(`pages-${first}.db`, first, 3);
      for (const args of [
        ['runs', 'list'],
        ['runs', 'show', '15'],
        ['report', '15', '--out', join(dir, `r-${first}.html`)],
        ['compare', '15', '16'],
        ['run', 'http://127.0.0.1:9/', '-d', '1', '-q'],
      ]) {
        const r = await runCli([...args, '--db', db]);
        expect(r.stderr, args.join(' ')).not.toMatch(STACK);
        if (r.code !== 0 && args[0] !== 'run') {
          expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
          expect(r.stderr).toMatch(/is damaged/);
        }
      }
    });
  }

  it('run on a history whose table pages are damaged says so in one line naming the file, exit 1', async () => {
    const db = corrupted('run.db', 3, 3);
    const r = await runCli(['run', 'http://127.0.0.1:9/', '-d', '1', '-q', '--db', db]);
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stderr.trim()).toMatch(new RegExp(`^barrage run: ${db.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is damaged`));
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.code).toBe(1);
  });
});

describe('a stored run whose summary or histogram is damaged (item 6)', () => {
  const db = join(dir, 'bad-rows.db');
  beforeAll(() => {
    const store = openStore(db);
    for (let i = 0; i < 4; i++) storeRun(store, runAt(i, { seconds: 10 }));
    store.close();
    // Bypass import validation: write the damage with SQL, as another tool or a bad disk would.
    const raw = new Database(db);
    const summary = JSON.parse((raw.prepare('SELECT summary FROM runs WHERE id = 1').get() as { summary: string }).summary) as Record<string, unknown>;
    delete summary.bytes;
    delete summary.connections;
    raw.prepare('UPDATE runs SET summary = ? WHERE id = 1').run(JSON.stringify(summary));
    raw.prepare("UPDATE runs SET histogram = 'bm90IGEgaGlzdG9ncmFt' WHERE id = 2").run();
    raw.prepare("UPDATE runs SET summary = '{\"status\":\"compl' WHERE id = 3").run();
    raw.prepare("UPDATE runs SET config = 'garbage' WHERE id = 4").run();
    raw.close();
  });

  for (const id of [1, 2, 3]) {
    it(`run ${id}: runs show, report and compare show it with a note, exit 0`, async () => {
      const show = await runCli(['runs', 'show', String(id), '--db', db]);
      expect(show.stderr).not.toMatch(STACK);
      expect(show.code, show.stderr).toBe(0);
      expect(show.stdout).toMatch(/damaged/);
      const report = await runCli(['report', String(id), '--db', db, '--out', join(dir, `run-${id}.html`)]);
      expect(report.stderr).not.toMatch(STACK);
      expect(report.code, report.stderr).toBe(0);
      const cmp = await runCli(['compare', String(id), id === 1 ? '2' : '1', '--db', db]);
      expect(cmp.stderr).not.toMatch(STACK);
      expect(cmp.code, cmp.stderr).not.toBeNull();
      expect([0, 4]).toContain(cmp.code);
    });
  }

  it('a run whose configuration is unreadable: one line naming the run, exit 1; runs list still lists the others', async () => {
    for (const args of [['runs', 'show', '4'], ['report', '4', '--out', join(dir, 'run-4.html')], ['compare', '4', '1']]) {
      const r = await runCli([...args, '--db', db]);
      expect(r.stderr, args.join(' ')).not.toMatch(STACK);
      expect(r.stderr.trim(), args.join(' ')).toMatch(/^barrage \w+: run 4 in .* is damaged \(its configuration is not readable\)/);
      expect(r.code).toBe(1);
    }
    const list = await runCli(['runs', 'list', '--db', db, '--json']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stderr).not.toMatch(STACK);
  });

  it("the app's run view (runs.get over the API) gets the run with the note, or an error message", async () => {
    const store = openStore(db);
    try {
      const dispatch = createDispatcher(runsHandlers({ store } as unknown as ApiContext) as unknown as AllHandlers);
      const one = await dispatch('runs.get', 1);
      expect(one.ok).toBe(true);
      if (one.ok) {
        const run = one.value as { summary: { notes: string[]; bytes: { sent: number } } };
        expect(run.summary.notes.join(' ')).toMatch(/stored summary of this run is damaged \(summary\.bytes\.sent is not a number\)/);
        expect(run.summary.bytes.sent).toBeGreaterThan(0);
      }
      const two = await dispatch('runs.get', 2);
      expect(two.ok).toBe(true);
      if (two.ok) expect((two.value as { summary: { notes: string[] } }).summary.notes.join(' ')).toMatch(/histogram of this run is damaged/);
      const four = await dispatch('runs.get', 4);
      expect(four.ok).toBe(false);
      if (!four.ok) expect(four.error.message).toMatch(/run 4 in .* is damaged/);
    } finally {
      store.close();
    }
  });
});
