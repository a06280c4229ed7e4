// "Abort when breached": which thresholds a live check can decide, and that it only stops a run
// when the figures so far certainly breach (bounds, never guesses).
import { describe, expect, it } from 'vitest';
import type { RunSample } from '../../src/shared/runResult.ts';
import { parseThreshold } from '../../src/shared/thresholds.ts';
import { LiveThresholdWatch, MIN_STEADY_SECONDS, checkableLive } from '../../src/main/services/liveThresholds.ts';
import { withThresholds } from '../../src/main/services/runService.ts';
import { syntheticRun } from '../fixtures/syntheticRun.ts';

function second(t: number, o: Partial<RunSample> & { p50?: number; p99?: number; max?: number; mean?: number } = {}): RunSample {
  const p50 = o.p50 ?? 1000;
  return {
    t,
    throughput: o.throughput ?? 1000,
    latencyUs: { p50, p99: o.p99 ?? p50 * 4, max: o.max ?? p50 * 10, mean: o.mean ?? p50 * 1.2 },
    errors: o.errors ?? 0,
    openConnections: 10,
    bytesSent: 0,
    bytesReceived: 0,
    cpuPercent: 30,
    loopLagMs: 1,
    warmup: o.warmup ?? false,
  };
}

const watch = (...expressions: string[]) => new LiveThresholdWatch(expressions.map(parseThreshold));

describe('live thresholds', () => {
  it('checks only what the per-second samples can decide', () => {
    const can = (e: string) => checkableLive(parseThreshold(e));
    expect(['p99 < 250ms', 'p50 > 1ms', 'mean < 5ms', 'max < 2s', 'errors < 1%', 'errors <= 10', 'rps > 5000'].map(can)).toEqual([
      true, true, true, true, true, true, true,
    ]);
    expect(['p90 < 1ms', 'p95 < 1ms', 'p999 < 1ms', 'connect_p99 < 1ms', 'max > 1ms', 'errors > 5'].map(can)).toEqual([false, false, false, false, false, false]);
  });

  it('never checks during the warm-up', () => {
    const w = watch('max < 1ms');
    expect(w.add(second(0, { max: 50_000, warmup: true }))).toBeNull();
    // The warm-up's max counts once the warm-up is over: the final max includes it.
    expect(w.add(second(1, { max: 500 }))).toMatchObject({ index: 0, atSec: 2, expression: 'max < 1ms' });
  });

  it('stops on a percentile only when every second so far breaches it', () => {
    const w = watch('p99 < 10ms');
    expect(w.add(second(0, { p99: 20_000 }))).toMatchObject({ atSec: 1, message: expect.stringMatching(/^p99 at or above 20 ms in every second so far \(limit < 10 ms\)$/) });
    const mixed = watch('p99 < 10ms');
    expect(mixed.add(second(0, { p99: 20_000 }))).not.toBeNull();
    const good = watch('p99 < 10ms');
    expect(good.add(second(0, { p99: 5_000 }))).toBeNull();
    // One second under the limit keeps the bound under it for good: the run's p99 may still pass.
    for (let t = 1; t < 20; t++) expect(good.add(second(t, { p99: 50_000 }))).toBeNull();
  });

  it('counts errors exactly, and their share as a lower bound', () => {
    const count = watch('errors <= 5');
    expect(count.add(second(0, { errors: 3 }))).toBeNull();
    expect(count.add(second(1, { errors: 3 }))?.message).toBe('errors 6 so far (limit <= 5)');
    const share = watch('errors < 1%');
    expect(share.add(second(0, { throughput: 1000, errors: 5 }))).toBeNull();
    expect(share.add(second(1, { throughput: 1000, errors: 20 }))?.message).toBe('errors at least 1.23% of requests so far (limit < 1%)');
  });

  it('waits for enough steady seconds before judging a rate', () => {
    const w = watch('rps > 5000');
    expect(w.add(second(0, { throughput: 100, warmup: true }))).toBeNull();
    for (let t = 1; t < MIN_STEADY_SECONDS; t++) expect(w.add(second(t, { throughput: 100 }))).toBeNull();
    expect(w.add(second(MIN_STEADY_SECONDS, { throughput: 100 }))?.message).toMatch(/^100\/s over the 3 steady seconds so far \(limit > 5,000\/s\)$/);
  });

  it('weights each second\'s mean by its completions', () => {
    const w = watch('mean < 2ms');
    expect(w.add(second(0, { throughput: 900, mean: 1000 }))).toBeNull();
    // (900 × 1 ms + 100 × 12 ms) / 1000 = 2.1 ms
    expect(w.add(second(1, { throughput: 100, mean: 12_000 }))?.message).toBe('mean 2.1 ms so far (limit < 2 ms)');
  });

  it('keeps answering the first breach', () => {
    const w = watch('max < 1ms', 'errors < 1');
    const first = w.add(second(0, { max: 5000, errors: 3 }));
    expect(first?.index).toBe(0);
    expect(w.add(second(1))).toBe(first);
  });
});

describe('thresholds on the final result', () => {
  it('evaluates the scenario\'s thresholds on the summary, in order', () => {
    const run = syntheticRun({ seconds: 10 });
    const out = withThresholds(run, ['p99 < 1s', 'errors < 1'].map(parseThreshold));
    expect(out.summary.thresholds?.map((t) => [t.expression, t.passed])).toEqual([
      ['p99 < 1s', true],
      ['errors < 1', false],
    ]);
    expect(withThresholds(run, [])).toBe(run);
  });

  it('fails a threshold breached while running even when the truncated summary passes it, with a note', () => {
    const run = syntheticRun({ seconds: 10 });
    const out = withThresholds(run, [parseThreshold('p99 < 1s')], { index: 0, expression: 'p99 < 1s', atSec: 3, message: 'p99 at or above 2 s in every second so far (limit < 1 s)' });
    expect(out.summary.thresholds?.[0]).toMatchObject({ passed: false, message: expect.stringMatching(/breached while running/) });
    expect(out.summary.notes.at(-1)).toMatch(/^Stopped after 3 s because a threshold was breached/);
  });
});
