// Synthetic A/B groups whose truth is known, for the simulation tests of the group comparison
// (tests/statsGroups.test.ts): interleaved rounds A B A B …, each round with a machine state
// both of its runs share (drift), each run with its own level (placement, caches), and seconds
// whose noise is autocorrelated (AR(1): a latent load makes throughput drop and latencies rise
// together for several seconds at a time). The figures of B are multiplied by a known factor.
import type { RunResult, RunSample } from '../../src/shared/runResult.ts';
import { parseScenario } from '../../src/shared/scenario.ts';
import { createRandom, type Random } from '../../src/shared/stats/random.ts';

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
    samples.push({
      t,
      throughput,
      latencyUs: { p50, p99, max: p99 * 3, mean: Math.round(p50 * 1.2) },
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
