// A scenario saved in the app against the demo target names it symbolically
// (demo-target.invalid): `barrage ab` and `barrage capacity` start one in their own process on
// first use, as `barrage run` does (one shared helper, src/main/cli/demoTargetOnFirstUse.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/main/store/runStore.ts';
import type { CapacityStatus } from '../src/shared/capacity.ts';
import { runCli } from './support/cliProcess.ts';

const dir = mkdtempSync(join(tmpdir(), 'barrage-demo-cli-'));
const db = join(dir, 'history.db');
const env = { BARRAGE_DB: db };

beforeAll(() => {
  const store = openStore(db);
  const common = { protocol: 'http', connections: 1, workers: 1, durationSec: 2, warmupSec: 0 };
  store.saveScenario('demo-a', { ...common, url: 'http://demo-target.invalid/' });
  store.saveScenario('demo-b', { ...common, url: 'http://demo-target.invalid/echo' });
  store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the symbolic demo target from the CLI', () => {
  it('barrage ab runs two saved demo-target scenarios', { timeout: 90_000 }, async () => {
    const r = await runCli(['ab', 'demo-a', 'demo-b', '--rounds', '3', '--warmup-sec', '0', '--min-seconds', '2', '--json'], env, 80_000);
    const doc = JSON.parse(r.stdout) as { state: string; runs: Array<{ runId: number }> };
    expect(doc.state, r.stderr).toBe('completed');
    const store = openStore(db);
    try {
      const ids = doc.runs.map((x) => x.runId);
      expect(ids).toHaveLength(6);
      for (const id of ids) {
        const s = store.getRun(id)!.summary;
        expect(s.status).toBe('completed');
        expect(s.throughput.total).toBeGreaterThan(0);
        expect(s.errors.total).toBe(0);
      }
    } finally {
      store.close();
    }
  });

  it('barrage capacity measures the demo target', { timeout: 60_000 }, async () => {
    const r = await runCli(['capacity', 'http://demo-target.invalid/', '--slo', 'p99<2s', '--start-rate', '50', '--max-rate', '50', '--step-sec', '2', '-w', '1', '--json'], env, 50_000);
    const status = JSON.parse(r.stdout) as CapacityStatus;
    expect(status.steps, r.stderr).toHaveLength(1);
    expect(status.steps[0].outcome).toBe('passed');
  });
});
