// The run service's and the job registry's events as the contract's events, for any transport
// (Electron IPC, the WebSocket of `barrage serve`). Progress arrives at the engine's pace: once
// per run per second; a job's status at each of its steps.
import type { EventName, Events } from '../../shared/contract.ts';
import type { JobChange, JobRegistry } from './jobRegistry.ts';
import type { RunService } from './runService.ts';

export type EventSink = <E extends EventName>(event: E, payload: Events[E]) => void;

/** Forwards run events to `send`; returns the function that stops forwarding. */
export function forwardRunEvents(runs: RunService, send: EventSink): () => void {
  const onProgress = (p: Events['run.progress']) => send('run.progress', p);
  const onFinished = (f: Events['run.finished']) => {
    send('run.finished', f);
    send('runs.changed', { reason: 'finished' });
  };
  const onStarted = () => send('runs.changed', { reason: 'started' });
  const onChanged = (c: Events['runs.changed']) => send('runs.changed', c);
  runs.on('progress', onProgress);
  runs.on('finished', onFinished);
  runs.on('started', onStarted);
  runs.on('changed', onChanged);
  return () => {
    runs.off('progress', onProgress);
    runs.off('finished', onFinished);
    runs.off('started', onStarted);
    runs.off('changed', onChanged);
  };
}

/** Forwards every job's status changes to `send` (`ab.changed`, `showdown.changed`, `capacity.changed`). */
export function forwardJobEvents(jobs: JobRegistry, send: EventSink): () => void {
  const onChanged = (change: JobChange) => {
    switch (change.kind) {
      case 'ab':
        return send('ab.changed', change.status);
      case 'showdown':
        return send('showdown.changed', change.status);
      case 'capacity':
        return send('capacity.changed', change.status);
    }
  };
  jobs.on('changed', onChanged);
  return () => jobs.off('changed', onChanged);
}

/** Every event of the contract: runs and jobs. */
export function forwardEvents(services: { runs: RunService; jobs: JobRegistry }, send: EventSink): () => void {
  const offRuns = forwardRunEvents(services.runs, send);
  const offJobs = forwardJobEvents(services.jobs, send);
  return () => {
    offRuns();
    offJobs();
  };
}
