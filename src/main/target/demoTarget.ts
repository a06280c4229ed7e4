// The built-in demo target: a small HTTP and WebSocket server on loopback, so a new user can
// try Barrage without a server of their own, and the tests have something real to measure.
import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { epochMs } from '../clock.ts';
import { FixedCapacityQueue } from './fixedCapacityQueue.ts';
import { FlowState, handleFlowRequest, rpcOptions, serveRpc } from './flowApi.ts';
import { h2cAndHttp1Listener } from './h2cPort.ts';
import { clampNumber, EventFeeds } from './eventFeeds.ts';
import { serveEventStream, serveLongPoll } from './eventStreams.ts';

export interface DemoTarget {
  port: number;
  httpUrl: string;
  wsUrl: string;
  close(): Promise<void>;
}

export interface DemoTargetOptions {
  port?: number;
  host?: string;
  /**
   * Listen with SO_REUSEPORT (Node ≥ 22.12), so several processes serve one port and the kernel
   * spreads new connections over them (targetCluster.ts: 50,000 connections need 3 processes at
   * 20,000 file descriptors each).
   */
  reusePort?: boolean;
}

const HELLO = JSON.stringify({ service: 'barrage-demo-target', ok: true });
const MAX_DELAY_MS = 60_000;
const MAX_PUSH_RATE = 10_000;
const MAX_CAPACITY_RPS = 100_000;
const MAX_CPU_US = 1_000_000;

/**
 * Listen backlog: connections the kernel completes while the event loop is busy. Node's default
 * (511) overflows when a generator ramps at thousands per second (the 50,000-connection row):
 * SYNs beyond it are dropped and wait for their retransmission (1 s, 3 s, 7 s…). The kernel
 * caps it at net.core.somaxconn (docs/DISTRIBUTED.md, "One machine").
 */
export const LISTEN_BACKLOG = 4096;

export async function startDemoTarget(options: DemoTargetOptions = {}): Promise<DemoTarget> {
  const host = options.host ?? '127.0.0.1';
  const feeds = new EventFeeds();
  const queues = new Map<number, FixedCapacityQueue>();
  const flows = new FlowState();
  const server = http.createServer((req, res) => handleRequest(req, res, feeds, queues, flows));
  server.keepAliveTimeout = 60_000;
  // h2c on the same port (h2cPort.ts): every route answers over HTTP/2 too, through Node's
  // compatibility API (request and response objects shaped like http's), /h2 among them.
  const h2 = http2.createServer({ settings: { maxConcurrentStreams: 1000 } }, (req, res) =>
    handleRequest(req as unknown as http.IncomingMessage, res as unknown as http.ServerResponse, feeds, queues, flows),
  );
  h2.on('sessionError', () => {});
  const listener = h2cAndHttp1Listener(server, h2);
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://target');
    if (url.pathname === '/ws/echo') {
      wss.handleUpgrade(req, socket, head, (ws) => serveEcho(ws));
    } else if (url.pathname === '/ws/events') {
      const feed = feeds.get(url.searchParams);
      wss.handleUpgrade(req, socket, head, (ws) => subscribeSocket(feed, ws));
    } else if (url.pathname === '/ws/capacity') {
      // The WebSocket side of /capacity?rps=N: the same queue, so REST and WebSocket searches of
      // one N meet one server of known capacity (the showdown's question at an SLO).
      const queue = capacityQueue(queues, url.searchParams);
      wss.handleUpgrade(req, socket, head, (ws) => serveCapacity(ws, queue));
    } else if (url.pathname === '/ws/rpc') {
      const options = rpcOptions(url.searchParams);
      wss.handleUpgrade(req, socket, head, (ws) => serveRpc(ws, options, flows));
    } else if (url.pathname === '/ws/push') {
      const rate = clampNumber(url.searchParams.get('rate'), 10, 0.1, MAX_PUSH_RATE);
      wss.handleUpgrade(req, socket, head, (ws) => servePush(ws, rate));
    } else {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    }
  });

  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen({ port: options.port ?? 0, host, backlog: LISTEN_BACKLOG, ...(options.reusePort ? { reusePort: true } : {}) }, () => resolve());
  });
  const { port } = listener.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    port,
    httpUrl: `http://${shownHost}:${port}`,
    wsUrl: `ws://${shownHost}:${port}`,
    close: async () => {
      feeds.closeAll();
      for (const q of queues.values()) q.close();
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    },
  };
}

