import { describe, expect, it } from 'vitest';
import {
  ArrivalCurve,
  parseDurationText,
  parseStageText,
  planPoints,
  profileDurationSec,
  rampHoldDown,
  spike,
  stageOfSecond,
  stageSpans,
  steps,
  targetAt,
} from '../../src/shared/loadProfile.ts';
import { concurrencyOf, maxConnections, parseScenario, plannedDurationSec } from '../../src/shared/scenario.ts';

describe('load profile arithmetic', () => {
  const ramp = [
    { durationSec: 10, target: 100 },
    { durationSec: 10, target: 100 },
    { durationSec: 5, target: 0 },
  ];

  it('interpolates the target linearly from the previous stage, starting at 0', () => {
    expect(targetAt(ramp, 0)).toBe(0);
    expect(targetAt(ramp, 5)).toBe(50);
    expect(targetAt(ramp, 15)).toBe(100);
    expect(targetAt(ramp, 22.5)).toBe(50);
    expect(targetAt(ramp, 30)).toBe(0);
    expect(profileDurationSec(ramp)).toBe(25);
    // A 0 s stage jumps.
    expect(targetAt([{ durationSec: 0, target: 40 }, { durationSec: 3, target: 40 }], 0)).toBe(40);
    expect(planPoints(ramp)).toEqual([[0, 0], [10, 100], [20, 100], [25, 0]]);
  });

  it('places the k-th arrival where the integral of the rate reaches k', () => {
    const curve = new ArrivalCurve(ramp);
    // ∫ over the ramp 0→100 in 10 s = 500, the hold 1000, the ramp down 250.
    expect(curve.total).toBeCloseTo(1750, 9);
    expect(curve.countBefore(10)).toBeCloseTo(500, 9);
    // On the ramp N(t) = 5 t², so arrival k is at √(k/5).
    for (const k of [0, 1, 5, 20, 125, 499]) expect(curve.offsetSec(k)).toBeCloseTo(Math.sqrt(k / 5), 9);
    // On the hold, every 10 ms.
    expect(curve.offsetSec(500)).toBeCloseTo(10, 9);
    expect(curve.offsetSec(600)).toBeCloseTo(11, 9);
    // Every arrival's time inverts the integral, in and across stages.
    for (let k = 0; k < 1750; k += 37) expect(curve.countBefore(curve.offsetSec(k))).toBeCloseTo(k, 6);
    expect(curve.offsetSec(1750)).toBe(Infinity);
    // Times increase.
    let last = -1;
    for (let k = 0; k < 1750; k++) {
      const t = curve.offsetSec(k);
      expect(t).toBeGreaterThan(last);
      last = t;
    }
  });

  it('a constant rate gives the old evenly spaced schedule', () => {
    const curve = new ArrivalCurve([{ durationSec: 0, target: 200 }, { durationSec: 2, target: 200 }]);
    for (const k of [0, 1, 10, 399]) expect(curve.offsetSec(k)).toBeCloseTo(k / 200, 12);
  });

  it('assigns each second to the stage holding its middle', () => {
    const s = [{ durationSec: 2.4, target: 10 }, { durationSec: 0, target: 20 }, { durationSec: 3, target: 20 }];
    expect([0, 1, 2, 3, 4, 5].map((t) => stageOfSecond(s, t))).toEqual([0, 0, 2, 2, 2, 2]);
    expect(stageSpans(s).map((x) => [x.startSec, x.endSec, x.from, x.to])).toEqual([[0, 2.4, 0, 10], [2.4, 2.4, 10, 20], [2.4, 5.4, 20, 20]]);
  });

  it('parses k6 stages and durations, with one-line errors', () => {
    expect(parseStageText('30s:200')).toEqual({ durationSec: 30, target: 200 });
    expect(parseStageText('1m30s:0')).toEqual({ durationSec: 90, target: 0 });
    expect(parseStageText('500ms:12.5')).toEqual({ durationSec: 0.5, target: 12.5 });
    expect(parseDurationText('2h')).toBe(7200);
    expect(parseDurationText('15')).toBe(15);
    expect(() => parseStageText('30s')).toThrow(/duration:target/);
    expect(() => parseStageText('30x:5')).toThrow(/not a duration/);
    expect(() => parseStageText('30s:-5')).toThrow(/must be a number/);
  });

  it('presets build the shapes they are named for', () => {
    expect(rampHoldDown(100, 5, 10, 5)).toEqual([{ durationSec: 5, target: 100 }, { durationSec: 10, target: 100 }, { durationSec: 5, target: 0 }]);
    expect(targetAt(steps(3, 50, 10), 25)).toBe(150);
    expect(targetAt(steps(3, 50, 10), 5)).toBe(50);
    const sp = spike(10, 500, 5, 2);
    expect([targetAt(sp, 1), targetAt(sp, 6), targetAt(sp, 8)]).toEqual([10, 500, 10]);
  });
});

