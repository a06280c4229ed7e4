// The run controller: checks a run before it starts, spreads it over worker threads, merges
// their per-second samples into one time series, and always ends with a complete result —
// whether the run ran out, was stopped, or a worker died.
import type { Http2Figures, PollFigures, RunProgress, RunResult, RunSample, RunStatus, SseFigures } from '../../shared/runResult.ts';
import { stageOfSecond } from '../../shared/loadProfile.ts';
import { plannedDurationSec, type Scenario } from '../../shared/scenario.ts';
import { warmupSecOf } from '../../shared/connectRamp.ts';
import { epochMs } from '../clock.ts';
import { createHistogram, encodeHistogram, mergeInto, summarizeHistogram, type Histogram } from '../../shared/result/histogramCodec.ts';
import { capacityWarning, probeCapacity } from './capacityProbe.ts';
import type { DemoTargetInfo } from '../../shared/contract.ts';
import { DEMO_HOST, isDemoUrl, resolveDemoUrl } from '../../shared/demoAddress.ts';
import { checkCapacity, checkReachability, checkRunnable, systemLookup, type HostLookup, type Reachability } from './preflight.ts';
import { forkSpawner, ProcessWorker, type ProcessSpawner } from './processWorker.ts';
import { RunAccumulator } from './runAccumulator.ts';
import { buildSummary } from '../../shared/result/runSummary.ts';
import { flowDataSha256 } from '../flowRowsHash.ts';
import { InlineWorker } from './inlineWorker.ts';
import { workerPool, type LoadWorker, type WorkerPool } from './workerPool.ts';
import type { FromWorker, SseWorkerFigures, WorkerJob } from './worker/workerProtocol.ts';
import { workerCount, workerShares } from './workerShares.ts';

/** How long past its end (or a stop) a run may take to wind down before workers are terminated. */
export const GRACE_MS = 5000;
/** Workers start together this long after the last one is ready. */
const START_DELAY_MS = 50;
/** How long workers may take to load before the run is failed. */
const WORKER_BOOT_TIMEOUT_MS = 15_000;

export interface RunOptions {
  /** Worker threads; default: the scenario's, else one per core. */
  workers?: number;
  /** Host name resolution, injectable for tests. */
  lookup?: HostLookup;
  /** Called once per merged second of the run. */
  onProgress?: (progress: RunProgress) => void;
  /** Called once when the run has started (after the checks). */
  onStart?: (info: { startedAt: number; workers: number }) => void;
  /**
   * Called before the load starts with each warning about the run (e.g. a rate the connections
   * cannot carry at the target's measured latency); the warnings also end up in the notes.
   */
  onWarning?: (message: string) => void;
  /** This session's demo target, for scenarios that name it symbolically (demo-target.invalid). */
  demoTarget?: () => Promise<DemoTargetInfo>;
  /** Skip the pre-run latency probe of open-model HTTP runs (a few requests to the target). */
  skipProbe?: boolean;
  /** The worker script; only tests replace it (to make a worker crash). */
  workerUrl?: URL;
  /**
   * A run of one worker runs on this thread instead of a worker thread (see inlineWorker.ts):
   * for a process that does nothing else while it runs (the CLI's `barrage run`), where a new
   * isolate would cost more than everything else before the first request. Runs of more workers
   * ignore it.
   */
  inline?: boolean;
  /**
   * Epoch ms at which the load starts (a shard's `--start-at`, shared by every shard of a run),
   * when the workers are ready by then; otherwise as soon as they are, and the summary's
   * `startedAt` says how late.
   */
  startAt?: number;
  /**
   * Starts the child processes of a run beyond one process's file descriptors (processWorker.ts):
   * Node's child_process.fork by default; the Electron shell passes one built on utilityProcess.
   */
  spawnProcess?: ProcessSpawner;
  /** The child processes' entry; only tests replace it (to make a child crash). */
  processUrl?: URL;
}

export interface RunHandle {
  /** Stops the run now; the result still covers everything measured until then. */
  stop(): void;
  readonly result: Promise<RunResult>;
}

/** Where the worker entry lives: beside this file in the sources, beside the bundle when built. */
function workerEntryUrl(): URL {
  return import.meta.url.endsWith('.ts')
    ? new URL('./worker/workerEntry.ts', import.meta.url)
    : new URL('./engineWorker.js', import.meta.url);
}

/** The pool of warm load workers this process's runs share (one per worker script). */
export function engineWorkerPool(workerUrl?: URL): WorkerPool {
  return workerPool(workerUrl ?? workerEntryUrl());
}

