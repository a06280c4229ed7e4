// "Something is measuring": the job that holds the machine's measurement lock, as a refused start
// reports it (the CLI prints one line; the app shows the message and offers to open the job).
// Two measurements on one machine contaminate each other silently, so only one goes at a time.

export type MeasuringKind = 'run' | 'ab' | 'showdown' | 'capacity' | 'job';

export interface MeasuringJob {
  kind: MeasuringKind;
  /** The run id, A/B group id or showdown id; '' before the job has one. */
  id: string;
  /** What it is, for a person: "run 12 (checkout API)", "A/B ab-1f2e3d4c", "showdown sd-…". */
  label: string;
  /** How to stop it, for a person: "its Stop button in the app", "Ctrl-C in its terminal". */
  stopHint: string;
  /** The process measuring; a job of another process (the CLI beside the app) cannot be opened here. */
  pid: number;
  startedAt: string;
}

/** The one-line refusal: what is measuring, and how to stop it. */
export function busyMessage(job: MeasuringJob, pid: number): string {
  const where = job.pid === pid ? '' : ` in another Barrage process (pid ${job.pid})`;
  return `cannot start: ${job.label} is measuring${where} since ${job.startedAt.slice(11, 19)} UTC; stop it with ${job.stopHint}, or wait for it to end (two measurements at once would contaminate each other)`;
}
