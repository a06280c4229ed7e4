// The scenario in plain words, shown beside the builder: what load it will put on the target,
// so a wrong model or a missing zero is noticed before the run, not after.
import { DEFAULT_WORKERS_TEXT } from '../../../shared/workersDefault.ts';
import { DEFAULT_HTTP2_STREAMS, loadUnits, plannedDurationSec, type Scenario } from '../../../shared/scenario.ts';
import { formatCount, formatDuration } from '../format.ts';

export function describeLoad(s: Scenario): string[] {
  const lines: string[] = [];
  const planned = plannedDurationSec(s);
  const length =
    planned !== undefined
      ? `for ${formatDuration(planned)}`
      : `until ${formatCount(s.amount)} ${loadUnits(s).amount} have completed`;
  if (s.protocol === 'http') {
    const target = `${s.method} ${s.url}`;
    if (s.sse !== undefined) {
      lines.push(`Server-Sent Events: ${formatCount(s.connections)} connections each hold one event stream open (${formatCount(s.sse.connectRate)} new streams/s at most), ${length}.`);
      lines.push(`Latency is each event’s delivery lag, from a "ts" (epoch ms) in its data; a stream that ends reconnects after ${formatCount(s.sse.retryMs)} ms (or the server’s retry:) with Last-Event-ID.`);
      lines.push(`Target: ${s.url}.`);
      return lines;
    }
    if (s.poll !== undefined) {
      lines.push(
        s.poll.long
          ? `Long polling: ${formatCount(s.connections)} clients each ask again as soon as an answer arrives; the server holds a poll until an event exists, ${length}.`
          : `Polling: ${formatCount(s.connections)} clients each ask for new events every ${formatCount(s.poll.intervalMs ?? 0)} ms, ${length}.`,
      );
      lines.push('Latency is each event’s delivery lag, from its "ts" (epoch ms) to the answer that brought it.');
      lines.push(`Target: ${s.url}.`);
      return lines;
    }
    if (s.rate !== undefined) {
      lines.push(`Open model: ${formatCount(s.rate)} requests/s arrive on schedule over ${formatCount(s.connections)} connections, ${length}.`);
      lines.push('Latency counts from each request’s scheduled time, so a slow server cannot hide queueing (no coordinated omission).');
    } else if (s.http2 === true) {
      const streams = s.streams ?? DEFAULT_HTTP2_STREAMS;
      lines.push(`Closed model: ${formatCount(s.connections)} HTTP/2 connections each keep ${formatCount(streams)} requests (streams) in flight, ${length}.`);
      lines.push('Throughput is whatever the server sustains; latency is per request.');
    } else {
      lines.push(
        `Closed model: ${formatCount(s.connections)} connections each send the next request as soon as the previous one answered${s.pipelining > 1 ? ` (${s.pipelining} in flight each)` : ''}, ${length}.`,
      );
      lines.push('Throughput is whatever the server sustains; latency is per request.');
    }
    lines.push(`Target: ${target}${s.body ? ` with a ${s.bodyType === 'json' ? 'JSON' : 'text'} body of ${formatCount(new TextEncoder().encode(s.body).length)} bytes` : ''}.`);
    if (s.newConnectionPerRequest) lines.push('A new TCP connection for every request (no keep-alive).');
    if (s.http2 === true) {
      lines.push(
        `HTTP/2 (${s.url.startsWith('https:') ? 'h2, negotiated by ALPN' : 'h2c, prior knowledge'}): at most ${formatCount(s.streams ?? DEFAULT_HTTP2_STREAMS)} streams per connection, fewer if the server allows fewer.`,
      );
    }
  } else if (s.protocol === 'flow') {
    const steps = s.setup.length + s.steps.length + s.teardown.length;
    if (s.rate !== undefined) {
      lines.push(`Open model: ${formatCount(s.rate)} iterations/s start on schedule, each on a free virtual user (at most ${formatCount(s.virtualUsers)} at once), ${length}.`);
      lines.push('An iteration’s first step counts its latency from the iteration’s scheduled start, so a slow server cannot hide queueing.');
    } else {
      lines.push(`Closed model: ${formatCount(s.virtualUsers)} virtual users each run the iteration again as soon as the previous one ended, ${length}.`);
    }
    lines.push(`${steps} step${steps === 1 ? '' : 's'}: ${s.setup.length} setup, ${s.steps.length} per iteration, ${s.teardown.length} teardown; base URL ${s.url}.`);
    if (s.data?.rows) lines.push(`Data: ${formatCount(s.data.rows.length)} rows, assigned ${s.data.assign}.`);
  } else {
    lines.push(`${formatCount(s.connections)} WebSocket connections, opened at up to ${formatCount(s.connectRate)} per second, ${length}.`);
    if (s.mode === 'echo') lines.push(`Echo: each connection keeps ${s.inFlight} message${s.inFlight > 1 ? 's' : ''} awaiting its echo; latency is the round trip.`);
    if (s.mode === 'rate') lines.push(`Rate: ${formatCount(s.rate)} messages/s over all connections; latency is the round trip to each echo.`);
    if (s.mode === 'push') lines.push('Push: only listens; latency is the server’s send time to arrival (needs {"ts": …} in the messages and synchronised clocks).');
  }
  if (s.warmupSec > 0) lines.push(`Warm-up: the first ${formatDuration(s.warmupSec)} is shown but kept out of the steady-state figures.`);
  lines.push(`${s.workers ? `${s.workers} load worker${s.workers > 1 ? 's' : ''}` : `Load workers: ${DEFAULT_WORKERS_TEXT}`}; timeout ${formatDuration(s.timeoutSec)}.`);
  return lines;
}
