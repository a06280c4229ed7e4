// Runs a phase of a flow (setup, one iteration, teardown) for one virtual user: each step in
// order through its executor, then its think time; a failed step whose onFailure is "abandon"
// ends the phase. Shared by the load driver (flowLoad.ts) and Try once (tryOnce.ts).
import type { FlowStep } from '../../../shared/flowSteps.ts';
import type { StepTrace } from '../../../shared/flowTrace.ts';
import type { FlowScenario } from '../../../shared/scenario.ts';
import type { Clock } from '../../clock.ts';
import type { CompiledStep, FlowEnv, StepRecorder } from './stepExecutor.ts';
import { compileStep } from './stepKinds.ts';
import type { VirtualUser } from './virtualUser.ts';

export type Phase = 'setup' | 'steps' | 'teardown';
export const PHASES: readonly Phase[] = ['setup', 'steps', 'teardown'];

export interface CompiledPhaseStep {
  compiled: CompiledStep;
  /** Where its figures go. */
  record: StepRecorder;
}

export type CompiledFlow = Record<Phase, CompiledPhaseStep[]>;

/** Every step of the flow in order (setup, steps, teardown) with its number of checks: what the recorder counts per step. */
export function stepList(scenario: FlowScenario): Array<{ name: string; checks: number; step: FlowStep; phase: Phase }> {
  return PHASES.flatMap((phase) => scenario[phase].map((step) => ({ name: step.name, checks: 'checks' in step ? step.checks.length : 0, step, phase })));
}

/** Compiles every step once; `recorders` are in stepList's order. Throws naming a step that cannot run. */
export function compileFlow(scenario: FlowScenario, env: FlowEnv, recorders: readonly StepRecorder[]): CompiledFlow {
  let i = 0;
  const out = { setup: [], steps: [], teardown: [] } as CompiledFlow;
  for (const phase of PHASES) for (const step of scenario[phase]) out[phase].push({ compiled: compileStep(step, env), record: recorders[i++] });
  return out;
}

/** The think time after a step, ms: fixed, or uniform in [thinkMs, thinkMaxMs]. */
export function thinkTimeMs(step: FlowStep, random: () => number = Math.random): number {
  const min = step.thinkMs ?? 0;
  if (step.thinkMaxMs === undefined) return min;
  return min + random() * (step.thinkMaxMs - min);
}

/** Waits ms on the clock, or less when the signal aborts. */
export function pause(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      cancel();
      signal.removeEventListener('abort', done);
      resolve();
    };
    const cancel = clock.after(ms, done);
    signal.addEventListener('abort', done, { once: true });
  });
}

export interface PhaseRun {
  vu: VirtualUser;
  clock: Clock;
  signal: AbortSignal;
  /** The first step's latency counts from here (the open model's scheduled arrival). */
  originMs?: number;
  /** Try once: a trace per step (skipped ones included); think time is then not waited. */
  traces?: StepTrace[];
  /** Called after every step (the driver's chance to emit a second that is over). */
  afterStep?: () => void;
}

export interface PhaseResult {
  /** A step with onFailure "abandon" failed: the rest of the phase was skipped. */
  abandonedAt?: number;
  /** The run stopped during the phase. */
  stopped: boolean;
}

export async function runPhase(phase: Phase, steps: readonly CompiledPhaseStep[], run: PhaseRun): Promise<PhaseResult> {
  for (let i = 0; i < steps.length; i++) {
    const { compiled, record } = steps[i];
    const step = compiled.step;
    const trace: StepTrace | undefined = run.traces
      ? { phase, index: i, name: step.name, type: step.type, state: 'ran', failed: false, extractions: [], checks: [], errors: [], timeUs: 0 }
      : undefined;
    if (trace) run.traces!.push(trace);
    const outcome = await compiled.run({ vu: run.vu, record, originMs: i === 0 ? run.originMs : undefined, signal: run.signal, trace });
    run.afterStep?.();
    if (run.signal.aborted) return { stopped: true };
    if (trace) trace.failed = outcome.failed;
    const abandons = outcome.failed && (!('onFailure' in step) || step.onFailure === 'abandon');
    if (abandons) {
      if (run.traces) {
        for (let k = i + 1; k < steps.length; k++) {
          const s = steps[k].compiled.step;
          run.traces.push({ phase, index: k, name: s.name, type: s.type, state: 'skipped', failed: false, extractions: [], checks: [], errors: [], timeUs: 0 });
        }
      }
      return { abandonedAt: i, stopped: false };
    }
    const think = thinkTimeMs(step);
    if (trace) {
      if (think > 0) trace.thinkMs = Math.round(think);
    } else if (think > 0) {
      await pause(run.clock, think, run.signal);
      if (run.signal.aborted) return { stopped: true };
    }
  }
  return { stopped: false };
}
