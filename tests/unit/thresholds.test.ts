import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { LatencySummary, RunSummary } from '../../src/shared/runResult.ts';
import { formatIssues } from '../../src/shared/scenario.ts';
import {
  allPassed,
  evaluateThresholds,
  formatThreshold,
  parseThreshold,
  ThresholdError,
  thresholdListSchema,
  tryParseThreshold,
  type Threshold,
} from '../../src/shared/thresholds.ts';

function errorOf(expression: string): string {
  const r = tryParseThreshold(expression);
  if (r.ok) throw new Error(`"${expression}" parsed`);
  return r.error;
}

describe('parseThreshold: valid expressions', () => {
  const cases: Array<[string, Omit<Threshold, 'expression'>]> = [
    ['p99 < 250ms', { metric: 'p99', operator: '<', limit: 250_000, unit: 'us' }],
    ['p50<20ms', { metric: 'p50', operator: '<', limit: 20_000, unit: 'us' }],
    ['p999 <= 1s', { metric: 'p999', operator: '<=', limit: 1_000_000, unit: 'us' }],
    ['p90 < 800us', { metric: 'p90', operator: '<', limit: 800, unit: 'us' }],
    ['p95 < 800µs', { metric: 'p95', operator: '<', limit: 800, unit: 'us' }],
    ['p95 < 800μs', { metric: 'p95', operator: '<', limit: 800, unit: 'us' }],
    ['mean < 5ms', { metric: 'mean', operator: '<', limit: 5000, unit: 'us' }],
    ['max < 2s', { metric: 'max', operator: '<', limit: 2_000_000, unit: 'us' }],
    ['p99 < 1.5 s', { metric: 'p99', operator: '<', limit: 1_500_000, unit: 'us' }],
    ['p99 < .5ms', { metric: 'p99', operator: '<', limit: 500, unit: 'us' }],
    ['errors < 1%', { metric: 'errors', operator: '<', limit: 0.01, unit: 'share' }],
    ['errors <= 0.5%', { metric: 'errors', operator: '<=', limit: 0.005, unit: 'share' }],
    ['errors < 10', { metric: 'errors', operator: '<', limit: 10, unit: 'count' }],
    ['errors <= 0', { metric: 'errors', operator: '<=', limit: 0, unit: 'count' }],
    ['rps > 5000', { metric: 'rps', operator: '>', limit: 5000, unit: 'per-second' }],
    ['throughput >= 5000', { metric: 'rps', operator: '>=', limit: 5000, unit: 'per-second' }],
    ['rps > 5000/s', { metric: 'rps', operator: '>', limit: 5000, unit: 'per-second' }],
    ['connect_p99 < 100ms', { metric: 'connect_p99', operator: '<', limit: 100_000, unit: 'us' }],
    ['  P99  <  250ms  ', { metric: 'p99', operator: '<', limit: 250_000, unit: 'us' }],
    ['p99.9 < 3ms', { metric: 'p999', operator: '<', limit: 3000, unit: 'us' }],
  ];
  it.each(cases)('%s', (expression, expected) => {
    expect(parseThreshold(expression)).toEqual({ expression: expression.trim(), ...expected });
  });

  it('formats the canonical spelling', () => {
    expect(formatThreshold(parseThreshold('p99<250ms'))).toBe('p99 < 250 ms');
    expect(formatThreshold(parseThreshold('errors<0.5%'))).toBe('errors < 0.5%');
    expect(formatThreshold(parseThreshold('throughput>5000'))).toBe('rps > 5,000/s');
    expect(formatThreshold(parseThreshold('p999<=1s'))).toBe('p999 <= 1 s');
  });
});