describe('scenario stages', () => {
  const base = { protocol: 'http', url: 'http://127.0.0.1:1/' } as const;
  it('accepts stages for connections and for the rate, and derives duration and pool', () => {
    const closed = parseScenario({ ...base, stages: [{ durationSec: 2, target: 20 }, { durationSec: 1, target: 5 }] });
    expect(closed.ok).toBe(true);
    if (closed.ok) {
      expect(plannedDurationSec(closed.value)).toBe(3);
      expect(maxConnections(closed.value)).toBe(20);
    }
    const open = parseScenario({ ...base, stageTarget: 'rate', connections: 30, stages: [{ durationSec: 2, target: 500 }] });
    expect(open.ok).toBe(true);
    if (open.ok) expect(maxConnections(open.value)).toBe(30);
  });

  it('refuses contradictions with a message naming the field', () => {
    const err = (input: object) => {
      const r = parseScenario(input);
      return r.ok ? '' : r.error;
    };
    expect(err({ ...base, durationSec: 5, stages: [{ durationSec: 2, target: 20 }] })).toMatch(/^durationSec: set either stages or a duration/);
    expect(err({ ...base, stages: [{ durationSec: 2, target: 2.5 }] })).toMatch(/^stages\.0\.target: must be a whole number/);
    expect(err({ ...base, stages: [{ durationSec: 0, target: 20 }] })).toMatch(/^stages: last 0 s/);
    expect(err({ ...base, stages: [] })).toMatch(/^stages: needs at least one stage/);
    expect(err({ ...base, stages: [{ durationSec: -1, target: 2 }] })).toMatch(/^stages\.0\.durationSec: cannot be negative/);
    expect(err({ ...base, rate: 100, stageTarget: 'rate', stages: [{ durationSec: 2, target: 20 }] })).toMatch(/^rate: is set by the stages/);
    expect(err({ ...base, stageTarget: 'rate' })).toMatch(/^stageTarget: applies only with stages/);
    expect(
      err({ protocol: 'ws', url: 'ws://127.0.0.1:1/', mode: 'echo', stageTarget: 'rate', stages: [{ durationSec: 2, target: 20 }] }),
    ).toMatch(/^stageTarget: must be "connections" in echo mode/);
    // WebSocket rate mode: the stages give the rate, so `rate` is not required.
    expect(err({ protocol: 'ws', url: 'ws://127.0.0.1:1/', mode: 'rate', stages: [{ durationSec: 2, target: 20 }] })).toBe('');
  });
});

