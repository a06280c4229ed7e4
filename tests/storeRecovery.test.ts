// kill -9 of a process in the middle of a run: the next start marks the run interrupted,
// keeps every second it stored and rebuilds a summary from them.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openStore } from '../src/main/store/runStore.ts';
import { APPROXIMATION_NOTE, summarizeSamples } from '../src/main/store/samplesSummary.ts';
import { normalQuantile } from '../src/shared/stats/distributions.ts';
import { createHistogram, recordUs, summarizeHistogram } from '../src/shared/result/histogramCodec.ts';
import type { RunSample } from '../src/shared/runResult.ts';
import { syntheticRun } from './fixtures/syntheticRun.ts';
import { tempDbPath } from './fixtures/tempStore.ts';

const writer = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'storeWriter.ts');

describe('durability', () => {
  it('recovers a run whose process was killed with SIGKILL', async () => {
    // The child runs the .ts fixture directly: that needs Node 22's type stripping.
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(22);
    const file = tempDbPath();
    const child = spawn(process.execPath, ['--experimental-strip-types', '--disable-warning=ExperimentalWarning', writer, file, '5'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    // 'close', not 'exit': it comes after the last of the child's stdout has been read.
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        stdout += d;
        if (/ready \d+/.test(stdout)) resolve();
      });
      child.on('exit', () => reject(new Error(`writer exited early:\n${stderr}`)));
    });
    // Let it write a few more seconds, then kill it mid-stride.
    await new Promise((r) => setTimeout(r, 350));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const id = Number(/ready (\d+)/.exec(stdout)![1]);
    const promised = [...stdout.matchAll(/stored \d+ (\d+)/g)].map((m) => Number(m[1]));
    expect(promised.length).toBeGreaterThanOrEqual(5);

    const store = openStore(file);
    try {
      expect(store.listRuns().runs[0]).toMatchObject({ id, status: 'running' });
      expect(store.recoverInterrupted()).toEqual([id]);
      // Recovery happens once.
      expect(store.recoverInterrupted()).toEqual([]);

      const run = store.getRun(id)!;
      const expected = syntheticRun({ seconds: 100, seed: 99, valuesPerSecond: 10 }).samples;
      // Every sample the child reported as stored is there, unchanged; at most the one it was
      // writing when killed may be there without having been reported.
      expect(run.samples.length).toBeGreaterThanOrEqual(promised.length);
      expect(run.samples.length).toBeLessThanOrEqual(promised.length + 1);
      expect(run.samples).toEqual(expected.slice(0, run.samples.length));
      expect(run.tags).toEqual(['kill-test']);

      const s = run.summary;
      const n = run.samples.length;
      expect(s.status).toBe('interrupted');
      expect(s.durationSec).toBe(n);
      expect(s.endedAt).toBe(new Date(Date.parse(s.startedAt) + n * 1000).toISOString());
      expect(s.throughput.total).toBe(run.samples.reduce((a, x) => a + x.throughput, 0));
      expect(s.bytes.received).toBe(run.samples.reduce((a, x) => a + x.bytesReceived, 0));
      expect(s.errors.total).toBe(run.samples.reduce((a, x) => a + x.errors, 0));
      expect(s.latencyUs.count).toBe(s.throughput.total);
      expect(s.latencyUs.max).toBe(Math.max(...run.samples.map((x) => x.latencyUs!.max)));
      const p50s = run.samples.map((x) => x.latencyUs!.p50);
      expect(s.latencyUs.p50).toBeGreaterThanOrEqual(Math.min(...p50s) * 0.99);
      expect(s.latencyUs.p50).toBeLessThanOrEqual(Math.max(...p50s) * 1.01);
      expect(s.latencyUs.p99).toBeGreaterThanOrEqual(s.latencyUs.p50);
      expect(s.notes[0]).toMatch(/^Interrupted/);
      expect(s.notes).toContain(APPROXIMATION_NOTE);

      const listed = store.listRuns().runs[0];
      expect(listed).toMatchObject({ id, status: 'interrupted', durationSec: n, p99Us: s.latencyUs.p99 });
      expect(listed.endedAt).toBe(s.endedAt);
    } finally {
      store.close();
    }
  });
});

describe('summary rebuilt from samples', () => {
  it('is close to the truth when latency is log-normal within each second', () => {
    const whole = createHistogram();
    const samples: RunSample[] = [];
    for (let t = 0; t < 30; t++) {
      // Seconds differ (the target slows down mid-run), each log-normal.
      const median = t < 15 ? 900 : 2500;
      const second = createHistogram();
      const n = 2000;
      for (let i = 0; i < n; i++) {
        const us = median * Math.exp(0.5 * normalQuantile((i + 0.5) / n));
        recordUs(second, us);
        recordUs(whole, us);
      }
      const s = summarizeHistogram(second);
      samples.push({
        t, throughput: n, latencyUs: { p50: s.p50, p99: s.p99, max: s.max, mean: s.mean }, errors: 0, openConnections: 10,
        bytesSent: 0, bytesReceived: 0, cpuPercent: 10, loopLagMs: 0, warmup: t === 0,
      });
    }
    const truth = summarizeHistogram(whole);
    const config = syntheticRun({ seconds: 1 }).config;
    const rebuilt = summarizeSamples({ config, status: 'interrupted', startedAt: '2025-01-01T00:00:00.000Z', samples, workers: 1, reason: 'test' }).latencyUs;
    expect(rebuilt.count).toBe(truth.count);
    expect(rebuilt.max).toBe(truth.max);
    expect(Math.abs(rebuilt.mean - truth.mean)).toBeLessThanOrEqual(1);
    for (const p of ['p50', 'p90', 'p95', 'p99'] as const) {
      expect(Math.abs(rebuilt[p] / truth[p] - 1), p).toBeLessThan(0.05);
    }
  });

  it('has no latency figures when nothing completed', () => {
    const config = syntheticRun({ seconds: 1 }).config;
    const s = summarizeSamples({ config, status: 'interrupted', startedAt: '2025-01-01T00:00:00.000Z', samples: [], workers: 1, reason: 'test' });
    expect(s.latencyUs.count).toBe(0);
    expect(s.durationSec).toBe(0);
    expect(s.throughput).toEqual({ total: 0, perSec: 0, steadyPerSec: null });
  });
});
