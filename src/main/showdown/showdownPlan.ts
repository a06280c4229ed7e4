// What a showdown will run, as data and without any I/O: the endpoints, the order of the modes
// (rotated by the seed), the run configuration of every mode, and the session's steps in order
// (planShowdown) — each with its kind (which executor runs it: showdownSteps.ts), the engine
// configuration it runs, whether that run is kept in the history, and the step the views show.
import { DEMO_HOST, isDemoUrl, resolveDemoUrl } from '../../shared/demoAddress.ts';
import type { HttpScenario, WsScenario } from '../../shared/scenario.ts';
import { httpScenarioSchema, wsScenarioSchema } from '../../shared/scenario.ts';
import {
  EXCHANGE_MODES,
  EXCHANGE_MODE_LABELS,
  UPDATE_MODE_LABELS,
  UPDATE_MODES,
  type ExchangeModeId,
  type ShowdownConfig,
  type ShowdownStep,
  type UpdateModeId,
} from '../../shared/showdown.ts';
import { restBody, wsTemplate } from './payload.ts';

export interface Endpoints {
  kind: 'demo' | 'custom';
  httpUrl: string;
  wsUrl: string;
  /** HTTP/2 echo endpoint; null: HTTP/2 is not measured. */
  h2Url: string | null;
  pollUrl: string | null;
  pushUrl: string | null;
  longPollUrl: string | null;
  sseUrl: string | null;
  cpuUrl: string | null;
}

/** The demo target's endpoints for one showdown (its own event feed, named after the showdown). */
export function demoEndpoints(httpBase: string, wsBase: string, config: ShowdownConfig, feed: string): Endpoints {
  const feedQuery = `feed=${encodeURIComponent(feed)}&rate=${config.eventRate}&bytes=${config.payloadBytes}`;
  return {
    kind: 'demo',
    httpUrl: `${httpBase}/echo`,
    wsUrl: `${wsBase}/ws/echo`,
    // The demo target answers h2c on its HTTP port (target/h2cPort.ts).
    h2Url: `${httpBase}/h2`,
    pollUrl: `${httpBase}/events?${feedQuery}`,
    pushUrl: `${wsBase}/ws/events?${feedQuery}`,
    // The same feed (the same events, stamped once) held for long polls and streamed as SSE.
    longPollUrl: `${httpBase}/events/long-poll?${feedQuery}`,
    sseUrl: `${httpBase}/sse/events?${feedQuery}`,
    cpuUrl: `${httpBase}/_barrage/cpu`,
  };
}

export function customEndpoints(config: ShowdownConfig): Endpoints {
  return {
    kind: 'custom',
    httpUrl: config.httpUrl!,
    wsUrl: config.wsUrl!,
    h2Url: config.h2Url ?? null,
    pollUrl: config.pollUrl ?? null,
    pushUrl: config.pushUrl ?? null,
    longPollUrl: config.longPollUrl ?? null,
    sseUrl: config.sseUrl ?? null,
    cpuUrl: config.cpuUrl ?? null,
  };
}

/** The list rotated left by `by` places. */
export function rotate<T>(list: readonly T[], by: number): T[] {
  const n = list.length;
  const k = ((by % n) + n) % n;
  return [...list.slice(k), ...list.slice(0, k)];
}

export function modeOrder(seed: number): { exchange: ExchangeModeId[]; updates: UpdateModeId[] } {
  return { exchange: rotate(EXCHANGE_MODES, seed), updates: rotate(UPDATE_MODES, seed) };
}

/** Digits of the sequence ids a WebSocket run will mostly use, for sizing its message padding. */
export function expectedSeqDigits(config: ShowdownConfig): number {
  // Without an amount, guess ~20,000 exchanges/s in all (loopback); only the padding depends on it.
  const total = config.exchanges ?? config.durationSec * 20_000;
  const perConnection = total / config.concurrency;
  return Math.max(1, Math.min(7, String(Math.max(1, Math.round(perConnection / 2))).length));
}

export function scenarioName(mode: ExchangeModeId): string {
  return `Showdown · ${EXCHANGE_MODE_LABELS[mode]}`;
}