describe('stage-scoped thresholds', () => {
  it('parse {stage:N} and check the stage’s own figures', async () => {
    const { parseThreshold, evaluateThresholds, formatThreshold } = await import('../../src/shared/thresholds.ts');
    const t = parseThreshold('p99{stage:2} < 200ms');
    expect(t).toMatchObject({ metric: 'p99', stage: 2, limit: 200_000, operator: '<' });
    expect(formatThreshold(t)).toBe('p99{stage:2} < 200 ms');
    expect(() => parseThreshold('p99{stage:0} < 1ms')).toThrow(/numbered from 1/);
    expect(() => parseThreshold('p99{stag:1} < 1ms')).toThrow(/expected \{stage:N\}/);
    expect(() => parseThreshold('connect_p99{stage:1} < 1ms')).toThrow(/cannot name a stage/);
    const latency = (p99: number) => ({ count: 100, min: 1, mean: 1, stdev: 0, p50: 1, p90: 1, p95: 1, p99, p999: p99, max: p99 });
    const stage = (index: number, p99: number, errors: number) => ({
      index,
      startSec: index,
      endSec: index + 1,
      from: 1,
      to: 1,
      target: 'rate' as const,
      seconds: 1,
      throughput: { total: 100, perSec: 100 },
      latencyUs: latency(p99),
      errors,
      achieved: { meanConnections: 1, peakConnections: 1, perSec: 100 },
      reached: true,
    });
    // The whole run's p99 passes; stage 2's does not.
    const summary = {
      latencyUs: latency(50_000),
      throughput: { total: 200, perSec: 100, steadyPerSec: 100 },
      errors: { total: 0, byKind: {} },
      protocol: 'http',
      stages: [stage(0, 10_000, 0), stage(1, 400_000, 25)],
    } as unknown as Parameters<typeof evaluateThresholds>[1];
    const [whole, s1, s2, e2, s3] = evaluateThresholds(['p99 < 200ms', 'p99{stage:1} < 200ms', 'p99{stage:2} < 200ms', 'errors{stage:2} < 10%', 'p99{stage:3} < 1s'], summary);
    expect([whole.passed, s1.passed, s2.passed, e2.passed, s3.passed]).toEqual([true, true, false, false, false]);
    expect(s2.message).toBe('p99 of stage 2 400 ms (limit < 200 ms): failed');
    expect(e2.actual).toBeCloseTo(0.2, 9);
    expect(s3.message).toMatch(/no stage 3/);
    // Every answer of stage 2 a 503: 100 completions that are all errors are 100% errors, not 50%.
    const walled = { ...summary, stages: [stage(0, 10_000, 0), { ...stage(1, 10_000, 100), statusErrors: 100 }] } as typeof summary;
    const [wall] = evaluateThresholds(['errors{stage:2} < 60%'], walled);
    expect(wall.actual).toBe(1);
    expect(wall.passed).toBe(false);
  });

  it('a scenario refuses a threshold naming a stage it does not have', () => {
    const r = parseScenario({ protocol: 'http', url: 'http://127.0.0.1:1/', stages: [{ durationSec: 1, target: 2 }], thresholds: ['p99{stage:2} < 1s'] });
    expect(r.ok ? '' : r.error).toMatch(/^thresholds\.0: "p99\{stage:2\} < 1s" names stage 2, but there are 1 stages/);
    const none = parseScenario({ protocol: 'http', url: 'http://127.0.0.1:1/', thresholds: ['p99{stage:1} < 1s'] });
    expect(none.ok ? '' : none.error).toMatch(/no stages/);
  });
});

describe('the builder and a scenario with stages', () => {
  it('keeps the stages through an edit, and does not add a duration that would contradict them', async () => {
    const { formFromScenario, formToInput } = await import('../../src/renderer/src/scenarioForm/scenarioForm.ts');
    const parsed = parseScenario({ protocol: 'http', url: 'http://127.0.0.1:1/', stageTarget: 'rate', stages: [{ durationSec: 5, target: 100 }] });
    if (!parsed.ok) throw new Error(parsed.error);
    if (parsed.value.protocol !== 'http') throw new Error('expected an HTTP scenario');
    const form = formFromScenario('ramp', parsed.value);
    form.connections = '25';
    const again = parseScenario(formToInput(form));
    expect(again.ok ? '' : again.error).toBe('');
    if (again.ok) {
      expect(again.value.stages).toEqual([{ durationSec: 5, target: 100 }]);
      expect(concurrencyOf(again.value)).toBe(25);
      expect(again.value.durationSec).toBeUndefined();
    }
  });
});
