// The demo target over several processes on one port (src/main/target/targetCluster.ts,
// `barrage target --processes N`): every process serves the port, new connections are spread
// over them by the kernel (SO_REUSEPORT), and closing the cluster ends its children.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { LISTEN_BACKLOG } from '../src/main/target/demoTarget.ts';
import { startTargetCluster, type TargetCluster } from '../src/main/target/targetCluster.ts';

let cluster: TargetCluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

/** GET /_barrage/process on a new connection each time: which process served it. */
function servedBy(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/_barrage/process', agent: false, headers: { connection: 'close' } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve((JSON.parse(body) as { pid: number }).pid));
    });
    req.on('error', reject);
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('demo target cluster', () => {
  it('two processes serve one port; connections reach both; close ends the child', async () => {
    cluster = await startTargetCluster(2);
    expect(cluster.pids).toHaveLength(2);
    expect(cluster.pids[0]).toBe(process.pid);
    const pids = new Set<number>();
    for (let i = 0; i < 40; i++) pids.add(await servedBy(cluster.port));
    // 40 connections hashed over 2 sockets: all on one would happen once in 2^39 tries.
    expect([...pids].sort()).toEqual([...cluster.pids].sort());
    const child = cluster.pids[1];
    await cluster.close();
    cluster = undefined;
    await new Promise((r) => setTimeout(r, 200));
    expect(alive(child)).toBe(false);
  });

  it('every process listens with a backlog of 4,096 (as far as net.core.somaxconn allows), not Node’s 511', async () => {
    // A 5,000/s connect ramp overflowed 4 × 511 (issue #14's 50,000-connection row): the SYNs
    // beyond were dropped and waited for their retransmission. `ss -ltn` shows a listener's
    // backlog as its Send-Q.
    cluster = await startTargetCluster(2);
    const somaxconn = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));
    const lines = execFileSync('ss', ['-ltnH', `sport = :${cluster.port}`], { encoding: 'utf8' }).trim().split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(Number(line.trim().split(/\s+/)[2])).toBe(Math.min(LISTEN_BACKLOG, somaxconn));
    expect(Math.min(LISTEN_BACKLOG, somaxconn)).toBeGreaterThan(511);
  });
});
