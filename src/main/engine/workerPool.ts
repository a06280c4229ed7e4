// Warm load workers, reused from run to run within one process (the app, `barrage serve`, A/B
// rounds, load profiles, a capacity search). A new worker thread costs a V8 isolate, Node's
// internal modules compiled again and the drivers loaded again — measured ≈ 0.1–0.3 CPU-s and a
// cold JIT for the first seconds of every run. A worker that finished its run cleanly goes back
// to the pool; one that crashed, exited, failed or did not wind down in time is terminated and
// never reused, and the next run gets a fresh one in its place.
//
// One pool per worker script (tests swap in a crashing script). Idle workers are unref'd: they
// never keep a process alive (the CLI exits after its run as before).
import { Worker } from 'node:worker_threads';
import type { Protocol } from '../../shared/scenario.ts';
import { workerExecArgv } from './worker/workerArgv.ts';
import type { FromWorker, ToWorker } from './worker/workerProtocol.ts';

/** Idle workers kept per script: more than the cores would only hold memory. */
const DEFAULT_MAX_IDLE = 4;

/** What the run that holds a worker hears from it. */
export interface WorkerListener {
  message(message: FromWorker): void;
  /** The worker crashed or exited; it is already out of the pool. */
  gone(reason: string): void;
}

/** A load worker as a run uses it: a pooled thread, or the inline one (inlineWorker.ts). */
export interface LoadWorker {
  /** Attaches the run that now holds this worker. */
  attach(listener: WorkerListener): void;
  post(message: ToWorker): void;
  /** Its run ended cleanly: it may serve another run. */
  release(): void;
  /** Its state is unknown (crashed, stuck, failed): never used again. */
  discard(): void;
}

export class PooledWorker implements LoadWorker {
  readonly thread: Worker;
  /** Runs this worker has been leased for (1 on its first run). */
  runs = 0;
  private listener: WorkerListener | null = null;
  private deadReason: string | null = null;
  private readonly pool: WorkerPool;

  constructor(pool: WorkerPool, url: URL) {
    this.pool = pool;
    this.thread = new Worker(url, { execArgv: workerExecArgv() });
    this.thread.on('message', (message: FromWorker) => this.listener?.message(message));
    this.thread.on('error', (err) => this.died(`crashed: ${err.message}`));
    this.thread.on('exit', (code) => this.died(`exited unexpectedly (code ${code})`));
  }

  get alive(): boolean {
    return this.deadReason === null;
  }

  post(message: ToWorker): void {
    if (this.alive) this.thread.postMessage(message);
  }

  /** Attaches the run that now holds this worker (null: back in the pool). */
  attach(listener: WorkerListener | null): void {
    this.listener = listener;
    if (listener) this.thread.ref();
    else this.thread.unref();
  }

  release(): void {
    this.pool.release(this);
  }

  /** Ends the thread for good (crashed, stuck, failed, or surplus). */
  discard(): void {
    if (this.deadReason === null) this.deadReason = 'discarded';
    this.listener = null;
    this.pool.forget(this);
    void this.thread.terminate();
  }

  private died(reason: string): void {
    if (this.deadReason !== null) return;
    this.deadReason = reason;
    this.pool.forget(this);
    const listener = this.listener;
    this.listener = null;
    listener?.gone(reason);
  }
}

export class WorkerPool {
  private readonly url: URL;
  private readonly maxIdle: number;
  private readonly idle: PooledWorker[] = [];
  /** Workers created since the pool began (for tests and the bench: reuse shows as no growth). */
  created = 0;

  constructor(url: URL, maxIdle = DEFAULT_MAX_IDLE) {
    this.url = url;
    this.maxIdle = maxIdle;
  }

  get idleCount(): number {
    return this.idle.length;
  }

  /** `count` workers for a run: warm ones first, new ones for the rest. */
  acquire(count: number): PooledWorker[] {
    const out: PooledWorker[] = [];
    while (out.length < count && this.idle.length > 0) {
      const w = this.idle.shift()!;
      if (w.alive) out.push(w);
    }
    while (out.length < count) out.push(this.spawn());
    for (const w of out) w.runs++;
    return out;
  }

  /**
   * Boots workers ahead of a run and has them load the protocol's driver, so a run that starts
   * soon finds them warm (the CLI calls this before it opens the run history).
   */
  prewarm(count: number, protocol: Protocol): void {
    while (this.idle.length < Math.min(count, this.maxIdle)) {
      const w = this.spawn();
      w.post({ type: 'prepare', protocol });
      this.idle.push(w);
    }
  }

  /** A worker whose run ended cleanly: back to the pool (or ended, beyond the idle limit). */
  release(w: PooledWorker): void {
    w.attach(null);
    if (!w.alive) return;
    if (this.idle.length >= this.maxIdle) return w.discard();
    this.idle.push(w);
  }

  /** Terminates every idle worker (shutdown, tests). Workers in a run are left to their run. */
  async close(): Promise<void> {
    const idle = this.idle.splice(0);
    await Promise.all(idle.map((w) => (w.discard(), w.thread.terminate())));
  }

  /** Called by a worker that is no longer usable. */
  forget(w: PooledWorker): void {
    const i = this.idle.indexOf(w);
    if (i >= 0) this.idle.splice(i, 1);
  }

  private spawn(): PooledWorker {
    this.created++;
    const w = new PooledWorker(this, this.url);
    w.attach(null);
    return w;
  }
}

const pools = new Map<string, WorkerPool>();

/** The process's pool for a worker script. */
export function workerPool(url: URL): WorkerPool {
  let pool = pools.get(url.href);
  if (!pool) {
    pool = new WorkerPool(url);
    pools.set(url.href, pool);
  }
  return pool;
}

/** Ends every idle worker of every pool (an app shutting down; the bench before a cold run). */
export async function closeWorkerPools(): Promise<void> {
  await Promise.all([...pools.values()].map((p) => p.close()));
}
