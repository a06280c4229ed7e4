// The one scenario schema: `barrage run --scenario` files, the CLI's flags, the store and
// (later) every IPC payload from the renderer are validated against it, so a bad field gets
// the same message wherever it comes from.
import { z } from 'zod';
import { strictObject } from './strictObject.ts';
import { MAX_HEADERS, headersSchema } from './headersSchema.ts';
import { checkFlow, flowDataSchema, flowStepSchema } from './flowSteps.ts';

/** The flow scenario format's version (`flowVersion`). */
export const FLOW_VERSION = 1;
import { urlHasPassword, urlHasUserOnly } from './redact.ts';
import { peakTarget, profileDurationSec, type StageTarget } from './loadProfile.ts';
import { DEFAULT_HTTP2_STREAMS, maxConnections, stageTargetOf } from './scenarioLoad.ts';
import { thresholdListSchema, tryParseThreshold } from './thresholds.ts';
import { expandSourceAddresses } from './sourceAddresses.ts';
import { groupThousands } from './units.ts';

/** Ceilings that keep a typo from becoming a denial of service of the generator itself. */
export const LIMITS = {
  connections: 50_000,
  pipelining: 100,
  durationSec: 24 * 3600,
  amount: 1_000_000_000,
  rate: 10_000_000,
  timeoutSec: 600,
  workers: 64,
  processes: 64,
  inFlight: 1000,
  connectRate: 100_000,
  bodyBytes: 10 * 1024 * 1024,
  headerCount: MAX_HEADERS,
  stages: 100,
  responseBytes: 1024 * 1024 * 1024,
  streams: 1000,
} as const;


/** Connection-specific HTTP/1.1 headers that HTTP/2 forbids (RFC 9113 §8.2.2). */
export const HTTP2_FORBIDDEN_HEADERS = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade'] as const;

/** Shortest run: below this a run measures nothing but its own start-up (`-d 1e-9` ran "completed" in 0 s). */
export const MIN_DURATION_SEC = 0.1;

/** Default largest HTTP response body or WebSocket message kept; a bigger one is `too-large`. */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
export const WS_MODES = ['echo', 'rate', 'push'] as const;

export const DEFAULT_WS_MESSAGE = '{"seq":{{seq}},"ts":{{ts}},"data":"{{random:32}}"}';

const positiveInt = (max: number, what: string) =>
  z
    .number({ error: `must be a number` })
    .int({ error: `must be a whole number` })
    .min(1, { error: `must be at least 1` })
    .max(max, { error: `must be at most ${groupThousands(max)} (${what})` });

const positiveNumber = (max: number, what: string) =>
  z
    .number({ error: `must be a number` })
    .gt(0, { error: `must be greater than 0` })
    .max(max, { error: `must be at most ${groupThousands(max)} (${what})` });

/** One step of a load profile (see loadProfile.ts): ramp linearly to `target` over `durationSec`. */
export const stageSchema = strictObject(
  {
    durationSec: z
      .number({ error: 'must be a number of seconds' })
      .min(0, { error: 'cannot be negative' })
      .max(LIMITS.durationSec, { error: 'must be at most 86,400 (24 hours)' }),
    target: z
      .number({ error: 'must be a number' })
      .min(0, { error: 'cannot be negative' })
      .max(LIMITS.rate, { error: `must be at most ${groupThousands(LIMITS.rate)}` }),
  },
  'must be an object such as {"durationSec": 30, "target": 200}',
);

