// The app's requests for comparisons, reports and A/B runs, through the validating dispatcher
// (the same path as Electron IPC and `barrage serve`).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AbStatus } from '../src/shared/ab.ts';
import { evaluateThresholds } from '../src/shared/thresholds.ts';
import { createAppServices, type AppServices } from '../src/main/app/appServices.ts';
import { runAt, storeRun, withLatencyScaled } from './fixtures/storedRuns.ts';

const dir = mkdtempSync(join(tmpdir(), 'barrage-stats-api-'));
let services: AppServices;
const ids: Record<string, number> = {};
const groupA: number[] = [];
const groupB: number[] = [];

async function call(channel: string, input?: unknown): Promise<any> {
  const r = await services.dispatch(channel, input);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}
async function failure(channel: string, input?: unknown): Promise<string> {
  const r = await services.dispatch(channel, input);
  if (r.ok) throw new Error(`${channel} succeeded`);
  return r.error.message;
}

beforeAll(() => {
  services = createAppServices({ dbPath: join(dir, 'app.db'), transport: 'browser', engine: { workers: 1 } });
  const store = services.context.store;
  ids.base = storeRun(store, runAt(0, { seed: 1, name: 'base' }));
  ids.slow = storeRun(store, withLatencyScaled(runAt(2, { seed: 1, name: 'slow' }), 1.2));
  const gated = runAt(4, { seed: 2, name: 'gated' });
  gated.summary.thresholds = evaluateThresholds(['p99 < 1s', 'errors < 1'], gated.summary);
  ids.gatedFail = storeRun(store, gated);
  const passing = runAt(5, { seed: 3, name: 'gated' });
  passing.summary.thresholds = evaluateThresholds(['p99 < 1s'], passing.summary);
  ids.gatedPass = storeRun(store, passing);
  for (let i = 0; i < 5; i++) {
    groupA.push(storeRun(store, runAt(10 + 2 * i, { seed: 10 + i, seconds: 20, name: 'a' }), { groupId: 'ab-api', tags: ['ab', 'ab:A'] }));
    groupB.push(storeRun(store, withLatencyScaled(runAt(11 + 2 * i, { seed: 20 + i, seconds: 20, name: 'b' }), 1.2), { groupId: 'ab-api', tags: ['ab', 'ab:B'] }));
  }
});
afterAll(async () => {
  await services.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('runs.statistics', () => {
  it('compares two runs: a verdict per figure', async () => {
    const verdicts = await call('runs.statistics', { ids: [ids.base, ids.slow] });
    expect(verdicts.map((v: any) => [v.figure, v.verdict])).toEqual([
      ['throughput', 'no clear difference'],
      ['p50', 'worse'],
      ['p99', 'no clear difference'],
    ]);
    expect(verdicts[1]).toMatchObject({ name: 'p50 latency', unit: 'µs', pValue: null, noiseThreshold: 0.05, confidence: 0.95 });
    expect(verdicts[1].sentence).toMatch(/^p50 latency: .* — worse$/);
  });

  it('compares two groups, with options', async () => {
    const verdicts = await call('runs.statistics', { groupA, groupB });
    expect(verdicts.find((v: any) => v.figure === 'p50')).toMatchObject({ verdict: 'worse', samples: { baseline: 5, candidate: 5 } });
    expect(verdicts.every((v: any) => typeof v.pValue === 'number')).toBe(true);
    const lenient = await call('runs.statistics', { groupA, groupB, options: { noiseThreshold: { latency: 0.5 } } });
    expect(lenient.find((v: any) => v.figure === 'p50')).toMatchObject({ verdict: 'no clear difference', noiseThreshold: 0.5 });
  });

  it('rejects what is not two runs or two groups', async () => {
    expect(await failure('runs.statistics', { ids: [ids.base] })).toMatch(/^ids: give two run ids: the baseline, then the candidate$/);
    expect(await failure('runs.statistics', {})).toBe('give either ids (two runs) or groupA and groupB');
    expect(await failure('runs.statistics', { groupA })).toBe('give either ids (two runs) or groupA and groupB');
    expect(await failure('runs.statistics', { ids: [ids.base, 9999] })).toBe('run 9999 does not exist');
    expect(await failure('runs.statistics', { ids: [ids.base, ids.slow], options: { confidence: 2 } })).toMatch(/^options\.confidence: /);
  });
});

describe('runs.report', () => {
  it('reports one run, a comparison, or an A/B group as one HTML file', async () => {
    const one = await call('runs.report', { ids: [ids.base] });
    expect(one).toMatchObject({ fileName: `barrage-run-${ids.base}.html`, mimeType: 'text/html' });
    expect(one.content).toMatch(/^<!doctype html>/);
    expect(one.content).not.toMatch(/<script/i);
    const two = await call('runs.report', { ids: [ids.base, ids.slow] });
    expect(two.fileName).toBe(`barrage-compare-${ids.base}-${ids.slow}.html`);
    expect(two.content).toMatch(/Worse beyond the noise threshold: run \d+ \(p50 latency\)/);
    const ab = await call('runs.report', { groupId: 'ab-api' });
    expect(ab.fileName).toBe('barrage-ab-api.html');
    expect(ab.content).toMatch(/B is worse beyond the noise threshold in p50 latency/);
  });

  it('says what is missing', async () => {
    expect(await failure('runs.report', { ids: [9999] })).toBe('no run 9999');
    expect(await failure('runs.report', { groupId: 'nope' })).toBe('no runs in group "nope"');
    expect(await failure('runs.report', { ids: [1], groupId: 'x' })).toBe('give either ids or a groupId');
  });
});

describe('runs.list: thresholds', () => {
  it('has each run\'s pass/fail and filters on it', async () => {
    const all = await call('runs.list', { limit: 1000 });
    const byId = new Map(all.runs.map((r: any) => [r.id, r.thresholdsPassed]));
    expect(byId.get(ids.gatedFail)).toBe(false);
    expect(byId.get(ids.gatedPass)).toBe(true);
    expect(byId.get(ids.base)).toBeNull();
    expect((await call('runs.list', { passed: false })).runs.map((r: any) => r.id)).toEqual([ids.gatedFail]);
    expect((await call('runs.list', { passed: true })).runs.map((r: any) => r.id)).toEqual([ids.gatedPass]);
    // The runs of one group (an A/B run, a showdown) by its id.
    const group = (await call('runs.list', { groupId: 'ab-api' })).runs;
    expect(group.length).toBeGreaterThan(0);
    expect(group.every((r: any) => r.groupId === 'ab-api')).toBe(true);
  });
});

describe('ab.*', () => {
  it('validates rounds and scenarios', async () => {
    expect(await failure('ab.start', { scenarioA: 1, scenarioB: 2, rounds: 2 })).toMatch(/^rounds: must be at least 3: the spread between rounds needs at least 3 to be estimated$/);
    expect(await failure('ab.start', { scenarioA: 998, scenarioB: 999 })).toBe('scenario 998 does not exist');
    expect(await failure('ab.get', 'ab-nope')).toMatch(/^no A\/B run "ab-nope" in this session/);
    expect(await call('ab.stop', 'ab-nope')).toBe(false);
  });

  it('starts an A/B run, reports its status, and stops it', { timeout: 60_000 }, async () => {
    const demo = await call('target.demo');
    const a = await call('scenarios.save', { name: 'ab-a', config: { protocol: 'http', url: `${demo.httpUrl}/`, connections: 1, durationSec: 30, workers: 1 } });
    const b = await call('scenarios.save', { name: 'ab-b', config: { protocol: 'http', url: `${demo.httpUrl}/`, connections: 1, durationSec: 30, workers: 1 } });
    const started: AbStatus = await call('ab.start', { scenarioA: a.id, scenarioB: b.id, rounds: 4, warmupSec: 0 });
    expect(started).toMatchObject({ state: 'running', rounds: 4, warmupSec: 0, scenarioA: { id: a.id, name: 'ab-a' }, scenarioB: { id: b.id, name: 'ab-b' } });
    expect(started.groupId).toMatch(/^ab-[0-9a-f]{8}$/);
    // The A/B run holds the measurement lock: another A/B run, a run or a showdown is refused,
    // saying what measures and how to stop it, with the job to open.
    expect(await failure('ab.start', { scenarioA: a.id, scenarioB: b.id })).toMatch(
      new RegExp(`^cannot start: A/B run ${started.groupId} \\(ab-a against ab-b\\) is measuring since .*; stop it with Stop on the A/B panel`),
    );
    const refusedRun = await services.dispatch('runs.start', { scenarioId: a.id });
    expect(refusedRun).toMatchObject({ ok: false, error: { invalidInput: false, busy: { kind: 'ab', id: started.groupId, openable: true } } });
    expect(await call('app.measuring')).toMatchObject({ kind: 'ab', id: started.groupId, openable: true });

    let status: AbStatus = started;
    for (let i = 0; i < 100 && status.current === null; i++) {
      await new Promise((r) => setTimeout(r, 50));
      status = await call('ab.get', started.groupId);
    }
    expect(status.current).toMatchObject({ side: 'A', round: 1 });
    expect(await call('ab.stop', started.groupId)).toBe(true);
    for (let i = 0; i < 200 && status.state === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      status = await call('ab.get', started.groupId);
    }
    expect(status).toMatchObject({ state: 'stopped', current: null, comparisons: null, error: null });
    expect(status.runs).toEqual([expect.objectContaining({ side: 'A', round: 1, status: 'aborted' })]);
    const run = services.context.store.getRun(status.runs[0].runId)!;
    expect(run).toMatchObject({ groupId: started.groupId, tags: ['ab', 'ab:A'], scenarioName: 'ab-a' });
  });
});
