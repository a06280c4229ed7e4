// What a streaming output of a run (jsonl, the Prometheus endpoint, the OTLP push) is told: each
// merged second as it arrives, and the summary at the end.
import type { RunProgress, RunSummary } from '../../shared/runResult.ts';
import type { RunSink } from '../services/runSinks.ts';

/** A run sink (src/main/services/runSinks.ts) the CLI opens and closes around a run. */
export interface RunOutput extends RunSink {
  /** A merged second of the run (the sample the app plots), with the run's totals so far. */
  second(runId: number | null, progress: RunProgress): void;
  /** The run ended; `summary` is final (thresholds evaluated). */
  finished(runId: number | null, summary: RunSummary): void;
  /** Release what the output holds (files, servers); may finish sending what it has. */
  close(): void | Promise<void>;
}