const common = {
  name: z.string().trim().min(1, { error: 'cannot be empty' }).max(200).optional(),
  url: z.string({ error: 'is required' }).trim().min(1, { error: 'is required' }),
  durationSec: z
    .number({ error: `must be a number` })
    .gt(0, { error: `must be greater than 0`, abort: true })
    .min(MIN_DURATION_SEC, { error: `must be at least ${MIN_DURATION_SEC} seconds` })
    .max(LIMITS.durationSec, { error: `must be at most ${groupThousands(LIMITS.durationSec)} (24 hours)` })
    .optional(),
  amount: positiveInt(LIMITS.amount, 'requests or messages').optional(),
  workers: positiveInt(LIMITS.workers, 'worker threads').optional(),
  /** Child processes the load runs in (one load worker each); default: chosen from the connections and the fd limit. */
  processes: positiveInt(LIMITS.processes, 'processes').optional(),
  /** Local addresses the connections are spread over, round robin; items may be IPv4 ranges ("127.0.0.2-127.0.0.9"). */
  sourceAddresses: z
    .array(z.string({ error: 'must be a list of IP addresses' }), { error: 'must be a list of IP addresses' })
    .transform((items, ctx) => {
      const expanded = expandSourceAddresses(items);
      if (expanded.ok) return expanded.addresses;
      ctx.addIssue({ code: 'custom', message: expanded.error });
      return z.NEVER;
    })
    .optional(),
  timeoutSec: z
    .number({ error: 'must be a number' })
    .min(1, { error: 'must be at least 1 second' })
    .max(LIMITS.timeoutSec, { error: 'must be at most 600 (10 minutes)' })
    .default(10),
  headers: headersSchema,
  /** Accept TLS certificates that do not verify (self-signed test servers). */
  insecure: z.boolean().default(false),
  /** Seconds at the start reported but kept out of steady-state figures. */
  warmupSec: z.number().int().min(0).max(3600).default(1),
  /** SLOs checked at the end of the run, e.g. ["p99 < 250ms", "errors < 1%"] (src/shared/thresholds.ts). */
  thresholds: thresholdListSchema,
  /**
   * A load profile: the load ramps linearly from stage to stage (starting at 0). It replaces
   * `durationSec` (the run lasts the sum of the stages) and `rate` or `connections` — whichever
   * `stageTarget` names.
   */
  stages: z
    .array(stageSchema, { error: 'must be a list of stages such as [{"durationSec": 30, "target": 200}]' })
    .min(1, { error: 'needs at least one stage' })
    .max(LIMITS.stages, { error: `at most ${LIMITS.stages} stages` })
    .optional(),
  /**
   * What the stages' targets are: open connections (closed model; WebSocket echo/push) or the
   * arrival rate per second (HTTP open model; WebSocket rate mode). Default: the rate in
   * WebSocket rate mode, connections otherwise.
   */
  stageTarget: z.enum(['connections', 'rate'], { error: 'must be "connections" or "rate"' }).optional(),
  /**
   * Largest HTTP response body (a poll answer too) or WebSocket message (bytes). A bigger one is discarded while it
   * streams in (the connection is reset or closed with 1009) and counted as `too-large`, so a
   * huge response cannot exhaust the generator's memory.
   */
  maxResponseBytes: z
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number of bytes' })
    .min(1024, { error: 'must be at least 1024 bytes' })
    .max(LIMITS.responseBytes, { error: 'must be at most 1 GiB' })
    .default(DEFAULT_MAX_RESPONSE_BYTES),
};

