// Merging the workers' seconds into the run's (src/main/engine/runAccumulator.ts), with samples
// handed in in a chosen order — the accumulator reads no clock: what matters is the order in
// which workers report, which real runs only produce by chance. Known answers: second t of the
// run is the sum of second t of every worker, released only when every live worker reported it;
// the last planned second waits for the workers' final flush; the totals are the seconds' sums.
import { describe, expect, it } from 'vitest';
import { isSteadySecond } from '../../src/shared/runResult.ts';
import { RunAccumulator } from '../../src/main/engine/runAccumulator.ts';
import type { WorkerSample } from '../../src/main/engine/worker/workerProtocol.ts';
import { createHistogram, encodeHistogram, histogramBuckets, recordUs } from '../../src/shared/result/histogramCodec.ts';

function histogramOf(latenciesUs: number[]): string {
  if (latenciesUs.length === 0) return '';
  const h = createHistogram();
  for (const us of latenciesUs) recordUs(h, us);
  return encodeHistogram(h);
}

function sample(t: number, latenciesUs: number[], o: Partial<WorkerSample> = {}): WorkerSample {
  return {
    t,
    completed: latenciesUs.length,
    errors: {},
    statusCodes: latenciesUs.length ? { 200: latenciesUs.length } : {},
    bytesSent: 100 * latenciesUs.length,
    bytesReceived: 1000 * latenciesUs.length,
    openConnections: 2,
    connectionsOpened: t === 0 ? 2 : 0,
    connectionsFailed: 0,
    histogram: histogramOf(latenciesUs),
    cpuPercent: 10,
    loopLagMs: 0,
    ...o,
  };
}

const tOf = (list: Array<{ t: number }>) => list.map((s) => s.t);

