// The one owner of "something is measuring". Every run, A/B run, showdown (its probes and
// warm-ups included) and every future long job acquires a lease before it touches the network
// and releases it when it has ended; a second start is refused with what is measuring and how to
// stop it. A job that consists of runs (A/B, showdown) holds one lease and runs its runs under it.
//
// Within a process the lock is an object; across processes (the CLI beside the app, two CLIs) it
// is a file beside the run history (`<db>.measuring`, created exclusively, holding the job), so
// processes sharing a history share the lock. A file left by a process that died is taken over.
// Runs without a history (`--no-save`) take only the in-process lock.
import fs from 'node:fs';
import { busyMessage, type MeasuringJob, type MeasuringKind } from '../../shared/measuring.ts';

export class MeasurementBusyError extends Error {
  override name = 'MeasurementBusyError';
  readonly job: MeasuringJob;
  constructor(job: MeasuringJob) {
    super(busyMessage(job, process.pid));
    this.job = job;
  }
}

export interface MeasurementLease {
  readonly job: MeasuringJob;
  readonly released: boolean;
  /** Names the job once it has an id (a run's id comes from the history after the lease). */
  describe(patch: Partial<Pick<MeasuringJob, 'id' | 'label' | 'stopHint'>>): void;
  release(): void;
}

export interface JobDescription {
  kind: MeasuringKind;
  id?: string;
  label: string;
  /** Default: this front door's way to stop a job of this kind. */
  stopHint?: string;
}

export function lockFileFor(databasePath: string): string {
  return `${databasePath}.measuring`;
}

/** How a person stops each kind of job, as this front door offers it. */
export type StopHints = Record<MeasuringKind, string>;

export const APP_STOP_HINTS: StopHints = {
  run: 'the Stop button of its live run in the app',
  ab: 'Stop on the A/B panel (Compare) in the app',
  showdown: 'Stop on the Showdown view in the app',
  capacity: 'Stop on the Capacity view in the app',
  job: 'its Stop button in the app',
};

export function cliStopHints(command: string): StopHints {
  const hint = `Ctrl-C in the terminal running \`barrage ${command}\` (pid ${process.pid})`;
  return { run: hint, ab: hint, showdown: hint, capacity: hint, job: hint };
}

export interface MeasurementLockOptions {
  /** The cross-process lock file (beside the run history); none: this process only. */
  file?: string | null;
  stopHints?: StopHints;
}

export class MeasurementLock {
  private readonly file: string | null;
  private readonly stopHints: StopHints;
  private lease: Lease | null = null;

  constructor(options: MeasurementLockOptions = {}) {
    this.file = options.file ?? null;
    this.stopHints = options.stopHints ?? APP_STOP_HINTS;
  }

  /** The job measuring now, in this process or (with a lock file) another; null when none. */
  holder(): MeasuringJob | null {
    if (this.lease) return { ...this.lease.job };
    return this.file ? readLiveHolder(this.file) : null;
  }

  /** Takes the lock for a job; throws MeasurementBusyError naming the job that holds it. */
  acquire(description: JobDescription): MeasurementLease {
    if (this.lease) throw new MeasurementBusyError({ ...this.lease.job });
    const job: MeasuringJob = {
      kind: description.kind,
      id: description.id ?? '',
      label: description.label,
      stopHint: description.stopHint ?? this.stopHints[description.kind],
      pid: process.pid,
      startedAt: new Date().toISOString(),
    };
    if (this.file) claimFile(this.file, job);
    const lease = new Lease(job, this.file, () => {
      if (this.lease === lease) this.lease = null;
    });
    this.lease = lease;
    return lease;
  }
}

class Lease implements MeasurementLease {
  readonly job: MeasuringJob;
  released = false;
  private readonly file: string | null;
  private readonly onRelease: () => void;
  private readonly onExit = () => this.removeFile();

  constructor(job: MeasuringJob, file: string | null, onRelease: () => void) {
    this.job = job;
    this.file = file;
    this.onRelease = onRelease;
    // A process that exits while measuring (Ctrl-C twice, an uncaught error) frees the lock;
    // only kill -9 leaves the file, and the next start takes it over (its pid is gone).
    if (file) process.on('exit', this.onExit);
  }

  describe(patch: Partial<Pick<MeasuringJob, 'id' | 'label' | 'stopHint'>>): void {
    if (this.released) return;
    Object.assign(this.job, patch);
    if (this.file) {
      try {
        fs.writeFileSync(this.file, JSON.stringify(this.job));
      } catch {
        // The lock stays held (the file exists); only its description is stale.
      }
    }
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.removeFile();
    if (this.file) process.off('exit', this.onExit);
    this.onRelease();
  }

  private removeFile(): void {
    if (!this.file) return;
    try {
      const held = JSON.parse(fs.readFileSync(this.file, 'utf8')) as Partial<MeasuringJob>;
      if (held.pid === this.job.pid && held.startedAt === this.job.startedAt) fs.unlinkSync(this.file);
    } catch {
      // Gone already, or not ours any more.
    }
  }
}

function claimFile(file: string, job: MeasuringJob): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx');
      try {
        fs.writeSync(fd, JSON.stringify(job));
      } finally {
        fs.closeSync(fd);
      }
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return; // no lock file possible (read-only folder): in-process lock only
      const holder = readLiveHolder(file);
      if (holder) throw new MeasurementBusyError(holder);
      // The holder died without releasing: take the lock over.
      try {
        fs.unlinkSync(file);
      } catch {
        // Someone else took it over first; the next attempt sees theirs.
      }
    }
  }
  const holder = readLiveHolder(file);
  if (holder) throw new MeasurementBusyError(holder);
}

/** The job in a lock file, if its process still lives. */
function readLiveHolder(file: string): MeasuringJob | null {
  let job: MeasuringJob;
  try {
    job = JSON.parse(fs.readFileSync(file, 'utf8')) as MeasuringJob;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    // Being written this instant (created, not yet filled): treat as held, by an unknown job.
    const age = Date.now() - (statMtime(file) ?? 0);
    if (age < 2000) return { kind: 'job', id: '', label: 'another measurement', stopHint: 'the process that runs it', pid: 0, startedAt: new Date().toISOString() };
    return null;
  }
  if (typeof job.pid !== 'number' || !processAlive(job.pid)) return null;
  return job;
}

function statMtime(file: string): number | undefined {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
