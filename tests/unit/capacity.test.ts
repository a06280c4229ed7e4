// Capacity search logic with a fake runner: the plan of rates (grow, bisect, stop), each step's
// verdict from its seconds, and the answer — including never reporting a capacity that the
// generator decided.
import { describe, expect, it } from 'vitest';
import { answer, checkSettings, judgeStep, planNext, summaryOfSeconds, type CapacitySettings, type CapacityStep } from '../../src/shared/capacity.ts';
import { createHistogram, encodeHistogram, mergeInto, recordUs, summarizeHistogram } from '../../src/shared/result/histogramCodec.ts';
import type { RunResult, RunSample } from '../../src/shared/runResult.ts';

const settings: CapacitySettings = { slos: ['p99 < 100ms'], startRate: 100, maxRate: 100_000, stepSec: 5, precision: 0.05, growth: 2, budgetSec: 600 };

function step(rate: number, outcome: CapacityStep['outcome']): CapacityStep {
  return { rate, runId: null, outcome, achievedPerSec: rate, p50Us: 1, p99Us: 1, errorShare: 0, slos: [], reason: outcome };
}

/** Runs the planner against a fake target that passes below `capacity`, until it stops. */
function search(capacity: number, s: CapacitySettings = settings, generatorLimit = Infinity): { steps: CapacityStep[]; stop: string } {
  const steps: CapacityStep[] = [];
  for (let i = 0; i < 100; i++) {
    const plan = planNext(steps, s);
    if (plan.stop) return { steps, stop: plan.stop };
    const r = plan.next!;
    steps.push(step(r, r > generatorLimit ? 'generator-limited' : r <= capacity ? 'passed' : 'failed'));
  }
  throw new Error('the search did not end');
}

describe('capacity search plan', () => {
  it('grows geometrically, then bisects to the stated precision', () => {
    for (const capacity of [137, 1000, 4321, 77_777]) {
      const { steps, stop } = search(capacity);
      expect(stop).toBe('converged');
      const a = answer(steps, 'converged', settings);
      expect(a.capacity!.rate).toBeLessThanOrEqual(capacity);
      expect(a.firstFail!.rate).toBeGreaterThan(capacity);
      expect(a.firstFail!.rate / a.capacity!.rate).toBeLessThanOrEqual(1.05);
      expect(a.atLeast).toBe(false);
      // Growth doubles from the start rate until the first failure.
      expect(steps.slice(0, 2).map((x) => x.rate)).toEqual([100, 200]);
      expect(steps.length).toBeLessThan(25);
    }
  });

  it('stops at the generator and answers "at least", never a capacity', () => {
    const { steps, stop } = search(50_000, settings, 3000);
    expect(stop).toBe('generator-limited');
    const a = answer(steps, 'generator-limited', settings);
    expect(a.atLeast).toBe(true);
    expect(a.capacity!.rate).toBe(1600);
    expect(a.firstFail).toBeNull();
    expect(a.sentence).toMatch(/^generator-limited: the target takes at least 1,600\/s/);
    expect(a.sentence).toMatch(/not a capacity of the target/);
  });

  it('stops at the maximum rate, and shrinks when even the start fails', () => {
    const capped = search(1e9, { ...settings, maxRate: 1000 });
    expect(capped.stop).toBe('max-rate');
    expect(capped.steps.at(-1)!.rate).toBe(1000);
    const low = search(30);
    expect(low.stop).toBe('converged');
    expect(low.steps.map((x) => x.rate).slice(0, 3)).toEqual([100, 50, 25]);
    const none = search(0);
    expect(none.stop).toBe('no-pass');
  });

  it('refuses bad settings with a message naming the field', () => {
    expect(checkSettings({ ...settings, slos: [] })).toMatch(/^slo: give at least one SLO/);
    expect(checkSettings({ ...settings, slos: ['p98<1ms'] })).toMatch(/^slo: "p98<1ms": unknown metric/);
    expect(checkSettings({ ...settings, slos: ['p99{stage:1}<1ms'] })).toMatch(/^slo: .* names a stage/);
    expect(checkSettings({ ...settings, maxRate: 10 })).toMatch(/^max-rate/);
    expect(checkSettings({ ...settings, stepSec: 1 })).toMatch(/^step-sec/);
    expect(checkSettings(settings)).toBeNull();
  });
});

