// The executors of a showdown's steps (one per kind of step in showdownPlan.ts), for the session
// runner (services/stepSession.ts): starting and closing the demo target, the connection probes on
// the idle target, the unsaved warm-ups, the measured runs of each mode (exchange, polling, push),
// all through the run service under the session's lease. Each returns what it measured; the
// result is assembled from those outcomes (showdownResult.ts).
import { redactUrl } from '../../shared/redact.ts';
import type { RunProgress, RunResult } from '../../shared/runResult.ts';
import type { HttpScenario, WsScenario } from '../../shared/scenario.ts';
import type { ConnectionSetup, ExchangeModeResult, ShowdownConfig, UpdateModeResult } from '../../shared/showdown.ts';
import type { RunService } from '../services/runService.ts';
import type { StepContext, StepExecutors } from '../services/stepSession.ts';
import { startHostedDemoTarget, type HostedTarget } from './demoTargetHost.ts';
import { exchangeModeResult, updateModeResult, type ServerCpuReadings } from './modeFigures.ts';
import { meanWsPayloadBytes } from './payload.ts';
import { median, postEcho, readServerCpu, tcpConnectProbe, wsProbe, type WsProbe } from './probes.ts';
import { h2Probe, type H2Probe } from './h2Probe.ts';
import { resolveEndpoints, resolveStepScenario, resolveUrl, type Endpoints, type ShowdownStepPlan } from './showdownPlan.ts';

export const SHOWDOWN_TAG = 'showdown';

export interface ExchangeProbe {
  tcpSetup: ConnectionSetup;
  wsSetup: ConnectionSetup;
  ws: WsProbe;
  /** Whether the WebSocket endpoint echoed the probe message unchanged. */
  wsEchoes: boolean;
  /** Body bytes of the HTTP endpoint's answer to the payload. */
  httpResponseBytes: number;
  /** HTTP/2: opening and closing one connection, and the body bytes of its echo; null when not measured. */
  h2: { setup: ConnectionSetup; responseBytes: number } | null;
}

/** What each kind of step hands on: to later steps (the target, the probe) and to the result. */
export type ShowdownOutcome =
  | { kind: 'setup'; target: HostedTarget | null; endpoints: Endpoints; notes: string[] }
  | { kind: 'probe'; probe: ExchangeProbe; notes: string[] }
  | { kind: 'warmup'; notes: string[] }
  | { kind: 'exchange'; result: ExchangeModeResult; notes: string[] }
  | { kind: 'update'; result: UpdateModeResult; notes: string[] }
  | { kind: 'teardown'; notes: string[] };

export type ShowdownExecutors = StepExecutors<ShowdownStepPlan, ShowdownOutcome>;
type Ctx = StepContext<ShowdownStepPlan, ShowdownOutcome>;

export interface ShowdownStepDeps {
  /** Runs every run of the showdown (its lease, its sinks); saves the measured ones when it has a history. */
  runs: RunService;
  config: ShowdownConfig;
  /** Group id of the saved runs; null when nothing is saved. */
  groupId: string | null;
  /** Starts the demo target; replaceable in tests. */
  startTarget?: () => Promise<HostedTarget>;
}

