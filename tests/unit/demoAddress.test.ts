// The demo target's symbolic address: saved in scenarios, resolved to the session's demo target.
import { describe, expect, it } from 'vitest';
import { DEMO_HOST, isDemoUrl, resolveDemoUrl, symbolicDemoUrl } from '../../src/shared/demoAddress.ts';
import { demoUrl } from '../../src/renderer/src/scenarioForm/scenarioForm.ts';
import { parseScenario } from '../../src/shared/scenario.ts';

const demo = { httpUrl: 'http://127.0.0.1:41234', wsUrl: 'ws://127.0.0.1:41234' };

describe('demo target address', () => {
  it('the builder fills in a symbolic address, valid for the scenario schema, not a port of this session', () => {
    expect(demoUrl('http')).toBe(`http://${DEMO_HOST}/`);
    expect(demoUrl('ws', 'push')).toBe(`ws://${DEMO_HOST}/ws/push?rate=100`);
    expect(parseScenario({ protocol: 'http', url: demoUrl('http') }).ok).toBe(true);
    expect(parseScenario({ protocol: 'ws', url: demoUrl('ws') }).ok).toBe(true);
  });

  it('resolves to the session\'s demo target, keeping scheme, path and query', () => {
    expect(resolveDemoUrl(symbolicDemoUrl('http', '/delay?ms=5'), demo)).toBe('http://127.0.0.1:41234/delay?ms=5');
    expect(resolveDemoUrl(symbolicDemoUrl('ws', '/ws/echo'), demo)).toBe('ws://127.0.0.1:41234/ws/echo');
    expect(isDemoUrl('http://demo-target.invalid/echo')).toBe(true);
    expect(isDemoUrl('http://127.0.0.1:8080/')).toBe(false);
    expect(isDemoUrl('not a url')).toBe(false);
  });
});
