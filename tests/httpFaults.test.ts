// Faults of the target are results to record: every run here completes on time with the
// failure counted by kind. Everything stays on loopback; DNS failure comes from an injected lookup.
import { afterEach, describe, expect, it } from 'vitest';
import { RunService } from '../src/main/services/runService.ts';
import { startDemoTarget } from '../src/main/target/demoTarget.ts';
import { scenarioSchema } from '../src/shared/scenario.ts';
import { closedPort, resettingServer, selfSignedServer, silentServer, type TestServer } from './support/faultServers.ts';
import { runToEnd } from './support/runScenario.ts';

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});
async function server(s: Promise<TestServer>): Promise<TestServer> {
  const started = await s;
  cleanup.push(() => started.close());
  return started;
}
const ON_TIME_MS = 2000 + 2500;

describe('target faults are recorded, not crashes', () => {
  it('refused connections', async () => {
    const port = await closedPort();
    const { result, elapsedMs } = await runToEnd({ protocol: 'http', url: `http://127.0.0.1:${port}/`, durationSec: 2, connections: 2, workers: 1 });
    expect(result.summary.status).toBe('completed');
    expect(elapsedMs).toBeLessThan(ON_TIME_MS);
    expect(result.summary.errors.byKind.refused).toBeGreaterThan(0);
    expect(result.summary.connections.failed).toBeGreaterThan(0);
    expect(result.summary.throughput.total).toBe(0);
  });

  it('reset connections', async () => {
    const target = await server(resettingServer());
    const { result, elapsedMs } = await runToEnd({ protocol: 'http', url: `${target.url}/`, durationSec: 2, connections: 2, workers: 1 });
    expect(result.summary.status).toBe('completed');
    expect(elapsedMs).toBeLessThan(ON_TIME_MS);
    expect(result.summary.errors.byKind.reset).toBeGreaterThan(0);
  });

  it('timeouts', async () => {
    const target = await server(silentServer());
    const { result, elapsedMs } = await runToEnd({
      protocol: 'http',
      url: `${target.url}/`,
      durationSec: 3,
      connections: 2,
      timeoutSec: 1,
      workers: 1,
    });
    expect(result.summary.status).toBe('completed');
    expect(elapsedMs).toBeLessThan(ON_TIME_MS + 1000);
    // Each connection's request times out after 1 s and is retried: at least 2 per connection.
    expect(result.summary.errors.byKind.timeout).toBeGreaterThanOrEqual(4);
  });

  it('5xx answers are counted by status and as errors', async () => {
    const target = await startDemoTarget();
    cleanup.push(() => target.close());
    const { result } = await runToEnd({ protocol: 'http', url: `${target.httpUrl}/status?code=503`, amount: 200, connections: 2, workers: 1 });
    expect(result.summary.statusCodes['503']).toBe(200);
    expect(result.summary.errors.byKind.status).toBe(200);
  });

  it('a bad TLS certificate, unless the scenario accepts it', async () => {
    const target = await server(selfSignedServer());
    const bad = await runToEnd({ protocol: 'http', url: `${target.url}/`, durationSec: 2, connections: 2, workers: 1 });
    expect(bad.result.summary.status).toBe('completed');
    expect(bad.elapsedMs).toBeLessThan(ON_TIME_MS);
    expect(bad.result.summary.errors.byKind.tls).toBeGreaterThan(0);
    expect(bad.result.summary.throughput.total).toBe(0);
    expect(bad.result.summary.notes.join(' ')).toMatch(/TLS/);

    const accepted = await runToEnd({ protocol: 'http', url: `${target.url}/`, amount: 100, connections: 2, insecure: true, workers: 1 });
    expect(accepted.result.summary.throughput.total).toBe(100);
    expect(accepted.result.summary.errors.total).toBe(0);
  });

  it('an unresolvable host name (through an injected lookup: no real DNS query)', async () => {
    const lookup = async (host: string) => {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    };
    const { result, elapsedMs } = await runToEnd(
      { protocol: 'http', url: 'http://no-such-host.invalid/', durationSec: 2, connections: 2 },
      { lookup },
    );
    expect(result.summary.status).toBe('completed');
    expect(elapsedMs).toBeLessThan(ON_TIME_MS);
    expect(result.summary.errors.byKind.dns).toBe(2);
    expect(result.summary.notes[0]).toMatch(/cannot resolve host no-such-host\.invalid/);
  });

  it('an unresolvable host, run through the run service, is stopped after 3 s as failed like a refusing one (the failing-target watch sees its errors by kind)', async () => {
    const lookup = async (host: string) => {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    };
    const runs = new RunService(null, { lookup });
    const scenario = scenarioSchema.parse({ protocol: 'http', url: 'http://no-such-host.invalid/', durationSec: 20, connections: 2 });
    const t0 = Date.now();
    const { result } = await runs.start(scenario).done;
    expect(result.summary.status).toBe('failed');
    expect(result.summary.failure).toMatch(/^stopped after 3 s: .* dns \(host name did not resolve\), 3 times in 3 s/);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('connects to the address the lookup gave, keeping the host name in the Host header', async () => {
    const target = await startDemoTarget();
    cleanup.push(() => target.close());
    const lookup = async (host: string) => (host === 'demo.test' ? '127.0.0.1' : Promise.reject(new Error('unexpected')));
    const { result } = await runToEnd(
      { protocol: 'http', url: `http://demo.test:${target.port}/`, amount: 20, connections: 1, workers: 1 },
      { lookup },
    );
    expect(result.summary.throughput.total).toBe(20);
  });
});
