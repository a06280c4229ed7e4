// The connect ramp of a WebSocket echo run, whose traffic waits until the ramp is over (see
// docs/ARCHITECTURE.md, "The connect ramp and closed-loop traffic"): its planned length, and the
// warm-up stretched over it. Zod-free (the controller and the summary use it).
import type { Scenario } from './scenario.ts';
import { stageTargetOf } from './scenarioLoad.ts';

/**
 * Echo mode without a connection profile holds its traffic until the connect ramp is over (see
 * docs/ARCHITECTURE.md, "The connect ramp and closed-loop traffic"): the planned length of that
 * ramp in seconds (connections ÷ connect rate), else 0. Those seconds carry no messages, so they
 * count as warm-up (`warmupSecOf`).
 */
export function heldConnectRampSec(s: Scenario): number {
  if (s.protocol !== 'ws' || s.mode !== 'echo') return 0;
  if (s.stages !== undefined && stageTargetOf(s) === 'connections') return 0;
  return s.connections / s.connectRate;
}

/** The leading seconds kept out of steady-state figures: the warm-up, stretched over a held connect ramp. */
export function warmupSecOf(s: Scenario): number {
  return Math.max(s.warmupSec, Math.ceil(heldConnectRampSec(s)));
}
