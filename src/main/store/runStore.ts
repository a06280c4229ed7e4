// The run history store: one object the app, the CLI and `barrage serve` open on the shared
// database file. Methods are synchronous (better-sqlite3); each write is one short
// transaction, so the caller's thread is held for milliseconds, and the engine's load workers,
// which run on their own threads, never wait on it.
import type { RunResult, RunSample } from '../../shared/runResult.ts';
import { openDatabase, type OpenOptions } from './openDatabase.ts';
import { RunRepository } from './runRepository.ts';
import { ScenarioRepository } from './scenarioRepository.ts';
import { StoreContext } from './storeContext.ts';
import type { NewRun, RunFilter, RunList, RunRecord, StoredRun, StoredScenario } from '../../shared/history.ts';

export class RunStore {
  /** Absolute path of the database file. */
  readonly file: string;
  private readonly ctx: StoreContext;
  private readonly runs: RunRepository;
  private readonly scenarios: ScenarioRepository;

  constructor(ctx: StoreContext) {
    this.ctx = ctx;
    this.file = ctx.file;
    this.runs = new RunRepository(ctx);
    this.scenarios = new ScenarioRepository(ctx);
  }

  // Runs -------------------------------------------------------------------------------

  /** Records a starting run (status 'running') and returns its id. */
  createRun(run: NewRun): number {
    return this.runs.create(run);
  }
  /** Stores seconds of a running run in one transaction; call once per second or batch. */
  appendSamples(id: number, samples: RunSample[]): void {
    this.runs.appendSamples(id, samples);
  }
  /** Completes a run; idempotent with samples already appended. */
  finishRun(id: number, result: RunResult): void {
    this.runs.finish(id, result);
  }
  /** Marks runs whose writing process is gone as 'interrupted'; returns their ids. */
  recoverInterrupted(): number[] {
    return this.runs.recoverInterrupted();
  }
  listRuns(filter?: RunFilter): RunList {
    return this.runs.list(filter);
  }
  getRun(id: number): StoredRun | undefined {
    return this.runs.get(id);
  }
  /** Returns the ids that existed and are now gone. */
  deleteRuns(ids: number[]): number[] {
    return this.runs.delete(ids);
  }
  setNotes(id: number, notes: string): void {
    this.runs.setNotes(id, notes);
  }
  /** Redacts the secrets of stored configurations (the runs `ids`, or all); returns the runs changed. */
  redactSecrets(ids?: readonly number[]): number[] {
    return this.runs.redactSecrets(ids);
  }
  /** Returns the run's tags afterwards. */
  addTags(id: number, tags: string[]): string[] {
    return this.runs.addTags(id, tags);
  }
  removeTags(id: number, tags: string[]): string[] {
    return this.runs.removeTags(id, tags);
  }
  listTags(): Array<{ tag: string; runs: number }> {
    return this.runs.listTags();
  }
  /** Inserts a complete run as is (imports); returns its new id. */
  insertRun(record: RunRecord): number {
    return this.runs.insert(record);
  }
  /** Id of a stored run that is the same measurement, if any (import deduplication). */
  findSameRun(record: RunRecord): number | undefined {
    return this.runs.findSame(record);
  }

  // Scenarios --------------------------------------------------------------------------

  /** Validates and saves; replaces the configuration of an existing scenario of this name. */
  saveScenario(name: string, config: unknown): StoredScenario {
    return this.scenarios.save(name, config);
  }
  listScenarios(): StoredScenario[] {
    return this.scenarios.list();
  }
  getScenario(nameOrId: string | number): StoredScenario | undefined {
    return this.scenarios.get(nameOrId);
  }
  deleteScenario(nameOrId: string | number): boolean {
    return this.scenarios.delete(nameOrId);
  }
  renameScenario(nameOrId: string | number, newName: string): StoredScenario {
    return this.scenarios.rename(nameOrId, newName);
  }
  setBaseline(scenarioId: number, runId: number | null): void {
    this.scenarios.setBaseline(scenarioId, runId);
  }

  close(): void {
    if (this.ctx.db.open) this.ctx.db.close();
  }
}

/**
 * Opens the database at `file` (created, or upgraded from an older Barrage, as needed).
 * Throws StoreError naming the file when it is not a Barrage database, comes from a newer
 * Barrage, or stays locked by another writer longer than the busy timeout.
 */
export function openStore(file: string, options?: OpenOptions): RunStore {
  return new RunStore(new StoreContext(openDatabase(file, options)));
}
