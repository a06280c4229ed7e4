// Thresholds end to end through the real `barrage` process against the demo target: flags and
// scenario files, exit codes (0 passed, 99 failed, 2 bad expression), the outcome stored with the
// run and the history's --passed filter, and --abort-on-fail stopping a run early.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoTarget, type DemoTarget } from '../src/main/target/demoTarget.ts';
import { openStore } from '../src/main/store/runStore.ts';
import { runCli } from './support/cliProcess.ts';

let target: DemoTarget;
const dir = mkdtempSync(join(tmpdir(), 'barrage-thresholds-'));
const db = join(dir, 'history.db');
const env = { BARRAGE_DB: db };
const short = ['-a', '300', '-c', '2', '-w', '1', '-q'];

beforeAll(async () => {
  target = await startDemoTarget();
});
afterAll(async () => {
  await target.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('barrage run --threshold', () => {
  it('exits 0 when every threshold passes and prints each one', async () => {
    const r = await runCli(['run', `${target.httpUrl}/`, ...short, '--threshold', 'p99<5s', '--threshold', 'errors < 1%', '--threshold', 'rps > 1'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Thresholds\s+all 3 passed$/m);
    expect(r.stdout).toMatch(/^\s+passed\s+p99 [\d.]+ (µs|ms) \(limit < 5 s\)$/m);
    expect(r.stdout).toMatch(/^\s+passed\s+errors 0% \(limit < 1%\)$/m);
  });

  it('exits 99 when one fails, and says which', async () => {
    const r = await runCli(['run', `${target.httpUrl}/`, ...short, '--threshold', 'p99<5s', '--threshold', 'p50 < 1us'], env);
    expect(r.code).toBe(99);
    expect(r.stdout).toMatch(/^Thresholds\s+1 of 2 FAILED$/m);
    expect(r.stdout).toMatch(/^\s+FAILED\s+p50 [\d.]+ (µs|ms) \(limit < 1 µs\)$/m);
  });

  it('puts the outcome in the JSON summary', async () => {
    const r = await runCli(['run', `${target.httpUrl}/`, ...short, '--json', '--threshold', 'errors<=0', '--threshold', 'max < 1us'], env);
    expect(r.code).toBe(99);
    const s = JSON.parse(r.stdout);
    expect(s.thresholds).toEqual([
      expect.objectContaining({ expression: 'errors<=0', metric: 'errors', passed: true, actual: 0, unit: 'count' }),
      expect.objectContaining({ expression: 'max < 1us', metric: 'max', passed: false, limit: 1, unit: 'us' }),
    ]);
  });

  it.each([
    ['p98<250ms', /^barrage run: --threshold "p98<250ms": unknown metric "p98" \(known: p50, p90/m],
    ['p99 < 250', /^barrage run: --threshold "p99 < 250": the limit of p99 needs a unit: us, µs, ms or s/m],
    ['errors == 0', /^barrage run: --threshold "errors == 0": operator "==" at column 8 is not supported; use <, <=, > or >=$/m],
  ])('rejects %j before running, with one line and exit 2', async (expression, message) => {
    const started = Date.now();
    const r = await runCli(['run', `${target.httpUrl}/`, '-d', '30', '-q', '--threshold', expression], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('applies a scenario file\'s thresholds, together with the flags', async () => {
    const file = join(dir, 'slo.json');
    writeFileSync(file, JSON.stringify({ protocol: 'http', name: 'slo', url: `${target.httpUrl}/`, connections: 2, amount: 300, workers: 1, thresholds: ['p99 < 5s', 'errors < 1%'] }));
    const pass = await runCli(['run', '--scenario', file, '-q', '--json'], env);
    expect(pass.code).toBe(0);
    expect(JSON.parse(pass.stdout).thresholds.map((t: { expression: string }) => t.expression)).toEqual(['p99 < 5s', 'errors < 1%']);

    const fail = await runCli(['run', '--scenario', file, '-q', '--json', '--threshold', 'rps > 1000000000'], env);
    expect(fail.code).toBe(99);
    expect(JSON.parse(fail.stdout).thresholds.map((t: { expression: string; passed: boolean }) => [t.expression, t.passed])).toEqual([
      ['p99 < 5s', true],
      ['errors < 1%', true],
      ['rps > 1000000000', false],
    ]);

    writeFileSync(file, JSON.stringify({ protocol: 'http', url: `${target.httpUrl}/`, thresholds: ['p99 < 5s', 'latency < 3ms'] }));
    const bad = await runCli(['run', '--scenario', file, '-q'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^barrage run: thresholds\.1: "latency < 3ms": unknown metric "latency"/m);
  });

  it('stores pass/fail with each run, and runs list --passed filters on it', async () => {
    const store = openStore(db);
    const runs = store.listRuns({ limit: 1000 }).runs;
    store.close();
    const passedIds = runs.filter((r) => r.thresholdsPassed === true).map((r) => r.id);
    const failedIds = runs.filter((r) => r.thresholdsPassed === false).map((r) => r.id);
    expect(passedIds.length).toBeGreaterThanOrEqual(2);
    expect(failedIds.length).toBeGreaterThanOrEqual(3);
    // The per-threshold results are stored in the run's summary.
    const store2 = openStore(db);
    expect(store2.getRun(failedIds[0])!.summary.thresholds!.some((t) => !t.passed)).toBe(true);
    store2.close();

    const yes = await runCli(['runs', 'list', '--passed', 'yes', '--json', '--limit', '100'], env);
    expect(yes.code).toBe(0);
    expect(JSON.parse(yes.stdout).runs.map((r: { id: number }) => r.id).sort()).toEqual([...passedIds].sort());
    const no = await runCli(['runs', 'list', '--passed', 'no', '--json', '--limit', '100'], env);
    expect(JSON.parse(no.stdout).runs.map((r: { id: number }) => r.id).sort()).toEqual([...failedIds].sort());
    const table = await runCli(['runs', 'list'], env);
    expect(table.stdout.split('\n')[0]).toMatch(/\bSLO\b/);
    expect(table.stdout).toMatch(/\bFAIL\b/);
    const bad = await runCli(['runs', 'list', '--passed', 'maybe'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--passed: "maybe" is not yes or no/);
  });

  it('--abort-on-fail stops the run at the first certain breach and exits 99', async () => {
    const started = Date.now();
    const r = await runCli(['run', `${target.httpUrl}/`, '-d', '30', '-c', '2', '-w', '1', '-q', '--json', '--threshold', 'p99 < 5s', '--threshold', 'max < 1us', '--abort-on-fail'], env);
    expect(r.code).toBe(99);
    expect(Date.now() - started).toBeLessThan(15_000);
    const s = JSON.parse(r.stdout);
    expect(s.status).toBe('aborted');
    expect(s.durationSec).toBeLessThan(10);
    expect(s.thresholds.map((t: { passed: boolean }) => t.passed)).toEqual([true, false]);
    expect(s.notes.join('\n')).toMatch(/Stopped after \d+ s because a threshold was breached \(abort on fail\): max [\d.]+ (µs|ms) so far \(limit < 1 µs\)/);
  });

  it('--abort-on-fail needs a threshold', async () => {
    const r = await runCli(['run', `${target.httpUrl}/`, ...short, '--abort-on-fail'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--abort-on-fail needs a threshold/);
  });
});
