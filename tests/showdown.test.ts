// The showdown against the demo target on loopback: the target's event feed and CPU meter, the
// accounting of every mode (connections, bytes from the socket counters), polling lag against
// push lag, and the app's API (start, follow, result, runs saved as one group).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { RunService } from '../src/main/services/runService.ts';
import { createAppServices } from '../src/main/app/appServices.ts';
import { forwardJobEvents } from '../src/main/services/runEvents.ts';
import { getJson } from '../src/main/showdown/probes.ts';
import { startShowdown } from '../src/main/showdown/showdownRunner.ts';
import { startDemoTarget, type DemoTarget } from '../src/main/target/demoTarget.ts';
import { notRerunnableReason, showdownInputSchema, type ShowdownInput, type ShowdownResult, type ShowdownStatus, type UpdateModeId } from '../src/shared/showdown.ts';

const dir = mkdtempSync(join(tmpdir(), 'barrage-showdown-'));
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function demo(): Promise<DemoTarget> {
  const t = await startDemoTarget();
  cleanups.push(() => t.close());
  return t;
}

function showdown(input: ShowdownInput): Promise<ShowdownResult> {
  const config = showdownInputSchema.parse({ save: false, seed: 0, ...input });
  return startShowdown(config, { runs: new RunService(null), store: null }).result;
}

describe('demo target: event feed and CPU meter', () => {
  it('creates events once, stamps them, and offers them by cursor and by push', async () => {
    const t = await demo();
    const feed = 'feed=t1&rate=200&bytes=64&arrivals=even';
    const pushed: Array<{ seq: number; ts: number }> = [];
    const ws = new WebSocket(`${t.wsUrl}/ws/events?${feed}`, { perMessageDeflate: false });
    cleanups.push(() => ws.terminate());
    const pushedBytes: number[] = [];
    ws.on('message', (d: Buffer) => {
      pushedBytes.push(d.length);
      pushed.push(JSON.parse(d.toString()));
    });
    await new Promise((resolve) => ws.once('open', resolve));
    const first = (await getJson(`${t.httpUrl}/events?${feed}`)) as { cursor: number; events: unknown[] };
    // Without `since`: the cursor only.
    expect(first.events).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const next = (await getJson(`${t.httpUrl}/events?${feed}&since=${first.cursor}`)) as { cursor: number; events: Array<{ seq: number; ts: number; data: string }> };
    expect(next.events.length).toBeGreaterThanOrEqual(15);
    expect(next.events[0].seq).toBe(first.cursor + 1);
    expect(next.cursor).toBe(next.events.at(-1)!.seq);
    for (const e of next.events) expect(Math.abs(e.ts - Date.now())).toBeLessThan(5000);
    // Each event is padded to the size asked for, as sent (re-serialising the parsed JSON could
    // drop trailing zeros of the timestamp).
    expect(pushedBytes.length).toBeGreaterThan(0);
    for (const n of pushedBytes) expect(n).toBe(64);
    // The same events were pushed, with the same creation times.
    const byPush = new Map(pushed.map((e) => [e.seq, e.ts]));
    for (const e of next.events) expect(byPush.get(e.seq)).toBe(e.ts);
    // An up-to-date cursor gets an empty answer.
    const empty = (await getJson(`${t.httpUrl}/events?${feed}&since=${next.cursor + 1000}`)) as { events: unknown[] };
    expect(empty.events).toEqual([]);
  });

  it('reports the CPU time of the thread that serves it', async () => {
    const t = await demo();
    const a = (await getJson(`${t.httpUrl}/_barrage/cpu`)) as { totalUs: number; scope: string };
    const b = (await getJson(`${t.httpUrl}/_barrage/cpu`)) as { totalUs: number };
    expect(a.scope).toBe('thread');
    expect(b.totalUs).toBeGreaterThanOrEqual(a.totalUs);
  });
});

