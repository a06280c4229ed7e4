// Polling as an engine load driver (an HTTP scenario with `poll`), against a poll endpoint with a
// known answer: an event every 50 ms, each stamped 300 ms before it is published, so every lag
// lies between 300 ms and 300 ms + one poll interval (+ scheduling slack on a busy machine).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POLL_LATENCY_MEANING } from '../src/shared/result/latencyMeaning.ts';
import { decodeHistogram } from '../src/shared/result/histogramCodec.ts';
import { runToEnd } from './support/runScenario.ts';

const STAMP_AGE_MS = 300;
const INTERVAL_MS = 200;
let server: http.Server;
let url: string;
let timer: NodeJS.Timeout;
const events: Array<{ n: number; ts: number }> = [];

beforeAll(async () => {
  timer = setInterval(() => events.push({ n: events.length + 1, ts: Date.now() - STAMP_AGE_MS }), 50);
  server = http.createServer((req, res) => {
    const since = new URL(req.url ?? '/', 'http://x').searchParams.get('since');
    const after = since === null ? events.length : Number(since);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ cursor: events.length, events: events.slice(after) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
});
afterAll(() => {
  clearInterval(timer);
  server.close();
});

describe('poll driver', () => {
  it('measures each event’s delivery lag in a load worker and stores a re-runnable configuration', async () => {
    const { result } = await runToEnd({ protocol: 'http', url, connections: 4, poll: { intervalMs: INTERVAL_MS }, durationSec: 2, warmupSec: 0, workers: 1 });
    const s = result.summary;
    expect(s.status).toBe('completed');
    expect(s.latencyMeaning).toBe(POLL_LATENCY_MEANING);
    expect(result.config).toMatchObject({ protocol: 'http', poll: { intervalMs: INTERVAL_MS }, connections: 4 });
    // 4 clients × 2 s / 200 ms ≈ 40 polls (a busy machine may lose a few).
    expect(s.poll!.requests).toBeGreaterThanOrEqual(30);
    expect(s.poll!.requests).toBeLessThanOrEqual(44);
    expect(s.statusCodes['200']).toBe(s.poll!.requests);
    // Every client sees each of ~40 events once: ≈ 160 deliveries, each a measured lag.
    expect(s.poll!.delivered).toBeGreaterThan(100);
    expect(s.latencyUs.count).toBe(s.poll!.delivered);
    expect(s.poll!.gaps).toBe(0);
    const lags = decodeHistogram(result.histogram);
    // The floor is the stamp's age, less 1 ms: the histogram keeps 3 significant digits (a lag
    // of 300.02 ms reads back as 299.78 from its bucket), and the stamp is the main thread's
    // Date.now() (whole ms) against the worker's timeOrigin + performance.now() — two clocks.
    // A lag measured from the publishing instant instead would read 0–200 ms and still fail.
    expect(lags.minNonZeroValue / 1000).toBeGreaterThanOrEqual(STAMP_AGE_MS - 1);
    expect(s.latencyUs.p50 / 1000).toBeLessThan(STAMP_AGE_MS + INTERVAL_MS + 100);
    expect(s.connections.opened).toBe(4);
    expect(s.notes[0]).toMatch(/^\d+ polls, \d+ empty, \d+ events delivered$/);
    // Seconds were recorded by the worker's recorder and merged: one sample per second.
    expect(result.samples.map((x) => x.t)).toEqual([0, 1]);
  }, 20_000);

  it('splits the clients over workers and sums their counters', async () => {
    const { result } = await runToEnd({ protocol: 'http', url, connections: 4, poll: { intervalMs: INTERVAL_MS }, durationSec: 2, warmupSec: 0, workers: 2 });
    expect(result.summary.status).toBe('completed');
    expect(result.summary.connections.opened).toBe(4);
    expect(result.summary.poll!.requests).toBeGreaterThanOrEqual(30);
  }, 20_000);

  it('cuts off a poll answer larger than maxResponseBytes and counts it as too-large (the worker never buffers it whole)', async () => {
    // The cursor answer is small; every poll answers 64 KiB of events, past a 4 KiB limit.
    const big = JSON.stringify({ cursor: 1, events: Array.from({ length: 1000 }, (_, i) => ({ seq: i, ts: Date.now(), data: 'x'.repeat(50) })) });
    const huge = http.createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(new URL(req.url ?? '/', 'http://x').searchParams.has('since') ? big : JSON.stringify({ cursor: 0, events: [] }));
    });
    await new Promise<void>((resolve) => huge.listen(0, '127.0.0.1', resolve));
    try {
      const port = (huge.address() as AddressInfo).port;
      const { result } = await runToEnd({ protocol: 'http', url: `http://127.0.0.1:${port}/`, connections: 1, poll: { intervalMs: 200 }, durationSec: 1, warmupSec: 0, workers: 1, maxResponseBytes: 4096 });
      const s = result.summary;
      expect(s.errors.byKind['too-large']).toBeGreaterThanOrEqual(3);
      expect(Object.keys(s.errors.byKind)).toEqual(['too-large']);
      expect(s.poll!.delivered).toBe(0);
    } finally {
      huge.close();
    }
  }, 20_000);

  it('fails the run with a clear reason when the URL is not a poll endpoint (its password redacted)', async () => {
    const plain = http.createServer((_req, res) => res.end('hello'));
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    try {
      const port = (plain.address() as AddressInfo).port;
      const { result } = await runToEnd({ protocol: 'http', url: `http://feed:pa55word@127.0.0.1:${port}/`, connections: 1, poll: { intervalMs: 100 }, durationSec: 1 });
      expect(result.summary.status).toBe('failed');
      // The failure is stored with the run (runs stored before this redaction are rewritten by
      // `runs redact`, tests/unit/redactStoredTexts.test.ts).
      expect(result.summary.failure).toBe(`load worker 1 failed: http://feed:***@127.0.0.1:${port}/ did not answer {"cursor":N,…} (is it a poll endpoint?)`);
    } finally {
      plain.close();
    }
  }, 20_000);
});
