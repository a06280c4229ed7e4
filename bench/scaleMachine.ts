// Whether this machine's settings allow the 50,000-connection row at all, checked before it runs
// (issue #14): a kernel or per-process limit that cannot hold the plan is reported by name with
// the setting that fixes it, instead of showing up later as a run that "stalled". The rule is pure
// (the settings come in as numbers; tests/unit/scaleMachine.test.ts checks it with known answers);
// readScaleSettings() reads them from /proc on Linux.
import { readFileSync } from 'node:fs';

export interface ScaleSettings {
  /** Open files per process (ulimit -n, soft); undefined when unknown. */
  fdLimit: number | undefined;
  /** net.ipv4.ip_local_port_range, inclusive. */
  portRange: [number, number] | undefined;
  /** net.core.somaxconn: the kernel's cap on a listen backlog. */
  somaxconn: number | undefined;
  /** net.ipv4.tcp_max_syn_backlog: half-open connections queued per listener. */
  synBacklog: number | undefined;
  /** net.ipv4.tcp_syncookies (1 or 2: a full SYN queue answers with cookies instead of dropping). */
  syncookies: number | undefined;
  /** net.netfilter.nf_conntrack_max, when connection tracking is loaded. */
  conntrackMax: number | undefined;
}

export interface ScalePlanShape {
  connections: number;
  sourceAddresses: number;
  targetProcesses: number;
  /** The target's requested listen backlog (the kernel caps it at somaxconn). */
  targetBacklog: number;
  /** Handshakes the generator keeps in flight at most (the scenario's maxConnecting). */
  maxConnecting: number;
  /** Descriptors each process keeps for itself (pipes, IPC, files). */
  fdReserve: number;
}

export interface MachineCheck {
  /** Settings that make the plan impossible: the row cannot reach its connections here. */
  blockers: string[];
  /** Settings that make it likely to stall (dropped SYNs), stated with the figures. */
  warnings: string[];
  /** One line of the settings that matter, for the bench log. */
  summary: string;
}

const n = (x: number) => x.toLocaleString('en-US');

export function checkScaleMachine(s: ScaleSettings, plan: ScalePlanShape): MachineCheck {
  const blockers: string[] = [];
  const warnings: string[] = [];
  const { connections, sourceAddresses, targetProcesses } = plan;
  if (s.portRange) {
    const ports = s.portRange[1] - s.portRange[0] + 1;
    const perSource = Math.ceil(connections / Math.max(1, sourceAddresses));
    if (perSource > ports) {
      blockers.push(
        `net.ipv4.ip_local_port_range ${s.portRange[0]}–${s.portRange[1]} gives ${n(ports)} ports per source address; ` +
          `${n(connections)} connections over ${sourceAddresses} addresses need ${n(perSource)} each: widen it (sysctl -w net.ipv4.ip_local_port_range="1024 65535") or add source addresses`,
      );
    }
  }
  if (s.fdLimit !== undefined) {
    const perTarget = Math.ceil(connections / Math.max(1, targetProcesses));
    if (perTarget > s.fdLimit - plan.fdReserve) {
      blockers.push(
        `ulimit -n ${n(s.fdLimit)}: each of the ${targetProcesses} target processes would hold ${n(perTarget)} connections (${plan.fdReserve} descriptors kept back); raise the limit or use more target processes`,
      );
    }
  }
  if (s.somaxconn !== undefined) {
    const backlog = Math.min(plan.targetBacklog, s.somaxconn);
    const queued = backlog * targetProcesses;
    if (queued < plan.maxConnecting) {
      warnings.push(
        `net.core.somaxconn ${n(s.somaxconn)} caps each target process's listen backlog at ${n(backlog)}: ${n(queued)} over ${targetProcesses} processes, ` +
          `fewer than the ${n(plan.maxConnecting)} handshakes the generator keeps in flight — SYNs beyond it are dropped and retried after 1 s, 3 s, 7 s (sysctl -w net.core.somaxconn=4096)`,
      );
    }
  }
  if (s.syncookies === 0 && s.synBacklog !== undefined && s.synBacklog < plan.maxConnecting) {
    warnings.push(
      `net.ipv4.tcp_syncookies is off and net.ipv4.tcp_max_syn_backlog is ${n(s.synBacklog)}, below the ${n(plan.maxConnecting)} handshakes in flight: SYNs beyond it are dropped (sysctl -w net.ipv4.tcp_max_syn_backlog=4096)`,
    );
  }
  if (s.conntrackMax !== undefined && s.conntrackMax < connections) {
    // A warning only: the table exists when the module is loaded, whether or not a rule tracks loopback.
    warnings.push(`net.netfilter.nf_conntrack_max ${n(s.conntrackMax)} is below ${n(connections)} connections: if connection tracking applies to them, new ones are dropped (sysctl -w net.netfilter.nf_conntrack_max=${n(connections * 2).replace(/,/g, '')})`);
  }
  const show = (x: number | undefined) => (x === undefined ? '?' : String(x));
  const summary =
    `ulimit -n ${show(s.fdLimit)}, ip_local_port_range ${s.portRange ? s.portRange.join('–') : '?'}, somaxconn ${show(s.somaxconn)}, ` +
    `tcp_max_syn_backlog ${show(s.synBacklog)}, syncookies ${show(s.syncookies)}${s.conntrackMax !== undefined ? `, nf_conntrack_max ${s.conntrackMax}` : ''}`;
  return { blockers, warnings, summary };
}

function readNumber(path: string): number | undefined {
  try {
    const v = Number(readFileSync(path, 'utf8').trim().split(/\s+/)[0]);
    return Number.isFinite(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

export function readScaleSettings(fdLimit: number | undefined): ScaleSettings {
  let portRange: [number, number] | undefined;
  try {
    const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isFinite(lo) && Number.isFinite(hi)) portRange = [lo, hi];
  } catch {
    // not Linux
  }
  return {
    fdLimit,
    portRange,
    somaxconn: readNumber('/proc/sys/net/core/somaxconn'),
    synBacklog: readNumber('/proc/sys/net/ipv4/tcp_max_syn_backlog'),
    syncookies: readNumber('/proc/sys/net/ipv4/tcp_syncookies'),
    conntrackMax: readNumber('/proc/sys/net/netfilter/nf_conntrack_max'),
  };
}

/** Kernel TCP counters that show dropped SYNs (machine-wide: other processes' connections count too). */
export function readListenCounters(): { listenOverflows: number; synTimeouts: number } | null {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
    for (let i = 0; i + 1 < lines.length; i++) {
      if (!lines[i].startsWith('TcpExt:') || !lines[i + 1].startsWith('TcpExt:')) continue;
      const names = lines[i].split(/\s+/);
      const values = lines[i + 1].split(/\s+/).map(Number);
      const get = (name: string) => values[names.indexOf(name)] ?? NaN;
      return { listenOverflows: get('ListenOverflows'), synTimeouts: get('TCPTimeouts') };
    }
  } catch {
    // not Linux
  }
  return null;
}
