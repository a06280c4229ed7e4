// Electron IPC for the contract: one ipcMain handler per channel, each checking that the
// message comes from our own renderer's top frame before the dispatcher validates its payload.
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { channels } from '../../shared/contract.ts';
import type { Dispatch } from '../api/apiDispatcher.ts';
import type { JobRegistry } from '../services/jobRegistry.ts';
import { forwardEvents as forwardContractEvents } from '../services/runEvents.ts';
import type { RunService } from '../services/runService.ts';

/** Is this the app's own page (the built file, or the dev server in development)? */
export function isTrustedUrl(url: string, rendererUrl: string): boolean {
  try {
    const u = new URL(url);
    const r = new URL(rendererUrl);
    if (r.protocol === 'file:') return u.protocol === 'file:' && u.pathname === r.pathname;
    // app:// is not a special scheme for WHATWG URL, so its origin reads "null": compare parts.
    if (r.protocol === 'app:') return u.protocol === 'app:' && u.host === r.host;
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

/** Forwards run and job events to a window (the one open now, if any). */
export function forwardEvents(services: { runs: RunService; jobs: JobRegistry }, target: () => WebContents | undefined): () => void {
  return forwardContractEvents(services, (event, payload) => {
    const contents = target();
    if (contents && !contents.isDestroyed()) contents.send(event, payload);
  });
}
