// Load workers in child processes (src/main/engine/processWorker.ts): a run forced into two
// children against the demo target merges their counts exactly, and a child that dies is a
// recorded failure, not a hang. Runs beyond the fd limit choose processes on their own; that
// choice is checked without load in tests/unit/scalePlan.test.ts.
import { afterAll, describe, expect, it } from 'vitest';
import { startDemoTarget, type DemoTarget } from '../src/main/target/demoTarget.ts';
import { runToEnd } from './support/runScenario.ts';

let target: DemoTarget | undefined;
afterAll(async () => {
  await target?.close();
});

async function wsUrl(): Promise<string> {
  target ??= await startDemoTarget();
  return `${target.wsUrl}/ws/echo`;
}

describe('load workers in child processes', () => {
  it('--processes 2: each child runs its share and the run is their exact sum', async () => {
    const { result } = await runToEnd({ protocol: 'ws', url: await wsUrl(), connections: 20, amount: 1001, processes: 2, pingIntervalSec: 0 });
    const s = result.summary;
    expect(s.status).toBe('completed');
    expect(s.generator.workers).toBe(2);
    // Known answer: 10 + 10 connections, 501 + 500 messages, every one echoed once.
    expect(s.connections.opened).toBe(20);
    expect(s.connections.peak).toBe(20);
    expect(s.ws?.messagesSent).toBe(1001);
    expect(s.ws?.messagesReceived).toBe(1001);
    expect(s.throughput.total).toBe(1001);
    expect(s.latencyUs.count).toBe(1001);
    expect(s.ws?.lost).toBe(0);
    expect(s.errors.total).toBe(0);
    expect(s.notes.some((n) => n.startsWith('the load ran in 2 child processes'))).toBe(true);
  });

  it('a child that dies is a failed run with the reason, and the run still ends', async () => {
    const { result, elapsedMs } = await runToEnd(
      { protocol: 'ws', url: await wsUrl(), connections: 4, durationSec: 2, processes: 2, pingIntervalSec: 0 },
      { processUrl: new URL('./fixtures/crashingProcess.ts', import.meta.url) },
    );
    expect(result.summary.status).toBe('failed');
    expect(result.summary.failure).toMatch(/^load worker [12] \(process \d+\) exited unexpectedly \(code 3\)$/);
    expect(elapsedMs).toBeLessThan(5000);
  });
});
