// A run's per-second samples as chart data and chart descriptions: throughput, latency
// (p50/p99/max), errors and open connections over time. Used live (from progress events) and in
// reports (from the stored samples), so both draw the same charts.
import type uPlot from 'uplot';
import { planLine, profileDurationSec, stageMarks, targetAt, type Stage, type StageTarget } from '../../../shared/loadProfile.ts';
import { isPlannedSecond, type RunSample } from '../../../shared/runResult.ts';
import { sampleX } from '../../../shared/result/sampleTime.ts';
import { stageTargetOf, type Protocol, type Scenario } from '../../../shared/scenario.ts';
import { formatCount, formatUs, throughputUnit } from '../format.ts';
import type { ChartSpec, SeriesSpec } from './chartSpec.ts';

/** Latency series are drawn in milliseconds, the unit load-testers read latency in. */
export const msToText = (ms: number): string => formatUs(ms * 1000);

export interface RunSeriesData {
  throughput: uPlot.AlignedData;
  latency: uPlot.AlignedData;
  errors: uPlot.AlignedData;
  connections: uPlot.AlignedData;
}

/** Sample t is drawn at t+1 (src/shared/result/sampleTime.ts: the HTML report draws it there too). */
export { sampleX };

/** A run's load profile: its stages and what their targets are (the scenario's `stages`, `stageTarget`). */
export interface RunProfile {
  stages: Stage[];
  target: StageTarget;
}

/** The profile of a run's configuration, or null for a constant load. */
export function runProfile(config: Scenario | null | undefined): RunProfile | null {
  return config?.stages?.length ? { stages: config.stages, target: stageTargetOf(config) } : null;
}

export function runSeriesData(allSamples: RunSample[], profile: RunProfile | null = null): RunSeriesData {
  // The drain after the end is not a second of load: plotted, its burst of late answers would
  // read as a throughput spike (see RunSample.drain; the summary's note counts it).
  const samples = allSamples.filter(isPlannedSecond);
  const t = samples.map(sampleX);
  const lat = (k: 'p50' | 'p99' | 'max') => samples.map((s) => (s.latencyUs ? s.latencyUs[k] / 1000 : null));
  const throughput = samples.map((s) => s.throughput);
  const connections = samples.map((s) => s.openConnections);
  return {
    // The plan is drawn against what it asks for: an arrival rate against the completions per
    // second, a number of connections against the connections open.
    throughput: profile?.target === 'rate' ? withPlan(t, plannedRateAchieved(samples, throughput), profile.stages) : [t, throughput],
    latency: [t, lat('p50'), lat('p99'), lat('max')],
    errors: [t, samples.map((s) => s.errors)],
    connections: profile?.target === 'connections' ? withPlan(t, connections, profile.stages) : [t, connections],
  };
}

/**
 * What a rate plan is compared with: completions per second, or for a flow (its seconds carry
 * iteration counts) iterations started per second — a flow's rate plans iterations, and each
 * iteration makes several step completions.
 */
function plannedRateAchieved(samples: readonly RunSample[], throughput: number[]): number[] {
  return samples.some((s) => s.iterations !== undefined) ? samples.map((s) => s.iterations?.started ?? 0) : throughput;
}

/**
 * The achieved series and the planned one on one rising x axis: the seconds measured (the plan
 * read there too, so the legend gives both) and the plan's corners (where nothing was measured,
 * so the achieved value is null and its line spans the gap). Past the plan's end (a run's last
 * partial second, a grace period) the plan has no value.
 */
export function withPlan(x: readonly number[], achieved: ReadonlyArray<number | null>, stages: readonly Stage[]): uPlot.AlignedData {
  const end = profileDurationSec(stages);
  const rows = new Map<number, { achieved: number | null; planned: number | null }>();
  x.forEach((at, i) => rows.set(at, { achieved: achieved[i], planned: at <= end ? targetAt(stages, at) : null }));
  for (const [at, planned] of planLine(stages)) {
    const row = rows.get(at);
    // At a jump the corner before it is the plan up to that instant (targetAt gives the one after).
    if (row) row.planned = planned;
    else rows.set(at, { achieved: null, planned });
  }
  const xs = [...rows.keys()].sort((a, b) => a - b);
  return [xs, xs.map((k) => rows.get(k)!.achieved), xs.map((k) => rows.get(k)!.planned)];
}

export interface RunChartSpecs {
  throughput: ChartSpec;
  latency: ChartSpec;
  errors: ChartSpec;
  connections: ChartSpec;
}

/** The planned line: dashed, in a colour of its own, drawn across the seconds between its corners. */
const PLANNED_STYLE: Pick<SeriesSpec, 'color' | 'dash' | 'width' | 'spanGaps'> = { color: 4, dash: [6, 4], width: 1.5, spanGaps: true };

export function runChartSpecs(protocol: Protocol, warmupSec: number, xMax: number | null = null, profile: RunProfile | null = null): RunChartSpecs {
  const unit = throughputUnit(protocol);
  const count = (suffix: string) => (v: number) => `${formatCount(v)} ${suffix}`;
  const marks = profile ? stageMarks(profile.stages) : undefined;
  const planned = (target: RunProfile['target']) => profile?.target === target;
  // A flow's rate plan is in iterations: the chart shows iterations started against it.
  const iterations = protocol === 'flow' && planned('rate');
  return {
    throughput: {
      x: 'seconds',
      yLabel: iterations ? 'Iterations started (it/s)' : `Throughput (${unit})`,
      series: [
        { label: iterations ? 'Iterations started' : 'Throughput', format: count(iterations ? 'it/s' : unit), ...(planned('rate') ? { spanGaps: true } : {}) },
        ...(planned('rate') ? [{ label: 'Planned rate', format: (v: number) => `${formatCount(v, 1)}/s`, ...PLANNED_STYLE }] : []),
      ],
      warmupSec,
      xMax,
      marks,
      legendAtLastMeasured: planned('rate'),
    },
    latency: {
      x: 'seconds',
      yLabel: 'Latency (ms)',
      series: [
        { label: 'p50', format: msToText, color: 0 },
        { label: 'p99', format: msToText, color: 1 },
        { label: 'max', format: msToText, color: 3, dash: [4, 3], width: 1 },
      ],
      warmupSec,
      xMax,
      marks,
    },
    errors: {
      x: 'seconds',
      yLabel: 'Errors (per s)',
      series: [{ label: 'Errors', format: count('/s'), color: 1 }],
      yIntegers: true,
      warmupSec,
      xMax,
      marks,
    },
    connections: {
      x: 'seconds',
      yLabel: 'Open connections',
      series: [
        { label: 'Open', format: (v) => formatCount(v), color: 2, ...(planned('connections') ? { spanGaps: true } : {}) },
        ...(planned('connections') ? [{ label: 'Planned', format: (v: number) => formatCount(v, 1), ...PLANNED_STYLE }] : []),
      ],
      yIntegers: true,
      warmupSec,
      xMax,
      marks,
      legendAtLastMeasured: planned('connections'),
    },
  };
}
