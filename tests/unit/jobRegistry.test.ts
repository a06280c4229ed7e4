// The job registry: every status change of a long job is pushed as it happens (the transports
// forward it as ab.changed / showdown.changed), so no view polls; start/get/stop/list.
import { describe, expect, it } from 'vitest';
import { JobRegistry, type JobChange } from '../../src/main/services/jobRegistry.ts';
import { forwardJobEvents } from '../../src/main/services/runEvents.ts';
import type { AbStatus } from '../../src/shared/ab.ts';

function abStatus(groupId: string, state: AbStatus['state'], runs = 0): AbStatus {
  return {
    groupId,
    state,
    scenarioA: { id: 1, name: 'a' },
    scenarioB: { id: 2, name: 'b' },
    rounds: 4,
    warmupSec: 0,
    runs: Array.from({ length: runs }, (_, i) => ({ runId: i + 1, side: i % 2 ? 'B' : 'A', round: 1 + (i >> 1), status: 'completed', throughputPerSec: 1, p50Us: 1, p99Us: 1 })),
    current: null,
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: null,
    comparisons: null,
    worse: null,
    error: null,
  };
}

/** A job driven by hand: each call to step() is one status change. */
function fakeJob(id: string) {
  let status = abStatus(id, 'running');
  let update: (s: AbStatus) => void = () => {};
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => (finish = resolve));
  let stopped = false;
  return {
    launch: (u: (s: AbStatus) => void) => {
      update = u;
      return { id, status: () => status, stop: () => (stopped = true), done };
    },
    step(runs: number) {
      status = abStatus(id, 'running', runs);
      update(status);
    },
    end() {
      status = abStatus(id, 'completed', status.runs.length);
      update(status);
      finish();
    },
    get stopped() {
      return stopped;
    },
  };
}

describe('the job registry', () => {
  it('pushes every status change of a job, as the contract event of its kind', async () => {
    const jobs = new JobRegistry();
    const sent: Array<{ event: string; payload: AbStatus }> = [];
    forwardJobEvents(jobs, (event, payload) => sent.push({ event, payload: payload as AbStatus }));
    const job = fakeJob('ab-1');
    expect(jobs.start('ab', job.launch)).toMatchObject({ groupId: 'ab-1', state: 'running' });
    job.step(1);
    job.step(2);
    job.end();
    await new Promise((r) => setTimeout(r, 0));
    expect(sent.every((s) => s.event === 'ab.changed')).toBe(true);
    expect(sent.map((s) => `${s.payload.state}:${s.payload.runs.length}`)).toEqual(['running:0', 'running:1', 'running:2', 'completed:2', 'completed:2']);
    expect(jobs.get('ab', 'ab-1')).toMatchObject({ state: 'completed' });
    expect(jobs.running()).toEqual([]);
  });

  it('gets, stops and lists this session’s jobs, forgetting the oldest finished ones', async () => {
    const jobs = new JobRegistry();
    const changes: JobChange[] = [];
    jobs.on('changed', (c) => changes.push(c));
    const running = fakeJob('ab-run');
    jobs.start('ab', running.launch);
    expect(jobs.stop('ab', 'ab-run')).toBe(true);
    expect(running.stopped).toBe(true);
    expect(jobs.stop('showdown', 'ab-run')).toBe(false);
    expect(jobs.get('showdown', 'ab-run')).toBeUndefined();
    for (let i = 0; i < 25; i++) {
      const j = fakeJob(`ab-${i}`);
      jobs.start('ab', j.launch);
      j.end();
    }
    await new Promise((r) => setTimeout(r, 0));
    const listed = jobs.list('ab');
    // The running one is kept whatever its age; 20 finished ones, newest first.
    expect(listed).toHaveLength(21);
    expect(listed[0].groupId).toBe('ab-24');
    expect(listed.some((s) => s.groupId === 'ab-run')).toBe(true);
    expect(jobs.get('ab', 'ab-0')).toBeUndefined();
    expect(jobs.stop('ab', 'ab-24')).toBe(false);
    running.end();
    await jobs.close();
  });

  it('ends a job whose done rejects (a bug in its last step) as failed, without an unhandled rejection', async () => {
    const jobs = new JobRegistry();
    const changes: JobChange[] = [];
    jobs.on('changed', (c) => changes.push(c));
    let fail: (err: Error) => void = () => {};
    const done = new Promise<void>((_, reject) => (fail = reject));
    jobs.start('ab', () => ({ id: 'ab-bug', status: () => abStatus('ab-bug', 'running', 2), stop: () => {}, done }));
    fail(new Error('compareGroups: no samples'));
    await new Promise((r) => setTimeout(r, 0));
    expect(jobs.running()).toEqual([]);
    expect(jobs.get('ab', 'ab-bug')).toMatchObject({ state: 'failed', error: 'ab job ended by an internal error: compareGroups: no samples', runs: [{}, {}] });
    expect(changes.at(-1)?.status).toMatchObject({ state: 'failed' });
  });

  it('keeps nothing when a job is refused at its start', () => {
    const jobs = new JobRegistry();
    expect(() =>
      jobs.start('ab', () => {
        throw new Error('cannot start: showdown x is measuring');
      }),
    ).toThrow(/is measuring/);
    expect(jobs.list('ab')).toEqual([]);
  });
});
