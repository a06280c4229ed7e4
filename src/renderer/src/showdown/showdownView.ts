// What the Showdown view draws from a ShowdownStatus, without any DOM: the grouped bar charts
// (from the engine's own table rows and mode results, so a chart never disagrees with the
// table), the step being run in words, which cell of a row is the best, and the run ids to
// open and compare.
import {
  EXCHANGE_MODES,
  EXCHANGE_MODE_LABELS,
  UPDATE_MODE_LABELS,
  type ExchangeModeId,
  type ShowdownConfig,
  type ShowdownResult,
  type ShowdownStatus,
  type ShowdownStep,
  type TableColumn,
  type TableRow,
  type UpdateModeId,
} from '../../../shared/showdown.ts';
import { formatCount, formatRatio, formatSmallBytes, formatSmallUs, formatUs } from '../../../shared/units.ts';

/** Palette slot (--series-N) of each mode, the same in the table, the charts and the legends. */
export const MODE_COLOR: Record<ExchangeModeId | UpdateModeId, number> = {
  'rest-new': 2,
  'rest-keepalive': 1,
  h2: 3,
  ws: 4,
  poll: 1,
  'long-poll': 3,
  sse: 5,
  push: 4,
};


export interface BarChartData {
  id: string;
  title: string;
  yLabel: string;
  note: string;
  categories: string[];
  series: Array<{ label: string; color: number; values: Array<number | null> }>;
  format: (v: number) => string;
  tickFormat?: (v: number) => string;
  /** Ratios written out under the chart ("p50: REST (new connection) 4.1× WebSocket"), so no one reads them off bar heights. */
  ratios: string[];
}

/**
 * Per category, how many times the fastest (lowest) series each other series is:
 * "p50: REST (new connection) 4.1× WebSocket · REST (keep-alive) 1.3× WebSocket". The bars of a
 * latency chart are compared by eye as ratios; written out, nobody has to.
 */
export function ratioLines(categories: string[], series: Array<{ label: string; values: Array<number | null> }>): string[] {
  const lines: string[] = [];
  categories.forEach((category, ci) => {
    const present = series
      .map((s) => ({ label: s.label, v: s.values[ci] }))
      .filter((x): x is { label: string; v: number } => x.v !== null && Number.isFinite(x.v) && x.v > 0);
    if (present.length < 2) return;
    const lowest = present.reduce((a, b) => (b.v < a.v ? b : a));
    const others = present.filter((x) => x !== lowest).sort((a, b) => b.v - a.v);
    lines.push(`${category}: ${others.map((x) => `${x.label} ${formatRatio(x.v / lowest.v)} ${lowest.label}`).join(' · ')}`);
  });
  return lines;
}

/** Axis ticks of latencies: "100 µs", "1 ms", "10 ms". */
const usTick = (v: number) => formatUs(v);

/**
 * The exchange experiment's charts: bytes and CPU per exchange, round-trip latency; and the
 * updates experiment's delivery lag, polling against push. Charts with nothing measured are left out.
 */
export function showdownCharts(result: ShowdownResult): BarChartData[] {
  const rows = new Map(result.table.rows.map((r) => [r.id, r]));
  const modes = EXCHANGE_MODES.filter((m) => result.exchange?.modes.some((x) => x.mode === m));
  const fromRows = (ids: Array<[string, string]>) => {
    const present = ids.filter(([id]) => rows.has(id));
    return {
      categories: present.map(([, label]) => label),
      series: modes.map((m) => ({
        label: EXCHANGE_MODE_LABELS[m],
        color: MODE_COLOR[m],
        values: present.map(([id]) => (rows.get(id) as TableRow).values[m]),
      })),
    };
  };
  const charts: BarChartData[] = [];
  const has = (d: { series: Array<{ values: Array<number | null> }> }) => d.series.some((s) => s.values.some((v) => v !== null));

  if (modes.length) {
    const bytes = fromRows([
      ['bytes-per-exchange', 'Total, both directions'],
      ['overhead-sent', 'Overhead client → server'],
      ['overhead-received', 'Overhead server → client'],
    ]);
    if (has(bytes)) {
      charts.push({
        id: 'bytes',
        title: 'Bytes on the wire per exchange',
        yLabel: 'Bytes (B)',
        note: `lower is better · payload ${formatCount(result.config.payloadBytes)} B each way`,
        ...bytes,
        format: formatSmallBytes,
        ratios: [],
      });
    }
    const cpu = fromRows([
      ['client-cpu', 'Client (load generator)'],
      ['server-cpu', 'Server'],
    ]);
    if (has(cpu)) {
      charts.push({ id: 'cpu', title: 'CPU time per exchange', yLabel: 'CPU time (µs)', note: 'lower is better', ...cpu, format: formatSmallUs, ratios: [] });
    }
    const latency = fromRows([
      ['latency-p50', 'p50'],
      ['latency-p99', 'p99'],
      ['latency-p999', 'p99.9'],
    ]);
    if (has(latency)) {
      charts.push({
        id: 'latency',
        title: 'Round-trip latency',
        yLabel: 'Latency',
        note: 'lower is better · linear axis',
        ...latency,
        format: formatUs,
        tickFormat: usTick,
        // The axis is linear (BarChart has no other): bar heights compare as the ratios they show.
        ratios: ratioLines(latency.categories, latency.series),
      });
    }
  }
  const updates = result.updates?.modes ?? [];
  if (updates.length) {
    const lag = {
      categories: ['p50', 'p99'],
      series: updates.map((u) => ({
        label: u.mode === 'poll' ? `${UPDATE_MODE_LABELS.poll} (every ${formatCount(result.updates!.pollIntervalMs)} ms)` : UPDATE_MODE_LABELS[u.mode],
        color: MODE_COLOR[u.mode],
        values: u.delivered > 0 ? [u.lagUs.p50, u.lagUs.p99] : [null, null],
      })),
    };
    // In the table's column order (result.updates.modes is sorted so: polling first, push last).
    if (has(lag)) {
      charts.push({
        id: 'lag',
        title: 'Update delivery lag (event created → received)',
        yLabel: 'Lag',
        note: `lower is better · ${formatCount(result.updates!.eventRate)} events/s · linear axis`,
        ...lag,
        format: formatUs,
        tickFormat: usTick,
        ratios: ratioLines(lag.categories, lag.series),
      });
    }
  }
  return charts;
}

