// The app's merge of shard result files (runs.mergeShards, what the History view sends with the
// files dropped or picked): validated in main, stored as one run, refusals as one message.
import { describe, expect, it } from 'vitest';
import { createDispatcher } from '../src/main/api/apiDispatcher.ts';
import { runsHandlers } from '../src/main/api/runsHandlers.ts';
import type { ApiContext } from '../src/main/api/apiContext.ts';
import type { AllHandlers } from '../src/main/api/handlerTypes.ts';
import { exportRunsJson } from '../src/main/store/runExchange.ts';
import { openStore } from '../src/main/store/runStore.ts';
import { shardRun } from './support/shardRecords.ts';
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
    } finally {
      store.close();
    }
  });
});
