// A database written by the first schema opens in the current version without loss.
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, SCHEMA_VERSION, migrate } from '../../src/main/store/migrations.ts';
import { openStore } from '../../src/main/store/runStore.ts';
import { syntheticRun } from '../fixtures/syntheticRun.ts';
import { tempDbPath } from '../fixtures/tempStore.ts';

describe('schema migrations', () => {
  it('never edits a released migration', () => {
    // Databases in the field went through these exact statements. To change the schema, append
    // a migration; never update these hashes.
    const pinned: Record<number, string> = {
      1: '40fde132136dd8d5247c08f35913cc8934fb267e81763d9ad075c37215f7fe35',
      2: '6e31b501ce60b03bc1dd517f8ccabe3c8016ca3c0a701b32e0e708059197d218',
      3: '2195527b6325e0c102440a5f03bdaecbaac627028180b6d033d4cfca1dfd40cd',
    };
    for (const m of MIGRATIONS) {
      if (pinned[m.version]) expect(createHash('sha256').update(m.sql).digest('hex'), `migration ${m.version}`).toBe(pinned[m.version]);
    }
    // Versions are 1..N without a gap: a database at version N has had every migration up to N.
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  it('opens a version 1 database with its data, and upgrades it', () => {
    const file = tempDbPath();
    const result = syntheticRun({ seconds: 5, name: 'legacy' });
    const interruptedResult = syntheticRun({ seconds: 3, seed: 7 });

    // Written the way the first release wrote it: schema 1 only, its columns only.
    const v1 = new Database(file);
    v1.pragma('journal_mode = WAL');
    v1.pragma('foreign_keys = ON');
    expect(migrate(v1, 1)).toEqual([1]);
    v1.prepare("INSERT INTO scenarios (id, name, config, created_at, updated_at) VALUES (1, 'legacy', ?, '2024-01-01T00:00:00.000Z', '2024-01-02T00:00:00.000Z')").run(
      JSON.stringify(result.config),
    );
    const insertRun = v1.prepare(`INSERT INTO runs (id, scenario_id, scenario_name, protocol, target_host, url, status, started_at,
      ended_at, config, summary, throughput_per_sec, p50_us, p99_us, errors_total, duration_sec, histogram, notes, environment, writer_pid)
      VALUES (@id, @scenario_id, @scenario_name, 'http', '127.0.0.1:8080', @url, @status, @started_at, @ended_at, @config, @summary,
      @tps, @p50, @p99, @errors, @duration, @histogram, @notes, @environment, @writer_pid)`);
    const environment = { barrageVersion: '0.1.0', nodeVersion: '22.12.0', electronVersion: null, os: null, cpu: null, workers: 2, targetHost: '127.0.0.1:8080' };
    insertRun.run({
      id: 1,
      scenario_id: 1,
      scenario_name: 'legacy',
      url: result.config.url,
      status: 'completed',
      started_at: result.summary.startedAt,
      ended_at: result.summary.endedAt,
      config: JSON.stringify(result.config),
      summary: JSON.stringify(result.summary),
      tps: result.summary.throughput.perSec,
      p50: result.summary.latencyUs.p50,
      p99: result.summary.latencyUs.p99,
      errors: result.summary.errors.total,
      duration: result.summary.durationSec,
      histogram: result.histogram,
      notes: 'from v1',
      environment: JSON.stringify(environment),
      writer_pid: null,
    });
    // A run a v1 process left running when it was killed (a pid that cannot exist).
    insertRun.run({
      id: 2,
      scenario_id: null,
      scenario_name: null,
      url: interruptedResult.config.url,
      status: 'running',
      started_at: interruptedResult.summary.startedAt,
      ended_at: null,
      config: JSON.stringify(interruptedResult.config),
      summary: null,
      tps: null,
      p50: null,
      p99: null,
      errors: null,
      duration: null,
      histogram: '',
      notes: '',
      environment: JSON.stringify(environment),
      writer_pid: 2 ** 22 + 12345,
    });
    const insertSample = v1.prepare(`INSERT INTO run_samples (run_id, t, throughput, p50_us, p99_us, max_us, mean_us, errors,
      open_connections, bytes_sent, bytes_received, cpu_percent, loop_lag_ms, warmup) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const samplesOf = (runId: number, r: typeof result) =>
      r.samples.forEach((s) =>
        insertSample.run(runId, s.t, s.throughput, s.latencyUs?.p50, s.latencyUs?.p99, s.latencyUs?.max, s.latencyUs?.mean, s.errors,
          s.openConnections, s.bytesSent, s.bytesReceived, s.cpuPercent, s.loopLagMs, s.warmup ? 1 : 0),
      );
    samplesOf(1, result);
    samplesOf(2, interruptedResult);
    v1.prepare("INSERT INTO run_tags (run_id, tag) VALUES (1, 'old'), (1, 'prod')").run();
    expect(v1.pragma('user_version', { simple: true })).toBe(1);
    v1.close();

    const store = openStore(file);
    try {
      const raw = new Database(file, { readonly: true });
      expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      raw.close();

      expect(store.getRun(1)).toEqual({
        ...result,
        id: 1,
        scenarioId: 1,
        scenarioName: 'legacy',
        groupId: null,
        tags: ['old', 'prod'],
        notes: 'from v1',
        environment,
      });
      const scenario = store.getScenario('legacy')!;
      expect(scenario).toEqual({
        id: 1,
        name: 'legacy',
        config: result.config,
        createdAt: '2024-01-01T00:00:00.000Z',
        updatedAt: '2024-01-02T00:00:00.000Z',
        baselineRunId: null,
      });
      // What schema 2 added works on the upgraded data.
      store.setBaseline(1, 1);
      expect(store.getScenario(1)!.baselineRunId).toBe(1);
      expect(store.listRuns({ tag: 'prod', scenario: 'legacy' }).runs.map((r) => r.id)).toEqual([1]);
      // The v1 run whose writer died (no writer token in v1) is recovered.
      expect(store.recoverInterrupted()).toEqual([2]);
      const recovered = store.getRun(2)!;
      expect(recovered.summary.status).toBe('interrupted');
      expect(recovered.samples).toEqual(interruptedResult.samples);
    } finally {
      store.close();
    }
  });

  it('applies nothing twice', () => {
    const file = tempDbPath();
    const db = new Database(file);
    expect(migrate(db)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(migrate(db)).toEqual([]);
    db.close();
  });
});
