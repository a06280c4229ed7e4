// The REST vs WebSocket showdown: its input (validated the same way from the CLI and the app)
// and its result, shared by the main process and the Showdown view.
//
// Two experiments, each mode a normal run in the history (one group id, tag "showdown"):
//   exchange  the same request/response work over REST with a new TCP connection per request,
//             REST keep-alive, HTTP/2 (every request in flight a stream of one connection), and
//             WebSocket echo;
//   updates   server-to-client events: REST polling a cursor endpoint, long polling it,
//             Server-Sent Events and WebSocket push.
// Every byte figure comes from socket counters (bytes written to and read from the TCP socket:
// HTTP, WebSocket framing and handshakes included; TCP/IP headers and SYN/FIN packets are not
// visible at that level). All times are µs unless the name says otherwise.
import { z } from 'zod';
import { POLL_LATENCY_MEANING } from './result/latencyMeaning.ts';
import { strictObject } from './strictObject.ts';
import type { LatencySummary } from './runResult.ts';

export const SHOWDOWN_LIMITS = {
  payloadBytes: { min: 32, max: 1024 * 1024 },
  concurrency: 1000,
  durationSec: 600,
  exchanges: 10_000_000,
  warmupSec: 30,
  pollIntervalMs: { min: 10, max: 60_000 },
  eventRate: 10_000,
} as const;

export const EXCHANGE_MODES = ['rest-new', 'rest-keepalive', 'h2', 'ws'] as const;
export type ExchangeModeId = (typeof EXCHANGE_MODES)[number];
export const UPDATE_MODES = ['poll', 'long-poll', 'sse', 'push'] as const;
export type UpdateModeId = (typeof UPDATE_MODES)[number];
export const EXPERIMENTS = ['exchange', 'updates'] as const;
export type ExperimentId = (typeof EXPERIMENTS)[number];

export const EXCHANGE_MODE_LABELS: Record<ExchangeModeId, string> = {
  'rest-new': 'REST (new connection)',
  'rest-keepalive': 'REST (keep-alive)',
  h2: 'HTTP/2 (multiplexed)',
  ws: 'WebSocket',
};
export const UPDATE_MODE_LABELS: Record<UpdateModeId, string> = {
  poll: 'REST polling',
  'long-poll': 'Long polling',
  sse: 'Server-Sent Events',
  push: 'WebSocket push',
};

const url = (schemes: string[], what: string) =>
  z
    .string()
    .trim()
    .min(1, { error: 'cannot be empty' })
    .refine(
      (raw) => {
        try {
          return schemes.includes(new URL(raw).protocol);
        } catch {
          return false;
        }
      },
      { error: `must be a ${schemes.map((s) => s.slice(0, -1)).join(' or ')} URL (${what})` },
    );

