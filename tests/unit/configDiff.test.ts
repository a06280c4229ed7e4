import { describe, expect, it } from 'vitest';
import { diffConfigs, formatConfigDiff } from '../../src/shared/configDiff.ts';
import { parseScenario, type Scenario } from '../../src/shared/scenario.ts';

function scenario(input: Record<string, unknown>): Scenario {
  const parsed = parseScenario(input);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

const tryIt = scenario({ protocol: 'http', url: 'http://127.0.0.1:8080/', connections: 10, durationSec: 15 });
const echoPost = scenario({ protocol: 'http', url: 'http://127.0.0.1:8080/echo', method: 'POST', body: '{"a":1}', bodyType: 'json', connections: 20, durationSec: 15 });

describe('diffConfigs', () => {
  it('identical configurations are comparable with nothing listed', () => {
    const d = diffConfigs([tryIt, { ...tryIt }]);
    expect(d.fields).toEqual([]);
    expect(d.comparable).toBe(true);
    expect(d.verdict).toBe('same configuration');
  });

  it('"Try it" against "Echo POST" is not a before/after: URL, method and connections differ', () => {
    const d = diffConfigs([tryIt, echoPost]);
    expect(d.comparable).toBe(false);
    expect(d.breaking).toEqual(['URL', 'method', 'connections']);
    expect(d.verdict).toBe('not a before/after: these runs differ in URL, method, connections');
    const url = d.fields.find((f) => f.key === 'url');
    expect(url?.values).toEqual(['http://127.0.0.1:8080/', 'http://127.0.0.1:8080/echo']);
    expect(d.fields.find((f) => f.key === 'body')?.values).toEqual(['—', '{"a":1}']);
    expect(d.fields.find((f) => f.key === 'body')?.kind).toBe('request');
  });

  it('a different duration or header alone keeps the runs comparable, and lists it', () => {
    const longer = { ...tryIt, durationSec: 30, headers: { 'X-Build': 'b2' } };
    const d = diffConfigs([{ ...tryIt, headers: { 'x-build': 'b1' } }, longer]);
    expect(d.comparable).toBe(true);
    expect(d.fields.map((f) => f.key)).toEqual(['header:x-build', 'durationSec']);
    expect(d.verdict).toBe('same target and load shape (differ only in header x-build, duration (s))');
  });

  it('secret header values and URL passwords are never shown', () => {
    const a = { ...tryIt, url: 'http://user:hunter2@127.0.0.1:8080/', headers: { Authorization: 'Bearer aaa', 'X-Api-Key': 'k1' } };
    const b = { ...tryIt, url: 'http://user:hunter2@127.0.0.1:8080/v2', headers: { 'X-Api-Key': 'k1' } };
    const d = diffConfigs([a, b]);
    const text = formatConfigDiff(d, ['run 1', 'run 2']).join('\n');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('Bearer');
    expect(text).toContain('header Authorization: run 1 ***  ·  run 2 —');
    expect(d.fields.some((f) => f.key === 'header:x-api-key')).toBe(false);
  });

  it('load shape: a rate, stages or WebSocket mode that differs breaks the before/after', () => {
    expect(diffConfigs([tryIt, { ...tryIt, rate: 100 } as Scenario]).breaking).toEqual(['rate']);
    const ramp = scenario({ protocol: 'http', url: 'http://127.0.0.1:8080/', stages: [{ durationSec: 10, target: 50 }] });
    const ramp2 = scenario({ protocol: 'http', url: 'http://127.0.0.1:8080/', stages: [{ durationSec: 10, target: 80 }] });
    expect(diffConfigs([ramp, ramp2]).breaking).toEqual(['stages']);
    const echo = scenario({ protocol: 'ws', url: 'ws://127.0.0.1:8080/ws', mode: 'echo' });
    const push = scenario({ protocol: 'ws', url: 'ws://127.0.0.1:8080/ws', mode: 'push' });
    expect(diffConfigs([echo, push]).breaking).toContain('mode');
    expect(diffConfigs([tryIt, echo]).breaking.slice(0, 2)).toEqual(['protocol', 'URL']);
  });

  it('three runs: a field differs when any run differs; the text names each run', () => {
    const d = diffConfigs([tryIt, tryIt, scenario({ protocol: 'http', url: 'http://127.0.0.1:8080/', connections: 50, durationSec: 15 })]);
    expect(formatConfigDiff(d, ['run 18', 'run 19', 'run 23'])).toEqual([
      'Configuration: NOT a before/after: these runs differ in connections',
      '  connections: run 18 10  ·  run 19 10  ·  run 23 50',
    ]);
  });
});
