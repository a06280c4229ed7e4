// The 50,000-connection row's check of the machine's settings (bench/scaleMachine.ts): a setting
// that cannot hold the plan is named with the fix, instead of the run "stalling" later.
import { describe, expect, it } from 'vitest';
import { checkScaleMachine, type ScaleSettings } from '../../bench/scaleMachine.ts';

// This machine's settings (2026-11-30).
const here: ScaleSettings = { fdLimit: 20_000, portRange: [32768, 60999], somaxconn: 4096, synBacklog: 2048, syncookies: 1, conntrackMax: 262_144 };
const plan = { connections: 50_000, sourceAddresses: 2, targetProcesses: 4, targetBacklog: 4096, maxConnecting: 1000, fdReserve: 256 };

describe('checkScaleMachine', () => {
  it('this machine holds 50,000 over 2 source addresses and 4 target processes', () => {
    const c = checkScaleMachine(here, plan);
    expect(c.blockers).toEqual([]);
    expect(c.warnings).toEqual([]);
    expect(c.summary).toBe('ulimit -n 20000, ip_local_port_range 32768–60999, somaxconn 4096, tcp_max_syn_backlog 2048, syncookies 1, nf_conntrack_max 262144');
  });

  it('one source address has 28,232 ports: 50,000 from one address is refused with the fix', () => {
    const c = checkScaleMachine(here, { ...plan, sourceAddresses: 1 });
    expect(c.blockers).toHaveLength(1);
    expect(c.blockers[0]).toContain('gives 28,232 ports per source address; 50,000 connections over 1 addresses need 50,000 each');
    expect(c.blockers[0]).toContain('sysctl -w net.ipv4.ip_local_port_range');
  });

  it('2 target processes at 20,000 descriptors cannot hold 25,000 each', () => {
    const c = checkScaleMachine(here, { ...plan, targetProcesses: 2 });
    expect(c.blockers).toEqual(['ulimit -n 20,000: each of the 2 target processes would hold 25,000 connections (256 descriptors kept back); raise the limit or use more target processes']);
  });

  it("the distro default somaxconn 128 (older kernels) caps 4 backlogs at 512 < 1,000 handshakes in flight: a warning naming the sysctl", () => {
    const c = checkScaleMachine({ ...here, somaxconn: 128 }, plan);
    expect(c.blockers).toEqual([]);
    expect(c.warnings).toHaveLength(1);
    expect(c.warnings[0]).toContain('caps each target process\'s listen backlog at 128: 512 over 4 processes, fewer than the 1,000 handshakes');
    expect(c.warnings[0]).toContain('sysctl -w net.core.somaxconn=4096');
  });

  it('without syncookies a small SYN backlog drops SYNs; unknown settings are not guessed', () => {
    expect(checkScaleMachine({ ...here, syncookies: 0, synBacklog: 512 }, plan).warnings[0]).toContain('tcp_max_syn_backlog is 512');
    const unknown = checkScaleMachine({ fdLimit: undefined, portRange: undefined, somaxconn: undefined, synBacklog: undefined, syncookies: undefined, conntrackMax: undefined }, plan);
    expect(unknown.blockers).toEqual([]);
    expect(unknown.warnings).toEqual([]);
    expect(unknown.summary).toBe('ulimit -n ?, ip_local_port_range ?, somaxconn ?, tcp_max_syn_backlog ?, syncookies ?');
  });
});
