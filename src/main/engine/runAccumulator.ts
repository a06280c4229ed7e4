// Merges the per-second samples of all workers into the run's time series and totals.
// Worker seconds are aligned to one start instant, so second t of every worker is merged into
// second t of the run; the whole-run histograms are the sums of the per-second ones.
import type { ErrorKind, RunSample, UnfinishedFigures } from '../../shared/runResult.ts';
import { createHistogram, decodeForMerge, encodeHistogram, histogramFromRaw, histogramMean, mergeInto, type Histogram } from '../../shared/result/histogramCodec.ts';
import type { WorkerSample } from './worker/workerProtocol.ts';
import { mergeHistograms, mergeIterations, mergeStepSeconds } from '../../shared/result/stepSeconds.ts';

interface PendingSecond {
  /** Each with its latency histogram decoded once (null: none in that second). */
  samples: Array<{ worker: number; sample: WorkerSample; latency: Histogram | null }>;
  from: Set<number>;
}

export class RunAccumulator {
  readonly latency: Histogram = createHistogram();
  readonly connect: Histogram = createHistogram();
  readonly ping: Histogram = createHistogram();
  readonly samples: RunSample[] = [];
  completed = 0;
  errors: Partial<Record<ErrorKind, number>> = {};
  statusCodes: Record<string, number> = {};
  bytesSent = 0;
  bytesReceived = 0;
  opened = 0;
  failed = 0;
  peakOpen = 0;
  /** Requests or handshakes still waiting when the workers stopped; null when none were. */
  unfinished: UnfinishedFigures | null = null;
  /** Open model: scheduled sends due over the run, and those that went out; null in the closed model. */
  schedule: { due: number; sent: number } | null = null;
  /** The same, over the seconds released so far (for each second's backlog). */
  private releasedSchedule = { due: 0, sent: 0 };
  ws = { sent: 0, received: 0, duplicates: 0, outOfOrder: 0, unmatched: 0, lost: 0, closes: {} as Record<string, number> };
  private readonly pending = new Map<number, PendingSecond>();
  private readonly finished = new Set<number>();
  private readonly workers: number;
  private readonly warmupSec: number;
  /** Seconds of the run that may hold samples; later ones are folded into the last. */
  private readonly maxSeconds: number | undefined;
  /** With a load profile: the stage each second belongs to, and each stage's latencies. */
  private readonly stageOf: ((t: number) => number) | undefined;
  readonly stageLatency = new Map<number, Histogram>();

  constructor(workers: number, warmupSec: number, maxSeconds: number | undefined, stageOf?: (t: number) => number) {
    this.workers = workers;
    this.warmupSec = warmupSec;
    this.maxSeconds = maxSeconds;
    this.stageOf = stageOf;
  }

  /** Adds one worker's second; returns the run's merged seconds that became complete. */
  add(worker: number, sample: WorkerSample): RunSample[] {
    // The drain after the planned end is one period of its own, one past the last planned second;
    // anything else a worker reports after the end (its final flush) belongs to the last second.
    const t =
      this.maxSeconds === undefined ? sample.t : sample.drain ? this.maxSeconds : Math.min(sample.t, Math.max(0, this.maxSeconds - 1));
    // Made a histogram once for the run's total and the second's merge (from the worker's raw
    // counts, or decoded): with an inline worker this runs on the load's own thread each second
    // (see inlineWorker.ts).
    const latency = sample.latency ? histogramFromRaw(sample.latency) : decodeForMerge(sample.histogram || undefined);
    this.addTotals(sample, latency);
    let entry = this.pending.get(t);
    if (!entry) {
      entry = { samples: [], from: new Set() };
      this.pending.set(t, entry);
    }
    entry.samples.push({ worker, sample, latency });
    entry.from.add(worker);
    return this.release(false);
  }

  /** A worker sends no more seconds: the run's seconds no longer wait for it. */
  workerFinished(worker: number): RunSample[] {
    this.finished.add(worker);
    return this.release(false);
  }

  /** Merges whatever is still pending (a worker finished early, died, or the run ended). */
  flush(): RunSample[] {
    return this.release(true);
  }

