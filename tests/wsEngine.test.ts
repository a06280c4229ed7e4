// WebSocket runs end to end through the run controller and its worker threads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeHistogram } from '../src/shared/result/histogramCodec.ts';
import { startDemoTarget, type DemoTarget } from '../src/main/target/demoTarget.ts';
import { runToEnd } from './support/runScenario.ts';

let target: DemoTarget;
beforeAll(async () => {
  target = await startDemoTarget();
});
afterAll(() => target.close());

describe('WebSocket engine', () => {
  it('echo: round trips matched by sequence id on every connection, over two workers', async () => {
    const { result } = await runToEnd({ protocol: 'ws', url: `${target.wsUrl}/ws/echo`, durationSec: 2, connections: 6, inFlight: 2, workers: 2, pingIntervalSec: 0.5 });
    const s = result.summary;
    expect(s.status).toBe('completed');
    expect(s.protocol).toBe('ws');
    expect(s.connections).toMatchObject({ opened: 6, failed: 0, peak: 6 });
    expect(s.throughput.total).toBeGreaterThan(500);
    expect(s.ws!.messagesReceived).toBe(s.throughput.total);
    expect(s.ws!.lost + s.ws!.duplicates + s.ws!.unmatched).toBe(0);
    // Every message sent was echoed (the end of the run waits for the echoes in flight).
    expect(s.ws!.messagesSent).toBe(s.ws!.messagesReceived);
    expect(s.ws!.connectUs!.count).toBe(6);
    expect(s.ws!.pingUs!.count).toBeGreaterThan(0);
    expect(s.latencyUs.p50).toBeGreaterThan(0);
    expect(s.latencyMeaning).toMatch(/round trip/);
    expect(decodeHistogram(result.histogram).totalCount).toBe(s.throughput.total);
    // Socket counters: at least every message each way, plus the handshakes.
    expect(s.bytes.sent).toBeGreaterThan(s.ws!.messagesSent * 40);
    expect(s.bytes.received).toBeGreaterThan(s.ws!.messagesReceived * 40);
  });

  it('push: delivery lag from the server timestamp', async () => {
    const { result } = await runToEnd({ protocol: 'ws', url: `${target.wsUrl}/ws/push?rate=100`, mode: 'push', durationSec: 2, connections: 4, workers: 1 });
    const s = result.summary;
    expect(s.status).toBe('completed');
    // 4 connections × 100 messages/s × 2 s, give or take the ramp and the tick.
    expect(s.ws!.messagesReceived).toBeGreaterThan(600);
    expect(s.ws!.messagesReceived).toBeLessThan(900);
    expect(s.latencyMeaning).toMatch(/lag/);
    expect(s.latencyUs.count).toBe(s.ws!.messagesReceived);
    expect(s.latencyUs.p50).toBeLessThan(20_000);
  });

  it('an amount of messages in rate mode, exactly', async () => {
    const { result } = await runToEnd({ protocol: 'ws', url: `${target.wsUrl}/ws/echo`, mode: 'rate', rate: 400, amount: 300, connections: 4, workers: 2 });
    expect(result.summary.throughput.total).toBe(300);
    expect(result.summary.ws!.lost).toBe(0);
  });
});
