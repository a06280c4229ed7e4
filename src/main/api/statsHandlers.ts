// The history's statistics and reports: verdicts for two runs or two groups of runs (the
// Compare view), and self-contained HTML reports (the app's export).
import { compareGroups, compareRuns, type FigureComparison } from '../../shared/stats/index.ts';
import type { StoredRun } from '../../shared/history.ts';
import { stageProblem, stageRun } from '../../shared/stageCompare.ts';
import { compareSteps } from '../../shared/stepCompare.ts';
import { buildReport, ReportNotFound } from '../report/buildReport.ts';
import { ApiError, type ApiContext } from './apiContext.ts';
import type { HandlersFor } from './handlerTypes.ts';

export function statsHandlers(ctx: ApiContext): Pick<HandlersFor<'runs'>, 'runs.statistics' | 'runs.report' | 'runs.compareSteps'> {
  const must = (id: number): StoredRun => {
    const run = ctx.store.getRun(id);
    if (!run) throw new ApiError(`run ${id} does not exist`);
    return run;
  };
  return {
    'runs.statistics': ({ ids, groupA, groupB, options, stage }): FigureComparison[] => {
      if (ids && stage !== undefined) {
        const runs = [must(ids[0]), must(ids[1])];
        const problem = runs.map((r) => stageProblem(r, stage)).find((p) => p !== null);
        if (problem) throw new ApiError(problem);
        return compareRuns(stageRun(runs[0], stage), stageRun(runs[1], stage), options);
      }
      if (ids) return compareRuns(must(ids[0]), must(ids[1]), options);
      return compareGroups(groupA!.map(must), groupB!.map(must), options);
    },
    // The CLI's per-step compare (compare.ts) calls the same function on the same stored runs.
    'runs.compareSteps': ({ ids, options }) => {
      const dup = ids.find((x, i) => ids.indexOf(x) !== i);
      if (dup !== undefined) throw new ApiError(`run ${dup} is given twice`);
      return compareSteps(ids.map(must), options);
    },
    'runs.report': ({ ids, groupId, options }) => {
      try {
        return buildReport(ctx.store, groupId !== undefined ? { groupId } : { ids: ids! }, options);
      } catch (err) {
        if (err instanceof ReportNotFound) throw new ApiError(err.message);
        throw err;
      }
    },
  };
}
