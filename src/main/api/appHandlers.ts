// App-level requests: versions for the About box, and the built-in demo target.
import type { ApiContext } from './apiContext.ts';
import type { HandlersFor } from './handlerTypes.ts';

export function appHandlers(ctx: ApiContext): HandlersFor<'app'> & HandlersFor<'target'> {
  return {
    'app.info': () => ctx.appInfo(),
    'target.demo': () => ctx.demoTarget(),
  };
}
