// HTTP/2 in the scenario and on the command line: `http2` (+ `streams`) on an HTTP scenario, the
// CLI's h2c:// / h2:// shorthand and --http2 / --streams; what HTTP/2 cannot be combined with is
// refused with a message naming the field (or flag).
import { describe, expect, it } from 'vitest';
import { buildScenario } from '../../src/main/cli/commands/run.ts';
import { http2Shorthand, parseScenario } from '../../src/shared/scenario.ts';

function errorOf(input: unknown): string {
  const r = parseScenario(input);
  if (r.ok) throw new Error('expected a validation error');
  return r.error;
}

type Values = Parameters<typeof buildScenario>[0];

describe('HTTP/2 scenarios', () => {
  it('accepts http2 with streams, and leaves plain HTTP scenarios without either field', () => {
    const r = parseScenario({ protocol: 'http', url: 'http://127.0.0.1:8080/h2', http2: true, streams: 20 });
    expect(r.ok && r.value).toMatchObject({ protocol: 'http', http2: true, streams: 20 });
    const plain = parseScenario({ protocol: 'http', url: 'http://127.0.0.1:8080/' });
    expect(plain.ok && 'http2' in plain.value).toBe(false);
  });

  it.each<[string, unknown, string]>([
    ['streams without http2', { protocol: 'http', url: 'http://a/', streams: 4 }, 'streams: applies only with http2 (HTTP/1.1 uses pipelining)'],
    ['zero streams', { protocol: 'http', url: 'http://a/', http2: true, streams: 0 }, 'streams: must be at least 1'],
    ['too many streams', { protocol: 'http', url: 'http://a/', http2: true, streams: 5000 }, 'streams: must be at most 1,000 (concurrent streams per connection)'],
    ['pipelining', { protocol: 'http', url: 'http://a/', http2: true, pipelining: 4 }, 'pipelining: does not apply with http2 (set streams: requests in flight per connection)'],
    ['a new connection per request', { protocol: 'http', url: 'http://a/', http2: true, newConnectionPerRequest: true }, 'newConnectionPerRequest: cannot be combined with http2'],
    ['polling', { protocol: 'http', url: 'http://a/', http2: true, poll: { intervalMs: 100 } }, 'poll: cannot be combined with http2'],
    ['a connection header', { protocol: 'http', url: 'http://a/', http2: true, headers: { Connection: 'close' } }, 'headers.Connection: is a connection-specific header, which HTTP/2 forbids'],
    ['not a boolean', { protocol: 'http', url: 'http://a/', http2: 'yes' }, 'http2: must be true or false'],
    ['the CLI shorthand in a file', { protocol: 'http', url: 'h2c://a/' }, 'url: scheme h2c is the CLI\'s shorthand: write http:// with "http2": true'],
  ])('refuses %s, naming the field', (_name, input, message) => {
    expect(errorOf(input)).toBe(message);
  });

  it('reads h2c:// and h2:// as http(s) over HTTP/2', () => {
    expect(http2Shorthand('h2c://127.0.0.1:8080/h2?x=1')).toEqual({ url: 'http://127.0.0.1:8080/h2?x=1', http2: true });
    expect(http2Shorthand('H2://example.test/')).toEqual({ url: 'https://example.test/', http2: true });
    expect(http2Shorthand('http://127.0.0.1/')).toEqual({ url: 'http://127.0.0.1/', http2: false });
  });

  it('barrage run h2c://… and --http2 --streams build an HTTP/2 scenario; the flags are refused on WebSocket URLs', () => {
    expect(buildScenario({} as Values, ['h2c://127.0.0.1:8080/h2'])).toMatchObject({ protocol: 'http', url: 'http://127.0.0.1:8080/h2', http2: true });
    expect(buildScenario({ http2: true, streams: '32' } as Values, ['https://127.0.0.1:8443/'])).toMatchObject({ url: 'https://127.0.0.1:8443/', http2: true, streams: 32 });
    expect(() => buildScenario({ streams: '4' } as Values, ['http://127.0.0.1/'])).toThrow('--streams (streams): applies only with http2');
    expect(() => buildScenario({ http2: true, pipelining: '2' } as Values, ['http://127.0.0.1/'])).toThrow('--pipelining (pipelining): does not apply with http2');
    expect(() => buildScenario({ http2: true } as Values, ['ws://127.0.0.1/'])).toThrow('--http2 applies to HTTP URLs only, not ws://127.0.0.1/');
  });
});
