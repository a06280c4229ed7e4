// The built-in demo target: a small HTTP and WebSocket server on loopback, so a new user can
// try Barrage without a server of their own, and the tests have something real to measure.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { epochMs } from '../engine/metrics/clock.ts';

export interface DemoTarget {
  port: number;
  httpUrl: string;
  wsUrl: string;
  close(): Promise<void>;
}

export interface DemoTargetOptions {
  port?: number;
  host?: string;
}

const HELLO = JSON.stringify({ service: 'barrage-demo-target', ok: true });
const MAX_DELAY_MS = 60_000;
const MAX_PUSH_RATE = 10_000;

export async function startDemoTarget(options: DemoTargetOptions = {}): Promise<DemoTarget> {
  const host = options.host ?? '127.0.0.1';
  const server = http.createServer(handleRequest);
  server.keepAliveTimeout = 60_000;
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://target');
    if (url.pathname === '/ws/echo') {
      wss.handleUpgrade(req, socket, head, (ws) => serveEcho(ws));
    } else if (url.pathname === '/ws/push') {
      const rate = clampNumber(url.searchParams.get('rate'), 10, 0.1, MAX_PUSH_RATE);
      wss.handleUpgrade(req, socket, head, (ws) => servePush(ws, rate));
    } else {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    port,
    httpUrl: `http://${shownHost}:${port}`,
    wsUrl: `ws://${shownHost}:${port}`,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function handleRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://target');
  if (url.pathname === '/' && (req.method === 'GET' || req.method === 'HEAD')) {
    return send(res, 200, HELLO, 'application/json');
  }
  if (url.pathname === '/echo') {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => send(res, 200, Buffer.concat(chunks), req.headers['content-type'] ?? 'application/octet-stream'));
    return;
  }
  if (url.pathname === '/delay') {
    const ms = clampNumber(url.searchParams.get('ms'), 0, 0, MAX_DELAY_MS);
    const timer = setTimeout(() => send(res, 200, JSON.stringify({ delayedMs: ms }), 'application/json'), ms);
    res.on('close', () => clearTimeout(timer));
    return;
  }
  if (url.pathname === '/status') {
    const code = clampNumber(url.searchParams.get('code'), 200, 100, 599);
    return send(res, code, JSON.stringify({ status: code }), 'application/json');
  }
  send(res, 404, JSON.stringify({ error: 'not found', path: url.pathname }), 'application/json');
}

function send(res: http.ServerResponse, status: number, body: string | Buffer, type: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function serveEcho(ws: WebSocket): void {
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
}

/** Pushes `rate` messages per second, each stamped with its send time (epoch ms, fractional). */
function servePush(ws: WebSocket, rate: number): void {
  const tickMs = Math.max(10, 1000 / rate);
  let seq = 0;
  let credit = 0;
  const timer = setInterval(() => {
    credit += (rate * tickMs) / 1000;
    while (credit >= 1 && ws.readyState === ws.OPEN) {
      credit -= 1;
      ws.send(`{"seq":${seq++},"ts":${epochMs().toFixed(3)}}`);
    }
  }, tickMs);
  ws.on('close', () => clearInterval(timer));
}

function clampNumber(raw: string | null, fallback: number, min: number, max: number): number {
  const n = raw === null ? NaN : Number(raw);
  if (!Number.isFinite(n)) return fallback;
  return Math.min(max, Math.max(min, n));
}