/** The run configuration of one mode of the exchange experiment. */
export function exchangeScenario(mode: ExchangeModeId, config: ShowdownConfig, endpoints: Endpoints): HttpScenario | WsScenario {
  const length = config.exchanges !== undefined ? { amount: config.exchanges } : { durationSec: config.durationSec };
  const common = {
    name: scenarioName(mode),
    connections: config.concurrency,
    workers: config.workers,
    warmupSec: 1,
    timeoutSec: 10,
    ...length,
  };
  if (mode === 'ws') {
    return wsScenarioSchema.parse({
      protocol: 'ws',
      ...common,
      url: endpoints.wsUrl,
      mode: 'echo',
      inFlight: 1,
      message: wsTemplate(config.payloadBytes, expectedSeqDigits(config)),
      perMessageDeflate: false,
      // Pings would add frames that are not exchanges; the ramp should be short.
      pingIntervalSec: 0,
      connectRate: Math.max(1000, config.concurrency * 4),
    });
  }
  if (mode === 'h2') {
    // HTTP/2 as its clients use it: one connection (per load worker) carrying every request in
    // flight as a stream, so the same number of requests is in flight as in the other modes.
    const connections = Math.min(config.workers, config.concurrency);
    return httpScenarioSchema.parse({
      protocol: 'http',
      ...common,
      connections,
      url: endpoints.h2Url ?? endpoints.httpUrl,
      method: 'POST',
      body: restBody(config.payloadBytes),
      bodyType: 'json',
      http2: true,
      streams: Math.ceil(config.concurrency / connections),
    });
  }
  return httpScenarioSchema.parse({
    protocol: 'http',
    ...common,
    url: endpoints.httpUrl,
    method: 'POST',
    body: restBody(config.payloadBytes),
    bodyType: 'json',
    newConnectionPerRequest: mode === 'rest-new',
  });
}

/** The unsaved warm-up run before a mode: the same load for `warmupSec` seconds. */
export function warmupScenario(scenario: HttpScenario | WsScenario, warmupSec: number): HttpScenario | WsScenario {
  const { amount: _amount, ...rest } = scenario;
  return { ...rest, name: `${scenario.name} (warm-up)`, durationSec: warmupSec, warmupSec: 0 } as HttpScenario | WsScenario;
}

export function pushScenario(config: ShowdownConfig, endpoints: Endpoints, durationSec: number): WsScenario {
  return wsScenarioSchema.parse({
    protocol: 'ws',
    name: 'Showdown · WebSocket push',
    url: endpoints.pushUrl,
    connections: config.concurrency,
    workers: config.workers,
    mode: 'push',
    durationSec,
    warmupSec: 1,
    pingIntervalSec: 0,
    perMessageDeflate: false,
    connectRate: Math.max(1000, config.concurrency * 4),
  });
}

export function pollName(intervalMs: number): string {
  return `Showdown · REST polling (every ${intervalMs} ms)`;
}

/**
 * The polling run: an HTTP scenario in poll mode (the engine's polling driver), one connection
 * per client. Stored as is, so "Run again" on it polls again. One worker: the showdown's clients
 * spread their polls over one interval, and the figures stay comparable with earlier showdowns.
 */
export function pollScenario(config: ShowdownConfig, endpoints: Endpoints): HttpScenario {
  return httpScenarioSchema.parse({
    protocol: 'http',
    name: pollName(config.pollIntervalMs),
    url: endpoints.pollUrl,
    method: 'GET',
    connections: config.concurrency,
    poll: { intervalMs: config.pollIntervalMs },
    durationSec: config.durationSec,
    warmupSec: 1,
    timeoutSec: 10,
    workers: 1,
  });
}

/** The long-polling run: the polling driver with `poll.long` (each answer is followed by the next poll). */
export function longPollScenario(config: ShowdownConfig, endpoints: Endpoints): HttpScenario {
  return httpScenarioSchema.parse({
    protocol: 'http',
    name: 'Showdown · Long polling',
    url: endpoints.longPollUrl,
    method: 'GET',
    connections: config.concurrency,
    poll: { long: true },
    durationSec: config.durationSec,
    warmupSec: 1,
    // Above the demo target's 5 s hold: a held poll is an answer coming, not a timeout.
    timeoutSec: 30,
    workers: 1,
  });
}

/** The Server-Sent Events run: one stream per client (the SSE driver). */
export function sseScenario(config: ShowdownConfig, endpoints: Endpoints): HttpScenario {
  return httpScenarioSchema.parse({
    protocol: 'http',
    name: 'Showdown · Server-Sent Events',
    url: endpoints.sseUrl,
    method: 'GET',
    connections: config.concurrency,
    sse: { connectRate: Math.max(1000, config.concurrency * 4) },
    durationSec: config.durationSec,
    warmupSec: 1,
    timeoutSec: 10,
    workers: config.workers,
  });
}

