// Unknown fields are refused by name, with the nearest known field for a typo (issue #10 item 4),
// in scenario files, the CLI and every API payload; a protocol that contradicts the URL's scheme
// is refused rather than silently run as the other protocol.
import { describe, expect, it } from 'vitest';
import { channels } from '../../src/shared/contract.ts';
import { formatIssues, parseScenario } from '../../src/shared/scenario.ts';
import { showdownInputSchema } from '../../src/shared/showdown.ts';

describe('unknown fields', () => {
  it('a scenario with a typo names the field and suggests the known one', () => {
    const r = parseScenario({ protocol: 'http', url: 'http://127.0.0.1:1/', conections: 500 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/unknown field "conections" \(did you mean "connections"\?\)/);
  });

  it('a WebSocket scenario too, and a field with no near neighbour is named without a guess', () => {
    const r = parseScenario({ protocol: 'ws', url: 'ws://127.0.0.1:1/', inflight: 2, zzzzzzzzzz: 1 });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatch(/unknown field "inflight" \(did you mean "inFlight"\?\)/);
      expect(r.error).toMatch(/unknown field "zzzzzzzzzz"(?! \(did)/);
    }
  });

  it('showdown.start {"http":"ftp://x","bogus":true} is refused, naming both', () => {
    const r = showdownInputSchema.safeParse({ http: 'ftp://x', bogus: true });
    expect(r.success).toBe(false);
    const message = formatIssues(r.error!);
    expect(message).toMatch(/unknown field "http" \(did you mean "httpUrl"\?\)/);
    expect(message).toMatch(/unknown field "bogus"/);
  });

  it('every API channel refuses unknown fields in an object input', () => {
    expect(channels['scenarios.rename'].input.safeParse({ id: 1, name: 'x', nmae: 'y' }).success).toBe(false);
    expect(channels['runs.list'].input.safeParse({ limt: 5 }).success).toBe(false);
    expect(channels['runs.start'].input.safeParse({ scenarioId: 1, abortOnFial: true }).success).toBe(false);
    expect(channels['scenarios.save'].input.safeParse({ name: 'n', config: { protocol: 'http', url: 'http://127.0.0.1/', bogus: 1 } }).success).toBe(false);
  });

  it('a load-profile stage refuses unknown fields', () => {
    const r = parseScenario({ protocol: 'http', url: 'http://127.0.0.1:1/', stages: [{ durationSec: 1, target: 5, tagret: 6 }] });
    expect(r.ok).toBe(false);
  });
});

describe('numbers (item 14)', () => {
  it('flags take plain decimal numbers only: 0x10, 1e3, 0b1, Infinity are refused naming the flag', async () => {
    const { numberOption, integerOption } = await import('../../src/main/cli/argParsing.ts');
    for (const raw of ['0x10', '0o7', '0b1', '1e3', '1e-9', 'Infinity', ' 5', '5 ', '', '1_000', '--5']) {
      expect(() => integerOption(raw, '--connections'), raw).toThrow(/--connections: .* is not a (plain decimal )?number/);
    }
    expect(integerOption('16', '-c')).toBe(16);
    expect(numberOption('2.5', '-d')).toBe(2.5);
    expect(numberOption('-1', '--x')).toBe(-1);
    expect(numberOption('.5', '--x')).toBe(0.5);
  });

  it('a duration below the documented minimum (0.1 s) is refused', () => {
    const r = parseScenario({ protocol: 'http', url: 'http://127.0.0.1:1/', durationSec: 1e-9 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/durationSec: must be at least 0\.1 seconds/);
    expect(parseScenario({ protocol: 'http', url: 'http://127.0.0.1:1/', durationSec: 0.1 }).ok).toBe(true);
  });
});