describe('RunAccumulator', () => {
  it('releases second t only when every worker has reported it, and merges them', () => {
    const acc = new RunAccumulator(2, 1, 5);
    expect(acc.add(0, sample(0, [1000, 1000]))).toEqual([]);
    expect(acc.add(0, sample(1, [3000]))).toEqual([]);
    // Worker 1's second 0 completes the run's second 0; second 1 still waits for it.
    const released = acc.add(1, sample(0, [2000, 2000], { openConnections: 3, cpuPercent: 40, errors: { refused: 1 } }));
    expect(released).toHaveLength(1);
    expect(released[0]).toMatchObject({
      t: 0,
      throughput: 4,
      errors: 1,
      openConnections: 5,
      bytesSent: 400,
      bytesReceived: 4000,
      cpuPercent: 40,
      warmup: true,
    });
    // The merged histogram's figures, not an average of the workers' percentiles.
    expect(released[0].latencyUs).toMatchObject({ max: 2000, mean: 1500 });
    expect(released[0].latencyUs!.p99).toBeGreaterThanOrEqual(1999);
    expect(tOf(acc.add(1, sample(1, [4000])))).toEqual([1]);
    expect(acc.samples[1]).toMatchObject({ t: 1, throughput: 2, warmup: false });
  });

  it('seconds come out in order even when a later one completes first', () => {
    const acc = new RunAccumulator(2, 0, 10);
    acc.add(0, sample(0, [1]));
    acc.add(0, sample(1, [1]));
    acc.add(1, sample(1, [1]));
    // Second 1 is complete but second 0 is not: nothing yet.
    expect(acc.samples).toEqual([]);
    expect(tOf(acc.add(1, sample(0, [1])))).toEqual([0, 1]);
  });

  it('a finished (or dead) worker no longer holds seconds back', () => {
    const acc = new RunAccumulator(2, 0, 10);
    acc.add(0, sample(0, [1]));
    acc.add(0, sample(1, [1]));
    expect(tOf(acc.workerFinished(1))).toEqual([0, 1]);
    expect(tOf(acc.add(0, sample(2, [1])))).toEqual([2]);
  });

  it('the last planned second waits for every worker to finish, and collects what comes after the end', () => {
    const acc = new RunAccumulator(2, 0, 2);
    acc.add(0, sample(0, [1]));
    acc.add(1, sample(0, [1]));
    expect(acc.add(0, sample(1, [1]))).toEqual([]);
    expect(acc.add(1, sample(1, [1]))).toEqual([]);
    // A final flush that is stamped second 2 or 3 belongs to the last planned second.
    expect(acc.add(0, sample(2, [1, 1]))).toEqual([]);
    expect(acc.workerFinished(0)).toEqual([]);
    acc.add(1, sample(3, [1]));
    const last = acc.workerFinished(1);
    expect(last).toMatchObject([{ t: 1, throughput: 5 }]);
    expect(tOf(acc.samples)).toEqual([0, 1]);
  });

  it('the drain after the planned end is its own period, one past the last second, out of the steady seconds', () => {
    const acc = new RunAccumulator(2, 0, 2);
    for (const w of [0, 1]) {
      acc.add(w, sample(0, [1]));
      acc.add(w, sample(1, [1]));
      // Answers that came while each worker waited after the end, stamped second 2 and 3.
      acc.add(w, sample(2, [1, 1, 1], { drain: true }));
      acc.add(w, sample(3, [1, 1], { drain: true }));
    }
    acc.workerFinished(0);
    acc.workerFinished(1);
    expect(acc.samples.map((s) => [s.t, s.throughput, s.drain ?? false])).toEqual([
      [0, 2, false],
      [1, 2, false],
      [2, 10, true],
    ]);
    // Counted in the totals: they are real round trips.
    expect(acc.completed).toBe(14);
    expect(acc.samples.filter(isSteadySecond).map((s) => s.t)).toEqual([0, 1]);
  });

  it('a worker that reports a second after it was released: added to it, the worse percentiles kept', () => {
    const acc = new RunAccumulator(2, 0, undefined);
    acc.add(0, sample(0, [1000]));
    // Worker 1 died; flush releases what is pending.
    expect(tOf(acc.flush())).toEqual([0]);
    const late = acc.add(1, sample(0, [9000, 9000, 9000]));
    expect(acc.workerFinished(1)).toEqual([]);
    expect(late).toEqual([]);
    const merged = acc.flush();
    expect(merged).toHaveLength(1);
    expect(acc.samples).toHaveLength(1);
    expect(acc.samples[0]).toMatchObject({ t: 0, throughput: 4 });
    expect(acc.samples[0].latencyUs!.max).toBeGreaterThanOrEqual(8990);
    // The mean weighted by the two parts' counts: (1 × 1,000 + 3 × 9,000) / 4.
    expect(Math.abs(acc.samples[0].latencyUs!.mean - 7000)).toBeLessThanOrEqual(10);
    // Both parts had histograms, so the second merges exactly: its p50 is 9,000, not the worse
    // of the parts' p50s, and its histogram holds all four latencies.
    expect(Math.abs(acc.samples[0].latencyUs!.p50 - 9000)).toBeLessThanOrEqual(10);
    expect([...histogramBuckets(acc.samples[0].histogram!)!.counts]).toEqual([1, 3]);
  });

  it('each merged second carries its histogram (all workers), and a second without completions none', () => {
    const acc = new RunAccumulator(2, 0, undefined);
    acc.add(0, sample(0, [1000, 2000]));
    acc.add(1, sample(0, [3000]));
    acc.add(0, sample(1, []));
    acc.add(1, sample(1, []));
    acc.flush();
    const [first, second] = acc.samples;
    const buckets = histogramBuckets(first.histogram!)!;
    expect([...buckets.counts]).toEqual([1, 1, 1]);
    expect(buckets.values[2]).toBeGreaterThanOrEqual(3000);
    expect(second.latencyUs).toBeNull();
    expect(second.histogram).toBeUndefined();
  });

  it('the totals are the sums of every sample added, so the time series and the summary agree', () => {
    const acc = new RunAccumulator(2, 1, 3);
    const sent: WorkerSample[] = [];
    for (let t = 0; t < 3; t++) {
      for (const w of [0, 1]) {
        const s = sample(t, Array.from({ length: 10 * (t + 1) + w }, (_, i) => 100 * (i + 1)), {
          errors: { timeout: w },
          statusCodes: { 200: 5, 503: t },
          connectionsFailed: w,
        });
        sent.push(s);
        acc.add(w, s);
      }
    }
    acc.workerFinished(0);
    acc.workerFinished(1);
    const sum = (f: (s: WorkerSample) => number) => sent.reduce((a, s) => a + f(s), 0);
    expect(acc.completed).toBe(sum((s) => s.completed));
    expect(acc.completed).toBe(acc.samples.reduce((a, s) => a + s.throughput, 0));
    expect(acc.latency.totalCount).toBe(acc.completed);
    expect(acc.errors).toEqual({ timeout: 3 });
    expect(acc.statusCodes).toEqual({ 200: 30, 503: 6 });
    expect(acc.bytesSent).toBe(sum((s) => s.bytesSent));
    expect(acc.opened).toBe(4);
    expect(acc.failed).toBe(3);
    expect(acc.peakOpen).toBe(4);
    expect(acc.samples.map((s) => s.warmup)).toEqual([true, false, false]);
  });

  it('WebSocket figures are summed, ping round trips merged', () => {
    const acc = new RunAccumulator(1, 0, undefined);
    const ws = (sent: number, lost: number) => ({ sent, received: sent - lost, duplicates: 1, outOfOrder: 0, unmatched: 0, lost, closes: { 1000: 1 }, pingHistogram: histogramOf([250]) });
    acc.add(0, sample(0, [100], { ws: ws(10, 1) }));
    acc.add(0, sample(1, [100], { ws: ws(20, 0) }));
    expect(acc.ws).toEqual({ sent: 30, received: 29, duplicates: 2, outOfOrder: 0, unmatched: 0, lost: 1, closes: { 1000: 2 } });
    expect(acc.ping.totalCount).toBe(2);
  });
});
