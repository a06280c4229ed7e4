// Showdown requests: start a REST vs WebSocket showdown, follow it, stop it, list this session's.
import { ApiError, type ApiContext } from './apiContext.ts';
import type { HandlersFor } from './handlerTypes.ts';

export function showdownHandlers(ctx: ApiContext): HandlersFor<'showdown'> {
  const service = ctx.showdowns;
  const must = (id: string) => {
    const status = service.get(id);
    if (!status) throw new ApiError(`showdown ${id} is not known in this session (its runs are in the history, tag "showdown")`);
    return status;
  };
  return {
    // A refused start (something else measures) is a MeasurementBusyError: the dispatcher
    // turns it into the message and the job to open.
    'showdown.start': (config) => service.start(config),
    'showdown.get': (id) => must(id),
    'showdown.stop': (id) => {
      must(id);
      return service.stop(id);
    },
    'showdown.list': () => service.list(),
  };
}