function handleRequest(req: http.IncomingMessage, res: http.ServerResponse, feeds: EventFeeds, queues: Map<number, FixedCapacityQueue>, flows: FlowState): void {
  const url = new URL(req.url ?? '/', 'http://target');
  if (handleFlowRequest(req, res, url.pathname, flows)) return;
  if (url.pathname === '/' && (req.method === 'GET' || req.method === 'HEAD')) {
    return send(res, 200, HELLO, 'application/json');
  }
  if (url.pathname === '/events' && req.method === 'GET') {
    return send(res, 200, feeds.get(url.searchParams).poll(url.searchParams.get('since')), 'application/json');
  }
  // The same feeds as Server-Sent Events and as long polling (eventStreams.ts).
  if (url.pathname === '/sse/events' && req.method === 'GET') return serveEventStream(req, res, feeds.get(url.searchParams), url.searchParams);
  if (url.pathname === '/events/long-poll' && req.method === 'GET') return serveLongPoll(res, feeds.get(url.searchParams), url.searchParams);
  if (url.pathname === '/_barrage/process' && req.method === 'GET') {
    // Which process of a cluster (targetCluster.ts) served this connection.
    return send(res, 200, JSON.stringify({ pid: process.pid }), 'application/json');
  }
  if (url.pathname === '/_barrage/cpu' && req.method === 'GET') {
    return send(res, 200, JSON.stringify(cpuMeter()), 'application/json');
  }
  // /h2: the echo meant for HTTP/2 (h2c on this port), answered over HTTP/1.1 as well.
  if (url.pathname === '/echo' || url.pathname === '/h2') {
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
  if (url.pathname === '/capacity') {
    const queue = capacityQueue(queues, url.searchParams);
    const rps = clampNumber(url.searchParams.get('rps'), 100, 1, MAX_CAPACITY_RPS);
    const gone = queue.add(() => send(res, 200, JSON.stringify({ capacityPerSec: rps }), 'application/json'));
    res.on('close', () => {
      if (!res.writableEnded) gone();
    });
    return;
  }
  if (url.pathname === '/cpu' && (req.method === 'GET' || req.method === 'HEAD')) {
    // A known server-side cost: N µs of CPU on the target's thread per request, so a regression
    // of a known size (200 → 220 µs: 10%) can be measured end to end (the A/B bench row).
    const us = clampNumber(url.searchParams.get('us'), 0, 0, MAX_CPU_US);
    return send(res, 200, JSON.stringify({ cpuUs: us, spun: spin(us) }), 'application/json');
  }
  if (url.pathname === '/status') {
    const code = clampNumber(url.searchParams.get('code'), 200, 100, 599);
    return send(res, code, JSON.stringify({ status: code }), 'application/json');
  }
  send(res, 404, JSON.stringify({ error: 'not found', path: url.pathname }), 'application/json');
}

/** Keeps the thread busy for `us` microseconds (wall time on a thread that does nothing else = CPU time); returns the loop count. */
function spin(us: number): number {
  const end = process.hrtime.bigint() + BigInt(Math.round(us * 1000));
  let loops = 0;
  while (process.hrtime.bigint() < end) loops++;
  return loops;
}

function send(res: http.ServerResponse, status: number, body: string | Buffer, type: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** One queue per capacity: every client of /capacity?rps=N and /ws/capacity?rps=N shares the same N per second. */
function capacityQueue(queues: Map<number, FixedCapacityQueue>, params: URLSearchParams): FixedCapacityQueue {
  const rps = clampNumber(params.get('rps'), 100, 1, MAX_CAPACITY_RPS);
  let queue = queues.get(rps);
  if (!queue) queues.set(rps, (queue = new FixedCapacityQueue(rps)));
  return queue;
}

/** Echoes each message once the capacity queue has served it; a closed socket's messages leave the queue unserved. */
function serveCapacity(ws: WebSocket, queue: FixedCapacityQueue): void {
  const pending = new Set<() => void>();
  ws.on('message', (data, isBinary) => {
    const gone = queue.add(() => {
      pending.delete(gone);
      if (ws.readyState === ws.OPEN) ws.send(data, { binary: isBinary });
    });
    pending.add(gone);
  });
  ws.on('close', () => {
    for (const gone of pending) gone();
    pending.clear();
  });
}

/** A /ws/events subscriber: every event of the feed as one text message; closed when the feed stops. */
function subscribeSocket(feed: ReturnType<EventFeeds['get']>, ws: WebSocket): void {
  const unsubscribe = feed.listen(
    (_seq, event) => {
      if (ws.readyState === ws.OPEN) ws.send(event);
    },
    () => ws.terminate(),
  );
  ws.on('close', unsubscribe);
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

// ---- the showdown's server side: CPU meter and event feeds ----------------------------------

type CpuReader = () => NodeJS.CpuUsage;
const threadCpu = (process as { threadCpuUsage?: CpuReader }).threadCpuUsage;

/**
 * CPU time used so far by the thread serving this target (µs), so a client can compute the
 * server's CPU per request from two readings. Run the target in its own thread (the showdown
 * does) and this is the server alone; on a shared main thread it includes its neighbours.
 */
export function cpuMeter(): { userUs: number; systemUs: number; totalUs: number; scope: 'thread' | 'process'; at: number } {
  const usage = threadCpu ? threadCpu.call(process) : process.cpuUsage();
  return {
    userUs: usage.user,
    systemUs: usage.system,
    totalUs: usage.user + usage.system,
    scope: threadCpu ? 'thread' : 'process',
    at: epochMs(),
  };
}