export const showdownInputSchema = strictObject({
    /** HTTP echo endpoint: POST with a body, answers with the same body. Absent: the demo target. */
    httpUrl: url(['http:', 'https:'], 'an HTTP echo endpoint').optional(),
    /**
     * HTTP/2 echo endpoint (h2c for http://, h2 by ALPN for https://): the same POST echo over
     * HTTP/2. Absent with a server of your own: HTTP/2 is not measured. The demo target's is /h2.
     */
    h2Url: url(['http:', 'https:'], 'an HTTP/2 echo endpoint').optional(),
    /** WebSocket echo endpoint: answers every message with the same message. */
    wsUrl: url(['ws:', 'wss:'], 'a WebSocket echo endpoint').optional(),
    /** Poll endpoint: GET ?since=N answers {"cursor":M,"events":[{"ts":…},…]}. */
    pollUrl: url(['http:', 'https:'], 'an event poll endpoint').optional(),
    /** Push endpoint: sends each event as one JSON message carrying "ts" (creation time, epoch ms). */
    pushUrl: url(['ws:', 'wss:'], 'an event push endpoint').optional(),
    /** Long-poll endpoint: as the poll endpoint, but a poll with nothing new waits for the next event. Optional. */
    longPollUrl: url(['http:', 'https:'], 'a long-poll endpoint').optional(),
    /** Server-Sent Events endpoint: a text/event-stream whose events' data carry "ts" (epoch ms). Optional. */
    sseUrl: url(['http:', 'https:'], 'a Server-Sent Events endpoint').optional(),
    /** The server's CPU meter (GET answers {"totalUs":N}); the demo target has one. */
    cpuUrl: url(['http:', 'https:'], 'a CPU meter').optional(),
    /** Bytes of JSON in every request, response, message and event. */
    payloadBytes: z
      .number({ error: 'must be a number' })
      .int({ error: 'must be a whole number' })
      .min(SHOWDOWN_LIMITS.payloadBytes.min, { error: `must be at least ${SHOWDOWN_LIMITS.payloadBytes.min}` })
      .max(SHOWDOWN_LIMITS.payloadBytes.max, { error: 'must be at most 1 MiB' })
      .default(64),
    /** Virtual clients: connections for keep-alive and WebSocket, requests in flight for all. */
    concurrency: z
      .number({ error: 'must be a number' })
      .int({ error: 'must be a whole number' })
      .min(1, { error: 'must be at least 1' })
      .max(SHOWDOWN_LIMITS.concurrency, { error: `must be at most ${SHOWDOWN_LIMITS.concurrency}` })
      .default(10),
    /** Seconds per mode (measured part; each mode also has its warm-up). */
    durationSec: z
      .number({ error: 'must be a number' })
      .min(1, { error: 'must be at least 1 second' })
      .max(SHOWDOWN_LIMITS.durationSec, { error: 'must be at most 600 seconds' })
      .default(5),
    /** Exchanges per mode instead of a duration (experiment 1 only). */
    exchanges: z
      .number({ error: 'must be a number' })
      .int({ error: 'must be a whole number' })
      .min(1, { error: 'must be at least 1' })
      .max(SHOWDOWN_LIMITS.exchanges, { error: 'must be at most 10,000,000' })
      .optional(),
    /** Seconds of unsaved warm-up load before each mode of experiment 1; 0 for none. */
    warmupSec: z.number().min(0).max(SHOWDOWN_LIMITS.warmupSec, { error: 'must be at most 30 seconds' }).default(1),
    pollIntervalMs: z
      .number({ error: 'must be a number' })
      .int({ error: 'must be a whole number' })
      .min(SHOWDOWN_LIMITS.pollIntervalMs.min, { error: 'must be at least 10 ms' })
      .max(SHOWDOWN_LIMITS.pollIntervalMs.max, { error: 'must be at most 60,000 ms' })
      .default(100),
    /** Events per second the server creates (demo target; a server of your own sets its own pace). */
    eventRate: z
      .number({ error: 'must be a number' })
      .gt(0, { error: 'must be greater than 0' })
      .max(SHOWDOWN_LIMITS.eventRate, { error: 'must be at most 10,000 events/s' })
      .default(20),
    experiments: z
      .array(z.enum(EXPERIMENTS, { error: 'must be "exchange" or "updates"' }))
      .min(1, { error: 'choose at least one experiment' })
      .default(['exchange', 'updates']),
    /** Rotates the order of the modes; default: the number of showdowns already in the history. */
    seed: z.number().int().min(0).optional(),
    /** Load worker threads per engine run (1 leaves a core to a target on the same machine). */
    workers: z.number().int().min(1).max(64).default(1),
    /** Store every mode as a run in the history. */
    save: z.boolean().default(true),
    /** Keep URL passwords in the stored runs' configurations; default: redacted (storedSecrets.ts). */
    storeSecrets: z.boolean().default(false),
  })
  .superRefine((s, ctx) => {
    if ((s.httpUrl === undefined) !== (s.wsUrl === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [s.httpUrl === undefined ? 'httpUrl' : 'wsUrl'],
        message: 'give both the HTTP and the WebSocket endpoint, or neither (the demo target)',
      });
    }
    if ((s.pollUrl === undefined) !== (s.pushUrl === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [s.pollUrl === undefined ? 'pollUrl' : 'pushUrl'],
        message: 'give both the poll and the push endpoint, or neither',
      });
    }
    const ownOnly = (['pollUrl', 'cpuUrl', 'longPollUrl', 'sseUrl', 'h2Url'] as const).find((k) => s[k] !== undefined);
    if (s.httpUrl === undefined && ownOnly !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [ownOnly],
        message: 'applies to a server of your own (give httpUrl and wsUrl too)',
      });
    }
  });

export type ShowdownInput = z.input<typeof showdownInputSchema>;
export type ShowdownConfig = z.output<typeof showdownInputSchema>;

// ---- results -----------------------------------------------------------------------------------

export interface LatencyFigures {
  p50: number;
  p99: number;
  p999: number;
  mean: number;
  max: number;
  count: number;
}

/** Bytes per exchange (or per delivered event) in one direction. */
export interface DirectionBytes {
  /** Socket bytes per exchange (connection setup excluded where it is reported apart). */
  total: number;
  /** Application payload (request body, message, event JSON). */
  payload: number;
  /** total − payload: HTTP headers, WebSocket framing, polling envelopes. */
  overhead: number;
}

export interface ConnectionSetup {
  /** Bytes written / read to open one connection (WebSocket: the HTTP upgrade). */
  openSentBytes: number;
  openReceivedBytes: number;
  /** Bytes written / read to close it (WebSocket: the close frames). */
  closeSentBytes: number;
  closeReceivedBytes: number;
  /** Time to open one connection on an idle target (p50 of a few probes). */
  openUs: number;
  /** How it was measured, in words. */
  source: string;
}

