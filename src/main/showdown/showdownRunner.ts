// Runs a showdown: starts the demo target in its own thread (unless the user brought endpoints),
// probes connection setup on the idle target, then runs every mode back to back — order rotated
// by the seed, each exchange mode after an unsaved warm-up run — saving each as a normal run in
// the history under one group id, and finally computes the break-even, the table and the
// conclusion from the measured numbers.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { RunProgress, RunResult, RunSample } from '../../shared/runResult.ts';
import {
  EXCHANGE_MODES,
  UPDATE_MODES,
  type ConnectionSetup,
  type ExchangeModeResult,
  type ShowdownConfig,
  type ShowdownResult,
  type ShowdownStatus,
  type ShowdownStep,
  type UpdateModeResult,
} from '../../shared/showdown.ts';
import type { RunHandle, RunOptions } from '../engine/index.ts';
import type { RunService } from '../services/runService.ts';
import type { RunStore } from '../store/runStore.ts';
import { showdownBreakEven } from './breakEven.ts';
import { conclude } from './conclusion.ts';
import { startHostedDemoTarget, type HostedTarget } from './demoTargetHost.ts';
import { exchangeModeResult, updateModeResult, type ServerCpuReadings } from './modeFigures.ts';
import { meanWsPayloadBytes } from './payload.ts';
import { median, postEcho, readServerCpu, tcpConnectProbe, wsProbe } from './probes.ts';
import {
  customEndpoints,
  demoEndpoints,
  exchangeScenario,
  modeOrder,
  planSteps,
  pollScenario,
  pushScenario,
  warmupScenario,
  type Endpoints,
} from './showdownPlan.ts';
import { buildTable } from './showdownTable.ts';

export const SHOWDOWN_TAG = 'showdown';

export interface ShowdownDeps {
  /** Runs the measured engine runs; saves them when it has a store. */
  runs: RunService;
  /** The history, for the default seed; null: nothing saved. */
  store: RunStore | null;
  /** Engine options for the unsaved warm-up runs. */
  engine?: Pick<RunOptions, 'lookup'>;
  /** Called at every step and when the showdown ends. */
  onStatus?: (status: ShowdownStatus) => void;
  /** Starts the demo target; replaceable in tests. */
  startTarget?: () => Promise<HostedTarget>;
}

export interface ShowdownHandle {
  readonly id: string;
  status(): ShowdownStatus;
  /** Stops the showdown: the current run ends early, the remaining modes do not run. */
  stop(): void;
  /** Always resolves: a failure is a result with status 'failed'. */
  readonly result: Promise<ShowdownResult>;
}

class Stopped extends Error {}

/** Measured rounds of each connection probe (after 3 unmeasured ones). */
const PROBE_ROUNDS = 9;
/** A load average above this share of the cores means something else competed for the CPU. */
const BUSY_LOAD_SHARE = 0.5;

