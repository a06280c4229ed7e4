// Synthetic A/B groups whose truth is known, for the simulation tests of the group comparison
// (tests/statsGroups.test.ts): interleaved rounds A B A B …, each round with a machine state
// both of its runs share (drift), each run with its own level (placement, caches), and seconds
// whose noise is autocorrelated (AR(1): a latent load makes throughput drop and latencies rise
// together for several seconds at a time). The figures of B are multiplied by a known factor.
import type { RunResult, RunSample } from '../../src/shared/runResult.ts';
import { parseScenario } from '../../src/shared/scenario.ts';
import { createRandom, type Random } from '../../src/shared/stats/random.ts';
import { createHistogram, encodeHistogram, histogramBuckets, recordUs } from '../../src/shared/result/histogramCodec.ts';
import { readFileSync } from 'node:fs';

export interface AbProcess {
  rounds: number;
  /** Seconds per run, warm-up included. */
  seconds: number;
  warmupSec: number;
  /** SD of the machine state shared by the two runs of a round (log scale). */
  roundNoise: number;
  /** SD of each run's own level (log scale). */
  runNoise: number;
  /** SD of per-second noise (log scale) and its AR(1) coefficient. */
  secondNoise: number;
  phi: number;
  /** B's figures are A's times these. */
  scale: { throughput?: number; p50?: number; p99?: number };
  /**
   * When set, each second's latencies are drawn from a real second's histogram (a run against
   * the demo target's /cpu, tests/fixtures/cpuTargetSeconds.json), `latenciesPerSecond` of them,
   * times the run's level and the second's noise; B's tail is stretched so its true p99 is
   * `scale.p99` times A's (values below the real p90 untouched). The second then carries its
   * histogram, and its p50/p99/max/mean are those of the drawn latencies.
   */
  latenciesPerSecond?: number;
  /**
   * Which real distribution a second draws from: 'merged' (all real seconds merged: seconds
   * differ only by the AR(1) noise, as on a quiet machine) or 'seconds' (one real second at
   * random: seconds whose tails differ as much as they did on the busy machine that recorded them).
   */
  shapes?: 'merged' | 'seconds';
}

export const DEFAULT_AB_PROCESS: AbProcess = {
  rounds: 5,
  seconds: 7,
  warmupSec: 1,
  roundNoise: 0.05,
  runNoise: 0.01,
  secondNoise: 0.02,
  phi: 0.5,
  scale: {},
};

export function simulateAb(seed: number, process: Partial<AbProcess> = {}): { a: RunResult[]; b: RunResult[] } {
  const p = { ...DEFAULT_AB_PROCESS, ...process };
  const random = createRandom(seed);
  const gauss = gaussian(random);
  const a: RunResult[] = [];
  const b: RunResult[] = [];
  const start = Date.parse('2025-01-01T00:00:00.000Z');
  for (let round = 0; round < p.rounds; round++) {
    const state = p.roundNoise * gauss();
    for (const side of ['A', 'B'] as const) {
      const level = state + p.runNoise * gauss();
      const scale = side === 'B' ? p.scale : {};
      const startedAt = new Date(start + (2 * round + (side === 'B' ? 1 : 0)) * (p.seconds + 2) * 1000).toISOString();
      (side === 'A' ? a : b).push(run(random, gauss, p, level, scale, startedAt));
    }
  }
  return { a, b };
}

function run(random: Random, gauss: () => number, p: AbProcess, level: number, scale: AbProcess['scale'], startedAt: string): RunResult {
  let z = gauss();
  const samples: RunSample[] = [];
  for (let t = 0; t < p.seconds; t++) {
    z = p.phi * z + Math.sqrt(1 - p.phi * p.phi) * gauss();
    const warmup = t < p.warmupSec;
    const noise = p.secondNoise * z + 0.3 * p.secondNoise * gauss();
    const slow = warmup ? 1.4 : 1;
    const throughput = Math.round(20_000 * (scale.throughput ?? 1) * Math.exp(-level - noise) / slow);
    const p50 = Math.round(2000 * (scale.p50 ?? 1) * slow * Math.exp(level + noise));
    const p99 = Math.round(9000 * (scale.p99 ?? 1) * slow * Math.exp(level + 1.5 * noise + 0.5 * p.secondNoise * gauss()));
    // As many latencies as the second completed (a slower B completes fewer): the count per second matters to a p99.
    const count = p.latenciesPerSecond ? Math.max(1, Math.round((p.latenciesPerSecond * throughput) / 20_000)) : 0;
    const drawn = p.latenciesPerSecond ? drawSecond(random, count, slow * Math.exp(level + noise), scale, p.shapes ?? 'merged') : null;
    samples.push({
      t,
      throughput,
      latencyUs: drawn ? drawn.latencyUs : { p50, p99, max: p99 * 3, mean: Math.round(p50 * 1.2) },
      ...(drawn ? { histogram: drawn.histogram } : {}),
      errors: 0,
      openConnections: 50,
      bytesSent: throughput * 100,
      bytesReceived: throughput * 300,
      cpuPercent: 50,
      loopLagMs: 1,
      warmup,
    });
    void random;
  }
  const scenario = parseScenario({ protocol: 'http', url: 'http://127.0.0.1:8080/', durationSec: p.seconds, warmupSec: p.warmupSec });
  if (!scenario.ok) throw new Error(scenario.error);
  const total = samples.reduce((s, x) => s + x.throughput, 0);
  const durationSec = p.seconds + 0.01;
  return {
    config: scenario.value,
    samples,
    histogram: '',
    summary: {
      protocol: 'http',
      status: 'completed',
      startedAt,
      endedAt: new Date(Date.parse(startedAt) + durationSec * 1000).toISOString(),
      durationSec,
      latencyMeaning: 'synthetic',
      throughput: { total, perSec: total / durationSec, steadyPerSec: null },
      latencyUs: { count: total, min: 100, mean: 2400, stdev: 300, p50: 2000, p90: 5000, p95: 7000, p99: 9000, p999: 15000, max: 30_000 },
      bytes: { sent: 0, received: 0 },
      errors: { total: 0, byKind: {} },
      statusCodes: {},
      connections: { opened: 50, failed: 0, peak: 50 },
      ws: null,
      generator: { workers: 1, cpuPercent: 50, maxCpuPercent: 50, maxLoopLagMs: 1, saturated: false, reasons: [] },
      notes: [],
    },
  };
}