export const httpScenarioSchema = strictObject({
    protocol: z.literal('http'),
    ...common,
    method: z.enum(HTTP_METHODS, { error: `must be one of ${HTTP_METHODS.join(', ')}` }).default('GET'),
    body: z.string().max(LIMITS.bodyBytes, { error: 'is larger than 10 MiB' }).optional(),
    bodyType: z.enum(['text', 'json']).default('text'),
    connections: positiveInt(LIMITS.connections, 'open sockets').default(10),
    pipelining: positiveInt(LIMITS.pipelining, 'requests in flight per connection').default(1),
    /** Open model: target arrival rate in requests/s over the whole run. Absent: closed model. */
    rate: positiveNumber(LIMITS.rate, 'requests per second').optional(),
    /** Close and reopen the connection after every request (REST without keep-alive). */
    newConnectionPerRequest: z.boolean().default(false),
    /** Status codes that count as success; empty means 200–399. */
    expectedStatus: z.array(z.number().int().min(100).max(599)).default([]),
    /**
     * REST polling mode: the URL is a cursor endpoint ("events since N", see
     * src/main/engine/poll/pollLoad.ts); each connection is a client polling it every
     * `intervalMs`, and the latency is each event's delivery lag. The showdown's polling runs.
     */
    poll: strictObject(
      {
        intervalMs: positiveInt(LIMITS.durationSec * 1000, 'milliseconds between polls').optional(),
        /**
         * Long polling: the server holds each poll until an event exists (or its own wait ends),
         * and the client asks again as soon as an answer arrives; `intervalMs` is then not used.
         */
        long: z.boolean({ error: 'must be true or false' }).optional(),
      },
      'must be an object such as {"intervalMs": 1000} or {"long": true}',
    ).optional(),
    /**
     * Server-Sent Events: the URL is a `text/event-stream` endpoint; each connection holds one
     * stream open (reconnecting as the spec says: after `retry`, with Last-Event-ID), and the
     * latency is each event's delivery lag, from a "ts" (epoch ms) in its data — the rule of
     * WebSocket push (src/main/engine/sse/sseLoad.ts).
     */
    sse: strictObject(
      {
        /** New streams per second while the connections ramp up (and for reconnects). */
        connectRate: positiveNumber(LIMITS.connectRate, 'connections per second').default(1000),
        /** Reconnection delay until the server sets one with `retry:` (ms). */
        retryMs: z
          .number({ error: 'must be a number of milliseconds' })
          .int({ error: 'must be a whole number of milliseconds' })
          .min(0, { error: 'cannot be negative' })
          .max(3_600_000, { error: 'must be at most 3,600,000 (1 hour)' })
          .default(3000),
      },
      'must be an object such as {"retryMs": 3000}',
    ).optional(),
    /**
     * HTTP/2 instead of HTTP/1.1 (Node's http2 client, src/main/engine/http2/h2Load.ts): h2c with
     * prior knowledge for http://, h2 negotiated by ALPN for https://. `barrage run h2c://…` and
     * `--http2` set it. Each connection carries `streams` requests at once.
     */
    http2: z.boolean({ error: 'must be true or false' }).optional(),
    /** HTTP/2: streams in flight per connection (default 10), never above the server's SETTINGS_MAX_CONCURRENT_STREAMS. */
    streams: positiveInt(LIMITS.streams, 'concurrent streams per connection').optional(),
  })
  .superRefine((s, ctx) => {
    checkUrl(s.url, ['http:', 'https:'], 'http', ctx);
    if (s.poll !== undefined && s.sse !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['sse'], message: 'cannot be combined with poll (choose one update mode)' });
    }
    if (s.poll !== undefined) {
      if (!s.poll.long && s.poll.intervalMs === undefined) {
        ctx.addIssue({ code: 'custom', path: ['poll', 'intervalMs'], message: 'is required unless long is true (milliseconds between polls)' });
      }
      if (s.poll.long && s.poll.intervalMs !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['poll', 'intervalMs'], message: 'does not apply to long polling (each answer is followed by the next poll)' });
      }
    }
    for (const mode of ['poll', 'sse'] as const) {
      if (s[mode] === undefined) continue;
      // Polling and event streams have their own pace and their own requests (a GET).
      const clash = (['rate', 'stages', 'amount', 'body'] as const).find((k) => s[k] !== undefined);
      if (clash !== undefined) ctx.addIssue({ code: 'custom', path: [clash], message: `cannot be combined with ${mode}` });
      if (s.method !== 'GET') ctx.addIssue({ code: 'custom', path: ['method'], message: `must be GET with ${mode}` });
      if (s.pipelining > 1) ctx.addIssue({ code: 'custom', path: ['pipelining'], message: `must be 1 with ${mode}` });
      if (s.newConnectionPerRequest) ctx.addIssue({ code: 'custom', path: ['newConnectionPerRequest'], message: `cannot be combined with ${mode}` });
    }
    checkHttp2(s, ctx);
    checkCredentials(s, ctx);
    checkLength(s, ctx);
    if (s.bodyType === 'json' && s.body !== undefined) {
      try {
        JSON.parse(s.body);
      } catch (err) {
        ctx.addIssue({ code: 'custom', path: ['body'], message: `is not valid JSON (${(err as Error).message})` });
      }
    }
    if (s.rate !== undefined && s.pipelining > 1) {
      ctx.addIssue({ code: 'custom', path: ['pipelining'], message: 'must be 1 with a target rate (open model)' });
    }
    checkStages(s, ctx);
    checkThresholdSteps(s, ctx);
    if (s.stages !== undefined && stageTargetOf(s) === 'rate' && s.pipelining > 1) {
      ctx.addIssue({ code: 'custom', path: ['pipelining'], message: 'must be 1 when the stages set the rate (open model)' });
    }
  });

