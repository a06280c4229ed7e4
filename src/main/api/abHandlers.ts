// A/B runs from the app: start one, follow it by polling its status, stop it. The runs are
// ordinary runs of the run service (run.progress and runs.changed events as usual); the
// comparison is in the status once the last round has run.
import type { AbStatus } from '../../shared/ab.ts';
import { PreflightError } from '../engine/index.ts';
import { startAb, type AbHandle } from '../services/abRunner.ts';
import { ApiError, type ApiContext } from './apiContext.ts';
import type { HandlersFor } from './handlerTypes.ts';

/** A/B runs of this session are kept (their runs are in the history for good); the oldest finished ones go first. */
const KEEP = 20;

export function abHandlers(ctx: ApiContext): HandlersFor<'ab'> {
  const all = new Map<string, AbHandle>();
  const finished = new Map<string, AbStatus>();
  const running = () => [...all.values()].filter((h) => !finished.has(h.groupId));
  return {
    'ab.start': ({ scenarioA, scenarioB, rounds, warmupSec, options }) => {
      // Refused while anything else measures: startAb takes the measurement lock.
      const [a, b] = [scenarioA, scenarioB].map((id) => {
        const s = ctx.store.getScenario(id);
        if (!s) throw new ApiError(`scenario ${id} does not exist`);
        return s;
      });
      let handle: AbHandle;
      try {
        handle = startAb(ctx.runs, {
          a: { config: a.config, scenarioId: a.id, name: a.name },
          b: { config: b.config, scenarioId: b.id, name: b.name },
          rounds,
          warmupSec,
          compare: options,
        });
      } catch (err) {
        if (err instanceof PreflightError || err instanceof RangeError) throw new ApiError(err.message);
        throw err;
      }
      all.set(handle.groupId, handle);
      void handle.done.then((status) => {
        finished.set(status.groupId, status);
        for (const id of [...finished.keys()].slice(0, Math.max(0, finished.size - KEEP))) {
          finished.delete(id);
          all.delete(id);
        }
      });
      return handle.status();
    },
    'ab.get': (groupId) => {
      const handle = all.get(groupId);
      if (!handle) throw new ApiError(`no A/B run "${groupId}" in this session (its runs are in the history, group ${groupId})`);
      return finished.get(groupId) ?? handle.status();
    },
    'ab.stop': (groupId) => {
      const handle = all.get(groupId);
      if (!handle || finished.has(groupId)) return false;
      handle.stop();
      return true;
    },
  };
}
