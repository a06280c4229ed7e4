// The summary of a WebSocket run whose planned connections were not all open at once says so,
// and why (src/shared/result/runSummary.ts, connectionsShortNote); echo mode's held connect ramp
// counts as warm-up (src/shared/connectRamp.ts). Known answers from hand-made seconds.
import { describe, expect, it } from 'vitest';
import { RunAccumulator } from '../../src/main/engine/runAccumulator.ts';
import type { WorkerSample } from '../../src/main/engine/worker/workerProtocol.ts';
import { buildSummary } from '../../src/shared/result/runSummary.ts';
import { parseScenario, type Scenario, type ScenarioInput } from '../../src/shared/scenario.ts';
import { heldConnectRampSec, warmupSecOf } from '../../src/shared/connectRamp.ts';

function ws(input: Partial<Extract<ScenarioInput, { protocol: 'ws' }>>): Scenario {
  const parsed = parseScenario({ protocol: 'ws', url: 'ws://127.0.0.1:9/ws/echo', ...input });
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

function second(t: number, open: number, o: Partial<WorkerSample> = {}): WorkerSample {
  return {
    t,
    completed: 0,
    errors: {},
    statusCodes: {},
    bytesSent: 0,
    bytesReceived: 0,
    openConnections: open,
    connectionsOpened: open,
    connectionsFailed: 0,
    histogram: '',
    cpuPercent: 10,
    loopLagMs: 0,
    ...o,
  };
}

function summaryOf(scenario: Scenario, seconds: WorkerSample[]) {
  const acc = new RunAccumulator(1, warmupSecOf(scenario), seconds.length);
  for (const s of seconds) acc.add(0, s);
  acc.workerFinished(0);
  acc.flush();
  return buildSummary({ scenario, status: 'completed', startedAt: 0, endedAt: seconds.length * 1000, workers: 1, acc, notes: [] });
}

const shortNote = (notes: string[]) => notes.find((n) => n.includes('planned connections were open at peak'));

describe('connections short of the plan', () => {
  it('names the peak, the plan and the handshakes the run ended on', () => {
    const scenario = ws({ connections: 10_000, connectRate: 2500, durationSec: 3 });
    const summary = summaryOf(scenario, [
      second(0, 2500),
      second(1, 5000, { connectionsOpened: 2500 }),
      second(2, 7000, { connectionsOpened: 2000, unfinished: { count: 3000, oldestAgeMs: 900 }, errors: { unfinished: 3000 } }),
    ]);
    expect(summary.connections.peak).toBe(7000);
    expect(shortNote(summary.notes)).toBe(
      '7,000 of 10,000 planned connections were open at peak: 3,000 handshakes were still waiting when the run ended; the connect ramp (4.0 s at 2,500/s) is longer than the run (3 s)',
    );
  });

  it('names failed attempts by kind', () => {
    const scenario = ws({ connections: 100, durationSec: 2 });
    const summary = summaryOf(scenario, [second(0, 60, { connectionsFailed: 40, errors: { refused: 40 } }), second(1, 0)]);
    expect(shortNote(summary.notes)).toBe('60 of 100 planned connections were open at peak: 40 attempts failed (refused 40)');
  });

  it('says nothing when every planned connection was open', () => {
    const summary = summaryOf(ws({ connections: 100, durationSec: 2 }), [second(0, 100), second(1, 0)]);
    expect(shortNote(summary.notes)).toBeUndefined();
  });
});

describe('echo mode: the held connect ramp is warm-up', () => {
  it('stretches the warm-up over connections ÷ connect rate, in echo mode without a connection profile only', () => {
    expect(heldConnectRampSec(ws({ connections: 10_000, connectRate: 2500 }))).toBe(4);
    expect(warmupSecOf(ws({ connections: 10_000, connectRate: 2500 }))).toBe(4);
    expect(warmupSecOf(ws({ connections: 10, warmupSec: 2 }))).toBe(2);
    expect(warmupSecOf(ws({ connections: 10_000, connectRate: 2500, mode: 'push' }))).toBe(1);
    expect(warmupSecOf(ws({ connections: 10_000, connectRate: 2500, mode: 'rate', rate: 100 }))).toBe(1);
    expect(warmupSecOf(ws({ stages: [{ durationSec: 5, target: 10_000 }], connectRate: 2500 }))).toBe(1);
  });

  it('keeps the held seconds out of the steady throughput and says why', () => {
    const scenario = ws({ connections: 3000, connectRate: 1000, durationSec: 5 });
    const summary = summaryOf(scenario, [
      second(0, 1000),
      second(1, 2000),
      second(2, 3000),
      second(3, 3000, { completed: 500, ws: { sent: 500, received: 500, duplicates: 0, outOfOrder: 0, unmatched: 0, lost: 0, closes: {}, pingHistogram: '' } }),
      second(4, 3000, { completed: 700, ws: { sent: 700, received: 700, duplicates: 0, outOfOrder: 0, unmatched: 0, lost: 0, closes: {}, pingHistogram: '' } }),
    ]);
    expect(summary.throughput.steadyPerSec).toBe(600);
    expect(summary.notes).toContain('echo traffic waited for the connect ramp (3,000 connections at 1,000/s: 3.0 s); its first 3 s count as warm-up');
  });
});
