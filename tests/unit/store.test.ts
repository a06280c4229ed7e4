import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type RunStore } from '../../src/main/store/runStore.ts';
import { collectEnvironment } from '../../src/main/store/environment.ts';
import { StoreError, translateSqliteError } from '../../src/main/store/storeError.ts';
import { SCHEMA_VERSION } from '../../src/main/store/migrations.ts';
import { defaultDbPath, prepareDbPath, resolveDbPath } from '../../src/main/store/dbLocation.ts';
import { syntheticRun, syntheticScenario } from '../fixtures/syntheticRun.ts';
import { concurrencyOf } from '../../src/shared/scenario.ts';
import { tempDbPath, tempDir } from '../fixtures/tempStore.ts';

const open: RunStore[] = [];
function store(file = tempDbPath()): RunStore {
  const s = openStore(file);
  open.push(s);
  return s;
}
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

describe('run round trip', () => {
  it('stores and loads every field of a run', () => {
    const s = store();
    const scenario = s.saveScenario('checkout', syntheticScenario({ name: 'ignored' }));
    const result = syntheticRun({ seconds: 30, name: 'checkout' });
    const environment = collectEnvironment(result.config, 2);
    const id = s.createRun({
      config: result.config,
      scenarioId: scenario.id,
      environment,
      tags: ['nightly', ' v2 ', 'nightly', ''],
      notes: 'first try',
      groupId: 'showdown-1',
      startedAt: result.summary.startedAt,
    });
    s.appendSamples(id, result.samples.slice(0, 10));
    s.appendSamples(id, result.samples.slice(10, 20));
    s.finishRun(id, result);

    const run = s.getRun(id)!;
    expect(run).toEqual({
      ...result,
      id,
      scenarioId: scenario.id,
      scenarioName: 'checkout',
      groupId: 'showdown-1',
      tags: ['nightly', 'v2'],
      notes: 'first try',
      environment,
    });
    // Exactly, not just deep-equal modulo undefined: the JSON round trip keeps every key.
    expect(JSON.stringify(run.summary)).toBe(JSON.stringify(result.summary));
    expect(run.histogram).toBe(result.histogram);
  });

  it('keeps WebSocket figures and samples without latency', () => {
    const s = store();
    const result = syntheticRun({ protocol: 'ws', seconds: 5 });
    result.samples[4] = { ...result.samples[4], throughput: 0, latencyUs: null };
    const id = s.createRun({ config: result.config, environment: collectEnvironment(result.config, 2) });
    s.finishRun(id, result);
    const run = s.getRun(id)!;
    expect(run.samples).toEqual(result.samples);
    expect(run.summary.ws).toEqual(result.summary.ws);
    expect(run.scenarioName).toBeNull();
  });

  it('finishRun is idempotent and merges samples already appended', () => {
    const s = store();
    const result = syntheticRun({ seconds: 8 });
    const id = s.createRun({ config: result.config, environment: collectEnvironment(result.config, 1) });
    // The last appended second was partial when appended; the result's figures win.
    s.appendSamples(id, [...result.samples.slice(0, 4), { ...result.samples[4], throughput: 1 }]);
    s.finishRun(id, result);
    s.finishRun(id, result);
    expect(s.getRun(id)!.samples).toEqual(result.samples);
    expect(() => s.appendSamples(id, result.samples)).toThrow(/is completed, it takes no more samples/);
  });

  it('gives a running run a provisional summary from its stored seconds', () => {
    const s = store();
    const result = syntheticRun({ seconds: 6 });
    const id = s.createRun({ config: result.config, environment: collectEnvironment(result.config, 1) });
    s.appendSamples(id, result.samples);
    const run = s.getRun(id)!;
    expect(run.summary.status).toBe('running');
    expect(run.summary.throughput.total).toBe(result.summary.throughput.total);
    expect(run.summary.notes[0]).toMatch(/Provisional/);
    const listed = s.listRuns().runs[0];
    expect(listed.status).toBe('running');
    expect(listed.summary).toBeNull();
    expect(listed.throughputPerSec).toBeNull();
    // This process is alive: its own run must not be taken for an interrupted one.
    expect(s.recoverInterrupted()).toEqual([]);
  });

  it('rejects unknown runs with an error naming the file', () => {
    const s = store();
    const result = syntheticRun({ seconds: 2 });
    expect(s.getRun(42)).toBeUndefined();
    expect(() => s.finishRun(42, result)).toThrow(StoreError);
    expect(() => s.setNotes(42, 'x')).toThrow(`run 42 not found in ${s.file}`);
    expect(() => s.createRun({ config: result.config, scenarioId: 9, environment: collectEnvironment(result.config, 1) })).toThrow(
      /scenario 9 not found/,
    );
  });
});