/** The column(s) with the best value of a row, when the row has a direction and values differ. */
export function bestColumns<C extends string = TableColumn>(row: TableRow<C>): Set<C> {
  const out = new Set<C>();
  if (!row.better) return out;
  const entries = (Object.entries(row.values) as Array<[C, number | null]>).filter((e): e is [C, number] => e[1] !== null);
  if (entries.length < 2) return out;
  const pick = row.better === 'lower' ? Math.min : Math.max;
  const best = pick(...entries.map(([, v]) => v));
  if (entries.every(([, v]) => v === best)) return out;
  for (const [c, v] of entries) if (v === best) out.add(c);
  return out;
}

const PHASE_WORDS = { warmup: 'warming up', measure: 'measuring' } as const;

/** "Measuring REST (keep-alive)", "Warming up WebSocket", "Starting the demo target". */
export function describeStep(step: ShowdownStep): string {
  if (step.experiment === 'exchange' || step.experiment === 'updates') {
    const label = step.experiment === 'exchange' ? EXCHANGE_MODE_LABELS[step.mode] : UPDATE_MODE_LABELS[step.mode];
    const what = PHASE_WORDS[step.phase];
    const experiment = step.experiment === 'exchange' ? 'request/response' : 'server-to-client updates';
    return `${what[0].toUpperCase()}${what.slice(1)} ${label} · ${experiment}`;
  }
  if (step.experiment === 'setup') return 'Starting the target';
  if (step.experiment === 'probe') return 'Probing connection set-up (handshake bytes and time)';
  return 'Finishing';
}

export const ALL_MODES: Array<ExchangeModeId | UpdateModeId> = ['rest-new', 'rest-keepalive', 'h2', 'ws', 'poll', 'long-poll', 'sse', 'push'];
export const MODE_LABEL: Record<ExchangeModeId | UpdateModeId, string> = { ...EXCHANGE_MODE_LABELS, ...UPDATE_MODE_LABELS };

/** The exchange runs to compare: REST keep-alive first (the fair reference), then the others. */
export function exchangeRunIds(s: ShowdownStatus): number[] {
  const order: ExchangeModeId[] = ['rest-keepalive', 'rest-new', 'h2', 'ws'];
  return order.map((m) => s.runIds[m]).filter((id): id is number => typeof id === 'number');
}

export function updateRunIds(s: ShowdownStatus): number[] {
  return (['poll', 'long-poll', 'sse', 'push'] as const).map((m) => s.runIds[m]).filter((id): id is number => typeof id === 'number');
}

/** One line of settings: "demo target · 64 B · 10 clients · 5 s per mode". */
export function describeSettings(r: ShowdownResult): string {
  return describeConfig(r.config, r.updates);
}

/** The same from the settings alone (a showdown still running). */
export function describeConfig(c: ShowdownConfig, updates: { pollIntervalMs: number; eventRate: number } | null = null): string {
  const upd = updates ?? (c.experiments.includes('updates') && (c.httpUrl === undefined || (c.pollUrl && c.pushUrl)) ? c : null);
  const parts = [
    c.httpUrl === undefined ? 'demo target' : c.httpUrl.replace(/^https?:\/\//, ''),
    `${formatCount(c.payloadBytes)} B payload`,
    `${formatCount(c.concurrency)} client${c.concurrency === 1 ? '' : 's'}`,
    c.exchanges !== undefined ? `${formatCount(c.exchanges)} exchanges per mode` : `${formatCount(c.durationSec, 1)} s per mode`,
  ];
  if (upd) parts.push(`polling every ${formatCount(upd.pollIntervalMs)} ms, ${formatCount(upd.eventRate, 1)} events/s`);
  return parts.join(' · ');
}
