// The showdown's probes and its polling verify TLS certificates as the engine does: a target
// whose certificate does not verify is refused, not measured (before, they turned verification
// off while the engine's runs of the same showdown verified).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRun } from '../src/main/engine/index.ts';
import { httpScenarioSchema } from '../src/shared/scenario.ts';
import { getJson, postEcho, tcpConnectProbe } from '../src/main/showdown/probes.ts';
import { selfSignedServer, type TestServer } from './support/faultServers.ts';

let server: TestServer;
beforeAll(async () => {
  server = await selfSignedServer();
});
afterAll(() => server.close());

describe('showdown TLS', () => {
  it('probes refuse a certificate that does not verify', async () => {
    const url = server.url.replace('127.0.0.1', 'localhost');
    await expect(getJson(`${url}/events`, 3000)).rejects.toThrow(/self[- ]signed|certificate/i);
    await expect(postEcho(`${url}/echo`, '{}', 3000)).rejects.toThrow(/self[- ]signed|certificate/i);
    await expect(tcpConnectProbe(url, 1)).rejects.toThrow(/self[- ]signed|certificate/i);
  });

  it('polling refuses it too', async () => {
    const scenario = httpScenarioSchema.parse({ protocol: 'http', url: `${server.url}/events`, connections: 1, poll: { intervalMs: 100 }, durationSec: 1 });
    const { summary } = await startRun(scenario).result;
    // The engine's answer to a certificate it refuses: no load sent, the reason in the notes.
    expect(summary.poll).toBeUndefined();
    expect(summary.errors.byKind.tls).toBeGreaterThan(0);
    expect(summary.notes[0]).toMatch(/no load was sent: .*(self[- ]signed|certificate)/i);
  });
});
