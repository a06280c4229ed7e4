// Starting runs from anywhere in the app (a list row, a report's "Run again", the Try-it card):
// start, record it in the live-run state, and show the Run view.
import type { ScenarioInput } from '../../../shared/scenario.ts';
import { redactedFields } from '../../../shared/storedSecrets.ts';
import { barrage } from '../api/barrage.ts';
import { demoUrl } from '../scenarioForm/scenarioForm.ts';
import { liveRuns } from './liveRuns.svelte.ts';
import { reportStartFailure } from './measuring.ts';
import { paths, router } from './router.svelte.ts';

export async function startRun(what: { scenarioId: number } | { config: ScenarioInput }, storeSecrets = false): Promise<boolean> {
  try {
    const active = await barrage.runs.start(storeSecrets ? { ...what, storeSecrets } : what);
    liveRuns.track(active);
    router.go(paths.run(active.runId));
    return true;
  } catch (err) {
    void reportStartFailure('The run did not start', err);
    return false;
  }
}

/**
 * A stored run's configuration that lacks secrets (stored without --store-secrets): "Run again"
 * asks for them first (components/SecretsDialog.svelte); the engine would refuse the *** anyway.
 */
export function needsSecrets(config: ScenarioInput): boolean {
  return redactedFields(config).length > 0;
}

export const TRY_IT_NAME = 'Try it: demo HTTP';

/**
 * The first-run experience: a small HTTP run against the built-in demo target. It is run as an
 * unsaved configuration (the run stores it), so pressing Try it again and again does not fill the
 * scenario list with copies; the user saves a scenario only by pressing Save in the builder.
 */
export async function tryIt(): Promise<boolean> {
  // The symbolic address: the engine puts in this session's demo target when the run starts.
  const config: ScenarioInput = { protocol: 'http', name: TRY_IT_NAME, url: demoUrl('http'), method: 'GET', connections: 10, durationSec: 15, warmupSec: 1 };
  return startRun({ config });
}
