// `barrage run --scenario flow.json`: a flow's URL is its base URL (http or ws), so its protocol
// stays "flow" instead of being refused as a mismatch with the URL's scheme.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildScenario } from '../../src/main/cli/commands/run.ts';

type Values = Parameters<typeof buildScenario>[0];

describe('barrage run --scenario with a flow', () => {
  it('keeps protocol "flow" with an http base URL; a ws scenario on an http URL is still refused', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'barrage-flow-cli-'));
    const flowFile = path.join(dir, 'flow.json');
    writeFileSync(flowFile, JSON.stringify({ protocol: 'flow', url: 'http://127.0.0.1:8080', durationSec: 2, steps: [{ type: 'http', name: 'list', url: '/items' }] }));
    expect(buildScenario({ scenario: flowFile } as Values, [])).toMatchObject({ protocol: 'flow', url: 'http://127.0.0.1:8080' });
    const wsFile = path.join(dir, 'ws.json');
    writeFileSync(wsFile, JSON.stringify({ protocol: 'ws', url: 'http://127.0.0.1:8080' }));
    expect(() => buildScenario({ scenario: wsFile } as Values, [])).toThrow(/does not match the URL/);
  });
});
