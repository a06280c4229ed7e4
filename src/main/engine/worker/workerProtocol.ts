// Messages between the run controller (main thread) and its load workers.
import type { ErrorKind, Http2Figures, IterationCounts, PollFigures, SseFigures, StepSecond, UnfinishedFigures } from '../../../shared/runResult.ts';
import type { Stage } from '../../../shared/loadProfile.ts';
import type { Protocol, Scenario } from '../../../shared/scenario.ts';
import type { RawHistogram } from '../../../shared/result/histogramCodec.ts';

/** One worker's share of a run. */
export interface WorkerJob {
  scenario: Scenario;
  workerIndex: number;
  workerCount: number;
  /** This worker's share of the connections, rate and amount. */
  connections: number;
  rate?: number;
  /** Open model with a load profile: this worker's share of the rate stages (replaces `rate`). */
  rateStages?: Stage[];
  amount?: number;
  /** Common start instant of all workers, epoch ms (sub-ms precision); seconds are counted from it. */
  startAt: number;
  /** Hard end instant, epoch ms, when the run is bounded by time. */
  endAt?: number;
  /** The target host resolved once by the controller (the worker connects to this address). */
  address: string;
}

/** prepare: load the protocol's driver and answer ready; start: run a share; stop: end it now. */
export type ToWorker = { type: 'prepare'; protocol: Protocol } | { type: 'start'; job: WorkerJob } | { type: 'stop' };

/** Counters of one worker for one second [t, t+1) of the run. */
export interface WorkerSample {
  t: number;
  completed: number;
  errors: Partial<Record<ErrorKind, number>>;
  statusCodes: Record<string, number>;
  bytesSent: number;
  bytesReceived: number;
  /** Most connections open at once during the second. */
  openConnections: number;
  connectionsOpened: number;
  connectionsFailed: number;
  /**
   * Latencies completed in this second (µs), compressed base64; '' when none, or when they come
   * as `latency` instead.
   */
  histogram: string;
  /**
   * The same latencies as raw counts (what a load worker's recorder sends: see RawHistogram in
   * histogramCodec.ts); absent when none completed.
   */
  latency?: RawHistogram;
  /** Connect times (TCP, TLS, WebSocket upgrade) of connections opened in this second (µs); '' when none. */
  connectHistogram?: string;
  cpuPercent: number;
  loopLagMs: number;
  /** Share of the second the worker's event loop was busy (not waiting for I/O), percent. */
  loopBusyPercent?: number;
  ws?: WsSampleFigures;
  /** Recorded after the planned end, while the driver waited for answers (see SecondRecorder.beginDrain). */
  drain?: boolean;
  /** Requests or handshakes still waiting when the load stopped (only in the last second). */
  unfinished?: UnfinishedFigures;
  /**
   * Open model only (HTTP with a rate, WebSocket rate mode): scheduled sends that came due in
   * this second, and scheduled sends that went out in it (late ones included).
   */
  schedule?: { due: number; sent: number };
  /** Flow runs: each step that did anything in this second (its completions are also in `completed` and `histogram`). */
  steps?: StepSecond[];
  /** Flow runs: iterations started and ended in this second, and the ended ones' durations (µs, compressed base64). */
  iterations?: IterationCounts;
  iterationHistogram?: string;
}

export interface WsSampleFigures {
  sent: number;
  received: number;
  duplicates: number;
  outOfOrder: number;
  unmatched: number;
  /** Messages given up on (no echo by the end of the run or within the timeout). */
  lost: number;
  closes: Record<string, number>;
  /** Ping round trips (µs) completed in this second. */
  pingHistogram: string;
}

export type FromWorker =
  | { type: 'ready'; protocol?: Protocol }
  | { type: 'sample'; sample: WorkerSample }
  /** poll: a polling driver's counters for the whole run (see ../poll/pollLoad.ts). */
  /** http2: an HTTP/2 driver's protocol figures for the whole run (see ../http2/h2Load.ts). */
  /** sse: an event-stream driver's counters, its time to first event as a histogram (see ../sse/sseLoad.ts). */
  | { type: 'done'; poll?: PollFigures; http2?: Http2Figures; sse?: SseWorkerFigures }
  | { type: 'fatal'; message: string };

/** One worker's Server-Sent Events counters; the controller merges the histograms and summarizes. */
export type SseWorkerFigures = Omit<SseFigures, 'firstEventUs'> & {
  /** Times to first event (µs), compressed base64; '' when no stream got an event. */
  firstEventHistogram: string;
};
