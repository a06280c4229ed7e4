// The run summary as a readable text table for the terminal.
import type { LatencyFigure, RunSummary } from '../../../shared/runResult.ts';
import { statusWord } from '../../../shared/runStatusWord.ts';
import { saturationAdvice } from '../../../shared/result/generatorHealth.ts';
import { formatBytes, formatCount, formatUs } from '../../../shared/units.ts';
import { latencyFigureReason, noLatencyReason } from '../../../shared/comparison.ts';
import { stageTable } from './stageTable.ts';
import { stepTable } from './stepTable.ts';

/** `targetUrl` fits the saturation advice to runs stored before the summary carried it. */
export function summaryTable(s: RunSummary, title?: string, targetUrl?: string): string {
  // Polling and event streams count events delivered (summary.poll, summary.sse).
  const unit = s.poll || s.sse ? 'events' : s.protocol === 'ws' ? 'messages' : s.protocol === 'flow' ? 'step completions' : 'requests';
  const rows: Array<[string, string]> = [];
  const l = s.latencyUs;
  rows.push(['Status', s.failure ? `${statusWord(s.status)}: ${s.failure}` : statusWord(s.status)]);
  rows.push(['Duration', `${s.durationSec.toFixed(2)} s`]);
  rows.push([`Throughput`, `${formatCount(s.throughput.perSec, 1)} ${unit}/s (${formatCount(s.throughput.total)} in all)`]);
  if (s.throughput.steadyPerSec !== null) rows.push(['  after warm-up', `${formatCount(s.throughput.steadyPerSec, 1)} ${unit}/s`]);
  rows.push(['Latency', s.latencyMeaning]);
  // An empty histogram reads 0 µs; a run where nothing completed has no latency to show (issue #10).
  const none = noLatencyReason(s);
  if (none !== null) rows.push(['  min / p50 / p99 / max', `– (${none})`]);
  else {
    // A figure an imported run's tool did not report reads "–", not its stored 0.
    const us = (f: LatencyFigure) => (latencyFigureReason(s, f) === null ? formatUs(l[f]) : '–');
    rows.push(['  min / mean / max', `${us('min')} / ${us('mean')} / ${us('max')}`]);
    rows.push(['  p50 / p90 / p95', `${us('p50')} / ${us('p90')} / ${us('p95')}`]);
    rows.push(['  p99 / p99.9', `${us('p99')} / ${us('p999')}`]);
    if (l.unreported && l.unreported.figures.some((f) => f !== 'stdev')) rows.push(['  –', l.unreported.reason]);
  }
  if (s.schedule) {
    const sc = s.schedule;
    rows.push([
      'Schedule (open model)',
      // A flow's schedule plans iterations (each arrival starts one), not step completions.
      `${formatCount(sc.sent)} of ${formatCount(sc.due)} scheduled ${s.protocol === 'flow' ? 'iterations' : unit} went out; ` +
        (sc.missed === 0 ? 'none missed' : `${formatCount(sc.missed)} (${sc.missedPercent}%) MISSED`),
    ]);
  }
  rows.push(['Bytes sent / received', `${formatBytes(s.bytes.sent)} / ${formatBytes(s.bytes.received)}`]);
  rows.push([
    'Connections',
    `${formatCount(s.connections.opened)} opened, ${formatCount(s.connections.failed)} failed, ${formatCount(s.connections.peak)} at peak`,
  ]);
  const c = s.connections.connectUs;
  if (c && s.protocol === 'http') rows.push(['  connect p50 / p99', `${formatUs(c.p50)} / ${formatUs(c.p99)}`]);
  const kinds = Object.entries(s.errors.byKind)
    .filter(([, n]) => (n ?? 0) > 0)
    .map(([k, n]) => `${k} ${formatCount(n)}`);
  rows.push(['Errors', s.errors.total === 0 ? 'none' : `${formatCount(s.errors.total)}${kinds.length ? ` (${kinds.join(', ')})` : ''}`]);
  const codes = Object.entries(s.statusCodes).map(([c, n]) => `${c}: ${formatCount(n)}`);
  if (codes.length) rows.push(['Status codes', codes.join(', ')]);
  if (s.sse) {
    const e = s.sse;
    rows.push(['Events', `${formatCount(e.events)} on ${formatCount(e.streamsOpened)} streams${e.untimed > 0 ? ` (${formatCount(e.untimed)} without a "ts": not timed)` : ''}`]);
    rows.push(['  dropped / reconnects', `${formatCount(e.drops)} / ${formatCount(e.reconnects)} (${formatCount(e.resumedWithLastEventId)} with Last-Event-ID)${e.serverRetryMs !== null ? `, server retry ${formatCount(e.serverRetryMs)} ms` : ''}`]);
    if (e.firstEventUs) rows.push(['  first event p50 / p99', `${formatUs(e.firstEventUs.p50)} / ${formatUs(e.firstEventUs.p99)}`]);
  }
  if (s.ws) {
    const w = s.ws;
    rows.push(['Messages sent / received', `${formatCount(w.messagesSent)} / ${formatCount(w.messagesReceived)}`]);
    rows.push(['  lost / duplicate / out of order', `${formatCount(w.lost)} / ${formatCount(w.duplicates)} / ${formatCount(w.outOfOrder)}`]);
    if (w.connectUs) rows.push(['Handshake p50 / p99', `${formatUs(w.connectUs.p50)} / ${formatUs(w.connectUs.p99)}`]);
    if (w.pingUs) rows.push(['Ping p50 / p99', `${formatUs(w.pingUs.p50)} / ${formatUs(w.pingUs.p99)}`]);
    const closes = Object.entries(w.unexpectedCloses).map(([c, n]) => `${c}: ${formatCount(n)}`);
    if (closes.length) rows.push(['Closed by the server', closes.join(', ')]);
  }
  const g = s.generator;
  rows.push([
    'Generator',
    `${g.workers} worker${g.workers === 1 ? '' : 's'}, CPU ${g.cpuPercent}% avg / ${g.maxCpuPercent}% max per worker, event-loop lag ≤ ${g.maxLoopLagMs} ms`,
  ]);
  if (g.saturated) {
    rows.push(['  WARNING', `generator saturated: ${g.reasons.join('; ')} — latencies describe the generator, not the target`]);
    rows.push(['  what to do', g.advice ?? saturationAdvice(targetUrl)]);
  }
  if (s.thresholds && s.thresholds.length > 0) {
    const passed = s.thresholds.filter((t) => t.passed).length;
    const all = s.thresholds.length;
    rows.push(['Thresholds', passed === all ? (all === 1 ? 'passed' : `all ${all} passed`) : `${all - passed} of ${all} FAILED`]);
    for (const t of s.thresholds) rows.push([t.passed ? '  passed' : '  FAILED', t.message.replace(/: (passed|failed)$/, '')]);
  }
  for (const note of s.notes) rows.push(['Note', note]);
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
  const stages = s.stages && s.stages.length > 0 ? `\nStages (the plan against what was achieved)\n${stageTable(s.stages)}` : '';
  const steps = s.flow ? `\nSteps (${s.flow.steps.length}; each step's latency: docs/FLOWS.md)\n${stepTable(s.flow)}` : '';
  return (title ? `${title}\n${'─'.repeat(Math.min(80, title.length))}\n` : '') + lines.join('\n') + '\n' + stages + steps;
}
