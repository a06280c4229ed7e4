// `barrage compare A B --stage N` on stored runs with a load profile whose difference is known:
// run B's latencies are twice run A's in stage 4 (the hold at 20 connections) and identical
// elsewhere. Over the whole runs the seconds of four load levels blur that into "no clear
// difference"; stage 4 alone, on its own seconds, is "worse" by +100% p50 and p99 (exit 3), and
// stage 2 alone is the same (exit 0). A run without such a stage is a clear one-line message.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/main/store/runStore.ts';
import { runCli } from './support/cliProcess.ts';
import { runAt, storeRun } from './fixtures/storedRuns.ts';
import { stagedRun } from './fixtures/stagedRun.ts';
import type { Stage } from '../src/shared/loadProfile.ts';

const dir = mkdtempSync(join(tmpdir(), 'barrage-compare-stage-'));
const db = join(dir, 'history.db');
const env = { BARRAGE_DB: db };
const stages: Stage[] = [
  { durationSec: 4, target: 40 },
  { durationSec: 12, target: 40 },
  { durationSec: 2, target: 20 },
  { durationSec: 10, target: 20 },
];
let a: number;
let b: number;
let constant: number;

beforeAll(() => {
  const store = openStore(db);
  try {
    a = storeRun(store, stagedRun({ stages, target: 'connections', seed: 7, name: 'ramp', startedAt: '2025-05-01T08:00:00.000Z' }));
    b = storeRun(store, stagedRun({ stages, target: 'connections', seed: 7, name: 'ramp', startedAt: '2025-05-01T08:05:00.000Z', latencyScale: { 3: 2 } }));
    constant = storeRun(store, runAt(20, { seed: 1, seconds: 10, name: 'constant' }));
  } finally {
    store.close();
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('barrage compare --stage', () => {
  it('over the whole runs, the slower stage is lost among the others', async () => {
    const r = await runCli(['compare', String(a), String(b), '--json'], env);
    const doc = JSON.parse(r.stdout) as { pairs: Array<{ worse: string[] }>; stage?: unknown };
    expect(doc.pairs[0].worse).toEqual([]);
    expect(doc.stage).toBeUndefined();
    expect(r.code).toBe(0);
  });

  it('stage 2 alone, on its own seconds, is the same in both runs', async () => {
    const r = await runCli(['compare', String(a), String(b), '--stage', '2'], env);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain("Stage 2 of each run, on the stage's own seconds:");
    expect(r.stdout).toContain(`run ${a}: seconds 4–16 of the run, planned 40 connections`);
    expect(r.stdout).toMatch(/^p50 latency\s+[\d.]+ ms\s+[\d.]+ ms\s+±0 µs \(\+0\.0%\)$/m);
    expect(r.code).toBe(0);
  });

  it('stage 4 alone is worse, by twice the latency, over its own seconds only', async () => {
    const r = await runCli(['compare', String(a), String(b), '--stage', '4', '--json'], env);
    const doc = JSON.parse(r.stdout) as {
      stage: { stage: number; runs: Array<{ id: number; description: string }>; planDifference: string };
      runs: Array<{ durationSec: number; figures: Array<{ id: string; change: number | null }> }>;
      pairs: Array<{ worse: string[]; verdicts: Array<{ figure: string; samples: { baseline: number; candidate: number } }> }>;
    };
    expect(doc.stage.stage).toBe(4);
    expect(doc.stage.runs[1]).toEqual({ id: b, description: 'seconds 18–28 of the run, planned 20 connections' });
    expect(doc.stage.planDifference).toBe('');
    expect(doc.runs[0].durationSec).toBeCloseTo(10, 5);
    // The stage's own histogram: p50 doubled (within the histogram's 3 significant digits).
    expect(doc.runs[1].figures.find((f) => f.id === 'p50')!.change).toBeCloseTo(1, 1);
    expect(doc.pairs[0].worse).toEqual(expect.arrayContaining(['p50', 'p99']));
    // The ten seconds of stage 4, not the run's 27 steady seconds.
    expect(doc.pairs[0].verdicts[0].samples).toEqual({ baseline: 10, candidate: 10 });
    expect(r.code).toBe(3);
  });

  it('a run without the stage gets one clear line, no stack trace', async () => {
    const none = await runCli(['compare', String(a), String(b), '--stage', '5'], env);
    expect(none.code).toBe(1);
    expect(none.stderr).toBe(`barrage compare: --stage 5: run ${a} has 4 stages, so no stage 5\n`);
    const constantRun = await runCli(['compare', String(constant), String(a), '--stage', '1'], env);
    expect(constantRun.code).toBe(1);
    expect(constantRun.stderr).toBe(`barrage compare: --stage 1: run ${constant} has no stages (it ran a constant load), so it has no stage 1\n`);
    const bad = await runCli(['compare', String(a), String(b), '--stage', 'hold'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^barrage compare: --stage: "hold" is not a stage number \(stages are numbered from 1, as in the per-stage table\)\n/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });
});
