// Comparisons on synthetic runs whose truth is known: the same noisy process for A and B (any
// verdict is a false alarm), or B shifted by a known factor (the verdict must find it, in the
// right direction, and only when the shift is beyond the noise threshold).
import { describe, expect, it } from 'vitest';
import type { RunResult, RunSample } from '../../src/shared/runResult.ts';
import { parseScenario } from '../../src/shared/scenario.ts';
import {
  compareGroups,
  compareRuns,
  comparisonSentence,
  decideVerdict,
  describeChange,
  signedPercent,
  type FigureComparison,
  type FigureId,
  type Verdict,
} from '../../src/shared/stats/index.ts';
import { createRandom } from '../../src/shared/stats/random.ts';

interface ProcessOptions {
  seconds?: number;
  warmupSec?: number;
  /** Second-to-second correlation of the machine's "mood" (AR(1) coefficient). */
  phi?: number;
  /** Relative noise of per-second throughput and latencies. */
  noise?: number;
  /** Chance per second of a latency spike (GC pause): p99 × 1.6. */
  spikeRate?: number;
  /** Multiplies B's figures: the known answer. */
  scale?: Partial<Record<FigureId, number>>;
  /** Run-level factor (placement, caches): applied to every second of the run. */
  level?: number;
  protocol?: 'http' | 'ws';
}

/**
 * A 60 s run from a process with autocorrelated noise: a latent AR(1) "load" z makes throughput
 * drop and latencies rise together for several seconds at a time, plus independent jitter and
 * rare p99 spikes. Warm-up seconds are slower, so counting them in would bias every figure.
 */
function syntheticRun(seed: number, o: ProcessOptions = {}): RunResult {
  const random = createRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
  const seconds = o.seconds ?? 60;
  const warmupSec = o.warmupSec ?? 2;
  const phi = o.phi ?? 0.5;
  const noise = o.noise ?? 0.05;
  const level = o.level ?? 1;
  const scale = { throughput: 1, p50: 1, p99: 1, ...o.scale };
  let z = gauss();
  const samples: RunSample[] = [];
  for (let t = 0; t < seconds; t++) {
    z = phi * z + Math.sqrt(1 - phi * phi) * gauss();
    const warmup = t < warmupSec;
    const slow = warmup ? 1.5 : 1;
    const spike = random() < (o.spikeRate ?? 0.02) ? 1.6 : 1;
    const throughput = Math.round(10_000 * level * scale.throughput * (warmup ? 0.6 : 1) * Math.max(0.05, 1 + noise * z + 0.3 * noise * gauss()));
    const p50 = Math.round((1000 / level) * scale.p50 * slow * Math.exp(-noise * z + 0.3 * noise * gauss()));
    const p99 = Math.round((5000 / level) * scale.p99 * slow * spike * Math.exp(-1.5 * noise * z + 0.5 * noise * gauss()));
    samples.push(sample(t, throughput, { p50, p99 }, warmup));
  }
  return makeRun(samples, { protocol: o.protocol, warmupSec, durationSec: seconds + 0.012 });
}

function sample(t: number, throughput: number, latency: { p50: number; p99: number } | null, warmup = false): RunSample {
  return {
    t,
    throughput,
    latencyUs: latency && { ...latency, max: latency.p99 * 3, mean: Math.round(latency.p50 * 1.2) },
    errors: 0,
    openConnections: 10,
    bytesSent: throughput * 100,
    bytesReceived: throughput * 300,
    cpuPercent: 40,
    loopLagMs: 1,
    warmup,
  };
}

