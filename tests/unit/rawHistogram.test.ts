// A load worker's seconds cross to the run controller as raw counts (histogramCodec.ts
// RawHistogram) and the controller encodes each second once, for the stored sample. Known
// answers: the controller's histogram is exactly the one the worker recorded — the same encoded
// text, byte for byte, as encoding it in the worker gave before — and each second a recorder
// emits, merged by the accumulator, carries the exact histogram of that second's latencies.
import { describe, expect, it } from 'vitest';
import { RunAccumulator } from '../../src/main/engine/runAccumulator.ts';
import { SecondRecorder } from '../../src/main/engine/metrics/secondRecorder.ts';
import type { WorkerSample } from '../../src/main/engine/worker/workerProtocol.ts';
import {
  createHistogram,
  decodeHistogram,
  encodeHistogram,
  histogramFromRaw,
  rawHistogram,
  recordUs,
  HIGHEST_TRACKABLE_US,
} from '../../src/shared/result/histogramCodec.ts';
import { FakeClock } from '../support/fakeClock.ts';

/** A reproducible spread of latencies: mostly around 1 ms, a tail up to the trackable maximum. */
function latencies(seed: number, n: number): number[] {
  let x = seed;
  const next = () => ((x = (x * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = next();
    out.push(r < 0.98 ? 300 + next() * 2000 : r < 0.999 ? 10_000 + next() * 1e6 : HIGHEST_TRACKABLE_US * 2);
  }
  return out;
}

describe('raw histogram counts across the worker boundary', () => {
  it('give back exactly the recorded histogram: the same encoded text and figures', () => {
    for (const [seed, n] of [[1, 1], [2, 7], [3, 5000], [4, 40_000]] as const) {
      const h = createHistogram();
      for (const us of latencies(seed, n)) recordUs(h, us);
      const raw = rawHistogram(h)!;
      // Only the recorded span crosses, not the 60-s counts array.
      expect(raw.counts.length).toBeLessThan(createHistogram().estimatedFootprintInBytes / 4);
      // As postMessage and a child process's advanced serialization copy it.
      const back = histogramFromRaw(structuredClone(raw));
      expect(encodeHistogram(back)).toBe(encodeHistogram(h));
      const decoded = decodeHistogram(encodeHistogram(h));
      expect([back.totalCount, back.minNonZeroValue, back.maxValue]).toEqual([decoded.totalCount, decoded.minNonZeroValue, decoded.maxValue]);
      for (const p of [50, 90, 99, 99.9, 100]) expect(back.getValueAtPercentile(p)).toBe(h.getValueAtPercentile(p));
    }
  });

  it('an empty histogram sends nothing; a single value crosses as one bucket', () => {
    expect(rawHistogram(createHistogram())).toBeNull();
    const h = createHistogram();
    recordUs(h, 1234);
    const raw = rawHistogram(h)!;
    expect(raw.counts.length).toBe(1);
    expect(histogramFromRaw(raw).getValueAtPercentile(50)).toBe(1234);
  });

  it('a recorder’s seconds, merged by the accumulator, each carry the exact histogram of that second', () => {
    const START = 1_764_470_000_000;
    const clock = new FakeClock(START - 10);
    const emitted: WorkerSample[] = [];
    const recorder = new SecondRecorder(START, (s) => emitted.push(structuredClone(s)), false, clock);
    recorder.start();
    const perSecond = [latencies(5, 3000), latencies(6, 10), latencies(7, 800)];
    const expected = perSecond.map((values) => {
      const h = createHistogram();
      for (const us of values) recordUs(h, us);
      return h;
    });
    perSecond.forEach((values, t) => {
      clock.advanceTo(START + t * 1000 + 500);
      for (const us of values) recorder.completed(us);
    });
    clock.advanceTo(START + 3000);
    recorder.finish();
    // The worker sends counts, no encoded text.
    expect(emitted.slice(0, 3).every((s) => s.histogram === '' && s.latency !== undefined)).toBe(true);

    const acc = new RunAccumulator(1, 0, 3);
    for (const s of emitted) acc.add(0, s);
    acc.workerFinished(0);
    acc.flush();
    expect(acc.samples.map((s) => s.t)).toEqual([0, 1, 2]);
    acc.samples.forEach((s, t) => {
      expect(s.histogram).toBe(encodeHistogram(expected[t]));
      expect(s.throughput).toBe(perSecond[t].length);
      expect(s.latencyUs).toMatchObject({ p50: expected[t].getValueAtPercentile(50), p99: expected[t].getValueAtPercentile(99) });
    });
    // The run's histogram is the sum of its seconds.
    const all = createHistogram();
    for (const h of expected) all.add(h);
    expect(encodeHistogram(acc.latency)).toBe(encodeHistogram(all));
  });
});
