import { startRun, type RunOptions } from '../../src/main/engine/runController.ts';
import type { RunResult } from '../../src/shared/runResult.ts';
import { parseScenario, type ScenarioInput, type Scenario } from '../../src/shared/scenario.ts';

export function scenarioOf(input: ScenarioInput): Scenario {
  const parsed = parseScenario(input);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

/** Runs a scenario to its end and reports how long the whole call took (ms). */
export async function runToEnd(input: ScenarioInput, options: RunOptions = {}): Promise<{ result: RunResult; elapsedMs: number }> {
  const started = performance.now();
  const result = await startRun(scenarioOf(input), options).result;
  return { result, elapsedMs: performance.now() - started };
}
