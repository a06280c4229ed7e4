// Runs measured by k6 and Artillery into the history: k6's --summary-export (a fixture written to
// k6's documented format: k6 is not installable here) and Artillery's --output report (written by
// Artillery itself against a loopback target), each marked as imported from its tool with its own
// latency definition, through the real `barrage runs import` command.
import { mkdtempSync, readFileSync, rmSync, utimesSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/main/store/runStore.ts';
import { parseRunFile } from '../src/main/store/runExchange.ts';
import { runCli } from './support/cliProcess.ts';

const fixtures = join(import.meta.dirname, 'fixtures/imports');
const dir = mkdtempSync(join(tmpdir(), 'barrage-tool-imports-'));
const db = join(dir, 'history.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('k6 --summary-export', () => {
  const text = readFileSync(join(fixtures, 'k6-summary-export.json'), 'utf8');

  it('maps k6\'s figures, in milliseconds, to the run summary in µs, with k6\'s latency definition', () => {
    const endedAt = new Date('2026-05-01T10:00:30.012Z');
    const [run] = parseRunFile(text, 'k6.json', { url: 'http://127.0.0.1:8080/api', name: 'checkout', endedAt });
    const s = run.summary;
    expect(run.environment.importedFrom).toBe('k6');
    expect(run.tags).toEqual(['imported', 'k6']);
    expect(s.latencyMeaning).toMatch(/^k6's http_req_duration: .*excluding DNS lookup, TCP connect and TLS handshake — measured by k6$/);
    expect(s.latencyUs).toEqual({ count: 3000, min: 20_102, mean: 24_518, stdev: 0, p50: 22_874, p90: 28_415, p95: 33_900, p99: 71_205, p999: 0, max: 187_330, unreported: { figures: ['stdev', 'p999'], reason: 'not reported by k6' } });
    expect(s.throughput).toEqual({ total: 3000, perSec: 99.95853, steadyPerSec: null });
    expect(s.errors).toEqual({ total: 11, byKind: { status: 11 } });
    expect(s.bytes).toEqual({ sent: 264_000, received: 711_000 });
    expect(s.connections).toMatchObject({ peak: 10, connectUs: expect.objectContaining({ max: 2910, p99: 1200 }) });
    expect(s.durationSec).toBeCloseTo(30.012442, 6);
    expect(s.endedAt).toBe(endedAt.toISOString());
    expect(s.startedAt).toBe('2026-05-01T10:00:00.000Z');
    expect(run.config).toMatchObject({ protocol: 'http', url: 'http://127.0.0.1:8080/api', name: 'checkout', connections: 10, durationSec: 30 });
    // k6's own thresholds and verdicts (true = failed in --summary-export), kept as notes.
    expect(s.notes).toContain('k6 threshold http_req_duration p(95)<500: passed.');
    expect(s.notes).toContain('k6 threshold http_req_duration p(99)<50: FAILED.');
    expect(s.notes).toContain('k6 threshold http_req_failed rate<0.01: passed.');
    expect(s.notes[0]).toBe('Imported from k6 --summary-export.');
  });

  it('says what is missing when the target is not given, and refuses a file that is not k6\'s', () => {
    const [run] = parseRunFile(text, 'k6.json');
    expect(run.config.url).toBe('http://unknown-target.invalid/');
    expect(run.summary.notes).toContain('k6 does not name the target: import with --url to record it.');
    expect(() => parseRunFile('{"root_group":{},"metrics":{"vus":{"value":1}}}', 'x.json')).toThrow(/^x\.json: k6 summary export: it has no http_req_duration/);
  });
});

describe('Artillery --output', () => {
  // Written by Artillery 2.0.34 (tests/fixtures/imports/artillery-script.yml: 20 arrivals/s for
  // 5 s, GET /delay?ms=10 on the demo target), telemetry off.
  const report = JSON.parse(readFileSync(join(fixtures, 'artillery-report.json'), 'utf8'));

  it('maps Artillery\'s aggregate to the run summary, with its time-to-first-byte definition', () => {
    const [run] = parseRunFile(JSON.stringify(report), 'a.json', { url: 'http://127.0.0.1:8080/delay?ms=10' });
    const a = report.aggregate;
    const rt = a.summaries['http.response_time'];
    const s = run.summary;
    expect(run.environment.importedFrom).toBe('artillery');
    expect(run.tags).toEqual(['imported', 'artillery']);
    expect(s.latencyMeaning).toMatch(/^Artillery's http\.response_time: .*time to first byte.* — measured by Artillery$/);
    expect(s.latencyUs).toEqual({
      count: rt.count,
      min: Math.round(rt.min * 1000),
      mean: Math.round(rt.mean * 1000),
      stdev: 0,
      p50: Math.round(rt.p50 * 1000),
      p90: Math.round(rt.p90 * 1000),
      p95: Math.round(rt.p95 * 1000),
      p99: Math.round(rt.p99 * 1000),
      p999: Math.round(rt.p999 * 1000),
      max: Math.round(rt.max * 1000),
    });
    expect(s.throughput.total).toBe(100);
    expect(s.statusCodes).toEqual({ '200': 100 });
    expect(s.errors.total).toBe(0);
    expect(s.startedAt).toBe(new Date(a.firstMetricAt).toISOString());
    expect(s.endedAt).toBe(new Date(a.lastMetricAt).toISOString());
    expect(s.connections.peak).toBe(100);
    expect(s.bytes.received).toBe(1600);
  });

  it('counts Artillery\'s error codes by kind and 4xx/5xx as status errors', () => {
    const failing = structuredClone(report);
    Object.assign(failing.aggregate.counters, { 'errors.ECONNREFUSED': 4, 'errors.ETIMEDOUT': 2, 'errors.EWHATEVER': 1, 'http.codes.503': 3 });
    const [run] = parseRunFile(JSON.stringify(failing), 'a.json');
    expect(run.summary.errors).toEqual({ total: 10, byKind: { refused: 4, timeout: 2, other: 1, status: 3 } });
    expect(run.summary.notes).toContain('An Artillery report does not name the target: import with --url to record it.');
  });
});

describe('barrage runs import', () => {
  it('imports k6 and Artillery files as runs marked with their tool, once each', async () => {
    const k6 = join(dir, 'k6.json');
    copyFileSync(join(fixtures, 'k6-summary-export.json'), k6);
    utimesSync(k6, new Date('2026-05-01T10:00:30Z'), new Date('2026-05-01T10:00:30Z'));
    const artillery = join(fixtures, 'artillery-report.json');
    const r = await runCli(['runs', 'import', k6, artillery, '--json', '--url', 'http://127.0.0.1:8080/', '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    const outcome = JSON.parse(r.stdout) as Array<{ id: number; duplicate: boolean; source: string }>;
    expect(outcome.map((o) => [o.source, o.duplicate])).toEqual([
      ['k6', false],
      ['artillery', false],
    ]);
    const again = await runCli(['runs', 'import', k6, '--url', 'http://127.0.0.1:8080/', '--db', db]);
    expect(again.stdout).toBe(`${k6}: already stored as run ${outcome[0].id}\n`);

    const store = openStore(db);
    try {
      const k6Run = store.getRun(outcome[0].id)!;
      expect(k6Run.environment.importedFrom).toBe('k6');
      // It ended when the file was written, and started k6's 30.012 s before.
      expect(k6Run.summary.startedAt).toBe('2026-05-01T09:59:59.988Z');
      const art = store.getRun(outcome[1].id)!;
      expect(art.environment.importedFrom).toBe('artillery');
      expect(art.summary.latencyMeaning).toMatch(/time to first byte/);
    } finally {
      store.close();
    }
    const shown = await runCli(['runs', 'show', String(outcome[0].id), '--db', db]);
    expect(shown.stdout).toMatch(/imported from k6/);
  });

  it('refuses a bad --url in one line', async () => {
    const r = await runCli(['runs', 'import', join(fixtures, 'k6-summary-export.json'), '--url', 'ftp://x', '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('barrage runs: --url: "ftp://x" is not an http(s) or ws(s) URL\n');
  });
});
