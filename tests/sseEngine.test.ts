// Server-Sent Events as an engine load driver (an HTTP scenario with `sse`), against the demo
// target's /sse/events with known answers: events evenly spaced, written a known time after
// their creation (lagMs), streams ended by the server after a known number of events
// (dropAfter) with a known retry; and a bare server that cuts its streams off or refuses them.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SSE_LATENCY_MEANING } from '../src/shared/result/latencyMeaning.ts';
import { decodeHistogram } from '../src/shared/result/histogramCodec.ts';
import { startDemoTarget, type DemoTarget } from '../src/main/target/demoTarget.ts';
import { runToEnd } from './support/runScenario.ts';

let target: DemoTarget;
beforeAll(async () => {
  target = await startDemoTarget();
});
afterAll(async () => {
  await target.close();
});

describe('SSE driver', () => {
  it('measures each event’s delivery lag from its "ts": a server that writes every event 200 ms late gives lags of 200 ms', async () => {
    const url = `${target.httpUrl}/sse/events?feed=lag&rate=40&arrivals=even&lagMs=200`;
    const { result } = await runToEnd({ protocol: 'http', url, connections: 3, sse: {}, durationSec: 1.5, warmupSec: 0, workers: 1 });
    const s = result.summary;
    expect(s.status).toBe('completed');
    expect(s.latencyMeaning).toBe(SSE_LATENCY_MEANING);
    expect(result.config).toMatchObject({ protocol: 'http', sse: { retryMs: 3000, connectRate: 1000 } });
    const f = s.sse!;
    expect(f.streamsOpened).toBe(3);
    expect(s.connections.opened).toBe(3);
    expect(f.drops).toBe(0);
    expect(f.reconnects).toBe(0);
    // 3 streams × ≈ (1.5 s − 0.2 s of lag) × 40 events/s ≈ 156; a busy machine loses a few.
    expect(f.events).toBeGreaterThan(100);
    expect(f.events).toBeLessThanOrEqual(3 * 62);
    expect(f.untimed).toBe(0);
    expect(s.latencyUs.count).toBe(f.events);
    const lags = decodeHistogram(result.histogram);
    expect(lags.minNonZeroValue / 1000).toBeGreaterThanOrEqual(199);
    expect(s.latencyUs.p50 / 1000).toBeLessThan(260);
    // The first event comes ≈ 200 ms + one 25 ms gap after the request at most (+ slack).
    expect(f.firstEventUs!.count).toBe(3);
    expect(f.firstEventUs!.min / 1000).toBeGreaterThanOrEqual(190);
    expect(f.firstEventUs!.max / 1000).toBeLessThan(600);
    expect(s.errors.total).toBe(0);
    expect(s.notes[0]).toMatch(/^\d+ events on 3 streams; 0 streams dropped, 0 reconnects/);
  }, 20_000);

  it('reconnects after a stream the server ended, after its retry, with Last-Event-ID, and so misses no event', async () => {
    // Each stream ends after 5 events (125 ms at 40/s); the server asks for a 100 ms retry.
    const url = `${target.httpUrl}/sse/events?feed=drop&rate=40&arrivals=even&dropAfter=5&retry=100`;
    const { result } = await runToEnd({ protocol: 'http', url, connections: 2, sse: {}, durationSec: 1.5, warmupSec: 0, workers: 1 });
    const s = result.summary;
    const f = s.sse!;
    expect(s.status).toBe('completed');
    expect(f.serverRetryMs).toBe(100);
    // A cycle is ≈ 125 ms of stream + 100 ms of retry: ≈ 6 per stream in 1.5 s (the default retry of 3 s would allow none).
    expect(f.drops).toBeGreaterThanOrEqual(6);
    expect(f.reconnects).toBeGreaterThanOrEqual(f.drops - 2);
    expect(f.resumedWithLastEventId).toBe(f.reconnects);
    // Every attempt opened a stream, but one still waiting for its answer when the run ended (unfinished).
    expect(f.streamsOpened + (s.unfinished?.count ?? 0)).toBe(2 + f.reconnects);
    // A clean end is not an error.
    expect(s.errors.total).toBe(0);
    // With Last-Event-ID the server replays what was created during the retry: every stream
    // gets ≈ all 60 events of its 1.5 s; without it, ≈ 100/225 of them would be missed.
    expect(f.events).toBeGreaterThan(2 * 60 * 0.8);
  }, 20_000);

  it('counts a stream cut off by the server as a drop and a reset, and a refused stream (404) as a failed connection', async () => {
    let streams = 0;
    const server = http.createServer((req, res) => {
      if (req.url === '/missing') return void res.writeHead(404).end();
      streams++;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('retry: 50\n\n');
      let n = 0;
      const t = setInterval(() => {
        res.write(`id: ${++n}\ndata: {"n":${n},"ts":${Date.now()}}\n\n`);
        if (n === 3) {
          clearInterval(t);
          // After the third event has left: a cut-off stream, not a lost write.
          setTimeout(() => res.socket?.destroy(), 15);
        }
      }, 20);
      res.on('close', () => clearInterval(t));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const { result } = await runToEnd({ protocol: 'http', url: `${base}/stream`, connections: 1, sse: {}, durationSec: 1, warmupSec: 0, workers: 1 });
      const f = result.summary.sse!;
      // Each cycle: 3 events over ≈ 60 ms, cut off 15 ms later, 50 ms of retry.
      expect(f.drops).toBeGreaterThanOrEqual(4);
      expect(result.summary.errors.byKind.reset).toBe(f.drops);
      expect(f.events).toBeGreaterThanOrEqual(3 * f.drops);
      expect(f.resumedWithLastEventId).toBe(f.reconnects);
      expect(streams).toBe(f.streamsOpened);

      const refused = await runToEnd({ protocol: 'http', url: `${base}/missing`, connections: 1, sse: { retryMs: 200 }, durationSec: 1, warmupSec: 0, workers: 1 });
      const r = refused.result.summary;
      expect(r.sse!.streamsOpened).toBe(0);
      expect(r.connections.opened).toBe(0);
      expect(r.connections.failed).toBeGreaterThanOrEqual(4);
      expect(r.errors.byKind.status).toBe(r.connections.failed);
      expect(r.statusCodes['404']).toBe(r.connections.failed);
      expect(r.sse!.reconnects).toBe(r.connections.failed - 1);
    } finally {
      server.close();
    }
  }, 20_000);
});
