/** Exit codes of the `barrage` CLI, documented in README.md. */
export const EXIT = {
  ok: 0,
  /** The run failed (a worker died, the run could not start). */
  failed: 1,
  /** Bad input: a flag, a scenario file, a limit. */
  usage: 2,
  /** `barrage compare` / `barrage ab`: a figure got worse beyond its noise threshold. */
  worse: 3,
  /**
   * `barrage compare` / `barrage ab`: no figure got worse, but at least one could not be judged
   * (runs too short, too few rounds) — not a pass. `--fail-on-inconclusive` makes it 3.
   */
  inconclusive: 4,
  /** `barrage run`: the run completed but a threshold failed (the code k6 uses). */
  thresholdFailed: 99,
  /** Stopped with Ctrl-C (the summary is still printed). */
  interrupted: 130,
} as const;