describe('listing', () => {
  function seed(s: RunStore) {
    const ids: number[] = [];
    const make = (i: number, extra: Partial<Parameters<RunStore['createRun']>[0]> = {}, protocol: 'http' | 'ws' = 'http') => {
      const startedAt = new Date(Date.UTC(2025, 0, 1, 12, 0, i)).toISOString();
      const result = syntheticRun({ seconds: 3, seed: i, protocol, startedAt, rate: 1000 * (i + 1) });
      const id = s.createRun({ config: result.config, environment: collectEnvironment(result.config, 1), startedAt, ...extra });
      s.finishRun(id, result);
      ids.push(id);
      return id;
    };
    const sc = s.saveScenario('login', syntheticScenario());
    make(0, { scenarioId: sc.id, tags: ['ci'] });
    make(1, { tags: ['ci', 'slow'], notes: 'after the cache change' });
    make(2, {}, 'ws');
    make(3, { scenarioId: sc.id, groupId: 'g1' });
    make(4, { groupId: 'g1' });
    return { ids, scenario: sc };
  }

  it('lists newest first with figures, tags and summaries, and counts the total', () => {
    const s = store();
    const { ids } = seed(s);
    const list = s.listRuns({ limit: 2 });
    expect(list.total).toBe(5);
    expect(list.runs.map((r) => r.id)).toEqual([ids[4], ids[3]]);
    const r = s.listRuns({ offset: 3, limit: 1 }).runs[0];
    expect(r.id).toBe(ids[1]);
    expect(r.tags).toEqual(['ci', 'slow']);
    expect(r.summary?.throughput.perSec).toBe(r.throughputPerSec);
    expect(r.p99Us).toBe(r.summary?.latencyUs.p99);
    expect(r.targetHost).toBe('127.0.0.1:8080');
  });

  it('filters by scenario, tag, protocol, status, group and text', () => {
    const s = store();
    const { ids, scenario } = seed(s);
    const idsOf = (f: Parameters<RunStore['listRuns']>[0]) => s.listRuns(f).runs.map((r) => r.id);
    expect(idsOf({ scenario: 'login' })).toEqual([ids[3], ids[0]]);
    // Renamed scenario: its runs keep their snapshot name and are still found by the new name.
    s.renameScenario('login', 'sign-in');
    expect(idsOf({ scenario: 'sign-in' })).toEqual([ids[3], ids[0]]);
    expect(idsOf({ scenario: 'login' })).toEqual([ids[3], ids[0]]);
    expect(idsOf({ scenario: scenario.id })).toEqual([ids[3], ids[0]]);
    expect(idsOf({ tag: 'ci' })).toEqual([ids[1], ids[0]]);
    expect(idsOf({ protocol: 'ws' })).toEqual([ids[2]]);
    expect(idsOf({ status: 'completed' })).toHaveLength(5);
    expect(idsOf({ status: 'failed' })).toEqual([]);
    expect(idsOf({ groupId: 'g1' })).toEqual([ids[4], ids[3]]);
    expect(idsOf({ text: 'CACHE' })).toEqual([ids[1]]);
    expect(idsOf({ text: '100%' })).toEqual([]);
    expect(idsOf({ text: 'echo' })).toEqual([ids[2]]);
    expect(idsOf({ tag: 'ci', scenario: 'login' })).toEqual([ids[0]]);
  });

  it('sorts by figures, best first, and reverses', () => {
    const s = store();
    const { ids } = seed(s);
    // Throughput grows with the seed index.
    expect(s.listRuns({ sort: 'throughput' }).runs.map((r) => r.id)).toEqual([...ids].reverse());
    expect(s.listRuns({ sort: 'throughput', reverse: true }).runs.map((r) => r.id)).toEqual(ids);
    expect(s.listRuns({ sort: 'oldest' }).runs.map((r) => r.id)).toEqual(ids);
    const p99 = s.listRuns({ sort: 'p99' }).runs.map((r) => r.p99Us!);
    expect(p99).toEqual([...p99].sort((a, b) => a - b));
    expect(() => s.listRuns({ limit: -1 })).toThrow(/limit must be a whole number/);
  });

  it('deletes runs with their samples and tags, and edits notes and tags', () => {
    const s = store();
    const { ids, scenario } = seed(s);
    s.setBaseline(scenario.id, ids[0]);
    expect(s.addTags(ids[2], ['b', 'a', 'b'])).toEqual(['a', 'b']);
    expect(s.removeTags(ids[2], ['b', 'zzz'])).toEqual(['a']);
    s.setNotes(ids[2], 'ws run');
    expect(s.getRun(ids[2])!.notes).toBe('ws run');
    expect(s.listTags()).toEqual([
      { tag: 'ci', runs: 2 },
      { tag: 'a', runs: 1 },
      { tag: 'slow', runs: 1 },
    ]);
    expect(s.deleteRuns([ids[0], ids[1], 999, ids[0]])).toEqual([ids[0], ids[1]]);
    expect(s.getRun(ids[0])).toBeUndefined();
    expect(s.listRuns().total).toBe(3);
    // The baseline pointed at a deleted run: cleared, not dangling.
    expect(s.getScenario('login')!.baselineRunId).toBeNull();
    const raw = new Database(s.file, { readonly: true });
    expect(raw.prepare('SELECT count(*) AS n FROM run_samples WHERE run_id IN (?, ?)').get(ids[0], ids[1])).toEqual({ n: 0 });
    expect(raw.prepare('SELECT count(*) AS n FROM run_tags WHERE run_id IN (?, ?)').get(ids[0], ids[1])).toEqual({ n: 0 });
    raw.close();
  });
});

