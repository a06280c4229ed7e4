// The distributed path simulated on one machine (no cluster is reachable here): four
// `barrage run --shard k/4 --start-at T` processes against one loopback target with a known
// service time, merged with `barrage runs merge`. The merged run's counts are the sum of the
// shards', its histogram the histogram of all their samples, exactly; and it agrees with one
// run of the same total load within noise. docs/DISTRIBUTED.md says what this does and does not prove.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { delayedServer, type TestServer } from './support/faultServers.ts';
import { runCli, type CliResult } from './support/cliProcess.ts';
import { openStore } from '../src/main/store/runStore.ts';
import { parseRunFile } from '../src/main/store/runExchange.ts';
import { createHistogram, decodeHistogram } from '../src/shared/result/histogramCodec.ts';
import type { RunRecord } from '../src/shared/history.ts';
import { maxConnections } from '../src/shared/scenarioLoad.ts';

/** The target answers after this long: a known p50 for both runs. */
const SERVICE_MS = 20;
const RATE = 200;
const SECONDS = 2;
const CONNECTIONS = 32;

let target: TestServer;
const dir = mkdtempSync(path.join(tmpdir(), 'barrage-shards-'));
const db = path.join(dir, 'history.db');

beforeAll(async () => {
  target = await delayedServer(SERVICE_MS);
  // One launch first fills the start-up cache (type-stripped sources, bin/startupCache.js), so the
  // four shards do not all strip every file at once before reading their flags.
  await runCli(['run', '--help']);
}, 30_000);
afterAll(async () => {
  await target.close();
});

/** The four shards as four processes; shard 4 prints its result (--json --full, what the Kubernetes pods do), the others write --out files. */
async function runShards(startAt: number): Promise<CliResult[]> {
  const common = ['run', `${target.url}/`, '-c', String(CONNECTIONS), '-r', String(RATE), '-d', String(SECONDS), '--start-at', String(startAt), '--no-save', '-q'];
  for (const k of [1, 2, 3, 4]) rmSync(path.join(dir, `shard${k}.json`), { force: true });
  const results = await Promise.all(
    [1, 2, 3, 4].map((k) => runCli([...common, '--shard', `${k}/4`, ...(k === 4 ? ['--json', '--full'] : ['--out', path.join(dir, `shard${k}.json`)])], {}, 60_000)),
  );
  if (results[3].code === 0) writeFileSync(path.join(dir, 'shard4.json'), results[3].stdout);
  return results;
}