function makeRun(samples: RunSample[], o: { protocol?: 'http' | 'ws'; warmupSec?: number; durationSec?: number } = {}): RunResult {
  const protocol = o.protocol ?? 'http';
  const scenario = parseScenario({
    protocol,
    url: protocol === 'http' ? 'http://127.0.0.1:8080/' : 'ws://127.0.0.1:8080/echo',
    durationSec: samples.length || 1,
    warmupSec: o.warmupSec ?? 0,
  });
  if (!scenario.ok) throw new Error(scenario.error);
  const total = samples.reduce((a, s) => a + s.throughput, 0);
  const durationSec = o.durationSec ?? samples.length + 0.012;
  const latency = { count: total, min: 100, mean: 1200, stdev: 300, p50: 1000, p90: 2000, p95: 3000, p99: 5000, p999: 9000, max: 20_000 };
  return {
    config: scenario.value,
    samples,
    histogram: '',
    summary: {
      protocol,
      status: 'completed',
      startedAt: '2025-01-01T00:00:00.000Z',
      endedAt: new Date(Date.parse('2025-01-01T00:00:00.000Z') + durationSec * 1000).toISOString(),
      durationSec,
      latencyMeaning: 'synthetic',
      throughput: { total, perSec: total / durationSec, steadyPerSec: null },
      latencyUs: latency,
      bytes: { sent: 0, received: 0 },
      errors: { total: 0, byKind: {} },
      statusCodes: {},
      connections: { opened: 10, failed: 0, peak: 10 },
      ws: null,
      generator: { workers: 1, cpuPercent: 40, maxCpuPercent: 40, maxLoopLagMs: 1, saturated: false, reasons: [] },
      notes: [],
    },
  };
}

function byFigure(result: FigureComparison[]): Record<FigureId, FigureComparison> {
  return Object.fromEntries(result.map((f) => [f.figure, f])) as Record<FigureId, FigureComparison>;
}

/** Verdict counts per figure over `seeds` pairs of runs. */
function tally(seeds: number, pair: (seed: number) => FigureComparison[]): Record<FigureId, Record<Verdict, number>> {
  const counts = {} as Record<FigureId, Record<Verdict, number>>;
  for (let s = 1; s <= seeds; s++) {
    for (const f of pair(s)) {
      counts[f.figure] ??= { better: 0, worse: 0, 'no clear difference': 0, inconclusive: 0 };
      counts[f.figure][f.verdict]++;
    }
  }
  return counts;
}

const SEEDS = 200;
// Fewer resamples than the default 2,000 keep the 200-seed loops fast; the tails stay usable.
const FAST = { resamples: 500 };

