// App-level requests: versions for the About box, the built-in demo target, what measures now,
// the settings.
import type { ApiContext } from './apiContext.ts';
import type { HandlersFor } from './handlerTypes.ts';

export function appHandlers(ctx: ApiContext): HandlersFor<'app'> & HandlersFor<'target'> & HandlersFor<'settings'> {
  return {
    'app.info': () => ctx.appInfo(),
    'target.demo': () => ctx.demoTarget(),
    'app.measuring': () => {
      const job = ctx.runs.lock.holder();
      return job ? { ...job, openable: job.pid === process.pid } : null;
    },
    'settings.get': () => ctx.settings.get(),
    'settings.set': (patch) => ctx.settings.set(patch),
  };
}