/** Standard normal draws (Box-Muller) from a seeded stream. */
export function gaussian(random: Random): () => number {
  return () => Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
}

interface RealSecond {
  values: Float64Array;
  /** Cumulative share of latencies up to each bucket. */
  cumulative: Float64Array;
}

let realSeconds: { seconds: RealSecond[]; merged: RealSecond; p90: number; p99: number } | null = null;

/** The real seconds of the fixture, all of them merged, and the merged p90 and p99. */
export function realLatencySeconds(): { seconds: RealSecond[]; merged: RealSecond; p90: number; p99: number } {
  if (realSeconds) return realSeconds;
  const fixture = JSON.parse(readFileSync(new URL('../fixtures/cpuTargetSeconds.json', import.meta.url), 'utf8')) as { seconds: Array<{ histogram: string }> };
  const merged = createHistogram();
  const seconds = fixture.seconds.map((s) => {
    const b = histogramBuckets(s.histogram)!;
    let total = 0;
    for (const c of b.counts) total += c;
    const cumulative = new Float64Array(b.counts.length);
    let run = 0;
    b.counts.forEach((c, k) => {
      run += c;
      cumulative[k] = run / total;
      merged.recordValueWithCount(b.values[k], c);
    });
    return { values: b.values, cumulative };
  });
  const all = histogramBuckets(encodeHistogram(merged))!;
  const total = all.counts.reduce((x, y) => x + y, 0);
  let run = 0;
  const mergedSecond = { values: all.values, cumulative: all.counts.map((c) => (run += c) / total) };
  realSeconds = { seconds, merged: mergedSecond, p90: merged.getValueAtPercentile(90), p99: merged.getValueAtPercentile(99) };
  return realSeconds;
}

/** `n` latencies of a real distribution, times `factor`, B's tail stretched by scale.p99. */
function drawSecond(
  random: Random,
  n: number,
  factor: number,
  scale: AbProcess['scale'],
  shapes: 'merged' | 'seconds',
): { latencyUs: NonNullable<RunSample['latencyUs']>; histogram: string } {
  const real = realLatencySeconds();
  const second = shapes === 'merged' ? real.merged : real.seconds[Math.floor(random() * real.seconds.length)];
  const stretch = (scale.p99 ?? 1) - 1;
  const lo = Math.log(real.p90);
  const span = Math.log(real.p99) - lo;
  const h = createHistogram();
  let sum = 0;
  let max = 0;
  for (let i = 0; i < n; i++) {
    const u = random();
    let a = 0;
    let b = second.cumulative.length - 1;
    while (a < b) {
      const m = (a + b) >> 1;
      if (second.cumulative[m] < u) a = m + 1;
      else b = m;
    }
    const x = second.values[a];
    // Monotone, so quantiles map through it: the p99 of B is exactly (1 + stretch) times A's, p90 and below unchanged.
    const tail = stretch === 0 ? 1 : 1 + stretch * Math.min(1, Math.max(0, (Math.log(x) - lo) / span));
    const us = Math.round(x * tail * (scale.p50 ?? 1) * factor);
    recordUs(h, us);
    sum += us;
    max = Math.max(max, us);
  }
  return {
    // Not h.mean and h.maxValue: they walk every bucket, ten times slower than the whole draw.
    latencyUs: { p50: h.getValueAtPercentile(50), p99: h.getValueAtPercentile(99), max, mean: Math.round(sum / n) },
    histogram: encodeHistogram(h),
  };
}