/**
 * Boots the workers a run of `scenario` will use and has them load its driver, so that the run,
 * started soon after, finds them warm. The CLI calls this first thing, so the workers boot while
 * the main thread loads the rest of Barrage and opens the run history.
 */
export function prewarmWorkers(scenario: Scenario, options: Pick<RunOptions, 'workers' | 'workerUrl'> = {}): void {
  // A run in child processes boots them itself; a plan that cannot fit is refused by the run.
  try {
    if (checkCapacity(scenario).processes > 0) return;
  } catch {
    return;
  }
  engineWorkerPool(options.workerUrl).prewarm(workerCount(scenario, options.workers), scenario.protocol);
}

/**
 * Starts a run. Throws a PreflightError synchronously-in-promise for input the machine cannot
 * honour (too many connections); target faults never throw, they end up in the result.
 */
export function startRun(given: Scenario, options: RunOptions = {}): RunHandle {
  let stopRequested = false;
  let stopHook: (() => void) | undefined;
  const result = (async () => {
    checkRunnable(given);
    // A symbolic demo-target address becomes this session's demo target (see demoAddress.ts).
    if (isDemoUrl(given.url) && !options.demoTarget) {
      return failedResult(given, `the URL names the demo target (${DEMO_HOST}), which runs in the app, barrage serve, barrage run, ab and capacity; start one with barrage target and use its address`);
    }
    const scenario = isDemoUrl(given.url) && options.demoTarget ? { ...given, url: resolveDemoUrl(given.url, await options.demoTarget()) } : given;
    const reach = await checkReachability(scenario, options.lookup ?? systemLookup);
    if (!reach.ok) return unreachableRun(scenario, reach, options, () => stopRequested, (hook) => (stopHook = hook));
    const warnings: string[] = [];
    if (scenario.protocol === 'http' && scenario.rate !== undefined && !options.skipProbe) {
      const warning = capacityWarning(scenario, await probeCapacity(scenario, reach.address));
      if (warning) {
        warnings.push(`Before the run: ${warning}.`);
        options.onWarning?.(warning);
      }
    }
    return runOnWorkers(scenario, reach.address, options, warnings, () => stopRequested, (hook) => (stopHook = hook));
  })();
  return {
    stop() {
      stopRequested = true;
      stopHook?.();
    },
    result,
  };
}

type StopRegistrar = (hook: () => void) => void;

