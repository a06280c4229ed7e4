// The open model's schedule: sends that came due but never went out are counted (k6's
// dropped_iterations), per second as a backlog and per run with the reason. Known answers: a
// server with a fixed service time caps what N connections can carry at N / service time.
import { afterEach, describe, expect, it } from 'vitest';
import { delayedServer, closedPort, type TestServer } from './support/faultServers.ts';
import { runToEnd } from './support/runScenario.ts';
import type { RunProgress } from '../src/shared/runResult.ts';
import { evaluateThresholds, parseThreshold } from '../src/shared/thresholds.ts';

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});
async function server(s: Promise<TestServer>): Promise<TestServer> {
  const started = await s;
  cleanup.push(() => started.close());
  return started;
}

describe('open model: missed scheduled sends', () => {
  it('HTTP: 4 connections on a 50 ms server carry 80 req/s of 400 asked; the rest is counted as missed', async () => {
    const target = await server(delayedServer(50));
    const live: RunProgress[] = [];
    const { result } = await runToEnd(
      { protocol: 'http', url: `${target.url}/`, durationSec: 3, rate: 400, connections: 4, workers: 1 },
      { onProgress: (p) => live.push(p) },
    );
    const s = result.summary;
    expect(s.status).toBe('completed');
    const sched = s.schedule!;
    // 400/s for 3 s: 1,200 sends due. 4 connections × 20/s = 80/s → about 240 sent.
    expect(sched.due).toBe(1200);
    expect(sched.sent).toBeGreaterThan(150);
    expect(sched.sent).toBeLessThan(260);
    expect(sched.missed).toBe(sched.due - sched.sent);
    expect(sched.missedPercent).toBeGreaterThan(75);
    // Every request that went out was answered.
    expect(s.throughput.total).toBeGreaterThanOrEqual(sched.sent - 4);
    // Why, and what to change: about 4 × 400 / 80 = 20 connections.
    expect(sched.advice).toMatch(/never went out: all 4 connections were busy/);
    const needed = Number(/raise connections \(-c\) to about ([\d,]+)/.exec(sched.advice!)![1].replace(/,/g, ''));
    expect(needed).toBeGreaterThanOrEqual(17);
    // Above 20 when the shared machine slows the server's answers (measured: up to 31).
    expect(needed).toBeLessThanOrEqual(40);
    expect(s.notes).toContain(sched.advice);
    // Warned before the run: a probe measured the 50 ms and did the sum.
    expect(s.notes[0]).toMatch(/^Before the run: 4 connections at the target's measured [5-7]\d ms per request carry at most about ([5-7]\d|80) requests\/s, less than the 400\/s asked: the rest of the schedule will be missed; raise connections \(-c\) to about [23]\d \(rate × latency\)\.$/);
    expect(live[0].warnings).toEqual([s.notes[0]]);
    // Per second, the backlog grows by about 320 a second; the last second's is the missed total.
    const behind = result.samples.map((x) => x.behind!);
    expect(behind).toHaveLength(3);
    expect(behind[0]).toBeGreaterThan(250);
    expect(behind[1]).toBeGreaterThan(behind[0] + 250);
    expect(behind[2]).toBe(sched.missed);
    // A threshold gates it, as a share or a count.
    const [share, count, alias] = evaluateThresholds(['dropped<1%', `dropped <= ${sched.missed}`, 'missed < 50%'], s);
    expect(share.passed).toBe(false);
    expect(share.message).toMatch(/^dropped 8\d(\.\d)?% \(limit < 1%\): failed$/);
    expect(count.passed).toBe(true);
    expect(alias.passed).toBe(false);
    // Live: each progress event carries the backlog so far.
    expect(live.some((p) => (p.totals.schedule?.behind ?? 0) > 250)).toBe(true);
  });

  it('HTTP: a rate the connections can carry misses nothing', async () => {
    const target = await server(delayedServer(5));
    const { result } = await runToEnd({ protocol: 'http', url: `${target.url}/`, durationSec: 2, rate: 100, connections: 10, workers: 1 });
    const sched = result.summary.schedule!;
    expect(sched.due).toBe(200);
    expect(sched.missed).toBeLessThanOrEqual(1);
    expect(result.summary.notes.some((n) => n.startsWith('Before the run'))).toBe(false);
    expect(result.samples.every((x) => (x.behind ?? 99) <= 2)).toBe(true);
    expect(evaluateThresholds(['dropped<1%'], result.summary)[0].passed).toBe(true);
  });

  it('the closed model has no schedule', async () => {
    const target = await server(delayedServer(1));
    const { result } = await runToEnd({ protocol: 'http', url: `${target.url}/`, durationSec: 1, connections: 2, workers: 1 });
    expect(result.summary.schedule).toBeUndefined();
    expect(result.samples[0].behind).toBeUndefined();
    // A gate that cannot be checked fails rather than letting the run through.
    expect(evaluateThresholds(['dropped<1%'], result.summary)[0].message).toBe('dropped: applies to runs with a rate (open model) only (limit < 1%): failed');
  });

  it('WebSocket rate mode: messages whose connection never opens are missed', async () => {
    const port = await closedPort();
    const { result } = await runToEnd({ protocol: 'ws', url: `ws://127.0.0.1:${port}/`, mode: 'rate', rate: 100, durationSec: 2, connections: 2, workers: 1 });
    const sched = result.summary.schedule!;
    expect(sched.due).toBe(200);
    expect(sched.sent).toBe(0);
    expect(sched.missed).toBe(200);
    expect(sched.advice).toMatch(/200 of 200 scheduled messages \(100%\) never went out/);
  });
});

describe('the dropped threshold', () => {
  it('parses as a share or a count, with k6\'s name as an alias, and names bad units', () => {
    expect(parseThreshold('dropped<1%')).toMatchObject({ metric: 'dropped', unit: 'share', limit: 0.01 });
    expect(parseThreshold('dropped_iterations <= 10')).toMatchObject({ metric: 'dropped', unit: 'count', limit: 10 });
    expect(() => parseThreshold('dropped < 5ms')).toThrow('dropped takes % (a share of scheduled sends) or no unit (a count), not "ms"');
  });
});

describe('the backlog in the run history', () => {
  it('stores each second\'s backlog and the run\'s schedule, and reads them back', async () => {
    const { openStore } = await import('../src/main/store/runStore.ts');
    const { tempDbPath } = await import('./fixtures/tempStore.ts');
    const { syntheticRun } = await import('./fixtures/syntheticRun.ts');
    const { collectEnvironment } = await import('../src/main/store/environment.ts');
    const store = openStore(tempDbPath());
    try {
      const run = syntheticRun({ seconds: 3 });
      run.samples = run.samples.map((x, i) => ({ ...x, behind: (i + 1) * 300 }));
      run.summary.schedule = { due: 1200, sent: 300, missed: 900, missedPercent: 75, advice: 'raise -c' };
      const id = store.createRun({ config: run.config, environment: collectEnvironment(run.config, 1), startedAt: run.summary.startedAt });
      store.appendSamples(id, run.samples.slice(0, 2));
      store.finishRun(id, run);
      const back = store.getRun(id)!;
      expect(back.samples.map((x) => x.behind)).toEqual([300, 600, 900]);
      expect(back.summary.schedule).toEqual(run.summary.schedule);
    } finally {
      store.close();
    }
  });
});
