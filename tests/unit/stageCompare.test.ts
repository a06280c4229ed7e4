// One stage of a run cut out for comparison: its seconds re-based to 0, its own figures, and a
// one-line reason whenever a run has no such stage.
import { describe, expect, it } from 'vitest';
import { stageProblem, stageRun, stageSelection, parseStageNumber } from '../../src/shared/stageCompare.ts';
import { stagedRun } from '../fixtures/stagedRun.ts';
import { syntheticRun } from '../fixtures/syntheticRun.ts';

const stages = [
  { durationSec: 3, target: 20 },
  { durationSec: 0, target: 40 },
  { durationSec: 5, target: 40 },
];
const run = { ...stagedRun({ stages, target: 'connections', seed: 3 }), id: 7 };

describe('stageRun', () => {
  it('keeps the stage seconds only, from 0, with the stage summary', () => {
    const s = stageRun(run, 3);
    expect(s.samples.map((x) => x.t)).toEqual([0, 1, 2, 3, 4]);
    expect(s.samples.map((x) => x.openConnections)).toEqual([40, 40, 40, 40, 40]);
    expect(s.summary.durationSec).toBe(5);
    expect(s.summary.latencyUs).toEqual(run.summary.stages![2].latencyUs);
    expect(s.summary.throughput.total).toBe(run.summary.stages![2].throughput.total);
    expect(s.summary.connections.peak).toBe(40);
    expect(s.summary.stages).toBeUndefined();
    expect(s.summary.notes).toEqual(['stage 3 only: seconds 3–8 of the run, planned 40 connections']);
  });

  it('the run\'s warm-up stays out of the first stage\'s steady seconds', () => {
    const s = stageRun(run, 1);
    expect(s.samples.map((x) => x.warmup)).toEqual([true, false, false]);
    expect(s.summary.throughput.steadyPerSec).toBe((s.samples[1].throughput + s.samples[2].throughput) / 2);
  });

  it('a run stopped inside the stage: its cut-off last second ends the stage early', () => {
    const stopped = { ...run, summary: { ...run.summary, durationSec: 7.4 } };
    expect(stageRun(stopped, 3).summary.durationSec).toBeCloseTo(4.4, 6);
  });
});

describe('stageProblem', () => {
  it('names what is missing, in one line', () => {
    expect(stageProblem(run, 3)).toBeNull();
    expect(stageProblem(run, 4)).toBe('run 7 has 3 stages, so no stage 4');
    expect(stageProblem(run, 2)).toBe('stage 2 of run 7 is a 0 s jump and holds no second; pick the stage after it');
    expect(stageProblem({ ...syntheticRun({ seconds: 3 }), id: 9 }, 1)).toBe('run 9 has no stages (it ran a constant load), so it has no stage 1');
    const interrupted = { ...run, summary: { ...run.summary, status: 'interrupted' as const, stages: undefined } };
    expect(stageProblem(interrupted, 1)).toMatch(/^run 7 has no per-stage figures \(it is interrupted/);
  });

  it('parses stage numbers from 1', () => {
    expect(parseStageNumber(' 2 ')).toBe(2);
    expect(() => parseStageNumber('0')).toThrow('"0" is not a stage number');
    expect(() => parseStageNumber('1.5')).toThrow('is not a stage number');
  });

  it('says when the runs planned the stage differently', () => {
    const other = { ...stagedRun({ stages: [{ durationSec: 3, target: 20 }, { durationSec: 0, target: 60 }, { durationSec: 5, target: 60 }], target: 'connections', seed: 3 }), id: 8 };
    expect(stageSelection([run, other], 3).planDifference).toBe('stage 3 was planned differently: run 7 5 s of 40 connections; run 8 5 s of 60 connections');
    expect(stageSelection([run, run], 3).planDifference).toBe('');
  });
});