async function runOnWorkers(
  scenario: Scenario,
  address: string,
  options: RunOptions,
  warnings: string[],
  stopRequested: () => boolean,
  onStop: StopRegistrar,
): Promise<RunResult> {
  // Beyond one process's file descriptors (or with --processes) each load worker is a child
  // process; otherwise worker threads of this process, as always.
  const processes = checkCapacity(scenario).processes;
  const count = processes > 0 ? processes : workerCount(scenario, options.workers);
  const shares = workerShares(scenario, count);
  const durationSec = plannedDurationSec(scenario);
  const stages = scenario.stages;
  const stageOf = stages !== undefined ? (t: number) => stageOfSecond(stages, t) : undefined;
  const acc = new RunAccumulator(count, warmupSecOf(scenario), durationSec === undefined ? undefined : Math.ceil(durationSec), stageOf);
  const inline = processes === 0 && options.inline === true && count === 1;
  const pool = inline || processes > 0 ? null : workerPool(options.workerUrl ?? workerEntryUrl());
  const workers: LoadWorker[] = [];
  const done = new Set<number>();
  let status = 'completed' as RunStatus;
  let failure: string | undefined;
  let startedAt = epochMs();
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let graceTimer: NodeJS.Timeout | undefined;
  // When the load ended: the planned end, the moment of a stop, or the last worker's finish.
  let loadEndedAt: number | undefined;
  const notes: string[] = [...warnings];
  if (processes > 0) {
    const why = scenario.processes !== undefined ? 'as --processes asked' : "more than one process's file-descriptor limit allows";
    notes.push(`the load ran in ${processes} child processes, one load worker each (${shares.map((sh) => sh.connections.toLocaleString('en-US')).join(' + ')} connections): ${why}`);
  }
  /** A polling run's counters, summed over the workers that finished. */
  let pollFigures: PollFigures | undefined;
  /** An HTTP/2 run's protocol figures, summed over the workers that finished. */
  let http2Figures: Http2Figures | undefined;
  /** A Server-Sent Events run's counters and times to first event, merged over the workers that finished. */
  let sseFigures: { counts: SseWorkerFigures; firstEvent: Histogram } | undefined;

  const emitProgress = (released: RunSample[]) => {
    if (!options.onProgress) return;
    for (const sample of released) {
      options.onProgress({
        sample,
        elapsedSec: Math.min(sample.t + 1, (epochMs() - startedAt) / 1000),
        plannedSec: durationSec ?? null,
        totals: {
          throughput: acc.completed,
          errors: Object.values(acc.errors).reduce((a, b) => a + (b ?? 0), 0),
          errorsByKind: { ...acc.errors },
          ...(sample.behind !== undefined && acc.schedule ? { schedule: { due: acc.schedule.due, behind: sample.behind } } : {}),
          ...(scenario.protocol === 'ws' && scenario.mode !== 'push'
            ? { ws: { lost: acc.ws.lost, duplicates: acc.ws.duplicates, outOfOrder: acc.ws.outOfOrder, unmatched: acc.ws.unmatched } }
            : {}),
        },
        ...(warnings.length > 0 ? { warnings } : {}),
      });
    }
  };

  const workerEnded = (index: number) => {
    if (done.has(index)) return;
    done.add(index);
    // Its run is over: the worker goes back to the pool for the next run.
    workers[index].release();
    emitProgress(acc.workerFinished(index));
    if (done.size === workers.length) finish();
  };

  /** Workers still in this run (not done): never reused, since their state is unknown. */
  const discardUnfinished = () => {
    workers.forEach((w, i) => {
      if (!done.has(i)) w.discard();
    });
  };

  const fail = (reason: string) => {
    if (status !== 'failed') {
      status = 'failed';
      failure = reason;
    }
    discardUnfinished();
    finish();
  };

  const armGrace = (deadline: number) => {
    if (graceTimer) clearTimeout(graceTimer);
    graceTimer = setTimeout(() => {
      notes.push('some load workers did not wind down in time and were terminated');
      discardUnfinished();
      finish();
    }, Math.max(0, deadline - epochMs()) + GRACE_MS);
  };

  // Take warm workers from the pool (new ones where there are none) and wait until all have
  // loaded the protocol's driver.
  const ready = await new Promise<boolean>((resolve) => {
    let readyCount = 0;
    const bootTimer = setTimeout(() => {
      fail(`load workers did not start within ${WORKER_BOOT_TIMEOUT_MS / 1000} s`);
      resolve(false);
    }, WORKER_BOOT_TIMEOUT_MS);
    const stopBooting = () => {
      clearTimeout(bootTimer);
      resolve(false);
    };
    if (processes > 0) {
      const spawn = options.spawnProcess ?? forkSpawner;
      for (let i = 0; i < processes; i++) workers.push(new ProcessWorker(spawn, options.processUrl));
    } else {
      workers.push(...(pool ? pool.acquire(count) : [new InlineWorker()]));
    }
    workers.forEach((worker, i) => {
      worker.attach({
        message: (message: FromWorker) => {
          switch (message.type) {
            case 'ready':
              // A ready for another protocol answers an earlier prewarm, not this run's prepare.
              if (message.protocol === scenario.protocol && ++readyCount === count) {
                clearTimeout(bootTimer);
                resolve(true);
              }
              break;
            case 'sample':
              emitProgress(acc.add(i, message.sample));
              break;
            case 'done':
              if (message.poll) pollFigures = sumPollFigures(pollFigures, message.poll);
              if (message.http2) http2Figures = sumHttp2Figures(http2Figures, message.http2);
              if (message.sse) sseFigures = addSseFigures(sseFigures, message.sse);
              workerEnded(i);
              break;
            case 'fatal':
              fail(`load worker ${i + 1} failed: ${message.message}`);
              stopBooting();
              break;
          }
        },
        gone: (reason) => {
          if (!done.has(i) && status !== 'failed') fail(`load worker ${i + 1} ${reason}`);
          stopBooting();
        },
      });
      worker.post({ type: 'prepare', protocol: scenario.protocol });
    });
  });

  if (ready) {
    startedAt = Math.max(epochMs() + START_DELAY_MS, options.startAt ?? 0);
    const endAt = durationSec === undefined ? undefined : startedAt + durationSec * 1000;
    shares.forEach((share, i) => {
      const job: WorkerJob = { scenario, workerIndex: i, workerCount: count, ...share, startAt: startedAt, endAt, address };
      workers[i].post({ type: 'start', job });
    });
    options.onStart?.({ startedAt, workers: count });
    if (endAt !== undefined) armGrace(endAt);
    const stop = () => {
      if (status === 'completed') status = 'aborted';
      loadEndedAt ??= Math.min(epochMs(), endAt ?? Infinity);
      // Only to workers still in this run: one that is done may already serve another run.
      workers.forEach((w, i) => {
        if (!done.has(i)) w.post({ type: 'stop' });
      });
      armGrace(epochMs());
    };
    onStop(stop);
    if (stopRequested()) stop();
    await finished;
    if (endAt !== undefined && status === 'completed') loadEndedAt ??= Math.min(endAt, epochMs());
  }
  if (graceTimer) clearTimeout(graceTimer);
  const endedAt = Math.max(startedAt, loadEndedAt ?? epochMs());
  emitProgress(acc.flush());
  discardUnfinished();
  if (pollFigures) notes.push(...pollNotes(pollFigures));
  if (http2Figures) notes.push(...http2Notes(http2Figures));
  const sse = sseFigures ? sseSummary(sseFigures) : undefined;
  if (sse) notes.push(...sseNotes(sse));
  if (status === 'aborted') notes.push('stopped before its planned end');
  const summary = buildSummary({ scenario, status, startedAt, endedAt, workers: count, acc, failure, notes, dataSha256: flowDataSha256(scenario) });
  // Recorded so lists that carry only the summary (History) can tell long polling from polling.
  if (pollFigures) summary.poll = { ...pollFigures, long: scenario.protocol === 'http' && scenario.poll?.long === true };
  if (http2Figures) summary.http2 = http2Figures;
  if (sse) summary.sse = sse;
  return {
    config: scenario,
    summary,
    samples: acc.samples,
    histogram: encodeHistogram(acc.latency),
  };
}