describe('compareRuns on synthetic runs with known answers', () => {
  it('finds no clear difference between two runs of the same noisy process in ≥ 95% of seeds', () => {
    const counts = tally(SEEDS, (s) => compareRuns(syntheticRun(2 * s), syntheticRun(2 * s + 1), FAST));
    for (const figure of ['throughput', 'p50', 'p99'] as const) {
      expect(counts[figure]['no clear difference'], figure).toBeGreaterThanOrEqual(0.95 * SEEDS);
    }
  });

  it('gives intervals that cover the true change (0) in most seeds, close to the nominal 95%', () => {
    // With the noise threshold at 0 the verdict is just "does the interval exclude 0": this
    // checks the interval itself. Block bootstrap intervals of 60 correlated seconds undercover
    // a little (see expandInterval.ts); they must not be the overconfident ~70% of a bootstrap
    // that ignores the correlation, nor uselessly wide.
    const zero = { ...FAST, noiseThreshold: { throughput: 0, latency: 0 } };
    const counts = tally(SEEDS, (s) => compareRuns(syntheticRun(2 * s), syntheticRun(2 * s + 1), zero));
    for (const figure of ['throughput', 'p50', 'p99'] as const) {
      const covered = counts[figure]['no clear difference'] / SEEDS;
      expect(covered, figure).toBeGreaterThanOrEqual(0.88);
      expect(covered, figure).toBeLessThanOrEqual(0.995);
    }
  });

  it('detects a 20% improvement in ≥ 95% of seeds, in the right direction', () => {
    const faster = { throughput: 1.2, p50: 1 / 1.2, p99: 1 / 1.2 };
    const counts = tally(SEEDS, (s) => compareRuns(syntheticRun(2 * s), syntheticRun(2 * s + 1, { scale: faster }), FAST));
    expect(counts.throughput.better).toBeGreaterThanOrEqual(0.95 * SEEDS);
    expect(counts.p50.better).toBeGreaterThanOrEqual(0.95 * SEEDS);
    expect(counts.p99.better).toBeGreaterThanOrEqual(0.95 * SEEDS);
    for (const figure of ['throughput', 'p50', 'p99'] as const) expect(counts[figure].worse, figure).toBe(0);
  });

  it('detects a 20% regression in ≥ 95% of seeds, in the right direction', () => {
    const slower = { throughput: 0.8, p50: 1.2, p99: 1.2 };
    const counts = tally(SEEDS, (s) => compareRuns(syntheticRun(2 * s), syntheticRun(2 * s + 1, { scale: slower }), FAST));
    expect(counts.throughput.worse).toBeGreaterThanOrEqual(0.95 * SEEDS);
    expect(counts.p50.worse).toBeGreaterThanOrEqual(0.95 * SEEDS);
    expect(counts.p99.worse).toBeGreaterThanOrEqual(0.95 * SEEDS);
    for (const figure of ['throughput', 'p50', 'p99'] as const) expect(counts[figure].better, figure).toBe(0);
  });

  it('never calls a real 2% change better or worse: it is under the 3% / 5% noise thresholds', () => {
    // Low noise, so the 2% is statistically clear (the interval excludes 0) — the threshold, not
    // the noise, is what keeps it from being a verdict.
    const shift = { throughput: 1.02, p50: 1.02, p99: 1.02 };
    let excludesZero = 0;
    const counts = tally(SEEDS, (s) => {
      const result = compareRuns(syntheticRun(2 * s, { noise: 0.015 }), syntheticRun(2 * s + 1, { noise: 0.015, scale: shift }), FAST);
      if (byFigure(result).throughput.ciLow! > 0) excludesZero++;
      return result;
    });
    for (const figure of ['throughput', 'p50', 'p99'] as const) {
      expect(counts[figure].better + counts[figure].worse, figure).toBe(0);
    }
    expect(excludesZero).toBeGreaterThanOrEqual(0.9 * SEEDS);
  });

  it('with noise as large as the threshold, a 2% change rarely gets a verdict: only when the interval errs', () => {
    // The interval misses the truth on one side in ~4–5% of seeds (coverage ~91%, see above);
    // only some of those misses reach beyond the threshold.
    const shift = { throughput: 1.02, p50: 1.02, p99: 1.02 };
    const counts = tally(SEEDS, (s) => compareRuns(syntheticRun(2 * s), syntheticRun(2 * s + 1, { scale: shift }), FAST));
    // Never the wrong way round: higher throughput is not "worse", higher latency not "better".
    expect(counts.throughput.worse).toBe(0);
    expect(counts.p50.better + counts.p99.better).toBe(0);
    for (const figure of ['throughput', 'p50', 'p99'] as const) {
      expect(counts[figure].better + counts[figure].worse, figure).toBeLessThanOrEqual(0.05 * SEEDS);
    }
  });
});