export const wsScenarioSchema = strictObject({
    protocol: z.literal('ws'),
    ...common,
    connections: positiveInt(LIMITS.connections, 'open sockets').default(10),
    /** New connections per second while the swarm ramps up. */
    connectRate: positiveNumber(LIMITS.connectRate, 'connections per second').default(1000),
    /**
     * Handshakes in flight at most over the run (split over the load workers): a ramp faster
     * than the target accepts waits in the generator's queue instead of overflowing the target's
     * listen backlog, whose dropped SYNs would wait 1 s, 3 s, 7 s… for their retransmission.
     */
    maxConnecting: positiveInt(LIMITS.connectRate, 'handshakes').default(1000),
    subprotocols: z.array(z.string().min(1)).default([]),
    perMessageDeflate: z.boolean().default(false),
    mode: z.enum(WS_MODES, { error: `must be one of ${WS_MODES.join(', ')}` }).default('echo'),
    message: z.string().max(LIMITS.bodyBytes).default(DEFAULT_WS_MESSAGE),
    /** Echo mode: messages awaiting their echo on each connection. */
    inFlight: positiveInt(LIMITS.inFlight, 'messages per connection').default(1),
    /** Rate mode: messages per second over the whole swarm. */
    rate: positiveNumber(LIMITS.rate, 'messages per second').optional(),
    /** Seconds between WebSocket pings on each connection; 0 turns pings off. */
    pingIntervalSec: z.number().min(0).max(3600).default(5),
    /** A pong missed for the timeout is counted as `ping-timeout`; with this, the connection is also closed (and reopened). */
    closeOnPingTimeout: z.boolean().default(false),
  })
  .superRefine((s, ctx) => {
    checkUrl(s.url, ['ws:', 'wss:'], 'ws', ctx);
    checkCredentials(s, ctx);
    checkLength(s, ctx);
    if (s.mode !== 'push' && !s.message.includes('{{seq}}')) {
      ctx.addIssue({
        code: 'custom',
        path: ['message'],
        message: 'must contain {{seq}} in echo and rate modes, so each echo can be matched to its message',
      });
    }
    // The engine keeps one pool of random characters as large as the largest {{random:N}}; a
    // typo such as {{random:999999999}} is refused here rather than quietly cut to the limit.
    for (const m of s.message.matchAll(/\{\{random:(\d+)\}\}/g)) {
      if (Number(m[1]) > LIMITS.bodyBytes) {
        ctx.addIssue({ code: 'custom', path: ['message'], message: `{{random:${m[1]}}} asks for more than 10 MiB (10,485,760 characters) of random text` });
      }
    }
    if (/\}\}\{\{seq\}\}/.test(s.message)) {
      ctx.addIssue({
        code: 'custom',
        path: ['message'],
        message: '{{seq}} must start the message or follow literal text (e.g. "seq":{{seq}}), not another placeholder',
      });
    }
    checkStages(s, ctx);
    checkThresholdSteps(s, ctx);
    if (s.stages !== undefined && s.mode === 'rate' && stageTargetOf(s) !== 'rate') {
      ctx.addIssue({ code: 'custom', path: ['stageTarget'], message: 'must be "rate" in rate mode (the stages set the message rate)' });
    }
    if (s.stages !== undefined && s.mode !== 'rate' && stageTargetOf(s) === 'rate') {
      ctx.addIssue({ code: 'custom', path: ['stageTarget'], message: `must be "connections" in ${s.mode} mode (a rate applies to rate mode only)` });
    }
    if (s.mode === 'rate' && s.rate === undefined && s.stages === undefined) {
      ctx.addIssue({ code: 'custom', path: ['rate'], message: 'is required in rate mode (messages per second)' });
    }
    if (s.mode !== 'rate' && s.rate !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['rate'], message: 'applies only to rate mode' });
    }
    if (s.mode === 'push' && s.amount !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['amount'], message: 'does not apply to push mode; set a duration' });
    }
  });

