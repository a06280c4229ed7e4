// Load profiles through the real `barrage` process: --stage flags and a scenario file's
// "stages", the per-stage table and JSON, a stage-scoped threshold gating the exit code, the
// stored plan, and bad stages refused with one line naming the flag.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoTarget, type DemoTarget } from '../src/main/target/demoTarget.ts';
import { openStore } from '../src/main/store/runStore.ts';
import { runCli } from './support/cliProcess.ts';

let target: DemoTarget;
const dir = mkdtempSync(join(tmpdir(), 'barrage-profiles-'));
const db = join(dir, 'history.db');
const env = { BARRAGE_DB: db };

beforeAll(async () => {
  target = await startDemoTarget();
});
afterAll(async () => {
  await target.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('barrage run --stage', () => {
  it('ramps connections, prints the per-stage table, and a stage threshold decides the exit code', async () => {
    const r = await runCli(
      ['run', `${target.httpUrl}/delay?ms=5`, '-w', '1', '-q', '--stage', '1s:4', '--stage', '1s:4', '--threshold', 'p99{stage:2} < 1ms'],
      env,
    );
    expect(r.stderr).toBe('');
    // Every request waits 5 ms: stage 2's p99 cannot be under 1 ms.
    expect(r.code).toBe(99);
    expect(r.stdout).toMatch(/^Stages \(the plan against what was achieved\)$/m);
    expect(r.stdout).toMatch(/^\s*STAGE\s+SECONDS\s+PLANNED\s+ACHIEVED/m);
    expect(r.stdout).toMatch(/^\s*1\s+0s–1s\s+0→4 conn/m);
    expect(r.stdout).toMatch(/^\s*2\s+1s–2s\s+4 conn\s+4 conn \(peak 4\)/m);
    expect(r.stdout).toMatch(/FAILED\s+p99 of stage 2 [\d.]+ ms \(limit < 1 ms\)/);
  });

  it('takes "stages" from a scenario file, ramps the rate, and stores the plan with the per-stage figures', async () => {
    const file = join(dir, 'ramp.json');
    writeFileSync(
      file,
      JSON.stringify({
        protocol: 'http',
        url: `${target.httpUrl}/`,
        workers: 1,
        connections: 10,
        stageTarget: 'rate',
        stages: [
          { durationSec: 1, target: 200 },
          { durationSec: 1, target: 200 },
        ],
        thresholds: ['p99{stage:2} < 5s'],
      }),
    );
    const r = await runCli(['run', '--scenario', file, '--json', '-q'], env);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { runId: number; stages: Array<{ index: number; to: number; target: string; throughput: { total: number } }>; throughput: { total: number } };
    expect(doc.stages.map((s) => [s.index, s.to, s.target])).toEqual([
      [0, 200, 'rate'],
      [1, 200, 'rate'],
    ]);
    // ∫ = 100 + 200 arrivals.
    expect(doc.throughput.total).toBeGreaterThanOrEqual(290);
    expect(doc.throughput.total).toBeLessThanOrEqual(300);
    const store = openStore(db);
    try {
      const run = store.getRun(doc.runId)!;
      expect(run.config.stages).toEqual([
        { durationSec: 1, target: 200 },
        { durationSec: 1, target: 200 },
      ]);
      expect(run.summary?.stages?.[1].throughput.total).toBe(doc.stages[1].throughput.total);
    } finally {
      store.close();
    }
    // The HTML report carries the per-stage table.
    const html = join(dir, 'ramp.html');
    const report = await runCli(['report', String(doc.runId), '--out', html], env);
    expect(report.code).toBe(0);
    const text = readFileSync(html, 'utf8');
    expect(text).toContain('<h2>Stages: the plan against what was achieved</h2>');
    expect(text).toMatch(/<tr[^>]*><td>2<\/td><td>1s–2s<\/td><td>200\/s<\/td>/);
    expect(text).toContain('load profile of 2 stages over 2 s, open model up to 200/s');
  });

  it('refuses bad stages with one line naming the flag', async () => {
    const bad = await runCli(['run', `${target.httpUrl}/`, '--stage', '30s'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('barrage run: --stage "30s" is not a stage; write duration:target, e.g. 30s:200');
    const both = await runCli(['run', `${target.httpUrl}/`, '--stage', '1s:5', '-r', '100'], env);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--rate \(rate\): does not apply when the stages ramp connections/);
    expect(both.stderr.trim().split('\n')).toHaveLength(1);
  });
});
