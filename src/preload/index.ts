// The sandboxed preload: exposes exactly one object, `window.barrage`, with one method per
// contract channel. The renderer never sees ipcRenderer; the main process validates every
// payload again (the renderer is not trusted).
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { createApi, type ApiErrorPayload, type Transport } from '../shared/contract.ts';

type Envelope = { ok: true; value: unknown } | { ok: false; error: ApiErrorPayload };

const transport: Transport = {
  async invoke(channel, input) {
    const reply = (await ipcRenderer.invoke(channel, input)) as Envelope;
    if (reply.ok) return reply.value;
    throw Object.assign(new Error(reply.error.message), { invalidInput: reply.error.invalidInput, busy: reply.error.busy });
  },
  subscribe(event, listener) {
    const handler = (_e: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(event, handler);
    return () => {
      ipcRenderer.removeListener(event, handler);
    };
  },
};

contextBridge.exposeInMainWorld('barrage', createApi(transport));