/**
 * A user flow (issue #12, docs/FLOWS.md): virtual users each run the setup steps once, then
 * iterations of `steps`, then the teardown. `url` is the base URL relative step URLs resolve
 * against; `headers` go with every HTTP step (a step's own headers win).
 *
 * Closed model: `virtualUsers` loop their iterations back to back. Open model (`rate`, or
 * stages with stageTarget "rate"): iterations arrive at the rate and each runs on a free virtual
 * user; `virtualUsers` is then the most iterations in progress at once, and an arrival that
 * finds none free waits, its first step's latency still counted from its scheduled time.
 * `amount` counts iterations.
 */
export const flowScenarioSchema = strictObject({
    protocol: z.literal('flow'),
    /** The flow format's version: a future change of meaning gets a new number, old files keep theirs. */
    flowVersion: z.literal(FLOW_VERSION, { error: `must be ${FLOW_VERSION} (the only flow format so far)` }).default(FLOW_VERSION),
    ...common,
    virtualUsers: positiveInt(LIMITS.connections, 'virtual users').default(10),
    /** Open model: iterations started per second. */
    rate: positiveNumber(LIMITS.rate, 'iterations per second').optional(),
    /** What stages ramp in a flow: virtual users (closed model) or the iteration rate (open model). */
    stageTarget: z.enum(['virtualUsers', 'rate'], { error: 'must be "virtualUsers" or "rate"' }).optional(),
    data: flowDataSchema.optional(),
    setup: z.array(flowStepSchema).default([]),
    steps: z.array(flowStepSchema, { error: 'must be a list of steps' }),
    teardown: z.array(flowStepSchema).default([]),
  })
  .superRefine((s, ctx) => {
    checkUrl(s.url, ['http:', 'https:', 'ws:', 'wss:'], 'flow', ctx);
    checkCredentials(s, ctx);
    checkLength(s, ctx);
    checkStages(s, ctx);
    checkFlow(s, ctx);
    checkThresholdSteps(s, ctx);
  });

export const scenarioSchema = z.discriminatedUnion('protocol', [httpScenarioSchema, wsScenarioSchema, flowScenarioSchema], {
  error: 'protocol must be "http", "ws" or "flow"',
});

export type HttpScenario = z.output<typeof httpScenarioSchema>;
export type WsScenario = z.output<typeof wsScenarioSchema>;
export type FlowScenario = z.output<typeof flowScenarioSchema>;
export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Protocol = Scenario['protocol'];

export const DEFAULT_DURATION_SEC = 10;

// Zod-free, for the load workers (see scenarioLoad.ts); re-exported for everyone else.
export { DEFAULT_HTTP2_STREAMS, maxConnections, stageTargetOf };

/** Whether requests arrive on a schedule (open model): a rate, or stages that set the rate. */
export function isOpenModel(s: Scenario): boolean {
  return s.rate !== undefined || (s.stages !== undefined && stageTargetOf(s) === 'rate');
}

/** Connections (HTTP, WebSocket) or virtual users (a flow) the scenario asks for, stages aside. */
export function concurrencyOf(s: Scenario): number {
  return s.protocol === 'flow' ? s.virtualUsers : s.connections;
}