export function startShowdown(config: ShowdownConfig, deps: ShowdownDeps): ShowdownHandle {
  const id = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const store = config.save ? deps.store : null;
  const groupId = store ? `showdown-${id}` : null;
  const seed = config.seed ?? defaultSeed(deps.store);
  const order = modeOrder(seed);
  // The whole showdown measures under one lease: its probes, warm-ups and runs, and nothing
  // else, from the first probe to the target's close. Throws MeasurementBusyError before anything.
  const lease = deps.runs.lock.acquire({ kind: 'showdown', id, label: `showdown ${id}` });
  const wantsUpdates = config.experiments.includes('updates');
  const steps = planSteps(config, order, wantsUpdates);
  const startedAt = new Date().toISOString();
  const loadAverageStart = loadAverage();
  const status: ShowdownStatus = {
    id,
    groupId,
    state: 'running',
    startedAt,
    config,
    step: steps[0],
    stepIndex: 0,
    steps: steps.length,
    currentRunId: null,
    runIds: {},
    result: null,
    error: null,
  };
  let stopRequested = false;
  let stopCurrent: (() => void) | null = null;

  const notify = () => deps.onStatus?.(snapshot(status));
  const enter = (step: ShowdownStep) => {
    if (stopRequested) throw new Stopped();
    const at = steps.findIndex((s) => sameStep(s, step));
    status.step = step;
    if (at >= 0) status.stepIndex = at;
    status.currentRunId = null;
    notify();
  };

  const result = (async (): Promise<ShowdownResult> => {
    const notes: string[] = [];
    const exchangeModes: ExchangeModeResult[] = [];
    const updateModes: UpdateModeResult[] = [];
    let hosted: HostedTarget | null = null;
    let endpoints: Endpoints | null = null;
    let failure: string | undefined;
    let aborted = false;
    try {
      // ---- setup: the target and its CPU meter ----
      enter(steps[0]);
      if (config.httpUrl === undefined) {
        hosted = await (deps.startTarget ?? startHostedDemoTarget)();
        endpoints = demoEndpoints(hosted.httpUrl, hosted.wsUrl, config, `sd-${id}`);
        if (!hosted.isolated) {
          notes.push('the demo target ran on the same thread as the showdown: its CPU figures include the showdown’s own bookkeeping');
        }
      } else {
        endpoints = customEndpoints(config);
      }
      const ep = endpoints;
      if (ep.cpuUrl !== null && (await readServerCpu(ep.cpuUrl)) === null) {
        notes.push(`no CPU meter answered at ${ep.cpuUrl}: server CPU is not reported`);
        ep.cpuUrl = null;
      }
      if (wantsUpdates && (ep.pollUrl === null || ep.pushUrl === null)) {
        notes.push('server-to-client updates were not measured: give a poll endpoint and a push endpoint');
      }
      const runUpdates = wantsUpdates && ep.pollUrl !== null && ep.pushUrl !== null;

      // ---- probes on the idle target ----
      enter(steps[1]);
      let exchangeProbe: ExchangeProbe | null = null;
      if (config.experiments.includes('exchange')) exchangeProbe = await probeExchange(config, ep, notes);

      // ---- experiment 1: the same exchanges over three modes ----
      if (exchangeProbe) {
        for (const mode of order.exchange) {
          const scenario = exchangeScenario(mode, config, ep);
          if (config.warmupSec > 0) {
            enter({ experiment: 'exchange', mode, phase: 'warmup' });
            // Through the run service like every run (the lock's lease, the sinks), but not kept.
            const warm = deps.runs.start(warmupScenario(scenario, config.warmupSec), { lease, record: false });
            stopCurrent = () => warm.handle.stop();
            const w = (await warm.done).result;
            stopCurrent = null;
            if (w.summary.status === 'failed') notes.push(`${mode}: the warm-up run failed (${w.summary.failure ?? 'no reason given'})`);
          }
          enter({ experiment: 'exchange', mode, phase: 'measure' });
          const measured = await measureEngineRun(scenario, ep.cpuUrl, (runId) => {
            status.currentRunId = runId;
            if (runId !== null) status.runIds[mode] = runId;
            notify();
          });
          const probe = exchangeProbe;
          const wsPayload = meanWsPayloadBytes(scenario.protocol === 'ws' ? scenario.message : '', measured.result.summary.ws?.messagesSent ?? 0, config.concurrency);
          exchangeModes.push(
            exchangeModeResult({
              mode,
              runId: measured.runId,
              result: measured.result,
              payloadSent: mode === 'ws' ? wsPayload : config.payloadBytes,
              payloadReceived: mode === 'ws' ? (probe.wsEchoes ? wsPayload : probe.ws.payloadReceivedBytes) : probe.httpResponseBytes,
              setup: mode === 'ws' ? probe.wsSetup : probe.tcpSetup,
              cpu: measured.cpu,
              concurrency: config.concurrency,
            }),
          );
          if (measured.result.summary.status === 'aborted') throw new Stopped();
        }
      }

      // ---- experiment 2: server-to-client updates ----
      if (runUpdates) {
        for (const mode of order.updates) {
          enter({ experiment: 'updates', mode, phase: 'measure' });
          updateModes.push(mode === 'poll' ? await measurePolling(ep) : await measurePush(ep));
          if (updateModes.at(-1)!.status === 'aborted') throw new Stopped();
        }
      }
    } catch (err) {
      if (err instanceof Stopped || stopRequested) aborted = true;
      else failure = err instanceof Error ? err.message : String(err);
    } finally {
      stopCurrent = null;
      if (hosted) await hosted.close().catch(() => {});
      lease.release();
    }

    if (aborted) notes.push('stopped before every mode had run');
    const loadAverageEnd = loadAverage();
    // Only the reading before the start says something about other work: the one at the end
    // includes the showdown's own load.
    if (loadAverageStart !== null && loadAverageStart > os.availableParallelism() * BUSY_LOAD_SHARE) {
      notes.push(
        `the machine was already busy when the showdown started (1-minute load average ${loadAverageStart.toFixed(1)} on ${os.availableParallelism()} cores): the figures include other work's interference`,
      );
    }
    const ep = endpoints ?? { kind: 'custom', httpUrl: config.httpUrl ?? '', wsUrl: config.wsUrl ?? '', pollUrl: null, pushUrl: null, cpuUrl: null };
    const sortedExchange = EXCHANGE_MODES.flatMap((m) => exchangeModes.filter((r) => r.mode === m));
    const sortedUpdates = UPDATE_MODES.flatMap((m) => updateModes.filter((r) => r.mode === m));
    const exchange = sortedExchange.length > 0 ? { modes: sortedExchange, breakEven: showdownBreakEven(sortedExchange) } : null;
    const updates =
      sortedUpdates.length > 0 ? { pollIntervalMs: config.pollIntervalMs, eventRate: config.eventRate, modes: sortedUpdates } : null;
    const cpus = os.cpus();
    const partial: Omit<ShowdownResult, 'table' | 'conclusion'> = {
      id,
      groupId,
      config,
      target: {
        kind: ep.kind,
        httpUrl: ep.httpUrl,
        wsUrl: ep.wsUrl,
        pollUrl: ep.pollUrl,
        pushUrl: ep.pushUrl,
        cpuUrl: ep.cpuUrl,
        serverCpuIsolated: ep.cpuUrl !== null && (hosted?.isolated ?? false),
      },
      startedAt,
      endedAt: new Date().toISOString(),
      status: failure !== undefined ? 'failed' : aborted ? 'aborted' : 'completed',
      order,
      seed,
      exchange,
      updates,
      notes,
      machine: {
        cpu: cpus[0]?.model.trim() || 'unknown',
        cores: os.availableParallelism(),
        node: process.versions.node,
        platform: `${process.platform} ${process.arch}`,
        loadAverageStart,
        loadAverageEnd,
      },
    };
    if (failure !== undefined) partial.failure = failure;
    const final: ShowdownResult = { ...partial, table: buildTable(partial), conclusion: conclude(partial) };
    status.state = final.status;
    status.step = steps[steps.length - 1];
    status.stepIndex = steps.length - 1;
    status.currentRunId = null;
    status.result = final;
    status.error = failure ?? null;
    notify();
    return final;
  })();

  // ---- one saved engine run, with the server's CPU meter read around it ----
  async function measureEngineRun(
    scenario: Parameters<RunService['start']>[0],
    cpuUrl: string | null,
    onRunId: (runId: number | null) => void,
  ): Promise<{ runId: number | null; result: RunResult; cpu: ServerCpuReadings }> {
    const cpu: ServerCpuReadings = { before: await readServerCpu(cpuUrl), steady: null, after: null };
    const steady: { read: Promise<number | null> | null } = { read: null };
    const onProgress = (p: RunProgress) => {
      if (steady.read === null && p.sample.t === scenario.warmupSec - 1) steady.read = readServerCpu(cpuUrl);
    };
    const started = deps.runs.start(scenario, { groupId, scenarioName: scenario.name ?? null, tags: [SHOWDOWN_TAG], lease, storeSecrets: config.storeSecrets }, onProgress);
    stopCurrent = () => started.handle.stop();
    if (stopRequested) started.handle.stop();
    onRunId(started.runId);
    const { result } = await started.done;
    stopCurrent = null;
    cpu.steady = steady.read === null ? null : await steady.read;
    cpu.after = await readServerCpu(cpuUrl);
    return { runId: started.runId, result, cpu };
  }

  async function measurePolling(ep: Endpoints): Promise<UpdateModeResult> {
    // An engine run like the others: the polling driver runs in a load worker.
    const { runId, result, cpu } = await measureEngineRun(pollScenario(config, ep), ep.cpuUrl, (id) => {
      if (id !== null) status.runIds.poll = id;
      status.currentRunId = id;
      notify();
    });
    const polled = result.summary.poll;
    // A run that never polled (its workers failed, or the engine sent no load: a refused TLS
    // certificate, an unreachable host) fails the showdown, as the polling client did.
    if (result.summary.status === 'failed' || polled === undefined) {
      throw new Error(`polling ${ep.pollUrl}: ${result.summary.failure ?? result.summary.notes[0] ?? 'no poll was sent'}`);
    }
    return updateModeResult({
      mode: 'poll',
      runId,
      result,
      clients: config.concurrency,
      requests: polled.requests,
      emptyRequests: polled.emptyRequests,
      payloadPerEvent: polled.delivered > 0 ? polled.payloadBytes / polled.delivered : 0,
      setup: null,
      cpu,
    });
  }

  async function measurePush(ep: Endpoints): Promise<UpdateModeResult> {
    const pushUrl = ep.pushUrl!;
    const probe = await wsProbe(pushUrl, { waitMessages: 3, timeoutMs: 3000 }).catch((err: Error) => {
      throw new Error(`push endpoint ${pushUrl}: ${err.message}`);
    });
    const setup = wsSetupOf(probe, 'WebSocket upgrade and close of one probe connection to the push endpoint (socket counters)');
    const extraNotes: string[] = [];
    const payloadPerEvent = probe.messagesReceived > 0 ? probe.payloadReceivedBytes / probe.messagesReceived : 0;
    if (probe.messagesReceived === 0) extraNotes.push('no event arrived on the probe connection: payload per event unknown (counted as overhead)');
    const scenario = pushScenario(config, ep, config.durationSec);
    const measured = await measureEngineRun(scenario, ep.cpuUrl, (runId) => {
      status.currentRunId = runId;
      if (runId !== null) status.runIds.push = runId;
      notify();
    });
    return updateModeResult({
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
  }

  return {
    id,
    status: () => snapshot(status),
    stop() {
      stopRequested = true;
      stopCurrent?.();
    },
    result,
  };
}

interface ExchangeProbe {
  tcpSetup: ConnectionSetup;
  wsSetup: ConnectionSetup;
  ws: Awaited<ReturnType<typeof wsProbe>>;
  /** Whether the WebSocket endpoint echoed the probe message unchanged. */
  wsEchoes: boolean;
  /** Body bytes of the HTTP endpoint's answer to the payload. */
  httpResponseBytes: number;
}

/** Opening costs on the idle target, and a check that both endpoints really echo. */
async function probeExchange(config: ShowdownConfig, ep: Endpoints, notes: string[]): Promise<ExchangeProbe> {
  const body = exchangeScenario('rest-keepalive', config, ep);
  const wsScn = exchangeScenario('ws', config, ep);
  const message = (wsScn.protocol === 'ws' ? wsScn.message : '').replace('{{seq}}', '1');
  const echo = await postEcho(ep.httpUrl, body.protocol === 'http' ? (body.body ?? '') : '').catch((err: Error) => {
    throw new Error(`HTTP endpoint ${ep.httpUrl}: ${err.message}`);
  });
  if (!echo.echoed) notes.push(`the HTTP endpoint did not echo the payload (answered ${echo.bytes} bytes of body): payload received counts what it sent`);
  // A few unmeasured rounds first: the target's and this thread's code paths are cold.
  const fail = (what: string, url: string) => (err: Error): never => {
    throw new Error(`${what} ${url}: ${err.message}`);
  };
  await tcpConnectProbe(ep.httpUrl, 3).catch(fail('HTTP endpoint', ep.httpUrl));
  const tcp = await tcpConnectProbe(ep.httpUrl, PROBE_ROUNDS).catch(fail('HTTP endpoint', ep.httpUrl));
  const probes: Awaited<ReturnType<typeof wsProbe>>[] = [];
  for (let i = 0; i < PROBE_ROUNDS + 3; i++) {
    const p = await wsProbe(ep.wsUrl, { message }).catch(fail('WebSocket endpoint', ep.wsUrl));
    if (i >= 3) probes.push(p);
  }
  const ws = probes[0];
  const wsEchoes = ws.messagesReceived === 1 && ws.payloadReceivedBytes === Buffer.byteLength(message);
  if (!wsEchoes) notes.push('the WebSocket endpoint did not echo the probe message unchanged: payload received counts what it sent');
  const wsSetup = wsSetupOf(ws, `WebSocket upgrade and close of a probe connection (socket counters); time: p50 of ${PROBE_ROUNDS} probes on the idle target`);
  wsSetup.openUs = median(probes.map((p) => p.openUs));
  return {
    tcpSetup: {
      openSentBytes: 0,
      openReceivedBytes: 0,
      closeSentBytes: 0,
      closeReceivedBytes: 0,
      openUs: median(tcp),
      source: `TCP connect, p50 of ${PROBE_ROUNDS} probes on the idle target (the TCP handshake carries no bytes at the socket level)`,
    },
    wsSetup,
    ws,
    wsEchoes,
    httpResponseBytes: echo.bytes,
  };
}

function wsSetupOf(p: Awaited<ReturnType<typeof wsProbe>>, source: string): ConnectionSetup {
  return {
    openSentBytes: p.openSentBytes,
    openReceivedBytes: p.openReceivedBytes,
    closeSentBytes: p.closeSentBytes,
    closeReceivedBytes: p.closeReceivedBytes,
    openUs: p.openUs,
    source,
  };
}

/** 1-minute load average; null where the OS has none (Windows). */
function loadAverage(): number | null {
  if (process.platform === 'win32') return null;
  return Math.round(os.loadavg()[0] * 100) / 100;
}

/** Default rotation: how many showdowns the history already holds, so successive ones rotate. */
function defaultSeed(store: RunStore | null): number {
  if (!store) return Math.floor(Math.random() * 6);
  try {
    const { runs } = store.listRuns({ tag: SHOWDOWN_TAG, limit: 1000 });
    return new Set(runs.map((r) => r.groupId).filter((g) => g !== null)).size;
  } catch {
    return 0;
  }
}

function sameStep(a: ShowdownStep, b: ShowdownStep): boolean {
  return a.experiment === b.experiment && a.mode === b.mode && a.phase === b.phase;
}

function snapshot(s: ShowdownStatus): ShowdownStatus {
  return { ...s, runIds: { ...s.runIds } };
}
