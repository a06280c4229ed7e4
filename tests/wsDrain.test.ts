// The drain after a WebSocket run's planned end is its own period (RunSample.drain), not part
// of the last planned second. Known answer: the demo target's /ws/capacity?rps=300 answers
// exactly 300 messages/s; offered 400/s, a backlog builds up and its answers keep coming for
// up to 2 s after the end. Before, they were folded into the last second (one run read 719
// msg/s there against 300 everywhere else) and into the steady rate.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSteadySecond } from '../src/shared/runResult.ts';
import { openStore } from '../src/main/store/runStore.ts';
import { startDemoTarget, type DemoTarget } from '../src/main/target/demoTarget.ts';
import { runCli } from './support/cliProcess.ts';

let target: DemoTarget;
const dir = mkdtempSync(join(tmpdir(), 'barrage-ws-drain-'));
const db = join(dir, 'history.db');

beforeAll(async () => {
  target = await startDemoTarget();
});
afterAll(async () => {
  await target.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the end-of-run drain of a WebSocket run', () => {
  it('is stored as its own period, out of the last second, the steady rate and the rate per second', { timeout: 60_000 }, async () => {
    const r = await runCli(['run', `${target.wsUrl}/ws/capacity?rps=300`, '--mode', 'rate', '--rate', '400', '-d', '4', '-c', '10', '-w', '1', '--json', '-q'], { BARRAGE_DB: db }, 50_000);
    expect(r.stderr).toBe('');
    const { runId } = JSON.parse(r.stdout) as { runId: number };
    const store = openStore(db);
    try {
      const run = store.getRun(runId)!;
      const drain = run.samples.filter((s) => s.drain);
      expect(drain).toHaveLength(1);
      expect(drain[0].t).toBe(4);
      expect(drain[0].throughput).toBeGreaterThan(50);
      const steady = run.samples.filter(isSteadySecond);
      expect(steady.map((s) => s.t)).toEqual([1, 2, 3]);
      // Every second of the planned load reads the server's capacity, the last one too.
      for (const s of steady) expect(s.throughput).toBeGreaterThan(255), expect(s.throughput).toBeLessThan(345);
      expect(run.summary.throughput.steadyPerSec!).toBeLessThan(330);
      // The drain's answers are in the total, not in the rate per second of the load.
      const planned = run.samples.filter((s) => !s.drain).reduce((a, s) => a + s.throughput, 0);
      expect(run.summary.throughput.total).toBe(planned + drain[0].throughput);
      expect(run.summary.throughput.perSec).toBeCloseTo(planned / run.summary.durationSec, 0);
      expect(run.summary.notes.join('\n')).toMatch(/answers came after the planned end, while the generator waited for them \(the drain\)/);
    } finally {
      store.close();
    }
  });
});