/** What the scenario's `amount` counts, and what its concurrency is, in words. */
export function loadUnits(s: Pick<Scenario, 'protocol'>): { amount: string; concurrency: string } {
  if (s.protocol === 'flow') return { amount: 'iterations', concurrency: 'virtual users' };
  return s.protocol === 'http' ? { amount: 'requests', concurrency: 'connections' } : { amount: 'messages', concurrency: 'connections' };
}

/** Duration in seconds, or undefined when the run is bounded by an amount instead. */
export function plannedDurationSec(s: Scenario): number | undefined {
  if (s.stages !== undefined) return profileDurationSec(s.stages);
  if (s.durationSec !== undefined) return s.durationSec;
  return s.amount === undefined ? DEFAULT_DURATION_SEC : undefined;
}

/** A host (name or IPv4) and port with no scheme, e.g. 127.0.0.1:8080/path or localhost:3000. */
const HOST_PORT = /^[a-z0-9.-]+:\d{1,5}(\/|$|\?)/i;

/** "; did you mean http://127.0.0.1:8080?" when adding the protocol's scheme makes a valid URL. */
function schemeHint(raw: string, schemes: string[]): string {
  // Only for what looks like a host (and port and path), not for a mistyped scheme such as http//x.
  if (raw.includes('//') || !/^[a-z0-9.-]+(:\d{1,5})?([/?]|$)/i.test(raw)) return '';
  const suggestion = `${schemes[0]}//${raw}`;
  try {
    new URL(suggestion);
  } catch {
    return '';
  }
  return `; did you mean ${suggestion}?`;
}

function checkUrl(raw: string, schemes: string[], protocol: string, ctx: z.RefinementCtx): void {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    ctx.addIssue({ code: 'custom', path: ['url'], message: `"${raw}" is not a valid URL${schemeHint(raw, schemes)}` });
    return;
  }
  // "localhost:8080" parses as scheme "localhost:"; a host and port without a scheme is the likely intent.
  if (!schemes.includes(url.protocol) && HOST_PORT.test(raw)) {
    ctx.addIssue({ code: 'custom', path: ['url'], message: `"${raw}" has no scheme${schemeHint(raw, schemes)}` });
    return;
  }
  if (protocol === 'http' && (url.protocol === 'h2c:' || url.protocol === 'h2:')) {
    const plain = url.protocol === 'h2c:' ? 'http' : 'https';
    ctx.addIssue({ code: 'custom', path: ['url'], message: `scheme ${url.protocol.slice(0, -1)} is the CLI's shorthand: write ${plain}:// with "http2": true` });
    return;
  }
  if (!schemes.includes(url.protocol)) {
    const known = ['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol);
    const message = known
      ? `scheme ${url.protocol.slice(0, -1)} does not match protocol ${protocol} (use ${schemes.map((s) => s.slice(0, -1)).join(' or ')})`
      : `scheme ${url.protocol.slice(0, -1)} is not supported (use ${schemes.map((s) => s.slice(0, -1)).join(' or ')})`;
    ctx.addIssue({ code: 'custom', path: ['url'], message });
    return;
  }
  if (!url.hostname) ctx.addIssue({ code: 'custom', path: ['url'], message: 'has no host name' });
}

interface StagedFields {
  protocol: Protocol;
  mode?: string;
  stages?: Array<{ durationSec: number; target: number }>;
  stageTarget?: StageTarget | 'virtualUsers';
  durationSec?: number;
  amount?: number;
  rate?: number;
  thresholds?: string[];
}

/**
 * Thresholds that name a flow step or count checks: the step must be one of the scenario's (a
 * typo would otherwise fail every run with "no step"), and only a flow has steps and checks.
 */
