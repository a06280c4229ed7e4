// Turns one run's result (plus the probes and the server's CPU meter) into the showdown's
// figures for its mode. Bytes and connections are whole-run socket counts; throughput and CPU
// are taken over the steady seconds (the run's first second is its warm-up).
import { isPlannedSecond, isSteadySecond, type RunResult } from '../../shared/runResult.ts';
import {
  EXCHANGE_MODE_LABELS,
  UPDATE_MODE_LABELS,
  latencyFigures,
  type ConnectionSetup,
  type DirectionBytes,
  type ExchangeModeId,
  type ExchangeModeResult,
  type UpdateModeId,
  type UpdateModeResult,
} from '../../shared/showdown.ts';

export interface SteadyWindow {
  /** Seconds covered (the last one may be partial). */
  seconds: number;
  /** Completions in those seconds. */
  completed: number;
  /** Load generator CPU in those seconds (µs). */
  generatorCpuUs: number;
  /** Completions from the end of the warm-up to the end of the run (the server meter's window). */
  completedToEnd: number;
  /** Whether the CPU figure is exact (one worker) or the busiest worker times the workers. */
  cpuExact: boolean;
  /** False when the run had no second after its warm-up: the figures cover the whole run. */
  steady: boolean;
}

/**
 * The steady part of a run: its samples after the warm-up, without the last one when there
 * are others — the last second also holds the wind-down (closing connections, the workers'
 * final report, whose CPU share is over a short window and is merged as a maximum). A sample's
 * CPU is the busiest worker's share of one core in that second, so with one worker it is exact.
 */
export function steadyWindow(result: RunResult): SteadyWindow {
  const workers = Math.max(1, result.summary.generator.workers);
  const duration = result.summary.durationSec;
  // A fast mode can finish every exchange inside its warm-up second, leaving steady seconds
  // that completed nothing (the wind-down): that is "no steady second", not "no figure". A
  // WebSocket run's end-of-run drain is no steady second either: it is a fraction of a second
  // past the planned end (a 1 s echo run whose only planned second was its held connect ramp
  // had nothing else after its warm-up, and read 0 µs of CPU per exchange over it).
  const steadySamples = result.samples.filter(isSteadySecond);
  const hasSteady = steadySamples.some((s) => s.throughput > 0);
  const window = hasSteady ? steadySamples : result.samples.filter(isPlannedSecond);
  // The server's meter runs from the end of the warm-up to after the run, drain included.
  const toEnd = hasSteady ? result.samples.filter((s) => !s.warmup) : result.samples;
  const trimmed = window.length >= 2 ? window.slice(0, -1) : window;
  const samples = trimmed.some((s) => s.throughput > 0) ? trimmed : window;
  let seconds = 0;
  let completed = 0;
  let cpuUs = 0;
  for (const s of samples) {
    // A second may end early (an amount reached, a stop).
    const weight = Math.max(0, Math.min(1, duration - s.t));
    seconds += weight;
    completed += s.throughput;
    cpuUs += s.cpuPercent * 10_000 * weight * workers;
  }
  return {
    seconds,
    completed,
    generatorCpuUs: cpuUs,
    completedToEnd: toEnd.reduce((a, s) => a + s.throughput, 0),
    cpuExact: workers === 1,
    steady: hasSteady,
  };
}

/** Server CPU readings around a run: before it, at the end of its warm-up second, after it. */
export interface ServerCpuReadings {
  before: number | null;
  steady: number | null;
  after: number | null;
}

export function serverCpuPerCompletion(cpu: ServerCpuReadings, window: SteadyWindow, total: number): number | null {
  if (cpu.after === null) return null;
  if (window.steady && cpu.steady !== null && window.completedToEnd > 0) return (cpu.after - cpu.steady) / window.completedToEnd;
  if (cpu.before !== null && total > 0) return (cpu.after - cpu.before) / total;
  return null;
}

function direction(totalBytes: number, count: number, payload: number): DirectionBytes {
  const total = count > 0 ? totalBytes / count : 0;
  return { total: round1(total), payload: round1(payload), overhead: round1(total - payload) };
}

export function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

export interface ExchangeInputs {
  mode: ExchangeModeId;
  runId: number | null;
  result: RunResult;
  /** Payload bytes per exchange in each direction. */
  payloadSent: number;
  payloadReceived: number;
  /** Cost of opening/closing one connection (bytes only subtracted for WebSocket). */
  setup: ConnectionSetup | null;
  cpu: ServerCpuReadings;
  concurrency: number;
}

