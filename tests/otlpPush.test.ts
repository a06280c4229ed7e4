// `barrage run --otlp URL`: a real run against the demo target pushes its figures to a stand-in
// OpenTelemetry collector (a node http server on 127.0.0.1 recording POST /v1/metrics bodies,
// OTLP/HTTP JSON), and every push must agree with the run's own per-second samples (its --out
// jsonl stream) for the second it carries; a collector that refuses is reported, not fatal.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoTarget, type DemoTarget } from '../src/main/target/demoTarget.ts';
import { runCli } from './support/cliProcess.ts';

let target: DemoTarget;
const dir = mkdtempSync(join(tmpdir(), 'barrage-otlp-'));

interface Received {
  path: string;
  contentType: string;
  body: string;
}

/** A stand-in collector: records what it is sent, answers `status`. */
async function standInCollector(status = 200): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      if (req.method === 'POST') received.push({ path: req.url ?? '', contentType: req.headers['content-type'] ?? '', body });
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

interface Point {
  name: string;
  attributes: Record<string, string>;
  value: number;
}

/** OTLP/JSON ExportMetricsServiceRequest → flat data points (gauges and sums). */
function pointsOf(body: string): { resource: Record<string, string>; points: Point[] } {
  type KV = { key: string; value: { stringValue?: string; intValue?: number | string; doubleValue?: number } };
  type DP = { attributes?: KV[]; asDouble?: number; asInt?: number | string };
  const doc = JSON.parse(body) as {
    resourceMetrics: Array<{
      resource: { attributes: KV[] };
      scopeMetrics: Array<{ metrics: Array<{ name: string; gauge?: { dataPoints: DP[] }; sum?: { dataPoints: DP[]; isMonotonic?: boolean } }> }>;
    }>;
  };
  const attrs = (kvs: KV[] = []) => Object.fromEntries(kvs.map((kv) => [kv.key, String(kv.value.stringValue ?? kv.value.intValue ?? kv.value.doubleValue)]));
  const points: Point[] = [];
  expect(doc.resourceMetrics).toHaveLength(1);
  for (const sm of doc.resourceMetrics[0].scopeMetrics) {
    for (const m of sm.metrics) {
      for (const dp of (m.gauge ?? m.sum)!.dataPoints) points.push({ name: m.name, attributes: attrs(dp.attributes), value: Number(dp.asDouble ?? dp.asInt) });
    }
  }
  return { resource: attrs(doc.resourceMetrics[0].resource.attributes), points };
}