function checkThresholdSteps(s: { protocol: Protocol; thresholds?: string[]; setup?: Array<{ name: string }>; steps?: Array<{ name: string }>; teardown?: Array<{ name: string }> }, ctx: z.RefinementCtx): void {
  const names = s.protocol === 'flow' ? [...(s.setup ?? []), ...(s.steps ?? []), ...(s.teardown ?? [])].map((x) => x.name) : [];
  (s.thresholds ?? []).forEach((expression, i) => {
    const parsed = tryParseThreshold(expression);
    if (!parsed.ok) return;
    const { step, metric } = parsed.value;
    if (s.protocol !== 'flow') {
      if (step !== undefined) ctx.addIssue({ code: 'custom', path: ['thresholds', i], message: `"${expression}" names a step, but only flows have steps` });
      else if (metric === 'checks') ctx.addIssue({ code: 'custom', path: ['thresholds', i], message: `"${expression}": only flows have checks` });
      return;
    }
    if (step !== undefined && !names.includes(step)) {
      ctx.addIssue({ code: 'custom', path: ['thresholds', i], message: `"${expression}" names step "${step}", which the flow does not have (its steps: ${names.join(', ')})` });
    }
  });
}

function checkStages(s: StagedFields, ctx: z.RefinementCtx): void {
  if (s.stages === undefined) {
    if (s.stageTarget !== undefined) ctx.addIssue({ code: 'custom', path: ['stageTarget'], message: 'applies only with stages' });
    (s.thresholds ?? []).forEach((expression, i) => {
      const parsed = tryParseThreshold(expression);
      if (parsed.ok && parsed.value.stage !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['thresholds', i], message: `"${expression}" names a stage, but the scenario has no stages` });
      }
    });
    return;
  }
  if (s.durationSec !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['durationSec'], message: 'set either stages or a duration, not both (the run lasts the sum of the stages)' });
  }
  if (s.amount !== undefined) ctx.addIssue({ code: 'custom', path: ['amount'], message: 'does not apply with stages (they set the length)' });
  const total = profileDurationSec(s.stages);
  if (total <= 0) ctx.addIssue({ code: 'custom', path: ['stages'], message: 'last 0 s in total; give at least one stage a duration' });
  if (total > LIMITS.durationSec) ctx.addIssue({ code: 'custom', path: ['stages'], message: 'last more than 24 hours in total' });
  if (peakTarget(s.stages) <= 0) ctx.addIssue({ code: 'custom', path: ['stages'], message: 'never rise above 0; give a stage a target' });
  // A threshold that names a stage the profile does not have could never be checked.
  (s.thresholds ?? []).forEach((expression, i) => {
    const parsed = tryParseThreshold(expression);
    if (parsed.ok && parsed.value.stage !== undefined && parsed.value.stage > s.stages!.length) {
      ctx.addIssue({ code: 'custom', path: ['thresholds', i], message: `"${expression}" names stage ${parsed.value.stage}, but there are ${s.stages!.length} stages` });
    }
  });
  const target = stageTargetOf(s);
  if (target === 'connections') {
    s.stages.forEach((stage, i) => {
      if (!Number.isInteger(stage.target)) {
        ctx.addIssue({ code: 'custom', path: ['stages', i, 'target'], message: 'must be a whole number of connections' });
      } else if (stage.target > LIMITS.connections) {
        ctx.addIssue({ code: 'custom', path: ['stages', i, 'target'], message: `must be at most ${groupThousands(LIMITS.connections)} connections` });
      }
    });
    if (s.rate !== undefined && s.protocol === 'http') {
      ctx.addIssue({ code: 'custom', path: ['rate'], message: 'does not apply when the stages ramp connections (closed model); set stageTarget "rate" to ramp the rate' });
    }
  } else if (s.rate !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['rate'], message: 'is set by the stages (stageTarget "rate"); leave it out' });
  }
}