describe('scenarios', () => {
  it('saves (validated, upsert by name), lists, gets, renames and deletes', () => {
    const s = store();
    const first = s.saveScenario('api', { protocol: 'http', url: 'http://localhost:3000/' });
    expect(first.config).toMatchObject({ protocol: 'http', name: 'api', method: 'GET', connections: 10 });
    expect(first.baselineRunId).toBeNull();
    const updated = s.saveScenario(' api ', { protocol: 'http', url: 'http://localhost:3000/', connections: 50 });
    expect(updated.id).toBe(first.id);
    expect(concurrencyOf(updated.config)).toBe(50);
    expect(updated.createdAt).toBe(first.createdAt);
    s.saveScenario('42', { protocol: 'ws', url: 'ws://localhost:3000/ws' });
    expect(s.listScenarios().map((x) => x.name)).toEqual(['42', 'api']);
    expect(s.getScenario('42')!.config.protocol).toBe('ws');
    expect(s.getScenario(first.id)!.name).toBe('api');
    expect(s.getScenario(String(first.id))!.name).toBe('api');
    expect(s.getScenario('nope')).toBeUndefined();

    expect(() => s.saveScenario('bad', { protocol: 'http', url: 'ftp://x', connections: 0 })).toThrow(
      /scenario "bad" is not valid:\n(.|\n)*connections: must be at least 1/,
    );
    expect(() => s.saveScenario('bad', { protocol: 'http', url: 'ftp://x' })).toThrow(/url: scheme ftp is not supported/);
    expect(() => s.renameScenario('api', '42')).toThrow(/already exists/);
    const renamed = s.renameScenario('api', 'api-v2');
    expect(renamed.config.name).toBe('api-v2');

    const result = syntheticRun({ seconds: 2 });
    const runId = s.createRun({ config: result.config, scenarioId: renamed.id, environment: collectEnvironment(result.config, 1) });
    s.finishRun(runId, result);
    s.setBaseline(renamed.id, runId);
    expect(s.getScenario('api-v2')!.baselineRunId).toBe(runId);
    expect(() => s.setBaseline(renamed.id, 999)).toThrow(/run 999 not found/);

    expect(s.deleteScenario('api-v2')).toBe(true);
    expect(s.deleteScenario('api-v2')).toBe(false);
    // The run stays, with its own snapshot of the scenario.
    const run = s.getRun(runId)!;
    expect(run.scenarioId).toBeNull();
    expect(run.scenarioName).toBe('api-v2');
    expect(run.config).toEqual(result.config);
  });
});

