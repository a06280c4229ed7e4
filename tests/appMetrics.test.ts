// The app's metrics setting (Settings → Metrics port), through the contract over `barrage serve`'s
// WebSocket API: set the port, start a run through the API, scrape the endpoint while it goes, and
// every scrape must agree with the run's own per-second samples (the run.progress events the app
// plots, the same samples the history stores) — as tests/prometheusEndpoint.test.ts checks for
// `barrage run --metrics-port`. The run has a load profile, so the stage label is checked too. A
// taken or invalid port is refused with one line and changes nothing; the setting survives a
// restart; a saved port taken at start-up leaves the app running and says why.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createAppServices, type AppServices } from '../src/main/app/appServices.ts';
import { startUiServer, type UiServer } from '../src/main/serve/uiServer.ts';
import { stageOfSecond } from '../src/shared/loadProfile.ts';
import { freePort, parseOpenMetrics, seriesValue as value, type Series } from './support/openMetrics.ts';

const dir = mkdtempSync(join(tmpdir(), 'barrage-app-metrics-'));
const dbPath = join(dir, 'serve.db');
let services: AppServices;
let server: UiServer;
let api: ReturnType<typeof client>;
let socket: WebSocket;

function client(ws: WebSocket) {
  let next = 1;
  const events: Array<{ event: string; payload: any }> = [];
  const waiting = new Map<number, (v: any) => void>();
  ws.on('message', (data) => {
    const msg = JSON.parse(data.toString());
    if ('event' in msg) events.push(msg);
    else waiting.get(msg.id)?.(msg);
  });
  return {
    events,
    call(channel: string, input?: unknown): Promise<{ ok: boolean; value?: any; error?: { message: string } }> {
      const id = next++;
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        ws.send(JSON.stringify({ id, channel, input }));
      });
    },
  };
}

