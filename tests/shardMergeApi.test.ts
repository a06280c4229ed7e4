// The app's merge of shard result files (runs.mergeShards, what the History view sends with the
// files dropped or picked): validated in main, stored as one run, refusals as one message.
import { describe, expect, it } from 'vitest';
import { createDispatcher } from '../src/main/api/apiDispatcher.ts';
import { runsHandlers } from '../src/main/api/runsHandlers.ts';
import type { ApiContext } from '../src/main/api/apiContext.ts';
import type { AllHandlers } from '../src/main/api/handlerTypes.ts';
import { exportRunsJson } from '../src/main/store/runExchange.ts';
import { openStore } from '../src/main/store/runStore.ts';
import { shardRun, START } from './support/shardRecords.ts';
import { scenarioOf } from './support/runScenario.ts';
import { SHARD_FILES_MAX_CHARS, type ShardSetPreview } from '../src/shared/shardFiles.ts';
import { tempDbPath } from './fixtures/tempStore.ts';

const file = (k: number, n: number) => ({ name: `shard${k}.json`, text: exportRunsJson([{ ...shardRun(k, n), id: null }]) });

describe('runs.mergeShards', () => {
  it('stores the shards as one run, and refuses what does not belong together', async () => {
    const store = openStore(tempDbPath());
    const changes: string[] = [];
    try {
      const ctx = { store, runs: { notifyChanged: (r: string) => changes.push(r) } } as unknown as ApiContext;
      const dispatch = createDispatcher(runsHandlers(ctx) as unknown as AllHandlers);
      const merged = await dispatch('runs.mergeShards', { files: [file(1, 2), file(2, 2)], name: 'dropped' });
      expect(merged.ok).toBe(true);
      if (!merged.ok) return;
      const { id, shards } = merged.value as { id: number; shards: number };
      expect(shards).toBe(2);
      const run = store.getRun(id)!;
      expect(run.scenarioName).toBe('dropped');
      expect(run.summary.throughput.total).toBe(shardRun(1, 2).summary.throughput.total + shardRun(2, 2).summary.throughput.total);
      expect(changes).toEqual(['imported']);
      const missing = await dispatch('runs.mergeShards', { files: [file(1, 3), file(3, 3)] });
      expect(missing).toMatchObject({ ok: false });
      expect(!missing.ok && missing.error.message).toMatch(/shard 2 of 3 is missing/);
      const empty = await dispatch('runs.mergeShards', { files: [] });
      expect(!empty.ok && empty.error.message).toMatch(/give at least one shard result file/);
      const notJson = await dispatch('runs.mergeShards', { files: [{ name: 'notes.txt', text: 'hello' }] });
      expect(!notJson.ok && notJson.error.message).toMatch(/^notes.txt is not JSON/);
      // Sizes are checked in main (by the contract), naming the file: no field prefix, no trace.
      const big = { name: 'huge.json', text: 'x'.repeat(SHARD_FILES_MAX_CHARS + 1) };
      const tooBig = await dispatch('runs.mergeShards', { files: [file(1, 2), big] });
      expect(!tooBig.ok && tooBig.error.message).toBe('huge.json is larger than 12 MiB (12.0 MiB): the app merges up to 12 MiB of shard files at once; merge larger sets with barrage runs merge FILE…');
      const half = { name: 'half.json', text: 'x'.repeat(SHARD_FILES_MAX_CHARS / 2 + 1) };
      const together = await dispatch('runs.previewShards', { files: [half, { ...half, name: 'other-half.json' }] });
      expect(!together.ok && together.error.message).toMatch(/^other-half.json takes the files past 12 MiB in all/);
      expect(changes).toEqual(['imported']);
    } finally {
      store.close();
    }
  });

  it('previews a set: each file\'s shard, scenario, start and samples, and the refusal the merge would give', async () => {
    const store = openStore(tempDbPath());
    try {
      const ctx = { store, runs: { notifyChanged: () => {} } } as unknown as ApiContext;
      const dispatch = createDispatcher(runsHandlers(ctx) as unknown as AllHandlers);
      const good = await dispatch('runs.previewShards', { files: [file(2, 2), file(1, 2)] });
      expect(good).toMatchObject({ ok: true, value: { problem: null } });
      const rows = (good as { value: ShardSetPreview }).value.files;
      expect(rows.map((r) => [r.name, r.shard, r.samples, r.startedAt, r.problem])).toEqual([
        ['shard2.json', { index: 2, count: 2 }, 3, START, null],
        ['shard1.json', { index: 1, count: 2 }, 3, START, null],
      ]);
      const twice = await dispatch('runs.previewShards', { files: [file(1, 2), { ...file(1, 2), name: 'again.json' }] });
      expect((twice as { value: ShardSetPreview }).value.problem).toBe('shard 1/2 is given twice: shard1.json and again.json');
      const other = scenarioOf({ protocol: 'http', url: 'http://127.0.0.1:9/', connections: 8, durationSec: 3, warmupSec: 1, rate: 50 });
      const mixed = await dispatch('runs.previewShards', { files: [file(1, 2), { name: 'b.json', text: exportRunsJson([{ ...shardRun(2, 2, { scenario: other }), id: null }]) }] });
      expect((mixed as { value: ShardSetPreview }).value.problem).toMatch(/^b.json is a shard of a different scenario than shard1.json \(they differ in rate/);
      const apart = await dispatch('runs.previewShards', { files: [file(1, 2), { name: 'late.json', text: exportRunsJson([{ ...shardRun(2, 2, { startedAt: '2026-11-30T10:00:02.000Z' }), id: null }]) }] });
      expect((apart as { value: ShardSetPreview }).value.problem).toMatch(/^the shards started 2.000 s apart/);
      const text = await dispatch('runs.previewShards', { files: [file(1, 2), { name: 'notes.txt', text: 'hello' }] });
      const value = (text as { value: ShardSetPreview }).value;
      expect(value.files[1]).toMatchObject({ name: 'notes.txt', shard: null, problem: expect.stringMatching(/^notes.txt is not JSON/) });
      expect(value.problem).toBe(value.files[1].problem);
      // Nothing was stored.
      expect(store.listRuns({}).total).toBe(0);
    } finally {
      store.close();
    }
  });
});
