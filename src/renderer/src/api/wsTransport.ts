// The browser transport of `barrage serve`: the contract's requests and events over one
// WebSocket to the same main-process services the Electron preload reaches over IPC.
import { ReconnectBackoff } from './reconnectBackoff.ts';
import type { ApiErrorPayload, ChannelName, EventName, MeasuringNow, Transport } from '../../../shared/contract.ts';

export class ApiCallError extends Error {
  readonly invalidInput: boolean;
  readonly busy: MeasuringNow | undefined;
  constructor(payload: ApiErrorPayload) {
    super(payload.message);
    this.name = 'ApiCallError';
    this.invalidInput = payload.invalidInput;
    this.busy = payload.busy;
  }
}

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: ApiErrorPayload };
type Pushed = { event: EventName; payload: unknown };

export function wsTransport(url = defaultUrl()): Transport {
  let socket: WebSocket | undefined;
  const backoff = new ReconnectBackoff();
  let opening: Promise<WebSocket> | undefined;
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();

  const open = (): Promise<WebSocket> => {
    if (socket && socket.readyState === WebSocket.OPEN) return Promise.resolve(socket);
    opening ??= new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.onopen = () => {
        socket = ws;
        backoff.reset();
        opening = undefined;
        resolve(ws);
      };
      ws.onerror = () => {
        opening = undefined;
        reject(new Error('cannot reach the Barrage server (is `barrage serve` still running?)'));
      };
      ws.onclose = () => {
        socket = undefined;
        for (const p of pending.values()) p.reject(new Error('the connection to the Barrage server closed'));
        pending.clear();
        // Events resume when the next request reopens the socket; reconnect soon if anyone listens.
        if ([...listeners.values()].some((s) => s.size > 0)) setTimeout(() => void open().catch(() => {}), backoff.next());
      };
      ws.onmessage = (e) => {
        let msg: Reply | Pushed;
        try {
          msg = JSON.parse(String(e.data)) as Reply | Pushed;
        } catch {
          return;
        }
        if ('event' in msg) {
          for (const l of listeners.get(msg.event) ?? []) l(msg.payload);
          return;
        }
        const p = pending.get(msg.id);
        if (!p) return;
        pending.delete(msg.id);
        if (msg.ok) p.resolve(msg.value);
        else p.reject(new ApiCallError(msg.error));
      };
    });
    return opening;
  };

  return {
    async invoke(channel: ChannelName, input: unknown) {
      const ws = await open();
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        ws.send(JSON.stringify({ id, channel, input }));
      });
    },
    subscribe(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      void open().catch(() => {});
      return () => set.delete(listener);
    },
  };
}

/**
 * The API socket's address, with the session token the server put in the page's
 * `<meta name="barrage-token">` (see src/main/serve/uiServer.ts): the token is sent explicitly,
 * never by a cookie, which every other server on this host would receive too.
 */
function defaultUrl(): string {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const token = document.querySelector('meta[name="barrage-token"]')?.getAttribute('content') ?? new URLSearchParams(location.search).get('token') ?? '';
  return `${proto}//${location.host}/api?token=${encodeURIComponent(token)}`;
}