beforeAll(async () => {
  target = await startDemoTarget();
});
afterAll(async () => {
  await target.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('barrage run --otlp', () => {
  it('pushes one OTLP/HTTP export per second whose figures are the run\'s own samples', async () => {
    const collector = await standInCollector();
    try {
      const jsonl = join(dir, 'run.jsonl');
      // 503s: every response is also a 'status' error, so errors by kind are not all zeros.
      const url = `${target.httpUrl}/status?code=503`;
      const r = await runCli(['run', url, '-d', '4', '-c', '2', '-w', '1', '--no-save', '--keep-going', '--otlp', collector.url, '--out', `jsonl=${jsonl}`]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`Pushing metrics over OTLP/HTTP to ${collector.url}/v1/metrics each second`);
      expect(r.stderr).not.toMatch(/pushes .* failed/);

      const lines = readFileSync(jsonl, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      const samples = lines.filter((l) => l.type === 'sample');
      // One push per merged second, and one when the run ended; nothing else. (A push still
      // under way when seconds arrive folds them into the next: allowed, but not all of them.)
      expect(collector.received.length).toBeLessThanOrEqual(samples.length + 1);
      expect(collector.received.length).toBeGreaterThanOrEqual(Math.ceil(samples.length / 2) + 1);
      for (const rec of collector.received) {
        expect(rec.path).toBe('/v1/metrics');
        expect(rec.contentType).toMatch(/^application\/json/);
      }
      const byT = new Map<number, Record<string, any>>(samples.map((l) => [l.t, l]));
      const labels = { run: 'unsaved', scenario: url, protocol: 'http', stage: '' };
      const checked: number[] = [];
      for (const [i, rec] of collector.received.entries()) {
        const { resource, points } = pointsOf(rec.body);
        expect(resource['service.name']).toBe('barrage');
        const value = (name: string, extra: Record<string, string> = {}) => {
          const found = points.filter((p) => p.name === name && Object.entries(extra).every(([k, v]) => p.attributes[k] === v));
          expect(found, `${name} ${JSON.stringify(extra)}`).toHaveLength(1);
          return found[0];
        };
        const second = value('barrage_run_second');
        expect(second.attributes).toEqual(labels);
        const t = second.value;
        const s = byT.get(t)!;
        expect(s, `second ${t}`).toBeDefined();
        const last = i === collector.received.length - 1;
        // Pushes follow the seconds in order; the final one repeats the last second with running 0.
        if (last) expect(t).toBe(samples.at(-1).t);
        else if (checked.length > 0) expect(t).toBeGreaterThan(checked.at(-1)!);
        expect(value('barrage_run_running').value).toBe(last ? 0 : 1);
        expect(value('barrage_completed_per_second').value).toBe(s.throughput);
        expect(value('barrage_completed').value).toBe(s.totals.throughput);
        if (s.latencyUs) {
          expect(value('barrage_latency_seconds', { quantile: '0.5' }).value).toBeCloseTo(s.latencyUs.p50 / 1e6, 9);
          expect(value('barrage_latency_seconds', { quantile: '0.99' }).value).toBeCloseTo(s.latencyUs.p99 / 1e6, 9);
          expect(value('barrage_latency_seconds', { quantile: '1' }).value).toBeCloseTo(s.latencyUs.max / 1e6, 9);
          expect(value('barrage_latency_mean_seconds').value).toBeCloseTo(s.latencyUs.mean / 1e6, 9);
        }
        expect(value('barrage_errors_per_second').value).toBe(s.errors);
        expect(value('barrage_errors', { kind: 'status' }).value).toBe(s.totals.errors);
        expect(value('barrage_errors', { kind: 'refused' }).value).toBe(0);
        expect(value('barrage_open_connections').value).toBe(s.openConnections);
        expect(value('barrage_generator_cpu_percent').value).toBe(s.cpuPercent);
        expect(value('barrage_generator_loop_lag_seconds').value).toBeCloseTo(s.loopLagMs / 1000, 9);
        expect(value('barrage_warmup').value).toBe(s.warmup ? 1 : 0);
        let sent = 0;
        for (const u of samples) if (u.t <= t) sent += u.bytesSent;
        expect(value('barrage_sent_bytes').value).toBe(sent);
        checked.push(t);
      }
      expect(new Set(checked).size).toBeGreaterThanOrEqual(3);
      // The last push's totals are the summary's.
      const summary = lines.at(-1);
      expect(summary.type).toBe('summary');
      const final = pointsOf(collector.received.at(-1)!.body).points;
      const completed = final.find((p) => p.name === 'barrage_completed')!.value;
      expect(completed).toBe(samples.reduce((a, s) => a + s.throughput, 0));
      expect(samples.some((s) => s.errors > 0)).toBe(true);
    } finally {
      await collector.close();
    }
  }, 90_000);

  it('a flow run pushes per-step series (attribute `step`) equal to its own step seconds', async () => {
    const collector = await standInCollector();
    try {
      const jsonl = join(dir, 'flow.jsonl');
      const scenarioFile = join(dir, 'flow.json');
      // Two steps with known outcomes: "home" answers 200 and passes its check; "broken" answers
      // 503, an unexpected status whose check fails too (onFailure continue, so both run each time).
      writeFileSync(
        scenarioFile,
        JSON.stringify({
          protocol: 'flow',
          name: 'otlp flow',
          url: target.httpUrl,
          virtualUsers: 2,
          durationSec: 3,
          workers: 1,
          steps: [
            { type: 'http', name: 'home', url: '/', checks: [{ type: 'status', status: '200' }] },
            { type: 'http', name: 'broken', url: '/status?code=503', checks: [{ type: 'status', status: '2xx' }], onFailure: 'continue', thinkMs: 5 },
          ],
        }),
      );
      const r = await runCli(['run', '--scenario', scenarioFile, '--no-save', '--keep-going', '--otlp', collector.url, '--out', `jsonl=${jsonl}`]);
      expect(r.code, r.stderr).toBe(0);
      const lines = readFileSync(jsonl, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      const stepLines = lines.filter((l) => l.type === 'step');
      expect(new Set(stepLines.map((l) => l.step))).toEqual(new Set(['home', 'broken']));
      const checked = new Set<number>();
      for (const rec of collector.received.slice(0, -1)) {
        const { points } = pointsOf(rec.body);
        const t = points.find((p) => p.name === 'barrage_run_second')!.value;
        const point = (name: string, attrs: Record<string, string>) => {
          const found = points.filter((p) => p.name === name && Object.entries(attrs).every(([k, v]) => p.attributes[k] === v));
          expect(found, `${name} ${JSON.stringify(attrs)} at ${t}`).toHaveLength(1);
          return found[0];
        };
        for (const step of ['home', 'broken']) {
          const now = stepLines.find((l) => l.t === t && l.step === step);
          // A push may fold in seconds that came while an earlier one was sent: the counters hold
          // everything up to t; the gauges the last second the step did anything in.
          const upTo = stepLines.filter((l) => l.t <= t && l.step === step);
          if (upTo.length === 0) continue;
          const c = point('barrage_step_completed', { step });
          expect(c.attributes).toEqual({ run: 'unsaved', scenario: 'otlp flow', protocol: 'flow', stage: '', step });
          expect(c.value).toBe(upTo.reduce((a, l) => a + l.count, 0));
          expect(point('barrage_step_checks', { step, result: 'passed' }).value).toBe(upTo.reduce((a, l) => a + l.checks.passed, 0));
          expect(point('barrage_step_checks', { step, result: 'failed' }).value).toBe(upTo.reduce((a, l) => a + l.checks.failed, 0));
          const kinds: Record<string, number> = {};
          for (const l of upTo) for (const [k, n] of Object.entries((l.errorsByKind ?? {}) as Record<string, number>)) kinds[k] = (kinds[k] ?? 0) + n;
          for (const [kind, n] of Object.entries(kinds)) expect(point('barrage_step_errors', { step, kind }).value).toBe(n);
          expect(points.filter((p) => p.name === 'barrage_step_errors' && p.attributes.step === step).map((p) => p.attributes.kind).sort()).toEqual(Object.keys(kinds).sort());
          if (step === 'home') expect(kinds).toEqual({});
          const last = upTo.at(-1);
          expect(point('barrage_step_completed_per_second', { step }).value).toBe(last.count);
          if (now?.latencyUs) {
            expect(point('barrage_step_latency_seconds', { step, quantile: '0.5' }).value).toBeCloseTo(now.latencyUs.p50 / 1e6, 9);
            expect(point('barrage_step_latency_seconds', { step, quantile: '0.99' }).value).toBeCloseTo(now.latencyUs.p99 / 1e6, 9);
            expect(point('barrage_step_latency_seconds', { step, quantile: '1' }).value).toBeCloseTo(now.latencyUs.max / 1e6, 9);
          }
          checked.add(t);
        }
      }
      expect(checked.size).toBeGreaterThanOrEqual(2);
      // Every "broken" answer was a 503: as many failed checks (errors of kind check) as completions.
      const broken = stepLines.filter((l) => l.step === 'broken');
      const total = broken.reduce((a, l) => a + l.count, 0);
      expect(total).toBeGreaterThan(0);
      expect(broken.reduce((a, l) => a + l.checks.failed, 0)).toBe(total);
      expect(broken.reduce((a, l) => a + (l.errorsByKind?.check ?? 0), 0)).toBe(total);
    } finally {
      await collector.close();
    }
  }, 60_000);

  it('a collector that refuses is said in one line; the run\'s exit code is its own', async () => {
    const collector = await standInCollector(400);
    try {
      const r = await runCli(['run', `${target.httpUrl}/`, '-d', '2', '-c', '1', '-w', '1', '--no-save', '-q', '--otlp', `${collector.url}/v1/metrics`]);
      expect(r.code).toBe(0);
      expect(collector.received.length).toBeGreaterThanOrEqual(2);
      expect(r.stderr).toMatch(new RegExp(`^barrage run: --otlp: ${collector.received.length} of ${collector.received.length} pushes to ${collector.url}/v1/metrics failed \\(last: .+\\)\\n$`));
    } finally {
      await collector.close();
    }
  }, 60_000);

  it('refuses a URL that is not http(s) before running, in one line', async () => {
    for (const [arg, message] of [
      ['localhost:4318', '--otlp: "localhost:4318" is not an http(s) URL (OTLP/HTTP)'],
      ['127.0.0.1:4318', '--otlp: "127.0.0.1:4318" is not a URL (e.g. http://127.0.0.1:4318)'],
      ['not a url', '--otlp: "not a url" is not a URL (e.g. http://127.0.0.1:4318)'],
    ]) {
      const r = await runCli(['run', `${target.httpUrl}/`, '-d', '30', '-q', '--no-save', '--otlp', arg]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`barrage run: ${message}\n`);
    }
  }, 60_000);
});