  private release(all: boolean): RunSample[] {
    const out: RunSample[] = [];
    const ready = [...this.pending.keys()].sort((a, b) => a - b);
    for (const t of ready) {
      const entry = this.pending.get(t)!;
      // A second is complete once every worker still running has reported it.
      if (!all && !this.isComplete(t, entry)) break;
      this.pending.delete(t);
      const merged = this.merge(t, entry.samples);
      const existing = this.samples.findIndex((s) => s.t === t);
      if (existing >= 0) {
        this.samples[existing] = mergeRunSamples(this.samples[existing], merged);
        out.push(this.samples[existing]);
      } else {
        this.samples.push(merged);
        out.push(merged);
      }
    }
    this.samples.sort((a, b) => a.t - b.t);
    return out;
  }

  private isComplete(t: number, entry: PendingSecond): boolean {
    // The last planned second also collects what completes just after the end (the workers'
    // final flush): it is complete only when every worker has finished.
    if (this.maxSeconds !== undefined && t >= this.maxSeconds - 1) {
      return this.finished.size >= this.workers;
    }
    for (let w = 0; w < this.workers; w++) {
      if (!entry.from.has(w) && !this.finished.has(w)) return false;
    }
    return true;
  }

  private merge(t: number, parts: PendingSecond['samples']): RunSample {
    // One worker's second is that worker's histogram itself; several are merged into a new one.
    const only = parts.length === 1 ? parts[0].latency : undefined;
    const h = only ?? createHistogram();
    let throughput = 0;
    let errors = 0;
    const errorsByKind: Partial<Record<ErrorKind, number>> = {};
    let sent = 0;
    let received = 0;
    let cpu = 0;
    let lag = 0;
    let busy: number | undefined;
    let scheduled = false;
    // Connections open during the second: a worker's final report comes after it closed its
    // connections, so take each worker's largest report.
    const openBy = new Map<number, number>();
    for (const { worker, sample: p, latency } of parts) {
      if (latency && h !== latency) h.add(latency);
      if (this.stageOf && latency && !p.drain) {
        const stage = this.stageOf(t);
        let sh = this.stageLatency.get(stage);
        if (!sh) this.stageLatency.set(stage, (sh = createHistogram()));
        sh.add(latency);
      }
      throughput += p.completed;
      for (const [kind, n] of Object.entries(p.errors) as Array<[ErrorKind, number]>) {
        errors += n ?? 0;
        if (n) errorsByKind[kind] = (errorsByKind[kind] ?? 0) + n;
      }
      openBy.set(worker, Math.max(openBy.get(worker) ?? 0, p.openConnections));
      sent += p.bytesSent;
      received += p.bytesReceived;
      cpu = Math.max(cpu, p.cpuPercent);
      lag = Math.max(lag, p.loopLagMs);
      if (p.loopBusyPercent !== undefined) busy = Math.max(busy ?? 0, p.loopBusyPercent);
      if (p.schedule) {
        scheduled = true;
        this.releasedSchedule.due += p.schedule.due;
        this.releasedSchedule.sent += p.schedule.sent;
      }
    }
    const open = [...openBy.values()].reduce((a, b) => a + b, 0);
    this.peakOpen = Math.max(this.peakOpen, open);
    const sample: RunSample = {
      t,
      throughput,
      latencyUs:
        h.totalCount > 0
          ? {
              p50: h.getValueAtPercentile(50),
              p99: h.getValueAtPercentile(99),
              max: h.maxValue,
              mean: Math.round(histogramMean(h)),
            }
          : null,
      errors,
      errorsByKind,
      openConnections: open,
      bytesSent: sent,
      bytesReceived: received,
      cpuPercent: cpu,
      loopLagMs: lag,
      ...(busy !== undefined ? { loopBusyPercent: busy } : {}),
      warmup: t < this.warmupSec,
    };
    if (parts.some((p) => p.sample.drain)) {
      sample.drain = true;
      sample.warmup = false;
    }
    // Kept so the run's steady seconds can later be merged exactly (the group comparison's p99);
    // a few hundred bytes a second.
    // Encoded here, once per second (a worker sends raw counts); one worker's second that came
    // already encoded keeps its own text.
    if (h.totalCount > 0) sample.histogram = only && parts[0].sample.histogram ? parts[0].sample.histogram : encodeHistogram(h);
    // Flow runs: per-step seconds, iterations and their durations, merged over the workers.
    const steps = mergeStepSeconds(parts.map((p) => p.sample.steps));
    if (steps) sample.steps = steps;
    const iterations = mergeIterations(parts.map((p) => p.sample.iterations));
    if (iterations) sample.iterations = iterations;
    const iterationHistogram = mergeHistograms(parts.map((p) => p.sample.iterationHistogram));
    if (iterationHistogram) sample.iterationHistogram = iterationHistogram;
    // A send due 1 ms ahead may go out a moment early, hence the floor at 0.
    if (scheduled) sample.behind = Math.max(0, this.releasedSchedule.due - this.releasedSchedule.sent);
    return sample;
  }

