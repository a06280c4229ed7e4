// The WebSocket swarm driven in-process against loopback servers: the demo target for the
// three modes, and small servers that misbehave in one way each.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { epochMs } from '../src/main/clock.ts';
import { createHistogram, histogramFromRaw, mergeInto, summarizeHistogram } from '../src/shared/result/histogramCodec.ts';
import { SecondRecorder } from '../src/main/engine/metrics/secondRecorder.ts';
import type { WorkerJob, WorkerSample } from '../src/main/engine/worker/workerProtocol.ts';
import { createWsSwarm } from '../src/main/engine/ws/wsSwarm.ts';
import { ephemeralPortRange, LocalPortPlan } from '../src/main/engine/ws/localPorts.ts';
import { startDemoTarget } from '../src/main/target/demoTarget.ts';
import { parseScenario, type ScenarioInput } from '../src/shared/scenario.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function demo() {
  const target = await startDemoTarget();
  cleanups.push(() => target.close());
  return target;
}

/** A WebSocket server on port 0 whose connections get `onConnection`; also answers plain HTTP. */
async function wsServer(onConnection: (ws: WebSocket, req: http.IncomingMessage) => void) {
  const server = http.createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  wss.on('connection', onConnection);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { port, url: `ws://127.0.0.1:${port}` };
}

