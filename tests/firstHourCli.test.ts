// The CLI as a new user meets it (issue #17): a run that misses its rate says so, before,
// during and after the run, and in its JSON.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoTarget, type DemoTarget } from '../src/main/target/demoTarget.ts';
import { runCli } from './support/cliProcess.ts';

let target: DemoTarget;
const dir = mkdtempSync(join(tmpdir(), 'barrage-firsthour-'));
const env = { BARRAGE_DB: join(dir, 'cli.db') };

beforeAll(async () => {
  target = await startDemoTarget();
});
afterAll(async () => {
  await target.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a rate the connections cannot carry', () => {
  it('is warned about before the run, shown behind while it runs, and counted in the summary', async () => {
    // 2 connections at 50 ms carry 40 req/s; 200/s are asked for 2 s: about 320 of 400 missed.
    const r = await runCli(['run', `${target.httpUrl}/delay?ms=50`, '-r', '200', '-c', '2', '-d', '2', '-w', '1'], env);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^warning: 2 connections at the target's measured \d+ ms per request carry at most about \d+ requests\/s, less than the 200\/s asked/m);
    expect(r.stderr).toMatch(/behind \d{2,}/);
    expect(r.stdout).toMatch(/Schedule \(open model\)\s+\d+ of 400 scheduled requests went out; \d+ \(\d+(\.\d)?%\) MISSED/);
    expect(r.stdout).toMatch(/Note\s+\d+ of 400 scheduled requests \(\d+(\.\d)?%\) never went out: all 2 connections were busy/);
  });

  it('puts schedule.missed in the JSON, and dropped<1% fails the run (exit 99)', async () => {
    const r = await runCli(['run', `${target.httpUrl}/delay?ms=50`, '-r', '200', '-c', '2', '-d', '2', '-w', '1', '--json', '--threshold', 'dropped<1%', '--no-save'], env);
    expect(r.code).toBe(99);
    const doc = JSON.parse(r.stdout) as { schedule: { due: number; sent: number; missed: number; missedPercent: number }; thresholds: Array<{ metric: string; passed: boolean }> };
    expect(doc.schedule.due).toBe(400);
    expect(doc.schedule.missed).toBe(doc.schedule.due - doc.schedule.sent);
    expect(doc.schedule.missedPercent).toBeGreaterThan(50);
    expect(doc.thresholds).toEqual([expect.objectContaining({ metric: 'dropped', passed: false })]);
  });
});
