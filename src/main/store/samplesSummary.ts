// A run summary rebuilt from its stored per-second samples: what we can say about a run whose
// process died before it wrote its own summary (status 'interrupted'), or about a run that is
// still going.
//
// Each stored second keeps only its p50, p99, max and mean latency, not its histogram, so the
// whole-run latency figures are an approximation. Throughput, bytes, error totals, the
// latency count, mean and max are exact (sums, a count-weighted mean, a maximum). The
// percentiles come from a stand-in distribution per second, weighted by that second's
// completions: a log-normal through its p50 and p99 for the body (latency is roughly
// log-normal; two quantiles fix the curve), capped at its max, with the last 1% spread
// between its p99 and max. Where a second's true shape is not log-normal (a bimodal tail, for
// instance) p90/p95 are off, which is why the summary's notes say the figures are rebuilt, so
// nobody mistakes them for measured ones.
import { isPlannedSecond, isSteadySecond, type LatencySummary, type RunSample, type RunStatus, type RunSummary } from '../../shared/runResult.ts';
import type { Scenario } from '../../shared/scenario.ts';
import { HIGHEST_TRACKABLE_US, createHistogram, summarizeHistogram, type Histogram } from '../../shared/result/histogramCodec.ts';
import { generatorHealth } from '../../shared/result/generatorHealth.ts';
import { describeLatency } from '../../shared/result/latencyMeaning.ts';
import { normalQuantile } from '../../shared/stats/distributions.ts';
import { flowFigures } from '../../shared/result/flowFigures.ts';
import { flowDataSha256 } from '../flowRowsHash.ts';

export interface SamplesSummaryInput {
  config: Scenario;
  status: RunStatus;
  startedAt: string;
  samples: RunSample[];
  workers: number;
  /** Why the summary had to be rebuilt, first line of the notes. */
  reason: string;
}

export const APPROXIMATION_NOTE =
  'Latency percentiles, min and stdev are approximations rebuilt from the per-second p50, p99 and max (the run has no whole-run histogram); throughput, bytes, error totals and the latency count, mean and max are exact.';

/** Quantile points per second for the body and for the top 1%; more adds cost, not truth. */
const BODY_POINTS = 40;
const TAIL_POINTS = 5;
const Z99 = normalQuantile(0.99);

export function summarizeSamples(input: SamplesSummaryInput): RunSummary {
  const samples = [...input.samples].sort((a, b) => a.t - b.t);
  const startMs = Date.parse(input.startedAt);
  // Sample t covers [t, t+1): the stored seconds of load end at the last planned t + 1 (the
  // drain after the end is not load time).
  const planned = samples.filter(isPlannedSecond);
  const durationSec = planned.length > 0 ? planned[planned.length - 1].t + 1 : 0;
  const total = sum(samples, (s) => s.throughput);
  const plannedTotal = sum(planned, (s) => s.throughput);
  const steady = samples.filter(isSteadySecond);
  const notes = [
    input.reason,
    APPROXIMATION_NOTE,
    'Errors by kind, status codes, connection counts (other than the peak) and WebSocket message figures are not kept per second, so they are missing here.',
  ];
  const summary: RunSummary = {
    protocol: input.config.protocol,
    status: input.status,
    startedAt: new Date(startMs).toISOString(),
    endedAt: new Date(startMs + durationSec * 1000).toISOString(),
    durationSec,
    latencyMeaning: describeLatency(input.config),
    throughput: {
      total,
      perSec: durationSec > 0 ? round1(plannedTotal / durationSec) : 0,
      steadyPerSec: steady.length > 0 ? round1(sum(steady, (s) => s.throughput) / steady.length) : null,
    },
    latencyUs: approximateLatency(samples),
    bytes: { sent: sum(samples, (s) => s.bytesSent), received: sum(samples, (s) => s.bytesReceived) },
    errors: { total: sum(samples, (s) => s.errors), byKind: {} },
    statusCodes: {},
    connections: { opened: 0, failed: 0, peak: samples.reduce((m, s) => Math.max(m, s.openConnections), 0) },
    ws: null,
    generator: generatorHealth(samples, input.workers, input.config.url),
    notes,
  };
  // A flow's per-step figures are exact: each step's seconds keep their histograms and counts.
  if (input.config.protocol === 'flow') {
    summary.flow = flowFigures({ scenario: input.config, samples, durationSec, dataSha256: flowDataSha256(input.config) });
  }
  return summary;
}

function approximateLatency(samples: RunSample[]): LatencySummary {
  const h = createHistogram();
  let count = 0;
  let weightedMean = 0;
  let max = 0;
  for (const s of samples) {
    const n = s.throughput;
    if (!s.latencyUs || n <= 0) continue;
    const { p50, p99, max: top, mean } = s.latencyUs;
    count += n;
    weightedMean += mean * n;
    max = Math.max(max, top);
    const body = Math.round(n * 0.99);
    const sigma = p99 > p50 && p50 > 0 ? Math.log(p99 / p50) / Z99 : 0;
    spreadCounts(body, BODY_POINTS, (i, points) => {
      const u = (0.99 * (i + 0.5)) / points;
      return Math.min(top, p50 * Math.exp(sigma * normalQuantile(u)));
    }, h);
    spreadCounts(n - body, TAIL_POINTS, (i, points) => {
      // Evenly on a log scale from just above p99 up to the max itself.
      const from = Math.max(p99, 1);
      return from * Math.pow(Math.max(top, from) / from, (i + 1) / points);
    }, h);
  }
  const summary = summarizeHistogram(h);
  if (count === 0) return summary;
  // Exact figures replace the stand-in distribution's where we have them.
  return { ...summary, count, mean: Math.round(weightedMean / count), max, p999: Math.min(summary.p999, max) };
}

/** Records `count` values over up to `points` values from valueAt, counts summing exactly. */
function spreadCounts(count: number, points: number, valueAt: (i: number, points: number) => number, h: Histogram): void {
  if (count <= 0) return;
  const k = Math.min(points, count);
  let done = 0;
  for (let i = 0; i < k; i++) {
    const upTo = Math.round((count * (i + 1)) / k);
    const n = upTo - done;
    done = upTo;
    if (n <= 0) continue;
    // Clamped into the trackable range like recordUs, so an outlier never throws.
    const v = Math.min(HIGHEST_TRACKABLE_US, Math.max(1, Math.round(valueAt(i, k))));
    h.recordValueWithCount(v, n);
  }
}

function sum(samples: RunSample[], pick: (s: RunSample) => number): number {
  let total = 0;
  for (const s of samples) total += pick(s);
  return total;
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
