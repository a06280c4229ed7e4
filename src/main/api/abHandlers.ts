// A/B runs from the app: start one, follow it (its status is pushed as `ab.changed` at each
// step), stop it, list this session's. The runs are ordinary runs of the run service
// (run.progress and runs.changed as usual); the comparison is in the status once the last round
// has run. The job lives in the job registry; startAb holds the measurement lock.
import { PreflightError } from '../engine/index.ts';
import { startAb } from '../services/abRunner.ts';
import { ApiError, type ApiContext } from './apiContext.ts';
import type { HandlersFor } from './handlerTypes.ts';

export function abHandlers(ctx: ApiContext): HandlersFor<'ab'> {
  return {
    'ab.start': ({ scenarioA, scenarioB, rounds, warmupSec, options, storeSecrets }) => {
      const [a, b] = [scenarioA, scenarioB].map((id) => {
        const s = ctx.store.getScenario(id);
        if (!s) throw new ApiError(`scenario ${id} does not exist`);
        return s;
      });
      try {
        return ctx.jobs.start('ab', (update) => {
          const handle = startAb(ctx.runs, {
            a: { config: a.config, scenarioId: a.id, name: a.name },
            b: { config: b.config, scenarioId: b.id, name: b.name },
            rounds,
            warmupSec,
            compare: options,
            storeSecrets,
            onUpdate: update,
          });
          return { id: handle.groupId, status: handle.status, stop: handle.stop, done: handle.done };
        });
      } catch (err) {
        if (err instanceof PreflightError || err instanceof RangeError) throw new ApiError(err.message);
        throw err;
      }
    },
    'ab.get': (groupId) => {
      const status = ctx.jobs.get('ab', groupId);
      if (!status) throw new ApiError(`no A/B run "${groupId}" in this session (its runs are in the history, group ${groupId})`);
      return status;
    },
    'ab.stop': (groupId) => ctx.jobs.stop('ab', groupId),
    'ab.list': () => ctx.jobs.list('ab'),
  };
}
