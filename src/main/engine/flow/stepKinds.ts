// The executor of each step kind. A new kind is one entry here (the mapped type makes a missing
// one a type error). WebSocket kinds: src/main/engine/flow/ws*.ts (issue #12, flowws).
import type { FlowStep } from '../../../shared/flowSteps.ts';
import { compileHttpStep } from './httpStep.ts';
import type { CompiledStep, FlowEnv, StepCompiler, StepCompilers } from './stepExecutor.ts';
import { compileWsAwaitStep, compileWsCloseStep, compileWsConnectStep, compileWsSendStep } from './wsSteps.ts';

export const stepCompilers: StepCompilers = {
  http: compileHttpStep,
  'ws-connect': compileWsConnectStep,
  'ws-send': compileWsSendStep,
  'ws-await': compileWsAwaitStep,
  'ws-close': compileWsCloseStep,
};

/** Compiles one step with its kind's executor. */
export function compileStep(step: FlowStep, env: FlowEnv): CompiledStep {
  // The mapped type guarantees the entry matches the step's kind; TypeScript cannot narrow the
  // lookup by the union's discriminant, hence the one cast.
  const compile = stepCompilers[step.type] as StepCompiler<FlowStep>;
  return compile(step, env);
}