/** Measured rounds of each connection probe (after 3 unmeasured ones). */
export const PROBE_ROUNDS = 9;

/**
 * One step of a showdown session. `view` is the step the Showdown view and the CLI's progress
 * show (null: not shown, the previous one stays). A step with a scenario runs it through the run
 * service; `record` says whether that run is kept in the history (with the showdown's group).
 * Scenarios against the built-in demo target use its symbolic address (demo-target.invalid):
 * the target starts in the setup step, on a port known only then (resolveStepScenario).
 */
export type ShowdownStepPlan =
  | { kind: 'setup'; label: string; view: ShowdownStep; target: 'demo' | 'custom'; endpoints: Endpoints }
  | {
      kind: 'probe';
      label: string;
      view: ShowdownStep;
      rounds: number;
      http: { url: string; body: string };
      ws: { url: string; message: string };
      /** The HTTP/2 endpoint's connection set-up and echo; null when HTTP/2 is not measured. */
      h2: { url: string; body: string } | null;
    }
  | { kind: 'warmup'; label: string; view: ShowdownStep; mode: ExchangeModeId; scenario: HttpScenario | WsScenario; record: false }
  | { kind: 'exchange'; label: string; view: ShowdownStep; mode: ExchangeModeId; scenario: HttpScenario | WsScenario; record: true }
  | { kind: 'poll'; label: string; view: ShowdownStep; mode: 'poll' | 'long-poll'; scenario: HttpScenario; record: true }
  | { kind: 'sse'; label: string; view: ShowdownStep; mode: 'sse'; scenario: HttpScenario; record: true }
  | { kind: 'push'; label: string; view: ShowdownStep; mode: 'push'; scenario: WsScenario; record: true; probeUrl: string }
  | { kind: 'teardown'; label: string; view: null; always: true };

export type ShowdownStepKind = ShowdownStepPlan['kind'];

export interface ShowdownPlan {
  id: string;
  /** Group id of its runs in the history; null when nothing is saved. */
  groupId: string | null;
  config: ShowdownConfig;
  seed: number;
  order: { exchange: ExchangeModeId[]; updates: UpdateModeId[] };
  /** The endpoints as planned (the demo target's symbolically). */
  endpoints: Endpoints;
  steps: ShowdownStepPlan[];
  /** The steps the views count, in order, ending with `done`. */
  views: ShowdownStep[];
  /** What the plan leaves out, and why. */
  notes: string[];
}

const SETUP_VIEW: ShowdownStep = { experiment: 'setup', mode: null, phase: null };
const PROBE_VIEW: ShowdownStep = { experiment: 'probe', mode: null, phase: null };
export const DONE_VIEW: ShowdownStep = { experiment: 'done', mode: null, phase: null };

/** The demo target's endpoints by its symbolic address, for a plan made before it listens. */
export function symbolicDemoEndpoints(config: ShowdownConfig, feed: string): Endpoints {
  return demoEndpoints(`http://${DEMO_HOST}`, `ws://${DEMO_HOST}`, config, feed);
}

/**
 * The whole showdown as an ordered list of steps: set-up, the connection probes, for each exchange
 * mode (in the rotated order) its unsaved warm-up and its measured run, then polling and push,
 * and the target's close. Only what will run is planned: without a poll and a push endpoint the
 * updates are left out (and a note says so); without the exchange experiment, its probes too.
 */
