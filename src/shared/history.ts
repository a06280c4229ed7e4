// The shapes the run history hands out: to the CLI, the exchange formats and, through the
// contract, the renderer. Kept apart from the SQL so none of them pulls in better-sqlite3.
import type { RunResult, RunStatus, RunSummary } from './runResult.ts';
import type { Protocol, Scenario } from './scenario.ts';

/**
 * Where and with what a run was measured. Fields are null when unknown, which is the case for
 * runs imported from other tools: the importing machine is not the one that measured.
 */
export interface RunEnvironment {
  barrageVersion: string | null;
  nodeVersion: string | null;
  electronVersion: string | null;
  os: { platform: string; release: string; arch: string } | null;
  cpu: { model: string; count: number } | null;
  /** Load worker threads used for the run. */
  workers: number | null;
  /** host[:port] of the target, as in the run's URL. */
  targetHost: string | null;
  /** Set when the run was not measured by Barrage, e.g. "autocannon". */
  importedFrom?: string;
  /** Set on one shard of a sharded run (`barrage run --shard k/n`). */
  shard?: ShardInfo;
  /**
   * Set on a run merged from shards (`barrage runs merge`): each shard's environment (with its
   * `shard`), in shard order. The merged run's own fields describe the machine that merged.
   */
  shards?: RunEnvironment[];
}

/** Which part of a sharded run a run measured, and when all shards were to start. */
export interface ShardInfo {
  /** 1-based: shard `index` of `count`. */
  index: number;
  count: number;
  /** The common start instant every shard was given (`--start-at`), ISO; null when none was. */
  startAt: string | null;
  /**
   * How late this shard's load began after `startAt` (ms; its summary's startedAt − startAt):
   * the skew this shard measured on its own clock. Filled in result files and merged runs.
   */
  startLateMs?: number;
  /**
   * The whole scenario all shards split (secrets redacted): shards merge only when theirs are
   * the same, and the merged run's configuration is this one.
   */
  scenario: Scenario;
}

export interface NewRun {
  config: Scenario;
  scenarioId?: number | null;
  /** Snapshot of the scenario's name; defaults to the scenario's current name, then config.name. */
  scenarioName?: string | null;
  environment: RunEnvironment;
  tags?: string[];
  notes?: string;
  /** Runs measured together (a showdown, an A/B pair) share a group id. */
  groupId?: string | null;
  /** ISO time; defaults to now. */
  startedAt?: string;
}

/** Everything stored about one run: the run's own result plus what the history adds. */
export interface StoredRun extends RunResult {
  id: number;
  scenarioId: number | null;
  scenarioName: string | null;
  groupId: string | null;
  tags: string[];
  notes: string;
  environment: RunEnvironment;
}

/** A complete run to insert as is (imports): everything but the id. */
export type RunRecord = Omit<StoredRun, 'id'>;

/** One row of the history list: the key figures, plus the summary for richer views. */
export interface RunListItem {
  id: number;
  scenarioId: number | null;
  scenarioName: string | null;
  groupId: string | null;
  protocol: Protocol;
  url: string;
  targetHost: string;
  status: RunStatus;
  startedAt: string;
  endedAt: string | null;
  /** Key figures; null while the run is still running (no summary yet). */
  durationSec: number | null;
  throughputPerSec: number | null;
  p50Us: number | null;
  p99Us: number | null;
  errorsTotal: number | null;
  /** All thresholds passed (true), at least one failed (false), or the run had none / no result yet (null). */
  thresholdsPassed: boolean | null;
  tags: string[];
  notes: string;
  summary: RunSummary | null;
}

export const RUN_STATUSES: readonly RunStatus[] = ['running', 'completed', 'failed', 'aborted', 'interrupted'];

export const RUN_SORTS = ['newest', 'oldest', 'throughput', 'p50', 'p99', 'errors', 'duration'] as const;
export type RunSort = (typeof RUN_SORTS)[number];

export interface RunFilter {
  /** Scenario name (the run's snapshot of it) or scenario id. */
  scenario?: string | number;
  tag?: string;
  protocol?: Protocol;
  status?: RunStatus;
  groupId?: string;
  /** Runs whose thresholds all passed (true) or of which one failed (false); runs without thresholds match neither. */
  passed?: boolean;
  /** Case-insensitive substring of the scenario name, URL, target host or notes. */
  text?: string;
  /** Default 100. */
  limit?: number;
  offset?: number;
  /** Default newest first. Figures sort best-first: highest throughput, lowest latency/errors. */
  sort?: RunSort;
  /** Reverse the sort's direction. */
  reverse?: boolean;
}

export interface RunList {
  runs: RunListItem[];
  /** Runs matching the filter, ignoring limit and offset. */
  total: number;
}

export interface StoredScenario {
  id: number;
  name: string;
  config: Scenario;
  createdAt: string;
  updatedAt: string;
  baselineRunId: number | null;
}
