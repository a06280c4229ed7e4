// Runs in and out of the history as files: our own JSON (everything, for moving runs between
// machines), CSV of the per-second samples (for spreadsheets), and autocannon's `--json`
// output (import only).
//
// The JSON export format, version 1:
//   {
//     "format": "barrage-run",          // identifies the file
//     "version": 1,                     // bumped only for changes old readers cannot ignore
//     "exportedAt": "<ISO time>",
//     "exportedBy": "Barrage <version>",
//     "runs": [ {                       // one or more runs
//       "id": 12 | null,                // in the exporting database (null: not stored); informational
//       "scenarioName": "checkout" | null,
//       "groupId": "…" | null,
//       "tags": ["nightly"],
//       "notes": "…",
//       "environment": RunEnvironment,  // src/shared/history.ts
//       "config": Scenario,             // src/shared/scenario.ts
//       "summary": RunSummary,          // src/shared/runResult.ts
//       "samples": RunSample[],         // a flow's seconds carry their steps and iterations
//       "histogram": "<HdrHistogram V2 compressed base64, µs>" | ""
//     } ]
//   }
// Readers ignore fields they do not know, so adding fields keeps version 1.
//
// The same document, with one run, is the complete result of `barrage run --out FILE` and
// `barrage run --json --full`: the unit of exchange between the shards of a run
// (docs/DISTRIBUTED.md). A shard's `environment.shard` says which shard it is, when all shards
// were to start, how late it began and the whole scenario; `barrage runs merge` reads these.
import pkg from '../../../package.json' with { type: 'json' };
import type { RunSample } from '../../shared/runResult.ts';
import { redactConfig } from '../../shared/redact.ts';
import { redactEnvironment } from '../../shared/storedSecrets.ts';
import { parseScenario } from '../../shared/scenario.ts';
import { fromAutocannon, isAutocannonResult } from './autocannonImport.ts';
import { fromArtillery, isArtilleryReport } from './artilleryImport.ts';
import { fromK6, isK6SummaryExport, type ImportHints } from './k6Import.ts';
import type { RunStore } from './runStore.ts';
import { checkShardSet, mergeShards, MergeError, type MergeOptions, type ShardInput } from './shardMerge.ts';
import type { ShardFilePreview, ShardSetPreview } from '../../shared/shardFiles.ts';
import { histogramProblem, isObject, summaryProblem } from './storedRunCheck.ts';
import { type RunEnvironment, type RunRecord, type StoredRun } from '../../shared/history.ts';

export const RUN_EXPORT_FORMAT = 'barrage-run';
export const RUN_EXPORT_VERSION = 1;

export interface ExportedRun extends Omit<RunRecord, 'scenarioId'> {
  /** Its id in the exporting history; null for a run that was not stored (`--no-save`). */
  id: number | null;
}

/** A run to write out: a stored run, or a result with what the history would add. */
export type RunToExport = Omit<StoredRun, 'id'> & { id: number | null };

export interface RunExport {
  format: typeof RUN_EXPORT_FORMAT;
  version: typeof RUN_EXPORT_VERSION;
  exportedAt: string;
  exportedBy: string;
  runs: ExportedRun[];
}

