// What a showdown will run: the endpoints, the order of the modes (rotated by the seed), the
// run configuration of every mode, and the steps the view can show progress against.
import type { HttpScenario, WsScenario } from '../../shared/scenario.ts';
import { httpScenarioSchema, wsScenarioSchema } from '../../shared/scenario.ts';
import {
  EXCHANGE_MODES,
  EXCHANGE_MODE_LABELS,
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
  pollUrl: string | null;
  pushUrl: string | null;
  cpuUrl: string | null;
}

/** The demo target's endpoints for one showdown (its own event feed, named after the showdown). */
export function demoEndpoints(httpBase: string, wsBase: string, config: ShowdownConfig, feed: string): Endpoints {
  const feedQuery = `feed=${encodeURIComponent(feed)}&rate=${config.eventRate}&bytes=${config.payloadBytes}`;
  return {
    kind: 'demo',
    httpUrl: `${httpBase}/echo`,
    wsUrl: `${wsBase}/ws/echo`,
    pollUrl: `${httpBase}/events?${feedQuery}`,
    pushUrl: `${wsBase}/ws/events?${feedQuery}`,
    cpuUrl: `${httpBase}/_barrage/cpu`,
  };
}

export function customEndpoints(config: ShowdownConfig): Endpoints {
  return {
    kind: 'custom',
    httpUrl: config.httpUrl!,
    wsUrl: config.wsUrl!,
    pollUrl: config.pollUrl ?? null,
    pushUrl: config.pushUrl ?? null,
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

/** Every step, in order, for progress: setup, probes, each warm-up and measured run, done. */
export function planSteps(config: ShowdownConfig, order: { exchange: ExchangeModeId[]; updates: UpdateModeId[] }, updates: boolean): ShowdownStep[] {
  const steps: ShowdownStep[] = [
    { experiment: 'setup', mode: null, phase: null },
    { experiment: 'probe', mode: null, phase: null },
  ];
  if (config.experiments.includes('exchange')) {
    for (const mode of order.exchange) {
      if (config.warmupSec > 0) steps.push({ experiment: 'exchange', mode, phase: 'warmup' });
      steps.push({ experiment: 'exchange', mode, phase: 'measure' });
    }
  }
  if (updates) for (const mode of order.updates) steps.push({ experiment: 'updates', mode, phase: 'measure' });
  steps.push({ experiment: 'done', mode: null, phase: null });
  return steps;
}
