// The measured table of experiment 1 in the shape of the usual articles: Factor / REST (new
// connection) / REST (keep-alive) / HTTP/2 (multiplexed) / WebSocket, grouped as cost, overhead per message, TCP
// connections, latency and communication model (experiment 2 has its own: updatesTable.ts).
// Every cell comes from a measured number; a factor that does not apply or was not measured
// says so.
import {
  EXCHANGE_MODES,
  EXCHANGE_MODE_LABELS,
  TABLE_GROUP_LABELS,
  type BreakEvenFigure,
  type ExchangeModeResult,
  type ShowdownResult,
  type ShowdownTable,
  type TableColumn,
  type TableGroup,
  type TableRow,
} from '../../shared/showdown.ts';
import { fitTable, type TableLine } from '../cli/format/fitTable.ts';
import { formatCount, formatSmallBytes, formatSmallUs, formatUs } from '../../shared/units.ts';

type Inputs = Pick<ShowdownResult, 'config' | 'exchange' | 'updates'>;
type Cells = Record<TableColumn, string>;
type Values = Record<TableColumn, number | null>;

const NOT_MEASURED = '–';


export function buildTable(r: Inputs): ShowdownTable {
  const modes = new Map<TableColumn, ExchangeModeResult>();
  for (const m of r.exchange?.modes ?? []) modes.set(m.mode, m);
  const rows: TableRow[] = [];

  const perMode = (
    id: string,
    group: TableGroup,
    factor: string,
    unit: string,
    better: TableRow['better'],
    value: (m: ExchangeModeResult) => number | null,
    cell: (v: number, m: ExchangeModeResult) => string,
  ) => {
    const values = {} as Values;
    const cells = {} as Cells;
    for (const col of EXCHANGE_MODES) {
      const m = modes.get(col);
      const v = m ? value(m) : null;
      values[col] = v;
      cells[col] = m && v !== null ? cell(v, m) : NOT_MEASURED;
    }
    if (EXCHANGE_MODES.some((c) => values[c] !== null)) rows.push({ id, group, factor, unit, values, cells, better });
  };

  // ---- cost ----
  perMode('throughput', 'cost', 'Throughput (exchanges per second)', '/s', 'higher', (m) => m.throughputPerSec, (v) => `${formatCount(v)} /s`);
  perMode(
    'bytes-per-exchange',
    'cost',
    `Bytes on the wire per exchange, both directions (payload ${r.config.payloadBytes} B each way)`,
    'B',
    'lower',
    (m) => m.bytes.sent.total + m.bytes.received.total,
    (v) => formatSmallBytes(v),
  );
  perMode('client-cpu', 'cost', 'Client CPU per exchange', 'µs', 'lower', (m) => m.generatorCpuUs, (v) => formatSmallUs(v));
  perMode('server-cpu', 'cost', 'Server CPU per exchange', 'µs', 'lower', (m) => m.serverCpuUs, (v) => formatSmallUs(v));

  // ---- overhead per message ----
  perMode('overhead-sent', 'overhead', 'Protocol overhead client → server, per exchange', 'B', 'lower', (m) => m.bytes.sent.overhead, (v) =>
    formatSmallBytes(v),
  );
  perMode('overhead-received', 'overhead', 'Protocol overhead server → client, per exchange', 'B', 'lower', (m) => m.bytes.received.overhead, (v) =>
    formatSmallBytes(v),
  );
  perMode(
    'setup-bytes',
    'overhead',
    'Bytes to open and close a connection (apart from the exchanges)',
    'B',
    'lower',
    (m) => (m.mode === 'rest-new' ? null : setupBytes(m)),
    (v, m) =>
      m.mode === 'ws' && m.setup
        ? `${formatSmallBytes(v)} (upgrade ${m.setup.openSentBytes} ↑ ${m.setup.openReceivedBytes} ↓, close ${m.setup.closeSentBytes} ↑ ${m.setup.closeReceivedBytes} ↓)`
        : m.mode === 'h2' && m.setup
          ? `${formatSmallBytes(v)} (open: preface + SETTINGS ${m.setup.openSentBytes} ↑ ${m.setup.openReceivedBytes} ↓, close: GOAWAY ${m.setup.closeSentBytes} ↑ ${m.setup.closeReceivedBytes} ↓)`
          : `${formatSmallBytes(v)} (TCP handshake only)`,
  );
  const be = r.exchange?.breakEven ?? [];
  for (const kind of ['bytes', 'time'] as const) {
    const values = { 'rest-new': null, 'rest-keepalive': null, h2: null, ws: null } as Values;
    const cells = { 'rest-new': NOT_MEASURED, 'rest-keepalive': NOT_MEASURED, h2: NOT_MEASURED, ws: 'the reference' } as Cells;
    for (const b of be) {
      const f = b[kind];
      values[b.against] = f.messages;
      cells[b.against] = breakEvenCell(f);
    }
    if (be.length > 0) {
      rows.push({
        id: `break-even-${kind}`,
        group: 'overhead',
        factor: kind === 'bytes' ? 'WebSocket connection pays for itself in bytes after' : 'WebSocket connection pays for itself in time after',
        unit: 'messages',
        values,
        cells,
        better: null,
      });
    }
  }

  // ---- TCP connections ----
  perMode('connections', 'connections', 'TCP connections opened', '', 'lower', (m) => m.connections.opened, (v, m) =>
    m.mode === 'rest-new'
      ? `${formatCount(v)} (${formatCount(m.connections.perExchange, 2)} per exchange)`
      : m.mode === 'h2'
        ? `${formatCount(v)} (all clients' requests multiplexed, reused ${formatCount(m.exchanges / Math.max(1, v))}×)`
        : `${formatCount(v)} (one per client, reused ${formatCount(m.exchanges / Math.max(1, v))}×)`,
  );
  perMode(
    'h2-streams',
    'connections',
    'Requests in flight per connection (HTTP/2 streams)',
    '',
    null,
    (m) => (m.http2 ? m.http2.peakStreams : null),
    (v, m) =>
      `${formatCount(v)} (asked ${formatCount(m.http2!.streams)}; server allows ${m.http2!.serverMaxConcurrentStreams === null ? 'any number' : formatCount(m.http2!.serverMaxConcurrentStreams)})`,
  );
  perMode('connect-time', 'connections', 'Time to open a connection (idle target, p50)', 'µs', null, (m) => m.setup?.openUs ?? null, (v, m) =>
    m.mode === 'ws' ? `${formatUs(v)} (TCP + upgrade)` : m.mode === 'h2' ? `${formatUs(v)} (TCP + SETTINGS), once` : m.mode === 'rest-new' ? `${formatUs(v)} (TCP), every request` : `${formatUs(v)} (TCP), once`,
  );

  // ---- latency ----
  perMode('latency-p50', 'latency', 'Round trip p50', 'µs', 'lower', (m) => m.latencyUs.p50, (v) => formatUs(v));
  perMode('latency-p99', 'latency', 'Round trip p99', 'µs', 'lower', (m) => m.latencyUs.p99, (v) => formatUs(v));
  perMode('latency-p999', 'latency', 'Round trip p99.9', 'µs', 'lower', (m) => m.latencyUs.p999, (v) => formatUs(v));

  // ---- communication model ----
  if (modes.size > 0) {
    rows.push({
      id: 'model',
      group: 'model',
      factor: 'Model',
      unit: '',
      values: { 'rest-new': null, 'rest-keepalive': null, h2: null, ws: null },
      // Described only where measured (HTTP/2 is left out for a server of your own without an h2 endpoint).
      cells: Object.fromEntries(EXCHANGE_MODES.map((m) => [m, modes.has(m) ? MODEL[m] : NOT_MEASURED])) as Cells,
      better: null,
    });
  }

  return { columns: EXCHANGE_MODES.map((id) => ({ id, label: EXCHANGE_MODE_LABELS[id] })), rows };
}

