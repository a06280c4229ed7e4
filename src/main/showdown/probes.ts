// Small measurements on an idle target, taken before the load: what opening and closing one
// connection costs (bytes at the socket level and time), and the server's CPU meter.
// Every probe verifies TLS certificates as the engine does (preflight.ts): a showdown against a
// target whose certificate does not verify fails, naming the endpoint, instead of measuring it.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { redactUrl } from '../../shared/redact.ts';
import tls from 'node:tls';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import { epochMs } from '../clock.ts';

const PROBE_TIMEOUT_MS = 5000;

/** Median of a list (the list is sorted in place). */
export function median(values: number[]): number {
  if (values.length === 0) return 0;
  values.sort((a, b) => a - b);
  const mid = values.length >> 1;
  return values.length % 2 ? values[mid] : Math.round((values[mid - 1] + values[mid]) / 2);
}

/** Time (µs) to open a TCP connection (TLS included for https) to the URL's host, `count` times in a row. */
export async function tcpConnectProbe(rawUrl: string, count = 9): Promise<number[]> {
  const url = new URL(rawUrl);
  const secure = url.protocol === 'https:' || url.protocol === 'wss:';
  const port = Number(url.port) || (secure ? 443 : 80);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    times.push(
      await new Promise<number>((resolve, reject) => {
        const started = epochMs();
        const socket: Socket = secure
          ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, rejectUnauthorized: true })
          : net.connect({ host, port });
        const timer = setTimeout(() => {
          socket.destroy();
          reject(new Error(`connecting to ${url.host} took longer than ${PROBE_TIMEOUT_MS / 1000} s`));
        }, PROBE_TIMEOUT_MS);
        socket.once(secure ? 'secureConnect' : 'connect', () => {
          clearTimeout(timer);
          resolve(Math.max(1, Math.round((epochMs() - started) * 1000)));
          socket.destroy();
        });
        socket.once('error', (err) => {
          clearTimeout(timer);
          reject(err);
        });
      }),
    );
  }
  return times;
}

export interface WsProbe {
  /** Connect + upgrade time (µs). */
  openUs: number;
  openSentBytes: number;
  openReceivedBytes: number;
  closeSentBytes: number;
  closeReceivedBytes: number;
  /** Socket bytes of the messages exchanged after opening (echo: one each way). */
  messageSentBytes: number;
  messageReceivedBytes: number;
  /** Messages received, and their payload bytes (compact JSON when they are JSON). */
  messagesReceived: number;
  payloadReceivedBytes: number;
}

/**
 * Opens one WebSocket connection with the options the load swarm uses (no compression, no
 * extra headers), then either sends `message` and waits for its echo, or (without a message)
 * waits for `waitMessages` pushed messages; then closes it with a close handshake. Byte
 * counts are the socket's own.
 */