export function exportRunsJson(runs: readonly RunToExport[]): string {
  const doc: RunExport = {
    format: RUN_EXPORT_FORMAT,
    version: RUN_EXPORT_VERSION,
    exportedAt: new Date().toISOString(),
    exportedBy: `Barrage ${pkg.version}`,
    // Passwords in URLs and credential headers never leave in a file (docs/SECURITY.md); a
    // shard's copy of the whole scenario leaves without them too, at any depth of a merged run.
    runs: runs.map(({ scenarioId: _local, ...run }) => ({ ...run, config: redactConfig(run.config), environment: redactEnvironment(run.environment) })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export const CSV_COLUMNS = [
  'run_id',
  't',
  'throughput',
  'p50_us',
  'p99_us',
  'max_us',
  'errors',
  'open_connections',
  'bytes_sent',
  'bytes_received',
  'cpu_percent',
  'loop_lag_ms',
  'mean_us',
  'warmup',
  'drain',
] as const;

/** The per-second samples of the runs, one row per second; empty latency cells when none completed. */
export function exportRunsCsv(runs: StoredRun[]): string {
  const lines: string[] = [CSV_COLUMNS.join(',')];
  for (const run of runs) {
    for (const s of run.samples) {
      lines.push(
        [
          run.id,
          s.t,
          s.throughput,
          s.latencyUs?.p50 ?? '',
          s.latencyUs?.p99 ?? '',
          s.latencyUs?.max ?? '',
          s.errors,
          s.openConnections,
          s.bytesSent,
          s.bytesReceived,
          s.cpuPercent,
          s.loopLagMs,
          s.latencyUs?.mean ?? '',
          s.warmup ? 1 : 0,
          s.drain ? 1 : 0,
        ].join(','),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

export class ImportError extends Error {
  override name = 'ImportError';
}

/** What a run measured by another tool does not say about itself: its target, a name, when it ended. */
export type ImportOptions = Partial<ImportHints>;

const KNOWN_FORMATS = 'a Barrage run export, autocannon --json output, a k6 --summary-export file or an Artillery --output report';

/** Runs found in a file's text: a Barrage export, autocannon's --json, k6's --summary-export or Artillery's --output. */
export function parseRunFile(text: string, fileName: string, options: ImportOptions = {}): RunRecord[] {
  const doc = parseJsonLeniently(text);
  if (doc === undefined) throw new ImportError(`${fileName} is not JSON (expected ${KNOWN_FORMATS})`);
  const hints: ImportHints = { ...options, endedAt: options.endedAt ?? new Date() };
  if (isObject(doc) && doc.format === RUN_EXPORT_FORMAT) {
    if (doc.version !== RUN_EXPORT_VERSION) {
      throw new ImportError(
        `${fileName} is a Barrage run export of version ${String(doc.version)}; this Barrage reads version ${RUN_EXPORT_VERSION}`,
      );
    }
    if (!Array.isArray(doc.runs)) throw new ImportError(`${fileName}: "runs" is not a list`);
    return doc.runs.map((run, i) => {
      try {
        return recordFromExport(run);
      } catch (err) {
        throw new ImportError(`${fileName}: run ${i + 1}: ${(err as Error).message}`);
      }
    });
  }
  if (isAutocannonResult(doc)) {
    try {
      return [fromAutocannon(doc)];
    } catch (err) {
      throw new ImportError(`${fileName}: autocannon result: ${(err as Error).message}`);
    }
  }
  if (isK6SummaryExport(doc)) {
    try {
      return [fromK6(doc, hints)];
    } catch (err) {
      throw new ImportError(`${fileName}: k6 summary export: ${(err as Error).message}`);
    }
  }
  if (isArtilleryReport(doc)) {
    try {
      return [fromArtillery(doc, hints)];
    } catch (err) {
      throw new ImportError(`${fileName}: Artillery report: ${(err as Error).message}`);
    }
  }
  throw new ImportError(`${fileName} is none of ${KNOWN_FORMATS}`);
}

export interface ImportOutcome {
  /** Id of the run in the store: new, or the one already there. */
  id: number;
  /** The same run was already stored (same start, URL, configuration and status). */
  duplicate: boolean;
  /** The tool that measured the run. */
  source: ImportSource;
}

export type ImportSource = 'barrage' | 'autocannon' | 'k6' | 'artillery';

/** Imports every run of a file, each at most once (re-importing a file changes nothing). */
export function importRunFile(store: RunStore, text: string, fileName: string, options: ImportOptions = {}): ImportOutcome[] {
  return parseRunFile(text, fileName, options).map((record) => {
    const from = record.environment.importedFrom;
    const source: ImportSource = from === 'autocannon' || from === 'k6' || from === 'artillery' ? from : 'barrage';
    const existing = store.findSameRun(record);
    if (existing !== undefined) return { id: existing, duplicate: true, source };
    // The exporting database's scenario ids mean nothing here; a scenario of the same name does.
    const local = record.scenarioName ? store.getScenario(record.scenarioName) : undefined;
    const scenarioId = local && local.name === record.scenarioName ? local.id : null;
    return { id: store.insertRun({ ...record, scenarioId }), duplicate: false, source };
  });
}

/**
 * Checks what the store relies on (the columns it fills and the samples' shape); the rest of
 * the summary is kept as written, so export → import gives the identical run.
 */
function recordFromExport(run: unknown): RunRecord {
  if (!isObject(run)) throw new Error('is not an object');
  const config = parseScenario(run.config);
  if (!config.ok) throw new Error(`its configuration is not valid:\n${config.error}`);
  const summary = run.summary;
  // Everything the run view, the report and compare read: a run that imports must stay readable.
  const bad = summaryProblem(summary);
  if (bad !== null) throw new Error(bad);
  if (!isObject(summary)) throw new Error('has no summary');
  if (!Array.isArray(run.samples)) throw new Error('samples is not a list');
  run.samples.forEach(checkSample);
  const badHistogram = histogramProblem(run.histogram);
  if (badHistogram !== null || typeof run.histogram !== 'string') throw new Error(badHistogram ?? 'histogram is not a string');
  if (!isObject(run.environment)) throw new Error('environment is not an object');
  if (run.tags !== undefined && !Array.isArray(run.tags)) throw new Error('tags is not a list');
  const tags = (run.tags ?? []) as unknown[];
  for (const t of tags) {
    // The same syntax as --tag and the app's tag editor.
    if (typeof t !== 'string' || !/^[^,\s]{1,50}$/.test(t)) throw new Error(`tag ${JSON.stringify(t)} is not a tag (1–50 characters, no spaces or commas)`);
  }
  return {
    config: config.value,
    summary: summary as unknown as RunRecord['summary'],
    samples: run.samples as RunSample[],
    histogram: run.histogram,
    scenarioId: null,
    scenarioName: typeof run.scenarioName === 'string' ? run.scenarioName : null,
    groupId: typeof run.groupId === 'string' ? run.groupId : null,
    tags: tags as string[],
    notes: typeof run.notes === 'string' ? run.notes : '',
    environment: run.environment as unknown as RunEnvironment,
  };
}

function checkSample(s: unknown, i: number): void {
  if (!isObject(s)) throw new Error(`sample ${i + 1} is not an object`);
  for (const k of ['t', 'throughput', 'errors', 'openConnections', 'bytesSent', 'bytesReceived', 'cpuPercent', 'loopLagMs']) {
    if (typeof s[k] !== 'number' || !Number.isFinite(s[k])) throw new Error(`sample ${i + 1}: ${k} is not a number`);
  }
  if (typeof s.warmup !== 'boolean') throw new Error(`sample ${i + 1}: warmup is not true or false`);
  if (s.drain !== undefined && typeof s.drain !== 'boolean') throw new Error(`sample ${i + 1}: drain is not true or false`);
  const l = s.latencyUs;
  if (l !== null && !(isObject(l) && ['p50', 'p99', 'max', 'mean'].every((k) => typeof l[k] === 'number'))) {
    throw new Error(`sample ${i + 1}: latencyUs is neither null nor { p50, p99, max, mean }`);
  }
  // Optional (runs before schema 5 have none); a present one must decode, since comparisons merge it.
  if (s.histogram !== undefined) {
    const bad = histogramProblem(s.histogram);
    if (bad !== null || s.histogram === '') throw new Error(`sample ${i + 1}: ${bad ?? 'histogram is empty'}`);
  }
  // A flow's seconds: what the store writes into run_step_samples and the figures merge.
  if (s.steps !== undefined) {
    if (!Array.isArray(s.steps)) throw new Error(`sample ${i + 1}: steps is not a list`);
    s.steps.forEach((step: unknown, k: number) => {
      const at = `sample ${i + 1}: step ${k + 1}`;
      if (!isObject(step) || typeof step.step !== 'string') throw new Error(`${at} has no step name`);
      for (const key of ['count', 'errors']) if (typeof step[key] !== 'number' || !Number.isFinite(step[key])) throw new Error(`${at} ("${step.step}"): ${key} is not a number`);
      const checks = step.checks;
      if (!isObject(checks) || typeof checks.passed !== 'number' || typeof checks.failed !== 'number') throw new Error(`${at} ("${step.step}"): checks is not { passed, failed }`);
      // A ws-send step's counts (schema 8): absent, or a count.
      for (const key of ['outOfOrder', 'unmatched']) {
        const n = step[key];
        if (n !== undefined && !(typeof n === 'number' && Number.isInteger(n) && n >= 0)) throw new Error(`${at} ("${step.step}"): ${key} is not a count`);
      }
      if (step.histogram !== undefined) {
        const bad = histogramProblem(step.histogram);
        if (bad !== null || step.histogram === '') throw new Error(`${at} ("${step.step}"): ${bad ?? 'histogram is empty'}`);
      }
    });
  }
  if (s.iterations !== undefined) {
    const it = s.iterations;
    if (!isObject(it) || !['started', 'completed', 'abandoned'].every((k) => typeof it[k] === 'number')) throw new Error(`sample ${i + 1}: iterations is not { started, completed, abandoned }`);
  }
  if (s.iterationHistogram !== undefined) {
    const bad = histogramProblem(s.iterationHistogram);
    if (bad !== null || s.iterationHistogram === '') throw new Error(`sample ${i + 1}: iterationHistogram: ${bad ?? 'is empty'}`);
  }
}

/**
 * JSON of the whole text, or else of its last line that is a JSON object: autocannon's output
 * saved with `2>&1` has progress lines before the result.
 */
function parseJsonLeniently(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const lines = text.split(/\r?\n/).reverse();
    for (const line of lines) {
      if (!line.trimStart().startsWith('{')) continue;
      try {
        return JSON.parse(line);
      } catch {
        /* keep looking */
      }
    }
    return undefined;
  }
}


export interface MergeOutcome {
  /** Id of the merged run in the store: new, or the one already there. */
  id: number;
  /** The same merged run was already stored (the same shards merged before). */
  duplicate: boolean;
  /** Shards merged. */
  shards: number;
}

/**
 * Merges shard result files (`barrage run --shard K/N --out FILE`) into one stored run; every run
 * of every file is a shard. Throws ImportError for a file that is not a result and MergeError
 * (shardMerge.ts) for shards that do not belong together.
 */
export function mergeShardFiles(store: RunStore, files: ReadonlyArray<{ name: string; text: string }>, options: MergeOptions = {}): MergeOutcome {
  const inputs: ShardInput[] = files.flatMap(({ name, text }) => {
    const runs = parseRunFile(text, name);
    return runs.map((run, i) => ({ source: runs.length === 1 ? name : `${name} (run ${i + 1})`, run }));
  });
  const merged = mergeShards(inputs, options);
  const existing = store.findSameRun(merged);
  if (existing !== undefined) return { id: existing, duplicate: true, shards: inputs.length };
  const local = merged.scenarioName ? store.getScenario(merged.scenarioName) : undefined;
  const scenarioId = local && local.name === merged.scenarioName ? local.id : null;
  return { id: store.insertRun({ ...merged, scenarioId }), duplicate: false, shards: inputs.length };
}

/**
 * What the app's merge dialog lists: each file read (its shard, scenario, start and samples, or
 * why it is not a shard result) and whether the set would merge, with the message mergeShardFiles
 * would refuse it with. Stores nothing.
 */
export function previewShardFiles(files: ReadonlyArray<{ name: string; text: string }>): ShardSetPreview {
  const inputs: ShardInput[] = [];
  const rows: ShardFilePreview[] = files.map(({ name, text }) => {
    const row: ShardFilePreview = { name, size: text.length, shard: null, scenarioName: null, protocol: null, startedAt: null, samples: 0, problem: null };
    let runs: RunRecord[];
    try {
      runs = parseRunFile(text, name);
    } catch (err) {
      if (!(err instanceof ImportError)) throw err;
      return { ...row, problem: err.message };
    }
    const first = runs[0];
    if (first === undefined) return { ...row, problem: `${name} holds no run` };
    const shard = first.environment.shard;
    runs.forEach((run, i) => inputs.push({ source: runs.length === 1 ? name : `${name} (run ${i + 1})`, run }));
    return {
      ...row,
      shard: shard ? { index: shard.index, count: shard.count } : null,
      scenarioName: first.scenarioName ?? shard?.scenario.name ?? first.config.name ?? null,
      protocol: first.config.protocol,
      startedAt: first.summary.startedAt,
      samples: runs.reduce((a, r) => a + r.samples.length, 0),
      problem: shard ? null : `${name}: not a shard of a run (made without barrage run --shard K/N)`,
    };
  });
  let problem = rows.find((r) => r.problem !== null)?.problem ?? null;
  if (problem === null) {
    try {
      checkShardSet(inputs);
    } catch (err) {
      if (!(err instanceof MergeError)) throw err;
      problem = err.message;
    }
  }
  const named = rows.find((r) => r.scenarioName !== null);
  return { files: rows, problem, name: named?.scenarioName ?? null };
}