/** What HTTP/2 cannot be combined with: HTTP/1.1's own ways of concurrency and its connection headers. */
function checkHttp2(
  s: { http2?: boolean; streams?: number; pipelining: number; newConnectionPerRequest: boolean; poll?: unknown; sse?: unknown; headers: Record<string, string> },
  ctx: z.RefinementCtx,
): void {
  if (s.http2 !== true) {
    if (s.streams !== undefined) ctx.addIssue({ code: 'custom', path: ['streams'], message: 'applies only with http2 (HTTP/1.1 uses pipelining)' });
    return;
  }
  if (s.pipelining > 1) ctx.addIssue({ code: 'custom', path: ['pipelining'], message: 'does not apply with http2 (set streams: requests in flight per connection)' });
  if (s.newConnectionPerRequest) ctx.addIssue({ code: 'custom', path: ['newConnectionPerRequest'], message: 'cannot be combined with http2' });
  if (s.poll !== undefined) ctx.addIssue({ code: 'custom', path: ['poll'], message: 'cannot be combined with http2' });
  // The SSE driver reads its streams over HTTP/1.1 (one connection per stream, as browsers' EventSource over h1).
  if (s.sse !== undefined) ctx.addIssue({ code: 'custom', path: ['sse'], message: 'cannot be combined with http2' });
  for (const name of Object.keys(s.headers)) {
    if ((HTTP2_FORBIDDEN_HEADERS as readonly string[]).includes(name.toLowerCase())) {
      ctx.addIssue({ code: 'custom', path: ['headers', name], message: 'is a connection-specific header, which HTTP/2 forbids' });
    }
  }
}

/**
 * A password (or a user alone) in the URL becomes a Basic Authorization header; next to an explicit one it would
 * silently replace it (or be replaced). Refused: one of the two is a mistake.
 */
function checkCredentials(s: { url: string; headers: Record<string, string> }, ctx: z.RefinementCtx): void {
  if (!Object.keys(s.headers).some((h) => h.toLowerCase() === 'authorization')) return;
  if (urlHasPassword(s.url)) {
    ctx.addIssue({ code: 'custom', path: ['url'], message: 'has a password and the headers an Authorization: give one of them, not both' });
  } else if (urlHasUserOnly(s.url)) {
    // `http://token@host/` goes out as Basic auth too, so it collides with the header the same way.
    ctx.addIssue({ code: 'custom', path: ['url'], message: 'has a user (a credential) and the headers an Authorization: give one of them, not both' });
  }
}

function checkLength(s: { durationSec?: number; amount?: number }, ctx: z.RefinementCtx): void {
  if (s.durationSec !== undefined && s.amount !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['amount'], message: 'set either a duration or an amount, not both' });
  }
}

/** One line per problem, each naming the field: `connections: must be at least 1`. */
export function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const field = issue.path.map(String).join('.');
      return field ? `${field}: ${issue.message}` : issue.message;
    })
    .join('\n');
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export function parseScenario(input: unknown): Parsed<Scenario> {
  const result = scenarioSchema.safeParse(input);
  return result.success ? { ok: true, value: result.data } : { ok: false, error: formatIssues(result.error) };
}

/** Protocol from a URL's scheme, for the CLI's `barrage run <url>`. */
export function protocolOfUrl(raw: string): Protocol | undefined {
  try {
    const scheme = new URL(raw).protocol;
    if (scheme === 'http:' || scheme === 'https:' || scheme === 'h2c:' || scheme === 'h2:') return 'http';
    if (scheme === 'ws:' || scheme === 'wss:') return 'ws';
  } catch {
    /* reported by the schema */
  }
  return undefined;
}

/**
 * The CLI's HTTP/2 shorthand: `h2c://host/path` is `http://host/path` over HTTP/2 with prior
 * knowledge, `h2://host/path` is `https://host/path` with HTTP/2 negotiated by ALPN. Other URLs
 * come back unchanged with http2 false.
 */
export function http2Shorthand(raw: string): { url: string; http2: boolean } {
  const m = /^(h2c?):\/\//i.exec(raw.trim());
  if (!m) return { url: raw, http2: false };
  return { url: `${m[1].toLowerCase() === 'h2c' ? 'http' : 'https'}://${raw.trim().slice(m[0].length)}`, http2: true };
}
