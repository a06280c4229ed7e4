// The SHA-256 of a flow's data rows, so two runs' data can be told apart (summary.flow.data).
// The hash is of the rows' JSON text as stored with the scenario (each row's columns in the
// file's order): the same rows give the same hash whether they came from CSV, JSON or were
// written into the scenario. A scenario that carries `data.sha256` (set by the data-file
// loader) keeps its own.
import { createHash } from 'node:crypto';
import type { Scenario } from '../shared/scenario.ts';

export function rowsSha256(rows: ReadonlyArray<Record<string, string | number | boolean>>): string {
  return createHash('sha256').update(JSON.stringify(rows)).digest('hex');
}

/** The hash to show for a flow's data: its own, or one computed from its rows; undefined without rows. */
export function flowDataSha256(scenario: Scenario): string | undefined {
  if (scenario.protocol !== 'flow' || scenario.data?.rows === undefined) return undefined;
  return scenario.data.sha256 ?? rowsSha256(scenario.data.rows);
}
