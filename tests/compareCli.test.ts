// `barrage compare` as a real process on synthetic stored runs whose difference is known: +20%
// latency must come out "worse" (exit 3), a second run of the same process must not (exit 0).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/main/store/runStore.ts';
import { runCli } from './support/cliProcess.ts';
import { runAt, storeRun, withLatencyScaled } from './fixtures/storedRuns.ts';

const dir = mkdtempSync(join(tmpdir(), 'barrage-compare-'));
const db = join(dir, 'history.db');
const env = { BARRAGE_DB: db };
let baseline: number;
let slower: number;
let same: number;
let wsRun: number;
let short: number;
let shortSlower: number;

beforeAll(() => {
  const store = openStore(db);
  try {
    baseline = storeRun(store, runAt(0, { seed: 1, name: 'checkout' }));
    // The same seconds with every latency 20% higher: the p50 difference is certain.
    slower = storeRun(store, withLatencyScaled(runAt(2, { seed: 1, name: 'checkout' }), 1.2));
    // Another run of the same process: differences are noise.
    same = storeRun(store, runAt(4, { seed: 2, name: 'checkout' }));
    wsRun = storeRun(store, runAt(6, { seed: 3, protocol: 'ws', name: 'feed' }));
    // 2-second runs with a 1 s warm-up: one steady second each, too little to judge anything.
    short = storeRun(store, runAt(40, { seed: 4, seconds: 2, name: 'try it' }));
    shortSlower = storeRun(store, withLatencyScaled(runAt(41, { seed: 5, seconds: 2, name: 'try it' }), 100));
    // An A/B group: B's latencies 20% higher than A's, five runs each.
    for (let i = 0; i < 5; i++) {
      storeRun(store, runAt(10 + 2 * i, { seed: 10 + i, seconds: 20, name: 'a' }), { groupId: 'ab-test', tags: ['ab', 'ab:A'] });
      storeRun(store, withLatencyScaled(runAt(11 + 2 * i, { seed: 20 + i, seconds: 20, name: 'b' }), 1.2), { groupId: 'ab-test', tags: ['ab', 'ab:B'] });
    }
  } finally {
    store.close();
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('barrage compare', () => {
  it('exits 3 when a figure got worse beyond its noise threshold, and says which', async () => {
    const r = await runCli(['compare', String(baseline), String(slower)], env);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^ROLE\s+RUN\s+SCENARIO\s+STARTED\s+STATUS\s+DURATION\s+TARGET$/m);
    expect(r.stdout).toMatch(/^FIGURE\s+RUN \d+ \(BASELINE\)\s+RUN \d+\s+CHANGE$/m);
    expect(r.stdout).toMatch(/^p50 latency\s+\d+ µs\s+\d+ µs\s+\+\d+ µs \(\+20\.0%\)$/m);
    expect(r.stdout).toMatch(/^throughput\s+[\d,]+ req\/s\s+[\d,]+ req\/s\s+±0 req\/s \(\+0\.0%\)$/m);
    for (const figure of ['p99.9 latency', 'errors', 'connections \\(peak\\)']) expect(r.stdout).toMatch(new RegExp(`^${figure}\\s`, 'm'));
    expect(r.stdout).toMatch(/^ {2}p50 latency: \d+ µs → \d+ µs, 20\.0% higher \(95% CI \+\d+\.\d% to \+\d+\.\d%\) — worse$/m);
    expect(r.stdout).toMatch(new RegExp(`^Result: worse — run ${slower}: p50 latency \\(beyond the ±5% noise threshold\\)`, 'm'));
  });

  it('exits 0 for two runs of the same process', async () => {
    const r = await runCli(['compare', String(baseline), String(same)], env);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/— worse/);
    expect(r.stdout).toMatch(/^Result: no figure got worse beyond its noise threshold\.$/m);
  });

  it('takes the noise thresholds from the command line', async () => {
    const r = await runCli(['compare', String(baseline), String(slower), '--noise-latency', '30%', '--noise-throughput', '5'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/noise thresholds ±5% throughput, ±30% latency/);
    expect(r.stdout).toMatch(/p50 latency: .*no clear difference \(the interval reaches inside the ±30% noise threshold\)|p50 latency: .*within the ±30% noise threshold/);
  });

  it('compares several runs with the first and prints JSON with figures and verdicts', async () => {
    const r = await runCli(['compare', String(baseline), String(same), String(slower), '--json'], env);
    expect(r.code).toBe(3);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ baselineId: baseline, noiseThreshold: { throughput: 0.03, latency: 0.05 }, confidence: 0.95, worse: true });
    expect(doc.runs.map((x: { id: number; role: string }) => [x.id, x.role])).toEqual([
      [baseline, 'baseline'],
      [same, 'candidate'],
      [slower, 'candidate'],
    ]);
    expect(doc.runs[0].figures.map((f: { id: string }) => f.id)).toEqual(['throughput', 'p50', 'p99', 'p999', 'errors', 'connections']);
    const p50 = doc.runs[2].figures.find((f: { id: string }) => f.id === 'p50');
    expect(p50.change).toBeCloseTo(0.2, 2);
    expect(p50.difference).toBeGreaterThan(0);
    expect(doc.pairs.map((p: { candidateId: number; worse: string[] }) => [p.candidateId, p.worse])).toEqual([
      [same, []],
      [slower, ['p50']],
    ]);
    for (const pair of doc.pairs) {
      expect(pair.verdicts.map((v: { figure: string }) => v.figure)).toEqual(['throughput', 'p50', 'p99']);
      for (const v of pair.verdicts) expect(v).toMatchObject({ verdict: expect.any(String), sentence: expect.any(String), ciLow: expect.any(Number), ciHigh: expect.any(Number) });
    }
  });

  it('notes a mix of HTTP and WebSocket runs', async () => {
    const r = await runCli(['compare', String(baseline), String(wsRun)], env);
    expect([0, 3]).toContain(r.code);
    expect(r.stdout).toMatch(/mix HTTP and WebSocket/);
  });

  it('compares the two sides of an A/B group', async () => {
    const r = await runCli(['compare', '--group', 'ab-test'], env);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^B \(b\) against A \(a\), 5 and 5 runs/m);
    expect(r.stdout).toMatch(/^ {2}p50 latency: .*\d\d\.\d% higher .*p (= 0\.0\d\d|< 0\.001)\) — worse$/m);
    expect(r.stdout).toMatch(/^ {2}throughput: .*— no clear difference/m);
    const json = await runCli(['compare', '--group', 'ab-test', '--json'], env);
    const doc = JSON.parse(json.stdout);
    // Every latency of B is 20% higher: p50 and p99 are worse; throughput did not change.
    expect(doc).toMatchObject({ groupId: 'ab-test', worse: ['p50', 'p99'] });
    expect(doc.runsA).toHaveLength(5);
    expect(doc.verdicts.find((v: { figure: string }) => v.figure === 'p50').pValue).toBeLessThan(0.05);
  });

  it('says "inconclusive", with what would make it conclusive, and exits 4 when runs are too short to judge', async () => {
    const r = await runCli(['compare', String(short), String(shortSlower)], env);
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/^ {2}p50 latency: inconclusive \(baseline has 1 and candidate 1 steady second with completions; at least 2 needed\) — runs need at least 3 s, 1 s warm-up \+ 2 steady seconds with completions$/m);
    expect(r.stdout).toMatch(
      new RegExp(`^Result: inconclusive — could not judge run ${shortSlower}: throughput \\(runs need at least 3 s, 1 s warm-up \\+ 2 steady seconds\\); p50 latency, p99 latency \\(.*\\)\\. No judged figure got worse\\.$`, 'm'),
    );
    expect(r.stdout).not.toMatch(/no figure got worse beyond its noise threshold/);
    const gate = await runCli(['compare', String(short), String(shortSlower), '--fail-on-inconclusive'], env);
    expect(gate.code).toBe(3);
    const json = JSON.parse((await runCli(['compare', String(short), String(shortSlower), '--json'], env)).stdout);
    expect(json).toMatchObject({ outcome: 'inconclusive', inconclusive: true, worse: false });
    expect(json.pairs[0].inconclusive).toEqual(['throughput', 'p50', 'p99']);
    expect(json.pairs[0].verdicts[0]).toMatchObject({ verdict: 'inconclusive', remedy: 'runs need at least 3 s, 1 s warm-up + 2 steady seconds' });
    // Every figure judged and none worse stays 0.
    expect((await runCli(['compare', String(baseline), String(same)], env)).code).toBe(0);
  });

  it.each([
    [['compare', '1'], 2, /give at least two run ids/],
    [['compare', '1', 'x'], 2, /"x" is not a run id/],
    [['compare', '1', '1'], 2, /run 1 is given twice/],
    [['compare', '1', '2', '--noise-latency', 'lots'], 2, /--noise-latency: "lots" is not a percentage/],
    [['compare', '1', '2', '--min-seconds', '1'], 2, /--min-seconds: must be between 2 and 3600/],
    [['compare', '1', '999'], 1, /no run 999 in /],
    [['compare', '--group', 'nope'], 1, /no runs in group "nope"/],
  ])('%j exits %i', async (args, code, message) => {
    const r = await runCli(args as string[], env);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
