// The run's summary figures, computed from the merged totals and time series. Part of the result
// model: the engine builds a summary from its accumulator, and any other source of merged
// seconds and totals (a recomputation from stored samples, a future sharded run) can too.
import type { ErrorKind, RunSample, RunStatus, RunSummary } from '../runResult.ts';
import { stageOfSecond } from '../loadProfile.ts';
import { stageTargetOf, type Scenario } from '../scenario.ts';
import { generatorHealth } from './generatorHealth.ts';
import { summarizeHistogram, type Histogram } from './histogramCodec.ts';
import { describeLatency } from './latencyMeaning.ts';
import { stageFigures } from './stageFigures.ts';

/** A run's merged totals and time series (the engine's RunAccumulator is one). */
export interface RunTotals {
  readonly latency: Histogram;
  readonly connect: Histogram;
  readonly ping: Histogram;
  readonly samples: readonly RunSample[];
  readonly completed: number;
  readonly errors: Partial<Record<ErrorKind, number>>;
  readonly statusCodes: Record<string, number>;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  readonly opened: number;
  readonly failed: number;
  readonly peakOpen: number;
  readonly ws: {
    sent: number;
    received: number;
    duplicates: number;
    outOfOrder: number;
    unmatched: number;
    lost: number;
    closes: Record<string, number>;
  };
  /** With a load profile: each stage's latencies (by 0-based stage index). */
  readonly stageLatency?: ReadonlyMap<number, Histogram>;
}


export interface SummaryInput {
  scenario: Scenario;
  status: RunStatus;
  startedAt: number;
  endedAt: number;
  workers: number;
  acc: RunTotals;
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
  const stages = scenario.stages;
  if (stages !== undefined) {
    summary.stages = stageFigures(stages, stageTargetOf(scenario), acc.samples, (t) => stageOfSecond(stages, t), acc.stageLatency ?? new Map());
  }
  return summary;
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
