// The HTTP/2 driver (src/main/engine/http2/h2Load.ts) against h2c and h2 servers with known
// answers: a fixed service time, a stream limit the server announces, a server that sends GOAWAY
// after N streams, one that resets streams with RST_STREAM, and an open-model run that the server
// cannot keep up with (latency measured from each request's scheduled time).
import diagnostics from 'node:diagnostics_channel';
import http2 from 'node:http2';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startDemoTarget } from '../src/main/target/demoTarget.ts';
import { runToEnd } from './support/runScenario.ts';

interface H2Server {
  url: string;
  /** Most streams open at once on any one session. */
  peakStreams: () => number;
  sessions: () => number;
  close: () => Promise<void>;
}

const servers: H2Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/**
 * An h2c (or, with `tls`, h2) server answering every stream "ok" after `serviceMs`. `onStream`
 * may act on the n-th stream of a session instead (GOAWAY, RST_STREAM) and return true when it
 * answered it itself.
 */
async function h2Server(
  opts: { serviceMs: number; maxConcurrentStreams?: number; tls?: boolean; onStream?: (stream: http2.ServerHttp2Stream, n: number) => boolean },
): Promise<H2Server> {
  let peak = 0;
  let sessions = 0;
  const settings = opts.maxConcurrentStreams !== undefined ? { maxConcurrentStreams: opts.maxConcurrentStreams } : {};
  const dir = new URL('./fixtures/tls/', import.meta.url);
  const server = opts.tls
    ? http2.createSecureServer({ settings, cert: readFileSync(new URL('cert.pem', dir)), key: readFileSync(new URL('key.pem', dir)) })
    : http2.createServer({ settings });
  const open = new Set<http2.ServerHttp2Session>();
  server.on('session', (session) => {
    sessions++;
    open.add(session);
    session.on('close', () => open.delete(session));
    session.on('error', () => {});
    let active = 0;
    let n = 0;
    session.on('stream', (stream) => {
      stream.on('error', () => {});
      active++;
      peak = Math.max(peak, active);
      stream.on('close', () => active--);
      if (opts.onStream?.(stream, ++n)) return;
      setTimeout(() => {
        if (stream.destroyed || stream.closed) return;
        stream.respond({ ':status': 200, 'content-type': 'text/plain' });
        stream.end('ok');
      }, opts.serviceMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const s: H2Server = {
    url: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}/h2`,
    peakStreams: () => peak,
    sessions: () => sessions,
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of open) session.destroy();
        server.close(() => resolve());
      }),
  };
  servers.push(s);
  return s;
}

describe('HTTP/2 driver', () => {
  it('keeps N connections × M streams busy; latency is the fixed service time (known answer)', async () => {
    const server = await h2Server({ serviceMs: 20 });
    // In a load worker thread (the driver is loaded there on `prepare`); the other tests run inline.
    const { result } = await runToEnd({ protocol: 'http', url: server.url, http2: true, streams: 5, connections: 2, durationSec: 1.5, warmupSec: 0, workers: 1 });
    const s = result.summary;
    expect(s.status).toBe('completed');
    expect(Object.keys(s.errors.byKind)).toEqual([]);
    // Every request waits the 20 ms service time: nothing is faster, and on a quiet machine little
    // is slower. The server's timer is libuv's, which counts whole milliseconds from the loop's
    // cached time and can fire up to 1 ms early by a microsecond clock (one CI run saw 19.904 ms).
    expect(s.latencyUs.min / 1000).toBeGreaterThanOrEqual(19);
    expect(s.latencyUs.p50 / 1000).toBeLessThan(20 + 80);
    // 2 × 5 streams always in flight: at most ≈ 500 requests/s (≈ 750 in 1.5 s), and by Little's
    // law throughput × mean latency ≈ 10 in flight — which holds on a busy machine too, where
    // both the latency and the throughput stretch.
    // (10 streams each at least 19 ms — see above — over the run, plus the 10 in flight at its end.)
    expect(s.throughput.total).toBeLessThanOrEqual(Math.ceil((10 / 0.019) * s.durationSec) + 10);
    const inFlight = (s.throughput.total * (s.latencyUs.mean / 1e6)) / s.durationSec;
    expect(inFlight).toBeGreaterThan(7);
    expect(inFlight).toBeLessThanOrEqual(10.5);
    expect(s.statusCodes['200']).toBe(s.throughput.total);
    // One session per connection; the server saw both at 5 streams at once, never more.
    expect(s.connections.opened).toBe(2);
    expect(server.sessions()).toBe(2);
    expect(server.peakStreams()).toBe(5);
    expect(s.http2).toMatchObject({ mode: 'h2c', streamsRequested: 5, serverMaxConcurrentStreams: null, peakStreams: 5, goaways: {}, streamResets: {} });
    // Bytes were counted on the sockets (both ways), HPACK-compressed headers included.
    expect(s.bytes.sent).toBeGreaterThan(0);
    expect(s.bytes.received).toBeGreaterThan(s.throughput.total * 2);
    expect(s.notes.join('\n')).toMatch(/HTTP\/2 \(h2c\): 5 streams per connection asked, the server set no stream limit; at most 5 in flight/);
  }, 15_000);

  it('never opens more streams than the server’s SETTINGS_MAX_CONCURRENT_STREAMS, and reports the limit', async () => {
    const server = await h2Server({ serviceMs: 10, maxConcurrentStreams: 2 });
    const { result } = await runToEnd({ protocol: 'http', url: server.url, http2: true, streams: 10, connections: 1, durationSec: 1, warmupSec: 0, workers: 1 }, { inline: true });
    const s = result.summary;
    // Streams sent before the server's SETTINGS would come back REFUSED_STREAM: none did.
    expect(s.errors.total).toBe(0);
    expect(server.peakStreams()).toBe(2);
    expect(s.http2!.serverMaxConcurrentStreams).toBe(2);
    expect(s.http2!.peakStreams).toBe(2);
    // 2 streams × 10 ms: ≈ 200 requests/s.
    expect(s.throughput.total).toBeGreaterThan(80);
    expect(s.throughput.total).toBeLessThanOrEqual(205);
    expect(s.notes.join('\n')).toMatch(/10 streams per connection asked, the server allowed 2 \(SETTINGS_MAX_CONCURRENT_STREAMS\); at most 2 in flight/);
  }, 15_000);

  it('sends the next request on a stream as soon as the response has ended, not a loop turn later when Node closes the stream', async () => {
    const server = await h2Server({ serviceMs: 0 });
    // Node publishes every client stream's creation and its close (the 'close' event, which it
    // emits from a setImmediate after the response's end): with one stream per connection, a
    // second stream exists before the first one's close only when the slot is reused at the end.
    let open = 0;
    let most = 0;
    const created = () => {
      open++;
      most = Math.max(most, open);
    };
    const closed = () => open--;
    diagnostics.subscribe('http2.client.stream.created', created);
    diagnostics.subscribe('http2.client.stream.close', closed);
    try {
      const { result } = await runToEnd({ protocol: 'http', url: server.url, http2: true, streams: 1, connections: 1, amount: 50, workers: 1 }, { inline: true });
      const s = result.summary;
      expect(s.errors.total).toBe(0);
      expect(s.statusCodes).toEqual({ '200': 50 });
      expect(s.http2!.peakStreams).toBe(1);
    } finally {
      diagnostics.unsubscribe('http2.client.stream.created', created);
      diagnostics.unsubscribe('http2.client.stream.close', closed);
    }
    expect(most).toBe(2);
  }, 15_000);

  it('counts a GOAWAY by its code and the streams it refused as goaway errors, then reconnects and goes on', async () => {
    // After its 20th stream a session announces GOAWAY(NO_ERROR) with the last stream it will answer.
    const server = await h2Server({
      serviceMs: 5,
      onStream: (stream, n) => {
        if (n === 20) stream.session?.goaway(http2.constants.NGHTTP2_NO_ERROR, stream.id);
        return false;
      },
    });
    const { result } = await runToEnd({ protocol: 'http', url: server.url, http2: true, streams: 4, connections: 1, durationSec: 1.5, warmupSec: 0, workers: 1 }, { inline: true });
    const s = result.summary;
    expect(s.status).toBe('completed');
    const goaways = s.http2!.goaways.NO_ERROR ?? 0;
    expect(goaways).toBeGreaterThanOrEqual(3);
    // Each GOAWAY ends one connection; a new one takes its place.
    expect(s.connections.opened).toBeGreaterThanOrEqual(goaways);
    // Every session the server saw was counted: opened, or (the replacement still connecting when the run ended) failed.
    expect(server.sessions()).toBe(s.connections.opened + s.connections.failed);
    expect(s.connections.failed).toBeLessThanOrEqual(1);
    // Streams above the GOAWAY's last stream id were refused: at most 3 per GOAWAY (4 in flight, one answered).
    const refused = s.errors.byKind.goaway ?? 0;
    expect(refused).toBeLessThanOrEqual(3 * goaways);
    expect(Object.keys(s.errors.byKind).filter((k) => k !== 'goaway')).toEqual([]);
    // The run went on to its end: requests completed in its last second too.
    expect(result.samples.at(-1)!.throughput).toBeGreaterThan(0);
    expect(s.notes.join('\n')).toMatch(/connections ended by the server's GOAWAY: \d+ NO_ERROR/);
  }, 15_000);

  it('counts streams the server resets with RST_STREAM by code', async () => {
    const server = await h2Server({
      serviceMs: 5,
      onStream: (stream, n) => {
        if (n % 4 !== 0) return false;
        stream.close(http2.constants.NGHTTP2_ENHANCE_YOUR_CALM);
        return true;
      },
    });
    const { result } = await runToEnd({ protocol: 'http', url: server.url, http2: true, streams: 2, connections: 1, durationSec: 1, warmupSec: 0, workers: 1 }, { inline: true });
    const s = result.summary;
    const resets = s.errors.byKind['rst-stream'] ?? 0;
    expect(resets).toBeGreaterThan(10);
    expect(s.http2!.streamResets).toEqual({ ENHANCE_YOUR_CALM: resets });
    // One in four: the others completed.
    expect(s.throughput.total / resets).toBeGreaterThan(2);
    expect(s.throughput.total / resets).toBeLessThan(4);
  }, 15_000);

  it('open model: latency runs from each request’s scheduled time when the server cannot keep up', async () => {
    // 1 connection × 1 stream at 25 ms a request carries 40/s; 100/s are scheduled over 1 s, so
    // the last ones wait ≈ 0.6 s behind their schedule, and that wait is in their latency.
    const server = await h2Server({ serviceMs: 25 });
    const { result } = await runToEnd({ protocol: 'http', url: server.url, http2: true, streams: 1, connections: 1, rate: 100, durationSec: 1, warmupSec: 0, workers: 1 }, { inline: true });
    const s = result.summary;
    expect(server.peakStreams()).toBe(1);
    expect(s.latencyUs.p90 / 1000).toBeGreaterThan(300);
    expect(s.latencyUs.max / 1000).toBeGreaterThan(450);
    expect(s.schedule!.due).toBe(100);
    expect(s.schedule!.missed).toBeGreaterThan(30);
  }, 15_000);

  it('follows stages that ramp connections: sessions open as the plan rises and close, answered, as it falls', async () => {
    const server = await h2Server({ serviceMs: 5 });
    const { result } = await runToEnd(
      { protocol: 'http', url: server.url, http2: true, streams: 2, stages: [{ durationSec: 0.6, target: 3 }, { durationSec: 0.6, target: 3 }, { durationSec: 0.4, target: 0 }], warmupSec: 0, workers: 1 },
      { inline: true },
    );
    const s = result.summary;
    expect(s.status).toBe('completed');
    expect(s.connections.opened).toBe(3);
    expect(server.sessions()).toBe(3);
    // Ramping down closes a session once its streams are answered: nothing is cut off.
    expect(s.errors.total).toBe(0);
    expect(server.peakStreams()).toBe(2);
    expect(s.throughput.total).toBeGreaterThan(50);
  }, 15_000);

  it('speaks h2 over TLS, negotiated by ALPN', async () => {
    const server = await h2Server({ serviceMs: 2, tls: true });
    const { result } = await runToEnd({ protocol: 'http', url: server.url, http2: true, insecure: true, streams: 4, connections: 1, amount: 200, workers: 1 }, { inline: true });
    const s = result.summary;
    expect(s.status).toBe('completed');
    expect(s.throughput.total).toBe(200);
    expect(s.errors.total).toBe(0);
    expect(s.http2).toMatchObject({ mode: 'h2', peakStreams: 4 });
    expect(server.sessions()).toBe(1);
  }, 15_000);

  it('counts a server that does not speak HTTP/2 as a protocol error per attempt, never a crash', async () => {
    const { createServer } = await import('node:http');
    const plain = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(plain.address() as AddressInfo).port}/`;
      const { result } = await runToEnd({ protocol: 'http', url, http2: true, connections: 1, durationSec: 0.5, warmupSec: 0, workers: 1 }, { inline: true });
      const s = result.summary;
      expect(s.throughput.total).toBe(0);
      expect(s.errors.total).toBeGreaterThan(0);
      expect(Object.keys(s.errors.byKind)).toEqual(['protocol']);
      // A failed attempt waits before the next one: no busy loop (≤ 20 a second per connection).
      expect(s.errors.total).toBeLessThanOrEqual(11);
      expect(s.connections.opened).toBe(0);
    } finally {
      plain.closeAllConnections();
      plain.close();
    }
  }, 15_000);

  it('the demo target serves /h2 over h2c on the same port as HTTP/1.1 (its first bytes tell them apart)', async () => {
    const target = await startDemoTarget();
    try {
      const body = '{"seq":1,"data":"abc"}';
      const h2 = await runToEnd({ protocol: 'http', url: `${target.httpUrl}/h2`, http2: true, method: 'POST', body, streams: 4, connections: 1, amount: 100, workers: 1 }, { inline: true });
      expect(h2.result.summary.errors.total).toBe(0);
      expect(h2.result.summary.statusCodes).toEqual({ '200': 100 });
      expect(h2.result.summary.http2?.mode).toBe('h2c');
      // Each echo carries the body back: more than 100 × its length received.
      expect(h2.result.summary.bytes.received).toBeGreaterThan(100 * body.length);
      const h1 = await runToEnd({ protocol: 'http', url: `${target.httpUrl}/h2`, connections: 1, amount: 50, workers: 1 }, { inline: true });
      expect(h1.result.summary.statusCodes).toEqual({ '200': 50 });
      expect(h1.result.summary.http2).toBeUndefined();
    } finally {
      await target.close();
    }
  }, 15_000);
});
