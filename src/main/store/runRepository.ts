// Runs in the history: created when a run starts, fed one second at a time, finished with the
// engine's result; listed, loaded, annotated and deleted afterwards.
import type { RunResult, RunSample, RunStatus, RunSummary } from '../../shared/runResult.ts';
import type { Scenario } from '../../shared/scenario.ts';
import { configToStore, redactEnvironment, redactSecretsDeep, redactSecretsInText, secretValuesOf, shardScenarios } from '../../shared/storedSecrets.ts';
import { DELETE_STEPS_SQL, INSERT_STEP_SQL, SAMPLE_COLUMNS, STEP_COLUMNS, UPSERT_SAMPLE_SQL, rowToSample, sampleToRow, stepOfRow, stepRowsOf, type SampleRow, type StepRow } from './sampleRows.ts';
import { LIST_COLUMNS, SORTS, listItem, whereClause, type RunRow } from './runListQuery.ts';
import { summarizeSamples } from './samplesSummary.ts';
import type { StoreContext } from './storeContext.ts';
import { StoreError } from './storeError.ts';
import { histogramProblem, isObject, parseJsonOrUndefined, summaryProblem } from './storedRunCheck.ts';
import { WRITER_TOKEN, writerAlive } from './writerIdentity.ts';
import type { NewRun, RunEnvironment, RunFilter, RunList, RunRecord, StoredRun } from '../../shared/history.ts';

export const DEFAULT_LIST_LIMIT = 100;

export class RunRepository {
  private readonly ctx: StoreContext;

  constructor(ctx: StoreContext) {
    this.ctx = ctx;
  }

  /** Records a run that is starting (status 'running'); returns its id. */
  create(run: NewRun): number {
    return this.ctx.write(() => {
      const scenarioId = run.scenarioId ?? null;
      let scenarioName = run.scenarioName ?? null;
      if (scenarioId !== null) {
        const row = this.ctx.stmt('SELECT name FROM scenarios WHERE id = ?').get(scenarioId) as { name: string } | undefined;
        if (!row) throw this.notFound(`scenario ${scenarioId}`);
        scenarioName ??= row.name;
      }
      scenarioName ??= run.config.name ?? null;
      const id = this.insertRow({
        scenarioId,
        scenarioName,
        config: run.config,
        status: 'running',
        startedAt: normalizeTime(run.startedAt ?? new Date().toISOString()),
        endedAt: null,
        summary: null,
        histogram: '',
        notes: run.notes ?? '',
        environment: run.environment,
        groupId: run.groupId ?? null,
        writer: { pid: process.pid, token: WRITER_TOKEN },
      });
      this.insertTags(id, run.tags ?? []);
      return id;
    });
  }

  /** Stores seconds of a running run, all in one transaction. */
  appendSamples(id: number, samples: RunSample[]): void {
    if (samples.length === 0) return;
    this.ctx.write(() => {
      const status = this.statusOf(id);
      if (status !== 'running') {
        throw new StoreError('conflict', this.ctx.file, `run ${id} is ${status}, it takes no more samples`);
      }
      this.upsertSamples(id, samples);
    });
  }

  /**
   * Completes a run with the engine's result. Samples are merged by second: those already
   * appended are overwritten by the result's figures for the same second, missing ones are
   * added, so calling it after (or instead of) appendSamples, or twice, gives the same run.
   */
  finish(id: number, result: RunResult): void {
    if (result.summary.status === 'running') {
      throw new StoreError('invalid', this.ctx.file, `run ${id}: a finished run cannot have status running`);
    }
    this.ctx.write(() => {
      this.statusOf(id);
      const s = result.summary;
      this.ctx
        .stmt(
          `UPDATE runs SET protocol = @protocol, url = @url, target_host = @target_host, config = @config,
             status = @status, started_at = @started_at, ended_at = @ended_at, summary = @summary,
             histogram = @histogram, writer_pid = NULL, writer_token = NULL, ${FIGURE_ASSIGNMENTS}
           WHERE id = @id`,
        )
        .run({
          id,
          protocol: result.config.protocol,
          url: result.config.url,
          target_host: hostOf(result.config.url),
          config: JSON.stringify(result.config),
          status: s.status,
          started_at: normalizeTime(s.startedAt),
          ended_at: normalizeTime(s.endedAt),
          summary: JSON.stringify(s),
          histogram: result.histogram,
          ...figuresOf(s),
        });
      this.upsertSamples(id, result.samples);
    });
  }

