// A session of steps: a long job whose steps are data (planned beforehand, each with a kind) and
// whose executors — one per kind — are injected, as k6 keeps its executors apart from what they
// execute. The runner holds the measurement lock from before the first step to after the last,
// runs the steps in order, honours Stop between steps (the rest is skipped) and within one (its
// executor sees the abort signal), and records each step's outcome as an event. The job's
// public status is a pure fold of those events: nothing else edits it.
//
// Used by the showdown (src/main/showdown/showdownRunner.ts); any job made of runs can use it.
import type { Clock } from '../clock.ts';
import { systemClock } from '../clock.ts';
import type { JobDescription, MeasurementLease, MeasurementLock } from './measurementLock.ts';

/** What every planned step is at least: a kind (which executor runs it) and words for it. */
export interface SessionStep {
  readonly kind: string;
  readonly label: string;
  /** Runs even when the session has failed or been stopped (closing what an earlier step opened). */
  readonly always?: boolean;
}

/** How a step ended. A stopped step keeps what its executor returned, if it returned. */
export type StepOutcome<O> =
  | { status: 'done'; value: O }
  | { status: 'stopped'; value?: O }
  | { status: 'failed'; error: string }
  | { status: 'skipped' };

export interface StepRecord<S, O> {
  index: number;
  step: S;
  outcome: StepOutcome<O>;
}

export type SessionState = 'completed' | 'failed' | 'aborted';

/** How the session ended; a failed one names the step that failed. */
export interface SessionEnding {
  state: SessionState;
  failure: { index: number; label: string; error: string } | null;
}

/** Everything that happens in a session, in order; `at` is the clock's epoch ms. */
export type SessionEvent<O, R> =
  | { type: 'step-started'; index: number; at: number }
  /** The step's engine run has started: its id in the history (null when not recorded). */
  | { type: 'step-run'; index: number; runId: number | null; at: number }
  | { type: 'step-ended'; index: number; at: number; outcome: Exclude<StepOutcome<O>, { status: 'skipped' }> }
  | ({ type: 'session-ended'; at: number; result: R } & SessionEnding);

/** What an executor gets besides its step. */
export interface StepContext<S, O> {
  readonly index: number;
  /** The session's lease: the step's runs measure under it (RunMeta.lease). */
  readonly lease: MeasurementLease;
  /** Aborted when the session is stopped: the step should end its run early. */
  readonly signal: AbortSignal;
  /** The steps before this one, with their outcomes (what an earlier step opened or measured). */
  readonly earlier: ReadonlyArray<StepRecord<S, O>>;
  /** Reports the step's engine run (its history id) as soon as it starts. */
  runStarted(runId: number | null): void;
  /** Ends the session as stopped after this step (the step's own run was aborted). */
  stopSession(): void;
}

export type StepExecutor<S, O> = (step: S, ctx: StepContext<S, O>) => Promise<O>;

/** One executor per kind of step. */
export type StepExecutors<S extends SessionStep, O> = { [K in S['kind']]: StepExecutor<Extract<S, { kind: K }>, O> };

export interface SessionOptions<S extends SessionStep, O, St, R> {
  lock: MeasurementLock;
  /** Who holds the lock while the session runs (what a refused start names). */
  job: JobDescription;
  steps: readonly S[];
  executors: StepExecutors<S, O>;
  /** The public status before any event; then `fold` gives each next one. */
  initial: St;
  /** Pure: the status after an event. Returning the same object means "nothing to report". */
  fold: (status: St, event: SessionEvent<O, R>) => St;
  /** The session's result from the steps' outcomes, once the lock is released. */
  finish: (records: ReadonlyArray<StepRecord<S, O>>, ending: SessionEnding) => R;
  /** Called with every new status. */
  onStatus?: (status: St) => void;
  clock?: Pick<Clock, 'now'>;
}

export interface SessionHandle<St, R, O> {
  status(): St;
  /** The events so far (a copy). */
  events(): Array<SessionEvent<O, R>>;
  /** Stops the session: the current step is asked to end early, the remaining ones are skipped. */
  stop(): void;
  /** Settles with the result once every step has ended and the lock is free; never rejects for a step's failure. */
  readonly done: Promise<R>;
}

/**
 * Takes the measurement lock (throws MeasurementBusyError before anything runs) and runs the
 * steps. Returns at once; the first step has started by then.
 */
export function runSession<S extends SessionStep, O, St, R>(options: SessionOptions<S, O, St, R>): SessionHandle<St, R, O> {
  const clock = options.clock ?? systemClock;
  const lease = options.lock.acquire(options.job);
  const events: Array<SessionEvent<O, R>> = [];
  let status = options.initial;
  const abort = new AbortController();
  const stop = () => {
    if (!abort.signal.aborted) abort.abort();
  };

  // The one place the status changes.
  const emit = (event: SessionEvent<O, R>) => {
    events.push(event);
    const next = options.fold(status, event);
    if (next === status) return;
    status = next;
    options.onStatus?.(status);
  };

  const run = async (): Promise<R> => {
    const records: Array<StepRecord<S, O>> = [];
    let ending: SessionEnding = { state: 'completed', failure: null };
    try {
      for (const [index, step] of options.steps.entries()) {
        // After a failure or a Stop only the `always` steps run; a step skipped because of Stop
        // makes the session a stopped one.
        if ((ending.state !== 'completed' || abort.signal.aborted) && !step.always) {
          if (ending.state === 'completed') ending = { state: 'aborted', failure: null };
          records.push({ index, step, outcome: { status: 'skipped' } });
          continue;
        }
        const outcome = await runStep(step, index, records);
        records.push({ index, step, outcome });
        emit({ type: 'step-ended', index, at: clock.now(), outcome });
        if (ending.state !== 'completed') continue;
        if (outcome.status === 'failed') ending = { state: 'failed', failure: { index, label: step.label, error: outcome.error } };
        else if (outcome.status === 'stopped') ending = { state: 'aborted', failure: null };
      }
    } finally {
      lease.release();
    }
    const result = options.finish(records, ending);
    emit({ type: 'session-ended', at: clock.now(), result, ...ending });
    return result;
  };

  const runStep = async (step: S, index: number, earlier: ReadonlyArray<StepRecord<S, O>>): Promise<Exclude<StepOutcome<O>, { status: 'skipped' }>> => {
    emit({ type: 'step-started', index, at: clock.now() });
    const executor = options.executors[step.kind as S['kind']] as unknown as StepExecutor<S, O>;
    const ctx: StepContext<S, O> = {
      index,
      lease,
      signal: abort.signal,
      earlier: [...earlier],
      runStarted: (runId) => emit({ type: 'step-run', index, runId, at: clock.now() }),
      stopSession: stop,
    };
    // Only a step that can be stopped ends as stopped; an `always` step runs to its end.
    const stoppable = !step.always;
    try {
      const value = await executor(step, ctx);
      return stoppable && abort.signal.aborted ? { status: 'stopped', value } : { status: 'done', value };
    } catch (err) {
      if (stoppable && abort.signal.aborted) return { status: 'stopped' };
      return { status: 'failed', error: err instanceof Error ? err.message : String(err) };
    }
  };

  return {
    status: () => status,
    events: () => [...events],
    stop,
    done: run(),
  };
}
