// What a load driver records inside its worker, cut into one sample per second of the run.
// Seconds are aligned to the run's common start instant, so the controller can merge the
// samples of all workers by their index.
import { UNFINISHED_ERROR_AGE_MS, type ErrorKind, type UnfinishedFigures } from '../../../shared/runResult.ts';
import type { WorkerSample, WsSampleFigures } from '../worker/workerProtocol.ts';
import { GeneratorMonitor } from './generatorMonitor.ts';
import { createHistogram, encodeHistogram, rawHistogram, recordUs, type Histogram } from '../../../shared/result/histogramCodec.ts';
import { systemClock, type Clock } from '../../clock.ts';
import type { StepRecorder } from '../flow/stepExecutor.ts';
import { IterationCounter, StepCounters } from './flowSeconds.ts';

/** Cumulative bytes written and read at the socket level, for the driver to report. */
export type ByteCounter = () => { sent: number; received: number };

export class SecondRecorder {
  private readonly latency: Histogram = createHistogram();
  private readonly connect: Histogram = createHistogram();
  private readonly ping: Histogram = createHistogram();
  private readonly monitor = new GeneratorMonitor();
  private completedCount = 0;
  private errors: Partial<Record<ErrorKind, number>> = {};
  private statusCodes: Record<string, number> = {};
  private opened = 0;
  private failed = 0;
  private open = 0;
  /** Most connections open at once during the current second. */
  private peakOpen = 0;
  private ws: Omit<WsSampleFigures, 'pingHistogram'> | null = null;
  private unfinishedFigures: UnfinishedFigures | undefined;
  private lastBytes = { sent: 0, received: 0 };
  private nextT = 0;
  /** After beginDrain: every later sample belongs to the drain. */
  private draining = false;
  /** Cancels the pending second-boundary timer; undefined when stopped. */
  private timer: (() => void) | undefined;
  private bytes: ByteCounter = () => this.lastBytes;
  /** Open model: how many scheduled sends are due by an instant (epoch ms). */
  private dueBy: ((atMs: number) => number) | null = null;
  private dueSoFar = 0;
  private scheduledSends = 0;
  /** Flow runs: each step's counters, in the flow's order, and the iterations. */
  private steps: StepCounters[] = [];
  private iterationCounter: IterationCounter | undefined;
  private readonly startAt: number;
  private readonly emit: (sample: WorkerSample) => void;
  private readonly clock: Clock;

  constructor(startAt: number, emit: (sample: WorkerSample) => void, trackWs = false, clock: Clock = systemClock) {
    this.startAt = startAt;
    this.emit = emit;
    this.clock = clock;
    if (trackWs) this.ws = emptyWs();
  }

  setByteCounter(counter: ByteCounter): void {
    this.bytes = counter;
  }

  /**
   * Open model: the driver's schedule, so each second reports how many sends came due and how
   * many went out. The difference, summed, is what the run fell behind (or never sent).
   */
  setSchedule(dueBy: (atMs: number) => number): void {
    this.dueBy = dueBy;
  }

  /**
   * Flow runs: a recorder per step (setup, iteration and teardown steps in order, with how many
   * checks each has). What a step records counts for the step and for the run: the run's
   * throughput and latency pool every step's completions.
   */
  flowSteps(steps: ReadonlyArray<{ name: string; checks: number }>): StepRecorder[] {
    this.steps = steps.map((s) => new StepCounters(s.name, s.checks));
    this.iterationCounter = new IterationCounter();
    return this.steps.map((c) => ({
      completed: (us) => {
        c.completed(us);
        this.completed(us);
      },
      status: (code) => {
        c.status(code);
        this.status(code);
      },
      error: (kind) => {
        c.error(kind);
        this.error(kind);
      },
      check: (index, passed) => c.check(index, passed),
      unfinished: (ageMs) => this.unfinished([ageMs]),
      outOfOrder: () => c.outOfOrder++,
      unmatched: () => c.unmatched++,
    }));
  }

  /** Flow runs: an iteration started. */
  iterationStarted(): void {
    this.iterationCounter?.started();
  }

  /** Flow runs: an iteration ended (all its steps ran, or one abandoned it), after durationUs. */
  iterationEnded(durationUs: number, abandoned: boolean): void {
    this.iterationCounter?.ended(durationUs, abandoned);
  }

  /** A scheduled send went out (on time or late). */
  scheduledSent(n = 1): void {
    this.scheduledSends += n;
  }

  /** Starts emitting a sample at every second boundary after the start instant. */
  start(): void {
    this.schedule();
  }

  /**
   * Emits any second that is already over. Drivers call this from their hot path every few
   * hundred events: with thousands of busy sockets the event loop can spend far more than a
   * second on I/O before a timer runs, and a late flush would put events in the wrong second.
   */
  catchUp(now = this.clock.now()): void {
    if (!this.timer || now < this.startAt + (this.nextT + 1) * 1000) return;
    this.timer();
    this.flush();
    this.schedule();
  }

  private schedule(): void {
    const due = this.startAt + (this.nextT + 1) * 1000;
    this.timer = this.clock.after(Math.max(0, due - this.clock.now()), () => {
      this.flush();
      this.schedule();
    });
  }

  /**
   * The planned load is over and the driver only waits for answers to what it already sent.
   * The second in progress is cut here, and everything recorded from now on is marked as the
   * drain, which the run keeps as its own period instead of folding it into the last planned
   * second (where a backlog of answers would read as a burst of throughput).
   */
  beginDrain(): void {
    if (this.draining || !this.timer) return;
    this.timer();
    this.flush();
    this.draining = true;
    this.schedule();
  }