export function planShowdown(config: ShowdownConfig, session: { id: string; seed: number; saved: boolean }): ShowdownPlan {
  const order = modeOrder(session.seed);
  const demo = config.httpUrl === undefined;
  const endpoints = demo ? symbolicDemoEndpoints(config, `sd-${session.id}`) : customEndpoints(config);
  const notes: string[] = [];
  const steps: ShowdownStepPlan[] = [{ kind: 'setup', label: 'starting the target', view: SETUP_VIEW, target: demo ? 'demo' : 'custom', endpoints }];

  if (config.experiments.includes('exchange')) {
    const rest = exchangeScenario('rest-keepalive', config, endpoints);
    const ws = exchangeScenario('ws', config, endpoints);
    steps.push({
      kind: 'probe',
      label: 'probing connection set-up on the idle target',
      view: PROBE_VIEW,
      rounds: PROBE_ROUNDS,
      http: { url: endpoints.httpUrl, body: rest.protocol === 'http' ? (rest.body ?? '') : '' },
      ws: { url: endpoints.wsUrl, message: (ws.protocol === 'ws' ? ws.message : '').replace('{{seq}}', '1') },
      h2: endpoints.h2Url === null ? null : { url: endpoints.h2Url, body: rest.protocol === 'http' ? (rest.body ?? '') : '' },
    });
    if (endpoints.h2Url === null) notes.push('HTTP/2 was not measured: give an HTTP/2 echo endpoint (--h2 URL; h2c for http://, h2 by ALPN for https://)');
    for (const mode of order.exchange) {
      if (mode === 'h2' && endpoints.h2Url === null) continue;
      const scenario = exchangeScenario(mode, config, endpoints);
      const name = EXCHANGE_MODE_LABELS[mode];
      if (config.warmupSec > 0) {
        steps.push({
          kind: 'warmup',
          label: `${name}: warm-up`,
          view: { experiment: 'exchange', mode, phase: 'warmup' },
          mode,
          scenario: warmupScenario(scenario, config.warmupSec),
          record: false,
        });
      }
      steps.push({ kind: 'exchange', label: `${name}: measured run`, view: { experiment: 'exchange', mode, phase: 'measure' }, mode, scenario, record: true });
    }
  }

  if (config.experiments.includes('updates')) {
    const { pollUrl, pushUrl } = endpoints;
    if (pollUrl === null || pushUrl === null) {
      notes.push('server-to-client updates were not measured: give a poll endpoint and a push endpoint');
    } else {
      // Long polling and SSE are measured where the server has them (the demo target has all four).
      if (endpoints.longPollUrl === null) notes.push('long polling was not measured: give a long-poll endpoint');
      if (endpoints.sseUrl === null) notes.push('Server-Sent Events were not measured: give an SSE endpoint');
      for (const mode of order.updates) {
        const view: ShowdownStep = { experiment: 'updates', mode, phase: 'measure' };
        const label = `${UPDATE_MODE_LABELS[mode]}: measured run`;
        if (mode === 'poll') steps.push({ kind: 'poll', label, view, mode, scenario: pollScenario(config, endpoints), record: true });
        else if (mode === 'long-poll') {
          if (endpoints.longPollUrl !== null) steps.push({ kind: 'poll', label, view, mode, scenario: longPollScenario(config, endpoints), record: true });
        } else if (mode === 'sse') {
          if (endpoints.sseUrl !== null) steps.push({ kind: 'sse', label, view, mode, scenario: sseScenario(config, endpoints), record: true });
        } else steps.push({ kind: 'push', label, view, mode, scenario: pushScenario(config, endpoints, config.durationSec), record: true, probeUrl: pushUrl });
      }
    }
  }

  if (demo) steps.push({ kind: 'teardown', label: 'closing the target', view: null, always: true });
  const views = [...steps.flatMap((s) => (s.view ? [s.view] : [])), DONE_VIEW];
  return { id: session.id, groupId: session.saved ? `showdown-${session.id}` : null, config, seed: session.seed, order, endpoints, steps, views, notes };
}

/** The planned endpoints with the demo target's real address in place of its symbolic one. */
export function resolveEndpoints(planned: Endpoints, target: { httpUrl: string; wsUrl: string } | null): Endpoints {
  const resolve = (url: string | null) => (url === null ? null : resolveUrl(url, target));
  return {
    kind: planned.kind,
    httpUrl: resolveUrl(planned.httpUrl, target),
    wsUrl: resolveUrl(planned.wsUrl, target),
    h2Url: resolve(planned.h2Url),
    pollUrl: resolve(planned.pollUrl),
    pushUrl: resolve(planned.pushUrl),
    longPollUrl: resolve(planned.longPollUrl),
    sseUrl: resolve(planned.sseUrl),
    cpuUrl: resolve(planned.cpuUrl),
  };
}

/** A planned URL with the demo target's real address in place of its symbolic one. */
export function resolveUrl(url: string, target: { httpUrl: string; wsUrl: string } | null): string {
  return target && isDemoUrl(url) ? resolveDemoUrl(url, target) : url;
}

/** A step's scenario as it runs and is stored: against the demo target of this showdown. */
export function resolveStepScenario<T extends HttpScenario | WsScenario>(scenario: T, target: { httpUrl: string; wsUrl: string } | null): T {
  return { ...scenario, url: resolveUrl(scenario.url, target) };
}
