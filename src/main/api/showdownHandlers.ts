// Showdown requests: start a REST vs WebSocket showdown, follow it, stop it, list this session's.
import { ShowdownBusyError, ShowdownService } from '../showdown/showdownService.ts';
import { ApiError, type ApiContext } from './apiContext.ts';
import type { HandlersFor } from './handlerTypes.ts';

/** One showdown service per set of services (createHandlers runs once per context). */
const services = new WeakMap<ApiContext, ShowdownService>();

export function showdownService(ctx: ApiContext): ShowdownService {
  let service = services.get(ctx);
  if (!service) {
    service = new ShowdownService(ctx.runs, ctx.store);
    services.set(ctx, service);
  }
  return service;
}

export function showdownHandlers(ctx: ApiContext): HandlersFor<'showdown'> {
  const service = showdownService(ctx);
  const must = (id: string) => {
    const status = service.get(id);
    if (!status) throw new ApiError(`showdown ${id} is not known in this session (its runs are in the history, tag "showdown")`);
    return status;
  };
  return {
    'showdown.start': (config) => {
      try {
        return service.start(config);
      } catch (err) {
        if (err instanceof ShowdownBusyError) throw new ApiError(err.message);
        throw err;
      }
    },
    'showdown.get': (id) => must(id),
    'showdown.stop': (id) => {
      must(id);
      return service.stop(id);
    },
    'showdown.list': () => service.list(),
  };
}
