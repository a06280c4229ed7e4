// Bad input gets one clear message naming the field and the problem.
import { describe, expect, it } from 'vitest';
import { checkCapacity, FD_RESERVE } from '../../src/main/engine/preflight.ts';
import { parseScenario, type ScenarioInput } from '../../src/shared/scenario.ts';

function errorOf(input: unknown): string {
  const r = parseScenario(input);
  if (r.ok) throw new Error('expected a validation error');
  return r.error;
}

describe('scenario validation', () => {
  it('accepts a minimal HTTP scenario with sensible defaults', () => {
    const r = parseScenario({ protocol: 'http', url: 'http://127.0.0.1:8080/' });
    expect(r.ok).toBe(true);
    if (r.ok && r.value.protocol === 'http') {
      expect(r.value).toMatchObject({ method: 'GET', connections: 10, pipelining: 1, timeoutSec: 10, warmupSec: 1 });
    }
  });

  it.each<[string, unknown, RegExp]>([
    ['malformed URL', { protocol: 'http', url: 'http//nope' }, /^url: "http\/\/nope" is not a valid URL$/],
    ['unsupported scheme', { protocol: 'http', url: 'ftp://127.0.0.1/' }, /^url: scheme ftp is not supported \(use http or https\)$/],
    ['scheme of the other protocol', { protocol: 'http', url: 'ws://127.0.0.1/' }, /^url: scheme ws does not match protocol http/],
    ['ws scheme mismatch', { protocol: 'ws', url: 'https://127.0.0.1/' }, /^url: scheme https does not match protocol ws/],
    ['zero connections', { protocol: 'http', url: 'http://a/', connections: 0 }, /^connections: must be at least 1$/],
    ['absurd connections', { protocol: 'http', url: 'http://a/', connections: 1e9 }, /^connections: must be at most 50,000/],
    ['fractional connections', { protocol: 'http', url: 'http://a/', connections: 2.5 }, /^connections: must be a whole number$/],
    ['negative duration', { protocol: 'http', url: 'http://a/', durationSec: -1 }, /^durationSec: must be greater than 0$/],
    ['non-number rate', { protocol: 'http', url: 'http://a/', rate: 'fast' }, /^rate: must be a number$/],
    ['invalid JSON body', { protocol: 'http', url: 'http://a/', body: '{"a":', bodyType: 'json' }, /^body: is not valid JSON/],
    ['both duration and amount', { protocol: 'http', url: 'http://a/', durationSec: 5, amount: 10 }, /^amount: set either a duration or an amount, not both$/],
    ['bad method', { protocol: 'http', url: 'http://a/', method: 'FETCH' }, /^method: must be one of GET, POST/],
    ['bad header name', { protocol: 'http', url: 'http://a/', headers: { 'bad name': 'x' } }, /^headers\.bad name: "bad name" is not a valid header name$/],
    ['echo without {{seq}}', { protocol: 'ws', url: 'ws://a/', message: 'hello' }, /^message: must contain \{\{seq\}\}/],
    ['{{seq}} right after another placeholder', { protocol: 'ws', url: 'ws://a/', message: '{{conn}}{{seq}}' }, /^message: \{\{seq\}\} must start the message or follow literal text/],
    ['rate mode without rate', { protocol: 'ws', url: 'ws://a/', mode: 'rate' }, /^rate: is required in rate mode/],
    ['{{random:N}} over 10 MiB', { protocol: 'ws', url: 'ws://a/', message: '{"seq":{{seq}},"d":"{{random:999999999}}"}' }, /^message: \{\{random:999999999\}\} asks for more than 10 MiB/],
    ['unknown protocol', { protocol: 'grpc', url: 'http://a/' }, /protocol must be "http", "ws" or "flow"/],
    ['timeout below a second', { protocol: 'http', url: 'http://a/', timeoutSec: 0.1 }, /^timeoutSec: must be at least 1 second$/],
    ['sse with a body', { protocol: 'http', url: 'http://a/', sse: {}, body: 'x' }, /^body: cannot be combined with sse$/],
    ['sse with POST', { protocol: 'http', url: 'http://a/', sse: {}, method: 'POST' }, /^method: must be GET with sse$/],
    ['sse with http2', { protocol: 'http', url: 'http://a/', sse: {}, http2: true }, /^sse: cannot be combined with http2$/],
    ['sse with poll', { protocol: 'http', url: 'http://a/', sse: {}, poll: { long: true } }, /^sse: cannot be combined with poll/],
    ['negative sse retry', { protocol: 'http', url: 'http://a/', sse: { retryMs: -1 } }, /^sse\.retryMs: cannot be negative$/],
    ['unknown sse field', { protocol: 'http', url: 'http://a/', sse: { retry: 5 } }, /^sse/],
    ['poll without an interval', { protocol: 'http', url: 'http://a/', poll: {} }, /^poll\.intervalMs: is required unless long is true/],
    ['long poll with an interval', { protocol: 'http', url: 'http://a/', poll: { long: true, intervalMs: 100 } }, /^poll\.intervalMs: does not apply to long polling/],
  ])('%s', (_name, input, message) => {
    const error = errorOf(input);
    expect(error).toMatch(message);
    expect(error).not.toMatch(/\n\s+at /);
  });

  it('reports every problem, one line each', () => {
    const error = errorOf({ protocol: 'http', url: 'ftp://x/', connections: 0, pipelining: 0 });
    expect(error.split('\n')).toHaveLength(3);
  });

  it('refuses more connections per process than the file-descriptor limit allows', () => {
    // Beyond one process the load moves into child processes (tests/unit/scalePlan.test.ts);
    // --processes 1 keeps it in one, which cannot hold 20,000.
    const r = parseScenario({ protocol: 'ws', url: 'ws://a/', connections: 20_000, processes: 1 } satisfies ScenarioInput);
    if (!r.ok) throw new Error(r.error);
    expect(() => checkCapacity(r.value, 20_000)).toThrow(
      new RegExp(`^processes: 1 × 20,000 connections is more than a process can open \\(file-descriptor limit 20,000, ${FD_RESERVE} kept`),
    );
    expect(() => checkCapacity(r.value, 40_000)).not.toThrow();
  });
});
