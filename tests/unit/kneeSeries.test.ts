// The knee chart's data: judged steps sorted by offered rate whatever order the search ran them
// in (grow, then bisect), the step measuring now in its own series, latency in ms, errors in %.
import { describe, expect, it } from 'vitest';
import type { CapacityStep } from '../../src/shared/capacity.ts';
import { kneeData } from '../../src/renderer/src/capacity/kneeSeries.ts';

const step = (rate: number, achievedPerSec: number, p99Us: number, errorShare = 0): CapacityStep => ({
  rate,
  runId: rate,
  outcome: 'passed',
  achievedPerSec,
  p50Us: p99Us / 2,
  p99Us,
  errorShare,
  slos: [],
  reason: '',
});

describe('kneeData', () => {
  it('sorts steps by rate, keeps the live step apart, and converts units', () => {
    // Ran 100, 200, 400 (failed), then bisected at 283; 141 measuring now.
    const d = kneeData([step(100, 100, 10_000), step(200, 199, 20_000), step(400, 250, 900_000, 0.02), step(283, 249, 300_000)], {
      rate: 141,
      achievedPerSec: 140,
      p50Us: 6000,
      p99Us: 12_000,
      errorShare: 0,
    });
    expect(d.latency[0]).toEqual([100, 141, 200, 283, 400]);
    expect(d.latency[1]).toEqual([5, null, 10, 150, 450]);
    expect(d.latency[2]).toEqual([10, null, 20, 300, 900]);
    expect(d.latency[3]).toEqual([null, 12, null, null, null]);
    expect(d.throughput[1]).toEqual([100, null, 199, 249, 250]);
    expect(d.throughput[2]).toEqual([null, 140, null, null, null]);
    expect(d.throughput[3]).toEqual([100, 141, 200, 283, 400]);
    expect(d.errors[1]).toEqual([0, null, 0, 0, 2]);
  });

  it('is empty before the first step has a second', () => {
    const d = kneeData([], null);
    expect(d.latency).toEqual([[], [], [], []]);
  });
});