describe('four shards merged', () => {
  let shards: RunRecord[] = [];
  let merged: RunRecord;
  let single: RunRecord;

  it('run as four processes with one start instant, each writing its complete result', async () => {
    // Four processes start at once on a 2-core machine shared with other test files. On a quiet
    // machine they are ready well within 8 s; under a load average of 11–18 one measured 7.6 s
    // before reading its flags and another began 1.5 s late (the merge then refuses, rightly).
    // So a second attempt, with a later instant, when the machine was too busy for the first.
    let results: CliResult[] = [];
    let startAt = 0;
    for (const leadMs of [8000, 20_000]) {
      startAt = Date.now() + leadMs;
      results = await runShards(startAt);
      const late = results.some((r) => r.code !== 0 && /--start-at: .* in the past/.test(r.stderr));
      const lateness = [1, 2, 3, 4].map((k) => {
        try {
          return parseRunFile(readFileSync(path.join(dir, `shard${k}.json`), 'utf8'), `shard${k}.json`)[0].environment.shard?.startLateMs ?? 0;
        } catch {
          return 0;
        }
      });
      if (!late && Math.max(...lateness) < 900) break;
      console.warn(`shardedRun: the machine was too busy for a ${leadMs / 1000} s lead (start lateness ${lateness.join(', ')} ms); trying once more`);
    }
    // A busy machine may slow the pre-run probe into a capacity warning; nothing else may appear.
    for (const r of results) expect(r.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('warning: '))).toEqual([]);
    for (const r of results) expect(r.code).toBe(0);
    shards = [1, 2, 3, 4].map((k) => parseRunFile(readFileSync(path.join(dir, `shard${k}.json`), 'utf8'), `shard${k}.json`)[0]);
    expect(shards.map((s) => maxConnections(s.config))).toEqual([8, 8, 8, 8]);
    expect(shards.map((s) => s.config.protocol === 'http' && s.config.rate)).toEqual([50, 50, 50, 50]);
    for (const [i, s] of shards.entries()) {
      expect(s.environment.shard).toMatchObject({ index: i + 1, count: 4, startAt: new Date(startAt).toISOString() });
      expect(maxConnections(s.environment.shard!.scenario)).toBe(CONNECTIONS);
      // Each shard measured how late it began (on its own clock).
      expect(s.environment.shard!.startLateMs).toBeGreaterThanOrEqual(0);
      expect(s.environment.shard!.startLateMs).toBeLessThan(1000);
      expect(s.summary.notes.some((n) => n.startsWith(`Shard ${i + 1}/4 started `))).toBe(true);
      expect(s.samples.every((x) => x.throughput === 0 || typeof x.histogram === 'string')).toBe(true);
    }
  }, 90_000);

  it('merge into one stored run: counts are the shards\' sums, the histogram that of all their samples', async () => {
    const out = await runCli(['runs', 'merge', ...[1, 2, 3, 4].map((k) => path.join(dir, `shard${k}.json`)), '--name', 'sharded', '--db', db, '--json']);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const { id, duplicate, shards: count } = JSON.parse(out.stdout) as { id: number; duplicate: boolean; shards: number };
    expect([duplicate, count]).toEqual([false, 4]);
    const store = openStore(db);
    try {
      merged = store.getRun(id)!;
    } finally {
      store.close();
    }
    expect(merged.scenarioName).toBe('sharded');
    expect(maxConnections(merged.config)).toBe(CONNECTIONS);
    const sum = (f: (r: RunRecord) => number) => shards.reduce((a, r) => a + f(r), 0);
    expect(merged.summary.throughput.total).toBe(sum((r) => r.summary.throughput.total));
    expect(merged.summary.errors.total).toBe(sum((r) => r.summary.errors.total));
    expect(merged.summary.connections.opened).toBe(sum((r) => r.summary.connections.opened));
    expect(merged.summary.bytes.received).toBe(sum((r) => r.summary.bytes.received));
    expect(merged.summary.schedule?.due).toBe(sum((r) => r.summary.schedule?.due ?? 0));
    // Second by second.
    for (const s of merged.samples) {
      const parts = shards.map((r) => r.samples.find((x) => x.t === s.t));
      expect(s.throughput).toBe(parts.reduce((a, p) => a + (p?.throughput ?? 0), 0));
      expect(s.errors).toBe(parts.reduce((a, p) => a + (p?.errors ?? 0), 0));
    }
    // Exactly the histogram of every sample of every shard.
    const all = createHistogram();
    for (const r of shards) for (const s of r.samples) if (s.histogram) all.add(decodeHistogram(s.histogram));
    const got = decodeHistogram(merged.histogram);
    expect(got.totalCount).toBe(all.totalCount);
    expect(got.totalCount).toBe(merged.summary.latencyUs.count);
    for (const p of [0, 25, 50, 90, 99, 99.9, 100]) expect(got.getValueAtPercentile(p)).toBe(all.getValueAtPercentile(p));
    expect(merged.environment.shards!.map((e) => e.shard!.index)).toEqual([1, 2, 3, 4]);
    // Merging the same files again stores nothing new.
    const again = await runCli(['runs', 'merge', ...[4, 3, 2, 1].map((k) => path.join(dir, `shard${k}.json`)), '--name', 'sharded', '--db', db, '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ id, duplicate: true });
  }, 30_000);

  it('agrees with one run of the same total load within noise', async () => {
    const out = await runCli(['run', `${target.url}/`, '-c', String(CONNECTIONS), '-r', String(RATE), '-d', String(SECONDS), '-w', '4', '--no-save', '-q', '--json', '--full'], {}, 30_000);
    expect(out.code).toBe(0);
    single = parseRunFile(out.stdout, 'single.json')[0];
    const planned = RATE * SECONDS;
    const figures = JSON.stringify([merged, single].map((r) => {
      const h = decodeHistogram(r.histogram);
      return { total: r.summary.throughput.total, min: h.minNonZeroValue, p5: h.getValueAtPercentile(5), p50: r.summary.latencyUs.p50, saturated: r.summary.generator.saturated };
    }));
    // A saturated generator measures itself, not the target (Barrage says so in the run): at a
    // load average of 20 on this 2-core machine a run fell to 264 of 400 requests with a 217 ms
    // minimum. Then the comparison means nothing, and what must hold is that both runs say so.
    if ([merged, single].some((r) => r.summary.generator.saturated)) {
      console.warn(`shardedRun: a generator was saturated, the latency comparison is not meaningful on this machine now: ${figures}`);
      for (const r of [merged, single]) expect(r.summary.generator.saturated || r.summary.generator.maxCpuPercent < 95, figures).toBe(true);
      expect(merged.summary.generator.saturated, figures).toBe(shards.some((s) => s.summary.generator.saturated) || merged.summary.generator.reasons.length > 0);
      return;
    }
    // The open model fixes the count: both within 5% of the plan.
    for (const r of [merged, single]) {
      expect(Math.abs(r.summary.throughput.total - planned) / planned, figures).toBeLessThan(0.05);
      // The known service time is the floor of every latency, and the fastest requests sit just
      // above it in both runs. Above them is queueing in the generators and the target: on this
      // 2-core machine shared with other test files (load average 11–20) the p50 of one run or
      // the other reached 44–389 ms, against ~21 ms on a quiet machine, while the p5 stayed at
      // 21.5–21.6 ms in both. So the low percentiles — the target's own time — are compared.
      const h = decodeHistogram(r.histogram);
      // (Node's timers may fire up to a millisecond early: a 20 ms delay was measured at 19.8 ms.)
      expect(h.minNonZeroValue, figures).toBeGreaterThanOrEqual((SERVICE_MS - 1) * 1000);
      expect(h.getValueAtPercentile(5), figures).toBeLessThan((SERVICE_MS + 10) * 1000);
    }
    const p5 = (r: RunRecord) => decodeHistogram(r.histogram).getValueAtPercentile(5);
    expect(Math.abs(p5(merged) - p5(single)), figures).toBeLessThan(5000);
  }, 40_000);
});
