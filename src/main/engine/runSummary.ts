// The run's summary figures, computed from the merged totals and time series.
import type { GeneratorHealth, RunSample, RunStatus, RunSummary } from '../../shared/runResult.ts';
import type { Scenario } from '../../shared/scenario.ts';
import { summarizeHistogram } from './metrics/histogramCodec.ts';
import type { RunAccumulator } from './runAccumulator.ts';

/** A worker at or above this share of one core is the bottleneck, not the target. */
export const SATURATED_CPU_PERCENT = 95;
/** Event-loop delay beyond which timestamps taken by the generator are no longer trustworthy. */
export const SATURATED_LOOP_LAG_MS = 50;
/** Share of the steady seconds that must be CPU-saturated to flag the run. */
const SATURATED_SHARE = 0.25;

export function describeLatency(scenario: Scenario): string {
  if (scenario.protocol === 'http') {
    return scenario.rate !== undefined
      ? 'HTTP request latency from each request’s scheduled send time (open model) to its complete response'
      : 'HTTP request latency from writing the request to its complete response';
  }
  switch (scenario.mode) {
    case 'echo':
      return 'WebSocket message round trip: send to echo received';
    case 'rate':
      return 'WebSocket message round trip from each message’s scheduled send time to its echo';
    case 'push':
      return 'WebSocket push delivery lag: server send timestamp to receipt';
  }
}

export function generatorHealth(samples: RunSample[], workers: number): GeneratorHealth {
  const steady = samples.filter((s) => !s.warmup);
  const considered = steady.length > 0 ? steady : samples;
  const cpuValues = considered.map((s) => s.cpuPercent);
  const maxCpuPercent = cpuValues.length ? Math.max(...cpuValues) : 0;
  const cpuPercent = cpuValues.length ? Math.round((cpuValues.reduce((a, b) => a + b, 0) / cpuValues.length) * 10) / 10 : 0;
  const maxLoopLagMs = samples.length ? Math.max(...samples.map((s) => s.loopLagMs)) : 0;
  const reasons: string[] = [];
  const hot = considered.filter((s) => s.cpuPercent >= SATURATED_CPU_PERCENT).length;
  if (hot > 0 && hot >= Math.ceil(considered.length * SATURATED_SHARE)) {
    reasons.push(`a load worker used ≥${SATURATED_CPU_PERCENT}% of a CPU core in ${hot} of ${considered.length} seconds`);
  }
  if (maxLoopLagMs > SATURATED_LOOP_LAG_MS) {
    reasons.push(`a load worker's event loop was delayed by up to ${Math.round(maxLoopLagMs)} ms`);
  }
  return { workers, cpuPercent, maxCpuPercent, maxLoopLagMs, saturated: reasons.length > 0, reasons };
}

export interface SummaryInput {
  scenario: Scenario;
  status: RunStatus;
  startedAt: number;
  endedAt: number;
  workers: number;
  acc: RunAccumulator;
  failure?: string;
  notes: string[];
}

export function buildSummary(input: SummaryInput): RunSummary {
  const { scenario, acc } = input;
  const durationSec = Math.max(0, (input.endedAt - input.startedAt) / 1000);
  const steady = acc.samples.filter((s) => !s.warmup);
  const errorsTotal = Object.values(acc.errors).reduce((a, b) => a + (b ?? 0), 0);
  const connect = summarizeHistogram(acc.connect);
  const ping = summarizeHistogram(acc.ping);
  const summary: RunSummary = {
    protocol: scenario.protocol,
    status: input.status,
    startedAt: new Date(input.startedAt).toISOString(),
    endedAt: new Date(input.endedAt).toISOString(),
    durationSec: round(durationSec, 3),
    latencyMeaning: describeLatency(scenario),
    throughput: {
      total: acc.completed,
      perSec: durationSec > 0 ? round(acc.completed / durationSec, 1) : 0,
      steadyPerSec: steady.length > 0 ? round(steady.reduce((a, s) => a + s.throughput, 0) / steady.length, 1) : null,
    },
    latencyUs: summarizeHistogram(acc.latency),
    bytes: { sent: acc.bytesSent, received: acc.bytesReceived },
    errors: { total: errorsTotal, byKind: { ...acc.errors } },
    statusCodes: { ...acc.statusCodes },
    connections: { opened: acc.opened, failed: acc.failed, peak: acc.peakOpen, connectUs: connect.count > 0 ? connect : null },
    ws:
      scenario.protocol === 'ws'
        ? {
            messagesSent: acc.ws.sent,
            messagesReceived: acc.ws.received,
            lost: acc.ws.lost,
            duplicates: acc.ws.duplicates,
            outOfOrder: acc.ws.outOfOrder,
            unmatched: acc.ws.unmatched,
            unexpectedCloses: { ...acc.ws.closes },
            connectUs: connect.count > 0 ? connect : null,
            pingUs: ping.count > 0 ? ping : null,
          }
        : null,
    generator: generatorHealth(acc.samples, input.workers),
    notes: input.notes,
  };
  if (input.failure) summary.failure = input.failure;
  return summary;
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