  /** Emits the last (possibly partial) second and stops the clock. */
  finish(): void {
    this.timer?.();
    this.timer = undefined;
    this.flush();
    this.monitor.close();
  }

  completed(latencyUs: number): void {
    this.completedCount++;
    recordUs(this.latency, latencyUs);
  }

  error(kind: ErrorKind, n = 1): void {
    this.errors[kind] = (this.errors[kind] ?? 0) + n;
  }

  /**
   * What was still waiting when the load stopped, by age (ms). Those older than
   * UNFINISHED_ERROR_AGE_MS are errors of kind `unfinished`; all are reported with the oldest age.
   */
  unfinished(agesMs: number[]): void {
    if (agesMs.length === 0) return;
    const figures = (this.unfinishedFigures ??= { count: 0, oldestAgeMs: 0 });
    for (const age of agesMs) {
      figures.count++;
      if (age > figures.oldestAgeMs) figures.oldestAgeMs = Math.round(age);
      if (age >= UNFINISHED_ERROR_AGE_MS) this.error('unfinished');
    }
  }

  status(code: number): void {
    this.statusCodes[code] = (this.statusCodes[code] ?? 0) + 1;
  }

  connectionOpened(handshakeUs?: number): void {
    this.opened++;
    this.open++;
    if (this.open > this.peakOpen) this.peakOpen = this.open;
    if (handshakeUs !== undefined) recordUs(this.connect, handshakeUs);
  }

  connectionFailed(): void {
    this.failed++;
  }

  connectionClosed(): void {
    this.open--;
  }

  get openConnections(): number {
    return this.open;
  }

  /** WebSocket counters; only present when constructed with trackWs. */
  wsSent(n = 1): void {
    if (this.ws) this.ws.sent += n;
  }
  wsReceived(n = 1): void {
    if (this.ws) this.ws.received += n;
  }
  wsDuplicate(): void {
    if (this.ws) this.ws.duplicates++;
  }
  wsOutOfOrder(): void {
    if (this.ws) this.ws.outOfOrder++;
  }
  wsUnmatched(): void {
    if (this.ws) this.ws.unmatched++;
  }
  wsLost(n = 1): void {
    if (this.ws) this.ws.lost += n;
    this.error('lost', n);
  }
  wsClosed(code: number): void {
    if (this.ws) this.ws.closes[code] = (this.ws.closes[code] ?? 0) + 1;
  }
  wsPing(roundTripUs: number): void {
    recordUs(this.ping, roundTripUs);
  }

  private flush(): void {
    const bytes = this.bytes();
    const { cpuPercent, loopLagMs, loopBusyPercent } = this.monitor.read();
    const sample: WorkerSample = {
      t: this.nextT,
      completed: this.completedCount,
      errors: this.errors,
      statusCodes: this.statusCodes,
      bytesSent: bytes.sent - this.lastBytes.sent,
      bytesReceived: bytes.received - this.lastBytes.received,
      // Short-lived connections (one per request) would mostly be missed at the boundary.
      openConnections: Math.max(this.peakOpen, this.open),
      connectionsOpened: this.opened,
      connectionsFailed: this.failed,
      // Raw counts, not encoded: the run controller encodes each second once for the stored
      // sample, in its long-lived isolate, where the worker's fresh one would run the encoder cold
      // (and compile it again every run) and the controller then decode it again.
      histogram: '',
      connectHistogram: this.connect.totalCount > 0 ? encodeHistogram(this.connect) : '',
      cpuPercent,
      loopLagMs,
      loopBusyPercent,
    };
    const latency = rawHistogram(this.latency);
    if (latency) sample.latency = latency;
    if (this.draining) sample.drain = true;
    if (this.unfinishedFigures) {
      sample.unfinished = this.unfinishedFigures;
      this.unfinishedFigures = undefined;
    }
    if (this.dueBy) {
      // Due by the end of this second, or by now for the last (partial) second.
      const due = this.dueBy(Math.min(this.clock.now(), this.startAt + (this.nextT + 1) * 1000));
      sample.schedule = { due: Math.max(0, due - this.dueSoFar), sent: this.scheduledSends };
      this.dueSoFar = Math.max(this.dueSoFar, due);
      this.scheduledSends = 0;
    }
    if (this.iterationCounter) {
      const steps = this.steps.map((c) => c.take()).filter((x) => x !== undefined);
      if (steps.length > 0) sample.steps = steps;
      const { iterations, iterationHistogram } = this.iterationCounter.take();
      sample.iterations = iterations;
      if (iterationHistogram) sample.iterationHistogram = iterationHistogram;
    }
    if (this.ws) {
      sample.ws = {
        ...this.ws,
        pingHistogram: this.ping.totalCount > 0 ? encodeHistogram(this.ping) : '',
      };
      this.ws = emptyWs();
    }
    this.lastBytes = bytes;
    this.latency.reset();
    this.connect.reset();
    this.ping.reset();
    this.completedCount = 0;
    this.errors = {};
    this.statusCodes = {};
    this.opened = 0;
    this.failed = 0;
    this.peakOpen = this.open;
    this.nextT++;
    this.emit(sample);
  }
}

function emptyWs(): Omit<WsSampleFigures, 'pingHistogram'> {
  return { sent: 0, received: 0, duplicates: 0, outOfOrder: 0, unmatched: 0, lost: 0, closes: {} };
}
