// Merging the shards of a run (`barrage run --shard K/N --out FILE` on N machines) into one run:
// per-second histograms and counts summed second by second, so the merged percentiles are
// exact (HdrHistograms add losslessly) rather than an average of the shards' percentiles.
// Pure: it reads result records and returns one; `barrage runs merge` and the app store it.
import type { ErrorKind, GeneratorHealth, LatencySummary, RunSample, RunStatus, RunSummary } from '../../shared/runResult.ts';
import type { RunEnvironment, RunRecord, ShardInfo } from '../../shared/history.ts';
import { stageOfSecond } from '../../shared/loadProfile.ts';
import { evaluateThresholds } from '../../shared/thresholds.ts';
import { buildSummary, type RunTotals } from '../../shared/result/runSummary.ts';
import { createHistogram, encodeHistogram, histogramMean, mergeInto, type Histogram } from '../../shared/result/histogramCodec.ts';
import { mergeHistograms, mergeIterations, mergeStepSeconds } from '../../shared/result/stepSeconds.ts';
import { diffConfigs } from '../../shared/configDiff.ts';
import { flowDataSha256 } from '../flowRowsHash.ts';
import { collectEnvironment } from './environment.ts';

/** Shards whose loads began further apart than this do not line up second by second. */
export const MAX_START_SPREAD_MS = 1000;

export class MergeError extends Error {
  override name = 'MergeError';
}

/** One shard's result and where it came from (a file name, for messages). */
export interface ShardInput {
  source: string;
  run: RunRecord;
}

export interface MergeOptions {
  /** The merged run's scenario name; default the scenario's own. */
  name?: string;
}

/** Where status words rank when shards ended differently: the worst one is the merged run's. */
const STATUS_RANK: Record<RunStatus, number> = { completed: 0, aborted: 1, interrupted: 2, running: 3, failed: 4 };

/**
 * One run from the shards of a sharded run. Refuses (MergeError, naming the files and shards)
 * runs that are not shards, shards of different scenarios or shard counts, a shard given twice,
 * a missing shard, and shards whose loads began more than a second apart.
 */
