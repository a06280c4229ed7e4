// A run's per-second samples as chart data and chart descriptions: throughput, latency
// (p50/p99/max), errors and open connections over time. Used live (from progress events) and in
// reports (from the stored samples), so both draw the same charts.
import type uPlot from 'uplot';
import type { RunSample } from '../../../shared/runResult.ts';
import type { Protocol } from '../../../shared/scenario.ts';
import { formatCount, formatUs, throughputUnit } from '../format.ts';
import type { ChartSpec } from './chartOptions.ts';

/** Latency series are drawn in milliseconds, the unit load-testers read latency in. */
export const msToText = (ms: number): string => formatUs(ms * 1000);

export interface RunSeriesData {
  throughput: uPlot.AlignedData;
  latency: uPlot.AlignedData;
  errors: uPlot.AlignedData;
  connections: uPlot.AlignedData;
}

/**
 * Sample t covers the second [t, t+1); it is drawn at t+1, the moment it was complete, so a
 * live chart's last point is "now" on the run's clock and the warm-up band [0, warm-up) holds
 * exactly the warm-up seconds.
 */
export const sampleX = (s: RunSample): number => s.t + 1;

export function runSeriesData(samples: RunSample[]): RunSeriesData {
  const t = samples.map(sampleX);
  const lat = (k: 'p50' | 'p99' | 'max') => samples.map((s) => (s.latencyUs ? s.latencyUs[k] / 1000 : null));
  return {
    throughput: [t, samples.map((s) => s.throughput)],
    latency: [t, lat('p50'), lat('p99'), lat('max')],
    errors: [t, samples.map((s) => s.errors)],
    connections: [t, samples.map((s) => s.openConnections)],
  };
}

export interface RunChartSpecs {
  throughput: ChartSpec;
  latency: ChartSpec;
  errors: ChartSpec;
  connections: ChartSpec;
}

export function runChartSpecs(protocol: Protocol, warmupSec: number, xMax: number | null = null): RunChartSpecs {
  const unit = throughputUnit(protocol);
  const count = (suffix: string) => (v: number) => `${formatCount(v)} ${suffix}`;
  return {
    throughput: {
      x: 'seconds',
      yLabel: `Throughput (${unit})`,
      series: [{ label: 'Throughput', format: count(unit) }],
      warmupSec,
      xMax,
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
    },
    errors: {
      x: 'seconds',
      yLabel: 'Errors (per s)',
      series: [{ label: 'Errors', format: count('/s'), color: 1 }],
      yIntegers: true,
      warmupSec,
      xMax,
    },
    connections: {
      x: 'seconds',
      yLabel: 'Open connections',
      series: [{ label: 'Open', format: (v) => formatCount(v), color: 2 }],
      yIntegers: true,
      warmupSec,
      xMax,
    },
  };
}
