// Numbered schema migrations, applied in order and recorded in PRAGMA user_version.
//
// Rules (a user's history must survive every upgrade):
// - A migration, once released, is never edited: databases in the field went through it as
//   written. Change the schema by appending a new one.
// - Each migration runs in its own IMMEDIATE transaction that re-reads user_version first, so
//   two processes opening an old database at once (the app and a CI run of the CLI) cannot
//   both apply it.
// - A database whose user_version is higher than we know is refused, never "repaired".
import type Database from 'better-sqlite3';

/** PRAGMA application_id of Barrage databases: "Brrg" in ASCII, big-endian. */
export const BARRAGE_APPLICATION_ID = 1114796647;

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'scenarios, runs, per-second samples, tags',
    sql: `
      PRAGMA application_id = ${BARRAGE_APPLICATION_ID};

      CREATE TABLE scenarios (
        id          INTEGER PRIMARY KEY,
        name        TEXT NOT NULL UNIQUE,
        config      TEXT NOT NULL,              -- JSON of the validated Scenario
        created_at  TEXT NOT NULL,              -- ISO 8601, UTC
        updated_at  TEXT NOT NULL
      );

      CREATE TABLE runs (
        id                 INTEGER PRIMARY KEY,
        -- The scenario may be edited or deleted later: config and scenario_name are snapshots.
        scenario_id        INTEGER REFERENCES scenarios(id) ON DELETE SET NULL,
        scenario_name      TEXT,
        protocol           TEXT NOT NULL,
        target_host        TEXT NOT NULL,
        url                TEXT NOT NULL,
        status             TEXT NOT NULL,
        started_at         TEXT NOT NULL,       -- ISO 8601, UTC: sorts as text
        ended_at           TEXT,
        config             TEXT NOT NULL,
        summary            TEXT,                -- JSON RunSummary; NULL while running
        -- Key figures copied out of the summary, so listing and sorting never parse JSON.
        throughput_per_sec REAL,
        p50_us             INTEGER,
        p99_us             INTEGER,
        errors_total       INTEGER,
        duration_sec       REAL,
        histogram          TEXT NOT NULL DEFAULT '',
        notes              TEXT NOT NULL DEFAULT '',
        environment        TEXT NOT NULL,       -- JSON RunEnvironment
        -- Process writing a running run: lets the next start tell a live run from a killed one.
        writer_pid         INTEGER
      );
      CREATE INDEX runs_by_start ON runs(started_at DESC, id DESC);

      -- One row per second. WITHOUT ROWID clusters a run's seconds together on disk, so loading
      -- an hour (3,600 rows) reads a few contiguous pages; rows are small, which is where
      -- WITHOUT ROWID tables do well.
      CREATE TABLE run_samples (
        run_id           INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        t                INTEGER NOT NULL,
        throughput       INTEGER NOT NULL,
        p50_us           INTEGER,               -- latencies NULL when nothing completed
        p99_us           INTEGER,
        max_us           INTEGER,
        mean_us          INTEGER,
        errors           INTEGER NOT NULL,
        open_connections INTEGER NOT NULL,
        bytes_sent       INTEGER NOT NULL,
        bytes_received   INTEGER NOT NULL,
        cpu_percent      REAL NOT NULL,
        loop_lag_ms      REAL NOT NULL,
        warmup           INTEGER NOT NULL,
        PRIMARY KEY (run_id, t)
      ) WITHOUT ROWID;

      CREATE TABLE run_tags (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        tag    TEXT NOT NULL,
        PRIMARY KEY (run_id, tag)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    description: 'run groups, scenario baselines, writer incarnation, filter indexes',
    sql: `
      -- Runs measured together (showdown, A/B) share a group id.
      ALTER TABLE runs ADD COLUMN group_id TEXT;
      -- A pid is reused after a restart (always so in containers): the token tells this process's
      -- runs from those of a dead process that happened to have the same pid.
      ALTER TABLE runs ADD COLUMN writer_token TEXT;
      ALTER TABLE scenarios ADD COLUMN baseline_run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL;

      CREATE INDEX runs_by_scenario ON runs(scenario_id, started_at DESC);
      CREATE INDEX runs_by_scenario_name ON runs(scenario_name, started_at DESC);
      CREATE INDEX runs_by_protocol ON runs(protocol, started_at DESC);
      CREATE INDEX runs_by_status ON runs(status, started_at DESC);
      CREATE INDEX runs_by_group ON runs(group_id) WHERE group_id IS NOT NULL;
      CREATE INDEX run_tags_by_tag ON run_tags(tag, run_id);
      CREATE INDEX scenarios_by_baseline ON scenarios(baseline_run_id) WHERE baseline_run_id IS NOT NULL;
    `,
  },
  {
    version: 3,
    description: 'threshold outcome of each run',
    sql: `
      -- 1 when every threshold of the run passed, 0 when one failed, NULL when the run had none
      -- (or has no result yet). The per-threshold results live in the summary's JSON.
      ALTER TABLE runs ADD COLUMN thresholds_passed INTEGER;
      CREATE INDEX runs_by_thresholds ON runs(thresholds_passed, started_at DESC) WHERE thresholds_passed IS NOT NULL;
    `,
  },
  {
    version: 4,
    description: 'open-model backlog per second',
    sql: `
      -- Open model only: scheduled sends due by the end of the second that had not gone out;
      -- NULL in the closed model and in seconds stored before it existed.
      ALTER TABLE run_samples ADD COLUMN behind INTEGER;
    `,
  },
  {
    version: 5,
    description: 'latency histogram per second',
    sql: `
      -- The second's latencies as an HdrHistogram (V2 compressed, the bytes of its base64): a
      -- few hundred bytes a second, so a group comparison can merge a run's steady seconds
      -- exactly and resample them (the p99 of A/B groups). NULL when nothing completed and in
      -- seconds stored before it existed.
      ALTER TABLE run_samples ADD COLUMN histogram BLOB;
    `,
  },
  {
    version: 6,
    description: 'flow runs: per-step seconds and iterations per second',
    sql: `
      -- One row per step of a flow that did anything in a second (docs/FLOWS.md): written with
      -- its second while the run goes, so an interrupted run's per-step figures are rebuilt
      -- from them. idx keeps the order of the steps within the second. errors_by_kind,
      -- check_counts ([[passed, failed], …] in the step's checks order) and status_codes are
      -- small JSON texts, NULL when empty; histogram is the second's latencies of the step
      -- (HdrHistogram V2 compressed), NULL when none completed.
      CREATE TABLE run_step_samples (
        run_id         INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        t              INTEGER NOT NULL,
        idx            INTEGER NOT NULL,
        step           TEXT NOT NULL,
        count          INTEGER NOT NULL,
        errors         INTEGER NOT NULL,
        errors_by_kind TEXT,
        checks_passed  INTEGER NOT NULL,
        checks_failed  INTEGER NOT NULL,
        check_counts   TEXT,
        status_codes   TEXT,
        histogram      BLOB,
        PRIMARY KEY (run_id, t, idx)
      ) WITHOUT ROWID;

      -- Iterations started, completed and abandoned in the second and their durations; NULL
      -- outside flows and in seconds stored before this.
      ALTER TABLE run_samples ADD COLUMN iterations_started INTEGER;
      ALTER TABLE run_samples ADD COLUMN iterations_completed INTEGER;
      ALTER TABLE run_samples ADD COLUMN iterations_abandoned INTEGER;
      ALTER TABLE run_samples ADD COLUMN iteration_histogram BLOB;
    `,
  },
  {
    version: 7,
    description: 'the end-of-run drain as its own period',
    sql: `
      -- 1 for the drain after a WebSocket run's planned end: answers to messages sent before
      -- the end, arriving while the swarm waits for them. Kept out of the steady seconds (it
      -- is not a second of the planned load). Before this, the drain was folded into the last
      -- planned second (one run read 719 msg/s there against 300 in every other second).
      ALTER TABLE run_samples ADD COLUMN drain INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 8,
    description: 'flow ws-send steps: answers out of order and unmatched per second',
    sql: `
      -- A ws-send step with expect: answers that came after the answer to a later send of the
      -- step, and messages carrying the match key that matched no send (docs/FLOWS.md). NULL
      -- when none, in other steps and in seconds stored before this.
      ALTER TABLE run_step_samples ADD COLUMN out_of_order INTEGER;
      ALTER TABLE run_step_samples ADD COLUMN unmatched INTEGER;
    `,
  },
];

/** The newest schema: versions are 1..N without a gap (tests/unit/storeMigration checks it). */
export const SCHEMA_VERSION = MIGRATIONS.length;

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Applies the migrations above `user_version`, up to `target` (tests build old databases with a
 * lower target). Returns the versions applied.
 */
export function migrate(db: Database.Database, target: number = SCHEMA_VERSION): number[] {
  const applied: number[] = [];
  for (const migration of MIGRATIONS) {
    if (migration.version > target) break;
    // Checked before taking the write lock too, so opening an up-to-date database never waits.
    if (schemaVersion(db) >= migration.version) continue;
    const apply = db.transaction(() => {
      // Re-read inside the write lock: another process may have migrated meanwhile.
      if (schemaVersion(db) >= migration.version) return false;
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
      return true;
    });
    if (apply.immediate()) applied.push(migration.version);
  }
  return applied;
}
