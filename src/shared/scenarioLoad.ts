// Facts about an already validated scenario that the load workers need. Kept apart from
// scenario.ts, which builds the zod schemas: a load worker never validates a scenario (the
// controller sends it one that passed), and importing the schemas would load zod and build
// them in every worker isolate (≈ 0.1 CPU-s and a bigger heap per worker; docs/PERFORMANCE.md).
// scenario.ts re-exports both, so callers outside the workers import them from there as before.
import { peakTarget, type StageTarget } from './loadProfile.ts';
import type { Protocol, Scenario } from './scenario.ts';

/** HTTP/2 streams in flight per connection when a scenario does not say (bounded by the server's SETTINGS_MAX_CONCURRENT_STREAMS). */
export const DEFAULT_HTTP2_STREAMS = 10;

/** What a scenario's stages ramp: see `stageTarget` in the schema. */
export function stageTargetOf(s: { protocol: Protocol; stageTarget?: StageTarget | 'virtualUsers'; mode?: string }): StageTarget {
  // A flow's virtual users are its connections as far as the profile is concerned: the pool that
  // ramps up and back down.
  if (s.stageTarget === 'virtualUsers') return 'connections';
  return s.stageTarget ?? (s.protocol === 'ws' && s.mode === 'rate' ? 'rate' : 'connections');
}

/**
 * Connections the run holds at most: the scenario's, or the peak of stages that ramp
 * connections (the pool the engine opens from and closes back to).
 */
export function maxConnections(s: Scenario): number {
  if (s.stages !== undefined && stageTargetOf(s) === 'connections') return Math.max(1, Math.ceil(peakTarget(s.stages)));
  return s.protocol === 'flow' ? s.virtualUsers : s.connections;
}
