// Load profiles in the engine: connections and rates follow the planned stages, for HTTP (closed
// and open model) and WebSocket (connections, and the message rate), with per-stage figures;
// and the open model stays free of coordinated omission while the rate changes.
import { afterEach, describe, expect, it } from 'vitest';
import { startDemoTarget, type DemoTarget } from '../src/main/target/demoTarget.ts';
import { stallingServer, type TestServer } from './support/faultServers.ts';
import { runToEnd } from './support/runScenario.ts';

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});
async function demo(): Promise<DemoTarget> {
  const t = await startDemoTarget();
  cleanup.push(() => t.close());
  return t;
}

describe('load profiles', () => {
  it('HTTP closed model: connections ramp up, hold and ramp down as planned, over two workers', async () => {
    const target = await demo();
    const { result } = await runToEnd({
      protocol: 'http',
      url: `${target.httpUrl}/`,
      workers: 2,
      stages: [
        { durationSec: 2, target: 8 },
        { durationSec: 1, target: 8 },
        { durationSec: 0, target: 2 },
        { durationSec: 1, target: 2 },
      ],
    });
    const s = result.summary;
    expect(s.status).toBe('completed');
    expect(s.errors.total).toBe(0);
    expect(s.durationSec).toBeCloseTo(4, 0);
    const open = result.samples.map((x) => x.openConnections);
    // Second 0 of the ramp holds at most 4 (half way to 8), the hold 8, the last second 2 (its
    // peak may still count connections closing at its start).
    expect(open[0]).toBeLessThanOrEqual(4);
    expect(open[2]).toBe(8);
    expect(s.connections.peak).toBe(8);
    expect(s.stages).toHaveLength(4);
    const [ramp, hold, jump, low] = s.stages!;
    expect(ramp.target).toBe('connections');
    expect(ramp.reached).toBe(true);
    expect(hold.achieved.peakConnections).toBe(8);
    expect(hold.achieved.meanConnections).toBe(8);
    expect(jump.seconds).toBe(0);
    expect(low.seconds).toBe(1);
    expect(low.achieved.meanConnections).toBeLessThanOrEqual(8);
    // The ramp held fewer connections on average than the hold (its throughput would say the
    // same on a quiet machine, but on a shared one a starved second can complete fewer).
    expect(ramp.achieved.meanConnections).toBeLessThan(hold.achieved.meanConnections);
    // The stages' latencies add up to the run's.
    const stageCount = s.stages!.reduce((a, x) => a + (x.latencyUs?.count ?? 0), 0);
    expect(stageCount).toBe(s.latencyUs.count);
    expect(s.stages!.reduce((a, x) => a + x.throughput.total, 0)).toBe(s.throughput.total);
  });

  it('HTTP open model: arrivals follow the integral of a ramping rate', async () => {
    const target = await demo();
    const { result } = await runToEnd({
      protocol: 'http',
      url: `${target.httpUrl}/`,
      workers: 1,
      connections: 20,
      stageTarget: 'rate',
      stages: [
        { durationSec: 2, target: 400 },
        { durationSec: 1, target: 400 },
      ],
    });
    const s = result.summary;
    expect(s.status).toBe('completed');
    // ∫ 0→400 over 2 s = 400, plus 400 on the hold: 800 arrivals.
    expect(s.throughput.total).toBeGreaterThanOrEqual(780);
    expect(s.throughput.total).toBeLessThanOrEqual(800);
    // N(1) = 100 arrivals in the first second, 300 in the second, 400 in the third.
    const perSecond = result.samples.map((x) => x.throughput);
    expect(perSecond[0]).toBeGreaterThan(70);
    expect(perSecond[0]).toBeLessThan(130);
    expect(perSecond[1]).toBeGreaterThan(260);
    expect(perSecond[1]).toBeLessThan(340);
    expect(s.latencyMeaning).toMatch(/scheduled send time/);
    expect(s.stages![1].achieved.perSec).toBeGreaterThan(360);
    // Whether the generator kept up is this machine's verdict, not the profile's; if it did not, the stage says why.
    if (!s.stages![1].reached) expect(s.stages![1].note).toMatch(/generator was saturated/);
  });

  it('a 1 s stall during a rate ramp shows in that stage’s tail, and only there', async () => {
    // The server holds every answer for 1 s, starting 3 s after the first request: in the
    // middle of the ramp from 50/s to 250/s (stage 3, seconds 2–5).
    const stalling: TestServer = await stallingServer(3000, 1000);
    cleanup.push(() => stalling.close());
    const { result } = await runToEnd({
      protocol: 'http',
      url: `${stalling.url}/`,
      workers: 1,
      connections: 40,
      stageTarget: 'rate',
      stages: [
        { durationSec: 0, target: 50 },
        { durationSec: 2, target: 50 },
        { durationSec: 3, target: 250 },
        { durationSec: 2, target: 250 },
      ],
    });
    const st = result.summary.stages!;
    expect(result.summary.status).toBe('completed');
    const ramp = st[2].latencyUs!;
    // About a quarter of the ramp's arrivals fall into the stall and wait up to 1 s, measured
    // from their scheduled times even though only 40 connections were there to send them.
    expect(ramp.p99).toBeGreaterThanOrEqual(800_000);
    expect(ramp.max).toBeGreaterThanOrEqual(900_000);
    // The other stages stay far below (stage 2 holds the run's first, warm-up second, whose
    // connection set-up on a busy machine can take a tenth of a second).
    expect(st[1].latencyUs!.p99).toBeLessThan(300_000);
    expect(st[3].latencyUs!.p99).toBeLessThan(300_000);
  });

  it('WebSocket echo: the swarm opens and retires connections with the plan, losing nothing', async () => {
    const target = await demo();
    const { result } = await runToEnd({
      protocol: 'ws',
      url: `${target.wsUrl}/ws/echo`,
      workers: 1,
      stages: [
        { durationSec: 1, target: 6 },
        { durationSec: 1, target: 6 },
        { durationSec: 0, target: 2 },
        { durationSec: 1, target: 2 },
      ],
    });
    const s = result.summary;
    expect(s.status).toBe('completed');
    expect(s.errors.total).toBe(0);
    expect(s.ws!.lost).toBe(0);
    expect(s.ws!.unexpectedCloses).toEqual({});
    expect(s.connections.peak).toBe(6);
    expect(s.connections.opened).toBe(6);
    expect(s.stages![1].achieved.meanConnections).toBe(6);
    expect(s.stages![3].reached).toBe(true);
    // After the drop to 2, only 2 connections remain open through the last second's end.
    expect(result.samples[1].openConnections).toBe(6);
  });

  it('WebSocket rate mode: the message rate ramps with the integral of the plan', async () => {
    const target = await demo();
    const { result } = await runToEnd({
      protocol: 'ws',
      url: `${target.wsUrl}/ws/echo`,
      workers: 1,
      mode: 'rate',
      connections: 4,
      stages: [
        { durationSec: 2, target: 300 },
        { durationSec: 1, target: 300 },
      ],
    });
    const s = result.summary;
    expect(s.status).toBe('completed');
    // ∫ = 300 + 300 = 600 messages.
    expect(s.ws!.messagesSent).toBeGreaterThanOrEqual(590);
    expect(s.ws!.messagesSent).toBeLessThanOrEqual(600);
    expect(s.ws!.lost).toBe(0);
    expect(result.samples[0].throughput).toBeLessThan(result.samples[2].throughput / 2);
  });
});