  private addTotals(s: WorkerSample, latency: Histogram | null): void {
    if (latency) this.latency.add(latency);
    this.completed += s.completed;
    for (const [kind, n] of Object.entries(s.errors) as Array<[ErrorKind, number]>) {
      this.errors[kind] = (this.errors[kind] ?? 0) + n;
    }
    for (const [code, n] of Object.entries(s.statusCodes)) this.statusCodes[code] = (this.statusCodes[code] ?? 0) + n;
    this.bytesSent += s.bytesSent;
    this.bytesReceived += s.bytesReceived;
    this.opened += s.connectionsOpened;
    if (s.connectHistogram) mergeInto(this.connect, s.connectHistogram);
    this.failed += s.connectionsFailed;
    if (s.unfinished) {
      const u = (this.unfinished ??= { count: 0, oldestAgeMs: 0 });
      u.count += s.unfinished.count;
      u.oldestAgeMs = Math.max(u.oldestAgeMs, s.unfinished.oldestAgeMs);
    }
    if (s.schedule) {
      this.schedule ??= { due: 0, sent: 0 };
      this.schedule.due += s.schedule.due;
      this.schedule.sent += s.schedule.sent;
    }
    if (s.ws) {
      mergeInto(this.ping, s.ws.pingHistogram);
      this.ws.sent += s.ws.sent;
      this.ws.received += s.ws.received;
      this.ws.duplicates += s.ws.duplicates;
      this.ws.outOfOrder += s.ws.outOfOrder;
      this.ws.unmatched += s.ws.unmatched;
      this.ws.lost += s.ws.lost;
      for (const [code, n] of Object.entries(s.ws.closes)) this.ws.closes[code] = (this.ws.closes[code] ?? 0) + n;
    }
  }
}

/** Two partial views of the same second (a worker reported after the second was released). */
function mergeRunSamples(a: RunSample, b: RunSample): RunSample {
  // With both histograms the second merges exactly; otherwise its percentiles cannot be merged,
  // so keep the worse of the two (and no histogram: half of one would misstate the second).
  const both = a.histogram && b.histogram ? createHistogram() : null;
  if (both) {
    mergeInto(both, a.histogram!);
    mergeInto(both, b.histogram!);
  }
  const merged: RunSample = {
    t: a.t,
    throughput: a.throughput + b.throughput,
    latencyUs: both
      ? { p50: both.getValueAtPercentile(50), p99: both.getValueAtPercentile(99), max: both.maxValue, mean: Math.round(histogramMean(both)) }
      : a.latencyUs && b.latencyUs
        ? {
            p50: Math.max(a.latencyUs.p50, b.latencyUs.p50),
            p99: Math.max(a.latencyUs.p99, b.latencyUs.p99),
            max: Math.max(a.latencyUs.max, b.latencyUs.max),
            mean: Math.round((a.latencyUs.mean * a.throughput + b.latencyUs.mean * b.throughput) / Math.max(1, a.throughput + b.throughput)),
          }
        : (a.latencyUs ?? b.latencyUs),
    errors: a.errors + b.errors,
    openConnections: a.openConnections + b.openConnections,
    bytesSent: a.bytesSent + b.bytesSent,
    bytesReceived: a.bytesReceived + b.bytesReceived,
    cpuPercent: Math.max(a.cpuPercent, b.cpuPercent),
    loopLagMs: Math.max(a.loopLagMs, b.loopLagMs),
    warmup: a.warmup,
  };
  if (a.drain) merged.drain = true;
  if (both) merged.histogram = encodeHistogram(both);
  else if (!b.latencyUs && a.histogram) merged.histogram = a.histogram;
  else if (!a.latencyUs && b.histogram) merged.histogram = b.histogram;
  const steps = mergeStepSeconds([a.steps, b.steps]);
  if (steps) merged.steps = steps;
  const iterations = mergeIterations([a.iterations, b.iterations]);
  if (iterations) merged.iterations = iterations;
  const iterationHistogram = mergeHistograms([a.iterationHistogram, b.iterationHistogram]);
  if (iterationHistogram) merged.iterationHistogram = iterationHistogram;
  // b was merged later, so its backlog counts everything released up to now.
  const behind = b.behind ?? a.behind;
  if (behind !== undefined) merged.behind = behind;
  return merged;
}
