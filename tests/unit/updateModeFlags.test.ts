// `barrage run --sse / --retry / --poll-interval / --long-poll`: the flags become the HTTP
// scenario's update mode, and a bad value names the flag and the field.
import { describe, expect, it } from 'vitest';
import { buildScenario } from '../../src/main/cli/commands/run.ts';
import { progressLine } from '../../src/main/cli/format/progressLine.ts';
import { throughputUnitOf, updateModeOf } from '../../src/shared/updateMode.ts';

type Values = Parameters<typeof buildScenario>[0];
const build = (values: Record<string, unknown>, url = 'http://127.0.0.1:9/stream') => buildScenario(values as Values, [url]);
const messageOf = (values: Record<string, unknown>, url?: string): string => {
  try {
    build(values, url);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a usage error');
};

describe('update-mode flags of barrage run', () => {
  it('--sse makes an SSE scenario; --retry and --connect-rate set its fields', () => {
    const s = build({ sse: true, retry: '250', 'connect-rate': '50' });
    expect(s).toMatchObject({ protocol: 'http', sse: { retryMs: 250, connectRate: 50 } });
    expect(updateModeOf(s)).toBe('sse');
    expect(throughputUnitOf(s)).toBe('events/s');
    expect(build({ sse: true })).toMatchObject({ sse: { retryMs: 3000, connectRate: 1000 } });
  });

  it('--poll-interval and --long-poll make polling scenarios', () => {
    const short = build({ 'poll-interval': '200' });
    expect(short).toMatchObject({ poll: { intervalMs: 200 } });
    expect(updateModeOf(short)).toBe('poll');
    const long = build({ 'long-poll': true });
    expect(long).toMatchObject({ poll: { long: true } });
    expect(updateModeOf(long)).toBe('long-poll');
    expect(updateModeOf(build({}))).toBeNull();
    expect(throughputUnitOf(build({}))).toBe('req/s');
  });

  it('refuses what does not fit, naming the flag', () => {
    expect(messageOf({ sse: true, retry: '-1' })).toBe('--retry (sse.retryMs): cannot be negative');
    expect(messageOf({ sse: true, method: 'post' })).toBe('--method (method): must be GET with sse');
    expect(messageOf({ sse: true, 'long-poll': true })).toMatch(/^--sse and --poll-interval\/--long-poll are different update modes/);
    expect(messageOf({ retry: '100' })).toBe('--retry applies to --sse only');
    expect(messageOf({ 'connect-rate': '10' })).toMatch(/^--connect-rate applies to WebSocket URLs/);
    expect(messageOf({ sse: true }, 'ws://127.0.0.1:9/')).toMatch(/^--sse applies to HTTP URLs only/);
    expect(messageOf({ 'poll-interval': '0' })).toBe('--poll-interval (poll.intervalMs): must be at least 1');
  });

  it('the progress line counts events for an SSE run', () => {
    const sample = { t: 1, throughput: 42, latencyUs: null, errors: 0, openConnections: 2, bytesSent: 0, bytesReceived: 0, cpuPercent: 1, loopLagMs: 0, warmup: false };
    const line = progressLine({ sample, elapsedSec: 2, plannedSec: 5, totals: { throughput: 42, errors: 0 } }, build({ sse: true }));
    expect(line).toMatch(/42 events\/s/);
  });
});
