// The CLI as a new user meets it (issue #17): a run that misses its rate says so, before,
// during and after the run, and in its JSON.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoTarget, type DemoTarget } from '../src/main/target/demoTarget.ts';
import { runCli } from './support/cliProcess.ts';
import { closedPort } from './support/faultServers.ts';

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

describe('a target where every attempt fails the same way', () => {
  it('is stopped after 3 s as failed, saying why, with the errors by kind on every progress line', async () => {
    const port = await closedPort();
    const started = Date.now();
    const r = await runCli(['run', `http://127.0.0.1:${port}/`, '-d', '20', '-c', '2', '-w', '1'], env);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/errors so far: refused \d+/);
    expect(r.stdout).toMatch(/Status\s+failed: stopped after 3 s: nothing succeeded and every attempt failed the same way — refused \(connection refused\), [\d,]+ times in 3 s/);
    expect(r.stdout).not.toMatch(/stopped before its planned end/);
  });

  it('runs to the end with --keep-going', async () => {
    const port = await closedPort();
    const r = await runCli(['run', `http://127.0.0.1:${port}/`, '-d', '4', '-c', '2', '-w', '1', '--keep-going', '--json', '--no-save'], env);
    const doc = JSON.parse(r.stdout) as { status: string; durationSec: number; errors: { byKind: Record<string, number> } };
    expect(doc.durationSec).toBeGreaterThanOrEqual(3.9);
    expect(doc.status).not.toBe('failed');
    expect(doc.errors.byKind.refused).toBeGreaterThan(10);
  });
});

describe('a scenario that names the demo target symbolically', () => {
  it('runs from the CLI against a demo target started for the run', async () => {
    const r = await runCli(['run', 'http://demo-target.invalid/echo', '-m', 'POST', '-b', '{"a":1}', '-d', '1', '-c', '2', '-w', '1', '--json', '--no-save'], env);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { status: string; throughput: { total: number }; errors: { total: number } };
    expect(doc.status).toBe('completed');
    expect(doc.throughput.total).toBeGreaterThan(10);
    expect(doc.errors.total).toBe(0);
  });
});
