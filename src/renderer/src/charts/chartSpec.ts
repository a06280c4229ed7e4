// What a chart shows, as data: the axes, the series and how to print their values. Kept apart
// from chartOptions.ts (which builds uPlot's options and needs the DOM) so pure modules that
// describe charts — runSeries.ts, kneeSeries.ts — and their unit tests need no browser.
import type { StageMark } from '../../../shared/loadProfile.ts';

export interface SeriesSpec {
  label: string;
  /** Exact value for the legend (the chart's tooltip): "12,345 req/s", "1.23 ms". */
  format: (v: number) => string;
  /** Palette slot; defaults to the series' position. */
  color?: number;
  dash?: number[];
  width?: number;
  /** Draw the line across missing values (a planned profile known only at its corners). */
  spanGaps?: boolean;
}

export interface ChartSpec {
  /** seconds: time charts; nines: percentile plots; rate: against an arrival rate (capacity's knee chart). */
  x: 'seconds' | 'nines' | 'rate';
  /** Rate charts: the x axis title, with its unit. */
  xLabel?: string;
  /** Axis title, with its unit: "Latency (ms)". */
  yLabel: string;
  series: SeriesSpec[];
  /** Seconds at the start drawn as a warm-up band (time charts). */
  warmupSec?: number;
  /** Time charts: the x axis spans at least this many seconds (a live run's planned length). */
  xMax?: number | null;
  /** y starts at zero (counts, rates); latency axes too, so differences are not exaggerated. */
  yFromZero?: boolean;
  /** Whole-number y ticks only (counts: errors, connections). */
  yIntegers?: boolean;
  /** Time charts of a run with a load profile: a labelled vertical mark at each stage boundary. */
  marks?: StageMark[];
  /**
   * Time charts: the legend at rest reads the last x where the first series has a value (a
   * planned line runs ahead of the seconds measured so far and must not blank the readout).
   */
  legendAtLastMeasured?: boolean;
}