export function mergeShards(inputs: readonly ShardInput[], options: MergeOptions = {}): RunRecord {
  const shards = checkShards(inputs);
  const whole = shards[0].shard.scenario;
  const runs = shards.map((s) => s.run);

  // Second by second: counts summed, histograms added.
  const seconds = new Map<number, { parts: RunSample[] }>();
  for (const run of runs) {
    for (const sample of run.samples) {
      const slot = seconds.get(sample.t) ?? { parts: [] };
      slot.parts.push(sample);
      seconds.set(sample.t, slot);
    }
  }
  const stages = whole.stages;
  const stageLatency = new Map<number, Histogram>();
  const samples: RunSample[] = [...seconds.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([t, { parts }]) => {
      const merged = mergeSecond(t, parts);
      if (stages !== undefined && merged.histogram) {
        const stage = stageOfSecond(stages, t);
        const h = stageLatency.get(stage) ?? createHistogram();
        mergeInto(h, merged.histogram);
        stageLatency.set(stage, h);
      }
      return merged;
    });

  const latency = createHistogram();
  for (const run of runs) mergeInto(latency, run.histogram);
  const summaries = runs.map((r) => r.summary);
  const sum = (f: (s: RunSummary) => number) => summaries.reduce((a, s) => a + f(s), 0);
  const wsOf = (s: RunSummary) => s.ws;
  const unfinished = summaries.filter((s) => s.unfinished !== undefined).map((s) => s.unfinished!);
  const schedules = summaries.filter((s) => s.schedule).map((s) => s.schedule!);
  const totals: RunTotals = {
    latency,
    // Only the shards' summaries of connect and ping times travel (no histograms): see below.
    connect: createHistogram(),
    ping: createHistogram(),
    samples,
    completed: sum((s) => s.throughput.total),
    errors: sumRecords(summaries.map((s) => s.errors.byKind)) as Partial<Record<ErrorKind, number>>,
    statusCodes: sumRecords(summaries.map((s) => s.statusCodes)),
    bytesSent: sum((s) => s.bytes.sent),
    bytesReceived: sum((s) => s.bytes.received),
    opened: sum((s) => s.connections.opened),
    failed: sum((s) => s.connections.failed),
    peakOpen: Math.max(0, ...samples.map((s) => s.openConnections)),
    ws: {
      sent: sum((s) => wsOf(s)?.messagesSent ?? 0),
      received: sum((s) => wsOf(s)?.messagesReceived ?? 0),
      duplicates: sum((s) => wsOf(s)?.duplicates ?? 0),
      outOfOrder: sum((s) => wsOf(s)?.outOfOrder ?? 0),
      unmatched: sum((s) => wsOf(s)?.unmatched ?? 0),
      lost: sum((s) => wsOf(s)?.lost ?? 0),
      closes: sumRecords(summaries.map((s) => wsOf(s)?.unexpectedCloses ?? {})),
    },
    stageLatency,
    unfinished: unfinished.length === 0 ? null : { count: unfinished.reduce((a, u) => a + u.count, 0), oldestAgeMs: Math.max(...unfinished.map((u) => u.oldestAgeMs)) },
    schedule: schedules.length === 0 ? null : { due: schedules.reduce((a, s) => a + s.due, 0), sent: schedules.reduce((a, s) => a + s.sent, 0) },
  };
  const status = summaries.map((s) => s.status).reduce((a, b) => (STATUS_RANK[b] > STATUS_RANK[a] ? b : a));
  const failures = shards.filter((s) => s.run.summary.failure).map((s) => `shard ${s.shard.index}: ${s.run.summary.failure}`);
  const startedAt = Math.min(...summaries.map((s) => Date.parse(s.startedAt)));
  const endedAt = Math.max(...summaries.map((s) => Date.parse(s.endedAt)));
  const workers = sum((s) => s.generator.workers);
  const count = shards[0].shard.count;
  const notes = [
    `Merged from ${count} shards (started within ${startSpreadMs(shards)} ms of each other): per-second counts and latency histograms summed second by second; connect and ping time percentiles are the largest of the shards' (only their summaries travel)`,
    startNote(shards),
  ].filter((n): n is string => n !== null);
  const summary = buildSummary({
    scenario: whole,
    status,
    startedAt,
    endedAt,
    workers,
    acc: totals,
    failure: failures.length > 0 ? failures.join('; ') : undefined,
    notes,
    // A flow's summary.flow is recomputed from the merged seconds' steps; its data hash is the
    // whole scenario's rows (each shard used a slice of them).
    dataSha256: flowDataSha256(whole),
  });
  summary.notes.push(...shardNotes(shards, summary.notes));
  const connectUs = mergeLatencySummaries(summaries.map((s) => s.connections.connectUs ?? null));
  summary.connections.connectUs = connectUs;
  if (summary.ws) {
    summary.ws.connectUs = connectUs;
    summary.ws.pingUs = mergeLatencySummaries(summaries.map((s) => s.ws?.pingUs ?? null));
  }
  summary.generator = mergeGeneratorHealth(summary.generator, shards);
  if (summaries.some((s) => s.poll)) {
    const polls = summaries.filter((s) => s.poll).map((s) => s.poll!);
    summary.poll = {
      requests: polls.reduce((a, p) => a + p.requests, 0),
      emptyRequests: polls.reduce((a, p) => a + p.emptyRequests, 0),
      delivered: polls.reduce((a, p) => a + p.delivered, 0),
      payloadBytes: polls.reduce((a, p) => a + p.payloadBytes, 0),
      gaps: polls.reduce((a, p) => a + p.gaps, 0),
      untimed: polls.reduce((a, p) => a + p.untimed, 0),
      long: polls.some((p) => p.long === true),
    };
  }
  if (whole.thresholds.length > 0) summary.thresholds = evaluateThresholds(whole.thresholds, summary);

  const environment: RunEnvironment = {
    ...collectEnvironment(whole, workers),
    shards: shards.map((s) => ({ ...s.run.environment, shard: s.shard })),
  };
  return {
    config: whole,
    summary,
    samples,
    histogram: latency.totalCount > 0 ? encodeHistogram(latency) : '',
    scenarioId: null,
    scenarioName: options.name ?? whole.name ?? shards[0].run.scenarioName ?? null,
    groupId: null,
    tags: [...new Set(runs.flatMap((r) => r.tags))],
    notes: `Merged from ${count} shards: ${shards.map((s) => s.source).join(', ')}`,
    environment,
  };
}