export function wsProbe(rawUrl: string, opts: { message?: string; waitMessages?: number; timeoutMs?: number } = {}): Promise<WsProbe> {
  return new Promise<WsProbe>((resolve, reject) => {
    const started = epochMs();
    const ws = new WebSocket(rawUrl, [], { perMessageDeflate: false, handshakeTimeout: PROBE_TIMEOUT_MS, rejectUnauthorized: true });
    let socket: Socket | null = null;
    const out: WsProbe = {
      openUs: 0,
      openSentBytes: 0,
      openReceivedBytes: 0,
      closeSentBytes: 0,
      closeReceivedBytes: 0,
      messageSentBytes: 0,
      messageReceivedBytes: 0,
      messagesReceived: 0,
      payloadReceivedBytes: 0,
    };
    const wanted = opts.message !== undefined ? 1 : (opts.waitMessages ?? 3);
    let beforeClose = { sent: 0, received: 0 };
    let closing = false;
    const timer = setTimeout(() => {
      if (socket !== null && ws.readyState === WebSocket.OPEN) beginClose();
      else {
        ws.terminate();
        reject(new Error(`no WebSocket connection to ${redactUrl(rawUrl)} within ${(opts.timeoutMs ?? PROBE_TIMEOUT_MS) / 1000} s`));
      }
    }, opts.timeoutMs ?? PROBE_TIMEOUT_MS);
    const bytes = () => ({ sent: socket?.bytesWritten ?? 0, received: socket?.bytesRead ?? 0 });
    const beginClose = () => {
      if (closing) return;
      closing = true;
      beforeClose = bytes();
      out.messageSentBytes = beforeClose.sent - out.openSentBytes;
      out.messageReceivedBytes = beforeClose.received - out.openReceivedBytes;
      ws.close(1000);
    };
    ws.on('upgrade', (res: IncomingMessage) => {
      socket = res.socket;
    });
    ws.on('open', () => {
      out.openUs = Math.max(1, Math.round((epochMs() - started) * 1000));
      const b = bytes();
      out.openSentBytes = b.sent;
      out.openReceivedBytes = b.received;
      if (opts.message !== undefined) ws.send(opts.message);
    });
    ws.on('message', (data: WebSocket.RawData) => {
      if (closing) return;
      const buf = data as Buffer;
      out.messagesReceived++;
      out.payloadReceivedBytes += compactJsonBytes(buf);
      if (out.messagesReceived >= wanted) beginClose();
    });
    ws.on('error', (err) => {
      if (ws.readyState !== WebSocket.OPEN && !closing) {
        clearTimeout(timer);
        reject(err);
      }
    });
    ws.on('close', () => {
      clearTimeout(timer);
      const b = bytes();
      out.closeSentBytes = b.sent - beforeClose.sent;
      out.closeReceivedBytes = b.received - beforeClose.received;
      if (out.openUs === 0) reject(new Error(`the WebSocket connection to ${redactUrl(rawUrl)} closed before opening`));
      else resolve(out);
    });
  });
}

/** Bytes of a message as compact JSON (how both update modes count event payloads); raw size otherwise. */
export function compactJsonBytes(data: Buffer): number {
  try {
    return Buffer.byteLength(JSON.stringify(JSON.parse(data.toString('utf8'))));
  } catch {
    return data.length;
  }
}

/** POSTs `body` (JSON) to an echo endpoint on a connection of its own; reports the answer's body size. */
export function postEcho(rawUrl: string, body: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<{ echoed: boolean; bytes: number; status: number }> {
  return new Promise((resolve, reject) => {
    const lib = rawUrl.startsWith('https:') ? https : http;
    const req = lib.request(
      rawUrl,
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        rejectUnauthorized: true,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status < 200 || status >= 400) return reject(new Error(`answered ${status} to a POST of the payload`));
          const answer = Buffer.concat(chunks);
          resolve({ echoed: answer.toString('utf8') === body, bytes: answer.length, status });
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** GET a JSON document (one request, its own connection). */
export function getJson(rawUrl: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const lib = rawUrl.startsWith('https:') ? https : http;
    const req = lib.get(rawUrl, { agent: false, headers: { accept: 'application/json' }, rejectUnauthorized: true }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if ((res.statusCode ?? 0) >= 400) return reject(new Error(`${redactUrl(rawUrl)} answered ${res.statusCode}`));
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch (err) {
          reject(new Error(`${redactUrl(rawUrl)} did not answer JSON (${(err as Error).message})`));
        }
      });
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${redactUrl(rawUrl)} did not answer within ${timeoutMs / 1000} s`)));
    req.on('error', reject);
  });
}

/** The server's CPU time so far (µs) from its meter, or null when it has none. */
export async function readServerCpu(cpuUrl: string | null): Promise<number | null> {
  if (cpuUrl === null) return null;
  try {
    const body = (await getJson(cpuUrl, 2000)) as { totalUs?: unknown; userUs?: unknown; systemUs?: unknown };
    if (typeof body.totalUs === 'number') return body.totalUs;
    if (typeof body.userUs === 'number' && typeof body.systemUs === 'number') return body.userUs + body.systemUs;
    return null;
  } catch {
    return null;
  }
}
