// Run requests: start and stop live runs, and browse, annotate, export and compare the history.
import type { RunDetail } from '../../shared/contract.ts';
import { decodeHistogram, percentileCurve } from '../../shared/result/histogramCodec.ts';
import { PreflightError } from '../engine/index.ts';
import { exportRunsCsv, exportRunsJson, ImportError, mergeShardFiles, previewShardFiles } from '../store/runExchange.ts';
import { MergeError } from '../store/shardMerge.ts';
import type { StoredRun } from '../../shared/history.ts';
import { ApiError, type ApiContext } from './apiContext.ts';
import type { HandlersFor } from './handlerTypes.ts';

/** The history's statistics and reports are in statsHandlers.ts. */
export function runsHandlers(ctx: ApiContext): Omit<HandlersFor<'runs'>, 'runs.statistics' | 'runs.report' | 'runs.compareSteps'> {
  const must = (id: number): StoredRun => {
    const run = ctx.store.getRun(id);
    if (!run) throw new ApiError(`run ${id} does not exist`);
    return run;
  };
  return {
    'runs.start': ({ scenarioId, config, abortOnFail, keepGoing, storeSecrets }) => {
      const scenario = scenarioId !== undefined ? ctx.store.getScenario(scenarioId) : undefined;
      if (scenarioId !== undefined && !scenario) throw new ApiError(`scenario ${scenarioId} does not exist`);
      const runConfig = scenario?.config ?? config!;
      try {
        const started = ctx.runs.start(runConfig, {
          scenarioId: scenario?.id ?? null,
          scenarioName: scenario?.name ?? runConfig.name ?? null,
          abortOnFail,
          keepGoing,
          storeSecrets,
        });
        // Failures are stored with the run; nobody awaits this promise.
        started.done.catch(() => {});
        const active = ctx.runs.active().find((r) => r.runId === started.runId);
        if (!active) throw new ApiError('the run ended before it started');
        return active;
      } catch (err) {
        if (err instanceof PreflightError) throw new ApiError(err.message);
        throw err;
      }
    },
    'runs.stop': (id) => ctx.runs.stop(id),
    'runs.active': () => ctx.runs.active(),
    'runs.list': (query) => ctx.store.listRuns(query),
    'runs.get': (id) => detail(must(id)),
    'runs.delete': (ids) => {
      const deleted = ctx.store.deleteRuns(ids);
      ctx.runs.notifyChanged('deleted');
      return deleted;
    },
    'runs.setNotes': ({ id, notes }) => {
      must(id);
      ctx.store.setNotes(id, notes);
      ctx.runs.notifyChanged('updated');
      return true;
    },
    'runs.setTags': ({ id, tags }) => {
      const run = must(id);
      const wanted = new Set(tags);
      ctx.store.removeTags(id, run.tags.filter((t) => !wanted.has(t)));
      const result = ctx.store.addTags(id, [...wanted].filter((t) => !run.tags.includes(t)));
      ctx.runs.notifyChanged('updated');
      return result;
    },
    'runs.tags': () => ctx.store.listTags(),
    'runs.export': ({ ids, format }) => {
      const runs = ids.map(must);
      const stem = runs.length === 1 ? `barrage-run-${runs[0].id}` : `barrage-runs-${runs.map((r) => r.id).join('-')}`;
      return format === 'json'
        ? { fileName: `${stem}.json`, mimeType: 'application/json', content: exportRunsJson(runs) }
        : { fileName: `${stem}.csv`, mimeType: 'text/csv', content: exportRunsCsv(runs) };
    },
    'runs.compare': (ids) => ids.map((id) => detail(must(id))),
    'runs.mergeShards': ({ files, name }) => {
      try {
        const outcome = mergeShardFiles(ctx.store, files, { name });
        if (!outcome.duplicate) ctx.runs.notifyChanged('imported');
        return outcome;
      } catch (err) {
        if (err instanceof ImportError || err instanceof MergeError) throw new ApiError(err.message);
        throw err;
      }
    },
    'runs.previewShards': ({ files }) => previewShardFiles(files),
  };
}

function detail(run: StoredRun): RunDetail {
  const percentiles = run.histogram ? percentileCurve(decodeHistogram(run.histogram)) : [];
  return { ...run, percentiles };
}
