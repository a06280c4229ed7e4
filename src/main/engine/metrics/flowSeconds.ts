// A flow's per-step and per-iteration figures for one second: counted in a worker
// (StepCounters, IterationCounter — fed by the flow runner through the SecondRecorder) and
// merged over workers by the RunAccumulator (mergeStepSeconds, src/shared/result/stepSeconds.ts,
// which the merge of a sharded run's shards uses too). Shapes: StepSecond, IterationCounts in
// src/shared/runResult.ts.
import type { ErrorKind, IterationCounts, StepSecond } from '../../../shared/runResult.ts';
import { createHistogram, encodeHistogram, recordUs, type Histogram } from '../../../shared/result/histogramCodec.ts';

/** One step's counters in the current second of one worker. */
export class StepCounters {
  readonly name: string;
  private readonly checkCount: number;
  private readonly latency: Histogram = createHistogram();
  count = 0;
  errors = 0;
  errorsByKind: Partial<Record<ErrorKind, number>> = {};
  statusCodes: Record<string, number> = {};
  passed = 0;
  failed = 0;
  /** ws-send with expect: answers out of order, and messages carrying the key that matched no send. */
  outOfOrder = 0;
  unmatched = 0;
  byCheck: Array<{ passed: number; failed: number }>;

  constructor(name: string, checks: number) {
    this.name = name;
    this.checkCount = checks;
    this.byCheck = emptyChecks(checks);
  }

  completed(latencyUs: number): void {
    this.count++;
    recordUs(this.latency, latencyUs);
  }

  error(kind: ErrorKind): void {
    this.errors++;
    this.errorsByKind[kind] = (this.errorsByKind[kind] ?? 0) + 1;
  }

  status(code: number): void {
    this.statusCodes[code] = (this.statusCodes[code] ?? 0) + 1;
  }

  check(index: number, passed: boolean): void {
    const c = this.byCheck[index];
    if (passed) {
      this.passed++;
      if (c) c.passed++;
    } else {
      this.failed++;
      if (c) c.failed++;
    }
  }

  /** The second's figures, or undefined when the step did nothing in it; resets the counters. */
  take(): StepSecond | undefined {
    if (this.count === 0 && this.errors === 0 && this.passed === 0 && this.failed === 0 && this.unmatched === 0) return undefined;
    const out: StepSecond = { step: this.name, count: this.count, errors: this.errors, checks: { passed: this.passed, failed: this.failed } };
    if (this.errors > 0) out.errorsByKind = this.errorsByKind;
    if (this.outOfOrder > 0) out.outOfOrder = this.outOfOrder;
    if (this.unmatched > 0) out.unmatched = this.unmatched;
    if (this.checkCount > 0) out.checkCounts = this.byCheck;
    if (Object.keys(this.statusCodes).length > 0) out.statusCodes = this.statusCodes;
    if (this.latency.totalCount > 0) out.histogram = encodeHistogram(this.latency);
    this.latency.reset();
    this.count = 0;
    this.errors = 0;
    this.errorsByKind = {};
    this.statusCodes = {};
    this.passed = 0;
    this.failed = 0;
    this.outOfOrder = 0;
    this.unmatched = 0;
    this.byCheck = emptyChecks(this.checkCount);
    return out;
  }
}

function emptyChecks(n: number): Array<{ passed: number; failed: number }> {
  return Array.from({ length: n }, () => ({ passed: 0, failed: 0 }));
}

/** Iterations started and ended in the current second of one worker, with their durations. */
export class IterationCounter {
  private readonly duration: Histogram = createHistogram();
  private counts: IterationCounts = { started: 0, completed: 0, abandoned: 0 };

  started(): void {
    this.counts.started++;
  }

  ended(durationUs: number, abandoned: boolean): void {
    if (abandoned) this.counts.abandoned++;
    else this.counts.completed++;
    recordUs(this.duration, durationUs);
  }

  take(): { iterations: IterationCounts; iterationHistogram?: string } {
    const out = { iterations: this.counts, ...(this.duration.totalCount > 0 ? { iterationHistogram: encodeHistogram(this.duration) } : {}) };
    this.counts = { started: 0, completed: 0, abandoned: 0 };
    this.duration.reset();
    return out;
  }
}
