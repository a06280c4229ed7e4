// `barrage run --metrics-port`: a real run against the demo target is scraped while it goes, and
// every scrape must agree with the run's own per-second samples (its --out jsonl stream, the
// same samples the history stores) for the second it reports.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoTarget, type DemoTarget } from '../src/main/target/demoTarget.ts';
import { openStore } from '../src/main/store/runStore.ts';
import { runCli, startCli } from './support/cliProcess.ts';
import { freePort, parseOpenMetrics, type Series } from './support/openMetrics.ts';

let target: DemoTarget;
const dir = mkdtempSync(join(tmpdir(), 'barrage-prom-'));

beforeAll(async () => {
  target = await startDemoTarget();
});
afterAll(async () => {
  await target.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('barrage run --metrics-port', () => {
  it('serves figures that agree with the run\'s own per-second samples, second by second', async () => {
    const port = await freePort();
    const jsonl = join(dir, 'run.jsonl');
    // 503s: every response is also a 'status' error, so errors by kind are not all zeros
    // (--keep-going: a run where everything fails the same way would otherwise stop early).
    const url = `${target.httpUrl}/status?code=503`;
    const cli = startCli(['run', url, '-d', '6', '-c', '2', '-w', '1', '--no-save', '-q', '--keep-going', '--metrics-port', String(port), '--out', `jsonl=${jsonl}`]);
    const scrapes: Array<{ contentType: string; series: Series[] }> = [];
    let exited = false;
    void cli.done.then(() => (exited = true));
    const deadline = Date.now() + 60_000;
    while (!exited && Date.now() < deadline) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/metrics`);
        scrapes.push({ contentType: res.headers.get('content-type') ?? '', series: parseOpenMetrics(await res.text()) });
      } catch {
        // Not listening yet, or closed at the end.
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    const r = await cli.done;
    expect(r.code, r.stderr).toBe(0);

    const lines = readFileSync(jsonl, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const samples = new Map<number, Record<string, any>>(lines.filter((l) => l.type === 'sample').map((l) => [l.t, l]));
    const value = (series: Series[], name: string, extra: Record<string, string> = {}) => {
      const found = series.filter((s) => s.name === name && Object.entries(extra).every(([k, v]) => s.labels[k] === v));
      expect(found, name).toHaveLength(1);
      return found[0];
    };

    const checked = new Set<number>();
    for (const { contentType, series } of scrapes) {
      expect(contentType).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
      if (series.length === 0) continue; // scraped before the first second
      const t = value(series, 'barrage_run_second').value;
      const s = samples.get(t)!;
      expect(s, `second ${t}`).toBeDefined();
      const second = value(series, 'barrage_run_second');
      expect(second.labels).toEqual({ run: 'unsaved', scenario: url, protocol: 'http', stage: '' });
      expect(value(series, 'barrage_completed_per_second').value).toBe(s.throughput);
      expect(value(series, 'barrage_completed_total').value).toBe(s.totals.throughput);
      expect(value(series, 'barrage_latency_seconds', { quantile: '0.5' }).value).toBeCloseTo(s.latencyUs.p50 / 1e6, 9);
      expect(value(series, 'barrage_latency_seconds', { quantile: '0.99' }).value).toBeCloseTo(s.latencyUs.p99 / 1e6, 9);
      expect(value(series, 'barrage_latency_seconds', { quantile: '1' }).value).toBeCloseTo(s.latencyUs.max / 1e6, 9);
      expect(value(series, 'barrage_latency_mean_seconds').value).toBeCloseTo(s.latencyUs.mean / 1e6, 9);
      expect(value(series, 'barrage_errors_per_second').value).toBe(s.errors);
      expect(value(series, 'barrage_errors_total', { kind: 'status' }).value).toBe(s.totals.errors);
      expect(value(series, 'barrage_errors_total', { kind: 'refused' }).value).toBe(0);
      expect(value(series, 'barrage_open_connections').value).toBe(s.openConnections);
      expect(value(series, 'barrage_generator_cpu_percent').value).toBe(s.cpuPercent);
      expect(value(series, 'barrage_generator_loop_lag_seconds').value).toBeCloseTo(s.loopLagMs / 1000, 9);
      expect(value(series, 'barrage_warmup').value).toBe(s.warmup ? 1 : 0);
      // Byte counters add up the seconds so far.
      let sent = 0;
      for (let u = 0; u <= t; u++) sent += samples.get(u)!.bytesSent;
      expect(value(series, 'barrage_sent_bytes_total').value).toBe(sent);
      checked.add(t);
    }
    // A scrape every 200 ms over a 6-second run sees most of its seconds, and at least three.
    expect(checked.size).toBeGreaterThanOrEqual(3);
    expect([...checked].some((t) => samples.get(t)!.errors > 0)).toBe(true);
  }, 90_000);

  it('refuses a port in use before running, in one line', async () => {
    const held: Server = await new Promise((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => resolve(s));
    });
    const port = (held.address() as { port: number }).port;
    try {
      const r = await runCli(['run', `${target.httpUrl}/`, '-d', '30', '-q', '--no-save', '--metrics-port', String(port)]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`barrage run: --metrics-port: cannot listen on 127.0.0.1:${port} (the port is in use)\n`);
    } finally {
      held.close();
    }
  }, 60_000);
});

describe('barrage capacity --metrics-port', () => {
  it('exposes each step in turn as its own run, and each scrape agrees with that run\'s stored seconds', async () => {
    const port = await freePort();
    const db = join(dir, 'capacity.db');
    // Steps of 3 s from 60/s, doubling up to 120/s, against a queue served at 100/s: two short
    // steps, each a real run with stored seconds. --precision 100 (%) ends the search once it has
    // one rate that passed and one that failed within a factor of 2 — after these two steps,
    // instead of narrowing 60–120/s down to 5% in four more (19 s of the serial queue → about 9 s);
    // and if 120/s passed, the maximum rate ends it after two steps all the same.
    const cli = startCli(
      ['capacity', `${target.httpUrl}/capacity?rps=100`, '--slo', 'p50<100ms', '--start-rate', '60', '--max-rate', '120', '--growth', '2', '--precision', '100', '--step-sec', '3', '-w', '1', '-q', '--db', db, '--metrics-port', String(port)],
    );
    const scrapes: Series[][] = [];
    let exited = false;
    void cli.done.then(() => (exited = true));
    const deadline = Date.now() + 80_000;
    while (!exited && Date.now() < deadline) {
      try {
        scrapes.push(parseOpenMetrics(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()));
      } catch {
        // Not listening yet, or closed at the end.
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    const r = await cli.done;
    expect([0, 1], r.stderr).toContain(r.code);

    const store = openStore(db);
    try {
      const checked = new Map<string, number>();
      for (const series of scrapes) {
        const second = series.find((x) => x.name === 'barrage_run_second');
        if (!second) continue;
        const run = store.getRun(Number(second.labels.run));
        expect(run, `run ${second.labels.run}`).toBeDefined();
        expect(run!.tags).toContain('capacity');
        const sample = run!.samples.find((x) => x.t === second.value)!;
        expect(sample, `run ${second.labels.run} second ${second.value}`).toBeDefined();
        const perSecond = series.filter((x) => x.name === 'barrage_completed_per_second');
        // One run at a time on the endpoint: the previous step's series are gone.
        expect(perSecond).toHaveLength(1);
        expect(perSecond[0].value).toBe(sample.throughput);
        expect(perSecond[0].labels.run).toBe(second.labels.run);
        checked.set(second.labels.run, (checked.get(second.labels.run) ?? 0) + 1);
      }
      // Both steps (runs) were seen.
      expect(checked.size, JSON.stringify([...checked])).toBeGreaterThanOrEqual(2);
    } finally {
      store.close();
    }
  }, 120_000);
});