describe('compareRuns details', () => {
  it('is reproducible: same runs, same answer; a different seed moves only the interval, slightly', () => {
    const a = syntheticRun(11);
    const b = syntheticRun(12, { scale: { throughput: 1.1 } });
    const first = compareRuns(a, b);
    expect(compareRuns(a, b)).toEqual(first);
    expect(compareRuns(a, b, { seed: 42 })).toEqual(compareRuns(a, b, { seed: 42 }));
    const other = byFigure(compareRuns(a, b, { seed: 7 }));
    const base = byFigure(first);
    expect(other.throughput.change).toBe(base.throughput.change);
    expect(other.throughput.ciLow).not.toBe(base.throughput.ciLow);
    expect(Math.abs(other.throughput.ciLow! - base.throughput.ciLow!)).toBeLessThan(0.01);
  });

  it('reports every field, with units and the sentence', () => {
    const a = syntheticRun(21, { noise: 0.02 });
    const b = syntheticRun(22, { noise: 0.02, scale: { throughput: 1.25, p50: 1, p99: 1.3 } });
    const r = byFigure(compareRuns(a, b));
    expect(r.throughput).toMatchObject({ name: 'throughput', unit: 'req/s', verdict: 'better', pValue: null, noiseThreshold: 0.03, confidence: 0.95 });
    expect(r.throughput.samples).toEqual({ baseline: 58, candidate: 58 });
    expect(r.throughput.change!).toBeGreaterThan(r.throughput.ciLow!);
    expect(r.throughput.change!).toBeLessThan(r.throughput.ciHigh!);
    expect(r.throughput.candidate! / r.throughput.baseline! - 1).toBeCloseTo(r.throughput.change!, 12);
    expect(r.throughput.sentence).toMatch(/^throughput: [\d,]+ req\/s → [\d,]+ req\/s, \d+\.\d% higher \(95% CI \+\d+\.\d% to \+\d+\.\d%\) — better$/);
    expect(r.p99).toMatchObject({ name: 'p99 latency', unit: 'µs', verdict: 'worse' });
    expect(r.p99.sentence).toMatch(/^p99 latency: [\d.]+ ms → [\d.]+ ms, \d+\.\d% higher \(95% CI \+\d+\.\d% to \+\d+\.\d%\) — worse$/);
    expect(r.p50.verdict).toBe('no clear difference');
    expect(r.p50.sentence).toMatch(/^p50 latency: .*\(95% CI [+-]\d+\.\d% to [+-]\d+\.\d%\) — no clear difference \(.+\)$/);
    expect(r.p50.method).toMatch(/median of per-second p50 over 58 and 58 steady seconds; .*circular block-bootstrap/);
  });

  it('uses msg/s for WebSocket runs', () => {
    const r = byFigure(compareRuns(syntheticRun(1, { protocol: 'ws' }), syntheticRun(2, { protocol: 'ws' })));
    expect(r.throughput.unit).toBe('msg/s');
  });

  it('leaves warm-up seconds out', () => {
    const a = syntheticRun(31);
    const b = syntheticRun(32);
    // Wildly different warm-ups must not matter.
    const bColdStart: RunResult = {
      ...b,
      samples: b.samples.map((s) => (s.warmup ? { ...s, throughput: 1, latencyUs: { p50: 1e6, p99: 1e7, max: 1e7, mean: 1e6 } } : s)),
    };
    expect(compareRuns(a, bColdStart)).toEqual(compareRuns(a, b));
  });

  it('leaves out a last second the run covered only partly', () => {
    const a = syntheticRun(41);
    const b = syntheticRun(42);
    const cut = (run: RunResult): RunResult => ({
      ...run,
      samples: [...run.samples, sample(run.samples.length, 120, { p50: 900, p99: 4000 })],
      summary: { ...run.summary, durationSec: run.samples.length + 0.2 },
    });
    const r = byFigure(compareRuns(a, cut(b)));
    expect(r.throughput.samples.candidate).toBe(58);
    expect(compareRuns(a, cut(b))).toEqual(compareRuns(a, b));
  });

  it('says "inconclusive", with the run length that would do, with fewer than 2 steady seconds', () => {
    const short = makeRun([0, 1, 2].map((t) => sample(t, 1000, { p50: 800, p99: 3000 }, t < 2)), { warmupSec: 2 });
    const r = byFigure(compareRuns(short, syntheticRun(1)));
    for (const f of Object.values(r)) {
      expect(f.verdict).toBe('inconclusive');
      expect(f.change).toBeNull();
      expect(f.ciLow).toBeNull();
    }
    expect(r.throughput.reason).toBe('baseline has 1 steady second; at least 2 needed');
    expect(r.throughput.remedy).toBe('runs need at least 4 s, 2 s warm-up + 2 steady seconds');
    expect(r.throughput.sentence).toBe(
      'throughput: inconclusive (baseline has 1 steady second; at least 2 needed) — runs need at least 4 s, 2 s warm-up + 2 steady seconds',
    );
    expect(byFigure(compareRuns(syntheticRun(1), short)).p99.sentence).toBe(
      'p99 latency: inconclusive (candidate has 1 steady second with completions; at least 2 needed) — runs need at least 4 s, 2 s warm-up + 2 steady seconds with completions',
    );
    expect(byFigure(compareRuns(short, short)).p50.sentence).toMatch(/baseline has 1 and candidate 1 steady second with completions/);
    // A longer minimum is the user's to set; the remedy follows it.
    expect(byFigure(compareRuns(syntheticRun(1, { seconds: 6 }), syntheticRun(2), { minSteadySeconds: 5 })).throughput.remedy).toBe(
      'runs need at least 7 s, 2 s warm-up + 5 steady seconds',
    );
  });

  it('counts stalled seconds in throughput but not in latency', () => {
    const stalled = makeRun(Array.from({ length: 10 }, (_, t) => sample(t, t < 9 ? 0 : 1000, t < 9 ? null : { p50: 800, p99: 3000 })));
    const r = byFigure(compareRuns(syntheticRun(5), stalled));
    expect(r.throughput.samples.candidate).toBe(10);
    expect(r.throughput.candidate).toBe(100);
    expect(r.throughput.verdict).toBe('worse');
    expect(r.p50.samples.candidate).toBe(1);
    expect(r.p50.verdict).toBe('inconclusive');
  });

  it('says "inconclusive" when the baseline throughput is 0 (no relative change exists)', () => {
    const dead = makeRun(Array.from({ length: 10 }, (_, t) => sample(t, 0, null)));
    const r = byFigure(compareRuns(dead, syntheticRun(1)));
    expect(r.throughput.verdict).toBe('inconclusive');
    expect(r.throughput.sentence).toBe("throughput: inconclusive (the baseline's throughput is 0) — a relative change needs a baseline that completed requests");
  });

  it('rejects invalid options with a message naming the field', () => {
    expect(() => compareRuns(syntheticRun(1), syntheticRun(2), { resamples: 10 })).toThrow(/resamples/);
    expect(() => compareRuns(syntheticRun(1), syntheticRun(2), { confidence: 1.5 })).toThrow(/confidence/);
  });

  it('applies configured noise thresholds', () => {
    const a = syntheticRun(51, { noise: 0.01 });
    const b = syntheticRun(52, { noise: 0.01, scale: { throughput: 1.08 } });
    expect(byFigure(compareRuns(a, b)).throughput.verdict).toBe('better');
    const strict = byFigure(compareRuns(a, b, { noiseThreshold: { throughput: 0.1 } }));
    expect(strict.throughput.verdict).toBe('no clear difference');
    expect(strict.throughput.noiseThreshold).toBe(0.1);
    expect(strict.p50.noiseThreshold).toBe(0.05);
  });
});

