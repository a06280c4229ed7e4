// Sharded runs, without the network: the share each shard runs, the --shard/--start-at flags,
// and merging shard results (exact histogram sums, refusals naming what is wrong).
import { describe, expect, it } from 'vitest';
import { shardScenario } from '../../src/main/engine/workerShares.ts';
import { parseShardFlag, parseStartAt } from '../../src/main/cli/shardFlags.ts';
import { mergeShards, MergeError, type ShardInput } from '../../src/main/store/shardMerge.ts';
import type { RunRecord } from '../../src/shared/history.ts';
import { createHistogram, decodeHistogram } from '../../src/shared/result/histogramCodec.ts';
import { scenarioOf } from '../support/runScenario.ts';
import { FLOW_WHOLE, shardRun, stepValues, WHOLE } from '../support/shardRecords.ts';
import { maxConnections } from '../../src/shared/scenarioLoad.ts';

describe('shardScenario', () => {
  it('splits connections, rate, amount and connect rate so the shards add up to the whole', () => {
    const whole = scenarioOf({ protocol: 'http', url: 'http://127.0.0.1:1/', connections: 10, rate: 999, durationSec: 5 });
    const parts = [1, 2, 3].map((index) => shardScenario(whole, { index, count: 3 }));
    expect(parts.map((p) => maxConnections(p))).toEqual([4, 3, 3]);
    expect(parts.reduce((a, p) => a + (p.rate ?? 0), 0)).toBeCloseTo(999, 9);
    const counted = scenarioOf({ protocol: 'http', url: 'http://127.0.0.1:1/', connections: 8, amount: 10 });
    expect([1, 2, 3, 4].map((index) => shardScenario(counted, { index, count: 4 }).amount)).toEqual([3, 3, 2, 2]);
    const ws = scenarioOf({ protocol: 'ws', url: 'ws://127.0.0.1:1/', connections: 9, connectRate: 900, mode: 'echo' });
    const w = shardScenario(ws, { index: 2, count: 3 });
    expect(w.protocol === 'ws' && w.connectRate).toBe(300);
    expect(shardScenario(whole, { index: 1, count: 1 })).toBe(whole);
  });

  it('splits stage targets: rates divided, connections whole and adding up at every stage', () => {
    const conn = scenarioOf({ protocol: 'ws', url: 'ws://127.0.0.1:1/', mode: 'echo', stages: [{ durationSec: 2, target: 10 }, { durationSec: 2, target: 5 }] });
    const parts = [1, 2, 3].map((index) => shardScenario(conn, { index, count: 3 }).stages!);
    expect(parts.map((p) => p.map((s) => s.target))).toEqual([[4, 2], [3, 2], [3, 1]]);
    const rate = scenarioOf({ protocol: 'http', url: 'http://127.0.0.1:1/', stageTarget: 'rate', stages: [{ durationSec: 2, target: 300 }] });
    expect(shardScenario(rate, { index: 3, count: 3 }).stages).toEqual([{ durationSec: 2, target: 100 }]);
  });

  it('splits a flow\'s virtual users and gives each shard its own slice of the data rows', () => {
    const rows = Array.from({ length: 7 }, (_, i) => ({ user: `u${i}` }));
    const flow = scenarioOf({ protocol: 'flow', url: 'http://127.0.0.1:1/', virtualUsers: 5, steps: [{ type: 'http', name: 'home', url: '/' }], data: { rows } });
    const parts = [1, 2, 3].map((index) => shardScenario(flow, { index, count: 3 }));
    expect(parts.map((p) => p.protocol === 'flow' && p.virtualUsers)).toEqual([2, 2, 1]);
    const slices = parts.map((p) => (p.protocol === 'flow' ? p.data!.rows!.map((r) => r.user) : []));
    expect(slices).toEqual([['u0', 'u1', 'u2'], ['u3', 'u4'], ['u5', 'u6']]);
    expect(() => shardScenario(flow, { index: 6, count: 6 })).toThrow(/shard 6\/6 would have no virtual user: the scenario has 5 virtual users/);
  });

  it('refuses a shard that would get nothing, naming it', () => {
    const small = scenarioOf({ protocol: 'http', url: 'http://127.0.0.1:1/', connections: 2 });
    expect(() => shardScenario(small, { index: 3, count: 3 })).toThrow(/shard 3\/3 would have no connection: the scenario has 2 connections; use at most 2 shards/);
  });
});