interface CheckedShard {
  source: string;
  run: RunRecord;
  shard: ShardInfo & { startLateMs: number | undefined };
}

/**
 * The refusals of mergeShards without the merge: throws MergeError when the shards do not belong
 * together (for the app's merge dialog, before anything is merged or stored).
 */
export function checkShardSet(inputs: readonly ShardInput[]): void {
  checkShards(inputs);
}

function checkShards(inputs: readonly ShardInput[]): CheckedShard[] {
  if (inputs.length === 0) throw new MergeError('no shard results given');
  const shards: CheckedShard[] = inputs.map(({ source, run }) => {
    const shard = run.environment.shard;
    if (!shard) throw new MergeError(`${source}: not a shard of a run (made without barrage run --shard K/N)`);
    const startLateMs = shard.startAt === null ? undefined : Date.parse(run.summary.startedAt) - Date.parse(shard.startAt);
    return { source, run, shard: { ...shard, startLateMs: shard.startLateMs ?? startLateMs } };
  });
  const first = shards[0];
  for (const s of shards.slice(1)) {
    if (s.shard.count !== first.shard.count) {
      throw new MergeError(`${s.source} is shard ${s.shard.index}/${s.shard.count} but ${first.source} is shard ${first.shard.index}/${first.shard.count}: shards of differently split runs do not merge`);
    }
    if (canonical(s.shard.scenario) !== canonical(first.shard.scenario)) {
      const diff = diffConfigs([first.shard.scenario, s.shard.scenario]);
      const fields = diff.fields.map((f) => f.label);
      throw new MergeError(`${s.source} is a shard of a different scenario than ${first.source}${fields.length > 0 ? ` (they differ in ${fields.join(', ')})` : ''}`);
    }
  }
  const byIndex = new Map<number, CheckedShard>();
  for (const s of shards) {
    const seen = byIndex.get(s.shard.index);
    if (seen) throw new MergeError(`shard ${s.shard.index}/${s.shard.count} is given twice: ${seen.source} and ${s.source}`);
    byIndex.set(s.shard.index, s);
  }
  const count = first.shard.count;
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0) {
    throw new MergeError(`shard${missing.length === 1 ? '' : 's'} ${listNumbers(missing)} of ${count} ${missing.length === 1 ? 'is' : 'are'} missing: a merged run needs every shard`);
  }
  const ordered = [...byIndex.values()].sort((a, b) => a.shard.index - b.shard.index);
  const spread = startSpreadMs(ordered);
  if (spread > MAX_START_SPREAD_MS) {
    const starts = ordered.map((s) => Date.parse(s.run.summary.startedAt));
    const early = ordered[starts.indexOf(Math.min(...starts))];
    const late = ordered[starts.indexOf(Math.max(...starts))];
    throw new MergeError(
      `the shards started ${(spread / 1000).toFixed(3)} s apart (shard ${early.shard.index} at ${early.run.summary.startedAt}, shard ${late.shard.index} at ${late.run.summary.startedAt}); their seconds would not line up — give every shard the same --start-at (at most ${MAX_START_SPREAD_MS / 1000} s apart)`,
    );
  }
  return ordered;
}

