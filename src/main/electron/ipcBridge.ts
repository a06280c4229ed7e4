// Electron IPC for the contract: one ipcMain handler per channel, each checking that the
// message comes from our own renderer's top frame before the dispatcher validates its payload.
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { channels, type EventName, type Events } from '../../shared/contract.ts';
import type { Dispatch } from '../api/apiDispatcher.ts';
import type { RunService } from '../services/runService.ts';

/** Is this the app's own page (the built file, or the dev server in development)? */
export function isTrustedUrl(url: string, rendererUrl: string): boolean {
  try {
    const u = new URL(url);
    const r = new URL(rendererUrl);
    if (r.protocol === 'file:') return u.protocol === 'file:' && u.pathname === r.pathname;
    return u.origin === r.origin;
  } catch {
    return false;
  }
}

export function registerIpc(ipcMain: IpcMain, dispatch: Dispatch, rendererUrl: string): void {
  for (const channel of Object.keys(channels)) {
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, input: unknown) => {
      const frame = event.senderFrame;
      if (!frame || frame.parent !== null || !isTrustedUrl(frame.url, rendererUrl)) {
        return { ok: false, error: { message: 'request refused: it does not come from the Barrage window', invalidInput: true } };
      }
      return dispatch(channel, input);
    });
  }
}

/** Forwards the run service's events to a window, at the engine's pace (once per second per run). */
export function forwardEvents(runs: RunService, target: () => WebContents | undefined): () => void {
  const send = <E extends EventName>(event: E, payload: Events[E]) => {
    const contents = target();
    if (contents && !contents.isDestroyed()) contents.send(event, payload);
  };
  const onProgress = (p: Events['run.progress']) => send('run.progress', p);
  const onFinished = (f: Events['run.finished']) => {
    send('run.finished', f);
    send('runs.changed', { reason: 'finished' });
  };
  const onStarted = () => send('runs.changed', { reason: 'started' });
  runs.on('progress', onProgress);
  runs.on('finished', onFinished);
  runs.on('started', onStarted);
  return () => {
    runs.off('progress', onProgress);
    runs.off('finished', onFinished);
    runs.off('started', onStarted);
  };
}
