// Try once and the measurement lock (issue #12): a try is refused while anything measures,
// naming what does; while a try runs it holds the lock, and releases it when it ends (also when
// it fails), so a run can start afterwards.
import { describe, expect, test } from 'vitest';
import type { ApiContext } from '../../src/main/api/apiContext.ts';
import { flowsHandlers } from '../../src/main/api/flowsHandlers.ts';
import { MeasurementBusyError, MeasurementLock } from '../../src/main/services/measurementLock.ts';
import { parseScenario, type FlowScenario } from '../../src/shared/scenario.ts';

const parsed = parseScenario({ protocol: 'flow', name: 'shop', url: 'http://127.0.0.1:9/', steps: [{ type: 'http', name: 'home', url: '/' }] });
if (!parsed.ok || parsed.value.protocol !== 'flow') throw new Error('fixture');
const config: FlowScenario = parsed.value;

function handlers(lock: MeasurementLock) {
  const ctx = { runs: { lock }, demoTarget: async () => ({ httpUrl: 'http://127.0.0.1:9', wsUrl: 'ws://127.0.0.1:9' }) } as unknown as ApiContext;
  return flowsHandlers(ctx);
}

describe('Try once under the measurement lock', () => {
  test('refused while a run measures, with what measures in the message', async () => {
    const lock = new MeasurementLock();
    const run = lock.acquire({ kind: 'run', label: 'a run of checkout' });
    await expect(handlers(lock)['flows.tryOnce']({ config })).rejects.toThrow(MeasurementBusyError);
    await expect(handlers(lock)['flows.tryOnce']({ config })).rejects.toThrow(/a run of checkout/);
    run.release();
  });

  test('holds the lock while it runs and releases it at the end (a refused port: the trace says so)', async () => {
    const lock = new MeasurementLock();
    const trying = handlers(lock)['flows.tryOnce']({ config });
    expect(lock.holder()?.label).toBe('Try once of “shop” (http://127.0.0.1:9/)');
    expect(() => lock.acquire({ kind: 'run', label: 'a run' })).toThrow(/Try once of “shop”/);
    const trace = await trying;
    expect(trace.steps[0]).toMatchObject({ name: 'home', failed: true });
    expect(lock.holder()).toBeNull();
  });
});
