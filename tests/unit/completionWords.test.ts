// What a run's throughput counts, in every place that names it: requests (HTTP), messages
// (WebSocket), events (SSE, polling and long polling: their protocol is HTTP, so the protocol
// alone cannot say it) and a flow's step completions; a flow's schedule plans iterations, and
// what a flow leaves waiting at the end are steps, not handshakes.
import { describe, expect, it } from 'vitest';
import { RunAccumulator } from '../../src/main/engine/runAccumulator.ts';
import type { WorkerSample } from '../../src/main/engine/worker/workerProtocol.ts';
import { buildSummary } from '../../src/shared/result/runSummary.ts';
import { parseScenario, type Scenario } from '../../src/shared/scenario.ts';
import { throughputUnitOf } from '../../src/shared/updateMode.ts';
import { rateUnit, formatKeyFigure, KEY_FIGURES } from '../../src/shared/comparison.ts';
import { summaryTable } from '../../src/main/cli/format/summaryTable.ts';
import { createHistogram, encodeHistogram, recordUs } from '../../src/shared/result/histogramCodec.ts';

function scenario(input: unknown): Scenario {
  const parsed = parseScenario(input);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

const http = scenario({ protocol: 'http', url: 'http://127.0.0.1:9/' });
const sse = scenario({ protocol: 'http', url: 'http://127.0.0.1:9/sse/events', sse: {} });
const poll = scenario({ protocol: 'http', url: 'http://127.0.0.1:9/events/poll', poll: { intervalMs: 200 } });
const longPoll = scenario({ protocol: 'http', url: 'http://127.0.0.1:9/events/long-poll', poll: { long: true } });
const ws = scenario({ protocol: 'ws', url: 'ws://127.0.0.1:9/ws/echo' });
const flow = scenario({
  protocol: 'flow',
  url: 'http://127.0.0.1:9',
  virtualUsers: 2,
  rate: 20,
  steps: [
    { type: 'http', name: 'list', url: '/items' },
    { type: 'http', name: 'add', method: 'POST', url: '/cart', body: '{}' },
  ],
});

describe('throughput units', () => {
  it.each([
    ['HTTP', http, 'req/s'],
    ['SSE', sse, 'events/s'],
    ['polling', poll, 'events/s'],
    ['long polling', longPoll, 'events/s'],
    ['WebSocket', ws, 'msg/s'],
    ['a flow', flow, 'steps/s'],
  ])('%s: %s', (_name, s, unit) => {
    expect(throughputUnitOf(s)).toBe(unit);
    expect(rateUnit(s)).toBe(unit);
    expect(formatKeyFigure(KEY_FIGURES[0], 1200, rateUnit(s))).toBe(`1,200 ${unit}`);
  });
});

function second(t: number, o: Partial<WorkerSample> = {}): WorkerSample {
  return {
    t,
    completed: 30,
    errors: {},
    statusCodes: { '200': 30 },
    bytesSent: 0,
    bytesReceived: 0,
    openConnections: 2,
    connectionsOpened: 2,
    connectionsFailed: 0,
    histogram: '',
    cpuPercent: 10,
    loopLagMs: 0,
    ...o,
  };
}

describe('a flow run in words', () => {
  it('says the open model scheduled iterations, and steps (not handshakes) were still waiting', () => {
    const acc = new RunAccumulator(1, 0, 2);
    acc.add(0, second(0, { schedule: { due: 20, sent: 20 } }));
    acc.add(0, second(1, { schedule: { due: 20, sent: 18 }, unfinished: { count: 3, oldestAgeMs: 1500 } }));
    acc.workerFinished(0);
    acc.flush();
    const s = buildSummary({ scenario: flow, status: 'completed', startedAt: 0, endedAt: 2000, workers: 1, acc, notes: [] });
    expect(s.notes.join('\n')).toContain('3 steps were still waiting when the run ended');
    expect(s.notes.join('\n')).not.toContain('handshake');
    const table = summaryTable(s);
    expect(table).toMatch(/38 of 40 scheduled iterations went out/);
    expect(table).toContain('step completions/s');
  });
});

describe('requests still waiting at the end: a note only when it means something', () => {
  /** 30 answers a second, 2–8 ms: the slowest measured is 8 ms. */
  const answered = () => {
    const h = createHistogram();
    for (let i = 0; i < 30; i++) recordUs(h, 2_000 + i * 200);
    return encodeHistogram(h);
  };
  const closedHttp = scenario({ protocol: 'http', url: 'http://127.0.0.1:9/', connections: 10, durationSec: 2 });
  const notesOf = (unfinished: WorkerSample['unfinished'], histogram = answered(), completed = 30) => {
    const acc = new RunAccumulator(1, 0, 2);
    acc.add(0, second(0, { histogram, completed }));
    acc.add(0, second(1, { histogram, completed, ...(unfinished ? { unfinished } : {}) }));
    acc.workerFinished(0);
    acc.flush();
    return buildSummary({ scenario: closedHttp, status: 'completed', startedAt: 0, endedAt: 2000, workers: 1, acc, notes: [] }).notes.join('\n');
  };

  it('a closed loop’s requests in flight when the clock stopped, younger than its answers: no note (was "(the oldest for 0.0 s)")', () => {
    expect(notesOf({ count: 10, oldestAgeMs: 0 })).not.toContain('still waiting');
    expect(notesOf({ count: 10, oldestAgeMs: 7 })).not.toContain('still waiting');
    expect(notesOf({ count: 0, oldestAgeMs: 0 })).not.toContain('still waiting');
  });

  it('waiting longer than the slowest answer (the latency figures miss them): said, in a unit that reads', () => {
    expect(notesOf({ count: 10, oldestAgeMs: 250 })).toContain('10 requests were still waiting when the run ended (the oldest for 250 ms)');
    expect(notesOf({ count: 1, oldestAgeMs: 9 })).toContain('1 request was still waiting when the run ended (the oldest for 9 ms)');
  });

  it('waiting a second or more (an unfinished error) is said even when a slower answer was measured', () => {
    const slow = createHistogram();
    recordUs(slow, 4_000_000);
    expect(notesOf({ count: 1200, oldestAgeMs: 1500 }, encodeHistogram(slow), 1)).toContain('1,200 requests were still waiting when the run ended (the oldest for 1.5 s)');
  });

  it('nothing answered: anything that waited is said', () => {
    expect(notesOf({ count: 10, oldestAgeMs: 40 }, '', 0)).toContain('10 requests were still waiting when the run ended (the oldest for 40 ms)');
  });
});
