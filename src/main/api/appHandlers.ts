// App-level requests: versions for the About box, the built-in demo target, what measures now.
import type { ApiContext } from './apiContext.ts';
import type { HandlersFor } from './handlerTypes.ts';

export function appHandlers(ctx: ApiContext): HandlersFor<'app'> & HandlersFor<'target'> {
  return {
    'app.info': () => ctx.appInfo(),
    'target.demo': () => ctx.demoTarget(),
    'app.measuring': () => {
      const job = ctx.runs.lock.holder();
      return job ? { ...job, openable: job.pid === process.pid } : null;
    },
  };
}
