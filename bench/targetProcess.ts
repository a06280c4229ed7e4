// Starts the bench target (targetChild.ts) in a child process and talks to it over IPC.
import { fork, type ChildProcess } from 'node:child_process';
import { pinTarget } from './common.ts';
import type { FromTarget, TargetStats, ToTarget } from './targetChild.ts';

export type { TargetStats } from './targetChild.ts';

export interface TargetProcess {
  pid: number;
  port: number;
  httpUrl: string;
  wsUrl: string;
  stats(): Promise<TargetStats>;
  resetStats(): Promise<void>;
  /** Asks the target to close, and kills it if it has not gone within a second. */
  close(): Promise<void>;
}

const READY_TIMEOUT_MS = 15_000;
const REPLY_TIMEOUT_MS = 5_000;

/** Every target started and not yet closed, so an interrupted bench can kill them. */
const live = new Set<ChildProcess>();

export function killAllTargets(): void {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
}

export async function startTargetProcess(): Promise<TargetProcess> {
  const child = fork(new URL('./targetChild.ts', import.meta.url), [], {
    // The same Node as the bench (Node 22 from node_modules/.bin under npm).
    execPath: process.execPath,
    execArgv: ['--disable-warning=ExperimentalWarning'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  live.add(child);
  pinTarget(child.pid);
  child.once('exit', () => live.delete(child));

  let nextId = 1;
  const waiting = new Map<number, (m: Extract<FromTarget, { type: 'reply' }>) => void>();

  const ready = await new Promise<Extract<FromTarget, { type: 'ready' }>>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the target process did not start within ${READY_TIMEOUT_MS / 1000} s`));
    }, READY_TIMEOUT_MS);
    child.on('message', (raw) => {
      const message = raw as FromTarget;
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve(message);
      } else {
        const reply = waiting.get(message.id);
        waiting.delete(message.id);
        reply?.(message);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the target process exited (${signal ?? `code ${code}`})`));
      for (const reply of waiting.values()) reply({ type: 'reply', id: 0 });
      waiting.clear();
    });
  });

  const ask = (type: ToTarget['type']) =>
    new Promise<Extract<FromTarget, { type: 'reply' }>>((resolve, reject) => {
      if (!child.connected) return reject(new Error('the target process is gone'));
      const id = nextId++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`the target process did not answer "${type}" within ${REPLY_TIMEOUT_MS / 1000} s`));
      }, REPLY_TIMEOUT_MS);
      waiting.set(id, (m) => {
        clearTimeout(timer);
        resolve(m);
      });
      child.send({ type, id } as ToTarget);
    });

  return {
    pid: child.pid ?? -1,
    port: ready.port,
    httpUrl: ready.httpUrl,
    wsUrl: ready.wsUrl,
    async stats() {
      const reply = await ask('stats');
      if (!reply.stats) throw new Error('the target process sent no stats');
      return reply.stats;
    },
    async resetStats() {
      await ask('resetStats');
    },
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const killTimer = setTimeout(() => child.kill('SIGKILL'), 1000);
      try {
        await ask('close');
      } catch {
        child.kill('SIGKILL');
      }
      await exited;
      clearTimeout(killTimer);
    },
  };
}
