// Compare shows what differs between the runs' configurations above the figures, and says plainly
// when they are not a before/after: `barrage compare` (text and --json) as a real process and the
// HTML compare report, on stored runs whose configurations differ in known fields.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareStoredRuns } from '../src/shared/comparison.ts';
import type { StoredRun } from '../src/shared/history.ts';
import type { Scenario } from '../src/shared/scenario.ts';
import { comparisonReportHtml } from '../src/main/report/htmlReport.ts';
import { openStore } from '../src/main/store/runStore.ts';
import { runCli } from './support/cliProcess.ts';
import { runAt, storeRun } from './fixtures/storedRuns.ts';

const dir = mkdtempSync(join(tmpdir(), 'barrage-config-diff-'));
const db = join(dir, 'history.db');
const env = { BARRAGE_DB: db };
let tryIt: number;
let tryItAgain: number;
let echoPost: number;
let runs: StoredRun[];

function withConfig(minutes: number, seed: number, change: Partial<Scenario>) {
  const r = runAt(minutes, { seed, name: 'x' });
  return { ...r, config: { ...r.config, ...change } as Scenario };
}

beforeAll(() => {
  const store = openStore(db);
  try {
    tryIt = storeRun(store, withConfig(0, 1, { method: 'GET', url: 'http://127.0.0.1:8080/', connections: 10, headers: { Authorization: 'Bearer s3cret' } }));
    tryItAgain = storeRun(store, withConfig(2, 2, { method: 'GET', url: 'http://127.0.0.1:8080/', connections: 10, headers: { Authorization: 'Bearer s3cret' } }));
    echoPost = storeRun(store, withConfig(4, 3, { url: 'http://127.0.0.1:8080/echo', method: 'POST', connections: 20, headers: { Authorization: 'Bearer other' } } as Partial<Scenario>));
    runs = [tryIt, echoPost].map((id) => store.getRun(id)!);
  } finally {
    store.close();
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('compare: configuration diff', () => {
  it('the text names the differing fields above the figures and says the runs are not a before/after', async () => {
    const r = await runCli(['compare', String(tryIt), String(echoPost)], env);
    expect(r.stderr).toBe('');
    const out = r.stdout;
    expect(out).toContain('Configuration: NOT a before/after: these runs differ in URL, method, connections');
    expect(out).toMatch(new RegExp(`^  URL: run ${tryIt} http://127\\.0\\.0\\.1:8080/  ·  run ${echoPost} http://127\\.0\\.0\\.1:8080/echo$`, 'm'));
    expect(out).toMatch(new RegExp(`^  connections: run ${tryIt} 10  ·  run ${echoPost} 20$`, 'm'));
    expect(out.indexOf('Configuration:')).toBeLessThan(out.indexOf('FIGURE'));
    expect(out).not.toContain('s3cret');
  });

  it('runs of the same configuration say so', async () => {
    const r = await runCli(['compare', String(tryIt), String(tryItAgain)], env);
    expect(r.stdout).toContain('Configuration: same configuration');
  });

  it('--json carries the diff and the verdict', async () => {
    const r = await runCli(['compare', String(tryIt), String(echoPost), '--json'], env);
    const doc = JSON.parse(r.stdout) as { config: { comparable: boolean; breaking: string[]; fields: { key: string; values: string[] }[] } };
    expect(doc.config.comparable).toBe(false);
    expect(doc.config.breaking).toEqual(['URL', 'method', 'connections']);
    expect(doc.config.fields.find((f) => f.key === 'method')?.values).toEqual(['GET', 'POST']);
    expect(r.stdout).not.toContain('s3cret');
  });

  it('the HTML compare report shows the diff before the key figures, and a header without the baseline twice', () => {
    const html = comparisonReportHtml(runs, compareStoredRuns(runs), { generatedAt: '2025-05-01T08:00:00.000Z' });
    expect(html).toContain('Configuration: not a before/after: these runs differ in URL, method, connections');
    expect(html.indexOf('config-diff')).toBeLessThan(html.indexOf('<h2>Key figures</h2>'));
    expect(html).toContain(`<td>method</td><td class="url">GET</td><td class="url">POST</td>`);
    expect(html).toContain(`Baseline: run ${tryIt} · compared with it: run ${echoPost}</div>`);
    expect(html).not.toContain('s3cret');
  });
});

describe('report file names', () => {
  it('an A/B group id that starts with ab- is not named barrage-ab-ab-…', async () => {
    const { reportFileName } = await import('../src/main/report/htmlReport.ts');
    expect(reportFileName('ab', ['ab-20251130-0412'])).toBe('barrage-ab-20251130-0412.html');
    expect(reportFileName('ab', ['nightly'])).toBe('barrage-ab-nightly.html');
    expect(reportFileName('compare', [18, 23])).toBe('barrage-compare-18-23.html');
  });
});
