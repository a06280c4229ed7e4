// A load profile on the run charts: the plan beside what was achieved (the rate on the throughput
// chart, connections on the connections chart) on one rising x axis, and a stage mark on every
// time chart, labelled as in the per-stage table.
import { describe, expect, it } from 'vitest';
import { planLine, stageMarks, type Stage } from '../../src/shared/loadProfile.ts';
import type { RunSample } from '../../src/shared/runResult.ts';
import { runChartSpecs, runProfile, runSeriesData, withPlan } from '../../src/renderer/src/charts/runSeries.ts';

const sample = (t: number, throughput: number, openConnections: number): RunSample => ({
  t,
  throughput,
  latencyUs: { p50: 1000, p99: 2000, max: 3000, mean: 1200 },
  errors: 0,
  openConnections,
  bytesSent: 0,
  bytesReceived: 0,
  cpuPercent: 10,
  loopLagMs: 1,
  warmup: t === 0,
});

// Ramp 0 → 100 in 2 s, hold 2 s, jump to 200, hold 2 s.
const stages: Stage[] = [
  { durationSec: 2, target: 100 },
  { durationSec: 2, target: 100 },
  { durationSec: 0, target: 200 },
  { durationSec: 2, target: 200 },
];

describe('stage marks and the planned line', () => {
  it('marks the start of each stage that lasts, numbered as in the table (a 0 s jump holds no time)', () => {
    expect(stageMarks(stages)).toEqual([
      { x: 0, label: 'stage 1' },
      { x: 2, label: 'stage 2' },
      { x: 4, label: 'stage 4' },
    ]);
  });

  it('draws a jump as a near-vertical step so x keeps rising', () => {
    expect(planLine(stages)).toEqual([
      [0, 0],
      [2, 100],
      [4, 100],
      [4.001, 200],
      [6, 200],
    ]);
  });
});

describe('runSeriesData with a profile', () => {
  const samples = [0, 1, 2, 3, 4, 5].map((t) => sample(t, 40 * t, 10 + t));

  it('a rate profile goes on the throughput chart: measured seconds with the plan read there, plus its corners', () => {
    const d = runSeriesData(samples, { stages, target: 'rate' });
    // Samples drawn at t + 1 (1…6); corners at 0, 2, 4, 4.001, 6.
    expect(d.throughput[0]).toEqual([0, 1, 2, 3, 4, 4.001, 5, 6]);
    expect(d.throughput[1]).toEqual([null, 0, 40, 80, 120, null, 160, 200]);
    expect(d.throughput[2]).toEqual([0, 50, 100, 100, 100, 200, 200, 200]);
    // Connections carry no plan here.
    expect(d.connections).toEqual([[1, 2, 3, 4, 5, 6], [10, 11, 12, 13, 14, 15]]);
  });

  it('a connection profile goes on the connections chart', () => {
    const d = runSeriesData(samples, { stages, target: 'connections' });
    expect(d.connections.length).toBe(3);
    expect(d.connections[2]?.[2]).toBe(100);
    expect(d.throughput.length).toBe(2);
  });

  it('past the end of the plan (a grace second) the plan has no value', () => {
    const d = withPlan([6, 7], [190, 5], stages);
    expect(d[0]).toEqual([0, 2, 4, 4.001, 6, 7]);
    expect(d[2]).toEqual([0, 100, 100, 200, 200, null]);
  });

  it('a constant load draws no plan and no marks', () => {
    const d = runSeriesData(samples);
    expect(d.throughput.length).toBe(2);
    const specs = runChartSpecs('http', 1, null, null);
    expect(specs.throughput.marks).toBeUndefined();
    expect(specs.throughput.series.map((s) => s.label)).toEqual(['Throughput']);
  });
});

describe('runChartSpecs with a profile', () => {
  it('every time chart carries the stage marks; the planned series is dashed and spans its corners', () => {
    const specs = runChartSpecs('http', 1, null, { stages, target: 'rate' });
    for (const spec of [specs.throughput, specs.latency, specs.errors, specs.connections]) {
      expect(spec.marks?.map((m) => m.label)).toEqual(['stage 1', 'stage 2', 'stage 4']);
    }
    expect(specs.throughput.series.map((s) => s.label)).toEqual(['Throughput', 'Planned rate']);
    expect(specs.throughput.series[1].dash).toEqual([6, 4]);
    expect(specs.throughput.series[0].spanGaps).toBe(true);
    expect(specs.throughput.legendAtLastMeasured).toBe(true);
    expect(specs.connections.series.map((s) => s.label)).toEqual(['Open']);
  });

  it('reads the profile from a scenario: the target follows the model', () => {
    expect(runProfile({ protocol: 'ws', mode: 'rate', stages } as never)?.target).toBe('rate');
    expect(runProfile({ protocol: 'http', stages } as never)?.target).toBe('connections');
    expect(runProfile({ protocol: 'http' } as never)).toBeNull();
  });
});
