// The executor of each step kind. A new kind is one entry here (the mapped type makes a missing
// one a type error). WebSocket kinds: src/main/engine/flow/ws*.ts (issue #12, flowws).
import type { FlowStep } from '../../../shared/flowSteps.ts';
import { compileHttpStep } from './httpStep.ts';
import type { CompiledStep, FlowEnv, StepCompiler, StepCompilers } from './stepExecutor.ts';

/** A kind whose executor is not built yet: refused when the flow is compiled, before any load. */
function notYet<S extends FlowStep>(kind: string): StepCompiler<S> {
  return (step) => {
    throw new Error(`${step.name}: ${kind} steps cannot run yet (issue #12 is in progress)`);
  };
}

export const stepCompilers: StepCompilers = {
  http: compileHttpStep,
  'ws-connect': notYet('ws-connect'),
  'ws-send': notYet('ws-send'),
  'ws-await': notYet('ws-await'),
  'ws-close': notYet('ws-close'),
};

/** Compiles one step with its kind's executor. */
export function compileStep(step: FlowStep, env: FlowEnv): CompiledStep {
  // The mapped type guarantees the entry matches the step's kind; TypeScript cannot narrow the
  // lookup by the union's discriminant, hence the one cast.
  const compile = stepCompilers[step.type] as StepCompiler<FlowStep>;
  return compile(step, env);
}
