// The API object every view uses. In the desktop app the preload has put it on `window`
// (over Electron IPC); in a browser (`barrage serve`) it is built here over a WebSocket.
// Only the transport differs; the views are the same.
import { createApi, type BarrageApi } from '../../../shared/contract.ts';
import { wsTransport } from './wsTransport.ts';

declare global {
  interface Window {
    barrage?: BarrageApi;
  }
}

export const barrage: BarrageApi = window.barrage ?? createApi(wsTransport());
