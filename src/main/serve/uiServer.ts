// `barrage serve`: the desktop app's user interface in a browser. Serves the built renderer on
// loopback and carries the same API as the Electron preload over one WebSocket. Everything
// requires the session token from the printed URL (kept in a SameSite cookie after the first
// page load); the Host and Origin headers must name this server, which stops DNS rebinding
// and other sites' pages from reaching it.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AppServices } from '../services/appServices.ts';
import { forwardRunEvents } from '../services/runEvents.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

const COOKIE = 'barrage_token';
/** Largest request message accepted over the API socket. */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

export interface UiServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export interface UiServerOptions {
  services: AppServices;
  staticDir: string;
  port?: number;
  host?: string;
  token?: string;
}

export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(24).toString('base64url');
  const tokenBuf = Buffer.from(token);
  const validToken = (candidate: string | undefined | null) => {
    if (!candidate) return false;
    const b = Buffer.from(candidate);
    return b.length === tokenBuf.length && timingSafeEqual(b, tokenBuf);
  };
  let allowedHosts = new Set<string>();

  const authorized = (req: http.IncomingMessage, url: URL) =>
    validToken(url.searchParams.get('token')) || validToken(cookieOf(req, COOKIE));

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://barrage');
    if (!allowedHosts.has(req.headers.host ?? '')) return deny(res, 421, 'wrong host');
    if (req.method !== 'GET' && req.method !== 'HEAD') return deny(res, 405, 'method not allowed');
    if (!authorized(req, url)) return deny(res, 403, 'this Barrage session needs the token from the URL printed by `barrage serve`');
    const headers: http.OutgoingHttpHeaders = {
      // The page's own CSP is in its <meta> tag; framing can only be refused by a header.
      'content-security-policy': "frame-ancestors 'none'",
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    };
    if (validToken(url.searchParams.get('token'))) {
      headers['set-cookie'] = `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    }
    serveStatic(options.staticDir, url.pathname, headers, res);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://barrage');
    const origin = req.headers.origin;
    const originOk = !origin || allowedHosts.has(origin.replace(/^https?:\/\//, ''));
    if (url.pathname !== '/api' || !allowedHosts.has(req.headers.host ?? '') || !originOk || !authorized(req, url)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveApi(ws, options.services));
  });

  // Live events go to every open UI.
  const stopForwarding = forwardRunEvents(options.services.context.runs, (event, payload) => {
    const text = JSON.stringify({ event, payload });
    for (const client of wss.clients) if (client.readyState === client.OPEN) client.send(text);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host;
  allowedHosts = new Set([`${shown}:${port}`, `localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]);
  return {
    url: `http://${shown}:${port}/?token=${token}`,
    port,
    token,
    close: async () => {
      stopForwarding();
      for (const c of wss.clients) c.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function serveApi(ws: WebSocket, services: AppServices): void {
  ws.on('message', async (data) => {
    let message: { id?: unknown; channel?: unknown; input?: unknown };
    try {
      message = JSON.parse(data.toString()) as typeof message;
    } catch {
      return ws.send(JSON.stringify({ id: null, ok: false, error: { message: 'request is not JSON', invalidInput: true } }));
    }
    if (typeof message.id !== 'number' || typeof message.channel !== 'string') {
      return ws.send(JSON.stringify({ id: message.id ?? null, ok: false, error: { message: 'request needs a numeric id and a channel', invalidInput: true } }));
    }
    const reply = await services.dispatch(message.channel, message.input);
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id: message.id, ...reply }));
  });
}

function serveStatic(dir: string, pathname: string, headers: http.OutgoingHttpHeaders, res: http.ServerResponse): void {
  const relative = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
  const file = normalize(join(dir, relative));
  if (!file.startsWith(normalize(dir) + sep) || !existsSync(file) || !statSync(file).isFile()) {
    return deny(res, 404, 'not found');
  }
  res.writeHead(200, { ...headers, 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(res);
}

function deny(res: http.ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(message + '\n');
}

function cookieOf(req: http.IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}
