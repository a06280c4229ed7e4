// Starting runs from anywhere in the app (a list row, a report's "Run again", the Try-it card):
// start, record it in the live-run state, and show the Run view.
import type { ScenarioInput } from '../../../shared/scenario.ts';
import { barrage } from '../api/barrage.ts';
import { demoUrl } from '../scenarioForm/scenarioForm.ts';
import { liveRuns } from './liveRuns.svelte.ts';
import { notices } from './notices.svelte.ts';
import { reportStartFailure } from './measuring.ts';
import { paths, router } from './router.svelte.ts';

export async function startRun(what: { scenarioId: number } | { config: ScenarioInput }): Promise<boolean> {
  try {
    const active = await barrage.runs.start(what);
    liveRuns.track(active);
    router.go(paths.run(active.runId));
    return true;
  } catch (err) {
    void reportStartFailure('The run did not start', err);
    return false;
  }
}

export const TRY_IT_NAME = 'Try it: demo HTTP';

/**
 * The first-run experience: a small HTTP scenario against the built-in demo target, created on
 * first use and reused after (its URL follows the demo target, whose port changes per start).
 */
export async function tryIt(): Promise<boolean> {
  try {
    // The symbolic address: the engine puts in this session's demo target when the run starts.
    const url = demoUrl('http');
    const existing = (await barrage.scenarios.list()).find((s) => s.name === TRY_IT_NAME);
    let scenarioId = existing?.id;
    if (!existing || existing.config.url !== url) {
      const config: ScenarioInput = existing
        ? { ...existing.config, url }
        : { protocol: 'http', name: TRY_IT_NAME, url, method: 'GET', connections: 10, durationSec: 15, warmupSec: 1 };
      const saved = await barrage.scenarios.save({ id: existing?.id, name: TRY_IT_NAME, config });
      scenarioId = saved.id;
    }
    return await startRun({ scenarioId: scenarioId! });
  } catch (err) {
    notices.error('Try it did not start', err);
    return false;
  }
}