beforeAll(async () => {
  const staticDir = join(dir, 'static');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Barrage</title>');
  services = createAppServices({ dbPath, transport: 'browser' });
  server = await startUiServer({ services, staticDir });
  socket = await new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${server.token}`, { headers: { host: `127.0.0.1:${server.port}` } });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
  api = client(socket);
});
afterAll(async () => {
  socket?.close();
  await server?.close();
  await services?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function scrape(port: number): Promise<{ contentType: string; series: Series[] } | null> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    return { contentType: res.headers.get('content-type') ?? '', series: parseOpenMetrics(await res.text()) };
  } catch {
    return null;
  }
}

describe('the metrics setting of the app (and barrage serve)', () => {
  it('is off by default', async () => {
    const r = await api.call('settings.get');
    expect(r.value).toEqual({ settings: { metricsPort: null }, metrics: { url: null, error: null } });
  });

  it('refuses an invalid port naming the field, and a taken port with the reason; nothing changes', async () => {
    expect((await api.call('settings.set', { metricsPort: 70000 })).error?.message).toBe('metricsPort: must be from 1 to 65535');
    expect((await api.call('settings.set', { metricsPort: 'x' })).error?.message).toBe('metricsPort: must be a number');
    const held: Server = await new Promise((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => resolve(s));
    });
    const port = (held.address() as { port: number }).port;
    try {
      const r = await api.call('settings.set', { metricsPort: port });
      expect(r.ok).toBe(false);
      expect(r.error?.message).toBe(`metrics port: cannot listen on 127.0.0.1:${port} (the port is in use)`);
    } finally {
      held.close();
    }
    expect((await api.call('settings.get')).value.settings.metricsPort).toBeNull();
  });

  it('exposes a run started through the API: every scrape agrees with the run\'s per-second samples, stage labels included', async () => {
    const port = await freePort();
    const set = await api.call('settings.set', { metricsPort: port });
    expect(set.value).toEqual({ settings: { metricsPort: port }, metrics: { url: `http://127.0.0.1:${port}/metrics`, error: null } });
    // Listening before any run: the series appear with the first run.
    expect((await scrape(port))?.series).toEqual([]);

    const demo = (await api.call('target.demo')).value as { httpUrl: string };
    // 503s: every response is also a 'status' error, so errors by kind are not all zeros.
    const url = `${demo.httpUrl}/status?code=503`;
    const stages = [
      { durationSec: 3, target: 2 },
      { durationSec: 3, target: 4 },
    ];
    const started = await api.call('runs.start', { config: { protocol: 'http', url, name: 'metrics via the app', stages, warmupSec: 1 }, keepGoing: true });
    expect(started.ok, JSON.stringify(started)).toBe(true);
    const runId = started.value.runId as number;

    const scrapes: Array<{ contentType: string; series: Series[] }> = [];
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !api.events.some((e) => e.event === 'run.finished' && e.payload.runId === runId)) {
      const s = await scrape(port);
      if (s) scrapes.push(s);
      await new Promise((r) => setTimeout(r, 200));
    }
    const finished = api.events.find((e) => e.event === 'run.finished' && e.payload.runId === runId);
    expect(finished, 'run.finished').toBeDefined();
    const progress = new Map<number, any>(api.events.filter((e) => e.event === 'run.progress' && e.payload.runId === runId).map((e) => [e.payload.sample.t, e.payload]));
    // The history holds the same samples the events carried.
    const stored = (await api.call('runs.get', runId)).value;
    for (const s of stored.samples) expect(progress.get(s.t)?.sample.throughput, `stored second ${s.t}`).toBe(s.throughput);

    const checked = new Set<number>();
    const stagesSeen = new Set<string>();
    for (const { contentType, series } of scrapes) {
      expect(contentType).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
      if (series.length === 0) continue; // before the first second
      const second = value(series, 'barrage_run_second');
      const t = second.value;
      const p = progress.get(t);
      expect(p, `second ${t}`).toBeDefined();
      const s = p.sample;
      expect(second.labels).toEqual({ run: String(runId), scenario: 'metrics via the app', protocol: 'http', stage: String(stageOfSecond(stages, t) + 1) });
      stagesSeen.add(second.labels.stage);
      expect(value(series, 'barrage_completed_per_second').value).toBe(s.throughput);
      // Counters: one series per stage (each stage's total); summed, the run's total so far.
      const sum = (name: string, extra: Record<string, string> = {}) =>
        series.filter((x) => x.name === name && Object.entries(extra).every(([k, v]) => x.labels[k] === v)).reduce((a, x) => a + x.value, 0);
      expect(sum('barrage_completed_total')).toBe(p.totals.throughput);
      expect(value(series, 'barrage_completed_total', { stage: second.labels.stage }).value).toBe(
        [...progress.values()].filter((q) => q.sample.t <= t && stageOfSecond(stages, q.sample.t) + 1 === Number(second.labels.stage)).reduce((a, q) => a + q.sample.throughput, 0),
      );
      if (s.latencyUs) {
        expect(value(series, 'barrage_latency_seconds', { quantile: '0.99' }).value).toBeCloseTo(s.latencyUs.p99 / 1e6, 9);
        expect(value(series, 'barrage_latency_mean_seconds').value).toBeCloseTo(s.latencyUs.mean / 1e6, 9);
      }
      expect(value(series, 'barrage_errors_per_second').value).toBe(s.errors);
      expect(sum('barrage_errors_total', { kind: 'status' })).toBe(p.totals.errors);
      expect(value(series, 'barrage_open_connections').value).toBe(s.openConnections);
      expect(value(series, 'barrage_generator_cpu_percent').value).toBe(s.cpuPercent);
      expect(value(series, 'barrage_warmup').value).toBe(s.warmup ? 1 : 0);
      checked.add(t);
    }
    expect(checked.size).toBeGreaterThanOrEqual(3);
    // Both stages of the profile were seen on the endpoint.
    expect([...stagesSeen].sort()).toEqual(['1', '2']);
    // After the run: its series stay, marked as ended.
    const after = (await scrape(port))!.series;
    expect(value(after, 'barrage_run_running').labels.stage).toBe('2');
    expect(value(after, 'barrage_run_running').value).toBe(0);
  }, 120_000);

  it('is kept beside the history: a restart listens again; a port taken by then is reported, the app still starts', async () => {
    const port = (await api.call('settings.get')).value.settings.metricsPort as number;
    expect(JSON.parse(readFileSync(`${dbPath}.settings.json`, 'utf8'))).toEqual({ metricsPort: port });
    // A second process on the same history while the first still holds the port.
    const second = createAppServices({ dbPath, transport: 'browser' });
    try {
      const view = (await second.dispatch('settings.get', undefined)) as { ok: true; value: any };
      expect(view.value).toEqual({ settings: { metricsPort: port }, metrics: { url: null, error: `metrics port: cannot listen on 127.0.0.1:${port} (the port is in use)` } });
    } finally {
      await second.close();
    }
    // Off: the port is free again.
    expect((await api.call('settings.set', { metricsPort: null })).value.metrics).toEqual({ url: null, error: null });
    expect(await scrape(port)).toBeNull();
    const third = createAppServices({ dbPath, transport: 'browser' });
    try {
      expect(((await third.dispatch('settings.get', undefined)) as { value: any }).value.settings.metricsPort).toBeNull();
    } finally {
      await third.close();
    }
  });
});
