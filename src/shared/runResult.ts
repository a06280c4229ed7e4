// One result model for both protocols. All latencies are integers in microseconds.
import type { StageTarget } from './loadProfile.ts';
import type { Protocol, Scenario } from './scenario.ts';
import type { ThresholdResult } from './thresholds.ts';

export type RunStatus = 'running' | 'completed' | 'failed' | 'aborted' | 'interrupted';

/**
 * Kinds of failure, each a result to record rather than a crash.
 * Transport: refused, reset, timeout, dns, tls, closed (WebSocket closed by the peer);
 * protocol: handshake (WebSocket upgrade rejected), status (HTTP status not expected), lost
 * (WebSocket message whose echo never came), protocol (a response that is not valid HTTP),
 * incomplete (a response cut off before its end: never a success), ping-timeout (a WebSocket
 * pong that did not come within the timeout), too-large (a response or message over the size
 * limit, discarded while it streamed in); unfinished (a request or handshake still waiting, for
 * at least UNFINISHED_ERROR_AGE_MS, when the run ended); other: anything we could not classify.
 * Flows (docs/FLOWS.md) add: check (a check that failed), extraction (an extraction that found
 * nothing), variable (a variable with no value when a step ran), expect-timeout (a WebSocket
 * answer or push that did not come within its step's timeout).
 */