/** The real executors: the network, the demo target, the run service. */
export function showdownExecutors(deps: ShowdownStepDeps): ShowdownExecutors {
  const { config } = deps;

  /** The set-up step's outcome: the target and the endpoints as they really are. */
  const setupOf = (ctx: Ctx) => {
    const setup = earlierOutcome(ctx, 'setup');
    if (!setup) throw new Error('the showdown has no target: its set-up step did not run');
    return setup;
  };
  const targetOf = (ctx: Ctx) => setupOf(ctx).target;

  // ---- one saved engine run, with the server's CPU meter read around it ----
  async function measureEngineRun(planned: HttpScenario | WsScenario, ctx: Ctx): Promise<{ runId: number | null; result: RunResult; cpu: ServerCpuReadings }> {
    const scenario = resolveStepScenario(planned, targetOf(ctx));
    const cpuUrl = setupOf(ctx).endpoints.cpuUrl;
    const cpu: ServerCpuReadings = { before: await readServerCpu(cpuUrl), steady: null, after: null };
    const steady: { read: Promise<number | null> | null } = { read: null };
    const onProgress = (p: RunProgress) => {
      if (steady.read === null && p.sample.t === scenario.warmupSec - 1) steady.read = readServerCpu(cpuUrl);
    };
    const started = deps.runs.start(scenario, { groupId: deps.groupId, scenarioName: scenario.name ?? null, tags: [SHOWDOWN_TAG], lease: ctx.lease, storeSecrets: config.storeSecrets }, onProgress);
    const { result } = await untilStopped(started, ctx, () => ctx.runStarted(started.runId));
    cpu.steady = steady.read === null ? null : await steady.read;
    cpu.after = await readServerCpu(cpuUrl);
    return { runId: started.runId, result, cpu };
  }

  return {
    async setup(step) {
      const notes: string[] = [];
      let target: HostedTarget | null = null;
      if (step.target === 'demo') {
        target = await (deps.startTarget ?? startHostedDemoTarget)();
        if (!target.isolated) notes.push('the demo target ran on the same thread as the showdown: its CPU figures include the showdown’s own bookkeeping');
      }
      const endpoints = resolveEndpoints(step.endpoints, target);
      if (endpoints.cpuUrl !== null && (await readServerCpu(endpoints.cpuUrl)) === null) {
        notes.push(`no CPU meter answered at ${redactUrl(endpoints.cpuUrl)}: server CPU is not reported`);
        endpoints.cpuUrl = null;
      }
      return { kind: 'setup', target, endpoints, notes };
    },

    async probe(step, ctx) {
      const target = targetOf(ctx);
      const notes: string[] = [];
      const probe = await probeExchange(
        {
          ...step,
          http: { ...step.http, url: resolveUrl(step.http.url, target) },
          ws: { ...step.ws, url: resolveUrl(step.ws.url, target) },
          h2: step.h2 && { ...step.h2, url: resolveUrl(step.h2.url, target) },
        },
        notes,
      );
      return { kind: 'probe', probe, notes };
    },

    async warmup(step, ctx) {
      // Through the run service like every run (the lock's lease, the sinks), but not kept.
      const warm = deps.runs.start(resolveStepScenario(step.scenario, targetOf(ctx)), { lease: ctx.lease, record: step.record });
      const w = (await untilStopped(warm, ctx, () => ctx.runStarted(warm.runId))).result;
      const notes = w.summary.status === 'failed' ? [`${step.mode}: the warm-up run failed (${w.summary.failure ?? 'no reason given'})`] : [];
      return { kind: 'warmup', notes };
    },

    async exchange(step, ctx) {
      const probe = earlierOutcome(ctx, 'probe')?.probe;
      if (!probe) throw new Error(`${step.label}: the connection probes did not run`);
      const measured = await measureEngineRun(step.scenario, ctx);
      const { mode, scenario } = step;
      const wsPayload = meanWsPayloadBytes(scenario.protocol === 'ws' ? scenario.message : '', measured.result.summary.ws?.messagesSent ?? 0, config.concurrency);
      const result = exchangeModeResult({
        mode,
        runId: measured.runId,
        result: measured.result,
        payloadSent: mode === 'ws' ? wsPayload : config.payloadBytes,
        payloadReceived: mode === 'ws' ? (probe.wsEchoes ? wsPayload : probe.ws.payloadReceivedBytes) : mode === 'h2' ? (probe.h2?.responseBytes ?? probe.httpResponseBytes) : probe.httpResponseBytes,
        setup: mode === 'ws' ? probe.wsSetup : mode === 'h2' ? (probe.h2?.setup ?? null) : probe.tcpSetup,
        cpu: measured.cpu,
        concurrency: config.concurrency,
      });
      // A mode cut short ends the showdown: the modes after it would not be comparable.
      if (measured.result.summary.status === 'aborted') ctx.stopSession();
      return { kind: 'exchange', result, notes: [] };
    },

    async poll(step, ctx) {
      // An engine run like the others: the polling driver runs in a load worker.
      const { runId, result, cpu } = await measureEngineRun(step.scenario, ctx);
      const polled = result.summary.poll;
      // A run that never polled (its workers failed, or the engine sent no load: a refused TLS
      // certificate, an unreachable host) fails the showdown, as the polling client did.
      if (result.summary.status === 'failed' || polled === undefined) {
        throw new Error(`polling ${resolveUrl(step.scenario.url, targetOf(ctx))}: ${result.summary.failure ?? result.summary.notes[0] ?? 'no poll was sent'}`);
      }
      const mode = updateModeResult({
        mode: step.mode,
        runId,
        result,
        clients: config.concurrency,
        requests: polled.requests,
        emptyRequests: polled.emptyRequests,
        payloadPerEvent: polled.delivered > 0 ? polled.payloadBytes / polled.delivered : 0,
        setup: null,
        cpu,
      });
      if (mode.status === 'aborted') ctx.stopSession();
      return { kind: 'update', result: mode, notes: [] };
    },

    async sse(step, ctx) {
      // An engine run like polling's: the SSE driver, one stream per client.
      const { runId, result, cpu } = await measureEngineRun(step.scenario, ctx);
      const streamed = result.summary.sse;
      if (result.summary.status === 'failed' || streamed === undefined) {
        throw new Error(`Server-Sent Events ${resolveUrl(step.scenario.url, targetOf(ctx))}: ${result.summary.failure ?? result.summary.notes[0] ?? 'no stream was opened'}`);
      }
      const extraNotes: string[] = [];
      if (streamed.streamsOpened === 0) extraNotes.push('no event stream opened (a 200 with Content-Type text/event-stream): nothing was delivered');
      const mode = updateModeResult({
        mode: 'sse',
        runId,
        result,
        clients: config.concurrency,
        // One request per stream (reconnects included): its headers are the stream's whole request cost.
        requests: streamed.streamsOpened + result.summary.connections.failed,
        emptyRequests: 0,
        payloadPerEvent: streamed.events > 0 ? streamed.payloadBytes / streamed.events : 0,
        setup: null,
        cpu,
        extraNotes,
      });
      if (mode.status === 'aborted') ctx.stopSession();
      return { kind: 'update', result: mode, notes: [] };
    },

    async push(step, ctx) {
      const pushUrl = resolveUrl(step.probeUrl, targetOf(ctx));
      const probe = await wsProbe(pushUrl, { waitMessages: 3, timeoutMs: 3000 }).catch((err: Error) => {
        throw new Error(`push endpoint ${redactUrl(pushUrl)}: ${err.message}`);
      });
      const setup = wsSetupOf(probe, 'WebSocket upgrade and close of one probe connection to the push endpoint (socket counters)');
      const extraNotes: string[] = [];
      const payloadPerEvent = probe.messagesReceived > 0 ? probe.payloadReceivedBytes / probe.messagesReceived : 0;
      if (probe.messagesReceived === 0) extraNotes.push('no event arrived on the probe connection: payload per event unknown (counted as overhead)');
      const measured = await measureEngineRun(step.scenario, ctx);
      const mode = updateModeResult({
        mode: 'push',
        runId: measured.runId,
        result: measured.result,
        clients: config.concurrency,
        requests: 0,
        emptyRequests: 0,
        payloadPerEvent,
        setup,
        cpu: measured.cpu,
        extraNotes,
      });
      if (mode.status === 'aborted') ctx.stopSession();
      return { kind: 'update', result: mode, notes: [] };
    },

    async teardown(_step, ctx) {
      // Whatever happened before: the target closes before the lock is released.
      await earlierOutcome(ctx, 'setup')?.target?.close().catch(() => {});
      return { kind: 'teardown', notes: [] };
    },
  };
}