export interface ExchangeModeResult {
  mode: ExchangeModeId;
  label: string;
  /** Run id in the history; null when not saved. */
  runId: number | null;
  status: 'completed' | 'failed' | 'aborted' | 'interrupted' | 'running';
  /** Exchanges completed (responses, or echoes received). */
  exchanges: number;
  durationSec: number;
  /** Exchanges per second after the run's first second. */
  throughputPerSec: number;
  /** Round trip: request written (or message sent) to response (or echo) complete. New connection: includes the TCP connect. */
  latencyUs: LatencyFigures;
  bytes: {
    sent: DirectionBytes;
    received: DirectionBytes;
    /** Whole-run socket totals as measured. */
    socketSent: number;
    socketReceived: number;
  };
  /**
   * What opening (and closing) one connection costs, measured on the idle target. WebSocket: its
   * upgrade and close bytes, kept out of the per-exchange figures; HTTP/2 likewise its connection
   * preface, SETTINGS exchange and GOAWAY. REST: the TCP connect time (no
   * bytes at the socket level); with a new connection per request it is paid in every exchange.
   */
  setup: ConnectionSetup | null;
  connections: {
    opened: number;
    failed: number;
    perExchange: number;
    /** Connect (REST: TCP) or connect+upgrade (WebSocket) time under this run's load, when known. */
    connectUs: { p50: number; p99: number } | null;
  };
  /**
   * HTTP/2 only: streams per connection asked for, the server's SETTINGS_MAX_CONCURRENT_STREAMS
   * (null: no limit announced) and the most in flight on one connection.
   */
  http2?: { streams: number; serverMaxConcurrentStreams: number | null; peakStreams: number };
  /** Load generator CPU per exchange (µs), over the steady seconds. */
  generatorCpuUs: number | null;
  /** Server CPU per exchange (µs) from the target's CPU meter; null without a meter. */
  serverCpuUs: number | null;
  errors: number;
  /** The generator was the bottleneck: latencies describe it more than the server. */
  generatorSaturated: boolean;
  notes: string[];
}

export interface UpdateModeResult {
  mode: UpdateModeId;
  label: string;
  runId: number | null;
  status: ExchangeModeResult['status'];
  durationSec: number;
  clients: number;
  /** Events received, summed over all clients. */
  delivered: number;
  /** Delivery lag: event creation (server timestamp) to receipt. */
  lagUs: LatencyFigures;
  /** Requests the clients sent: polls; SSE: the streams' requests (one per stream opened); 0 for push. */
  requests: number;
  emptyRequests: number;
  /** emptyRequests / requests (polling and long polling); null for SSE and push. */
  emptyShare: number | null;
  /** requests / delivered; 0 for push. */
  requestsPerEvent: number;
  /** Per delivered event, connection setup excluded (reported in `setup`). */
  bytesPerEvent: { sent: number; received: DirectionBytes };
  socketSent: number;
  socketReceived: number;
  setup: ConnectionSetup | null;
  connectionsOpened: number;
  generatorCpuUs: number | null;
  serverCpuUs: number | null;
  errors: number;
  notes: string[];
}

/** After how many messages a WebSocket connection's setup has paid for itself against one REST mode. */
export interface BreakEvenFigure {
  /** Smallest n ≥ 1 at which WebSocket's cumulative cost ≤ REST's; null: never. */
  messages: number | null;
  /** Whether WebSocket stays ahead for every larger n (its cost per message is not higher). */
  holds: boolean;
  wsSetup: number;
  wsPerMessage: number;
  restSetup: number;
  restPerMessage: number;
}

export interface BreakEven {
  against: 'rest-new' | 'rest-keepalive';
  /** Bytes, both directions. */
  bytes: BreakEvenFigure;
  /** µs: setup = connection opening time; per message = p50 round trip of this showdown. */
  time: BreakEvenFigure;
}

export type TableColumn = ExchangeModeId;
export type TableGroup = 'cost' | 'overhead' | 'connections' | 'latency' | 'model';

export const TABLE_GROUP_LABELS: Record<TableGroup, string> = {
  cost: 'Cost',
  overhead: 'Overhead per message',
  connections: 'TCP connections',
  latency: 'Latency',
  model: 'Communication model',
};

/**
 * One row of a measured table. Experiment 1's (request/response): Factor / REST (new connection) /
 * REST (keep-alive) / WebSocket. Experiment 2's (server-to-client updates) has its own columns,
 * REST polling / WebSocket push: its figures are not request/response figures, so they never sit
 * under request/response columns (where the third would read "not measured").
 */