describe('--shard and --start-at', () => {
  it('reads K/N and refuses what is not one', () => {
    expect(parseShardFlag('2/8')).toEqual({ index: 2, count: 8 });
    expect(() => parseShardFlag('0/8')).toThrow(/^--shard: "0\/8": the shard number must be 1 to 8/);
    expect(() => parseShardFlag('9/8')).toThrow(/--shard: "9\/8"/);
    expect(() => parseShardFlag('2')).toThrow(/^--shard: "2" is not K\/N/);
  });

  it('reads ISO with a zone or epoch ms, and refuses past, far-future and zone-less times', () => {
    const now = Date.parse('2026-11-30T10:00:00Z');
    expect(parseStartAt('2026-11-30T10:00:30Z', now)).toBe(now + 30_000);
    expect(parseStartAt('2026-11-30T11:00:30+01:00', now)).toBe(now + 30_000);
    expect(parseStartAt(String(now + 5000), now)).toBe(now + 5000);
    expect(parseStartAt(String(now - 900), now)).toBe(now - 900);
    expect(() => parseStartAt(String(now - 1500), now)).toThrow(/^--start-at: 2026-11-30T09:59:58.500Z is 1.5 s in the past/);
    expect(() => parseStartAt('2026-12-02T10:00:00Z', now)).toThrow(/^--start-at: .* is more than a day ahead/);
    expect(() => parseStartAt('2026-11-30T10:00:30', now)).toThrow(/^--start-at: "2026-11-30T10:00:30" is not a time \(ISO 8601 with its zone/);
    expect(() => parseStartAt('soon', now)).toThrow(/^--start-at: "soon" is not a time/);
  });
});

// ---- merging --------------------------------------------------------------------------------

const inputs = (runs: RunRecord[]): ShardInput[] => runs.map((run, i) => ({ source: `shard${i + 1}.json`, run }));

describe('mergeShards', () => {
  it('sums counts second by second and adds the histograms exactly', () => {
    const runs = [1, 2, 3, 4].map((k) => shardRun(k, 4, { errors: k }));
    const merged = mergeShards(inputs(runs));
    expect(merged.config).toEqual(WHOLE);
    expect(merged.summary.throughput.total).toBe(runs.reduce((a, r) => a + r.summary.throughput.total, 0));
    expect(merged.summary.errors.byKind).toEqual({ reset: 10 });
    expect(merged.summary.connections.opened).toBe(8);
    expect(merged.samples.map((s) => s.throughput)).toEqual([0, 1, 2].map((t) => runs.reduce((a, r) => a + r.samples[t].throughput, 0)));
    expect(merged.samples.map((s) => s.openConnections)).toEqual([8, 8, 8]);
    // The merged run's histogram is the histogram of every value every shard recorded.
    const all = createHistogram();
    for (const r of runs) for (const s of r.samples) all.add(decodeHistogram(s.histogram!));
    const got = decodeHistogram(merged.histogram);
    expect(got.totalCount).toBe(all.totalCount);
    for (const p of [1, 50, 90, 99, 99.9, 100]) expect(got.getValueAtPercentile(p)).toBe(all.getValueAtPercentile(p));
    expect(merged.summary.latencyUs.p99).toBe(all.getValueAtPercentile(99));
    // Each second too: the merged second's histogram is the sum of the shards' seconds.
    const second1 = createHistogram();
    for (const r of runs) second1.add(decodeHistogram(r.samples[1].histogram!));
    expect(merged.samples[1].latencyUs!.p99).toBe(second1.getValueAtPercentile(99));
    expect(decodeHistogram(merged.samples[1].histogram!).totalCount).toBe(second1.totalCount);
    expect(merged.environment.shards!.map((e) => e.shard!.index)).toEqual([1, 2, 3, 4]);
    expect(merged.environment.shards!.every((e) => e.shard!.startLateMs === 0)).toBe(true);
    expect(merged.summary.generator.workers).toBe(4);
    expect(merged.summary.generator.saturated).toBe(false);
    expect(merged.summary.connections.connectUs).toMatchObject({ count: 8, min: 100, max: 400, mean: 250 });
  });

  it('merges a flow\'s seconds step by step: counts, errors by kind, checks summed, histograms added exactly; summary.flow from them', () => {
    const runs = [1, 2, 3].map((k) => shardRun(k, 3, { scenario: FLOW_WHOLE }));
    const merged = mergeShards(inputs(runs));
    expect(merged.config).toEqual(FLOW_WHOLE);
    for (const t of [0, 1, 2]) {
      const second = merged.samples[t];
      expect(second.steps!.map((s) => s.step)).toEqual(['login', 'items']);
      const items = second.steps!.find((s) => s.step === 'items')!;
      expect(items.count).toBe([1, 2, 3].reduce((a, k) => a + stepValues(k, t, 'items').length, 0));
      // Shard 2 failed the second check of "items" once a second.
      expect(items.checkCounts).toEqual([{ passed: items.count, failed: 0 }, { passed: items.count - 1, failed: 1 }]);
      const h = createHistogram();
      for (const k of [1, 2, 3]) for (const v of stepValues(k, t, 'items')) h.recordValue(v);
      const got = decodeHistogram(items.histogram!);
      expect(got.totalCount).toBe(h.totalCount);
      for (const p of [0, 50, 99, 100]) expect(got.getValueAtPercentile(p)).toBe(h.getValueAtPercentile(p));
      expect(second.iterations).toEqual({ started: 21 + 3 * t, completed: 18 + 3 * t, abandoned: 3 });
      expect(decodeHistogram(second.iterationHistogram!).totalCount).toBe(3);
    }
    expect(merged.samples[2].steps![0].errorsByKind).toEqual({ status: 6 });
    // summary.flow is the merged seconds': per step the sum of every shard's, its latency from all their values.
    const flow = merged.summary.flow!;
    for (const name of ['login', 'items'] as const) {
      const step = flow.steps.find((s) => s.name === name)!;
      const all = createHistogram();
      for (const k of [1, 2, 3]) for (const t of [0, 1, 2]) for (const v of stepValues(k, t, name)) all.recordValue(v);
      expect(step.count).toBe(all.totalCount);
      expect(step.latencyUs!.p99).toBe(all.getValueAtPercentile(99));
      expect(decodeHistogram(step.histogram!).getValueAtPercentile(50)).toBe(all.getValueAtPercentile(50));
      expect(step.errors).toEqual({ total: 6, byKind: { status: 6 } });
    }
    expect(flow.steps[1].checks.map((c) => c.failed)).toEqual([0, 3]);
    expect(flow.iterations).toMatchObject({ started: 72, completed: 63, abandoned: 9 });
    expect(flow.iterations.durationUs!.count).toBe(9);
    expect(flow.checks.failed).toBe(3);
  });

  it('flags the whole run when one shard was saturated, keeping every shard\'s verdict', () => {
    const runs = [shardRun(1, 3), shardRun(2, 3, { saturated: true }), shardRun(3, 3)];
    const merged = mergeShards(inputs(runs));
    expect(merged.summary.generator.saturated).toBe(true);
    expect(merged.summary.generator.reasons.some((r) => r.startsWith('shard 2: a load worker used'))).toBe(true);
    expect(merged.summary.generator.shards!.map((g) => [g.shard, g.saturated])).toEqual([[1, false], [2, true], [3, false]]);
  });

  it('refuses shards that do not belong together, saying which', () => {
    const two = [1, 2, 3, 4].map((k) => shardRun(k, 4));
    expect(() => mergeShards(inputs([two[0], two[1], two[3]]))).toThrow(/^shard 3 of 4 is missing/);
    expect(() => mergeShards(inputs([two[0]]))).toThrow(/^shards 2–4 of 4 are missing/);
    expect(() => mergeShards(inputs([two[0], two[1], two[1], two[2], two[3]]))).toThrow(/^shard 2\/4 is given twice: shard2.json and shard3.json$/);
    expect(() => mergeShards(inputs([two[0], shardRun(2, 8)]))).toThrow(/^shard2.json is shard 2\/8 but shard1.json is shard 1\/4/);
    const other = scenarioOf({ protocol: 'http', url: 'http://127.0.0.1:9/', connections: 8, durationSec: 3, warmupSec: 1, rate: 100 });
    expect(() => mergeShards(inputs([two[0], shardRun(2, 4, { scenario: other }), two[2], two[3]]))).toThrow(
      /^shard2.json is a shard of a different scenario than shard1.json \(they differ in rate/,
    );
    const late = shardRun(3, 4, { startedAt: '2026-11-30T10:00:01.250Z' });
    expect(() => mergeShards(inputs([two[0], two[1], late, two[3]]))).toThrow(/^the shards started 1.250 s apart \(shard 1 at .*, shard 3 at 2026-11-30T10:00:01.250Z\)/);
    const plain = shardRun(1, 1);
    delete plain.environment.shard;
    expect(() => mergeShards([{ source: 'plain.json', run: plain }])).toThrow(MergeError);
    expect(() => mergeShards([{ source: 'plain.json', run: plain }])).toThrow(/^plain.json: not a shard/);
  });
});
