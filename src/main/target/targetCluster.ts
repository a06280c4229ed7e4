// The demo target over several processes on one port, for runs beyond one process's file
// descriptors (`barrage target --processes N`; the bench's 50,000-connection row). Each process
// runs its own demo target listening with SO_REUSEPORT (`reusePort`, Node ≥ 22.12: the pinned
// Node 22 has it), and the kernel spreads new connections over them — no primary that accepts
// and hands sockets over, as node:cluster's round robin does, which would make one process the
// bottleneck of every connect. This process serves too: N processes = this one + N − 1 children.
//
// What is per process: the state some endpoints keep (the /capacity queues, the /events feeds,
// the flow tokens, /_barrage/cpu). A cluster is for holding many connections (/ws/echo,
// /ws/push, GET /), not for known-capacity endpoints, whose capacity would be N times theirs.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { workerExecArgv } from '../engine/index.ts';
import { startDemoTarget, type DemoTarget, type DemoTargetOptions } from './demoTarget.ts';

/** How long a child may take to listen before the cluster gives up. */
const CHILD_START_TIMEOUT_MS = 15_000;

export interface TargetCluster extends DemoTarget {
  /** Process ids serving the port, this one first. */
  pids: number[];
}

/** Messages of a target child (targetProcessEntry.ts). */
export type TargetChildMessage = { type: 'listening'; port: number } | { type: 'failed'; message: string };

function childEntryUrl(): URL {
  return new URL(import.meta.url.endsWith('.ts') ? './targetProcessEntry.ts' : './targetProcess.js', import.meta.url);
}

function startChild(port: number, host: string): Promise<ChildProcess> {
  const child = fork(fileURLToPath(childEntryUrl()), [String(port), host], {
    execArgv: workerExecArgv() ?? process.execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(`did not listen within ${CHILD_START_TIMEOUT_MS / 1000} s`), CHILD_START_TIMEOUT_MS);
    const fail = (reason: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`target process ${child.pid ?? '?'} ${reason}`));
    };
    child.once('exit', (code) => fail(`exited (code ${code})`));
    child.once('message', (m: TargetChildMessage) => {
      if (m.type === 'failed') return fail(`could not listen: ${m.message}`);
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve(child);
    });
  });
}

export async function startTargetCluster(processes: number, options: DemoTargetOptions = {}): Promise<TargetCluster> {
  const host = options.host ?? '127.0.0.1';
  if (processes <= 1) {
    const single = await startDemoTarget(options);
    return { ...single, pids: [process.pid] };
  }
  const own = await startDemoTarget({ ...options, host, reusePort: true });
  const children: ChildProcess[] = [];
  try {
    for (let i = 1; i < processes; i++) children.push(await startChild(own.port, host));
  } catch (err) {
    for (const c of children) c.kill('SIGKILL');
    await own.close();
    throw err;
  }
  return {
    ...own,
    pids: [process.pid, ...children.map((c) => c.pid ?? 0)],
    close: async () => {
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.exitCode !== null || c.signalCode !== null) return resolve();
              c.once('exit', () => resolve());
              c.kill('SIGTERM');
            }),
        ),
      );
      await own.close();
    },
  };
}