describe('opening databases', () => {
  it('creates the folder, uses WAL, foreign keys and the current schema', () => {
    const file = path.join(tempDir(), 'deep', 'er', 'history.db');
    const s = store(file);
    expect(fs.existsSync(file)).toBe(true);
    const raw = new Database(file);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    raw.close();
    expect(s.file).toBe(file);
    // Reopening an up-to-date database changes nothing.
    s.close();
    store(file).close();
  });

  it('opens a private in-memory database', () => {
    const s = openStore(':memory:');
    const result = syntheticRun({ seconds: 2 });
    const id = s.createRun({ config: result.config, environment: collectEnvironment(result.config, 1) });
    s.finishRun(id, result);
    expect(s.getRun(id)!.samples).toEqual(result.samples);
    s.close();
  });

  it('refuses a folder', () => {
    const dir = tempDir();
    expect(() => openStore(dir)).toThrow(`${dir} is not a Barrage database (it is a folder)`);
  });

  it('refuses a device, naming it, instead of a disk I/O error', () => {
    expect(() => openStore('/dev/null')).toThrow('/dev/null is not a Barrage database (it is not a regular file)');
  });

  it('turns a disk I/O error or a full disk into one line naming the file', () => {
    for (const code of ['SQLITE_IOERR_FSYNC', 'SQLITE_FULL']) {
      const err = translateSqliteError(Object.assign(new Error('disk I/O error'), { code }), '/x/runs.db', 5000);
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).message).toBe(`/x/runs.db cannot be read or written (disk I/O error: ${code})`);
    }
  });

  it('refuses a file that is not a database, naming it', () => {
    const file = path.join(tempDir(), 'notes.db');
    fs.writeFileSync(file, 'these are my notes, not a database\n'.repeat(100));
    let error: unknown;
    try {
      openStore(file);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('not-a-database');
    expect((error as Error).message).toBe(`${file} is not a Barrage database (file is not a database)`);
    // Untouched.
    expect(fs.readFileSync(file, 'utf8')).toBe('these are my notes, not a database\n'.repeat(100));
  });

  it("refuses another application's SQLite database", () => {
    const file = tempDbPath('other.db');
    const raw = new Database(file);
    raw.exec('CREATE TABLE contacts (name TEXT)');
    raw.close();
    expect(() => openStore(file)).toThrow(`${file} is not a Barrage database (it is an SQLite database of another application)`);
  });

  it('refuses a database from a newer Barrage, naming both schema versions', () => {
    const file = tempDbPath();
    store(file).close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    raw.close();
    expect(() => openStore(file)).toThrow(
      `${file} was written by a newer Barrage (schema ${SCHEMA_VERSION + 5}, this version knows ${SCHEMA_VERSION})`,
    );
  });

  it('reports a database locked by another writer for too long, naming it', () => {
    const file = tempDbPath();
    const s = openStore(file, { busyTimeoutMs: 200 });
    open.push(s);
    const result = syntheticRun({ seconds: 2 });
    const id = s.createRun({ config: result.config, environment: collectEnvironment(result.config, 1) });
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    try {
      const started = Date.now();
      expect(() => s.appendSamples(id, result.samples)).toThrow(
        `${file} is locked by another writer (waited 200 ms); is another Barrage busy with it?`,
      );
      expect(Date.now() - started).toBeGreaterThanOrEqual(150);
      // Reading still works while another connection writes (WAL).
      expect(s.getRun(id)!.samples).toEqual([]);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    s.appendSamples(id, result.samples);
    expect(s.getRun(id)!.samples).toHaveLength(2);
  });

  it('lets two connections (app and CLI) use one file at once', () => {
    const file = tempDbPath();
    const app = store(file);
    const cli = store(file);
    const result = syntheticRun({ seconds: 4 });
    const id = cli.createRun({ config: result.config, environment: collectEnvironment(result.config, 1) });
    cli.appendSamples(id, result.samples.slice(0, 2));
    expect(app.getRun(id)!.samples).toHaveLength(2);
    cli.finishRun(id, result);
    expect(app.listRuns().runs[0].status).toBe('completed');
  });
});