export function exchangeModeResult(x: ExchangeInputs): ExchangeModeResult {
  const s = x.result.summary;
  const exchanges = s.throughput.total;
  const window = steadyWindow(x.result);
  const opened = s.connections.opened;
  // WebSocket and HTTP/2 connections pay their opening (upgrade; preface and SETTINGS) and close
  // once: kept apart from the per-message figures.
  const apart = (x.mode === 'ws' || x.mode === 'h2') && x.setup;
  const perConnSent = apart && x.setup ? x.setup.openSentBytes + x.setup.closeSentBytes : 0;
  const perConnReceived = apart && x.setup ? x.setup.openReceivedBytes + x.setup.closeReceivedBytes : 0;
  const notes = [...s.notes];
  if (s.failure) notes.push(s.failure);
  if (!window.cpuExact) notes.push('client CPU per exchange is approximate with more than one load worker (busiest worker × workers)');
  if (!window.steady) notes.push('the run had no second after its warm-up: throughput and CPU cover the whole run');
  if (x.mode !== 'rest-new' && opened > x.concurrency) notes.push(`${opened} connections opened for ${x.concurrency} clients: some were reopened`);
  if (s.generator.saturated) notes.push(`load generator saturated: ${s.generator.reasons.join('; ')}`);
  const connect = s.ws?.connectUs ?? null;
  return {
    mode: x.mode,
    label: EXCHANGE_MODE_LABELS[x.mode],
    runId: x.runId,
    status: s.status,
    exchanges,
    durationSec: s.durationSec,
    throughputPerSec: round1(window.seconds > 0 ? window.completed / window.seconds : s.throughput.perSec),
    latencyUs: latencyFigures(s.latencyUs),
    bytes: {
      sent: direction(s.bytes.sent - opened * perConnSent, exchanges, x.payloadSent),
      received: direction(s.bytes.received - opened * perConnReceived, exchanges, x.payloadReceived),
      socketSent: s.bytes.sent,
      socketReceived: s.bytes.received,
    },
    setup: x.setup,
    connections: {
      opened,
      failed: s.connections.failed,
      perExchange: exchanges > 0 ? Math.round((opened / exchanges) * 10_000) / 10_000 : 0,
      connectUs: connect ? { p50: connect.p50, p99: connect.p99 } : null,
    },
    generatorCpuUs: window.completed > 0 ? round1(window.generatorCpuUs / window.completed) : null,
    serverCpuUs: roundOrNull(serverCpuPerCompletion(x.cpu, window, exchanges)),
    errors: s.errors.total,
    generatorSaturated: s.generator.saturated,
    notes,
    ...(s.http2 ? { http2: { streams: s.http2.streamsRequested, serverMaxConcurrentStreams: s.http2.serverMaxConcurrentStreams, peakStreams: s.http2.peakStreams } } : {}),
  };
}

export interface UpdateInputs {
  mode: UpdateModeId;
  runId: number | null;
  result: RunResult;
  clients: number;
  requests: number;
  emptyRequests: number;
  /** Compact-JSON bytes per delivered event. */
  payloadPerEvent: number;
  setup: ConnectionSetup | null;
  cpu: ServerCpuReadings;
  extraNotes?: string[];
}

export function updateModeResult(x: UpdateInputs): UpdateModeResult {
  const s = x.result.summary;
  // Push and SSE count every message or event received (one without a "ts" too); polling, every timed delivery.
  const delivered = x.mode === 'push' ? (s.ws?.messagesReceived ?? s.throughput.total) : x.mode === 'sse' ? (s.sse?.events ?? s.throughput.total) : s.throughput.total;
  const window = steadyWindow(x.result);
  const opened = s.connections.opened;
  const perConnSent = x.mode === 'push' && x.setup ? x.setup.openSentBytes + x.setup.closeSentBytes : 0;
  const perConnReceived = x.mode === 'push' && x.setup ? x.setup.openReceivedBytes + x.setup.closeReceivedBytes : 0;
  const notes = [...s.notes, ...(x.extraNotes ?? [])];
  if (s.failure) notes.push(s.failure);
  if (s.generator.saturated) notes.push(`load generator saturated: ${s.generator.reasons.join('; ')}`);
  const sent = delivered > 0 ? (s.bytes.sent - opened * perConnSent) / delivered : 0;
  return {
    mode: x.mode,
    label: UPDATE_MODE_LABELS[x.mode],
    runId: x.runId,
    status: s.status,
    durationSec: s.durationSec,
    clients: x.clients,
    delivered,
    lagUs: latencyFigures(s.latencyUs),
    requests: x.requests,
    emptyRequests: x.emptyRequests,
    emptyShare: x.mode === 'poll' || x.mode === 'long-poll' ? (x.requests > 0 ? Math.round((x.emptyRequests / x.requests) * 10_000) / 10_000 : 0) : null,
    requestsPerEvent: delivered > 0 ? Math.round((x.requests / delivered) * 10_000) / 10_000 : 0,
    bytesPerEvent: {
      sent: round1(Math.max(0, sent)),
      received: direction(s.bytes.received - opened * perConnReceived, delivered, x.payloadPerEvent),
    },
    socketSent: s.bytes.sent,
    socketReceived: s.bytes.received,
    setup: x.setup,
    connectionsOpened: opened,
    generatorCpuUs: window.completed > 0 ? round1(window.generatorCpuUs / window.completed) : null,
    serverCpuUs: roundOrNull(serverCpuPerCompletion(x.cpu, window, delivered)),
    errors: s.errors.total,
    notes,
  };
}

function roundOrNull(n: number | null): number | null {
  return n === null || !Number.isFinite(n) ? null : round1(n);
}
