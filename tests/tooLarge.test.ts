// Huge responses cannot exhaust the generator (issue #10 item 13): a body or message over
// maxResponseBytes is discarded while it streams in and counted as too-large.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { runToEnd } from './support/runScenario.ts';

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

describe('too-large responses', () => {
  it('an HTTP body over the limit is discarded and counted, never a success', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 'x');
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-length': String(8 * chunk.length) });
      let sent = 0;
      const more = () => {
        while (sent < 8) {
          sent++;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        res.end();
      };
      res.on('error', () => {});
      more();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanup.push(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));
    const port = (server.address() as AddressInfo).port;
    const { result } = await runToEnd({ protocol: 'http', url: `http://127.0.0.1:${port}/`, durationSec: 2, connections: 2, workers: 1, maxResponseBytes: 1024 * 1024 });
    expect(result.summary.errors.byKind['too-large']).toBeGreaterThan(0);
    expect(result.summary.statusCodes['200'] ?? 0).toBe(0);
    expect(result.summary.throughput.total).toBe(0);
  });

  it('a WebSocket message over the limit closes that connection and is counted as too-large, not closed', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((r) => wss.once('listening', r));
    wss.on('connection', (ws) => ws.on('message', () => ws.send(Buffer.alloc(2 * 1024 * 1024, 'y'))));
    cleanup.push(() => new Promise<void>((r) => { for (const c of wss.clients) c.terminate(); wss.close(() => r()); }));
    const port = (wss.address() as AddressInfo).port;
    const { result } = await runToEnd({ protocol: 'ws', url: `ws://127.0.0.1:${port}/`, durationSec: 2, connections: 1, workers: 1, maxResponseBytes: 1024 * 1024 });
    expect(result.summary.errors.byKind['too-large']).toBeGreaterThan(0);
    expect(result.summary.errors.byKind.closed ?? 0).toBe(0);
  });
});
