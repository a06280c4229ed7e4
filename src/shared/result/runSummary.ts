// The run's summary figures, computed from the merged totals and time series. Part of the result
// model: the engine builds a summary from its accumulator, and any other source of merged
// seconds and totals (a recomputation from stored samples, a future sharded run) can too.
import { updateModeOf } from '../updateMode.ts';
import { formatUs } from '../units.ts';
import { UNFINISHED_ERROR_AGE_MS, isPlannedSecond, isSteadySecond, type ErrorKind, type RunSample, type RunStatus, type RunSummary, type ScheduleFigures, type UnfinishedFigures } from '../runResult.ts';
import { stageOfSecond } from '../loadProfile.ts';
import { plannedDurationSec, stageTargetOf, type Scenario } from '../scenario.ts';
import { heldConnectRampSec } from '../connectRamp.ts';
import { maxConnections } from '../scenarioLoad.ts';
import { generatorHealth } from './generatorHealth.ts';
import { summarizeHistogram, type Histogram } from './histogramCodec.ts';
import { describeLatency } from './latencyMeaning.ts';
import { stageFigures } from './stageFigures.ts';
import { flowFigures } from './flowFigures.ts';

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
  /** Requests or handshakes still waiting when the load stopped; null when none were. */
  readonly unfinished: UnfinishedFigures | null;
  /** Open model: scheduled sends due over the run and those that went out; null in the closed model. */
  readonly schedule?: { due: number; sent: number } | null;
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
  /** Flow runs: SHA-256 of the data rows when the scenario carries none (main's flowRowsHash.ts). */
  dataSha256?: string;
}

export function buildSummary(input: SummaryInput): RunSummary {
  const { scenario, acc } = input;
  const durationSec = Math.max(0, (input.endedAt - input.startedAt) / 1000);
  const steady = acc.samples.filter(isSteadySecond);
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
      // What completed during the load; the drain's answers (after the end) are in the total only.
      perSec: durationSec > 0 ? round(acc.samples.filter(isPlannedSecond).reduce((a, s) => a + s.throughput, 0) / durationSec, 1) : 0,
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
    generator: generatorHealth(acc.samples, input.workers, scenario.url),
    notes: [...input.notes],
  };
  if (acc.unfinished) summary.unfinished = { ...acc.unfinished };
  if (acc.schedule) {
    summary.schedule = scheduleFigures(scenario, acc.schedule, durationSec, summary.generator.saturated);
    if (summary.schedule.advice) summary.notes.push(summary.schedule.advice);
  }
  if (input.failure) summary.failure = input.failure;
  const stages = scenario.stages;
  if (stages !== undefined) {
    summary.stages = stageFigures(stages, stageTargetOf(scenario), acc.samples, (t) => stageOfSecond(stages, t), acc.stageLatency ?? new Map());
  }
  if (scenario.protocol === 'flow') {
    summary.flow = flowFigures({ scenario, samples: acc.samples, durationSec, dataSha256: input.dataSha256 });
  }
  const drained = acc.samples.filter((s) => !isPlannedSecond(s)).reduce((a, s) => a + s.throughput, 0);
  if (drained > 0) {
    summary.notes.push(
      `${drained.toLocaleString('en-US')} answers came after the planned end, while the generator waited for them (the drain): they count in the totals, not in the per-second figures.`,
    );
  }
  summary.notes.push(...healthNotes(scenario, summary));
  return summary;
}

/**
 * Whether what was still waiting when the load stopped says something about the target. A closed
 * loop always has a request in flight per connection when the clock stops: younger than the
 * answers it got, they are no news (every run said "10 requests were still waiting … (the oldest
 * for 0.0 s)", the showdown once per mode). They matter when the oldest had waited longer than
 * the slowest answer measured — the latency figures miss it (a stalled target; nothing completed)
 * — or long enough to count as an `unfinished` error.
 */
export function unfinishedMatters(unfinished: UnfinishedFigures, maxLatencyUs: number): boolean {
  if (unfinished.count === 0) return false;
  return unfinished.oldestAgeMs >= UNFINISHED_ERROR_AGE_MS || unfinished.oldestAgeMs * 1000 > maxLatencyUs;
}

/**
 * What makes a run's figures mean less than they seem: nothing completed, requests still waiting
 * at the end, a timeout longer than the run (so a stalled target could never show a timeout).
 */
function healthNotes(scenario: Scenario, summary: RunSummary): string[] {
  const notes: string[] = [];
  const what = scenario.protocol === 'http' ? 'request' : 'message';
  const mode = updateModeOf(scenario);
  if (nothingCompleted(summary) && summary.status !== 'failed') {
    notes.push(
      mode !== null
        ? 'nothing completed: no event with a "ts" creation time was delivered'
        : scenario.protocol === 'http'
        ? 'nothing completed: no request got a complete response'
        : 'nothing completed: no message was answered or received',
    );
  }
  if (summary.unfinished && unfinishedMatters(summary.unfinished, summary.latencyUs.max)) {
    const { count, oldestAgeMs } = summary.unfinished;
    // A flow's unfinished are its steps (HTTP requests, WebSocket exchanges or connects); a
    // WebSocket run's are handshakes (its messages in flight are counted by the drain).
    const waiting = scenario.protocol === 'http' ? what : scenario.protocol === 'flow' ? 'step' : 'handshake';
    notes.push(`${count.toLocaleString('en-US')} ${waiting}${count === 1 ? ' was' : 's were'} still waiting when the run ended (the oldest for ${formatUs(oldestAgeMs * 1000)})`);
  }
  const planned = plannedDurationSec(scenario);
  const short = connectionsShortNote(scenario, summary, planned);
  if (short) notes.push(short);
  const rampSec = heldConnectRampSec(scenario);
  if (scenario.protocol === 'ws' && rampSec > scenario.warmupSec && summary.status !== 'failed') {
    notes.push(
      `echo traffic waited for the connect ramp (${scenario.connections.toLocaleString('en-US')} connections at ${scenario.connectRate.toLocaleString('en-US')}/s: ${rampSec.toFixed(1)} s); its first ${Math.ceil(rampSec)} s count as warm-up`,
    );
  }
  // An open event stream or a held long poll may wait for as long as the server has nothing to
  // say: there the timeout covers the wait for the answer's headers only.
  if (planned !== undefined && scenario.timeoutSec >= planned && mode !== 'sse' && mode !== 'long-poll') {
    notes.push(
      `the timeout (${scenario.timeoutSec} s) was longer than the run (${planned} s): a ${what} slower than the run could not time out; it is counted as unfinished`,
    );
  }
  return notes;
}

