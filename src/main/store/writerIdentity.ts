// Who is recording a running run, so the next start can tell a live run (the app and a CLI
// run may record at the same time) from one whose process was killed.
import { randomUUID } from 'node:crypto';

/**
 * Identifies this process's incarnation next to its pid: after a restart (always so in a
 * container) a new process may get the pid of the killed one that left a run 'running'.
 */
export const WRITER_TOKEN = randomUUID();

/** Whether the process that is recording a run is still there. */
export function writerAlive(pid: number | null, token: string | null): boolean {
  if (pid === null) return false;
  if (pid === process.pid) return token === WRITER_TOKEN;
  try {
    process.kill(pid, 0); // signal 0: existence check only
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user, so it is alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