const MODEL: Cells = {
  'rest-new': 'request–response, new connection each',
  'rest-keepalive': 'request–response, connection reused',
  h2: 'request–response, streams multiplexed on one connection, headers compressed (HPACK)',
  ws: 'full duplex, either side sends',
};

function setupBytes(m: ExchangeModeResult): number {
  const s = m.setup;
  return s ? s.openSentBytes + s.openReceivedBytes + s.closeSentBytes + s.closeReceivedBytes : 0;
}

function breakEvenCell(f: BreakEvenFigure): string {
  if (f.messages === null) return 'never (costs more per message)';
  const n = `${formatCount(f.messages)} message${f.messages === 1 ? '' : 's'}`;
  return f.holds ? n : `${n}, then falls behind`;
}

/**
 * The table as text for the terminal: one line per factor, grouped, columns aligned — fitted to
 * `width` columns (wrapped inside the columns, or transposed when narrow: fitTable.ts).
 */
export function renderTableText<C extends string>(table: ShowdownTable<C>, width = Number.POSITIVE_INFINITY): string {
  const lines: TableLine[] = [];
  let group: TableGroup | null = null;
  for (const row of table.rows) {
    if (row.group !== group) {
      group = row.group;
      lines.push({ heading: TABLE_GROUP_LABELS[group] });
    }
    lines.push({ cells: [row.factor, ...table.columns.map((c) => row.cells[c.id])] });
  }
  return fitTable(['Factor', ...table.columns.map((c) => c.label)], lines, width);
}