/**
 * A target whose host does not resolve, or whose certificate does not verify, is a result too:
 * the run keeps its planned length, retrying the check once a second and counting each failure.
 */
async function unreachableRun(
  scenario: Scenario,
  first: Extract<Reachability, { ok: false }>,
  options: RunOptions,
  stopRequested: () => boolean,
  onStop: StopRegistrar,
): Promise<RunResult> {
  const durationSec = plannedDurationSec(scenario) ?? scenario.timeoutSec;
  const acc = new RunAccumulator(1, scenario.warmupSec, Math.ceil(durationSec));
  const startedAt = epochMs();
  options.onStart?.({ startedAt, workers: 0 });
  let status = 'completed' as RunStatus;
  let wake: () => void = () => {};
  onStop(() => {
    status = 'aborted';
    wake();
  });
  let last: Reachability = first;
  for (let t = 0; t < durationSec && !stopRequested(); t++) {
    if (t > 0) last = await checkReachability(scenario, options.lookup ?? systemLookup);
    const kind = last.ok ? undefined : last.kind;
    const released = acc.add(0, {
      t,
      completed: 0,
      errors: kind ? { [kind]: 1 } : {},
      statusCodes: {},
      bytesSent: 0,
      bytesReceived: 0,
      openConnections: 0,
      connectionsOpened: 0,
      connectionsFailed: kind ? 1 : 0,
      histogram: '',
      cpuPercent: 0,
      loopLagMs: 0,
    });
    for (const sample of released) {
      options.onProgress?.({
        sample,
        elapsedSec: t + 1,
        plannedSec: durationSec,
        // By kind too: the run service's failing-target watch reads the kinds, and stops a run
        // whose host never resolves after a few seconds, as it stops one that is refused.
        totals: { throughput: 0, errors: Object.values(acc.errors).reduce((a, b) => a + (b ?? 0), 0), errorsByKind: { ...acc.errors } },
      });
    }
    const due = startedAt + (t + 1) * 1000;
    await new Promise<void>((resolve) => {
      // A stop wakes the loop at once; the second's timer goes with it, so a stopped run leaves
      // nothing armed that would keep the process (or a test) waiting out the second.
      const timer = setTimeout(resolve, Math.max(0, Math.min(due, startedAt + durationSec * 1000) - epochMs()));
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
  acc.flush();
  const endedAt = epochMs();
  const notes = [`no load was sent: ${first.message}`];
  if (status === 'aborted') notes.push('stopped before its planned end');
  return {
    config: scenario,
    summary: buildSummary({ scenario, status, startedAt, endedAt, workers: 0, acc, notes }),
    samples: acc.samples,
    histogram: encodeHistogram(acc.latency),
  };
}

/** The result of a run that could not be measured at all. */
export function failedResult(scenario: Scenario, reason: string): RunResult {
  const now = epochMs();
  const acc = new RunAccumulator(0, scenario.warmupSec, undefined);
  return {
    config: scenario,
    summary: buildSummary({ scenario, status: 'failed', startedAt: now, endedAt: now, workers: 0, acc, failure: reason, notes: [] }),
    samples: [],
    histogram: encodeHistogram(acc.latency),
  };
}

function sumPollFigures(a: PollFigures | undefined, b: PollFigures): PollFigures {
  if (!a) return { ...b };
  return {
    requests: a.requests + b.requests,
    emptyRequests: a.emptyRequests + b.emptyRequests,
    delivered: a.delivered + b.delivered,
    payloadBytes: a.payloadBytes + b.payloadBytes,
    gaps: a.gaps + b.gaps,
    untimed: a.untimed + b.untimed,
  };
}

function sumHttp2Figures(a: Http2Figures | undefined, b: Http2Figures): Http2Figures {
  if (!a) return { ...b, goaways: { ...b.goaways }, streamResets: { ...b.streamResets } };
  const limits = [a.serverMaxConcurrentStreams, b.serverMaxConcurrentStreams].filter((n): n is number => n !== null);
  return {
    mode: a.mode,
    streamsRequested: a.streamsRequested,
    serverMaxConcurrentStreams: limits.length > 0 ? Math.min(...limits) : null,
    peakStreams: Math.max(a.peakStreams, b.peakStreams),
    goaways: sumCounts(a.goaways, b.goaways),
    streamResets: sumCounts(a.streamResets, b.streamResets),
  };
}

function sumCounts(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out = { ...a };
  for (const [k, n] of Object.entries(b)) out[k] = (out[k] ?? 0) + n;
  return out;
}

/** The notes an HTTP/2 run is stored with: the concurrency asked for and what the server allowed. */
export function http2Notes(f: Http2Figures): string[] {
  const allowed =
    f.serverMaxConcurrentStreams === null
      ? 'the server set no stream limit'
      : `the server allowed ${f.serverMaxConcurrentStreams} (SETTINGS_MAX_CONCURRENT_STREAMS)`;
  const notes = [`HTTP/2 (${f.mode}): ${f.streamsRequested} streams per connection asked, ${allowed}; at most ${f.peakStreams} in flight on one connection`];
  const list = (counts: Record<string, number>) =>
    Object.entries(counts)
      .map(([code, n]) => `${n} ${code}`)
      .join(', ');
  if (Object.keys(f.goaways).length > 0) notes.push(`connections ended by the server's GOAWAY: ${list(f.goaways)}`);
  if (Object.keys(f.streamResets).length > 0) notes.push(`streams reset by the server (RST_STREAM): ${list(f.streamResets)}`);
  return notes;
}

function addSseFigures(acc: { counts: SseWorkerFigures; firstEvent: Histogram } | undefined, b: SseWorkerFigures): { counts: SseWorkerFigures; firstEvent: Histogram } {
  const into = acc ?? {
    counts: { events: 0, untimed: 0, payloadBytes: 0, streamsOpened: 0, drops: 0, reconnects: 0, resumedWithLastEventId: 0, serverRetryMs: null, firstEventHistogram: '' },
    firstEvent: createHistogram(),
  };
  const c = into.counts;
  c.events += b.events;
  c.untimed += b.untimed;
  c.payloadBytes += b.payloadBytes;
  c.streamsOpened += b.streamsOpened;
  c.drops += b.drops;
  c.reconnects += b.reconnects;
  c.resumedWithLastEventId += b.resumedWithLastEventId;
  if (b.serverRetryMs !== null) c.serverRetryMs = b.serverRetryMs;
  if (b.firstEventHistogram !== '') mergeInto(into.firstEvent, b.firstEventHistogram);
  return into;
}

function sseSummary({ counts, firstEvent }: { counts: SseWorkerFigures; firstEvent: Histogram }): SseFigures {
  const { firstEventHistogram: _, ...rest } = counts;
  return { ...rest, firstEventUs: firstEvent.totalCount > 0 ? summarizeHistogram(firstEvent) : null };
}

/** The notes a Server-Sent Events run is stored with. */
function sseNotes(f: SseFigures): string[] {
  const notes = [`${f.events} events on ${f.streamsOpened} streams; ${f.drops} streams dropped, ${f.reconnects} reconnects (${f.resumedWithLastEventId} with Last-Event-ID)`];
  if (f.untimed > 0) notes.push(`${f.untimed} events carried no "ts" (epoch ms) in their data: received, but no lag measured`);
  return notes;
}

/** The notes a polling run is stored with (the same words the showdown's polling client wrote). */
function pollNotes(f: PollFigures): string[] {
  const notes = [`${f.requests} polls, ${f.emptyRequests} empty, ${f.delivered} events delivered`];
  if (f.untimed > 0) notes.push(`${f.untimed} events carried no "ts" creation time (epoch ms): delivered, but no lag measured`);
  if (f.gaps > 0) notes.push(`${f.gaps} polls found their cursor older than the events the server keeps: events were missed`);
  return notes;
}