export interface TableRow<C extends string = TableColumn> {
  id: string;
  group: TableGroup;
  factor: string;
  /** Unit of `values` ("B", "µs", "/s", "%", "" for counts and text rows). */
  unit: string;
  /** Numbers for charts; null where the factor does not apply or was not measured. */
  values: Record<C, number | null>;
  /** What to show in each cell. */
  cells: Record<C, string>;
  /** Which way is better, for highlighting; null for descriptive rows. */
  better: 'lower' | 'higher' | null;
}

export interface ShowdownTable<C extends string = TableColumn> {
  columns: Array<{ id: C; label: string }>;
  rows: Array<TableRow<C>>;
}

export interface ShowdownResult {
  id: string;
  /** Group id of its runs in the history (null when not saved). */
  groupId: string | null;
  config: ShowdownConfig;
  target: {
    kind: 'demo' | 'custom';
    httpUrl: string;
    wsUrl: string;
    /** The HTTP/2 echo endpoint; null when HTTP/2 was not measured. */
    h2Url: string | null;
    pollUrl: string | null;
    pushUrl: string | null;
    /** Absent in showdowns stored before long polling and SSE were measured. */
    longPollUrl?: string | null;
    sseUrl?: string | null;
    cpuUrl: string | null;
    /** Whether the server CPU figures are the server's alone (demo target in its own thread). */
    serverCpuIsolated: boolean;
  };
  startedAt: string;
  endedAt: string;
  status: 'completed' | 'failed' | 'aborted';
  failure?: string;
  /** Order in which the modes ran (rotated by the seed). */
  order: { exchange: ExchangeModeId[]; updates: UpdateModeId[] };
  seed: number;
  exchange: { modes: ExchangeModeResult[]; breakEven: BreakEven[] } | null;
  updates: { pollIntervalMs: number; eventRate: number; modes: UpdateModeResult[] } | null;
  /** Experiment 1, request/response: one column per exchange mode. */
  table: ShowdownTable;
  /** Experiment 2, server-to-client updates: polling, long polling, SSE and WebSocket push (null when not run). */
  updatesTable: ShowdownTable<UpdateModeId> | null;
  /** Plain-language findings computed from the numbers, one sentence each. */
  conclusion: string[];
  notes: string[];
  /** Where it ran; load averages (1 min) tell whether other work shared the machine. */
  machine: { cpu: string; cores: number; node: string; platform: string; loadAverageStart: number | null; loadAverageEnd: number | null };
}

export type ShowdownStep =
  | { experiment: 'exchange'; mode: ExchangeModeId; phase: 'warmup' | 'measure' }
  | { experiment: 'updates'; mode: UpdateModeId; phase: 'measure' }
  | { experiment: 'setup' | 'probe' | 'done'; mode: null; phase: null };

/** What `showdown.get` returns: the state of a showdown of this session. */
export interface ShowdownStatus {
  id: string;
  groupId: string | null;
  state: 'running' | 'completed' | 'failed' | 'aborted';
  startedAt: string;
  /** The settings it runs with, so any window can show them while it runs. */
  config: ShowdownConfig;
  /** Steps planned and done so far (measured runs, warm-ups and probes). */
  step: ShowdownStep;
  stepIndex: number;
  steps: number;
  /** The run being measured now (follow it with the run.progress events), if any. */
  currentRunId: number | null;
  /** Run ids as they come, by mode. */
  runIds: Partial<Record<ExchangeModeId | UpdateModeId, number>>;
  /** Present once finished (also when failed or aborted, with what was measured). */
  result: ShowdownResult | null;
  error: string | null;
}

/** Latency summary fields the showdown reports, from a run summary's. */
export function latencyFigures(s: LatencySummary): LatencyFigures {
  return { p50: s.p50, p99: s.p99, p999: s.p999, mean: s.mean, max: s.max, count: s.count };
}

/** The latency meaning a showdown's polling run is stored with (its summary's latencyMeaning). */
export { POLL_LATENCY_MEANING };

/**
 * Why a stored run cannot be run again from its configuration, or null when it can. A polling
 * run stored with its `poll` configuration is an engine run that "Run again" reproduces. Polling
 * runs stored before polling was an engine driver carry a stand-in configuration (a GET at the
 * polling rate) that would measure something else (request latency, not delivery lag).
 */
export function notRerunnableReason(
  summary: { latencyMeaning: string } | null | undefined,
  config: { protocol: string; poll?: unknown } | null | undefined,
): string | null {
  if (summary?.latencyMeaning !== POLL_LATENCY_MEANING) return null;
  if (config?.protocol === 'http' && config.poll !== undefined) return null;
  return 'a showdown’s polling run stored before polling was re-runnable: run the showdown again to measure polling';
}
