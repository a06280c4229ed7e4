// How one step kind runs for one virtual user — the interface every step executor implements
// (HTTP: httpStep.ts; WebSocket: ws*.ts). The flow runner (flowRunner.ts) compiles each step of
// the scenario once per worker with its kind's StepCompiler, then for each virtual user calls
// the compiled step's run(ctx) in order, applying the step's onFailure and think time itself.
//
// A step reports its figures into ctx.record as they happen (a ws-send with count N completes N
// exchanges; an HTTP step one request) and returns only whether it failed. Extracted variables
// go straight into ctx.vu.vars. When ctx.trace is given (Try once), the step also fills it in:
// the request as sent (secrets redacted), the response, each extraction and check.
import type { FlowStep, FlowStepType } from '../../../shared/flowSteps.ts';
import type { StepTrace } from '../../../shared/flowTrace.ts';
import type { ErrorKind } from '../../../shared/runResult.ts';
import type { FlowScenario } from '../../../shared/scenario.ts';
import type { Socket } from 'node:net';
import type { Clock } from '../../clock.ts';
import type { VirtualUser } from './virtualUser.ts';

/** Where a step's figures go: its own per-second counters in the worker (or nowhere, Try once). */
export interface StepRecorder {
  /** One completion of the step (an HTTP response, a matched answer, a push, a connect), µs. */
  completed(latencyUs: number): void;
  /** An HTTP status code of a completion. */
  status(code: number): void;
  /** A failure of the step by kind (transport faults, `check`, `extraction`, `variable`, `expect-timeout`). */
  error(kind: ErrorKind): void;
  /** The verdict of the step's check number `index` (its order in the step's checks). */
  check(index: number, passed: boolean): void;
  /** Something still waiting when the run stopped, with its age (ms). */
  unfinished(ageMs: number): void;
  /** ws-send with expect: a matched answer that came after the answer to a later send (wsExchanges.ts). */
  outOfOrder(): void;
  /** ws-send with expect: a message carrying the match key that matches no send of the step waiting or settled lately. */
  unmatched(): void;
}

export interface StepContext {
  vu: VirtualUser;
  record: StepRecorder;
  /**
   * Epoch ms the step's latency counts from, when that is before the step actually starts: in
   * the open model, the arrival's scheduled time for the iteration's first step (an arrival
   * that waited for a free virtual user, or a late timer, still shows its wait). Undefined: the
   * step's latency starts when it starts.
   */
  originMs?: number;
  /** Aborted when the run stops: the step ends promptly (what it waited for counts as unfinished, not an error). */
  signal: AbortSignal;
  /** Try once only: the step's trace to fill in. */
  trace?: StepTrace;
}

export interface StepOutcome {
  /**
   * The step failed: a transport error, a failed check or extraction, a missing variable, an
   * expect that timed out (each already recorded by kind). The runner then abandons the
   * iteration or continues, as the step's onFailure says.
   */
  failed: boolean;
}

export interface CompiledStep {
  readonly step: FlowStep;
  /** Runs the step once for one virtual user. Never rejects: faults are outcomes. */
  run(ctx: StepContext): Promise<StepOutcome>;
}

/** What every step of a run shares: the scenario, the resolved target address, the clock. */
export interface FlowEnv {
  scenario: FlowScenario;
  /** The scenario's base URL, parsed. */
  baseUrl: URL;
  /** The target's host as resolved once before the run (connect here, send the name as Host / SNI). */
  address: string;
  clock: Clock;
  /** Try once: keep bodies and headers for the trace. */
  tracing: boolean;
  /** A load run's connection figures: every socket a step opens is reported here (absent in Try once). */
  connections?: ConnectionHooks;
}

/** Where steps report the connections they open: counted per second, their bytes read from the socket. */
export interface ConnectionHooks {
  /** A connection opened (TCP, TLS, WebSocket upgrade), after connectUs. Its close is followed from the socket. */
  opened(socket: Socket, connectUs?: number): void;
  /** A connection attempt failed. */
  failed(): void;
}

/** Compiles a step of one kind once per worker: templates, JSON paths, regular expressions, agents. Throws on a step that cannot run (a message naming the field). */
export type StepCompiler<S extends FlowStep> = (step: S, env: FlowEnv) => CompiledStep;

export type StepCompilers = { [K in FlowStepType]: StepCompiler<Extract<FlowStep, { type: K }>> };
