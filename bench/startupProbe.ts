// How long `barrage run` takes from process start to its first request, in wall time and in CPU
// seconds of the `barrage` process (all its threads), against a loopback HTTP target in this
// process; and `barrage --help` from start to exit, for comparison. The CPU is read from
// /proc/<pid>/stat at the moment the first request arrives (Linux only; elsewhere: null).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseProcStat } from './common.ts';

export interface StartupMeasurement {
  /** Process start to the first request arriving at the target (run), or to exit (--help). */
  wallSec: number;
  /** CPU seconds of the process by then (user + system, all threads); null off Linux. */
  cpuSec: number | null;
}

const BIN = fileURLToPath(new URL('../bin/barrage.js', import.meta.url));
const LIMIT_MS = 20_000;

function cpuOf(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8')).selfSec;
  } catch {
    return null;
  }
}

/**
 * One `barrage run URL -c 1 -d 1` (`extraArgs` appended), timed to its first request. The run
 * then goes on for its second; this waits for it to exit (bounded) so rounds do not overlap.
 */
export async function timeFirstRequest(extraArgs: string[], env: NodeJS.ProcessEnv = process.env): Promise<StartupMeasurement> {
  let firstAt = 0;
  let cpuAtFirst: number | null = null;
  let pid: number | undefined;
  const server: Server = createServer((req, res) => {
    if (firstAt === 0) {
      firstAt = performance.now();
      cpuAtFirst = cpuOf(pid);
    }
    res.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  try {
    const t0 = performance.now();
    const child = spawn(process.execPath, [BIN, 'run', url, '-c', '1', '-d', '1', '-q', ...extraArgs], { stdio: ['ignore', 'ignore', 'pipe'], env });
    pid = child.pid;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), LIMIT_MS);
      child.once('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    if (firstAt === 0) throw new Error(`barrage run sent no request (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' / ')}`);
    return { wallSec: (firstAt - t0) / 1000, cpuSec: cpuAtFirst };
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** `barrage --help`, start to exit; CPU from the child's rusage as the parent reaped it. */
export async function timeHelp(): Promise<StartupMeasurement> {
  const t0 = performance.now();
  // A shell reaps the child and prints its children's CPU (cutime + cstime), as for wrk.
  const script = `"$0" "$1" --help >/dev/null; echo "__STAT__ $(cat /proc/$$/stat)"`;
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn('sh', ['-c', script, process.execPath, BIN], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), LIMIT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(text);
    });
    child.once('error', reject);
  });
  const wallSec = (performance.now() - t0) / 1000;
  const line = /__STAT__ (.+)$/m.exec(out)?.[1];
  return { wallSec, cpuSec: line ? parseProcStat(line).childrenSec : null };
}