describe('compareGroups on synthetic groups of runs', () => {
  /** n runs, each with its own run-level factor (σ ≈ 4%): the variation repeated runs exist to capture. */
  function group(seed: number, n: number, o: ProcessOptions = {}): RunResult[] {
    const random = createRandom(seed * 7919);
    return Array.from({ length: n }, (_, i) => syntheticRun(seed * 100 + i, { ...o, level: Math.exp(0.04 * (random() * 2 - 1) * Math.sqrt(3)) }));
  }

  it('finds no clear difference between groups from the same process in ≥ 95% of seeds', () => {
    const counts = tally(SEEDS, (s) => compareGroups(group(2 * s, 6), group(2 * s + 1, 6), FAST));
    for (const figure of ['throughput', 'p50', 'p99'] as const) {
      expect(counts[figure]['no clear difference'], figure).toBeGreaterThanOrEqual(0.95 * SEEDS);
    }
  });

  it('detects a 20% shift in ≥ 95% of seeds, in the right direction', () => {
    const slower = { throughput: 0.8, p50: 1.2, p99: 1.2 };
    const counts = tally(SEEDS, (s) => compareGroups(group(2 * s, 6), group(2 * s + 1, 6, { scale: slower }), FAST));
    for (const figure of ['throughput', 'p50', 'p99'] as const) {
      expect(counts[figure].worse, figure).toBeGreaterThanOrEqual(0.95 * SEEDS);
      expect(counts[figure].better, figure).toBe(0);
    }
  });

  it('never gives a verdict from a single pair of runs', () => {
    const r = compareGroups([syntheticRun(1)], [syntheticRun(2, { scale: { throughput: 3 } })]);
    for (const f of r) expect(f.verdict).toBe('inconclusive');
  });

  it('leaves out runs too short to have a figure, and says so', () => {
    const short = makeRun([0, 1].map((t) => sample(t, 1000, { p50: 800, p99: 3000 }, t < 1)), { warmupSec: 1 });
    const r = byFigure(compareGroups([...group(7, 4), short], group(8, 4)));
    expect(r.throughput.samples).toEqual({ baseline: 4, candidate: 4 });
    expect(r.throughput.method).toMatch(/1 run left out \(too few usable steady seconds\)/);
  });

  it('requires p < alpha even when the interval is beyond the threshold', () => {
    expect(decideVerdict({ low: 0.1, high: 0.3, noiseThreshold: 0.03, higherIsBetter: true, pValue: 0.2 })).toEqual({
      verdict: 'no clear difference',
      reason: 'p = 0.20, not below 0.05',
    });
  });
});

