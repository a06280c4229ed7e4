// `barrage serve`'s server: everything behind the session token and a Host/Origin check, and
// the same API as the Electron preload over one WebSocket.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startUiServer, type UiServer } from '../src/main/serve/uiServer.ts';
import { createAppServices, type AppServices } from '../src/main/app/appServices.ts';

const dir = mkdtempSync(join(tmpdir(), 'barrage-serve-'));
let services: AppServices;
let server: UiServer;
let base: string;

beforeAll(async () => {
  const staticDir = join(dir, 'static');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Barrage</title>');
  services = createAppServices({ dbPath: join(dir, 'serve.db'), transport: 'browser' });
  server = await startUiServer({ services, staticDir });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server.close();
  await services.close();
  rmSync(dir, { recursive: true, force: true });
});

function openApi(headers: Record<string, string>, query = ''): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api${query}`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

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
    call(channel: string, input?: unknown): Promise<any> {
      const id = next++;
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        ws.send(JSON.stringify({ id, channel, input }));
      });
    },
  };
}

describe('barrage serve', () => {
  it('refuses the page without the token, and hands the token to the page itself', async () => {
    expect((await fetch(`${base}/`)).status).toBe(403);
    expect((await fetch(`${base}/?token=wrong`)).status).toBe(403);
    const ok = await fetch(`${base}/?token=${server.token}`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('set-cookie')).toBeNull();
    expect(await ok.text()).toContain(`<meta name="barrage-token" content="${server.token}">`);
    expect((await fetch(`${base}/index.html`)).status).toBe(403);
    expect((await fetch(`${base}/../../etc/passwd?token=${server.token}`)).status).toBe(404);
  });

  it('refuses a foreign Host (DNS rebinding) and a foreign Origin on the API socket', async () => {
    // fetch() cannot set Host; a raw request can, as a rebinding page's browser would.
    const status = await new Promise<number>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port: server.port, path: `/?token=${server.token}`, headers: { host: `evil.example:${server.port}` } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
        .on('error', reject);
    });
    expect(status).toBe(421);
    await expect(openApi({})).rejects.toThrow(/403/);
    await expect(openApi({ origin: 'http://evil.example' }, `?token=${server.token}`)).rejects.toThrow(/403/);
  });

  it('serves the contract over the socket, validating every payload', async () => {
    const ws = await openApi({ origin: `http://127.0.0.1:${server.port}` }, `?token=${server.token}`);
    const api = client(ws);
    const bad = await api.call('scenarios.save', { name: '', config: { protocol: 'http', url: 'nope' } });
    expect(bad.ok).toBe(false);
    expect(bad.error.message).toMatch(/name: cannot be empty/);
    expect(bad.error.message).toMatch(/config\.url: "nope" is not a valid URL/);
    expect((await api.call('no.such', {})).error.message).toMatch(/unknown request "no.such"/);

    const demo = await api.call('target.demo');
    const saved = await api.call('scenarios.save', {
      name: 'demo GET',
      config: { protocol: 'http', url: `${demo.value.httpUrl}/`, durationSec: 2, connections: 2, workers: 1 },
    });
    expect(saved.ok).toBe(true);
    expect((await api.call('scenarios.list')).value.map((s: { name: string }) => s.name)).toEqual(['demo GET']);

    const started = await api.call('runs.start', { scenarioId: saved.value.id });
    expect(started.ok).toBe(true);
    const runId = started.value.runId;
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (api.events.some((e) => e.event === 'run.finished' && e.payload.runId === runId)) {
          clearInterval(timer);
          resolve();
        }
      }, 50);
    });
    const progress = api.events.filter((e) => e.event === 'run.progress' && e.payload.runId === runId);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    const run = (await api.call('runs.get', runId)).value;
    expect(run.summary.status).toBe('completed');
    expect(run.scenarioName).toBe('demo GET');
    expect(run.samples.length).toBe(2);
    expect(run.percentiles.length).toBeGreaterThan(10);
    const list = (await api.call('runs.list', {})).value;
    expect(list.total).toBe(1);
    expect(list.runs[0].throughputPerSec).toBeGreaterThan(0);
    ws.close();
  });
});
