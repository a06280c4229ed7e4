// The public status of a showdown (what `showdown.get` returns, what the registry pushes as
// `showdown.changed`, what `barrage showdown` prints as progress) as a pure fold of its session's
// events over its plan: the step started, the run it measures, the end with the result.
import type { ShowdownResult, ShowdownStatus } from '../../shared/showdown.ts';
import type { SessionEvent } from '../services/stepSession.ts';
import type { ShowdownPlan } from './showdownPlan.ts';
import type { ShowdownOutcome } from './showdownSteps.ts';

export type ShowdownEvent = SessionEvent<ShowdownOutcome, ShowdownResult>;

/** Before the first event: running, at the first step. */
export function initialShowdownStatus(plan: ShowdownPlan, startedAt: string): ShowdownStatus {
  return {
    id: plan.id,
    groupId: plan.groupId,
    state: 'running',
    startedAt,
    config: plan.config,
    step: plan.views[0],
    stepIndex: 0,
    steps: plan.views.length,
    currentRunId: null,
    runIds: {},
    result: null,
    error: null,
  };
}

/** The status after one event; the same object when the event changes nothing a view shows. */
export function foldShowdownStatus(plan: ShowdownPlan, status: ShowdownStatus, event: ShowdownEvent): ShowdownStatus {
  switch (event.type) {
    case 'step-started': {
      const step = plan.steps[event.index];
      // A step the views do not count (closing the target) leaves the last one showing.
      if (step.view === null) return status;
      const stepIndex = plan.steps.slice(0, event.index).filter((s) => s.view !== null).length;
      return { ...status, step: step.view, stepIndex, currentRunId: null };
    }
    case 'step-run': {
      const step = plan.steps[event.index];
      const kept = event.runId !== null && 'record' in step && step.record;
      if (!kept && status.currentRunId === event.runId) return status;
      return { ...status, currentRunId: event.runId, runIds: kept ? { ...status.runIds, [step.mode]: event.runId } : status.runIds };
    }
    case 'step-ended':
      return status;
    case 'session-ended':
      return {
        ...status,
        state: event.state,
        step: plan.views[plan.views.length - 1],
        stepIndex: plan.views.length - 1,
        currentRunId: null,
        result: event.result,
        error: event.failure?.error ?? null,
      };
  }
}

/** The status after a list of events, from the start. */
export function showdownStatusOf(plan: ShowdownPlan, startedAt: string, events: readonly ShowdownEvent[]): ShowdownStatus {
  return events.reduce((s, e) => foldShowdownStatus(plan, s, e), initialShowdownStatus(plan, startedAt));
}
