// Whether a stage reached its plan, and why not, from its seconds: connections refused (by kind),
// an open-model backlog that grew over the stage (the connections could not carry the rate), a
// saturated generator; a stage that kept its plan says nothing.
import { describe, expect, it } from 'vitest';
import { stageOfSecond, type Stage } from '../../src/shared/loadProfile.ts';
import { stageFigures } from '../../src/shared/result/stageFigures.ts';
import type { RunSample } from '../../src/shared/runResult.ts';

const second = (t: number, o: Partial<RunSample> = {}): RunSample => ({
  t,
  throughput: 50,
  latencyUs: { p50: 1000, p99: 2000, max: 3000, mean: 1100 },
  errors: 0,
  openConnections: 10,
  bytesSent: 0,
  bytesReceived: 0,
  cpuPercent: 20,
  loopLagMs: 1,
  loopBusyPercent: 20,
  warmup: false,
  ...o,
});
const figures = (stages: Stage[], target: 'rate' | 'connections', samples: RunSample[]) =>
  stageFigures(stages, target, samples, (t) => stageOfSecond(stages, t), new Map());

describe('stage reached or not', () => {
  it('connections refused: not reached, with the errors by kind', () => {
    const stages = [{ durationSec: 2, target: 10 }];
    const [f] = figures(stages, 'connections', [
      second(0, { openConnections: 0, throughput: 0, errors: 90, errorsByKind: { refused: 90 } }),
      second(1, { openConnections: 0, throughput: 0, errors: 100, errorsByKind: { refused: 97, timeout: 3 } }),
    ]);
    expect(f.reached).toBe(false);
    expect(f.note).toBe('reached 0 of 10 planned connections: 190 errors (refused 187, timeout 3)');
  });

  it('an open-model stage whose backlog grew: the connections could not carry the rate', () => {
    // 50/s planned, 2 connections carried about 20/s: the backlog grows by 30 a second.
    const stages = [
      { durationSec: 1, target: 50 },
      { durationSec: 3, target: 50 },
    ];
    const f = figures(stages, 'rate', [
      second(0, { throughput: 12, openConnections: 2, behind: 10 }),
      second(1, { throughput: 20, openConnections: 2, behind: 40 }),
      second(2, { throughput: 20, openConnections: 2, behind: 70 }),
      second(3, { throughput: 18, openConnections: 2, behind: 102 }),
    ]);
    expect(f[0].reached).toBe(false);
    expect(f[1].reached).toBe(false);
    // Only what grew in the stage counts: 102 − 10 carried in.
    expect(f[1].note).toBe('92 scheduled sends were still waiting at its end: 2 connections could not carry the planned 50/s (completed 19.3/s; raise connections)');
  });

  it('a flow: its rate stages plan iterations, so iterations started are what is achieved, not step completions', () => {
    // 10 iterations/s planned; each iteration makes 3 step completions. Only 6 iterations/s
    // started: 30 step completions a second must not read as the plan met (or exceeded).
    const stages = [
      { durationSec: 0, target: 10 },
      { durationSec: 3, target: 10 },
    ];
    const it = (t: number, started: number) => second(t, { throughput: started * 3, iterations: { started, completed: started, abandoned: 0 } });
    const f = figures(stages, 'rate', [it(0, 6), it(1, 6), it(2, 6)])[1];
    expect(f.throughput.perSec).toBe(18);
    expect(f.achieved.perSec).toBe(6);
    expect(f.note).toBe('started 6 iterations/s of the planned 10/s');
  });

  it('counts the stage’s unexpected statuses apart (they are completions too), and says nothing of none', () => {
    const stages = [
      { durationSec: 1, target: 10 },
      { durationSec: 1, target: 10 },
    ];
    const [calm, walled] = figures(stages, 'connections', [second(0), second(1, { errors: 50, errorsByKind: { status: 48, timeout: 2 } })]);
    expect(calm.statusErrors).toBeUndefined();
    expect(walled.statusErrors).toBe(48);
  });

  it('a backlog that drained by the stage end, or a few sends late, is not a shortfall', () => {
    const stages = [{ durationSec: 3, target: 100 }];
    const [f] = figures(stages, 'rate', [second(0, { throughput: 50, behind: 0 }), second(1, { throughput: 80, behind: 60 }), second(2, { throughput: 160, behind: 4 })]);
    expect(f.reached).toBe(true);
  });

  it('a saturated generator says so, before the backlog', () => {
    const stages = [{ durationSec: 2, target: 400 }];
    const [f] = figures(stages, 'rate', [second(0, { cpuPercent: 99, behind: 80 }), second(1, { cpuPercent: 99, behind: 300 })]);
    expect(f.reached).toBe(false);
    expect(f.note).toMatch(/^the generator was saturated: it may not have sent at the planned 400\/s; 300 scheduled sends were still waiting/);
  });

  it('a stage that kept its plan has no note', () => {
    const stages = [{ durationSec: 2, target: 50 }];
    const [f] = figures(stages, 'rate', [second(0, { behind: 0 }), second(1, { behind: 1 })]);
    expect(f).toMatchObject({ reached: true });
    expect(f.note).toBeUndefined();
  });
});