describe('parseThreshold: invalid expressions name the problem and where it is', () => {
  it('unknown metric, listing the known ones', () => {
    expect(errorOf('p98 < 250ms')).toBe(
      '"p98 < 250ms": unknown metric "p98" (known: p50, p90, p95, p99, p999, mean, max, errors, dropped, rps, connect_p99, checks; throughput is the same as rps, missed as dropped)',
    );
  });

  it.each([
    ['', '"": empty threshold; write e.g. "p99 < 250ms"'],
    ['< 250ms', '"< 250ms": expected a metric name at column 1'],
    ['p99', '"p99": missing operator and limit after "p99"; write e.g. "p99 < 250ms"'],
    ['p99 250ms', '"p99 250ms": expected <, <=, > or >= after "p99" at column 5, found "250ms"'],
    ['p99 = 250ms', '"p99 = 250ms": operator "=" at column 5 is not supported; use <, <=, > or >='],
    ['p99 == 250ms', '"p99 == 250ms": operator "==" at column 5 is not supported'],
    ['p99 <', '"p99 <": missing limit after "<"; write e.g. "p99 < 250ms"'],
    ['errors >', '"errors >": missing limit after ">"; write e.g. "errors > 1%"'],
    ['p99 < ms', '"p99 < ms": expected a number after "<" at column 7, found "ms"'],
    ['p99 < -5ms', '"p99 < -5ms": the limit cannot be negative at column 7'],
    ['p99 < 250', '"p99 < 250": the limit of p99 needs a unit: us, µs, ms or s (e.g. "p99 < 250ms")'],
    ['p99 < 250xs', '"p99 < 250xs": unknown unit "xs" for p99 at column 10 (use us, µs, ms or s)'],
    ['p99 < 250MS', '"p99 < 250MS": unknown unit "MS" for p99 at column 10'],
    ['errors < 150%', '"errors < 150%": a share of errors cannot exceed 100% at column 10'],
    ['errors < 1.5', '"errors < 1.5": a count of errors must be a whole number at column 10; add % for a share of requests'],
    ['errors < 1ms', '"errors < 1ms": errors takes % (a share of requests or messages) or no unit (a count), not "ms" at column 11'],
    ['rps > 5000ms', '"rps > 5000ms": rps is per second and takes no unit, not "ms" at column 11'],
    ['p99 < 250ms and errors < 1%', '"p99 < 250ms and errors < 1%": unexpected "and" at column 13'],
    ['p99 < 250ms,', '"p99 < 250ms,": unexpected "," at column 12'],
    ['p99 < 0ms', '"p99 < 0ms": "p99 < 0" can never pass; use <= 0 to allow none'],
  ])('%j', (expression, message) => {
    expect(errorOf(expression).startsWith(message), errorOf(expression)).toBe(true);
  });

  it('throws a ThresholdError carrying the column', () => {
    try {
      parseThreshold('p99 < 250xs');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ThresholdError);
      const e = err as ThresholdError;
      expect(e.column).toBe(10);
      expect(e.expression).toBe('p99 < 250xs');
      expect(e.problem).toBe('unknown unit "xs" for p99 at column 10 (use us, µs, ms or s)');
    }
  });
});

describe('thresholdListSchema', () => {
  it('accepts a list of valid expressions and keeps them as written', () => {
    expect(thresholdListSchema.parse(['p99 < 250ms', 'errors<1%'])).toEqual(['p99 < 250ms', 'errors<1%']);
    expect(thresholdListSchema.parse(undefined)).toEqual([]);
  });

  it('names each bad entry, in the same format as scenario errors', () => {
    const scenarioPart = z.object({ thresholds: thresholdListSchema });
    const r = scenarioPart.safeParse({ thresholds: ['p99 < 250ms', 'p98 < 1ms', 'rps > 5000ms'] });
    expect(r.success).toBe(false);
    if (r.success) return;
    const lines = formatIssues(r.error).split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^thresholds\.1: "p98 < 1ms": unknown metric "p98"/);
    expect(lines[1]).toMatch(/^thresholds\.2: "rps > 5000ms": rps is per second and takes no unit/);
    const notList = scenarioPart.safeParse({ thresholds: 'p99 < 250ms' });
    expect(notList.success).toBe(false);
    if (!notList.success) expect(formatIssues(notList.error)).toMatch(/^thresholds: must be a list of thresholds/);
    expect(thresholdListSchema.safeParse(new Array(51).fill('p99 < 1s')).success).toBe(false);
  });
});

const latency: LatencySummary = {
  count: 1000,
  min: 400,
  mean: 21_000,
  stdev: 9000,
  p50: 18_000,
  p90: 90_000,
  p95: 150_000,
  p99: 231_000,
  p999: 480_000,
  max: 1_200_000,
};

function summary(overrides: Partial<RunSummary> = {}): RunSummary {
  return {
    protocol: 'http',
    status: 'completed',
    startedAt: '2025-01-01T00:00:00.000Z',
    endedAt: '2025-01-01T00:00:10.000Z',
    durationSec: 10,
    latencyMeaning: 'HTTP request latency',
    throughput: { total: 1000, perSec: 100, steadyPerSec: 5210 },
    latencyUs: latency,
    bytes: { sent: 0, received: 0 },
    // 12 errors: 2 responses with an unexpected status (also counted in throughput) and 10 timeouts.
    errors: { total: 12, byKind: { status: 2, timeout: 10 } },
    statusCodes: { '200': 998, '500': 2 },
    connections: { opened: 10, failed: 0, peak: 10 },
    ws: null,
    generator: { workers: 1, cpuPercent: 30, maxCpuPercent: 40, maxLoopLagMs: 2, saturated: false, reasons: [] },
    notes: [],
    ...overrides,
  };
}