function runWith(p99sMs: number[], opts: { throughput?: number; cpu?: number; errors?: number } = {}): RunResult {
  const samples: RunSample[] = [0, ...p99sMs].map((p99, t) => ({
    t,
    throughput: opts.throughput ?? 200,
    latencyUs: { p50: 1000, p99: p99 * 1000, max: p99 * 1000, mean: 2000 },
    errors: 0,
    openConnections: 10,
    bytesSent: 0,
    bytesReceived: 0,
    cpuPercent: opts.cpu ?? 20,
    loopLagMs: 1,
    warmup: t === 0,
  }));
  const total = samples.reduce((a, s) => a + s.throughput, 0);
  return {
    config: {} as RunResult['config'],
    histogram: '',
    samples,
    summary: {
      status: 'completed',
      durationSec: samples.length,
      throughput: { total, perSec: total / samples.length, steadyPerSec: opts.throughput ?? 200 },
      errors: { total: opts.errors ?? 0, byKind: {} },
      latencyUs: { count: total, min: 1, mean: 1, stdev: 1, p50: 1000, p90: 1, p95: 1, p99: Math.max(...p99sMs) * 1000, p999: 1, max: 1 },
    } as RunResult['summary'],
  };
}

describe('a step’s verdict', () => {
  it('judges p99 by the mean of its steady seconds, with a bootstrap interval', () => {
    const pass = judgeStep(200, runWith([20, 22, 25, 21]), ['p99 < 100ms'], 7);
    expect(pass.outcome).toBe('passed');
    expect(pass.runId).toBe(7);
    expect(pass.p99Us).toBe(22_000);
    expect(pass.slos[0].certain).toBe(true);
    expect(pass.slos[0].low!).toBeLessThanOrEqual(22_000);
    expect(pass.slos[0].high!).toBeGreaterThanOrEqual(22_000);
    // A queue past its capacity: every second worse than the last.
    const fail = judgeStep(220, runWith([150, 300, 450, 600]), ['p99 < 100ms'], null);
    expect(fail.outcome).toBe('failed');
    expect(fail.reason).toMatch(/^p99 375 ms \(95% CI/);
    // One noisy second does not fail a step whose seconds are otherwise well within the limit.
    const noisy = judgeStep(200, runWith([20, 250, 20, 20, 20, 20]), ['p99 < 100ms'], null);
    expect(noisy.outcome).toBe('passed');
    expect(noisy.slos[0].certain).toBe(false);
  });

  it('calls a step generator-limited when the generator was saturated, or did not send what was asked', () => {
    const hot = judgeStep(20_000, runWith([20, 20, 20, 20], { cpu: 99 }), ['p99 < 100ms'], null);
    expect(hot.outcome).toBe('generator-limited');
    expect(hot.reason).toMatch(/saturated in 4 of 4 steady seconds/);
    const short = judgeStep(20_000, runWith([20, 20, 20, 20], { throughput: 12_000 }), ['p99 < 100ms'], null);
    expect(short.outcome).toBe('generator-limited');
    expect(short.reason).toMatch(/sent only 12,000\/s of the 20,000\/s asked/);
    // A slow target lowers the completions too, but then the latency SLO fails: the target's limit.
    const slow = judgeStep(400, runWith([300, 600, 900, 1200], { throughput: 200 }), ['p99 < 100ms'], null);
    expect(slow.outcome).toBe('failed');
  });

  it('a WebSocket step: the echoes drained after the end are the drain period, not the last second\'s rate', () => {
    // A 300/s server offered 400/s: 300 a second, then 719 answers in the 2 s drain after the end.
    const run = runWith([300, 600, 900, 1200], { throughput: 300 });
    run.samples.push({ ...run.samples[4], t: 5, throughput: 719, drain: true });
    run.summary.durationSec = 6.4;
    const ws = judgeStep(400, { ...run, summary: { ...run.summary, protocol: 'ws' } }, ['p99 < 100ms'], null);
    expect(ws.achievedPerSec).toBe(300);
    expect(ws.outcome).toBe('failed');
    // Without the mark the same 719 is a second of load and counts.
    run.samples[5] = { ...run.samples[5], drain: undefined };
    const unmarked = judgeStep(400, { ...run, summary: { ...run.summary, protocol: 'ws' } }, ['p99 < 100ms'], null);
    expect(unmarked.achievedPerSec).toBe(383.8);
  });
});

describe('a step’s verdict leaves its warm-up out of every SLO', () => {
  // A target that fails only while warming up: its first N ms of each step answer 503 (the first
  // second, the step's warm-up), then it serves every request within 10 ms.
  function warmingTarget(opts: { warmupErrors: number; steadyErrors?: number; warmupSlowUs?: number }): RunResult {
    const samples: RunSample[] = [0, 1, 2, 3, 4].map((t) => {
      const warm = t === 0;
      const h = createHistogram();
      for (let i = 0; i < 200; i++) recordUs(h, warm && opts.warmupSlowUs !== undefined ? opts.warmupSlowUs : 5_000 + i * 25);
      const statusErrors = warm ? opts.warmupErrors : (opts.steadyErrors ?? 0);
      return {
        t,
        throughput: 200,
        latencyUs: { p50: h.getValueAtPercentile(50), p99: h.getValueAtPercentile(99), max: h.maxValue, mean: 7_500 },
        errors: statusErrors,
        errorsByKind: statusErrors > 0 ? { status: statusErrors } : {},
        openConnections: 10,
        bytesSent: 0,
        bytesReceived: 0,
        cpuPercent: 20,
        loopLagMs: 1,
        warmup: warm,
        histogram: encodeHistogram(h),
      };
    });
    const all = createHistogram();
    for (const s of samples) mergeInto(all, s.histogram!);
    const errors = samples.reduce((a, s) => a + s.errors, 0);
    return {
      config: {} as RunResult['config'],
      histogram: '',
      samples,
      summary: {
        protocol: 'http',
        status: 'completed',
        durationSec: 5,
        throughput: { total: 1000, perSec: 200, steadyPerSec: 200 },
        errors: { total: errors, byKind: errors > 0 ? { status: errors } : {} },
        latencyUs: summarizeHistogram(all),
      } as RunResult['summary'],
    };
  }

  it('errors only during the warm-up do not fail errors < 1%', () => {
    // 100 of the warm-up second's 200 answers were 503: 10% of the whole step, 0% of its steady seconds.
    const run = warmingTarget({ warmupErrors: 100 });
    const v = judgeStep(200, run, ['errors < 1%', 'p99 < 100ms'], null);
    expect(v.outcome).toBe('passed');
    expect(v.errorShare).toBe(0);
    expect(v.slos[0].estimate).toBe(0);
    expect(v.slos[0].passed).toBe(true);
    // A count too: errors <= 10 counts the steady seconds' errors.
    expect(judgeStep(200, run, ['errors <= 10'], null).outcome).toBe('passed');
  });

  it('errors in the steady seconds still fail it, with the steady share', () => {
    // 4 of 200 a second after the warm-up: 2% of the steady seconds' answers.
    const v = judgeStep(200, warmingTarget({ warmupErrors: 100, steadyErrors: 4 }), ['errors < 1%'], null);
    expect(v.outcome).toBe('failed');
    expect(v.errorShare).toBeCloseTo(16 / 800, 9);
    expect(v.slos[0].estimate).toBeCloseTo(0.02, 9);
    expect(v.reason).toMatch(/^errors 2%/);
  });

  it('whole-step latency figures (max, p99.9, mean) come from the steady seconds’ merged histograms', () => {
    // The warm-up second answered in 2 s (connections opening); the steady seconds in 5–10 ms.
    const run = warmingTarget({ warmupErrors: 0, warmupSlowUs: 2_000_000 });
    expect(run.summary.latencyUs.max).toBeGreaterThan(1_900_000);
    const v = judgeStep(200, run, ['max < 50ms', 'p999 < 50ms', 'mean < 50ms'], null);
    expect(v.outcome).toBe('passed');
    expect(v.slos[0].estimate!).toBeLessThan(11_000);
    expect(v.slos[0].estimate!).toBeGreaterThanOrEqual(9_900);
  });

  it('keeps the whole step’s errors when its seconds do not say their kinds', () => {
    // A steady second with errors but no kinds: how many of them came with an answer (a status,
    // counted in throughput too) is unknown, so the whole step's figures stand.
    const run = warmingTarget({ warmupErrors: 100, steadyErrors: 1 });
    for (const s of run.samples) delete s.errorsByKind;
    const steady = summaryOfSeconds(run, run.samples.slice(1));
    expect(steady.errors.total).toBe(104);
    expect(steady.throughput.total).toBe(1000);
    expect(judgeStep(200, run, ['errors < 1%'], null).outcome).toBe('failed');
    // With no error in the steady seconds there is nothing to tell apart.
    const clean = warmingTarget({ warmupErrors: 100 });
    for (const s of clean.samples) delete s.errorsByKind;
    expect(summaryOfSeconds(clean, clean.samples.slice(1)).errors.total).toBe(0);
  });
});

describe('a flow step’s SLOs leave the warm-up out too', () => {
  it('errors{step:login} counts the steady seconds of the step', () => {
    const login = { type: 'http', name: 'login', method: 'POST', url: '/login', headers: {}, checks: [], extract: [], onFailure: 'abandon' };
    const config = { protocol: 'flow', url: 'http://127.0.0.1:1/', setup: [], steps: [login], teardown: [], rate: 100 } as unknown as RunResult['config'];
    const samples: RunSample[] = [0, 1, 2, 3].map((t) => {
      const h = createHistogram();
      for (let i = 0; i < 100; i++) recordUs(h, 2_000);
      const errors = t === 0 ? 40 : 0;
      return {
        t,
        throughput: 100,
        latencyUs: { p50: 2_000, p99: 2_000, max: 2_000, mean: 2_000 },
        errors,
        errorsByKind: errors > 0 ? { refused: errors } : {},
        openConnections: 10,
        bytesSent: 0,
        bytesReceived: 0,
        cpuPercent: 20,
        loopLagMs: 1,
        warmup: t === 0,
        histogram: encodeHistogram(h),
        steps: [{ step: 'login', count: 100, errors, ...(errors > 0 ? { errorsByKind: { refused: errors } } : {}), checks: { passed: 0, failed: 0 }, histogram: encodeHistogram(h) }],
      };
    });
    const run: RunResult = {
      config,
      histogram: '',
      samples,
      summary: {
        protocol: 'flow',
        status: 'completed',
        durationSec: 4,
        throughput: { total: 400, perSec: 100, steadyPerSec: 100 },
        errors: { total: 40, byKind: { refused: 40 } },
        latencyUs: { count: 400, min: 2000, mean: 2000, stdev: 0, p50: 2000, p90: 2000, p95: 2000, p99: 2000, p999: 2000, max: 2000 },
        // The whole step: 40 errors of 440 attempts.
        flow: { steps: [{ name: 'login', errors: { total: 40, byKind: { refused: 40 } }, count: 400 }], checks: { passed: 0, failed: 0, share: null } },
      } as unknown as RunResult['summary'],
    };
    const v = judgeStep(100, run, ['errors{step:login} < 1%', 'rps{step:login} > 90'], null);
    expect(v.slos.map((s) => s.estimate)).toEqual([0, 100]);
    expect(v.outcome).toBe('passed');
  });
});
