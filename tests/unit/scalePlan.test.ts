// How a run fits on one machine (src/main/engine/scalePlan.ts), with the machine's limits given
// as numbers: when the load moves into child processes, and which plans are refused before the
// run (fds × processes, ports × source addresses, memory), each with a field-named message.
import { describe, expect, it } from 'vitest';
import { checkCapacity } from '../../src/main/engine/preflight.ts';
import { BYTES_PER_CONNECTION, FD_RESERVE, PROCESS_BASE_BYTES, planScale, type MachineLimits, type ScaleRequest } from '../../src/main/engine/scalePlan.ts';
import { parseScenario } from '../../src/shared/scenario.ts';
import { expandSourceAddresses } from '../../src/shared/sourceAddresses.ts';

const HERE: MachineLimits = { fdLimit: 20_000, ephemeralPorts: 28_232, availableMemory: 20 * 1024 ** 3 };
const ws = (connections: number, o: Partial<ScaleRequest> = {}): ScaleRequest => ({
  connections,
  protocol: 'ws',
  perMessageDeflate: false,
  processes: undefined,
  sourceAddresses: 0,
  ...o,
});
const plan = (req: ScaleRequest, limits = HERE) => {
  const v = planScale(req, limits);
  if (!v.ok) throw new Error(v.error);
  return v.plan;
};
const error = (req: ScaleRequest, limits = HERE) => {
  const v = planScale(req, limits);
  if (v.ok) throw new Error('expected a refusal');
  return v.error;
};

describe('processes from the connections and the fd limit', () => {
  it('stays in worker threads while one process can hold the connections', () => {
    expect(plan(ws(20_000 - FD_RESERVE)).processes).toBe(0);
    expect(plan(ws(10)).processes).toBe(0);
  });

  it('moves into as many child processes as the fd limit requires', () => {
    expect(plan(ws(20_000 - FD_RESERVE + 1)).processes).toBe(2);
    expect(plan(ws(28_000, { sourceAddresses: 2 }))).toMatchObject({ processes: 2, connectionsPerProcess: 14_000 });
    expect(plan(ws(50_000, { sourceAddresses: 2 }))).toMatchObject({ processes: 3, connectionsPerProcess: 16_667 });
  });

  it('--processes overrides, and is refused when its processes cannot hold their share', () => {
    expect(plan(ws(100, { processes: 2 }))).toMatchObject({ processes: 2, connectionsPerProcess: 50 });
    expect(error(ws(50_000, { processes: 2, sourceAddresses: 2 }))).toBe(
      `processes: 2 × 25,000 connections is more than a process can open (file-descriptor limit 20,000, ${FD_RESERVE} kept back); use --processes 3 or more, or raise the limit (ulimit -n)`,
    );
    expect(error(ws(3, { processes: 4 }))).toBe('processes: 4 processes for 3 connections leaves some without any; use at most 3');
  });

  it('without a known fd limit, no processes unless asked', () => {
    expect(plan(ws(25_000), { ...HERE, fdLimit: undefined }).processes).toBe(0);
  });
});

describe('ports × source addresses', () => {
  it('refuses more connections than one source address has ports, naming the flag and a range', () => {
    expect(error(ws(30_000))).toBe(
      'connections: 30,000 is more than one source address can open towards one target (28,232 ephemeral ports each); spread them with --source-addresses over at least 2 local addresses (e.g. 127.0.0.2-127.0.0.3)',
    );
    expect(plan(ws(30_000, { sourceAddresses: 2 })).processes).toBe(2);
    expect(error(ws(50_000, { sourceAddresses: 1 }))).toMatch(/^connections: 50,000 is more than one source address/);
  });

  it('HTTP (autocannon binds no local address): source addresses refused, ports capped at one address', () => {
    expect(error(ws(10, { protocol: 'http', sourceAddresses: 2 }))).toBe(
      'sourceAddresses: applies to WebSocket runs only (the HTTP engine, autocannon, binds no local address)',
    );
    expect(error(ws(30_000, { protocol: 'http' }))).toBe(
      'connections: 30,000 is more than one source address can open towards one target (28,232 ephemeral ports); HTTP runs cannot spread over source addresses, use at most 28,232',
    );
  });
});

describe('memory', () => {
  it('estimates per connection and per process, and refuses a plan beyond the available memory', () => {
    expect(plan(ws(1000)).memoryEstimate).toBe(1000 * BYTES_PER_CONNECTION.ws);
    expect(plan(ws(30_000, { sourceAddresses: 2 })).memoryEstimate).toBe(30_000 * BYTES_PER_CONNECTION.ws + 2 * PROCESS_BASE_BYTES);
    expect(error(ws(10_000, { perMessageDeflate: true }), { ...HERE, availableMemory: 1024 ** 3 })).toBe(
      'connections: 10,000 WebSocket connections need about 2,500 MB of memory (256 KB each), more than the 1,024 MB available; use fewer connections or turn permessage-deflate off',
    );
  });
});

describe('the preflight check of a scenario', () => {
  it('plans processes for a scenario beyond the fd limit, and refuses --processes that cannot hold it', () => {
    const parsed = parseScenario({ protocol: 'ws', url: 'ws://127.0.0.1/', connections: 30_000, sourceAddresses: ['127.0.0.2-127.0.0.3'] });
    if (!parsed.ok) throw new Error(parsed.error);
    expect(checkCapacity(parsed.value, HERE).processes).toBe(2);
    expect(() => checkCapacity({ ...parsed.value, processes: 1 }, HERE)).toThrow(/^processes: 1 × 30,000 connections is more than a process can open/);
  });
});

describe('source addresses', () => {
  it('expands lists and IPv4 ranges, in order and without duplicates', () => {
    expect(expandSourceAddresses(['127.0.0.2,127.0.0.3'])).toEqual({ ok: true, addresses: ['127.0.0.2', '127.0.0.3'] });
    expect(expandSourceAddresses(['127.0.0.254-127.0.1.1', '::1', '127.0.0.255'])).toEqual({
      ok: true,
      addresses: ['127.0.0.254', '127.0.0.255', '127.0.1.0', '127.0.1.1', '::1'],
    });
  });

  it('names the bad item', () => {
    expect(expandSourceAddresses(['127.0.0.9-127.0.0.2'])).toEqual({ ok: false, error: '"127.0.0.9-127.0.0.2" ends before it starts' });
    expect(expandSourceAddresses(['127.0.0.300'])).toEqual({ ok: false, error: '"127.0.0.300" is not an IP address or a range such as 127.0.0.2-127.0.0.9' });
    expect(expandSourceAddresses(['10.0.0.0-10.0.255.255'])).toMatchObject({ ok: false, error: '"10.0.0.0-10.0.255.255" holds 65536 addresses, more than 256' });
    const parsed = parseScenario({ protocol: 'ws', url: 'ws://127.0.0.1/', sourceAddresses: ['localhost'] });
    expect(parsed).toMatchObject({ ok: false, error: 'sourceAddresses: "localhost" is not an IP address or a range such as 127.0.0.2-127.0.0.9' });
  });
});
