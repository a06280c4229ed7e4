// A URL's password never leaves through the words that describe a job: the measurement lock's
// label (written to the lock file beside the history, and read by every other Barrage process in
// its "cannot start: … is measuring" message), a capacity search's status (pushed to every open
// view), and the CLI's one-line refusals. The run's stored configuration is redacted elsewhere
// (storedSecrets.test.ts); these are the other paths the URL took.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildScenario } from '../../src/main/cli/commands/run.ts';
import { failedResult } from '../../src/main/engine/index.ts';
import { startCapacitySearch } from '../../src/main/services/capacitySearch.ts';
import { lockFileFor, MeasurementLock } from '../../src/main/services/measurementLock.ts';
import { RunService } from '../../src/main/services/runService.ts';
import { CAPACITY_DEFAULTS } from '../../src/shared/capacity.ts';
import type { RunResult } from '../../src/shared/runResult.ts';
import { scenarioSchema, type Scenario } from '../../src/shared/scenario.ts';

const SECRET = 'pa55word';
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A lock with its file, and an engine whose runs end (as failed) only when told to. */
function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'barrage-label-'));
  dirs.push(dir);
  const file = lockFileFor(join(dir, 'h.db'));
  const lock = new MeasurementLock({ file });
  const ends: Array<() => void> = [];
  const engine = {
    startRun: (config: Scenario) => {
      let end: (r: RunResult) => void = () => {};
      const result = new Promise<RunResult>((resolve) => (end = resolve));
      ends.push(() => end(failedResult(config, 'fake engine')));
      return { stop() {}, result };
    },
  };
  return { file, lock, runs: new RunService(null, {}, lock, engine), endAll: () => ends.forEach((e) => e()) };
}

const scenario = (url: string): Scenario => scenarioSchema.parse({ protocol: 'http', url, durationSec: 2 });

describe('a URL password in the words about a job', () => {
  it('is redacted in a run’s lock label and lock file', async () => {
    const { file, lock, runs, endAll } = setup();
    const started = runs.start(scenario(`http://alice:${SECRET}@127.0.0.1:9/`));
    expect(lock.holder()?.label).toBe('a run (http://alice:***@127.0.0.1:9/)');
    expect(readFileSync(file, 'utf8')).not.toContain(SECRET);
    endAll();
    await started.done;
  });

  it('is redacted in a capacity search’s lock label and pushed status', async () => {
    const { file, lock, runs, endAll } = setup();
    const statuses: string[] = [];
    const handle = startCapacitySearch(runs, {
      scenario: scenario(`http://alice:${SECRET}@127.0.0.1:9/`),
      settings: { ...CAPACITY_DEFAULTS, slos: ['p99<100ms'], stepSec: 2 },
      onUpdate: (s) => statuses.push(JSON.stringify(s)),
    });
    expect(handle.status().target.url).toBe('http://alice:***@127.0.0.1:9/');
    expect(lock.holder()?.label).not.toContain(SECRET);
    expect(readFileSync(file, 'utf8')).not.toContain(SECRET);
    handle.stop();
    await new Promise((r) => setTimeout(r, 0));
    endAll();
    await handle.done;
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.join('\n')).not.toContain(SECRET);
  });

  it('is redacted in barrage run’s refusal of an HTTP-only flag on a ws:// URL', () => {
    const values = { method: 'POST' } as Parameters<typeof buildScenario>[0];
    expect(() => buildScenario(values, [`ws://alice:${SECRET}@127.0.0.1:9/`])).toThrow('--method applies to HTTP URLs only, not ws://alice:***@127.0.0.1:9/');
  });
});