export const ERROR_KINDS = [
  'refused',
  'reset',
  'timeout',
  'dns',
  'tls',
  'closed',
  'handshake',
  'status',
  'lost',
  'protocol',
  'incomplete',
  'ping-timeout',
  'too-large',
  'goaway',
  'rst-stream',
  'unfinished',
  'check',
  'extraction',
  'variable',
  'expect-timeout',
  'other',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/**
 * A request still in flight at the end of a run counts as an `unfinished` error once it has
 * waited this long. Younger ones are the normal state of a closed loop (every connection has a
 * request out when the clock stops) and are only reported in `summary.unfinished`.
 */
export const UNFINISHED_ERROR_AGE_MS = 1000;

/** Requests (HTTP) or handshakes and messages (WebSocket) still waiting when the run ended. */
export interface UnfinishedFigures {
  count: number;
  /** Age of the oldest one at the end of the run (ms). */
  oldestAgeMs: number;
}

/** A figure of a LatencySummary (all but the count). */
export type LatencyFigure = 'min' | 'mean' | 'stdev' | 'p50' | 'p90' | 'p95' | 'p99' | 'p999' | 'max';

export interface LatencySummary {
  count: number;
  /**
   * Figures the tool that measured the run did not report (k6 reports only its summaryTrendStats:
   * by default no p(99) or p(99.9)), and why. Their stored 0 is no measurement: shown as "–" and
   * never compared. Absent when every figure was measured (every run Barrage measures).
   */
  unreported?: { figures: LatencyFigure[]; reason: string };
  min: number;
  mean: number;
  stdev: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

/** One second of a run, merged over all workers. */
export interface RunSample {
  /** Seconds since the run started: sample t covers [t, t+1). */
  t: number;
  /** Requests (HTTP) or echoed/received messages (WebSocket) completed in this second. */
  throughput: number;
  /** Latency of this second's completions (µs); null when nothing completed. */
  latencyUs: { p50: number; p99: number; max: number; mean: number } | null;
  errors: number;
  /**
   * This second's errors by kind. Live samples only (progress events, jsonl, live metrics): the
   * history stores the per-second total and the run's totals by kind.
   */
  errorsByKind?: Partial<Record<ErrorKind, number>>;
  openConnections: number;
  bytesSent: number;
  bytesReceived: number;
  /** Busiest worker's CPU use in this second, percent of one core. */
  cpuPercent: number;
  /** Largest event-loop delay seen by any worker in this second (ms). */
  loopLagMs: number;
  /**
   * Busiest worker's event-loop utilization in this second, percent: near 100 the generator
   * never waited for work. Live results only (not kept in the run history).
   */
  loopBusyPercent?: number;
  /** Part of the warm-up: shown, but kept out of steady-state figures. */
  warmup: boolean;
  /**
   * The drain after the planned end (WebSocket: answers to messages sent before the end, for up
   * to 2 s): its own period, one past the last planned second, counted in the run's totals but
   * kept out of steady-state figures — it is not a second of the planned load. Absent otherwise.
   */
  drain?: boolean;
  /**
   * This second's latencies as an HdrHistogram (µs, V2 compressed base64), so a run's steady
   * seconds can be merged exactly and resampled: the group comparison's p99 (stats/pooledTail.ts).
   * Absent when nothing completed, in runs stored before it existed and in imported runs.
   */
  histogram?: string;
  /** Flow runs only: this second's figures of each step that did anything in it. */
  steps?: StepSecond[];
  /** Flow runs only: iterations started, completed and abandoned in this second. */
  iterations?: IterationCounts;
  /** Flow runs only: durations of the iterations that ended in this second (µs, V2 compressed base64). */
  iterationHistogram?: string;
  /**
   * Open model only: scheduled sends (requests, or WebSocket rate-mode messages) due by the end
   * of this second that had not gone out — the run's backlog. In the last second it is the
   * number that never went out. Absent in the closed model and in runs stored before it existed.
   */
  behind?: number;
}

/** A second of the planned load after the warm-up: what steady-state figures are computed from. */
export function isSteadySecond(s: RunSample): boolean {
  return !s.warmup && s.drain !== true;
}

/** A second of the planned load (warm-up included): everything but the end-of-run drain. */
export function isPlannedSecond(s: RunSample): boolean {
  return s.drain !== true;
}

/**
 * The open model's schedule kept or missed (k6's dropped_iterations): every send due during
 * the run, how many went out (late ones included) and how many never did, with why.
 */
export interface ScheduleFigures {
  due: number;
  sent: number;
  missed: number;
  /** missed / due, in percent (one decimal). */
  missedPercent: number;
  /** Why sends were missed and what to change, in words; absent when none were missed. */
  advice?: string;
}

export interface GeneratorHealth {
  workers: number;
  /** Mean CPU use per worker over the run, percent of one core. */
  cpuPercent: number;
  maxCpuPercent: number;
  maxLoopLagMs: number;
  saturated: boolean;
  /** Why it is considered saturated, in words. */
  reasons: string[];
  /**
   * When saturated: what to do about it, fitted to the target (saturationAdvice: a target on
   * this machine competes for its CPU). Absent otherwise and on runs stored before it existed.
   */
  advice?: string;
  /**
   * A run merged from shards (`barrage runs merge`): each shard's own verdict, with its 1-based
   * shard number. One saturated shard makes the merged run saturated.
   */
  shards?: Array<Omit<GeneratorHealth, 'shards'> & { shard: number }>;
}

export interface WsFigures {
  messagesSent: number;
  messagesReceived: number;
  lost: number;
  duplicates: number;
  outOfOrder: number;
  /** Messages whose sequence id we never sent (or could not read). */
  unmatched: number;
  /** Close codes of connections the peer closed, with counts. */
  unexpectedCloses: Record<string, number>;
  connectUs: LatencySummary | null;
  pingUs: LatencySummary | null;
}

/** One stage of a run with a load profile: the plan, what was achieved, and its figures. */
export interface StageFigures {
  /** 0-based; people read it as stage index + 1. */
  index: number;
  /** The plan: seconds after the start, and the target ramping from `from` to `to`. */
  startSec: number;
  endSec: number;
  from: number;
  to: number;
  target: StageTarget;
  /** Whole seconds of the run counted in this stage (a second belongs to the stage holding its middle). */
  seconds: number;
  throughput: { total: number; perSec: number };
  /** Latencies of the stage's seconds (µs); null when nothing completed in it. */
  latencyUs: LatencySummary | null;
  errors: number;
  /**
   * Of `errors`, answers with an unexpected HTTP status, which `throughput` counts as completions
   * too (as the run's errors.byKind.status); absent when there were none.
   */
  statusErrors?: number;
  /**
   * Achieved: mean and peak connections open over its seconds, and completions per second — for
   * a flow, iterations started per second (what its rate stages plan).
   */
  achieved: { meanConnections: number; peakConnections: number; perSec: number };
  /** Whether the generator reached the stage's planned peak; `note` says why not. */
  reached: boolean;
  note?: string;
}

export interface RunSummary {
  protocol: Protocol;
  status: RunStatus;
  /** ISO timestamps. */
  startedAt: string;
  endedAt: string;
  durationSec: number;
  /** What the latency figures measure, in words (differs by protocol and mode). */
  latencyMeaning: string;
  throughput: {
    total: number;
    /**
     * Completions during the load / durationSec: requests/s (HTTP) or echoed/received messages/s
     * (WebSocket). The drain's answers after the planned end are in `total` but not here.
     */
    perSec: number;
    /** Mean of the per-second throughput after the warm-up; null when the run was all warm-up. */
    steadyPerSec: number | null;
  };
  latencyUs: LatencySummary;
  bytes: { sent: number; received: number };
  errors: { total: number; byKind: Partial<Record<ErrorKind, number>> };
  /** HTTP status codes with counts. */
  statusCodes: Record<string, number>;
  connections: {
    opened: number;
    failed: number;
    peak: number;
    /**
     * Time to open a connection (µs): TCP connect (HTTP), plus TLS for https, plus the upgrade
     * for WebSocket (the same figure as ws.connectUs). Absent in runs stored before it existed.
     */
    connectUs?: LatencySummary | null;
  };
  ws: WsFigures | null;
  /** What was still waiting when the run ended; absent in runs stored before it existed. */
  unfinished?: UnfinishedFigures;
  /** Open model only (HTTP with a rate, WebSocket rate mode); absent otherwise and in older runs. */
  schedule?: ScheduleFigures | null;
  generator: GeneratorHealth;
  /** Present when the run failed (a worker died, the run could not start). */
  failure?: string;
  /** Present when the run was stopped early or degraded (e.g. the target was unresolvable). */
  notes: string[];
  /**
   * The scenario's thresholds, evaluated at the end of the run, in the scenario's order. Absent
   * when the run had none (and on runs stored before thresholds existed).
   */
  thresholds?: ThresholdResult[];
  /** Per-stage figures of a run with a load profile (`stages` in its scenario). */
  stages?: StageFigures[];
  /** Polling runs only (an HTTP scenario with `poll`): what the polls brought. */
  poll?: PollFigures;
  /** Flow runs only: per step, iterations, checks. */
  flow?: FlowFigures;
  /** HTTP/2 runs only (an HTTP scenario with `http2`): streams, the server's limit, GOAWAY and RST_STREAM frames. */
  http2?: Http2Figures;
  /** Server-Sent Events runs only (an HTTP scenario with `sse`): what the streams brought. */
  sse?: SseFigures;
}

/** What an HTTP/2 run saw of the protocol (summed over its workers). */
export interface Http2Figures {
  /** h2c (prior knowledge, cleartext) or h2 (TLS with ALPN). */
  mode: 'h2c' | 'h2';
  /** Streams in flight per connection the scenario asked for. */
  streamsRequested: number;
  /**
   * The lowest SETTINGS_MAX_CONCURRENT_STREAMS a server announced on any connection; null when
   * no connection received the server's settings (or it set no limit).
   */
  serverMaxConcurrentStreams: number | null;
  /** Most streams in flight on one connection at any moment: never above either limit. */
  peakStreams: number;
  /** GOAWAY frames received, by error code name (NO_ERROR, ENHANCE_YOUR_CALM, …). */
  goaways: Record<string, number>;
  /** Streams the server reset with RST_STREAM, by error code name (REFUSED_STREAM, CANCEL, …). */
  streamResets: Record<string, number>;
}

/** Counters of a Server-Sent Events run (summed over its workers). */
export interface SseFigures {
  /** Events received (every event the stream dispatched, of any type). */
  events: number;
  /** Events without a "ts" creation time in their data: received, but no lag measured. */
  untimed: number;
  /** Bytes of the events' data (UTF-8), without the event-stream framing. */
  payloadBytes: number;
  /** Streams that opened (a 200 with Content-Type text/event-stream). */
  streamsOpened: number;
  /** Open streams that ended before the run did: closed by the server (or the network). */
  drops: number;
  /** Connection attempts after the first on a connection (after a drop or a failed attempt). */
  reconnects: number;
  /** Of those, the ones that sent Last-Event-ID (the stream had given an id). */
  resumedWithLastEventId: number;
  /** The last reconnection delay a server set with `retry:` (ms); null when none did. */
  serverRetryMs: number | null;
  /** Time from sending a stream's request to its first event (µs), over every stream that got one. */
  firstEventUs: LatencySummary | null;
}

/** Counters of a polling run (summed over its workers). */
export interface PollFigures {
  requests: number;
  /** Polls that brought no event. */
  emptyRequests: number;
  /** Events delivered. */
  delivered: number;
  /** Compact-JSON bytes of the delivered events. */
  payloadBytes: number;
  /** Polls that found their cursor older than what the server keeps (events were missed). */
  gaps: number;
  /** Events without a "ts" creation time: delivered, but no lag measured. */
  untimed: number;
  /** Long polling (the server held each poll until an event existed); absent in runs stored before it was recorded. */
  long?: boolean;
}

/** One step of a flow in one second, merged over the workers. */
export interface StepSecond {
  /** The step's name (unique in its flow). */
  step: string;
  /** Completions: HTTP responses, WebSocket answers matched or pushes received, connects. */
  count: number;
  errors: number;
  errorsByKind?: Partial<Record<ErrorKind, number>>;
  checks: { passed: number; failed: number };
  /**
   * Each of the step's checks in the step's order (index i is `checks[i]` of the step), passed
   * and failed in this second; absent when the step has no checks. Sums to `checks`.
   */
  checkCounts?: Array<{ passed: number; failed: number }>;
  /** HTTP steps: status codes of this second's responses, with counts. */
  statusCodes?: Record<string, number>;
  /**
   * ws-send steps with expect: answers that came after the answer to a request sent later in
   * the same step (the echo mode's rule), and messages carrying the match key that matched no
   * send of the step (answers for someone else, late answers to an earlier step). Absent when 0
   * and in seconds stored before they were counted (schema 8).
   */
  outOfOrder?: number;
  unmatched?: number;
  /** The second's latencies of this step (µs, V2 compressed base64); absent when none completed. */
  histogram?: string;
}

/** Iterations of a flow in one second (or over a run). */
export interface IterationCounts {
  started: number;
  /** Ran every step (failed checks with onFailure "continue" included). */
  completed: number;
  /** Left early by a step whose onFailure is "abandon". */
  abandoned: number;
}

/** A flow step's figures over the run (or a stage). */
export interface StepFigures {
  name: string;
  type: 'http' | 'ws-connect' | 'ws-send' | 'ws-await' | 'ws-close';
  phase: 'setup' | 'steps' | 'teardown';
  count: number;
  /** count / the run's duration. */
  perSec: number;
  /** What the step's latency measures, in words (docs/FLOWS.md, "What each latency includes"). */
  latencyMeaning: string;
  latencyUs: LatencySummary | null;
  errors: { total: number; byKind: Partial<Record<ErrorKind, number>> };
  statusCodes: Record<string, number>;
  /** Each of the step's checks, in its order, named as people read it ("status 2xx"). */
  checks: Array<{ name: string; passed: number; failed: number }>;
  /**
   * ws-send steps with expect only: answers out of order and messages that matched no send
   * (StepSecond.outOfOrder / unmatched, summed). `unmatched` is counted only when answers are
   * matched by a JSON path: with a regex an unmatched message cannot be told from a push.
   */
  ws?: { outOfOrder: number; unmatched: number };
  /** The step's µs histogram over the run (V2 compressed base64), for exact comparisons. */
  histogram?: string;
}

/** What a flow run adds to its summary. */
export interface FlowFigures {
  steps: StepFigures[];
  iterations: IterationCounts & {
    /** Iteration duration, first step's start (open model: scheduled start) to last step's end, think time included. */
    durationUs: LatencySummary | null;
  };
  /** All checks of the run; share = passed / (passed + failed), null when there were none. */
  checks: { passed: number; failed: number; share: number | null };
  /** Data rows the run used: count and content hash, so two runs' data can be told apart. */
  data?: { rows: number; sha256: string; assign: 'per-vu' | 'sequential' | 'random' };
}

export interface RunResult {
  config: Scenario;
  summary: RunSummary;
  samples: RunSample[];
  /** HdrHistogram of every latency of the run (µs), V2 compressed base64. */
  histogram: string;
}

/** A live progress event: the newest sample and the run's figures so far. */
export interface RunProgress {
  sample: RunSample;
  elapsedSec: number;
  /** Planned length in seconds, when the run is bounded by time. */
  plannedSec: number | null;
  totals: {
    throughput: number;
    errors: number;
    /** Errors so far by kind, so a live view can say what is failing while it fails. */
    errorsByKind?: Partial<Record<ErrorKind, number>>;
    /** Open model: scheduled sends due so far, and how many of them have not gone out. */
    schedule?: { due: number; behind: number };
    /** WebSocket echo and rate modes: message faults so far. */
    ws?: { lost: number; duplicates: number; outOfOrder: number; unmatched: number };
  };
  /** Warnings known before or during the run (e.g. the rate is beyond what the connections carry). */
  warnings?: string[];
}