describe('showdown on the demo target', () => {
  it('runs every exchange mode with consistent accounting', async () => {
    const concurrency = 4;
    const exchanges = 1500;
    const r = await showdown({ experiments: ['exchange'], exchanges, concurrency, warmupSec: 0.3, payloadBytes: 64 });
    expect(r.status).toBe('completed');
    expect(r.target).toMatchObject({ kind: 'demo', serverCpuIsolated: true });
    const by = Object.fromEntries(r.exchange!.modes.map((m) => [m.mode, m]));
    for (const m of r.exchange!.modes) {
      expect(m.status).toBe('completed');
      expect(m.exchanges).toBe(exchanges);
      expect(m.errors).toBe(0);
      expect(m.latencyUs.p50).toBeGreaterThan(0);
      expect(m.serverCpuUs).toBeGreaterThan(0);
      expect(m.generatorCpuUs).toBeGreaterThan(0);
    }
    // A new TCP connection for every request; one per client for keep-alive and WebSocket.
    expect(by['rest-new'].connections.opened).toBe(exchanges);
    expect(by['rest-keepalive'].connections.opened).toBe(concurrency);
    expect(by.ws.connections.opened).toBe(concurrency);
    // REST carries the payload both ways plus HTTP headers.
    for (const id of ['rest-new', 'rest-keepalive'] as const) {
      expect(by[id].bytes.sent.payload).toBe(64);
      expect(by[id].bytes.received.payload).toBe(64);
      expect(by[id].bytes.sent.overhead).toBeGreaterThan(60);
      expect(by[id].bytes.received.overhead).toBeGreaterThan(60);
    }
    // WebSocket at 64 bytes, from the socket counters: payload + 2-byte header + 4-byte mask
    // client → server, payload + 2-byte header server → client, once the handshake is apart.
    const ws = by.ws;
    expect(ws.bytes.sent.payload).toBeGreaterThan(62);
    expect(ws.bytes.sent.payload).toBeLessThan(66);
    expect(Math.abs(ws.bytes.sent.total - (ws.bytes.sent.payload + 6))).toBeLessThan(0.5);
    expect(Math.abs(ws.bytes.received.total - (ws.bytes.received.payload + 2))).toBeLessThan(0.5);
    const perMessageFromCounters = (ws.bytes.socketSent - concurrency * (ws.setup!.openSentBytes + ws.setup!.closeSentBytes)) / exchanges;
    expect(perMessageFromCounters).toBeCloseTo(ws.bytes.sent.total, 0);
    expect(ws.setup!.openSentBytes).toBeGreaterThan(100);
    expect(ws.setup!.openReceivedBytes).toBeGreaterThan(100);
    // HTTP/2 over h2c: one connection carrying every client's request as a stream; the payload
    // both ways, and far fewer header bytes than HTTP/1.1 once HPACK has indexed them (the frame
    // headers, 9 bytes per HEADERS and DATA frame, are most of what is left).
    const h2 = by.h2;
    expect(h2.connections.opened).toBe(1);
    expect(h2.http2).toEqual({ streams: concurrency, serverMaxConcurrentStreams: 1000, peakStreams: concurrency });
    expect(h2.bytes.sent.payload).toBe(64);
    expect(h2.bytes.received.payload).toBe(64);
    expect(h2.bytes.sent.overhead).toBeGreaterThan(18);
    expect(h2.bytes.sent.overhead).toBeLessThan(by['rest-keepalive'].bytes.sent.overhead / 2);
    expect(h2.bytes.received.overhead).toBeLessThan(by['rest-keepalive'].bytes.received.overhead / 2);
    // Its connection preface (24 bytes) and SETTINGS are kept apart, as WebSocket's upgrade.
    expect(h2.setup!.openSentBytes).toBeGreaterThanOrEqual(24 + 9);
    expect(h2.setup!.openReceivedBytes).toBeGreaterThan(9);
    expect(r.conclusion.some((s) => /^Per exchange HTTP\/2 \(1 connection/.test(s))).toBe(true);
    // The break-even and the table come from these figures.
    expect(r.exchange!.breakEven.map((b) => b.against)).toEqual(['rest-new', 'rest-keepalive']);
    const row = r.table.rows.find((x) => x.id === 'connections')!;
    expect(row.values).toEqual({ 'rest-new': exchanges, 'rest-keepalive': concurrency, h2: 1, ws: concurrency });
    expect(r.conclusion.some((s) => /fewer bytes than REST keep-alive/.test(s))).toBe(true);
  });

  it('polling lag grows with the polling interval; push lag does not', async () => {
    const base: ShowdownInput = { experiments: ['updates'], durationSec: 2, concurrency: 4, eventRate: 40, payloadBytes: 64 };
    const fast = await showdown({ ...base, pollIntervalMs: 50 });
    const slow = await showdown({ ...base, pollIntervalMs: 250 });
    const get = (r: ShowdownResult, mode: UpdateModeId) => r.updates!.modes.find((m) => m.mode === mode)!;
    const lags = [fast, slow].map((r) => `every ${r.config.pollIntervalMs} ms: poll p50 ${get(r, 'poll').lagUs.p50} µs, push p50 ${get(r, 'push').lagUs.p50} µs`).join('; ');
    for (const r of [fast, slow]) {
      expect(r.status).toBe('completed');
      const poll = get(r, 'poll');
      const push = get(r, 'push');
      expect(poll.delivered).toBeGreaterThan(100);
      expect(push.delivered).toBeGreaterThan(100);
      expect(poll.connectionsOpened).toBe(4);
      expect(push.connectionsOpened).toBe(4);
      // Every client polls once per interval (a stalled machine can make it skip a few).
      const expected = (4 * 2000) / r.config.pollIntervalMs;
      expect(poll.requests).toBeGreaterThanOrEqual(Math.floor(expected * 0.8));
      expect(poll.requests).toBeLessThanOrEqual(expected + 4);
      expect(poll.requestsPerEvent).toBeCloseTo(poll.requests / poll.delivered, 3);
      expect(push.requestsPerEvent).toBe(0);
      expect(poll.emptyShare).toBeGreaterThanOrEqual(0);
      expect(poll.emptyShare).toBeLessThanOrEqual(1);
      // Push carries each event with a 2-byte frame header.
      expect(push.bytesPerEvent.received.total - push.bytesPerEvent.received.payload).toBeLessThan(4);
    }
    // On average an event waits half an interval for the next poll: ~25 ms against ~125 ms.
    expect(get(fast, 'poll').lagUs.p50, lags).toBeLessThan(60_000);
    expect(get(slow, 'poll').lagUs.p50, lags).toBeGreaterThan(80_000);
    expect(get(slow, 'poll').lagUs.p50, lags).toBeGreaterThan(2 * get(fast, 'poll').lagUs.p50);
    // Push does not depend on the interval: well below even the faster polling, both times.
    for (const r of [fast, slow]) expect(get(r, 'push').lagUs.p50, lags).toBeLessThan(get(fast, 'poll').lagUs.p50 / 2);
    // The same feed as SSE and long-polled: SSE holds one stream per client (≈ no requests per
    // event) and, like push, does not wait for a poll; a long poll is answered as the event is
    // created, so it too beats the faster polling, at about one request per event.
    for (const r of [fast, slow]) {
      const sse = get(r, 'sse');
      const longPoll = get(r, 'long-poll');
      expect(sse.delivered).toBeGreaterThan(100);
      expect(sse.connectionsOpened).toBe(4);
      expect(sse.requestsPerEvent).toBeLessThan(0.05);
      expect(sse.emptyShare).toBeNull();
      expect(sse.lagUs.p50, lags).toBeLessThan(get(fast, 'poll').lagUs.p50 / 2);
      expect(longPoll.delivered).toBeGreaterThan(100);
      expect(longPoll.connectionsOpened).toBe(4);
      expect(longPoll.requestsPerEvent).toBeLessThan(1.5);
      expect(longPoll.lagUs.p50, lags).toBeLessThan(get(fast, 'poll').lagUs.p50);
    }
    expect(get(slow, 'push').lagUs.p50, lags).toBeLessThan(2 * get(fast, 'push').lagUs.p50 + 5000);
  });

  it('takes endpoints of the user’s own, and names the one that does not answer', async () => {
    const t = await demo();
    const r = await showdown({ experiments: ['exchange'], httpUrl: `${t.httpUrl}/echo`, wsUrl: `${t.wsUrl}/ws/echo`, exchanges: 200, concurrency: 2, warmupSec: 0 });
    expect(r.status).toBe('completed');
    expect(r.target).toMatchObject({ kind: 'custom', cpuUrl: null, serverCpuIsolated: false });
    expect(r.exchange!.modes.every((m) => m.serverCpuUs === null && m.exchanges === 200)).toBe(true);
    expect(r.table.rows.find((row) => row.id === 'server-cpu')).toBeUndefined();
    // Without poll and push endpoints the updates are skipped, and the result says why.
    const both = await showdown({ httpUrl: `${t.httpUrl}/echo`, wsUrl: `${t.wsUrl}/ws/nowhere`, exchanges: 100, concurrency: 1, warmupSec: 0 });
    expect(both.status).toBe('failed');
    expect(both.failure).toMatch(/^WebSocket endpoint ws:\/\/127\.0\.0\.1:\d+\/ws\/nowhere: /);
    expect(both.notes.join('\n')).toMatch(/updates were not measured: give a poll endpoint and a push endpoint/);
  });

  it('stops when asked: the current run ends early and the rest does not run', async () => {
    const config = showdownInputSchema.parse({ save: false, seed: 0, durationSec: 5, warmupSec: 0, concurrency: 2 });
    const handle = startShowdown(config, { runs: new RunService(null), store: null });
    // Into the first measured run (no warm-up), then a little more.
    const deadline = Date.now() + 10_000;
    while (handle.status().step.phase !== 'measure' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(handle.status().step).toMatchObject({ experiment: 'exchange', mode: 'rest-new', phase: 'measure' });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const stoppedAt = Date.now();
    handle.stop();
    const r = await handle.result;
    expect(Date.now() - stoppedAt).toBeLessThan(4000);
    expect(r.status).toBe('aborted');
    expect(r.exchange!.modes).toHaveLength(1);
    expect(r.exchange!.modes[0]).toMatchObject({ mode: 'rest-new', status: 'aborted' });
    expect(r.updates).toBeNull();
    expect(r.conclusion[0]).toMatch(/was stopped before every mode had run/);
    expect(handle.status().state).toBe('aborted');
  });

  it('is started, followed and stored through the app API', async () => {
    const services = createAppServices({ dbPath: join(dir, 'api.db'), transport: 'browser' });
    cleanups.push(() => services.close());
    const bad = await services.dispatch('showdown.start', { concurrency: 0 });
    expect(bad).toMatchObject({ ok: false, error: { invalidInput: true } });
    expect(!bad.ok && bad.error.message).toMatch(/^concurrency: must be at least 1/);

    const started = await services.dispatch('showdown.start', { exchanges: 300, concurrency: 2, warmupSec: 0, durationSec: 1, pollIntervalMs: 100, seed: 1 });
    expect(started.ok).toBe(true);
    const first = (started as { value: ShowdownStatus }).value;
    expect(first).toMatchObject({ state: 'running', stepIndex: 0 });
    expect(first.groupId).toMatch(/^showdown-/);
    // One at a time.
    const busy = await services.dispatch('showdown.start', {});
    expect(!busy.ok && busy.error.message).toMatch(new RegExp(`^cannot start: showdown ${first.id} is measuring`));
    expect(busy).toMatchObject({ ok: false, error: { busy: { kind: 'showdown', id: first.id, openable: true } } });
    // Its steps are pushed to the views (showdown.changed), the same statuses showdown.get gives.
    const pushed: ShowdownStatus[] = [];
    const offPushed = forwardJobEvents(services.context.jobs, (event, payload) => {
      if (event === 'showdown.changed') pushed.push(payload as ShowdownStatus);
    });
    cleanups.push(offPushed);

    let status = first;
    const deadline = Date.now() + 40_000;
    while (status.state === 'running' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const got = await services.dispatch('showdown.get', first.id);
      status = (got as { value: ShowdownStatus }).value;
    }
    expect(status.state).toBe('completed');
    // Every step was pushed, ending with the final status (result included).
    expect(new Set(pushed.map((p) => p.stepIndex)).size).toBeGreaterThanOrEqual(first.steps - 1);
    expect(pushed.at(-1)).toEqual(status);
    const result = status.result!;
    expect(result.order.exchange).toEqual(['rest-keepalive', 'h2', 'ws', 'rest-new']);
    expect(Object.keys(status.runIds).sort()).toEqual(['h2', 'long-poll', 'poll', 'push', 'rest-keepalive', 'rest-new', 'sse', 'ws']);
    const runs = services.context.store.listRuns({ groupId: first.groupId!, limit: 10 });
    expect(runs.total).toBe(8);
    expect(runs.runs.every((run) => run.tags.includes('showdown') && run.status === 'completed')).toBe(true);
    expect(runs.runs.map((run) => run.scenarioName).sort()).toEqual([
      'Showdown · HTTP/2 (multiplexed)',
      'Showdown · Long polling',
      'Showdown · REST (keep-alive)',
      'Showdown · REST (new connection)',
      'Showdown · REST polling (every 100 ms)',
      'Showdown · Server-Sent Events',
      'Showdown · WebSocket',
      'Showdown · WebSocket push',
    ]);
    // The stored SSE run is an SSE run like one from the builder: its own figures, re-runnable.
    const sse = services.context.store.getRun(status.runIds.sse!)!;
    expect(sse.config).toMatchObject({ protocol: 'http', sse: { retryMs: 3000 } });
    expect(sse.summary.sse!.streamsOpened).toBe(2);
    // The stored polling run reads like any other: its latency is the delivery lag.
    const poll = services.context.store.getRun(status.runIds.poll!)!;
    expect(poll.summary.latencyMeaning).toMatch(/polling delivery lag/);
    expect(poll.summary.throughput.total).toBe(result.updates!.modes.find((m) => m.mode === 'poll')!.delivered);
    // Its configuration is the one the engine's polling driver ran, so "Run again" reproduces it.
    expect(poll.config).toMatchObject({ protocol: 'http', url: expect.stringMatching(/\/events/), poll: { intervalMs: 100 } });
    expect(notRerunnableReason(poll.summary, poll.config)).toBeNull();
    const list = await services.dispatch('showdown.list', undefined);
    expect((list as { value: ShowdownStatus[] }).value[0].id).toBe(first.id);
    expect(await services.dispatch('showdown.get', 'nope')).toMatchObject({ ok: false });
  });
});
