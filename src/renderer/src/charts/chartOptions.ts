// uPlot options for Barrage's two kinds of chart, built from a small description (what the
// axes measure, which series, how to print a value) and the current theme. Every chart of the
// app goes through here, so they all look and behave alike.
import type uPlot from 'uplot';
import type { StageMark } from '../../../shared/loadProfile.ts';
import type { ChartSpec } from './chartSpec.ts';
import { NINES_TICKS, formatPercentile, percentileAt } from './nines.ts';
import { seriesColor, type ChartTheme } from './theme.svelte.ts';

export type { ChartSpec, SeriesSpec } from './chartSpec.ts';

/** Compact axis numbers: 950, 1.2k, 35k, 1.5M; axes have little room. */
export function compactNumber(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${trim(v / 1e9)}G`;
  if (a >= 1e6) return `${trim(v / 1e6)}M`;
  if (a >= 1e4) return `${trim(v / 1e3)}k`;
  if (a >= 1000) return `${trim(v / 1e3)}k`;
  if (a === 0) return '0';
  if (a < 0.01) return v.toExponential(0);
  return String(Number(v.toPrecision(3)));
}
const trim = (v: number) => String(Number(v.toFixed(Math.abs(v) >= 100 ? 0 : 1)));

/** Draws the warm-up seconds as a shaded band, under the series, labelled. */
function warmupBand(warmupSec: number, theme: ChartTheme, labelBelow: boolean): uPlot.Plugin {
  return {
    hooks: {
      drawAxes: (u: uPlot) => {
        if (!(warmupSec > 0) || !u.data[0]?.length) return;
        const { top, height, left, width } = u.bbox;
        const x0 = Math.max(left, u.valToPos(0, 'x', true));
        const x1 = Math.min(left + width, u.valToPos(warmupSec, 'x', true));
        if (x1 <= x0) return;
        const ctx = u.ctx;
        ctx.save();
        ctx.fillStyle = theme.warmup;
        ctx.fillRect(x0, top, x1 - x0, height);
        ctx.fillStyle = theme.axis;
        ctx.font = `${Math.round(10 * devicePixelRatio)}px sans-serif`;
        // uPlot leaves the context as its last axis drew (right-aligned); set what we need.
        ctx.textAlign = 'left';
        // Stage labels sit along the top; the warm-up's then goes to the bottom of its band.
        ctx.textBaseline = labelBelow ? 'bottom' : 'top';
        const y = labelBelow ? top + height - 4 * devicePixelRatio : top + 4 * devicePixelRatio;
        if (x1 - x0 > 50 * devicePixelRatio) ctx.fillText('warm-up', x0 + 4 * devicePixelRatio, y);
        ctx.restore();
      },
    },
  };
}

/**
 * Stage boundaries as labelled vertical marks over the plotting area. They are DOM elements in
 * uPlot's `over` layer (as uPlot's tooltip demos place theirs), not canvas strokes, so they stay
 * crisp, follow the theme's CSS, and can be read by a test or a screen reader; the `draw` hook
 * (after every redraw: new data, resize, zoom) moves them to their x.
 */
function stageMarksPlugin(marks: readonly StageMark[], theme: ChartTheme): uPlot.Plugin {
  const els: Array<{ line: HTMLDivElement; label: HTMLSpanElement }> = [];
  return {
    hooks: {
      init: (u: uPlot) => {
        const layer = document.createElement('div');
        layer.className = 'stage-marks';
        Object.assign(layer.style, { position: 'absolute', left: '0', top: '0', right: '0', bottom: '0', pointerEvents: 'none', overflow: 'hidden' });
        for (const m of marks) {
          const line = document.createElement('div');
          line.className = 'stage-mark';
          line.dataset.x = String(m.x);
          line.title = `${m.label} starts at ${m.x} s`;
          Object.assign(line.style, { position: 'absolute', top: '0', bottom: '0', width: '0', borderLeft: `1px dashed ${theme.axis}` });
          const label = document.createElement('span');
          label.className = 'stage-mark-label';
          label.textContent = m.label;
          Object.assign(label.style, {
            position: 'absolute',
            top: '1px',
            left: '3px',
            font: theme.font,
            fontSize: '10px',
            lineHeight: '12px',
            color: theme.text,
            opacity: '0.75',
            whiteSpace: 'nowrap',
          });
          line.append(label);
          layer.append(line);
          els.push({ line, label });
        }
        u.over.append(layer);
      },
      draw: (u: uPlot) => {
        const width = u.over.clientWidth;
        const xs = marks.map((m) => u.valToPos(m.x, 'x'));
        marks.forEach((m, i) => {
          const { line, label } = els[i];
          const left = xs[i];
          const visible = Number.isFinite(left) && left >= -0.5 && left <= width + 0.5;
          line.style.display = visible ? '' : 'none';
          if (!visible) return;
          line.style.left = `${Math.round(left)}px`;
          // The first stage starts on the y axis: its label, not a second line.
          line.style.borderLeftColor = left < 1 ? 'transparent' : theme.axis;
          // Room up to the next mark (or the edge): the full label, the number alone, or nothing.
          const room = (i + 1 < marks.length && Number.isFinite(xs[i + 1]) ? xs[i + 1] : width) - left;
          label.textContent = room >= 52 ? m.label : m.label.replace(/^stage /, '');
          label.style.display = room >= 12 ? '' : 'none';
        });
      },
    },
  };
}

/**
 * When the cursor is not over a time chart, its legend shows the newest second instead of
 * dashes, so the legend doubles as a readout of current values (exact numbers).
 */
/** The nines plot's legend at rest reads each curve at the 99th percentile (x = 2). */
function p99InLegend(): uPlot.Plugin {
  const nearest99 = (u: uPlot): number => {
    const xs = u.data[0] ?? [];
    let best = 0;
    xs.forEach((x, i) => {
      if (Math.abs(x - 2) < Math.abs(xs[best] - 2)) best = i;
    });
    return best;
  };
  const atRest = (u: uPlot) => (u.cursor.left ?? -1) < 0 && (u.data[0]?.length ?? 0) > 0;
  return {
    hooks: {
      setLegend: (u: uPlot) => {
        if (u.legend.idx == null && atRest(u)) u.setLegend({ idx: nearest99(u) }, false);
      },
      setData: (u: uPlot) => {
        if (atRest(u)) u.setLegend({ idx: nearest99(u) }, false);
      },
    },
  };
}

function latestInLegend(): uPlot.Plugin {
  return {
    hooks: {
      setLegend: (u: uPlot) => {
        const n = u.data[0]?.length ?? 0;
        if (u.legend.idx == null && n > 0) u.setLegend({ idx: n - 1 }, false);
      },
      // New data while the cursor is elsewhere: move the readout to the new last second.
      setData: (u: uPlot) => {
        const n = u.data[0]?.length ?? 0;
        if ((u.cursor.left ?? -1) < 0 && n > 0) u.setLegend({ idx: n - 1 }, false);
      },
    },
  };
}

/**
 * Rate charts at rest read the highest rate whose first series has a value (a measured step),
 * not a point still measuring, whose figures are in its own series and would leave dashes; time
 * charts with a planned line the last second measured, not the plan's end ahead of it.
 */
function lastMeasuredInLegend(): uPlot.Plugin {
  const lastMeasured = (u: uPlot): number => {
    const ys = u.data[1] ?? [];
    for (let i = ys.length - 1; i >= 0; i--) if (ys[i] != null) return i;
    return (u.data[0]?.length ?? 0) - 1;
  };
  return {
    hooks: {
      setLegend: (u: uPlot) => {
        if (u.legend.idx == null && (u.data[0]?.length ?? 0) > 0) u.setLegend({ idx: lastMeasured(u) }, false);
      },
      setData: (u: uPlot) => {
        if ((u.cursor.left ?? -1) < 0 && (u.data[0]?.length ?? 0) > 0) u.setLegend({ idx: lastMeasured(u) }, false);
      },
    },
  };
}

export function buildOptions(spec: ChartSpec, theme: ChartTheme): Omit<uPlot.Options, 'width' | 'height'> {
  const axisBase = {
    stroke: theme.axis,
    font: theme.font,
    labelFont: theme.font,
    grid: { stroke: theme.grid, width: 1 },
    ticks: { stroke: theme.grid, width: 1, size: 4 },
  };
  const xAxis: uPlot.Axis =
    spec.x === 'seconds'
      ? {
          ...axisBase,
          label: 'Time (s)',
          size: 28,
          labelSize: 16,
          labelGap: 0,
          // Whole seconds, in steps a person would count in.
          incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200],
          values: (_u, splits) => splits.map((v) => String(v)),
        }
      : spec.x === 'rate'
        ? {
            ...axisBase,
            label: spec.xLabel ?? 'Rate (/s)',
            size: 28,
            labelSize: 16,
            labelGap: 0,
            values: (_u, splits) => splits.map(compactNumber),
          }
      : {
          ...axisBase,
          label: 'Percentile',
          size: 28,
          labelSize: 16,
          labelGap: 0,
          splits: (_u, _i, min, max) => NINES_TICKS.map((t) => t.x).filter((x) => x >= min - 1e-9 && x <= max + 1e-9),
          values: (_u, splits) => splits.map((x) => NINES_TICKS.find((t) => Math.abs(t.x - x) < 1e-9)?.label ?? ''),
        };
  const yAxis: uPlot.Axis = {
    ...axisBase,
    label: spec.yLabel,
    labelSize: 18,
    labelGap: 0,
    size: 48,
    values: (_u, splits) => splits.map(compactNumber),
    ...(spec.yIntegers ? { incrs: [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000, 1_000_000] } : {}),
  };
  const xSeries: uPlot.Series =
    spec.x === 'seconds'
      ? { label: 'Time', value: (_u, v) => (v == null ? '–' : `${Number(v.toFixed(1))} s`) }
      : spec.x === 'rate'
        ? { label: 'Offered', value: (_u, v) => (v == null ? '–' : `${compactNumber(v)}/s`) }
      : { label: 'Percentile', value: (_u, v) => (v == null ? '–' : formatPercentile(percentileAt(v))) };

  return {
    scales: {
      x: {
        time: false,
        range:
          spec.x === 'nines'
            ? (_u, _min, max) => [0, Math.max(2, Math.ceil(max * 10) / 10)]
            : spec.x === 'rate'
              ? (_u, _min, max) => [0, Math.max(1, (max ?? 0) * 1.08, spec.xMax ?? 0)]
            : (_u, _min, max) => [0, Math.max(1, max ?? 0, spec.xMax ?? 0)],
      },
      y: {
        range: (_u, min, max) => {
          const lo = spec.yFromZero !== false ? 0 : min;
          const hi = max > lo ? max * 1.08 : lo + 1;
          return [lo, hi];
        },
      },
    },
    axes: [xAxis, yAxis],
    series: [
      xSeries,
      ...spec.series.map((s, i): uPlot.Series => ({
        label: s.label,
        stroke: seriesColor(theme, s.color ?? i),
        width: s.width ?? 1.5,
        dash: s.dash,
        // Rate charts: a point measuring now (its own series) leaves a gap in the judged ones; join across it.
        spanGaps: spec.x === 'rate' || s.spanGaps === true,
        // A rate chart's points are its measurements (one per step): always drawn.
        points: { show: spec.x === 'nines' ? false : spec.x === 'rate' ? true : (u: uPlot) => (u.data[0]?.length ?? 0) < 3, size: spec.x === 'rate' ? 7 : 5 },
        value: (_u, v) => (v == null ? '–' : s.format(v)),
      })),
    ],
    legend: { live: true },
    cursor: { drag: { x: true, y: false }, focus: { prox: 24 } },
    focus: { alpha: 0.35 },
    plugins: [
      ...(spec.warmupSec ? [warmupBand(spec.warmupSec, theme, (spec.marks?.length ?? 0) > 0)] : []),
      ...(spec.marks?.length ? [stageMarksPlugin(spec.marks, theme)] : []),
      spec.x === 'seconds' ? (spec.legendAtLastMeasured ? lastMeasuredInLegend() : latestInLegend()) : spec.x === 'rate' ? lastMeasuredInLegend() : p99InLegend(),
    ],
  };
}
