// Scenario requests: the builder's save, the list's duplicate / rename / delete, baselines, and
// the OpenAPI import's picker (the same importer as `barrage scenarios import openapi`).
import type { ScenarioRecord } from '../../shared/contract.ts';
import type { OpenApiImport } from '../../shared/openapiImport.ts';
import { importOpenApiForApp, OpenApiImportError, saveImportedOperations } from '../scenarioImport/openapiImport.ts';
import { ApiError, type ApiContext } from './apiContext.ts';
import type { HandlersFor } from './handlerTypes.ts';

export function scenariosHandlers(ctx: ApiContext): HandlersFor<'scenarios'> {
  const must = (id: number): ScenarioRecord => {
    const s = ctx.store.getScenario(id);
    if (!s) throw new ApiError(`scenario ${id} does not exist`);
    return s;
  };
  const read = async (source: { fileName?: string; text?: string; url?: string }, baseUrl: string | undefined): Promise<OpenApiImport> => {
    try {
      return await importOpenApiForApp(source, { baseUrl });
    } catch (err) {
      if (err instanceof OpenApiImportError) throw new ApiError(err.message);
      throw err;
    }
  };
  return {
    'scenarios.openapiPreview': ({ source, baseUrl }) => read(source, baseUrl),
    'scenarios.openapiImport': async ({ source, baseUrl, operations, prefix }) => {
      const doc = await read(source, baseUrl);
      const unknown = operations.filter((id) => !doc.operations.some((o) => o.id === id));
      if (unknown.length > 0) throw new ApiError(`operations: the document has no operation ${unknown.map((u) => `"${u}"`).join(', ')}`);
      const chosen = doc.operations.filter((o) => operations.includes(o.id));
      const cannot = chosen.filter((o) => !o.scenario);
      if (cannot.length > 0) throw new ApiError(`operations: ${cannot[0].id} cannot be a scenario (${cannot[0].skipped ?? 'unknown reason'})`);
      const result = saveImportedOperations(ctx.store, chosen, prefix ?? '');
      if (result.saved.length > 0) ctx.runs.notifyChanged('updated');
      return result;
    },
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