  /** Inserts a complete run as is (imports). */
  insert(record: RunRecord): number {
    return this.ctx.write(() => {
      const scenarioId =
        record.scenarioId !== null && this.ctx.stmt('SELECT 1 FROM scenarios WHERE id = ?').get(record.scenarioId)
          ? record.scenarioId
          : null;
      const status = importedStatus(record);
      const id = this.insertRow({
        scenarioId,
        scenarioName: record.scenarioName,
        config: record.config,
        status,
        startedAt: normalizeTime(record.summary.startedAt),
        endedAt: normalizeTime(record.summary.endedAt),
        summary: status === record.summary.status ? record.summary : { ...record.summary, status },
        histogram: record.histogram,
        notes: record.notes,
        environment: record.environment,
        groupId: record.groupId,
        writer: null,
      });
      this.upsertSamples(id, record.samples);
      this.insertTags(id, record.tags);
      return id;
    });
  }

  /**
   * A stored run that is the same measurement as `record` (same start, URL, configuration and
   * status), so importing one file twice does not duplicate it.
   */
  findSame(record: RunRecord): number | undefined {
    return this.ctx.read(() => {
      const row = this.ctx
        .stmt('SELECT id FROM runs WHERE started_at = ? AND url = ? AND config = ? AND status = ? ORDER BY id LIMIT 1')
        .get(normalizeTime(record.summary.startedAt), record.config.url, JSON.stringify(record.config), importedStatus(record)) as
        | { id: number }
        | undefined;
      return row?.id;
    });
  }

