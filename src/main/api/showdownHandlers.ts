// Showdown requests: start a REST vs WebSocket showdown, follow it (its status is pushed as
// `showdown.changed` at each step), stop it, list this session's. The job lives in the job
// registry; startShowdown holds the measurement lock (a refused start is a MeasurementBusyError,
// which the dispatcher turns into the message and the job to open).
import { RunService } from '../services/runService.ts';
import { startShowdown } from '../showdown/showdownRunner.ts';
import { ApiError, type ApiContext } from './apiContext.ts';
import type { HandlersFor } from './handlerTypes.ts';

export function showdownHandlers(ctx: ApiContext): HandlersFor<'showdown'> {
  const must = (id: string) => {
    const status = ctx.jobs.get('showdown', id);
    if (!status) throw new ApiError(`showdown ${id} is not known in this session (its runs are in the history, tag "showdown")`);
    return status;
  };
  return {
    'showdown.start': (config) =>
      ctx.jobs.start('showdown', (update) => {
        const handle = startShowdown(config, {
          // Unsaved showdowns still run through a run service, one without a history but with
          // the same measurement lock.
          runs: config.save ? ctx.runs : new RunService(null, {}, ctx.runs.lock),
          store: ctx.store,
          onStatus: update,
        });
        return { id: handle.id, status: handle.status, stop: handle.stop, done: handle.result };
      }),
    'showdown.get': (id) => must(id),
    'showdown.stop': (id) => {
      must(id);
      return ctx.jobs.stop('showdown', id);
    },
    'showdown.list': () => ctx.jobs.list('showdown'),
  };
}
