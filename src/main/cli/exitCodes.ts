/** Exit codes of the `barrage` CLI, documented in README.md. */
export const EXIT = {
  ok: 0,
  /** The run failed (a worker died, the run could not start). */
  failed: 1,
  /** Bad input: a flag, a scenario file, a limit. */
  usage: 2,
  /** Stopped with Ctrl-C (the summary is still printed). */
  interrupted: 130,
} as const;