/** A wss echo server with the self-signed `localhost` certificate of tests/fixtures/tls. */
async function wssServer() {
  const dir = new URL('./fixtures/tls/', import.meta.url);
  const server = https.createServer({ cert: readFileSync(new URL('cert.pem', dir)), key: readFileSync(new URL('key.pem', dir)) });
  const serverNames: Array<string | false | null> = [];
  server.on('secureConnection', (socket: TLSSocket) => serverNames.push(socket.servername));
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  wss.on('connection', (ws) => ws.on('message', (data) => ws.send(data)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { port, serverNames };
}

async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function jobOf(input: Omit<Extract<ScenarioInput, { protocol: 'ws' }>, 'protocol'>): WorkerJob {
  const parsed = parseScenario({ protocol: 'ws', ...input });
  if (!parsed.ok) throw new Error(parsed.error);
  const scenario = parsed.value;
  if (scenario.protocol !== 'ws') throw new Error('not ws');
  const startAt = epochMs() + 50;
  return {
    scenario,
    workerIndex: 0,
    workerCount: 1,
    connections: scenario.connections,
    rate: scenario.rate,
    amount: scenario.amount,
    startAt,
    endAt: scenario.durationSec !== undefined ? startAt + scenario.durationSec * 1000 : undefined,
    address: '127.0.0.1',
  };
}

interface Totals {
  completed: number;
  errors: Record<string, number>;
  statusCodes: Record<string, number>;
  sent: number;
  received: number;
  duplicates: number;
  outOfOrder: number;
  unmatched: number;
  lost: number;
  closes: Record<string, number>;
  opened: number;
  failed: number;
  bytesSent: number;
  bytesReceived: number;
  latency: ReturnType<typeof summarizeHistogram>;
  connect: ReturnType<typeof summarizeHistogram>;
  ping: ReturnType<typeof summarizeHistogram>;
}

function add(into: Record<string, number>, from: Record<string, number | undefined>) {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + (v ?? 0);
}

function totalsOf(samples: WorkerSample[]): Totals {
  const latency = createHistogram();
  const connect = createHistogram();
  const ping = createHistogram();
  const t: Omit<Totals, 'latency' | 'connect' | 'ping'> = {
    completed: 0,
    errors: {},
    statusCodes: {},
    sent: 0,
    received: 0,
    duplicates: 0,
    outOfOrder: 0,
    unmatched: 0,
    lost: 0,
    closes: {},
    opened: 0,
    failed: 0,
    bytesSent: 0,
    bytesReceived: 0,
  };
  for (const s of samples) {
    t.completed += s.completed;
    add(t.errors, s.errors);
    add(t.statusCodes, s.statusCodes);
    t.opened += s.connectionsOpened;
    t.failed += s.connectionsFailed;
    t.bytesSent += s.bytesSent;
    t.bytesReceived += s.bytesReceived;
    // A worker's seconds carry their latencies as raw counts.
    if (s.latency) latency.add(histogramFromRaw(s.latency));
    else mergeInto(latency, s.histogram);
    mergeInto(connect, s.connectHistogram ?? '');
    if (s.ws) {
      t.sent += s.ws.sent;
      t.received += s.ws.received;
      t.duplicates += s.ws.duplicates;
      t.outOfOrder += s.ws.outOfOrder;
      t.unmatched += s.ws.unmatched;
      t.lost += s.ws.lost;
      add(t.closes, s.ws.closes);
      mergeInto(ping, s.ws.pingHistogram);
    }
  }
  return { ...t, latency: summarizeHistogram(latency), connect: summarizeHistogram(connect), ping: summarizeHistogram(ping) };
}

/** Runs the swarm in-process as workerEntry would; `during` gets the driver once it runs. */
async function drive(job: WorkerJob, during?: (driver: ReturnType<typeof createWsSwarm>) => void) {
  const samples: WorkerSample[] = [];
  const recorder = new SecondRecorder(job.startAt, (s) => samples.push(s), true);
  const driver = createWsSwarm(job, recorder);
  recorder.start();
  const running = driver.run();
  during?.(driver);
  await running;
  const endedAt = epochMs();
  const openAtEnd = recorder.openConnections;
  recorder.finish();
  return { totals: totalsOf(samples), samples, endedAt, openAtEnd };
}

describe('wsSwarm against the demo target', () => {
  it('echo mode: closed loop with inFlight messages per connection, matched by seq', async () => {
    const target = await demo();
    const job = jobOf({ url: `${target.wsUrl}/ws/echo`, connections: 10, inFlight: 2, durationSec: 2, pingIntervalSec: 0.5 });
    const { totals, endedAt, openAtEnd } = await drive(job);

    expect(totals.opened).toBe(10);
    expect(totals.failed).toBe(0);
    expect(totals.completed).toBeGreaterThan(1000);
    expect(totals.lost).toBe(0);
    expect(totals.duplicates + totals.unmatched).toBe(0);
    expect(totals.errors).toEqual({});
    // Every message sent was either echoed or still in flight when sending stopped, then drained.
    expect(totals.received).toBe(totals.completed);
    expect(totals.sent).toBe(totals.completed);
    expect(totals.latency.count).toBe(totals.completed);
    expect(totals.latency.p50).toBeGreaterThan(0);
    expect(totals.latency.p50).toBeLessThan(50_000);
    expect(totals.connect.count).toBe(10);
    expect(totals.connect.max).toBeLessThan(1_000_000);
    expect(totals.ping.count).toBeGreaterThan(10);
    expect(totals.bytesSent).toBeGreaterThan(totals.sent * 40);
    expect(totals.bytesReceived).toBeGreaterThan(totals.received * 40);
    expect(endedAt - job.endAt!).toBeLessThan(1500);
    expect(openAtEnd).toBe(0);
  });

  it('echo mode holds its traffic until every connection of the ramp is open, so echoes cannot starve the ramp', async () => {
    // Target and swarm share this thread: with traffic flowing during the ramp (before #14) the
    // echoes of the first connections took the loop and the last handshakes waited behind them.
    const target = await demo();
    const job = jobOf({ url: `${target.wsUrl}/ws/echo`, connections: 600, connectRate: 600, durationSec: 4, pingIntervalSec: 0 });
    const { totals, samples } = await drive(job);
    expect(totals.errors).toEqual({});
    expect(totals.opened).toBe(600);
    expect(totals.failed).toBe(0);
    // Known answer: no message goes out in a second that ends with connections still missing.
    const allOpenAt = samples.findIndex((s) => s.openConnections === 600);
    expect(allOpenAt).toBeGreaterThanOrEqual(0); // a 1 s ramp
    for (const s of samples.slice(0, allOpenAt)) expect(s.ws?.sent ?? 0).toBe(0);
    expect(totals.completed).toBeGreaterThan(1000);
    expect(totals.lost).toBe(0);
  });

  it('rate mode: sends on schedule (≈ rate × duration) with latency from the intended time', async () => {
    const target = await demo();
    const job = jobOf({ url: `${target.wsUrl}/ws/echo`, mode: 'rate', rate: 200, connections: 10, durationSec: 2 });
    const { totals, samples } = await drive(job);

    expect(totals.completed).toBeGreaterThan(400 * 0.85);
    expect(totals.completed).toBeLessThan(400 * 1.15);
    expect(totals.sent).toBe(totals.completed);
    expect(totals.lost).toBe(0);
    // Open loop on loopback: latencies are the echo plus at most a timer tick of lateness.
    expect(totals.latency.p50).toBeLessThan(20_000);
    // Evenly spread, not bursty: both whole seconds carry about half of the messages.
    const full = samples.filter((s) => s.t < 2).map((s) => s.ws!.sent);
    for (const n of full) expect(n).toBeGreaterThan(170);
  });

  it('rate mode with an amount: stops after exactly that many messages', async () => {
    const target = await demo();
    const job = jobOf({ url: `${target.wsUrl}/ws/echo`, mode: 'rate', rate: 500, connections: 4, amount: 300 });
    const started = epochMs();
    const { totals } = await drive(job);
    expect(totals.sent).toBe(300);
    expect(totals.completed).toBe(300);
    expect(epochMs() - started).toBeLessThan(2000);
  });

  it('push mode: counts every pushed message and records the delivery lag', async () => {
    const target = await demo();
    const job = jobOf({ url: `${target.wsUrl}/ws/push?rate=50`, mode: 'push', connections: 5, durationSec: 2, pingIntervalSec: 0 });
    const { totals } = await drive(job);

    expect(totals.received).toBeGreaterThan(500 * 0.8);
    expect(totals.received).toBeLessThan(500 * 1.2);
    expect(totals.sent).toBe(0);
    expect(totals.completed).toBe(totals.received); // every demo message carries ts
    expect(totals.latency.p50).toBeGreaterThan(0);
    expect(totals.latency.p99).toBeLessThan(50_000);
  });

  it('echo mode with an amount: ends as soon as that many echoes are in', async () => {
    const target = await demo();
    const job = jobOf({ url: `${target.wsUrl}/ws/echo`, connections: 5, inFlight: 3, amount: 500 });
    const { totals } = await drive(job);
    expect(totals.sent).toBe(500);
    expect(totals.completed).toBe(500);
    expect(totals.lost).toBe(0);
  });

  // The swarm renders each message into one reused Buffer when ws copies it synchronously (no
  // permessage-deflate), and into a Buffer of its own per message otherwise (zlib holds on to
  // it). Known answer either way: the server sees every connection's ids 1, 2, 3… in order,
  // each message whole (its own id, its own random window), however many are sent back to back.
  it.each([false, true])('echo mode (permessage-deflate %s): every message reaches the server whole and in order', async (deflate) => {
    const server = http.createServer();
    const wss = new WebSocketServer({ server, perMessageDeflate: deflate });
    const seen: number[][] = [];
    const windows = new Set<string>();
    let broken = 0;
    wss.on('connection', (ws) => {
      const ids: number[] = [];
      seen.push(ids);
      ws.on('message', (data: Buffer) => {
        try {
          const m = JSON.parse(data.toString('utf8')) as { seq: number; data: string };
          ids.push(m.seq);
          windows.add(m.data);
          if (!/^[A-Za-z0-9]{32}$/.test(m.data)) broken++;
        } catch {
          broken++;
        }
        ws.send(data);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          for (const c of wss.clients) c.terminate();
          wss.close();
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );
    const port = (server.address() as AddressInfo).port;
    const job = jobOf({ url: `ws://127.0.0.1:${port}/`, connections: 3, inFlight: 4, amount: 1200, perMessageDeflate: deflate, pingIntervalSec: 0 });
    const { totals } = await drive(job);
    expect(totals.completed).toBe(1200);
    expect(totals.lost + totals.duplicates + totals.unmatched + totals.outOfOrder).toBe(0);
    expect(broken).toBe(0);
    expect(seen).toHaveLength(3);
    expect(seen.flat()).toHaveLength(1200);
    for (const ids of seen) expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => i + 1));
    // A fresh random window per message (4,096 possible windows).
    expect(windows.size).toBeGreaterThan(900);
  });

  it('stop() mid-run resolves promptly and closes everything', async () => {
    const target = await demo();
    const job = jobOf({ url: `${target.wsUrl}/ws/echo`, connections: 20, durationSec: 30 });
    let stoppedAt = 0;
    const { totals, endedAt, openAtEnd } = await drive(job, (driver) => {
      setTimeout(() => {
        stoppedAt = epochMs();
        driver.stop();
      }, 700);
    });
    expect(endedAt - stoppedAt).toBeLessThan(2000);
    expect(totals.completed).toBeGreaterThan(0);
    expect(totals.errors).toEqual({});
    expect(openAtEnd).toBe(0);
  });
});

describe('wsSwarm against failing servers', () => {
  it('a refused port yields refused errors (with back-off) and the run ends on time', async () => {
    const port = await freePort();
    const job = jobOf({ url: `ws://127.0.0.1:${port}/`, connections: 3, durationSec: 1.5 });
    const { totals, endedAt } = await drive(job);
    expect(totals.errors.refused).toBeGreaterThanOrEqual(3);
    // One attempt per connection per second of back-off, not a tight loop.
    expect(totals.errors.refused).toBeLessThanOrEqual(9);
    expect(totals.failed).toBe(totals.errors.refused);
    expect(totals.opened).toBe(0);
    expect(endedAt - job.endAt!).toBeLessThan(1000);
  });

  it('an amount-bounded run against a dead target gives up after the timeout instead of hanging', async () => {
    const port = await freePort();
    const job = jobOf({ url: `ws://127.0.0.1:${port}/`, connections: 2, amount: 100, timeoutSec: 1 });
    const started = epochMs();
    const { totals } = await drive(job);
    expect(totals.errors.refused).toBeGreaterThanOrEqual(2);
    expect(epochMs() - started).toBeLessThan(3000);
  });

  it('a rejected upgrade (404) counts as a handshake error', async () => {
    const target = await demo();
    const job = jobOf({ url: `${target.wsUrl}/not-a-socket`, connections: 2, durationSec: 1.5 });
    const { totals } = await drive(job);
    expect(totals.errors.handshake).toBeGreaterThanOrEqual(2);
    expect(Object.keys(totals.errors)).toEqual(['handshake']);
    expect(totals.statusCodes['404']).toBe(totals.errors.handshake);
    expect(totals.opened).toBe(0);
  });

  it('a server closing with 1011 counts unexpected closes and the swarm reconnects', async () => {
    const server = await wsServer((ws) => {
      ws.on('message', (data) => ws.send(data));
      setTimeout(() => ws.close(1011, 'boom'), 200);
    });
    const job = jobOf({ url: `${server.url}/`, connections: 2, durationSec: 2 });
    const { totals, openAtEnd } = await drive(job);
    // Each connection: opened at 0, closed at 0.2 s, back at 1.2 s, closed at 1.4 s.
    expect(totals.closes['1011']).toBeGreaterThanOrEqual(4);
    expect(totals.errors.closed).toBe(totals.closes['1011']);
    expect(totals.opened).toBeGreaterThanOrEqual(4);
    expect(totals.completed).toBeGreaterThan(0);
    expect(openAtEnd).toBe(0);
  });

  it('a server that drops, duplicates and reorders echoes is reported as such', async () => {
    const server = await wsServer((ws) => {
      let n = 0;
      let held: Buffer | null = null;
      ws.on('message', (data: Buffer) => {
        n++;
        if (n % 10 === 1) return; // dropped: lost after the timeout (or at the end of the run)
        if (n % 10 === 2) {
          held = data; // sent after the next one: out of order
          return;
        }
        ws.send(data);
        if (held) {
          ws.send(held);
          held = null;
        }
        if (n % 10 === 5) ws.send(data); // duplicate
        if (n % 10 === 7) ws.send('{"hello":"not an echo"}'); // unmatched
      });
    });
    const job = jobOf({ url: `${server.url}/`, connections: 1, inFlight: 1, mode: 'rate', rate: 100, durationSec: 2, timeoutSec: 1 });
    const { totals } = await drive(job);
    expect(totals.lost).toBeGreaterThan(5);
    expect(totals.errors.lost).toBe(totals.lost);
    expect(totals.outOfOrder).toBeGreaterThan(5);
    expect(totals.duplicates).toBeGreaterThan(5);
    expect(totals.unmatched).toBeGreaterThan(5);
    expect(totals.completed + totals.lost).toBe(totals.sent);
  });

  it('keeps the URL host name (Host header) while connecting to the given address, with subprotocols and headers', async () => {
    const seen: Array<{ host?: string; protocol?: string; custom?: string | string[] }> = [];
    const server = await wsServer((ws, req) => {
      seen.push({ host: req.headers.host, protocol: ws.protocol, custom: req.headers['x-barrage'] });
      ws.on('message', (data) => ws.send(data));
    });
    // .invalid never resolves: only the fixed lookup can get this connection through.
    const job = jobOf({
      url: `ws://barrage-test.invalid:${server.port}/`,
      connections: 1,
      durationSec: 0.5,
      subprotocols: ['barrage.v1', 'other'],
      headers: { 'x-barrage': 'yes' },
    });
    const { totals } = await drive(job);
    expect(totals.errors).toEqual({});
    expect(seen).toEqual([{ host: `barrage-test.invalid:${server.port}`, protocol: 'barrage.v1', custom: 'yes' }]);
    expect(totals.completed).toBeGreaterThan(0);
  });

  it('source addresses: connections are spread over the local addresses, round robin', async () => {
    const peers: string[] = [];
    const server = await wsServer((ws, req) => {
      peers.push(req.socket.remoteAddress ?? '?');
      ws.on('message', (data) => ws.send(data));
    });
    const job = jobOf({ url: server.url, connections: 6, amount: 60, sourceAddresses: ['127.0.0.2-127.0.0.3'], pingIntervalSec: 0 });
    const { totals } = await drive(job);
    expect(totals.opened).toBe(6);
    expect(totals.completed).toBe(60);
    // Known answer: connections 0, 2, 4 from the first address, 1, 3, 5 from the second.
    expect(peers.filter((p) => p === '127.0.0.2')).toHaveLength(3);
    expect(peers.filter((p) => p === '127.0.0.3')).toHaveLength(3);
  });

  it('source addresses: the engine binds each connection to its planned port; a taken port falls back to the kernel’s choice, uncounted', async () => {
    const peers: string[] = [];
    const server = await wsServer((ws, req) => {
      peers.push(`${req.socket.remoteAddress}:${req.socket.remotePort}`);
      ws.on('message', (data) => ws.send(data));
    });
    const job = jobOf({ url: server.url, connections: 6, amount: 60, sourceAddresses: ['127.0.0.2', '127.0.0.3'], pingIntervalSec: 0 });
    // Somebody else listens on connection 0's planned (address, port): its bind gets EADDRINUSE.
    // The plan's offset is the job's start; moved by a millisecond while that port is not free to take.
    const blocker = http.createServer();
    cleanups.push(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    let planned: number[] = [];
    for (let tries = 0; ; tries++) {
      const plan = new LocalPortPlan(ephemeralPortRange(), 2, job.startAt);
      planned = [0, 1, 2, 3, 4, 5].map((label) => plan.portOf(label));
      const listened = await new Promise<boolean>((resolve) => {
        blocker.once('error', () => resolve(false));
        blocker.listen(planned[0], '127.0.0.2', () => resolve(true));
      });
      if (listened) break;
      if (tries > 20) throw new Error('no free port to block');
      job.startAt += 1;
    }
    const { totals } = await drive(job);
    expect(totals.errors).toEqual({});
    expect(totals.failed).toBe(0);
    expect(totals.opened).toBe(6);
    expect(totals.completed).toBe(60);
    // Known answer: labels 1–5 on their planned ports (address label mod 2, port index ⌊label / 2⌋);
    // label 0 from 127.0.0.2 on a port the kernel chose instead of the blocked one.
    const sources = ['127.0.0.2', '127.0.0.3'];
    for (let label = 1; label < 6; label++) expect(peers).toContain(`${sources[label % 2]}:${planned[label]}`);
    expect(peers).not.toContain(`127.0.0.2:${planned[0]}`);
    expect(peers.filter((p) => p.startsWith('127.0.0.2:'))).toHaveLength(3);
  });

  it('wss: a self-signed certificate is a tls error unless insecure; SNI carries the host name', async () => {
    const server = await wssServer();
    const strict = await drive(jobOf({ url: `wss://localhost:${server.port}/`, connections: 1, durationSec: 0.5 }));
    expect(strict.totals.errors.tls).toBeGreaterThanOrEqual(1);
    expect(strict.totals.opened).toBe(0);

    const insecure = await drive(jobOf({ url: `wss://localhost:${server.port}/`, connections: 2, durationSec: 0.5, insecure: true }));
    expect(insecure.totals.errors).toEqual({});
    expect(insecure.totals.completed).toBeGreaterThan(0);
    expect(insecure.totals.bytesSent).toBeGreaterThan(0);
    expect(server.serverNames).toEqual(['localhost', 'localhost']);
  });

  it('leaves no timer or socket behind', async () => {
    const target = await demo();
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const job = jobOf({ url: `${target.wsUrl}/ws/echo`, mode: 'rate', rate: 100, connections: 3, durationSec: 0.5, pingIntervalSec: 0.1 });
    await drive(job);
    await new Promise((resolve) => setImmediate(resolve));
    const after = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    expect(after).toBeLessThanOrEqual(before);
  });
});
