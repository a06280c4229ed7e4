// `barrage serve`: the desktop app's user interface in a browser. Serves the built renderer on
// loopback and carries the same API as the Electron preload over one WebSocket.
//
// Who may do what (docs/SECURITY.md has the whole threat model):
// - The page (index.html) needs the session token in its URL, and carries it in a <meta> tag so
//   its script can send it explicitly when it opens the API socket. The token never goes into a
//   cookie: cookies ignore ports, so every other web server on 127.0.0.1 would receive it.
// - The API socket needs the token in its URL, and, when the client sends an Origin (browsers
//   always do), exactly this server's origin.
// - The page's scripts, styles and icons are the public build of the renderer and load without
//   the token; every request must still name this server in Host (stops DNS rebinding).
// - Any bytes a client sends end in a refusal, never in an exception: every handler is guarded
//   and every socket has an error listener (tests/serveHardening.test.ts fuzzes it).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { AppServices } from '../app/appServices.ts';
import { forwardEvents } from '../services/runEvents.ts';

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

/** Largest request message accepted over the API socket; a bigger one closes it with 1009. */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
/** The name of the <meta> tag that hands the token to the page's script (wsTransport.ts reads it). */
export const TOKEN_META = 'barrage-token';

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
  /** Where unexpected internal errors are reported (default: stderr, one line). */
  onUnexpected?: (err: unknown) => void;
}

const SECURITY_HEADERS: http.OutgoingHttpHeaders = {
  // The page's own CSP is in its <meta> tag; framing can only be refused by a header.
  'content-security-policy': "frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(24).toString('base64url');
  const tokenBuf = Buffer.from(token);
  const validToken = (candidate: string | undefined | null) => {
    if (!candidate) return false;
    const b = Buffer.from(candidate);
    return b.length === tokenBuf.length && timingSafeEqual(b, tokenBuf);
  };
  const onUnexpected =
    options.onUnexpected ?? ((err: unknown) => process.stderr.write(`barrage serve: internal error: ${err instanceof Error ? err.message : String(err)}\n`));
  let allowedHosts = new Set<string>();
  let allowedOrigins = new Set<string>();

  const server = http.createServer((req, res) => {
    try {
      handleHttp(req, res);
    } catch (err) {
      onUnexpected(err);
      if (!res.headersSent) deny(res, 500, 'internal error');
      else res.destroy();
    }
  });
  // Malformed requests the HTTP parser itself refuses: answer 400 if the socket still can.
  server.on('clientError', (_err, socket: Duplex) => {
    if ((socket as Socket).writable && !(socket as Socket).destroyed) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

  function handleHttp(req: http.IncomingMessage, res: http.ServerResponse): void {
    res.on('error', () => {});
    const url = parseTarget(req.url);
    if (!allowedHosts.has(req.headers.host ?? '')) return deny(res, 421, 'wrong host');
    if (!url) return deny(res, 400, 'bad request target');
    if (req.method !== 'GET' && req.method !== 'HEAD') return deny(res, 405, 'method not allowed');
    let relative: string;
    try {
      relative = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname).replace(/^\/+/, '');
    } catch {
      return deny(res, 400, 'malformed percent-encoding in the path');
    }
    const isPage = extname(relative) === '.html';
    if (isPage && !validToken(url.searchParams.get('token'))) {
      return deny(res, 403, 'this Barrage session needs the token from the URL printed by `barrage serve`');
    }
    const file = normalize(join(options.staticDir, relative));
    if (relative.includes('\0') || !file.startsWith(normalize(options.staticDir) + sep) || !existsSync(file) || !statSync(file).isFile()) {
      return deny(res, 404, 'not found');
    }
    const headers = { ...SECURITY_HEADERS, 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' };
    if (isPage) {
      res.writeHead(200, headers);
      res.end(req.method === 'HEAD' ? undefined : withTokenMeta(readFileSync(file, 'utf8'), token));
      return;
    }
    res.writeHead(200, headers);
    if (req.method === 'HEAD') return void res.end();
    const stream = createReadStream(file);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false });
  wss.on('error', onUnexpected);
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    try {
      const url = parseTarget(req.url);
      const origin = req.headers.origin;
      const originOk = origin === undefined || allowedOrigins.has(origin);
      if (!url || url.pathname !== '/api' || !allowedHosts.has(req.headers.host ?? '') || !originOk || !validToken(url.searchParams.get('token'))) {
        socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => serveApi(ws, options.services, onUnexpected));
    } catch (err) {
      onUnexpected(err);
      socket.destroy();
    }
  });

  // Live events go to every open UI.
  const stopForwarding = forwardEvents(options.services.context, (event, payload) => {
    const text = JSON.stringify({ event, payload });
    for (const client of wss.clients) if (client.readyState === client.OPEN) client.send(text);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  server.on('error', onUnexpected);
  const { port } = server.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host;
  allowedHosts = new Set([`${shown}:${port}`, `localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]);
  allowedOrigins = new Set([...allowedHosts].map((h) => `http://${h}`));
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

/** The request target as a URL, or null when it is not one (`GET http://[ HTTP/1.1`). */
function parseTarget(target: string | undefined): URL | null {
  try {
    return new URL(target ?? '/', 'http://barrage');
  } catch {
    return null;
  }
}

function withTokenMeta(html: string, token: string): string {
  const meta = `<meta name="${TOKEN_META}" content="${token}">`;
  return /<head[^>]*>/i.test(html) ? html.replace(/<head[^>]*>/i, (m) => `${m}${meta}`) : meta + html;
}

function reply(ws: WebSocket, message: unknown): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
}

function serveApi(ws: WebSocket, services: AppServices, onUnexpected: (err: unknown) => void): void {
  // Oversized messages (1009), bad frames (1002/1007) and resets arrive here; ws itself closes
  // the socket with the right code. Without a listener the error would end the process.
  ws.on('error', () => {});
  ws.on('message', (data: RawData, isBinary: boolean) => {
    void handleMessage(data, isBinary).catch((err: unknown) => {
      onUnexpected(err);
      reply(ws, { id: null, ok: false, error: { message: 'internal error', invalidInput: false } });
    });
  });

  async function handleMessage(data: RawData, isBinary: boolean): Promise<void> {
    const refuse = (id: unknown, message: string) =>
      reply(ws, { id: typeof id === 'number' ? id : null, ok: false, error: { message, invalidInput: true } });
    if (isBinary) return refuse(null, 'requests are JSON text messages');
    let message: unknown;
    try {
      message = JSON.parse(data.toString());
    } catch {
      return refuse(null, 'request is not JSON');
    }
    if (typeof message !== 'object' || message === null || Array.isArray(message)) return refuse(null, 'a request is a JSON object {id, channel, input}');
    const { id, channel, input } = message as { id?: unknown; channel?: unknown; input?: unknown };
    if (typeof id !== 'number' || !Number.isFinite(id) || typeof channel !== 'string') {
      return refuse(id, 'request needs a numeric id and a channel');
    }
    const answer = await services.dispatch(channel, input);
    reply(ws, { id, ...answer });
  }
}

function deny(res: http.ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
  res.end(message + '\n');
}
