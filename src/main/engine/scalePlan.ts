// How a run fits on this machine, decided before any load (pure: the machine's limits come in as
// numbers, so tests/unit/scalePlan.test.ts checks every rule with known answers):
//   - file descriptors: one per connection, in one table per process (20,000 here). Beyond what
//     one process can open, the load runs in child processes, each with its own table;
//   - ephemeral ports: one source address reaches one target through about 28,000 local ports
//     (the kernel's ip_local_port_range), so more connections need more source addresses;
//   - memory: a rough estimate per connection and per process, against what is available.
// A plan that cannot fit is refused with a message naming the field, never started to fail late.
import type { Scenario } from '../../shared/scenario.ts';
import { maxConnections } from '../../shared/scenarioLoad.ts';

/** File descriptors kept back in every process (the app's database, IPC, the UI server; a child's pipes). */
export const FD_RESERVE = 256;
/** Child processes at most (each is a Node process of ~50 MB before its first connection). */
export const MAX_PROCESSES = 64;
/** Memory of one load process before its connections (measured: a Node process with the drivers loaded). */
export const PROCESS_BASE_BYTES = 64 * 1024 * 1024;
/**
 * Memory per connection, rounded up from measurements (docs/PERFORMANCE.md): a ws client without
 * permessage-deflate ≈ 7 KB idle, ≈ 21 KB after a message; with deflate ≈ 250 KB; an autocannon
 * HTTP connection is of the same order as a ws one.
 */
export const BYTES_PER_CONNECTION = { ws: 24 * 1024, wsDeflate: 256 * 1024, http: 32 * 1024 } as const;

export interface MachineLimits {
  /** Soft limit on open files per process; undefined where the OS does not tell. */
  fdLimit: number | undefined;
  /** Ephemeral ports per source address (ip_local_port_range). */
  ephemeralPorts: number;
  /** Memory available to new processes, bytes; undefined when unknown. */
  availableMemory: number | undefined;
}

export interface ScaleRequest {
  connections: number;
  protocol: Scenario['protocol'];
  perMessageDeflate: boolean;
  /** --processes: child processes asked for (undefined: chosen here). */
  processes: number | undefined;
  /** Local source addresses the connections are spread over (0: the system's choice, one address). */
  sourceAddresses: number;
}

export interface ScalePlan {
  /** Child processes for the load; 0 = worker threads of this process (the default while they fit). */
  processes: number;
  /** Connections the busiest process holds. */
  connectionsPerProcess: number;
  memoryEstimate: number;
}

export type ScaleVerdict = { ok: true; plan: ScalePlan } | { ok: false; error: string };

const n = (x: number) => x.toLocaleString('en-US');
const mb = (bytes: number) => `${n(Math.round(bytes / (1024 * 1024)))} MB`;

export function planScale(req: ScaleRequest, limits: MachineLimits): ScaleVerdict {
  const { connections } = req;
  const usable = limits.fdLimit === undefined ? Infinity : limits.fdLimit - FD_RESERVE;
  let processes: number;
  if (req.processes !== undefined) {
    processes = req.processes;
    if (processes > connections) {
      return { ok: false, error: `processes: ${n(processes)} processes for ${n(connections)} connections leaves some without any; use at most ${n(connections)}` };
    }
    if (Math.ceil(connections / processes) > usable) {
      const needed = Math.ceil(connections / usable);
      return {
        ok: false,
        error:
          `processes: ${n(processes)} × ${n(Math.ceil(connections / processes))} connections is more than a process can open ` +
          `(file-descriptor limit ${n(limits.fdLimit!)}, ${FD_RESERVE} kept back); use --processes ${needed} or more, or raise the limit (ulimit -n)`,
      };
    }
  } else {
    processes = connections > usable ? Math.ceil(connections / usable) : 0;
    if (processes > MAX_PROCESSES) {
      return {
        ok: false,
        error: `connections: ${n(connections)} would need ${n(processes)} processes at a file-descriptor limit of ${n(limits.fdLimit!)} (at most ${MAX_PROCESSES}); raise the limit (ulimit -n) or use fewer connections`,
      };
    }
  }
  if (req.protocol !== 'ws' && req.sourceAddresses > 0) {
    // autocannon connects with net.connect(port, host): it has no option for a local address.
    return { ok: false, error: 'sourceAddresses: applies to WebSocket runs only (the HTTP engine, autocannon, binds no local address)' };
  }
  const sources = Math.max(1, req.sourceAddresses);
  const ports = limits.ephemeralPorts * sources;
  if (connections > ports && req.protocol !== 'ws') {
    return {
      ok: false,
      error: `connections: ${n(connections)} is more than one source address can open towards one target (${n(limits.ephemeralPorts)} ephemeral ports); HTTP runs cannot spread over source addresses, use at most ${n(ports)}`,
    };
  }
  if (connections > ports) {
    const neededSources = Math.ceil(connections / limits.ephemeralPorts);
    return {
      ok: false,
      error:
        `connections: ${n(connections)} is more than ${sources === 1 ? 'one source address' : `${sources} source addresses`} can open towards one target ` +
        `(${n(limits.ephemeralPorts)} ephemeral ports each); spread them with --source-addresses over at least ${neededSources} local addresses (e.g. 127.0.0.2-127.0.0.${1 + neededSources})`,
    };
  }
  const perConnection = req.protocol === 'ws' ? (req.perMessageDeflate ? BYTES_PER_CONNECTION.wsDeflate : BYTES_PER_CONNECTION.ws) : BYTES_PER_CONNECTION.http;
  const memoryEstimate = connections * perConnection + processes * PROCESS_BASE_BYTES;
  if (limits.availableMemory !== undefined && memoryEstimate > limits.availableMemory) {
    return {
      ok: false,
      error:
        `connections: ${n(connections)} ${req.protocol === 'ws' ? 'WebSocket' : 'HTTP'} connections need about ${mb(memoryEstimate)} of memory ` +
        `(${n(Math.round(perConnection / 1024))} KB each${processes > 0 ? `, ${processes} processes` : ''}), more than the ${mb(limits.availableMemory)} available; use fewer connections` +
        (req.perMessageDeflate ? ' or turn permessage-deflate off' : ''),
    };
  }
  return { ok: true, plan: { processes, connectionsPerProcess: Math.ceil(connections / Math.max(1, processes)), memoryEstimate } };
}

/** The request of a scenario (its peak connections, its processes and source addresses). */
export function scaleRequestOf(scenario: Scenario): ScaleRequest {
  return {
    connections: maxConnections(scenario),
    protocol: scenario.protocol,
    perMessageDeflate: scenario.protocol === 'ws' && scenario.perMessageDeflate,
    processes: scenario.processes,
    sourceAddresses: scenario.sourceAddresses?.length ?? 0,
  };
}
