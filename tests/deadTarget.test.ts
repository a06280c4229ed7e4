// A dead or broken target is never a clean run (issue #10 items 9–12): requests still in flight
// at the end are counted as unfinished (with the oldest one's age), invalid HTTP is a `protocol`
// error, a response cut short is not a success, and missed WebSocket pongs are counted.
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';
import { invalidHttpServer, silentServer, tricklingServer, truncatedBodyServer, type TestServer } from './support/faultServers.ts';
import { runToEnd } from './support/runScenario.ts';
import { runCli } from './support/cliProcess.ts';

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});
async function server(s: Promise<TestServer>): Promise<TestServer> {
  const started = await s;
  cleanup.push(() => started.close());
  return started;
}

describe('HTTP: nothing answered is not a clean run', () => {
  it('a server that never answers: every request is unfinished, with its age, and the summary says so', async () => {
    const target = await server(silentServer());
    const { result } = await runToEnd({ protocol: 'http', url: `${target.url}/`, durationSec: 2, connections: 3, workers: 1 });
    const s = result.summary;
    expect(s.throughput.total).toBe(0);
    expect(s.unfinished?.count).toBe(3);
    // Sent at the start of the 2-s run and never answered: about 2 s old at its end (the closed
    // model reads the ages off autocannon's queue of requests in flight, not a clock of its own).
    expect(s.unfinished!.oldestAgeMs).toBeGreaterThan(1500);
    expect(s.unfinished!.oldestAgeMs).toBeLessThan(4000);
    expect(s.errors.byKind.unfinished).toBe(3);
    expect(s.errors.total).toBeGreaterThanOrEqual(3);
    expect(s.notes.join('\n')).toMatch(/nothing completed/);
    expect(s.notes.join('\n')).toMatch(/timeout \(10 s\) was longer than the run \(2 s\)/);
  });

  it('a server that trickles a byte every 100 ms: unfinished, not a success', async () => {
    const target = await server(tricklingServer(100));
    const { result } = await runToEnd({ protocol: 'http', url: `${target.url}/`, durationSec: 2, connections: 2, workers: 1 });
    expect(result.summary.throughput.total).toBe(0);
    expect(result.summary.errors.byKind.unfinished).toBe(2);
    expect(result.summary.notes.join('\n')).toMatch(/nothing completed/);
  });

  it('invalid HTTP is a protocol error, not a timeout', async () => {
    const target = await server(invalidHttpServer());
    const { result } = await runToEnd({ protocol: 'http', url: `${target.url}/`, durationSec: 2, connections: 2, workers: 1, timeoutSec: 10 });
    expect(result.summary.throughput.total).toBe(0);
    expect(result.summary.errors.byKind.protocol).toBeGreaterThan(2);
    expect(result.summary.errors.byKind.timeout ?? 0).toBe(0);
  });

  it('a response reset mid-body is an error (incomplete), never a 200 success', async () => {
    const target = await server(truncatedBodyServer());
    const { result } = await runToEnd({ protocol: 'http', url: `${target.url}/`, durationSec: 2, connections: 2, workers: 1 });
    expect(result.summary.throughput.total).toBe(0);
    expect(result.summary.statusCodes['200'] ?? 0).toBe(0);
    expect(result.summary.errors.byKind.incomplete).toBeGreaterThan(2);
  });

  it('the CLI exits non-zero when nothing completed, unless --allow-empty', async () => {
    const target = await server(silentServer());
    const failed = await runCli(['run', `${target.url}/`, '-d', '1', '-c', '1', '-w', '1', '--no-save', '-q']);
    expect(failed.code, failed.stderr).toBe(1);
    expect(failed.stderr).toMatch(/nothing completed/);
    expect(failed.stderr).not.toMatch(/\n\s+at /);
    const allowed = await runCli(['run', `${target.url}/`, '-d', '1', '-c', '1', '-w', '1', '--no-save', '-q', '--allow-empty']);
    expect(allowed.code, allowed.stderr).toBe(0);
  });
});

describe('WebSocket: a handshake that never completes, and missed pongs', () => {
  it('a server that accepts TCP but never completes the handshake: unfinished, nothing completed', async () => {
    const target = await server(silentServer());
    const { result } = await runToEnd({ protocol: 'ws', url: `ws://127.0.0.1:${target.port}/`, durationSec: 2, connections: 2, workers: 1 });
    const s = result.summary;
    expect(s.throughput.total).toBe(0);
    expect(s.errors.byKind.unfinished).toBe(2);
    expect(s.unfinished!.oldestAgeMs).toBeGreaterThan(1500);
    expect(s.notes.join('\n')).toMatch(/nothing completed/);
  });

  it('missed pongs are counted as ping-timeout', async () => {
    // A WebSocket echo server that never answers pings.
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', autoPong: false });
    await new Promise((r) => wss.once('listening', r));
    wss.on('connection', (ws) => ws.on('message', (d) => ws.send(d)));
    cleanup.push(() => new Promise<void>((r) => { for (const c of wss.clients) c.terminate(); wss.close(() => r()); }));
    const port = (wss.address() as AddressInfo).port;
    const { result } = await runToEnd({ protocol: 'ws', url: `ws://127.0.0.1:${port}/`, durationSec: 3, connections: 2, workers: 1, pingIntervalSec: 0.5, timeoutSec: 1 });
    expect(result.summary.throughput.total).toBeGreaterThan(0);
    expect(result.summary.errors.byKind['ping-timeout']).toBeGreaterThanOrEqual(2);
    expect(result.summary.ws?.pingUs).toBeNull();
  });

  it('with closeOnPingTimeout, a connection whose pong is missed is closed and counted', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', autoPong: false });
    await new Promise((r) => wss.once('listening', r));
    wss.on('connection', (ws) => ws.on('message', (d) => ws.send(d)));
    cleanup.push(() => new Promise<void>((r) => { for (const c of wss.clients) c.terminate(); wss.close(() => r()); }));
    const port = (wss.address() as AddressInfo).port;
    const { result } = await runToEnd({ protocol: 'ws', url: `ws://127.0.0.1:${port}/`, durationSec: 3, connections: 1, workers: 1, pingIntervalSec: 0.5, timeoutSec: 1, closeOnPingTimeout: true });
    expect(result.summary.errors.byKind['ping-timeout']).toBeGreaterThanOrEqual(1);
    // Closed by us and reopened after the back-off: more than one connection opened.
    expect(result.summary.connections.opened).toBeGreaterThanOrEqual(2);
  });
});

