// The measured table of experiment 2, server-to-client updates: REST polling, long polling,
// Server-Sent Events and WebSocket push, in columns of their own. Its figures (delivery lag, polls per update, empty polls) are
// not request/response figures: under experiment 1's columns they would stand beside a
// "REST (new connection)" column that this experiment never measures.
import { UPDATE_MODES, UPDATE_MODE_LABELS, type ShowdownResult, type ShowdownTable, type TableRow, type UpdateModeId, type UpdateModeResult } from '../../shared/showdown.ts';
import { formatCount, formatPercent, formatSmallBytes, formatSmallUs, formatUs } from '../../shared/units.ts';

type Inputs = Pick<ShowdownResult, 'updates'>;
type Row = TableRow<UpdateModeId>;

const NOT_MEASURED = '–';

export function buildUpdatesTable(r: Inputs): ShowdownTable<UpdateModeId> | null {
  const u = r.updates;
  if (!u || u.modes.length === 0) return null;
  const byMode = new Map(u.modes.map((m) => [m.mode, m]));
  const rows: Row[] = [];
  const row = (
    id: string,
    group: Row['group'],
    factor: string,
    unit: string,
    better: Row['better'],
    value: (m: UpdateModeResult) => number | null,
    cell: (v: number, m: UpdateModeResult) => string,
  ) => {
    const values = {} as Row['values'];
    const cells = {} as Row['cells'];
    for (const col of UPDATE_MODES) {
      const m = byMode.get(col);
      const v = m ? value(m) : null;
      values[col] = v;
      cells[col] = m && v !== null ? cell(v, m) : NOT_MEASURED;
    }
    rows.push({ id, group, factor, unit, values, cells, better });
  };
  const delivered = (m: UpdateModeResult) => m.delivered > 0;

  row('update-lag-p50', 'latency', 'Delivery lag p50', 'µs', 'lower', (m) => (delivered(m) ? m.lagUs.p50 : null), (v) => formatUs(v));
  row('update-lag-p99', 'latency', 'Delivery lag p99', 'µs', 'lower', (m) => (delivered(m) ? m.lagUs.p99 : null), (v) => formatUs(v));
  row('update-delivered', 'cost', 'Updates delivered (all clients)', '', null, (m) => m.delivered, (v) => formatCount(v));
  row('update-requests', 'cost', 'Requests per delivered update', '', 'lower', (m) => m.requestsPerEvent, (v, m) =>
    m.mode === 'push' ? 'none (pushed)' : m.mode === 'sse' ? `${formatCount(v, 4)} (one per stream)` : formatCount(v, 2),
  );
  row('update-empty', 'cost', 'Empty polls', '%', 'lower', (m) => (m.emptyShare === null ? null : m.emptyShare * 100), (v, m) =>
    `${formatPercent(v / 100)} (${formatCount(m.emptyRequests)} of ${formatCount(m.requests)})`,
  );
  // Push and SSE send no polls: their cells say so rather than a dash that reads as "not measured".
  for (const m of ['sse', 'push'] as const) if (byMode.has(m)) rows[rows.length - 1].cells[m] = 'none (no polls)';
  row('update-bytes', 'cost', 'Bytes per delivered update, both directions', 'B', 'lower', (m) => (delivered(m) ? m.bytesPerEvent.sent + m.bytesPerEvent.received.total : null), (v) => formatSmallBytes(v));
  row('update-connections', 'connections', 'Connections opened (all clients)', '', 'lower', (m) => m.connectionsOpened, (v) => formatCount(v));
  row('update-client-cpu', 'cost', 'Client CPU per delivered update', 'µs', 'lower', (m) => m.generatorCpuUs, (v) => formatSmallUs(v));
  row('update-server-cpu', 'cost', 'Server CPU per delivered update', 'µs', 'lower', (m) => m.serverCpuUs, (v) => formatSmallUs(v));
  rows.push({
    id: 'update-model',
    group: 'model',
    factor: 'Model',
    unit: '',
    values: { poll: null, 'long-poll': null, sse: null, push: null },
    cells: {
      poll: `client asks every ${formatCount(u.pollIntervalMs)} ms (keep-alive connection)`,
      'long-poll': 'client asks again on each answer; the server holds a poll until an event exists',
      sse: 'server writes each event to an open HTTP response (text/event-stream)',
      push: 'server sends each event as it happens',
    },
    better: null,
  });
  // A row with nothing measured in any column says nothing: left out (server CPU without a meter).
  const kept = rows.filter((x) => x.group === 'model' || UPDATE_MODES.some((c) => x.values[c] !== null));
  // Polling and push always have a column ("–" when not measured: a showdown stopped before them);
  // long polling and SSE only when measured (a server of your own may not have them).
  const columns = UPDATE_MODES.filter((id) => id === 'poll' || id === 'push' || byMode.has(id));
  return {
    columns: columns.map((id) => ({ id, label: id === 'poll' ? `${UPDATE_MODE_LABELS.poll} (every ${formatCount(u.pollIntervalMs)} ms)` : UPDATE_MODE_LABELS[id] })),
    rows: kept,
  };
}
