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
const MAX_CAPACITY_RPS = 100_000;
const MAX_CPU_US = 1_000_000;

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
      wss.handleUpgrade(req, socket, head, (ws) => feed.subscribe(ws));
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
    listener.listen(options.port ?? 0, host, () => resolve());
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

const MAX_FEEDS = 16;
const MAX_FEED_RATE = 10_000;
const MAX_EVENT_BYTES = 64 * 1024;
/** Events a feed keeps for pollers; a cursor older than that gets what is left, marked "gap". */
const FEED_KEEP_EVENTS = 100_000;
/** At most this many events in one poll response (the cursor then says where to go on). */
const MAX_EVENTS_PER_POLL = 10_000;
/** A feed nobody polled or subscribed to for this long stops. */
const FEED_IDLE_MS = 30_000;
const FEED_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Server-side event streams, created on first use by `?feed=NAME&rate=R&bytes=B` (the same
 * parameters give the same stream; `&arrivals=even` spaces events evenly instead of at random,
 * Poisson, times with that mean rate). Each event is created once, stamped with its creation
 * time (epoch ms, fractional) and its sequence number, then offered both ways: kept for
 * `GET /events?since=N` and pushed at once to every `/ws/events` subscriber.
 */
class EventFeeds {
  private readonly feeds = new Map<string, EventFeed>();

  get(params: URLSearchParams): EventFeed {
    const rawName = params.get('feed') ?? 'default';
    const name = FEED_NAME.test(rawName) ? rawName : 'default';
    const rate = clampNumber(params.get('rate'), 10, 0.1, MAX_FEED_RATE);
    const bytes = Math.round(clampNumber(params.get('bytes'), 0, 0, MAX_EVENT_BYTES));
    const even = params.get('arrivals') === 'even';
    const key = `${name}|${rate}|${bytes}|${even ? 'even' : 'poisson'}`;
    let feed = this.feeds.get(key);
    if (!feed) {
      if (this.feeds.size >= MAX_FEEDS) this.evictOldest();
      feed = new EventFeed(rate, bytes, even, () => this.feeds.delete(key));
      this.feeds.set(key, feed);
    }
    return feed;
  }

  closeAll(): void {
    for (const feed of [...this.feeds.values()]) feed.stop();
  }

  private evictOldest(): void {
    let oldest: EventFeed | undefined;
    for (const f of this.feeds.values()) if (!oldest || f.lastUsed < oldest.lastUsed) oldest = f;
    oldest?.stop();
  }
}

class EventFeed {
  lastUsed = epochMs();
  private readonly rate: number;
  private readonly bytes: number;
  /** Evenly spaced events instead of random (Poisson) arrivals. */
  private readonly even: boolean;
  private readonly onStop: () => void;
  private readonly events: string[] = [];
  private readonly subscribers = new Set<WebSocket>();
  /** Sequence number of events[0]. */
  private firstSeq = 1;
  private created = 0;
  private nextAt: number;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(rate: number, bytes: number, even: boolean, onStop: () => void) {
    this.rate = rate;
    this.bytes = bytes;
    this.even = even;
    this.onStop = onStop;
    this.nextAt = epochMs() + this.gap();
    this.arm();
  }

  /** `{"cursor":N,"events":[…]}`: events after `since`; without `since`, only the cursor. */
  poll(since: string | null): string {
    this.lastUsed = epochMs();
    const cursor = this.created;
    const after = since === null ? cursor : Math.floor(Number(since));
    if (!Number.isFinite(after) || after >= cursor) return `{"cursor":${cursor},"events":[]}`;
    const from = Math.max(after + 1, this.firstSeq);
    const to = Math.min(cursor, from + MAX_EVENTS_PER_POLL - 1);
    const list = this.events.slice(from - this.firstSeq, to - this.firstSeq + 1).join(',');
    const gap = from > after + 1 ? ',"gap":true' : '';
    return `{"cursor":${to},"events":[${list}]${gap}}`;
  }

  subscribe(ws: WebSocket): void {
    this.lastUsed = epochMs();
    this.subscribers.add(ws);
    ws.on('close', () => {
      this.subscribers.delete(ws);
      this.lastUsed = epochMs();
    });
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const ws of this.subscribers) ws.terminate();
    this.subscribers.clear();
    this.onStop();
  }

  /** Time to the next event (ms): exponential for Poisson arrivals, 1/rate when even. */
  private gap(): number {
    const mean = 1000 / this.rate;
    return this.even ? mean : -Math.log(1 - Math.random()) * mean;
  }

  private arm(): void {
    if (this.stopped) return;
    // Wake at the next event's due time (at most a second away, for the idle check).
    this.timer = setTimeout(() => this.tick(), Math.max(1, Math.min(1000, this.nextAt - epochMs())));
  }

  private tick(): void {
    const now = epochMs();
    if (this.subscribers.size === 0 && now - this.lastUsed > FEED_IDLE_MS) return this.stop();
    // Every event that has come due is created now and stamped with this moment.
    while (this.nextAt <= now) {
      const event = this.event(++this.created, epochMs());
      this.events.push(event);
      for (const ws of this.subscribers) if (ws.readyState === ws.OPEN) ws.send(event);
      this.nextAt += this.gap();
    }
    if (this.events.length > FEED_KEEP_EVENTS * 1.5) {
      const drop = this.events.length - FEED_KEEP_EVENTS;
      this.events.splice(0, drop);
      this.firstSeq += drop;
    }
    this.arm();
  }

  /** `{"seq":N,"ts":T}`, padded with a "data" field to `bytes` when that is larger. */
  private event(seq: number, ts: number): string {
    const head = `{"seq":${seq},"ts":${ts.toFixed(3)}`;
    const bare = `${head}}`;
    const padded = `${head},"data":""}`;
    if (this.bytes <= padded.length) return this.bytes > bare.length ? padded : bare;
    return `${head},"data":"${'x'.repeat(this.bytes - padded.length)}"}`;
  }
}
