// Capacity searches from the app: start one, follow it (its status is pushed as
// `capacity.changed` at each step), stop it (keeping what it measured), list this session's.
// The job lives in the job registry; startCapacitySearch holds the measurement lock for the
// whole search (a refused start is a MeasurementBusyError, which the dispatcher turns into the
// message and the job to open).
import { CAPACITY_DEFAULTS, type CapacitySettings } from '../../shared/capacity.ts';
import type { ChannelParsed } from '../../shared/contract.ts';
import { formatIssues, protocolOfUrl, scenarioSchema, type Scenario } from '../../shared/scenario.ts';
import { PreflightError } from '../engine/index.ts';
import { startCapacitySearch } from '../services/capacitySearch.ts';
import { ApiError, type ApiContext } from './apiContext.ts';
import type { HandlersFor } from './handlerTypes.ts';

export function capacityHandlers(ctx: ApiContext): HandlersFor<'capacity'> {
  const must = (id: string) => {
    const status = ctx.jobs.get('capacity', id);
    if (!status) throw new ApiError(`capacity search ${id} is not known in this session (its runs are in the history, group ${id})`);
    return status;
  };
  return {
    'capacity.start': (input) => {
      const { scenario, scenarioId } = searchedScenario(ctx, input);
      const settings: CapacitySettings = {
        slos: input.slos,
        startRate: input.startRate,
        maxRate: input.maxRate,
        stepSec: input.stepSec,
        precision: input.precision,
        growth: input.growth ?? CAPACITY_DEFAULTS.growth,
        budgetSec: input.budgetSec ?? CAPACITY_DEFAULTS.budgetSec,
      };
      try {
        return ctx.jobs.start('capacity', (update) => {
          const handle = startCapacitySearch(ctx.runs, { scenario, scenarioId, settings, storeSecrets: input.storeSecrets, onUpdate: update });
          return { id: handle.groupId, status: handle.status, stop: handle.stop, done: handle.done };
        });
      } catch (err) {
        // Bad settings (RangeError names the field) or a load this machine cannot run.
        if (err instanceof PreflightError || err instanceof RangeError) throw new ApiError(err.message);
        throw err;
      }
    },
    'capacity.get': (id) => must(id),
    'capacity.stop': (id) => {
      must(id);
      return ctx.jobs.stop('capacity', id);
    },
    'capacity.list': () => ctx.jobs.list('capacity'),
  };
}

/** The load to search with: the saved scenario, or the default load against a URL. */
function searchedScenario(ctx: ApiContext, input: ChannelParsed<'capacity.start'>): { scenario: Scenario; scenarioId: number | null } {
  let raw: Record<string, unknown>;
  let scenarioId: number | null = null;
  if (input.scenarioId !== undefined) {
    const saved = ctx.store.getScenario(input.scenarioId);
    if (!saved) throw new ApiError(`scenario ${input.scenarioId} does not exist`);
    // The search sets the rate and the length of every step.
    const { stages: _s, stageTarget: _t, amount: _a, rate: _r, thresholds: _th, ...rest } = saved.config;
    raw = { ...rest, name: saved.name };
    scenarioId = saved.id;
  } else {
    const url = input.url!;
    const protocol = protocolOfUrl(url);
    if (!protocol) throw new ApiError(`url: "${url}" is not an http(s):// or ws(s):// address`);
    raw = { protocol, url };
  }
  raw.durationSec = input.stepSec;
  if (input.warmupSec !== undefined) raw.warmupSec = input.warmupSec;
  if (raw.protocol === 'ws') {
    if (raw.mode === undefined || raw.mode === 'echo') raw.mode = 'rate';
    raw.rate = 1;
  }
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) throw new ApiError(formatIssues(parsed.error));
  return { scenario: parsed.data, scenarioId };
}
