// Threshold outcomes in the run history: migration 3 adds a column to databases of version 2
// without touching their runs, finished and imported runs fill it, and the list filters on it.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { evaluateThresholds } from '../../src/shared/thresholds.ts';
import { migrate, SCHEMA_VERSION } from '../../src/main/store/migrations.ts';
import { openStore } from '../../src/main/store/runStore.ts';
import { storeRun, runAt } from '../fixtures/storedRuns.ts';
import { tempDbPath } from '../fixtures/tempStore.ts';

describe('thresholds in the store', () => {
  it('upgrades a version 2 database: its runs keep everything and have no outcome (null)', () => {
    const file = tempDbPath();
    const result = runAt(0, { seed: 1 });
    const v2 = new Database(file);
    v2.pragma('journal_mode = WAL');
    expect(migrate(v2, 2)).toEqual([1, 2]);
    // A finished run as version 2 wrote it: its columns only.
    v2.prepare(
      `INSERT INTO runs (id, protocol, target_host, url, status, started_at, ended_at, config, summary, throughput_per_sec,
         p50_us, p99_us, errors_total, duration_sec, histogram, environment, group_id)
       VALUES (7, 'http', '127.0.0.1:8080', ?, 'completed', ?, ?, ?, ?, 1, 2, 3, 4, 5, ?, '{}', NULL)`,
    ).run(result.config.url, result.summary.startedAt, result.summary.endedAt, JSON.stringify(result.config), JSON.stringify(result.summary), result.histogram);
    v2.close();

    const store = openStore(file);
    try {
      const raw = new Database(file, { readonly: true });
      expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(raw.prepare('SELECT thresholds_passed FROM runs WHERE id = 7').get()).toEqual({ thresholds_passed: null });
      raw.close();
      expect(store.listRuns().runs[0]).toMatchObject({ id: 7, thresholdsPassed: null, throughputPerSec: 1, p99Us: 3 });
      expect(store.getRun(7)!.summary).toEqual(result.summary);
      expect(store.listRuns({ passed: true }).total).toBe(0);
      expect(store.listRuns({ passed: false }).total).toBe(0);
    } finally {
      store.close();
    }
  });

  it('stores each run\'s outcome when it finishes or is imported, and filters on it', () => {
    const store = openStore(tempDbPath());
    try {
      const pass = runAt(0, { seed: 1 });
      pass.summary.thresholds = evaluateThresholds(['p99 < 10s'], pass.summary);
      const fail = runAt(1, { seed: 2 });
      fail.summary.thresholds = evaluateThresholds(['p99 < 10s', 'p50 < 1us'], fail.summary);
      const none = runAt(2, { seed: 3 });
      const ids = [storeRun(store, pass), storeRun(store, fail), storeRun(store, none)];
      const imported = store.insertRun({ ...store.getRun(ids[1])!, summary: { ...fail.summary, startedAt: '2025-06-01T00:00:00.000Z' } });
      expect(store.listRuns({ passed: true }).runs.map((r) => r.id)).toEqual([ids[0]]);
      expect(store.listRuns({ passed: false, sort: 'oldest' }).runs.map((r) => r.id)).toEqual([ids[1], imported]);
      expect(store.listRuns({ sort: 'oldest' }).runs.map((r) => r.thresholdsPassed)).toEqual([true, false, null, false]);
      expect(store.getRun(ids[1])!.summary.thresholds!.map((t) => t.passed)).toEqual([true, false]);
    } finally {
      store.close();
    }
  });
});
