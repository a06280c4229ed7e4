// One word per run status for every display (app, CLI, HTML report, Markdown summary). A run the
// user ended is stored as `aborted` — the value the JSON output, the history and its filters have
// always carried, so scripts keep working — but reads "stopped" everywhere: that is what the
// user did, and nothing went wrong.
import type { RunStatus } from './runResult.ts';

export const STATUS_WORDS: Readonly<Record<RunStatus, string>> = {
  running: 'running',
  completed: 'completed',
  failed: 'failed',
  aborted: 'stopped',
  interrupted: 'interrupted',
};

/** The status as people read it: "stopped" for a run the user ended. */
export function statusWord(status: RunStatus): string {
  return STATUS_WORDS[status];
}

/** A status as typed by a user (`--status stopped` or the stored `aborted`), or undefined. */
export function parseStatusWord(text: string): RunStatus | undefined {
  const word = text.trim().toLowerCase();
  for (const [status, shown] of Object.entries(STATUS_WORDS) as Array<[RunStatus, string]>) {
    if (word === status || word === shown) return status;
  }
  return undefined;
}