  get(id: number): StoredRun | undefined {
    return this.ctx.read(() => {
      const row = this.ctx.stmt('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
      if (!row) return undefined;
      const samples = this.loadSamples(id);
      const config = parseJsonOrUndefined(row.config);
      const environment = parseJsonOrUndefined(row.environment);
      if (!isObject(config) || typeof config.url !== 'string' || typeof config.protocol !== 'string') {
        throw new StoreError('damaged', this.ctx.file, `run ${id} in ${this.ctx.file} is damaged (its configuration is not readable); barrage runs delete ${id} removes it`);
      }
      if (!isObject(environment)) {
        throw new StoreError('damaged', this.ctx.file, `run ${id} in ${this.ctx.file} is damaged (its environment is not readable); barrage runs delete ${id} removes it`);
      }
      const scenario = config as unknown as Scenario;
      const env = environment as unknown as RunEnvironment;
      // A damaged summary or histogram (a bad disk, SQL written by another tool) degrades to
      // figures rebuilt from the per-second samples, with a note saying so: every reader (runs
      // show, report, compare, the app's run view) then shows the run instead of failing.
      const stored = parseJsonOrUndefined(row.summary);
      const damage = row.summary === null ? null : summaryProblem(stored);
      const summary: RunSummary =
        row.summary !== null && damage === null
          ? (stored as RunSummary)
          : summarizeSamples({
              config: scenario,
              status: row.status,
              startedAt: row.started_at,
              samples,
              workers: env.workers ?? scenario.workers ?? 1,
              reason:
                damage === null
                  ? `Provisional: the run is still ${row.status}; figures cover the ${samples.length} seconds stored so far.`
                  : `The stored summary of this run is damaged (${damage === 'has no summary' ? 'not readable' : damage}); the figures are rebuilt from its ${samples.length} stored seconds.`,
            });
      const histogramDamage = histogramProblem(row.histogram);
      if (histogramDamage !== null) {
        summary.notes = [...summary.notes, `The stored latency histogram of this run is damaged (${histogramDamage}); it is left out.`];
      }
      return {
        id: row.id,
        scenarioId: row.scenario_id,
        scenarioName: row.scenario_name,
        groupId: row.group_id,
        tags: this.tagsOf(id),
        notes: row.notes,
        environment: env,
        config: scenario,
        summary,
        samples,
        histogram: histogramDamage === null ? row.histogram : '',
      };
    });
  }

  list(filter: RunFilter = {}): RunList {
    return this.ctx.read(() => {
      const { where, params } = whereClause(filter);
      const sort = SORTS[filter.sort ?? 'newest'];
      if (!sort) throw new StoreError('invalid', this.ctx.file, `unknown sort "${filter.sort}"`);
      const desc = filter.reverse ? !sort.desc : sort.desc;
      const limit = nonNegativeInt(filter.limit ?? DEFAULT_LIST_LIMIT, 'limit', this.ctx.file);
      const offset = nonNegativeInt(filter.offset ?? 0, 'offset', this.ctx.file);
      const rows = this.ctx.db
        .prepare(
          `SELECT ${LIST_COLUMNS} FROM runs ${where}
           ORDER BY ${sort.column} ${desc ? 'DESC' : 'ASC'} NULLS LAST, id ${desc ? 'DESC' : 'ASC'}
           LIMIT ? OFFSET ?`,
        )
        .all(...params, limit, offset) as Array<RunRow>;
      const total = (this.ctx.db.prepare(`SELECT count(*) AS n FROM runs ${where}`).get(...params) as { n: number }).n;
      const tags = this.tagsOfMany(rows.map((r) => r.id));
      return { runs: rows.map((r) => listItem(r, tags.get(r.id) ?? [])), total };
    });
  }

  /** Deletes runs with their samples and tags; returns the ids that existed. */
  delete(ids: number[]): number[] {
    return this.ctx.write(() => {
      const deleted: number[] = [];
      for (const id of new Set(ids)) {
        if (this.ctx.stmt('DELETE FROM runs WHERE id = ?').run(id).changes > 0) deleted.push(id);
      }
      return deleted;
    });
  }

  /**
   * Replaces the secrets of stored runs by the placeholder, as runs store them without
   * --store-secrets (storedSecrets.ts): the runs `ids`, or every run. In the configuration, the
   * URL password (or lone user) and credential header values; a shard's copy of the whole
   * scenario in the environment the same way; and in the run's texts — its summary (the failure
   * reason, notes, any message), its notes, its scenario name and the configuration's name —
   * each secret value the configuration held and any URL's credentials. Runs stored before the
   * redaction rules kept such texts (a poll run's failure quoted its URL with the password; a
   * capacity step was named after its URL). Returns the ids of the runs that held a secret. Old
   * bytes are not left behind: free pages and the free space in pages can still hold earlier
   * versions of a row, so the file is rebuilt (VACUUM) and the WAL checkpointed and emptied.
   */
  redactSecrets(ids?: readonly number[]): number[] {
    const changed: number[] = [];
    const columns = 'id, config, summary, notes, scenario_name, environment';
    this.ctx.write(() => {
      const rows = (ids === undefined
        ? this.ctx.stmt(`SELECT ${columns} FROM runs ORDER BY id`).all()
        : ids.map((id) => this.ctx.stmt(`SELECT ${columns} FROM runs WHERE id = ?`).get(id)).filter((r) => r !== undefined)) as Array<{
        id: number;
        config: string;
        summary: string | null;
        notes: string;
        scenario_name: string | null;
        environment: string;
      }>;
      const update = this.ctx.stmt('UPDATE runs SET config = ?, url = ?, summary = ?, notes = ?, scenario_name = ?, environment = ? WHERE id = ?');
      for (const row of rows) {
        const config = parseJsonOrUndefined(row.config);
        // A damaged configuration is left to `runs delete` (readers already refuse it by name).
        if (!isObject(config) || typeof config.url !== 'string') continue;
        const scenario = config as unknown as Scenario;
        const environment = parseJsonOrUndefined(row.environment);
        const secrets = [...new Set([...secretValuesOf(scenario), ...(isObject(environment) ? shardScenarios(environment as unknown as RunEnvironment).flatMap(secretValuesOf) : [])])].sort(
          (a, b) => b.length - a.length,
        );
        const redacted = configToStore(scenario, false);
        if (typeof redacted.name === 'string') redacted.name = redactSecretsInText(redacted.name, secrets);
        const text = JSON.stringify(redacted);
        // A summary that does not parse is left as it is (readers refuse it by name).
        const summary = row.summary === null ? null : parseJsonOrUndefined(row.summary);
        const summaryText = summary === undefined ? row.summary : JSON.stringify(redactSecretsDeep(summary, secrets));
        const notes = redactSecretsInText(row.notes, secrets);
        const name = row.scenario_name === null ? null : redactSecretsInText(row.scenario_name, secrets);
        const environmentText = isObject(environment) ? JSON.stringify(redactSecretsDeep(redactEnvironment(environment as unknown as RunEnvironment), secrets)) : row.environment;
        const same =
          text === JSON.stringify(config) &&
          summaryText === (summary === undefined || summary === null ? row.summary : JSON.stringify(summary)) &&
          notes === row.notes &&
          name === row.scenario_name &&
          environmentText === (isObject(environment) ? JSON.stringify(environment) : row.environment);
        if (same) continue;
        update.run(text, redacted.url, summaryText, notes, name, environmentText, row.id);
        changed.push(row.id);
      }
    });
    if (changed.length > 0) {
      this.ctx.read(() => {
        this.ctx.db.exec('VACUUM');
        this.ctx.db.pragma('wal_checkpoint(TRUNCATE)');
      });
    }
    return changed;
  }

  setNotes(id: number, notes: string): void {
    this.ctx.write(() => {
      if (this.ctx.stmt('UPDATE runs SET notes = ? WHERE id = ?').run(notes, id).changes === 0) throw this.notFound(`run ${id}`);
    });
  }

  addTags(id: number, tags: string[]): string[] {
    return this.ctx.write(() => {
      this.statusOf(id);
      this.insertTags(id, tags);
      return this.tagsOf(id);
    });
  }

  removeTags(id: number, tags: string[]): string[] {
    return this.ctx.write(() => {
      this.statusOf(id);
      for (const tag of normalizeTags(tags)) this.ctx.stmt('DELETE FROM run_tags WHERE run_id = ? AND tag = ?').run(id, tag);
      return this.tagsOf(id);
    });
  }

  /** Every tag in use with its number of runs, most used first (for filter menus). */
  listTags(): Array<{ tag: string; runs: number }> {
    return this.ctx.read(
      () =>
        this.ctx.stmt('SELECT tag, count(*) AS runs FROM run_tags GROUP BY tag ORDER BY runs DESC, tag').all() as Array<{
          tag: string;
          runs: number;
        }>,
    );
  }

  /**
   * Marks runs left 'running' by a process that is gone as 'interrupted', with a summary rebuilt
   * from the seconds they stored. Call at startup (app and CLI). Returns the ids recovered.
   */
  recoverInterrupted(): number[] {
    const candidates = this.ctx.read(
      () =>
        this.ctx.stmt("SELECT id, writer_pid, writer_token FROM runs WHERE status = 'running'").all() as Array<
          Pick<RunRow, 'id' | 'writer_pid' | 'writer_token'>
        >,
    );
    const recovered: number[] = [];
    for (const c of candidates) {
      if (writerAlive(c.writer_pid, c.writer_token)) continue;
      const done = this.ctx.write(() => {
        // Re-checked under the write lock: another process may have recovered it meanwhile.
        const row = this.ctx.stmt("SELECT * FROM runs WHERE id = ? AND status = 'running'").get(c.id) as RunRow | undefined;
        if (!row) return false;
        const config = JSON.parse(row.config) as Scenario;
        const environment = JSON.parse(row.environment) as RunEnvironment;
        const summary = summarizeSamples({
          config,
          status: 'interrupted',
          startedAt: row.started_at,
          samples: this.loadSamples(c.id),
          workers: environment.workers ?? config.workers ?? 1,
          reason:
            'Interrupted: the process recording this run stopped before the run finished (killed, crashed or powered off); the figures cover the seconds it had stored.',
        });
        this.ctx
          .stmt(
            `UPDATE runs SET status = 'interrupted', ended_at = @ended_at, summary = @summary,
               writer_pid = NULL, writer_token = NULL, ${FIGURE_ASSIGNMENTS}
             WHERE id = @id`,
          )
          .run({ id: c.id, ended_at: summary.endedAt, summary: JSON.stringify(summary), ...figuresOf(summary) });
        return true;
      });
      if (done) recovered.push(c.id);
    }
    return recovered;
  }

  private insertRow(r: {
    scenarioId: number | null;
    scenarioName: string | null;
    config: Scenario;
    status: RunStatus;
    startedAt: string;
    endedAt: string | null;
    summary: RunSummary | null;
    histogram: string;
    notes: string;
    environment: RunEnvironment;
    groupId: string | null;
    writer: { pid: number; token: string } | null;
  }): number {
    const figures = r.summary
      ? figuresOf(r.summary)
      : { throughput_per_sec: null, p50_us: null, p99_us: null, errors_total: null, duration_sec: null, thresholds_passed: null };
    const info = this.ctx
      .stmt(
        `INSERT INTO runs (scenario_id, scenario_name, protocol, target_host, url, status, started_at, ended_at,
           config, summary, throughput_per_sec, p50_us, p99_us, errors_total, duration_sec, thresholds_passed, histogram,
           notes, environment, writer_pid, writer_token, group_id)
         VALUES (@scenario_id, @scenario_name, @protocol, @target_host, @url, @status, @started_at, @ended_at,
           @config, @summary, @throughput_per_sec, @p50_us, @p99_us, @errors_total, @duration_sec, @thresholds_passed, @histogram,
           @notes, @environment, @writer_pid, @writer_token, @group_id)`,
      )
      .run({
        scenario_id: r.scenarioId,
        scenario_name: r.scenarioName,
        protocol: r.config.protocol,
        target_host: hostOf(r.config.url),
        url: r.config.url,
        status: r.status,
        started_at: r.startedAt,
        ended_at: r.endedAt,
        config: JSON.stringify(r.config),
        summary: r.summary ? JSON.stringify(r.summary) : null,
        ...figures,
        histogram: r.histogram,
        notes: r.notes,
        environment: JSON.stringify(r.environment),
        writer_pid: r.writer?.pid ?? null,
        writer_token: r.writer?.token ?? null,
        group_id: r.groupId,
      });
    return Number(info.lastInsertRowid);
  }

  private upsertSamples(id: number, samples: RunSample[]): void {
    const upsert = this.ctx.stmt(UPSERT_SAMPLE_SQL);
    for (const s of samples) {
      upsert.run(sampleToRow(id, s));
      // Flow seconds only: a second without `steps` (every HTTP and WebSocket run) costs nothing more.
      if (s.steps === undefined) continue;
      this.ctx.stmt(DELETE_STEPS_SQL).run(id, s.t);
      const insert = this.ctx.stmt(INSERT_STEP_SQL);
      for (const row of stepRowsOf(id, s)) insert.run(row);
    }
  }

  private loadSamples(id: number): RunSample[] {
    const rows = this.ctx.stmt(`SELECT ${SAMPLE_COLUMNS} FROM run_samples WHERE run_id = ? ORDER BY t`).all(id) as SampleRow[];
    const samples = rows.map(rowToSample);
    const stepRows = this.ctx.stmt(`SELECT ${STEP_COLUMNS} FROM run_step_samples WHERE run_id = ? ORDER BY t, idx`).all(id) as StepRow[];
    if (stepRows.length === 0) return samples;
    // A flow run: every second has its steps (none when nothing happened in it), as the engine gave them.
    const byT = new Map<number, RunSample>();
    for (const s of samples) {
      if (s.iterations !== undefined) s.steps = [];
      byT.set(s.t, s);
    }
    for (const r of stepRows) {
      const s = byT.get(r.t);
      if (s === undefined) continue;
      (s.steps ??= []).push(stepOfRow(r));
    }
    return samples;
  }

  private insertTags(id: number, tags: string[]): void {
    const insert = this.ctx.stmt('INSERT OR IGNORE INTO run_tags (run_id, tag) VALUES (?, ?)');
    for (const tag of normalizeTags(tags)) insert.run(id, tag);
  }

  private tagsOf(id: number): string[] {
    return (this.ctx.stmt('SELECT tag FROM run_tags WHERE run_id = ? ORDER BY tag').all(id) as Array<{ tag: string }>).map(
      (r) => r.tag,
    );
  }

  private tagsOfMany(ids: number[]): Map<number, string[]> {
    const byRun = new Map<number, string[]>();
    if (ids.length === 0) return byRun;
    const rows = this.ctx
      .stmt('SELECT run_id, tag FROM run_tags WHERE run_id IN (SELECT value FROM json_each(?)) ORDER BY tag')
      .all(JSON.stringify(ids)) as Array<{ run_id: number; tag: string }>;
    for (const r of rows) {
      const list = byRun.get(r.run_id);
      if (list) list.push(r.tag);
      else byRun.set(r.run_id, [r.tag]);
    }
    return byRun;
  }

  private statusOf(id: number): RunStatus {
    const row = this.ctx.stmt('SELECT status FROM runs WHERE id = ?').get(id) as { status: RunStatus } | undefined;
    if (!row) throw this.notFound(`run ${id}`);
    return row.status;
  }

  private notFound(what: string): StoreError {
    return new StoreError('not-found', this.ctx.file, `${what} not found in ${this.ctx.file}`);
  }
}

/** A run exported while still running has no writer here: it can only be interrupted. */
function importedStatus(record: RunRecord): RunStatus {
  return record.summary.status === 'running' ? 'interrupted' : record.summary.status;
}

const FIGURE_ASSIGNMENTS =
  'throughput_per_sec = @throughput_per_sec, p50_us = @p50_us, p99_us = @p99_us, errors_total = @errors_total, duration_sec = @duration_sec, thresholds_passed = @thresholds_passed';

function figuresOf(s: RunSummary) {
  const thresholds = s.thresholds ?? [];
  return {
    throughput_per_sec: s.throughput.perSec,
    p50_us: s.latencyUs.p50,
    p99_us: s.latencyUs.p99,
    errors_total: s.errors.total,
    duration_sec: s.durationSec,
    thresholds_passed: thresholds.length === 0 ? null : thresholds.every((t) => t.passed) ? 1 : 0,
  };
}

function normalizeTags(tags: string[]): string[] {
  return [...new Set(tags.map((t) => t.trim()).filter((t) => t !== ''))];
}

/** ISO 8601 UTC with milliseconds: the one text form, so started_at sorts correctly. */
function normalizeTime(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(ms).toISOString();
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}

function nonNegativeInt(n: number, what: string, file: string): number {
  if (!Number.isInteger(n) || n < 0) throw new StoreError('invalid', file, `${what} must be a whole number ≥ 0, not ${n}`);
  return n;
}