/** How late each shard began after the common --start-at, on its own clock. */
function startNote(shards: readonly CheckedShard[]): string | null {
  const given = shards.filter((s) => s.shard.startLateMs !== undefined);
  if (given.length === 0) return null;
  const at = given[0].shard.startAt;
  return `Start skew after --start-at ${at} (each shard on its own clock): ${given.map((s) => `shard ${s.shard.index} +${s.shard.startLateMs} ms`).join(', ')}`;
}

/**
 * The shards' own notes that the merged summary does not already say, each once, with the
 * shards that had it ("shards 1, 3: …"); their start notes are in startNote.
 */
function shardNotes(shards: readonly CheckedShard[], mergedNotes: readonly string[]): string[] {
  const who = new Map<string, number[]>();
  for (const s of shards) {
    for (const n of s.run.summary.notes) {
      if (mergedNotes.includes(n) || /^Shard \d+\/\d+ started /.test(n)) continue;
      who.set(n, [...(who.get(n) ?? []), s.shard.index]);
    }
  }
  return [...who.entries()].map(([n, idx]) => `shard${idx.length === 1 ? '' : 's'} ${listNumbers(idx)}: ${n}`);
}

function startSpreadMs(shards: readonly CheckedShard[]): number {
  const starts = shards.map((s) => Date.parse(s.run.summary.startedAt));
  return Math.max(...starts) - Math.min(...starts);
}

/** 1, 3–5, 8 */
function listNumbers(ns: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < ns.length; i++) {
    let j = i;
    while (j + 1 < ns.length && ns[j + 1] === ns[j] + 1) j++;
    parts.push(j > i + 1 ? `${ns[i]}–${ns[j]}` : j === i + 1 ? `${ns[i]}, ${ns[j]}` : `${ns[i]}`);
    i = j;
  }
  return parts.join(', ');
}

/** JSON with sorted keys: two scenarios are the same when these are equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

function sumRecords(records: ReadonlyArray<Record<string, number | undefined>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of records) for (const [k, v] of Object.entries(r)) out[k] = (out[k] ?? 0) + (v ?? 0);
  return out;
}

/**
 * One second of every shard: counts summed, histograms added (exact), the busiest worker's CPU
 * and the largest event-loop delay of any shard (as the engine merges its workers' seconds).
 */
function mergeSecond(t: number, parts: readonly RunSample[]): RunSample {
  const h = createHistogram();
  let withoutHistogram = 0;
  for (const p of parts) {
    if (p.histogram) mergeInto(h, p.histogram);
    else if (p.latencyUs) withoutHistogram++;
  }
  const add = (f: (s: RunSample) => number) => parts.reduce((a, s) => a + f(s), 0);
  const sample: RunSample = {
    t,
    throughput: add((s) => s.throughput),
    latencyUs:
      h.totalCount > 0 && withoutHistogram === 0
        ? { p50: h.getValueAtPercentile(50), p99: h.getValueAtPercentile(99), max: h.maxValue, mean: Math.round(histogramMean(h)) }
        : approximateLatency(parts),
    errors: add((s) => s.errors),
    openConnections: add((s) => s.openConnections),
    bytesSent: add((s) => s.bytesSent),
    bytesReceived: add((s) => s.bytesReceived),
    cpuPercent: Math.max(...parts.map((s) => s.cpuPercent)),
    loopLagMs: Math.max(...parts.map((s) => s.loopLagMs)),
    warmup: parts.some((s) => s.warmup),
  };
  if (h.totalCount > 0 && withoutHistogram === 0) sample.histogram = encodeHistogram(h);
  if (parts.some((s) => s.behind !== undefined)) sample.behind = add((s) => s.behind ?? 0);
  if (parts.some((s) => s.errorsByKind !== undefined)) sample.errorsByKind = sumRecords(parts.map((s) => s.errorsByKind ?? {})) as Partial<Record<ErrorKind, number>>;
  // A flow's seconds: each step's counts, errors by kind, status codes and checks summed and its
  // histogram added (exact), iterations summed and their durations' histograms added — as the
  // engine merges its workers' seconds, so summary.flow follows from them alone.
  const steps = mergeStepSeconds(parts.map((s) => s.steps));
  if (steps) sample.steps = steps;
  else if (parts.some((s) => s.steps !== undefined)) sample.steps = [];
  const iterations = mergeIterations(parts.map((s) => s.iterations));
  if (iterations) sample.iterations = iterations;
  const iterationHistogram = mergeHistograms(parts.map((s) => s.iterationHistogram));
  if (iterationHistogram) sample.iterationHistogram = iterationHistogram;
  return sample;
}

