// Capacity search of a WebSocket API, through the real `barrage capacity` process: the demo
// target's /ws/capacity?rps=N echoes each message once a queue served at exactly N messages/s
// has served it (the same queue as GET /capacity?rps=N), so the search must find N within ±10%
// in WebSocket rate mode — REST against WebSocket at the same SLO, as in the showdown — and
// store every step as a WebSocket run of the group.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CapacityStatus } from '../src/shared/capacity.ts';
import { openStore } from '../src/main/store/runStore.ts';
import { startDemoTarget, type DemoTarget } from '../src/main/target/demoTarget.ts';
import { runCli } from './support/cliProcess.ts';

let target: DemoTarget;
const dir = mkdtempSync(join(tmpdir(), 'barrage-capacity-ws-'));
const db = join(dir, 'history.db');

beforeAll(async () => {
  target = await startDemoTarget();
});
afterAll(async () => {
  await target.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('barrage capacity of a WebSocket API', () => {
  it('finds the capacity of a queue served at 150 messages/s within ±10%, in rate mode', { timeout: 200_000 }, async () => {
    const n = 150;
    const r = await runCli(
      ['capacity', `${target.wsUrl}/ws/capacity?rps=${n}`, '--slo', 'p50<100ms', '--slo', 'errors<1%', '--start-rate', String(n / 2), '--step-sec', '4', '-w', '1', '--json'],
      { BARRAGE_DB: db },
      190_000,
    );
    expect(r.stderr).toBe('');
    const status = JSON.parse(r.stdout) as CapacityStatus;
    expect(status.target.protocol).toBe('ws');
    const a = status.answer!;
    expect(a.stopReason).toBe('converged');
    expect(a.atLeast).toBe(false);
    expect(a.capacity!.rate).toBeGreaterThanOrEqual(0.9 * n);
    expect(a.capacity!.rate).toBeLessThanOrEqual(1.1 * n);
    expect(a.firstFail!.reason).toMatch(/^p50 /);
    expect(r.code).toBe(0);
    const store = openStore(db);
    try {
      const run = store.getRun(status.steps[0].runId!)!;
      expect(run.config.protocol === 'ws' ? run.config.mode : run.config.protocol).toBe('rate');
      expect(run.config.stageTarget).toBe('rate');
      expect(run.tags).toContain('capacity');
      expect(run.groupId).toBe(status.groupId);
    } finally {
      store.close();
    }
  });
});