/**
 * A WebSocket run whose connections never all stood open at once: how many of the planned ones
 * did, and why the rest did not (failed attempts, handshakes the run ended on, a ramp longer than
 * the run, a saturated generator), so a short peak is never mistaken for the planned load.
 */
function connectionsShortNote(scenario: Scenario, summary: RunSummary, plannedSec: number | undefined): string | null {
  if (scenario.protocol !== 'ws' || summary.status === 'failed') return null;
  const wanted = maxConnections(scenario);
  const peak = summary.connections.peak;
  if (peak >= wanted) return null;
  const why: string[] = [];
  const failedKinds = Object.entries(summary.errors.byKind)
    .filter(([kind, n]) => n !== undefined && n > 0 && kind !== 'unfinished' && kind !== 'closed')
    .map(([kind, n]) => `${kind} ${(n ?? 0).toLocaleString('en-US')}`);
  if (summary.connections.failed > 0) {
    why.push(`${summary.connections.failed.toLocaleString('en-US')} attempts failed${failedKinds.length > 0 ? ` (${failedKinds.join(', ')})` : ''}`);
  }
  const closed = summary.errors.byKind.closed ?? 0;
  if (closed > 0) why.push(`the target closed ${closed.toLocaleString('en-US')} open connections`);
  if (summary.unfinished && summary.unfinished.count > 0) {
    why.push(`${summary.unfinished.count.toLocaleString('en-US')} handshakes were still waiting when the run ended`);
  }
  const rampSec = wanted / scenario.connectRate;
  if (scenario.stages === undefined && plannedSec !== undefined && rampSec > plannedSec) {
    why.push(`the connect ramp (${rampSec.toFixed(1)} s at ${scenario.connectRate.toLocaleString('en-US')}/s) is longer than the run (${plannedSec} s)`);
  }
  if (summary.generator.saturated) why.push('the generator was saturated (handshakes wait for its event loop)');
  if (why.length === 0) why.push('the handshakes were slower than the ramp (raise the duration or lower --connect-rate)');
  return `${peak.toLocaleString('en-US')} of ${wanted.toLocaleString('en-US')} planned connections were open at peak: ${why.join('; ')}`;
}

/** A run in which no request or message completed: never a clean result, whatever the errors say. */
export function nothingCompleted(summary: Pick<RunSummary, 'throughput' | 'ws'>): boolean {
  return summary.throughput.total === 0 && (summary.ws === null || summary.ws.messagesReceived === 0);
}

/**
 * What the open model's schedule kept. The engine never opens connections beyond the scenario's
 * (k6's maxVUs): more connections change what is being tested, so the run says what it missed
 * and how many connections would carry the rate, and the user decides.
 */
export function scheduleFigures(
  scenario: Scenario,
  counts: { due: number; sent: number },
  durationSec: number,
  generatorSaturated: boolean,
): ScheduleFigures {
  const missed = Math.max(0, counts.due - counts.sent);
  const figures: ScheduleFigures = {
    due: counts.due,
    sent: counts.sent,
    missed,
    missedPercent: counts.due > 0 ? round((missed / counts.due) * 100, 1) : 0,
  };
  if (missed === 0) return figures;
  const share = `${missed.toLocaleString('en-US')} of ${counts.due.toLocaleString('en-US')} scheduled`;
  const pct = `${figures.missedPercent}%`;
  if (scenario.protocol === 'http') {
    // With a load profile the rate changes: the mean rate asked over the run stands for it.
    const rate = scenario.rate ?? (durationSec > 0 ? Math.round(counts.due / durationSec) : 0);
    const carried = durationSec > 0 ? counts.sent / durationSec : 0;
    const needed = carried > 0 ? Math.ceil((scenario.connections * rate) / carried) : undefined;
    const why = `all ${scenario.connections} connections were busy — they carried ${Math.round(carried).toLocaleString('en-US')} requests/s of the ${rate.toLocaleString('en-US')} asked`;
    const raise = needed !== undefined && needed > scenario.connections ? `; raise connections (-c) to about ${needed.toLocaleString('en-US')} (rate × latency)` : '';
    const generator = generatorSaturated ? ' (the load generator was saturated too, so part of the shortfall may be its own)' : '';
    figures.advice = `${share} requests (${pct}) never went out: ${why}${raise}${generator}`;
  } else {
    figures.advice = `${share} messages (${pct}) never went out: their connections were not open, or their send buffers stayed full (the target did not read fast enough)`;
  }
  return figures;
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
