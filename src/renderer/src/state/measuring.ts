// A refused start: something else measures (the measurement lock, src/main/services/
// measurementLock.ts). The message says what and how to stop it; when the job belongs to this
// app, the notice offers to open it.
import type { MeasuringNow } from '../../../shared/contract.ts';
import { barrage } from '../api/barrage.ts';
import { notices } from './notices.svelte.ts';
import { paths } from './router.svelte.ts';

/** Where the app shows a running job. */
export function jobPath(job: Pick<MeasuringNow, 'kind' | 'id'>): string | null {
  switch (job.kind) {
    case 'run':
      return Number(job.id) > 0 ? paths.run(Number(job.id)) : paths.run();
    case 'ab':
      return job.id ? paths.compare([], job.id) : null;
    case 'showdown':
      return job.id ? paths.showdown(job.id) : null;
    case 'capacity':
      return job.id ? paths.capacity(job.id) : null;
    default:
      return null;
  }
}

const LABELS: Record<MeasuringNow['kind'], string> = { run: 'Open the running run', ab: 'Open the running A/B run', showdown: 'Open the running showdown', capacity: 'Open the running capacity search', job: 'Open it' };

/** Reports a failed start; a refusal by the lock gets an "Open the running …" link. */
export async function reportStartFailure(what: string, err: unknown): Promise<void> {
  const message = err instanceof Error ? err.message : String(err);
  // Electron's context bridge keeps only an error's message, so the job is asked for again.
  let busy = (err as { busy?: MeasuringNow } | null)?.busy;
  if (!busy && message.startsWith('cannot start:')) busy = (await barrage.app.measuring().catch(() => null)) ?? undefined;
  const href = busy?.openable ? jobPath(busy) : null;
  notices.push('error', `${what}: ${message}`, 12_000, href && busy ? { label: LABELS[busy.kind], href } : undefined);
}