/** What an earlier step of this kind handed on (also a stopped one's), if it ran. */
function earlierOutcome<K extends ShowdownOutcome['kind']>(ctx: Ctx, kind: K): Extract<ShowdownOutcome, { kind: K }> | undefined {
  for (const r of ctx.earlier) {
    const value = 'value' in r.outcome ? r.outcome.value : undefined;
    if (value?.kind === kind) return value as Extract<ShowdownOutcome, { kind: K }>;
  }
  return undefined;
}

/** Waits for a started run, stopping it when the session is stopped (before or during it). */
async function untilStopped<T>(started: { handle: { stop(): void }; done: Promise<T> }, ctx: Ctx, onStarted: () => void): Promise<T> {
  const stop = () => started.handle.stop();
  ctx.signal.addEventListener('abort', stop);
  if (ctx.signal.aborted) stop();
  onStarted();
  try {
    return await started.done;
  } finally {
    ctx.signal.removeEventListener('abort', stop);
  }
}

/** Opening costs on the idle target, and a check that both endpoints really echo. */
async function probeExchange(step: Extract<ShowdownStepPlan, { kind: 'probe' }>, notes: string[]): Promise<ExchangeProbe> {
  const { http, ws: wsEndpoint, rounds } = step;
  const echo = await postEcho(http.url, http.body).catch((err: Error) => {
    throw new Error(`HTTP endpoint ${redactUrl(http.url)}: ${err.message}`);
  });
  if (!echo.echoed) notes.push(`the HTTP endpoint did not echo the payload (answered ${echo.bytes} bytes of body): payload received counts what it sent`);
  // A few unmeasured rounds first: the target's and this thread's code paths are cold.
  const fail = (what: string, url: string) => (err: Error): never => {
    throw new Error(`${what} ${url}: ${err.message}`);
  };
  await tcpConnectProbe(http.url, 3).catch(fail('HTTP endpoint', http.url));
  const tcp = await tcpConnectProbe(http.url, rounds).catch(fail('HTTP endpoint', http.url));
  const probes: WsProbe[] = [];
  for (let i = 0; i < rounds + 3; i++) {
    const p = await wsProbe(wsEndpoint.url, { message: wsEndpoint.message }).catch(fail('WebSocket endpoint', wsEndpoint.url));
    if (i >= 3) probes.push(p);
  }
  const ws = probes[0];
  const wsEchoes = ws.messagesReceived === 1 && ws.payloadReceivedBytes === Buffer.byteLength(wsEndpoint.message);
  if (!wsEchoes) notes.push('the WebSocket endpoint did not echo the probe message unchanged: payload received counts what it sent');
  const wsSetup = wsSetupOf(ws, `WebSocket upgrade and close of a probe connection (socket counters); time: p50 of ${rounds} probes on the idle target`);
  wsSetup.openUs = median(probes.map((p) => p.openUs));
  let h2: ExchangeProbe['h2'] = null;
  if (step.h2) {
    const h2Probes: H2Probe[] = [];
    for (let i = 0; i < rounds + 3; i++) {
      const p = await h2Probe(step.h2.url, step.h2.body).catch(fail('HTTP/2 endpoint', step.h2.url));
      if (i >= 3) h2Probes.push(p);
    }
    const first = h2Probes[0];
    if (first.status < 200 || first.status >= 300) throw new Error(`HTTP/2 endpoint ${redactUrl(step.h2.url)}: answered the echo with status ${first.status}`);
    if (!first.echoed) notes.push(`the HTTP/2 endpoint did not echo the payload (answered ${first.bodyBytes} bytes of body): payload received counts what it sent`);
    h2 = {
      setup: {
        openSentBytes: first.openSentBytes,
        openReceivedBytes: first.openReceivedBytes,
        closeSentBytes: first.closeSentBytes,
        closeReceivedBytes: first.closeReceivedBytes,
        openUs: median(h2Probes.map((p) => p.openUs)),
        source: `HTTP/2 connection preface, SETTINGS and their acknowledgements, and GOAWAY of a probe connection (socket counters); time: p50 of ${rounds} probes on the idle target`,
      },
      responseBytes: first.bodyBytes,
    };
  }
  return {
    tcpSetup: {
      openSentBytes: 0,
      openReceivedBytes: 0,
      closeSentBytes: 0,
      closeReceivedBytes: 0,
      openUs: median(tcp),
      source: `TCP connect, p50 of ${rounds} probes on the idle target (the TCP handshake carries no bytes at the socket level)`,
    },
    wsSetup,
    ws,
    wsEchoes,
    httpResponseBytes: echo.bytes,
    h2,
  };
}

function wsSetupOf(p: WsProbe, source: string): ConnectionSetup {
  return {
    openSentBytes: p.openSentBytes,
    openReceivedBytes: p.openReceivedBytes,
    closeSentBytes: p.closeSentBytes,
    closeReceivedBytes: p.closeReceivedBytes,
    openUs: p.openUs,
    source,
  };
}
