// Scenario requests: the builder's save, the list's duplicate / rename / delete, baselines.
import type { ScenarioRecord } from '../../shared/contract.ts';
import { ApiError, type ApiContext } from './apiContext.ts';
import type { HandlersFor } from './handlerTypes.ts';

export function scenariosHandlers(ctx: ApiContext): HandlersFor<'scenarios'> {
  const must = (id: number): ScenarioRecord => {
    const s = ctx.store.getScenario(id);
    if (!s) throw new ApiError(`scenario ${id} does not exist`);
    return s;
  };
  return {
    'scenarios.list': () => ctx.store.listScenarios(),
    'scenarios.get': (id) => must(id),
    'scenarios.save': ({ id, name, config }) => {
      if (id !== undefined) {
        const current = must(id);
        if (current.name !== name) ctx.store.renameScenario(id, name);
      } else if (ctx.store.getScenario(name)) {
        throw new ApiError(`name: a scenario called "${name}" already exists`);
      }
      return ctx.store.saveScenario(name, { ...config, name });
    },
    'scenarios.duplicate': (id) => {
      const s = must(id);
      const existing = new Set(ctx.store.listScenarios().map((x) => x.name));
      let name = `${s.name} (copy)`;
      for (let i = 2; existing.has(name); i++) name = `${s.name} (copy ${i})`;
      return ctx.store.saveScenario(name, { ...s.config, name });
    },
    'scenarios.rename': ({ id, name }) => {
      must(id);
      const clash = ctx.store.getScenario(name);
      if (clash && clash.id !== id) throw new ApiError(`name: a scenario called "${name}" already exists`);
      return ctx.store.renameScenario(id, name);
    },
    'scenarios.delete': (id) => ctx.store.deleteScenario(id),
    'scenarios.setBaseline': ({ scenarioId, runId }) => {
      must(scenarioId);
      if (runId !== null && !ctx.store.getRun(runId)) throw new ApiError(`run ${runId} does not exist`);
      ctx.store.setBaseline(scenarioId, runId);
      return true;
    },
  };
}
