// A flow run as shards, merged exactly (issue #14 with issue #12's flows): two `barrage run
// --scenario shop.json --shard k/2 --start-at T --out FILE` processes against the demo target
// (the code `barrage target` serves: POST /login, GET /items, POST /cart), merged as the app
// merges dropped files (runs.mergeShards). The merged run's per-step counts are the sums of the
// shards', its per-step histograms the histograms of every shard's per-second step samples
// (exactly), and its summary.flow follows from the merged seconds stored in the history.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from './support/cliProcess.ts';
import { startDemoTarget, type DemoTarget } from '../src/main/target/demoTarget.ts';
import { createDispatcher } from '../src/main/api/apiDispatcher.ts';
import { runsHandlers } from '../src/main/api/runsHandlers.ts';
import type { ApiContext } from '../src/main/api/apiContext.ts';
import type { AllHandlers } from '../src/main/api/handlerTypes.ts';
import { openStore } from '../src/main/store/runStore.ts';
import { parseRunFile } from '../src/main/store/runExchange.ts';
import { createHistogram, decodeHistogram, type Histogram } from '../src/shared/result/histogramCodec.ts';
import type { RunRecord } from '../src/shared/history.ts';

const SHARDS = 2;
const dir = mkdtempSync(path.join(tmpdir(), 'barrage-flow-shards-'));
let target: DemoTarget;

beforeAll(async () => {
  target = await startDemoTarget();
  const shop = JSON.parse(readFileSync(path.join(import.meta.dirname, '../examples/shop-flow.json'), 'utf8')) as Record<string, unknown>;
  // The example's flow, short and small: 4 virtual users for 2 s, the data rows in the scenario
  // (each shard takes its own slice of them).
  const rows = [1, 2, 3, 4].map((i) => ({ user: `user${i}`, password: `pw-user${i}` }));
  writeFileSync(path.join(dir, 'shop.json'), JSON.stringify({ ...shop, url: target.httpUrl, virtualUsers: 4, durationSec: 2, warmupSec: 0, data: { rows, assign: 'per-vu' } }));
  // Fills the start-up cache, so the shards do not both strip every source file at once.
  await runCli(['run', '--help']);
}, 30_000);
afterAll(async () => {
  await target.close();
  rmSync(dir, { recursive: true, force: true });
});

async function runShards(startAt: number): Promise<CliResult[]> {
  for (let k = 1; k <= SHARDS; k++) rmSync(path.join(dir, `shard${k}.json`), { force: true });
  return Promise.all(
    Array.from({ length: SHARDS }, (_, i) =>
      runCli(['run', '--scenario', path.join(dir, 'shop.json'), '--shard', `${i + 1}/${SHARDS}`, '--start-at', String(startAt), '--no-save', '-q', '--out', path.join(dir, `shard${i + 1}.json`)], {}, 40_000),
    ),
  );
}

const stepsOf = (r: RunRecord) => r.summary.flow!.steps;

describe('a flow run as two shards, merged', () => {
  it('per-step counts are the shards\' sums and per-step histograms those of all their samples, exactly', async () => {
    let results: CliResult[] = [];
    // On a quiet machine a shard reads its flags within ~1 s; under a load average of 10+ a
    // launch took 6.5 s here. A second attempt with a later instant when the first came too late.
    for (const leadMs of [5000, 16_000]) {
      results = await runShards(Date.now() + leadMs);
      if (!results.some((r) => /--start-at: .* in the past/.test(r.stderr))) break;
      console.warn(`shardedFlow: the machine was too busy for a ${leadMs / 1000} s lead; trying once more`);
    }
    for (const r of results) expect(r.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('warning: ')), r.stderr).toEqual([]);
    for (const r of results) expect(r.code).toBe(0);
    const files = Array.from({ length: SHARDS }, (_, i) => ({ name: `shard${i + 1}.json`, text: readFileSync(path.join(dir, `shard${i + 1}.json`), 'utf8') }));
    const shards = files.map((f) => parseRunFile(f.text, f.name)[0]);
    // Each shard ran its share: 2 of the 4 virtual users, its own 2 of the 4 data rows.
    expect(shards.map((s) => s.config.protocol === 'flow' && s.config.virtualUsers)).toEqual([2, 2]);
    expect(shards.map((s) => (s.config.protocol === 'flow' ? s.config.data!.rows!.map((r) => r.user) : []))).toEqual([['user1', 'user2'], ['user3', 'user4']]);
    for (const s of shards) expect(stepsOf(s).every((st) => st.count > 0)).toBe(true);

    // Merged the way the History view merges dropped files, into a real history.
    const store = openStore(path.join(dir, 'history.db'));
    try {
      const ctx = { store, runs: { notifyChanged: () => {} } } as unknown as ApiContext;
      const dispatch = createDispatcher(runsHandlers(ctx) as unknown as AllHandlers);
      const out = await dispatch('runs.mergeShards', { files, name: 'shop ×2' });
      expect(out.ok, JSON.stringify(out)).toBe(true);
      if (!out.ok) return;
      const merged = store.getRun((out.value as { id: number }).id)!;
      expect(merged.scenarioName).toBe('shop ×2');
      expect(merged.config.protocol === 'flow' && merged.config.virtualUsers).toBe(4);

      for (const [i, step] of stepsOf(merged).entries()) {
        // Over the run: the sum of the shards' counts, errors and checks…
        expect(step.name).toBe(stepsOf(shards[0])[i].name);
        const sum = (f: (r: RunRecord) => number) => shards.reduce((a, r) => a + f(r), 0);
        expect(step.count).toBe(sum((r) => stepsOf(r)[i].count));
        expect(step.errors.total).toBe(sum((r) => stepsOf(r)[i].errors.total));
        expect(step.checks.map((c) => c.passed)).toEqual(stepsOf(shards[0])[i].checks.map((_, c) => sum((r) => stepsOf(r)[i].checks[c].passed)));
        // …and the histogram of every per-second sample of this step in every shard, exactly.
        const all = createHistogram();
        for (const r of shards) for (const s of r.samples) for (const st of s.steps ?? []) if (st.step === step.name && st.histogram) all.add(decodeHistogram(st.histogram));
        const got: Histogram = decodeHistogram(step.histogram!);
        expect(got.totalCount).toBe(all.totalCount);
        expect(got.totalCount).toBe(step.count);
        for (const p of [0, 25, 50, 90, 99, 100]) expect(got.getValueAtPercentile(p), `${step.name} p${p}`).toBe(all.getValueAtPercentile(p));
        expect(step.latencyUs!.p99).toBe(all.getValueAtPercentile(99));
      }
      // Second by second (as stored in run_step_samples): each step's count is the shards' sum.
      for (const s of merged.samples) {
        for (const st of s.steps ?? []) {
          const parts = shards.flatMap((r) => r.samples.filter((x) => x.t === s.t).flatMap((x) => x.steps ?? []).filter((x) => x.step === st.step));
          expect(st.count, `t=${s.t} ${st.step}`).toBe(parts.reduce((a, p) => a + p.count, 0));
        }
      }
      const iterations = (r: RunRecord) => r.summary.flow!.iterations;
      expect(iterations(merged).started).toBe(shards.reduce((a, r) => a + iterations(r).started, 0));
      expect(merged.summary.flow!.checks.passed).toBe(shards.reduce((a, r) => a + r.summary.flow!.checks.passed, 0));
      // The merged run's data are the whole scenario's rows, not one shard's slice.
      expect(merged.summary.flow!.data?.rows).toBe(4);
    } finally {
      store.close();
    }
  }, 60_000);
});