/** Shards stored without per-second histograms: the largest of their figures, a throughput-weighted mean. */
function approximateLatency(parts: readonly RunSample[]): RunSample['latencyUs'] {
  const withLatency = parts.filter((p) => p.latencyUs);
  if (withLatency.length === 0) return null;
  const n = withLatency.reduce((a, p) => a + p.throughput, 0);
  return {
    p50: Math.max(...withLatency.map((p) => p.latencyUs!.p50)),
    p99: Math.max(...withLatency.map((p) => p.latencyUs!.p99)),
    max: Math.max(...withLatency.map((p) => p.latencyUs!.max)),
    mean: Math.round(withLatency.reduce((a, p) => a + p.latencyUs!.mean * p.throughput, 0) / Math.max(1, n)),
  };
}

/**
 * Connect and ping times travel as summaries only: count, min, max and mean merge exactly, the
 * standard deviation through the pooled variance, the percentiles not — the largest shard's
 * value is an upper bound, said in the merged run's notes.
 */
function mergeLatencySummaries(list: ReadonlyArray<LatencySummary | null>): LatencySummary | null {
  const present = list.filter((l): l is LatencySummary => l !== null && l.count > 0);
  if (present.length === 0) return null;
  if (present.length === 1) return present[0];
  const count = present.reduce((a, l) => a + l.count, 0);
  const mean = present.reduce((a, l) => a + l.mean * l.count, 0) / count;
  const variance = present.reduce((a, l) => a + l.count * (l.stdev ** 2 + (l.mean - mean) ** 2), 0) / count;
  const top = (f: (l: LatencySummary) => number) => Math.max(...present.map(f));
  return {
    count,
    min: Math.min(...present.map((l) => l.min)),
    mean: Math.round(mean),
    stdev: Math.round(Math.sqrt(variance)),
    p50: top((l) => l.p50),
    p90: top((l) => l.p90),
    p95: top((l) => l.p95),
    p99: top((l) => l.p99),
    p999: top((l) => l.p999),
    max: top((l) => l.max),
  };
}

/**
 * The merged verdict over the merged seconds, and every shard's own: one saturated shard flags
 * the whole run (its share of the latencies describes its generator, not the target).
 */
function mergeGeneratorHealth(merged: GeneratorHealth, shards: readonly CheckedShard[]): GeneratorHealth {
  const own = shards.map((s) => ({ ...s.run.summary.generator, shard: s.shard.index }));
  const saturated = own.filter((g) => g.saturated);
  const reasons = [...merged.reasons];
  for (const g of saturated) for (const r of g.reasons) reasons.push(`shard ${g.shard}: ${r}`);
  const health: GeneratorHealth = {
    ...merged,
    maxCpuPercent: Math.max(merged.maxCpuPercent, ...own.map((g) => g.maxCpuPercent)),
    maxLoopLagMs: Math.max(merged.maxLoopLagMs, ...own.map((g) => g.maxLoopLagMs)),
    saturated: merged.saturated || saturated.length > 0,
    reasons: [...new Set(reasons)],
    shards: own,
  };
  if (health.saturated && !health.advice) health.advice = saturated.find((g) => g.advice)?.advice;
  if (health.advice === undefined) delete health.advice;
  return health;
}

