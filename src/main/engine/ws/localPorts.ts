// The local port of each connection when the run binds source addresses (`sourceAddresses`).
//
// Why the engine picks the ports itself: Node's net.connect({ localAddress }) binds the socket
// to (address, 0) before connecting, and Linux's search for a free port at bind time is a linear
// scan that does not share ports between destinations. It scans one parity of one half of
// ip_local_port_range first (≈ 7,000 ports of 28,232), so once a source address holds that many
// connections every further bind scans them all: measured on this machine (kernel 6.18), one
// process opening 18,000 connections from 127.0.0.7 fell from ≈ 6,000/s to 770/s after 7,000 and
// to 270/s after 16,000, 90% of it kernel CPU (docs/PERFORMANCE.md, session 6). A bind to an
// explicit port is a single hash lookup: the same 18,000 opened at ≈ 9,000/s throughout. tsung
// does the same (its `ports_range` option).
//
// The plan: connection label L (unique over the run's workers and processes) takes source
// address L mod S (as before) and the port at index ⌊L / S⌋ of the range, rotated by an offset
// per run so consecutive runs against the same target do not meet their own TIME_WAIT sockets.
// Every (address, port) is then used by one connection of the run. A port somebody else holds
// (a listener, another run from the same address to the same target) makes the bind fail with
// EADDRINUSE or the connect with EADDRNOTAVAIL; the swarm then lets the kernel choose for that
// connection (wsSwarm.ts), without counting a failure.
import { readFileSync } from 'node:fs';

export interface PortRange {
  low: number;
  high: number;
}

export class LocalPortPlan {
  private readonly low: number;
  private readonly size: number;
  private readonly sources: number;
  private readonly offset: number;

  /** `offset`: any integer, the same for every worker of the run (the run's start time). */
  constructor(range: PortRange, sources: number, offset: number) {
    this.low = range.low;
    this.size = Math.max(0, range.high - range.low + 1);
    this.sources = Math.max(1, sources);
    this.offset = this.size > 0 ? ((Math.floor(offset) % this.size) + this.size) % this.size : 0;
  }

  /** The local port for connection `label`; 0 (the kernel chooses) when the range has no port left for it. */
  portOf(label: number): number {
    const k = Math.floor(label / this.sources);
    if (k >= this.size) return 0;
    return this.low + ((this.offset + k) % this.size);
  }
}

/** The ephemeral port range (Linux's ip_local_port_range; its default elsewhere). */
export function ephemeralPortRange(): PortRange {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isInteger(low) && Number.isInteger(high) && high >= low && low > 0) return { low, high };
  } catch {
    // not Linux
  }
  return { low: 32768, high: 60999 };
}
