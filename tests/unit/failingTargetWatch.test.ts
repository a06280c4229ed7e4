// The "nothing works" check: a run in which every attempt fails the same way is stopped after a
// few seconds; anything that succeeds, or a second kind of failure, resets it.
import { describe, expect, it } from 'vitest';
import type { ErrorKind, RunProgress } from '../../src/shared/runResult.ts';
import { FailingTargetWatch } from '../../src/main/services/failingTargetWatch.ts';

/** Second t with `throughput` completions and the run's error totals by kind so far. */
function second(t: number, throughput: number, totals: Partial<Record<ErrorKind, number>>): RunProgress {
  const errors = Object.values(totals).reduce((a, b) => a + (b ?? 0), 0);
  return {
    sample: { t, throughput, latencyUs: null, errors: 0, openConnections: 0, bytesSent: 0, bytesReceived: 0, cpuPercent: 0, loopLagMs: 0, warmup: t === 0 },
    elapsedSec: t + 1,
    plannedSec: 10,
    totals: { throughput: 0, errors, errorsByKind: totals },
  };
}

describe('FailingTargetWatch', () => {
  it('stops after 3 seconds of refused connections and nothing else, naming the kind and the count', () => {
    const w = new FailingTargetWatch(undefined, 'barrage run --keep-going runs to the end anyway.');
    expect(w.add(second(0, 0, { refused: 380 }))).toBeNull();
    expect(w.add(second(1, 0, { refused: 760 }))).toBeNull();
    const v = w.add(second(2, 0, { refused: 1140 }))!;
    expect(v).toMatchObject({ kind: 'refused', errors: 1140, atSec: 3 });
    expect(v.message).toBe(
      'stopped after 3 s: nothing succeeded and every attempt failed the same way — refused (connection refused), 1,140 times in 3 s. ' +
        'Is the target running at this address? (barrage run --keep-going runs to the end anyway.)',
    );
  });

  it('names no CLI flag where the caller has none to offer (the app)', () => {
    const w = new FailingTargetWatch();
    for (let t = 0; t < 2; t++) w.add(second(t, 0, { refused: 10 * (t + 1) }));
    expect(w.add(second(2, 0, { refused: 30 }))!.message).toMatch(/Is the target running at this address\?$/);
  });

  it('a success resets it: a target that answers some requests is measured to the end', () => {
    const w = new FailingTargetWatch();
    w.add(second(0, 0, { refused: 10 }));
    w.add(second(1, 0, { refused: 20 }));
    expect(w.add(second(2, 5, { refused: 30 }))).toBeNull();
    expect(w.add(second(3, 0, { refused: 40 }))).toBeNull();
    expect(w.add(second(4, 0, { refused: 50 }))).toBeNull();
    expect(w.add(second(5, 0, { refused: 60 }))?.atSec).toBe(6);
  });

  it('two kinds of failure in a second, or a change of kind, is not "the same way"', () => {
    const w = new FailingTargetWatch();
    w.add(second(0, 0, { refused: 10 }));
    w.add(second(1, 0, { refused: 20 }));
    expect(w.add(second(2, 0, { refused: 30, timeout: 1 }))).toBeNull();
    expect(w.add(second(3, 0, { refused: 30, timeout: 2 }))).toBeNull();
    expect(w.add(second(4, 0, { refused: 30, timeout: 3 }))).toBeNull();
    expect(w.add(second(5, 0, { refused: 30, timeout: 4 }))?.kind).toBe('timeout');
  });

  it('every answer an unexpected status (a 503 wall) counts as failing; quiet seconds neither count nor reset', () => {
    const w = new FailingTargetWatch();
    // Responses with an unexpected status are completions and 'status' errors.
    w.add(second(0, 100, { status: 100 }));
    expect(w.add(second(1, 0, { status: 100 }))).toBeNull(); // nothing attempted
    w.add(second(2, 100, { status: 200 }));
    expect(w.add(second(3, 100, { status: 300 }))?.kind).toBe('status');
  });
});