describe('decideVerdict', () => {
  const t = 0.03;
  it('calls a change only when the whole interval is beyond the threshold', () => {
    expect(decideVerdict({ low: 0.031, high: 0.2, noiseThreshold: t, higherIsBetter: true }).verdict).toBe('better');
    expect(decideVerdict({ low: 0.031, high: 0.2, noiseThreshold: t, higherIsBetter: false }).verdict).toBe('worse');
    expect(decideVerdict({ low: -0.2, high: -0.031, noiseThreshold: t, higherIsBetter: true }).verdict).toBe('worse');
    expect(decideVerdict({ low: -0.2, high: -0.031, noiseThreshold: t, higherIsBetter: false }).verdict).toBe('better');
    expect(decideVerdict({ low: 0.03, high: 0.2, noiseThreshold: t, higherIsBetter: true }).verdict).toBe('no clear difference');
  });
  it('explains why there is no clear difference', () => {
    expect(decideVerdict({ low: -0.01, high: 0.05, noiseThreshold: t, higherIsBetter: true }).reason).toBe('the interval includes 0');
    expect(decideVerdict({ low: 0.005, high: 0.025, noiseThreshold: t, higherIsBetter: true }).reason).toBe('within the ±3% noise threshold');
    expect(decideVerdict({ low: 0.01, high: 0.08, noiseThreshold: t, higherIsBetter: true }).reason).toBe(
      'the interval reaches inside the ±3% noise threshold',
    );
    expect(decideVerdict({ low: Number.NaN, high: 0.1, noiseThreshold: t, higherIsBetter: true }).verdict).toBe('inconclusive');
  });
  it('passes with a p-value below alpha', () => {
    expect(decideVerdict({ low: 0.1, high: 0.3, noiseThreshold: t, higherIsBetter: true, pValue: 0.01 }).verdict).toBe('better');
    expect(decideVerdict({ low: 0.1, high: 0.3, noiseThreshold: t, higherIsBetter: true, pValue: 0.05 }).verdict).toBe('no clear difference');
    expect(decideVerdict({ low: 0.1, high: 0.3, noiseThreshold: t, higherIsBetter: true, pValue: 0.05, alpha: 0.1 }).verdict).toBe('better');
  });
});

describe('sentences', () => {
  it('formats changes and interval ends', () => {
    expect(describeChange(0.123)).toBe('12.3% higher');
    expect(describeChange(-0.04)).toBe('4.0% lower');
    expect(describeChange(0.0004)).toBe('unchanged');
    expect(signedPercent(0.081)).toBe('+8.1%');
    expect(signedPercent(-0.02)).toBe('-2.0%');
    expect(signedPercent(-0.0001)).toBe('+0.0%');
  });

  it('writes the line of the issue', () => {
    const line = comparisonSentence({
      name: 'p99 latency',
      unit: 'µs',
      baseline: 12_300,
      candidate: 13_813,
      change: 0.123,
      ciLow: 0.081,
      ciHigh: 0.16,
      confidence: 0.95,
      pValue: null,
      verdict: 'worse',
      reason: '',
    });
    expect(line).toBe('p99 latency: 12.3 ms → 13.8 ms, 12.3% higher (95% CI +8.1% to +16.0%) — worse');
    const group = comparisonSentence({
      name: 'throughput',
      unit: 'msg/s',
      baseline: 5000,
      candidate: 5100,
      change: 0.02,
      ciLow: -0.01,
      ciHigh: 0.05,
      confidence: 0.9,
      pValue: 0.31,
      verdict: 'no clear difference',
      reason: 'the interval includes 0',
    });
    expect(group).toBe(
      'throughput: 5,000 msg/s → 5,100 msg/s, 2.0% higher (90% CI -1.0% to +5.0%, p = 0.31) — no clear difference (the interval includes 0)',
    );
  });
});
