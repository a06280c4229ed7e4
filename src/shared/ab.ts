// A/B runs: two scenarios run interleaved A B A B … with the same warm-up, every run stored in
// one group, then compared as groups (two levels: between rounds and within runs). The status the app polls and the CLI
// prints; the orchestration is src/main/services/abRunner.ts.
import type { RunStatus } from './runResult.ts';
import type { FigureComparison } from './stats/index.ts';

export type AbSide = 'A' | 'B';

/**
 * With fewer rounds the spread between runs rests on one degree of freedom (stats/compareGroups.ts,
 * MIN_GROUP_RUNS): a comparison of 2 rounds is always inconclusive.
 */
export const AB_MIN_ROUNDS = 3;
export const AB_MIN_ROUNDS_WHY = 'the spread between rounds needs at least 3 to be estimated';
export const AB_DEFAULT_ROUNDS = 5;
export const AB_MAX_ROUNDS = 100;

export interface AbRunEntry {
  runId: number;
  side: AbSide;
  /** 1-based. */
  round: number;
  /** 'running' while it goes, then the run's final status. */
  status: RunStatus;
  /** Once it ended: throughput after the warm-up (req/s or msg/s), whole-run p50 and p99 (µs). */
  throughputPerSec: number | null;
  p50Us: number | null;
  p99Us: number | null;
}

export interface AbStatus {
  groupId: string;
  /** running → completed; failed when a run could not be measured; stopped on request. */
  state: 'running' | 'completed' | 'failed' | 'stopped';
  scenarioA: { id: number | null; name: string };
  scenarioB: { id: number | null; name: string };
  rounds: number;
  /** The warm-up both sides ran with (seconds). */
  warmupSec: number;
  /** Every run so far in the order they ran: A, B, A, B, … */
  runs: AbRunEntry[];
  /** The run going now, if any. */
  current: { side: AbSide; round: number; runId: number } | null;
  startedAt: string;
  endedAt: string | null;
  /**
   * B against A per figure (throughput, p50, p99), once every round has run; on a stopped A/B,
   * over the runs that completed. Null while running, or when a side has no completed run.
   */
  comparisons: FigureComparison[] | null;
  /** Figures whose verdict is "worse" (B worse than A); null until compared. */
  worse: string[] | null;
  /** Why it failed, or null. */
  error: string | null;
}
