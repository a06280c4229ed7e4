// `--out jsonl=FILE` (or `-` for stdout): one JSON line per merged second while the run goes — the
// same sample the app plots and the history stores — and the run's summary as the last line, for
// scripts that watch a run (`tail -f`, `jq --unbuffered`). Each line is written as it happens.
// A flow's second is followed by one `step` line per step that did anything in it.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { RunProgress, RunSummary, StepSecond } from '../../shared/runResult.ts';
import { decodeHistogram, summarizeHistogram } from '../../shared/result/histogramCodec.ts';
import type { RunOutput } from './runOutput.ts';

/** A line of the stream: `type` tells a second from the final summary. */
export type JsonlLine =
  | ({ type: 'sample'; runId: number | null; elapsedSec: number; plannedSec: number | null; totals: RunProgress['totals'] } & Omit<RunProgress['sample'], 'steps' | 'iterationHistogram'>)
  | JsonlStepLine
  | ({ type: 'summary'; runId: number | null } & RunSummary);

/**
 * A flow's step in one second, after that second's sample line: its counts and its latency
 * percentiles read off the step's histogram (which, like the sample's, stays out).
 */
export interface JsonlStepLine {
  type: 'step';
  runId: number | null;
  t: number;
  step: string;
  count: number;
  errors: number;
  errorsByKind?: StepSecond['errorsByKind'];
  checks: StepSecond['checks'];
  statusCodes?: Record<string, number>;
  /** ws-send steps with expect, when not 0: answers out of order, messages that matched no send. */
  outOfOrder?: number;
  unmatched?: number;
  latencyUs: { p50: number; p99: number; max: number; mean: number } | null;
}

export class JsonlStream implements RunOutput {
  private readonly fd: number;
  private readonly ownsFd: boolean;

  /** `target` is a file path (created or truncated now, so a bad path fails before the run) or '-'. */
  constructor(target: string) {
    this.ownsFd = target !== '-';
    this.fd = this.ownsFd ? openSync(target, 'w') : 1;
  }

  second(runId: number | null, p: RunProgress): void {
    // The second's encoded histogram stays out: it is for merging inside Barrage, not for jq.
    const { histogram: _histogram, steps, iterationHistogram: _iterations, ...sample } = p.sample;
    this.write({ type: 'sample', runId, ...sample, elapsedSec: p.elapsedSec, plannedSec: p.plannedSec, totals: p.totals });
    for (const step of steps ?? []) {
      let latencyUs: JsonlStepLine['latencyUs'] = null;
      if (step.histogram && step.count > 0) {
        const l = summarizeHistogram(decodeHistogram(step.histogram));
        latencyUs = { p50: l.p50, p99: l.p99, max: l.max, mean: l.mean };
      }
      this.write({
        type: 'step',
        runId,
        t: p.sample.t,
        step: step.step,
        count: step.count,
        errors: step.errors,
        ...(step.errorsByKind ? { errorsByKind: step.errorsByKind } : {}),
        checks: step.checks,
        ...(step.statusCodes ? { statusCodes: step.statusCodes } : {}),
        ...(step.outOfOrder ? { outOfOrder: step.outOfOrder } : {}),
        ...(step.unmatched ? { unmatched: step.unmatched } : {}),
        latencyUs,
      });
    }
  }

  finished(runId: number | null, summary: RunSummary): void {
    this.write({ type: 'summary', runId, ...summary });
  }

  close(): void {
    if (this.ownsFd) closeSync(this.fd);
  }

  private write(line: JsonlLine): void {
    // Synchronous: the line is complete on disk (or in the pipe) before the next second arrives,
    // and nothing is lost when the process is stopped right after the run.
    writeSync(this.fd, JSON.stringify(line) + '\n');
  }
}
