// The CI outputs through the real `barrage` process against the demo target: --junit,
// --summary-md and --out jsonl on a run (the jsonl seconds must be the run's own stored seconds),
// --junit on compare, and paths checked before the run starts.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoTarget, type DemoTarget } from '../src/main/target/demoTarget.ts';
import { openStore } from '../src/main/store/runStore.ts';
import { runCli } from './support/cliProcess.ts';
import { readJunit } from './support/junitReader.ts';
import { runAt, storeRun, withLatencyScaled } from './fixtures/storedRuns.ts';

let target: DemoTarget;
const dir = mkdtempSync(join(tmpdir(), 'barrage-ci-'));
const db = join(dir, 'history.db');
const env = { BARRAGE_DB: db };

beforeAll(async () => {
  target = await startDemoTarget();
});
afterAll(async () => {
  await target.close();
  rmSync(dir, { recursive: true, force: true });
});

function jsonLines(text: string): Array<Record<string, unknown>> {
  return text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('barrage run with CI outputs', () => {
  it('writes JUnit, Markdown and one jsonl line per stored second, the summary last', async () => {
    const junit = join(dir, 'run.xml');
    const md = join(dir, 'run.md');
    const jsonl = join(dir, 'run.jsonl');
    const r = await runCli(
      ['run', `${target.httpUrl}/`, '-d', '3', '-c', '2', '-w', '1', '-q', '--json', '--threshold', 'p99<10s', '--threshold', 'max<1us', '--junit', junit, '--summary-md', md, '--out', `jsonl=${jsonl}`],
      env,
    );
    expect(r.code).toBe(99);
    const { runId } = JSON.parse(r.stdout) as { runId: number };

    const { totals, cases } = readJunit(readFileSync(junit, 'utf8'));
    expect(totals).toEqual({ tests: 3, failures: 1, skipped: 0 });
    expect(cases.find((c) => c.failure)).toMatchObject({ name: 'max<1us', failure: { type: 'threshold', message: expect.stringMatching(/^max [\d.]+ (µs|ms) \(limit < 1 µs\): failed$/) } });

    expect(readFileSync(md, 'utf8')).toMatch(new RegExp(`^### Barrage run ${runId}: `, 'm'));

    const lines = jsonLines(readFileSync(jsonl, 'utf8'));
    const store = openStore(db);
    const run = store.getRun(runId)!;
    store.close();
    const samples = lines.filter((l) => l.type === 'sample');
    expect(samples.length).toBeGreaterThanOrEqual(3);
    // The stream carries exactly the seconds the history stored, in order, figure by figure.
    // Every stored figure of every second; live samples carry a few more (errorsByKind, …).
    expect(samples).toHaveLength(run.samples.length);
    // All but the second's encoded histogram, which the history keeps and the stream leaves out.
    samples.forEach((s, i) => {
      const { histogram, ...stored } = run.samples[i];
      expect(s).toMatchObject({ runId, ...stored });
      if (stored.latencyUs) expect(histogram).toMatch(/^HISTF/);
      expect(s).not.toHaveProperty('histogram');
    });
    for (const s of samples) expect(Object.values(s.errorsByKind as object).reduce((a: number, n) => a + (n as number), 0)).toBe(s.errors);
    const last = lines.at(-1)!;
    expect(last.type).toBe('summary');
    expect(last).toMatchObject({ runId, status: 'completed', throughput: run.summary.throughput, latencyUs: run.summary.latencyUs });
    expect((last.thresholds as Array<{ passed: boolean }>).map((t) => t.passed)).toEqual([true, false]);
    // Totals so far add up the seconds before them.
    let sum = 0;
    for (const s of samples) {
      sum += s.throughput as number;
      expect((s.totals as { throughput: number }).throughput).toBe(sum);
    }
  });

  it('streams jsonl to stdout with --out jsonl=-, and nothing else there', async () => {
    const r = await runCli(['run', `${target.httpUrl}/`, '-a', '200', '-c', '2', '-w', '1', '--no-save', '--out', 'jsonl=-'], env);
    expect(r.code).toBe(0);
    const lines = jsonLines(r.stdout);
    expect(lines.at(-1)).toMatchObject({ type: 'summary', runId: null, throughput: { total: 200 } });
    expect(lines.slice(0, -1).every((l) => l.type === 'sample')).toBe(true);
    expect(lines.slice(0, -1).reduce((a, l) => a + (l.throughput as number), 0)).toBe(200);
    expect(r.stderr).toMatch(/req\/s/); // progress still goes to stderr
  });

  it.each([
    [['--junit', '/nonexistent-dir/x.xml'], /^barrage run: --junit: cannot write \/nonexistent-dir\/x\.xml \(no such directory\)$/m],
    [['--summary-md', '/tmp'], /^barrage run: --summary-md: \/tmp is a directory, not a file$/m],
    [['--out', 'csv=x.csv'], /^barrage run: --out: unknown output "csv" in "csv=x.csv" \(known: FILE or result=FILE for the result, jsonl=FILE; - for stdout\)$/m],
    [['--out', 'jsonl='], /^barrage run: --out: "jsonl=" names no file/],
    [['--out', 'jsonl=-', '--json'], /^barrage run: --out jsonl=- and --json both write to stdout/],
  ])('refuses %j before running, in one line', async (flags, message) => {
    const started = Date.now();
    const r = await runCli(['run', `${target.httpUrl}/`, '-d', '30', '-q', ...flags], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('barrage compare --junit --summary-md', () => {
  it('fails the figure that got worse and exits 3', async () => {
    const store = openStore(db);
    const base = storeRun(store, runAt(0, { seed: 1, name: 'checkout' }));
    const slower = storeRun(store, withLatencyScaled(runAt(2, { seed: 1, name: 'checkout' }), 1.2));
    const same = storeRun(store, runAt(4, { seed: 2, name: 'checkout' }));
    store.close();
    const junit = join(dir, 'compare.xml');
    const md = join(dir, 'compare.md');
    const worse = await runCli(['compare', String(base), String(slower), '--junit', junit, '--summary-md', md], env);
    expect(worse.code).toBe(3);
    const { cases } = readJunit(readFileSync(junit, 'utf8'));
    expect(cases.filter((c) => c.failure).map((c) => c.name)).toEqual(['p50 latency']);
    expect(readFileSync(md, 'utf8')).toMatch(/^\*\*WORSE\*\*: p50 latency/m);

    rmSync(junit);
    const fine = await runCli(['compare', String(base), String(same), '--junit', junit], env);
    expect(fine.code).toBe(0);
    expect(existsSync(junit)).toBe(true);
    expect(readJunit(readFileSync(junit, 'utf8')).totals.failures).toBe(0);
  });

  it('reports an A/B group with --group: B against A', async () => {
    const store = openStore(db);
    for (let i = 0; i < 5; i++) {
      storeRun(store, runAt(10 + 2 * i, { seed: 10 + i, seconds: 20, name: 'a' }), { groupId: 'ab-ci', tags: ['ab', 'ab:A'] });
      storeRun(store, withLatencyScaled(runAt(11 + 2 * i, { seed: 20 + i, seconds: 20, name: 'b' }), 1.2), { groupId: 'ab-ci', tags: ['ab', 'ab:B'] });
    }
    store.close();
    const junit = join(dir, 'group.xml');
    const r = await runCli(['compare', '--group', 'ab-ci', '--junit', junit], env);
    expect(r.code).toBe(3);
    const { cases } = readJunit(readFileSync(junit, 'utf8'));
    expect(cases[0].suite).toBe('barrage ab: b against a');
    expect(cases.filter((c) => c.failure).map((c) => c.name).sort()).toEqual(['p50 latency', 'p99 latency']);
  });
});
