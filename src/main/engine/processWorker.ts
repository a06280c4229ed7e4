// A load worker in a child process, for runs beyond one process's file descriptors (one table
// per process: 20,000 here; see scalePlan.ts). The child serves the same protocol as a worker
// thread (worker/loadServer.ts, via worker/processEntry.ts), so the run controller treats both
// alike; a child that crashes or exits is a recorded result, as a crashed thread is.
//
// How the child is started is injected (`ProcessSpawner`): under Node (the CLI, `barrage serve`)
// it is `child_process.fork`; inside Electron the shell passes a spawner built on
// `utilityProcess.fork` (RunAsNode is fused off there, so `fork` of the app binary would not run
// Node), since the engine imports nothing from electron. Children are not pooled: a run that
// needs processes holds tens of thousands of connections for long, and a process's start-up
// (~0.1 s) is nothing next to that.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { workerExecArgv } from './worker/workerArgv.ts';
import type { FromWorker, ToWorker } from './worker/workerProtocol.ts';
import type { LoadWorker, WorkerListener } from './workerPool.ts';

/** A child process as the engine needs it, whatever started it. */
export interface LoadProcess {
  readonly pid: number | undefined;
  send(message: ToWorker): void;
  onMessage(listener: (message: FromWorker) => void): void;
  /** It ended, for whatever reason (code, signal or a spawn error, in words). */
  onExit(listener: (reason: string) => void): void;
  kill(): void;
}

/** Starts a child process running `entry` (a module URL). */
export type ProcessSpawner = (entry: URL) => LoadProcess;

/** Node's child_process.fork, with the structured-clone channel (as a worker thread's messages). */
export const forkSpawner: ProcessSpawner = (entry) => {
  const child = fork(fileURLToPath(entry), [], {
    execArgv: workerExecArgv() ?? process.execArgv,
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return {
    pid: child.pid,
    send: (message) => {
      if (child.connected) child.send(message);
    },
    onMessage: (listener) => child.on('message', (m) => listener(m as FromWorker)),
    onExit: (listener) => {
      child.on('exit', (code, signal) => listener(signal ? `was killed (${signal})` : `exited (code ${code})`));
      child.on('error', (err) => listener(`could not run: ${err.message}`));
    },
    kill: () => {
      child.kill('SIGKILL');
    },
  };
};

/** Where the child's entry lives: beside this file in the sources, beside the bundle when built. */
export function processEntryUrl(): URL {
  return import.meta.url.endsWith('.ts') ? new URL('./worker/processEntry.ts', import.meta.url) : new URL('./engineProcess.js', import.meta.url);
}

export class ProcessWorker implements LoadWorker {
  private readonly child: LoadProcess;
  private listener: WorkerListener | null = null;
  /** Set when we end it, so its exit is not reported as a crash. */
  private ending = false;
  private exited = false;

  constructor(spawn: ProcessSpawner, entry: URL = processEntryUrl()) {
    this.child = spawn(entry);
    this.child.onMessage((message) => this.listener?.message(message));
    this.child.onExit((reason) => {
      if (this.exited) return;
      this.exited = true;
      const listener = this.listener;
      this.listener = null;
      if (!this.ending) listener?.gone(`(process ${this.child.pid ?? '?'}) ${reason.replace(/^exited/, 'exited unexpectedly')}`);
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  attach(listener: WorkerListener): void {
    this.listener = listener;
  }

  post(message: ToWorker): void {
    if (!this.exited) this.child.send(message);
  }

  /** Its run ended cleanly: the process ends (children are not reused). */
  release(): void {
    this.end();
  }

  discard(): void {
    this.end();
  }

  private end(): void {
    this.ending = true;
    this.listener = null;
    if (!this.exited) this.child.kill();
  }
}
