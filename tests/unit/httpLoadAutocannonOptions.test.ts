// What the HTTP driver asks of autocannon's run loop (issue #11, CPU per request): no second
// latency histogram per request (Barrage records every latency itself, in µs) and no aggregation
// of a result nobody reads.
import { describe, expect, it, vi } from 'vitest';
import type { AutocannonOptions } from 'autocannon';

const seen: AutocannonOptions[] = [];
vi.mock('autocannon/lib/run.js', () => ({
  default: (opts: AutocannonOptions, _tracker: unknown, cb: (err: Error | null, result: unknown) => void) => {
    seen.push(opts);
    setImmediate(() => cb(null, {}));
    return { stop() {} };
  },
}));

const { createHttpLoad } = await import('../../src/main/engine/http/httpLoad.ts');
const { SecondRecorder } = await import('../../src/main/engine/metrics/secondRecorder.ts');
const { parseScenario } = await import('../../src/shared/scenario.ts');
const { epochMs } = await import('../../src/main/clock.ts');

describe('httpLoad: autocannon options', () => {
  it('gives autocannon a latency histogram that keeps nothing, and skips its result aggregation', async () => {
    const parsed = parseScenario({ protocol: 'http', url: 'http://127.0.0.1:9/', connections: 2, durationSec: 1 });
    if (!parsed.ok) throw new Error(parsed.error);
    const startAt = epochMs();
    const recorder = new SecondRecorder(startAt, () => {});
    const load = createHttpLoad({ scenario: parsed.value, workerIndex: 0, workerCount: 1, connections: 2, startAt, endAt: startAt + 1000, address: '127.0.0.1' }, recorder);
    await load.run();
    load.stop();
    recorder.finish();
    expect(seen).toHaveLength(1);
    const opts = seen[0];
    expect(opts.skipAggregateResult).toBe(true);
    const latencies = opts.histograms?.latencies;
    // `__custom`: autocannon's encodeHist returns null for it instead of encoding it.
    expect(latencies?.__custom).toBe(true);
    // Its records are no-ops (a real histogram would count them).
    for (let i = 0; i < 1000; i++) latencies!.recordValue(1.25);
    latencies!.recordValueWithExpectedInterval(3, 1);
    expect(Object.keys(latencies!).sort()).toEqual(['__custom', 'destroy', 'recordValue', 'recordValueWithExpectedInterval', 'reset']);
    expect(Object.isFrozen(latencies)).toBe(true);
  });
});
