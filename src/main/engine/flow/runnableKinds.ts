// The step kinds that have an executor in stepKinds.ts — what preflight lets run. Kept apart
// from stepKinds.ts so that preflight (loaded by every process that loads the engine) does not
// load the executors. Add a kind here when its executor lands.
import type { FlowStepType } from '../../../shared/flowSteps.ts';

export const RUNNABLE_STEP_KINDS: ReadonlySet<FlowStepType> = new Set<FlowStepType>(['http', 'ws-connect', 'ws-send', 'ws-await', 'ws-close']);
