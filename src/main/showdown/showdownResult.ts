// A showdown's result from its session's step outcomes (pure): the modes measured, sorted into
// the table's order, the break-even, the notes in the order they arose, the tables (request/response;
// polling vs push) and the conclusion. The facts about the machine and the time are measured by the caller.
import { EXCHANGE_MODES, UPDATE_MODES, type ShowdownResult } from '../../shared/showdown.ts';
import type { SessionEnding, StepRecord } from '../services/stepSession.ts';
import { showdownBreakEven } from './breakEven.ts';
import { conclude } from './conclusion.ts';
import type { Endpoints, ShowdownPlan, ShowdownStepPlan } from './showdownPlan.ts';
import type { ShowdownOutcome } from './showdownSteps.ts';
import { buildTable } from './showdownTable.ts';
import { buildUpdatesTable } from './updatesTable.ts';

/** A load average above this share of the cores means something else competed for the CPU. */
const BUSY_LOAD_SHARE = 0.5;

export interface ShowdownFacts {
  startedAt: string;
  endedAt: string;
  machine: ShowdownResult['machine'];
}

export function showdownResult(
  plan: ShowdownPlan,
  records: ReadonlyArray<StepRecord<ShowdownStepPlan, ShowdownOutcome>>,
  ending: SessionEnding,
  facts: ShowdownFacts,
): ShowdownResult {
  const { config } = plan;
  const outcomes = records.flatMap((r) => ('value' in r.outcome && r.outcome.value !== undefined ? [r.outcome.value] : []));
  const setup = outcomes.find((o) => o.kind === 'setup');
  // The set-up's notes first (the target, its CPU meter), then what the plan left out, then
  // each step's in the order they ran.
  const notes = [...(setup?.notes ?? []), ...plan.notes, ...outcomes.filter((o) => o.kind !== 'setup').flatMap((o) => o.notes)];
  if (ending.state === 'aborted') notes.push('stopped before every mode had run');
  // Only the reading before the start says something about other work: the one at the end
  // includes the showdown's own load.
  const { loadAverageStart, cores } = facts.machine;
  if (loadAverageStart !== null && loadAverageStart > cores * BUSY_LOAD_SHARE) {
    notes.push(
      `the machine was already busy when the showdown started (1-minute load average ${loadAverageStart.toFixed(1)} on ${cores} cores): the figures include other work's interference`,
    );
  }
  const ep: Endpoints = setup?.endpoints ?? { kind: 'custom', httpUrl: config.httpUrl ?? '', wsUrl: config.wsUrl ?? '', h2Url: config.h2Url ?? null, pollUrl: null, pushUrl: null, longPollUrl: null, sseUrl: null, cpuUrl: null };
  const exchangeModes = outcomes.flatMap((o) => (o.kind === 'exchange' ? [o.result] : []));
  const updateModes = outcomes.flatMap((o) => (o.kind === 'update' ? [o.result] : []));
  const sortedExchange = EXCHANGE_MODES.flatMap((m) => exchangeModes.filter((r) => r.mode === m));
  const sortedUpdates = UPDATE_MODES.flatMap((m) => updateModes.filter((r) => r.mode === m));
  const exchange = sortedExchange.length > 0 ? { modes: sortedExchange, breakEven: showdownBreakEven(sortedExchange) } : null;
  const updates = sortedUpdates.length > 0 ? { pollIntervalMs: config.pollIntervalMs, eventRate: config.eventRate, modes: sortedUpdates } : null;
  const partial: Omit<ShowdownResult, 'table' | 'updatesTable' | 'conclusion'> = {
    id: plan.id,
    groupId: plan.groupId,
    config,
    target: {
      kind: ep.kind,
      httpUrl: ep.httpUrl,
      wsUrl: ep.wsUrl,
      h2Url: ep.h2Url,
      pollUrl: ep.pollUrl,
      longPollUrl: ep.longPollUrl,
      sseUrl: ep.sseUrl,
      pushUrl: ep.pushUrl,
      cpuUrl: ep.cpuUrl,
      serverCpuIsolated: ep.cpuUrl !== null && (setup?.target?.isolated ?? false),
    },
    startedAt: facts.startedAt,
    endedAt: facts.endedAt,
    status: ending.state,
    order: plan.order,
    seed: plan.seed,
    exchange,
    updates,
    notes,
    machine: facts.machine,
  };
  if (ending.failure) partial.failure = ending.failure.error;
  return { ...partial, table: buildTable(partial), updatesTable: buildUpdatesTable(partial), conclusion: conclude(partial) };
}