describe('evaluateThresholds', () => {
  it('passes and fails latency thresholds, with the boundary exclusive for < and inclusive for <=', () => {
    const results = evaluateThresholds(['p99 < 250ms', 'p99 < 200ms', 'p99 <= 231ms', 'p99 < 231ms', 'p50 < 20ms', 'max < 1s', 'p999 <= 0.5s'], summary());
    expect(results.map((r) => r.passed)).toEqual([true, false, true, false, true, false, true]);
    expect(results[0]).toEqual({
      expression: 'p99 < 250ms',
      metric: 'p99',
      actual: 231_000,
      limit: 250_000,
      unit: 'us',
      passed: true,
      message: 'p99 231 ms (limit < 250 ms): passed',
    });
    expect(results[1].message).toBe('p99 231 ms (limit < 200 ms): failed');
    expect(allPassed(results)).toBe(false);
    expect(allPassed(results.filter((r) => r.passed))).toBe(true);
  });

  it('computes the error share over every attempt, counting a bad-status response once', () => {
    // attempts = 1000 completed + 12 errors − 2 status errors (already completed) = 1010.
    const [share, loose, count, countOk] = evaluateThresholds(['errors < 1%', 'errors < 2%', 'errors < 10', 'errors <= 12'], summary());
    expect(share.actual).toBeCloseTo(12 / 1010, 12);
    expect(share.passed).toBe(false);
    expect(share.message).toBe('errors 1.19% (limit < 1%): failed');
    expect(loose.passed).toBe(true);
    expect(count).toMatchObject({ actual: 12, limit: 10, unit: 'count', passed: false, message: 'errors 12 (limit < 10): failed' });
    expect(countOk.passed).toBe(true);
  });

  it('treats a share exactly at the limit as equal', () => {
    const s = summary({ throughput: { total: 99, perSec: 9.9, steadyPerSec: 9.9 }, errors: { total: 1, byKind: { reset: 1 } } });
    const [below, atMost] = evaluateThresholds(['errors < 1%', 'errors <= 1%'], s);
    expect(below.passed).toBe(false);
    expect(atMost.passed).toBe(true);
  });

  it('uses the steady throughput for rps (and the overall rate when the run was all warm-up)', () => {
    const [rps, tput] = evaluateThresholds(['rps > 5000', 'throughput > 6000'], summary());
    expect(rps).toMatchObject({ metric: 'rps', actual: 5210, passed: true, message: 'rps 5,210/s (limit > 5,000/s): passed' });
    expect(tput.passed).toBe(false);
    const [warm] = evaluateThresholds(['rps >= 100'], summary({ throughput: { total: 1000, perSec: 100, steadyPerSec: null } }));
    expect(warm).toMatchObject({ actual: 100, passed: true });
  });

  it('fails thresholds the run gives nothing to measure on', () => {
    const [connect] = evaluateThresholds(['connect_p99 < 100ms'], summary());
    expect(connect).toMatchObject({ actual: null, passed: false, message: 'connect_p99: applies to WebSocket runs only (limit < 100 ms): failed' });
    const empty = summary({ latencyUs: { ...latency, count: 0, p99: 0 }, throughput: { total: 0, perSec: 0, steadyPerSec: 0 }, errors: { total: 0, byKind: {} } });
    const [p99, errors] = evaluateThresholds(['p99 < 250ms', 'errors < 1%'], empty);
    expect(p99).toMatchObject({ actual: null, passed: false, message: 'p99: nothing completed, no latency to measure (limit < 250 ms): failed' });
    expect(errors).toMatchObject({ actual: null, passed: false, message: 'errors: nothing was attempted (limit < 1%): failed' });
  });

  it('evaluates connect_p99 on WebSocket runs', () => {
    const ws = summary({
      protocol: 'ws',
      ws: {
        messagesSent: 1000,
        messagesReceived: 1000,
        lost: 0,
        duplicates: 0,
        outOfOrder: 0,
        unmatched: 0,
        unexpectedCloses: {},
        connectUs: { ...latency, count: 50, p99: 84_000 },
        pingUs: null,
      },
    });
    const [ok, tight] = evaluateThresholds(['connect_p99 < 100ms', 'connect_p99 < 50ms'], ws);
    expect(ok).toMatchObject({ actual: 84_000, passed: true, message: 'connect_p99 84 ms (limit < 100 ms): passed' });
    expect(tight.passed).toBe(false);
    const noHandshake = summary({ protocol: 'ws', ws: { ...ws.ws!, connectUs: null } });
    expect(evaluateThresholds(['connect_p99 < 100ms'], noHandshake)[0].message).toMatch(/no WebSocket handshake completed/);
  });

  it('accepts parsed thresholds and throws on invalid strings', () => {
    const parsed = parseThreshold('p50 < 20ms');
    expect(evaluateThresholds([parsed], summary())[0].passed).toBe(true);
    expect(() => evaluateThresholds(['p98 < 1ms'], summary())).toThrow(ThresholdError);
  });
});
