// The one registry of long jobs (A/B runs, showdowns, capacity searches):
// start, get, stop, list, and a `changed` event with the job's status at every step, which the
// transports push to the views as `ab.changed` / `showdown.changed` / `capacity.changed` (as
// run.progress is pushed) —
// no view polls. The jobs themselves run elsewhere (abRunner, showdownRunner) and hold the
// measurement lock; the registry only keeps this session's jobs (the newest finished ones, up to
// KEEP per kind; their runs stay in the history for good).
import { EventEmitter } from 'node:events';
import type { AbStatus } from '../../shared/ab.ts';
import type { ShowdownStatus } from '../../shared/showdown.ts';
import type { CapacityStatus } from '../../shared/capacity.ts';

/** Each kind of job and the status it reports. A new kind of job adds one line here. */
export interface JobStatusOf {
  ab: AbStatus;
  showdown: ShowdownStatus;
  capacity: CapacityStatus;
}
export type JobKind = keyof JobStatusOf;

/** What a running job offers the registry. */
export interface JobHandle<S> {
  readonly id: string;
  /** A copy of the status now. */
  status(): S;
  /** Ends the job early (its current run stops; nothing further starts). */
  stop(): void;
  /** Settles when the job has ended (never rejects: a failure is in the status). */
  readonly done: Promise<unknown>;
}

export type JobChange = { [K in JobKind]: { kind: K; status: JobStatusOf[K] } }[JobKind];

/** Finished jobs kept per kind for this session. */
const KEEP = 20;

interface Entry<K extends JobKind> {
  kind: K;
  handle: JobHandle<JobStatusOf[K]>;
  last: JobStatusOf[K];
  running: boolean;
}

export class JobRegistry extends EventEmitter<{ changed: [JobChange] }> {
  private readonly entries = new Map<string, Entry<JobKind>>();

  /**
   * Starts a job: `launch` gets the function to call with each new status, and returns the job's
   * handle (or throws — a refused start, bad input — before anything is kept).
   */
  start<K extends JobKind>(kind: K, launch: (update: (status: JobStatusOf[K]) => void) => JobHandle<JobStatusOf[K]>): JobStatusOf[K] {
    let entry: Entry<K> | undefined;
    const update = (status: JobStatusOf[K]) => {
      if (!entry) return; // the first status is taken from the handle below
      entry.last = status;
      this.emit('changed', { kind, status } as JobChange);
    };
    const handle = launch(update);
    entry = { kind, handle, last: handle.status(), running: true };
    this.entries.set(key(kind, handle.id), entry as unknown as Entry<JobKind>);
    this.emit('changed', { kind, status: entry.last } as JobChange);
    const started = entry;
    // `done` should never reject, but a bug in a job's last step (its comparison, its answer)
    // must neither leave the job "running" in every view nor become an unhandled rejection,
    // which ends `barrage serve`: the job ends as failed, saying why.
    void handle.done.then(
      () => this.ended(kind, started, handle.status()),
      (err: unknown) => this.ended(kind, started, { ...handle.status(), state: 'failed', error: `${kind} job ended by an internal error: ${err instanceof Error ? err.message : String(err)}` }),
    );
    return entry.last;
  }

  private ended<K extends JobKind>(kind: K, entry: Entry<K>, last: JobStatusOf[K]): void {
    entry.running = false;
    entry.last = last;
    this.emit('changed', { kind, status: last } as JobChange);
    this.forgetOld(kind);
  }

  get<K extends JobKind>(kind: K, id: string): JobStatusOf[K] | undefined {
    return (this.entries.get(key(kind, id)) as Entry<K> | undefined)?.last;
  }

  /** Stops a running job; false when it is not known or has ended. */
  stop(kind: JobKind, id: string): boolean {
    const entry = this.entries.get(key(kind, id));
    if (!entry?.running) return false;
    entry.handle.stop();
    return true;
  }

  /** This session's jobs of one kind, newest first. */
  list<K extends JobKind>(kind: K): Array<JobStatusOf[K]> {
    return [...this.entries.values()]
      .filter((e): e is Entry<K> => e.kind === kind)
      .map((e) => e.last)
      .reverse();
  }

  running(): JobChange[] {
    return [...this.entries.values()].filter((e) => e.running).map((e) => ({ kind: e.kind, status: e.last }) as JobChange);
  }

  /** Stops every running job and waits for each to wind down. */
  async close(): Promise<void> {
    const running = [...this.entries.values()].filter((e) => e.running);
    for (const e of running) e.handle.stop();
    await Promise.allSettled(running.map((e) => e.handle.done));
  }

  private forgetOld(kind: JobKind): void {
    const finished = [...this.entries.entries()].filter(([, e]) => e.kind === kind && !e.running);
    for (const [k] of finished.slice(0, Math.max(0, finished.length - KEEP))) this.entries.delete(k);
  }
}

function key(kind: JobKind, id: string): string {
  return `${kind}:${id}`;
}