describe('database location', () => {
  it('follows each OS convention', () => {
    expect(defaultDbPath({ platform: 'linux', env: { XDG_DATA_HOME: '/data' }, home: '/home/u' })).toBe('/data/barrage/barrage.db');
    expect(defaultDbPath({ platform: 'linux', env: { XDG_DATA_HOME: 'relative' }, home: '/home/u' })).toBe(
      '/home/u/.local/share/barrage/barrage.db',
    );
    expect(defaultDbPath({ platform: 'linux', env: {}, home: '/home/u' })).toBe('/home/u/.local/share/barrage/barrage.db');
    expect(defaultDbPath({ platform: 'darwin', env: {}, home: '/Users/u' })).toBe(
      '/Users/u/Library/Application Support/Barrage/barrage.db',
    );
    expect(defaultDbPath({ platform: 'win32', env: { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, home: 'C:\\Users\\u' })).toBe(
      'C:\\Users\\u\\AppData\\Roaming\\Barrage\\barrage.db',
    );
  });

  it('prefers --db, then BARRAGE_DB, and creates the folder', () => {
    const dir = tempDir();
    expect(resolveDbPath('x.db', { BARRAGE_DB: '/elsewhere/y.db' })).toBe(path.resolve('x.db'));
    expect(resolveDbPath(undefined, { BARRAGE_DB: '/elsewhere/y.db' })).toBe('/elsewhere/y.db');
    expect(resolveDbPath(undefined, { XDG_DATA_HOME: dir })).toBe(
      process.platform === 'linux' ? path.join(dir, 'barrage', 'barrage.db') : defaultDbPath(),
    );
    const file = prepareDbPath(path.join(dir, 'a', 'b', 'c.db'));
    expect(fs.statSync(path.dirname(file)).isDirectory()).toBe(true);
  });
});

describe('environment fingerprint', () => {
  it('records versions, machine and target', () => {
    const env = collectEnvironment({ url: 'https://api.example.com:8443/v1' }, 4);
    expect(env.barrageVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(env.nodeVersion).toBe(process.versions.node);
    expect(env.electronVersion).toBeNull();
    expect(env.os?.platform).toBe(process.platform);
    expect(env.cpu?.count).toBeGreaterThan(0);
    expect(env.workers).toBe(4);
    expect(env.targetHost).toBe('api.example.com:8443');
  });
});
