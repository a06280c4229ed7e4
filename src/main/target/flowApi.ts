// The demo target's small API for user flows (issue #12): a login that hands out a token,
// two routes that need it, and a JSON-RPC endpoint over WebSocket whose answers come back
// after a known delay and, with jitter, out of order — so a flow has something real to log
// into, and the id-matched WebSocket exchange has a known answer to measure against.
//
// Credentials: the users of examples/users.csv, user1 … user100000, each with the password
// "pw-" + user. Tokens live in memory for the target's lifetime (bounded; the oldest go first).
import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import type { WebSocket } from 'ws';
import { epochMs } from '../clock.ts';

const USER = /^user([1-9]\d{0,5})$/;
const MAX_TOKENS = 200_000;
const MAX_BODY_BYTES = 64 * 1024;
const MAX_RPC_DELAY_MS = 60_000;
const MAX_RPC_IN_FLIGHT = 10_000;
const MAX_SUBSCRIBE_RATE = 10_000;

/** The demo catalogue `GET /items` lists. */
const ITEMS = Array.from({ length: 10 }, (_, i) => ({ id: i + 1, name: `item ${i + 1}`, priceCents: 100 * (i + 1) }));
const ITEMS_JSON = JSON.stringify({ items: ITEMS });

/** Whether `user`/`password` is one of the demo target's accounts. */
export function validCredentials(user: unknown, password: unknown): user is string {
  return typeof user === 'string' && typeof password === 'string' && USER.test(user) && password === `pw-${user}`;
}

/** One target's flow state: tokens handed out by /login (the insertion order of a Map lets the oldest go first when full), carts, and /ws/rpc's count of out-of-order answers. */
export class FlowState {
  private readonly tokens = new Map<string, string>();
  private carts = 0;
  /** Answers /ws/rpc sent ahead of an earlier request of the same socket, over all sockets. */
  rpcOutOfOrder = 0;

  issue(user: string): string {
    const token = randomBytes(16).toString('hex');
    if (this.tokens.size >= MAX_TOKENS) {
      const oldest = this.tokens.keys().next().value;
      if (oldest !== undefined) this.tokens.delete(oldest);
    }
    this.tokens.set(token, user);
    return token;
  }

  /** The user of an `Authorization: Bearer <token>` header, or undefined. */
  userOf(authorization: string | undefined): string | undefined {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    return m ? this.tokens.get(m[1]) : undefined;
  }

  nextCartId(): number {
    return ++this.carts;
  }
}

/** Serves /login, /items, /cart and /_barrage/rpc; returns false for any other path (the caller answers 404). */
export function handleFlowRequest(req: http.IncomingMessage, res: http.ServerResponse, pathname: string, book: FlowState): boolean {
  if (pathname === '/_barrage/rpc') {
    json(res, 200, { outOfOrder: book.rpcOutOfOrder });
    return true;
  }
  if (pathname === '/login') {
    if (req.method !== 'POST') {
      json(res, 405, { error: 'use POST with {"user","password"}' });
      return true;
    }
    readJson(req, res, (body) => {
      const b = body as { user?: unknown; password?: unknown } | null;
      if (!validCredentials(b?.user, b?.password)) return json(res, 401, { error: 'bad credentials' });
      json(res, 200, { token: book.issue(b.user as string) });
    });
    return true;
  }
  if (pathname === '/items') {
    if (req.method !== 'GET' && req.method !== 'HEAD') json(res, 405, { error: 'use GET' });
    else if (book.userOf(req.headers.authorization) === undefined) unauthorized(res);
    else send(res, 200, ITEMS_JSON);
    return true;
  }
  if (pathname === '/cart') {
    const user = book.userOf(req.headers.authorization);
    if (req.method !== 'POST' || user === undefined) {
      req.resume();
      if (req.method !== 'POST') json(res, 405, { error: 'use POST with {"itemId"}' });
      else unauthorized(res);
      return true;
    }
    readJson(req, res, (body) => {
      const itemId = (body as { itemId?: unknown } | null)?.itemId ?? 1;
      const item = ITEMS.find((i) => String(i.id) === String(itemId));
      if (item === undefined) return json(res, 404, { error: `no item ${String(itemId)}` });
      json(res, 200, { cartId: book.nextCartId(), user, items: [{ id: item.id, quantity: 1 }] });
    });
    return true;
  }
  return false;
}

function unauthorized(res: http.ServerResponse): void {
  res.setHeader('www-authenticate', 'Bearer');
  json(res, 401, { error: 'needs Authorization: Bearer <token> from POST /login' });
}

/** Reads a JSON body (at most 64 KiB); an empty body is null; malformed JSON answers 400. */
function readJson(req: http.IncomingMessage, res: http.ServerResponse, then: (body: unknown) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  req.on('data', (c: Buffer) => {
    size += c.length;
    if (size > MAX_BODY_BYTES) tooLarge = true;
    else chunks.push(c);
  });
  req.on('end', () => {
    if (tooLarge) return json(res, 413, { error: 'body larger than 64 KiB' });
    const text = Buffer.concat(chunks).toString('utf8');
    if (text.trim() === '') return then(null);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return json(res, 400, { error: 'body is not JSON' });
    }
    then(body);
  });
}

function json(res: http.ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON.stringify(value));
}

function send(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

// ---- JSON-RPC over WebSocket ----------------------------------------------------------------

export interface RpcOptions {
  /** Every answer waits at least this long (ms). */
  delayMs: number;
  /** Plus a uniform random extra in [0, jitterMs): later requests may overtake earlier ones. */
  jitterMs: number;
}

/** `/ws/rpc?delayMs=20&jitterMs=20`: the answer delay; absent or bad values fall back to 0. */
export function rpcOptions(params: URLSearchParams): RpcOptions {
  const num = (name: string) => {
    const n = Number(params.get(name) ?? 0);
    return Number.isFinite(n) ? Math.min(MAX_RPC_DELAY_MS, Math.max(0, n)) : 0;
  };
  return { delayMs: num('delayMs'), jitterMs: num('jitterMs') };
}

/**
 * JSON-RPC 2.0 over one WebSocket. Each request `{"jsonrpc":"2.0","id":…,"method":…}` is
 * answered `{"jsonrpc":"2.0","id":…,"result":…}` after delayMs + [0, jitterMs) ms; the answers
 * of requests in flight together leave in the order their delays end, not the order they came.
 * Methods: anything echoes `{"method","params","seq"}` as its result, with `seq` the request's
 * arrival number on this socket and `outOfOrder` true when an answer leaves before one that
 * arrived earlier (the target's own count, `GET /_barrage/rpc`, lets a client's matching be checked);
 * `subscribe` with params `{"rate": N}` also starts pushing `{"jsonrpc":"2.0","method":"tick",
 * "params":{"seq":N,"ts":epochMs}}` N times a second; `unsubscribe` stops it. A request that is
 * not JSON, or not an object with an id, answers error -32700 / -32600 at once.
 */
export function serveRpc(ws: WebSocket, options: RpcOptions, state: FlowState): void {
  let arrived = 0;
  /** Arrival numbers of requests still waiting for their answer. */
  const waiting = new Set<number>();
  const timers = new Set<NodeJS.Timeout>();
  let push: NodeJS.Timeout | undefined;
  const stopPush = () => {
    clearInterval(push);
    push = undefined;
  };

  ws.on('message', (data) => {
    let request: unknown;
    try {
      request = JSON.parse(data.toString());
    } catch {
      return reply(ws, { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error' } });
    }
    const r = request as { id?: unknown; method?: unknown; params?: unknown } | null;
    if (r === null || typeof r !== 'object' || r.id === undefined || (typeof r.id !== 'string' && typeof r.id !== 'number')) {
      return reply(ws, { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'invalid request: needs an "id" (string or number)' } });
    }
    if (waiting.size >= MAX_RPC_IN_FLIGHT) {
      return reply(ws, { jsonrpc: '2.0', id: r.id, error: { code: -32000, message: `more than ${MAX_RPC_IN_FLIGHT} requests in flight` } });
    }
    const seq = ++arrived;
    waiting.add(seq);
    const method = typeof r.method === 'string' ? r.method : 'echo';
    if (method === 'subscribe') {
      const rate = Number((r.params as { rate?: unknown } | undefined)?.rate ?? 10);
      stopPush();
      if (Number.isFinite(rate) && rate > 0) push = startTicks(ws, Math.min(MAX_SUBSCRIBE_RATE, rate));
    } else if (method === 'unsubscribe') stopPush();
    const delay = options.delayMs + Math.random() * options.jitterMs;
    const timer = setTimeout(() => {
      timers.delete(timer);
      waiting.delete(seq);
      // Out of order: an earlier request is still waiting when this one answers.
      let outOfOrder = false;
      for (const w of waiting) if (w < seq) outOfOrder = true;
      if (outOfOrder) state.rpcOutOfOrder++;
      reply(ws, { jsonrpc: '2.0', id: r.id, result: { method, params: r.params ?? null, seq, outOfOrder } });
    }, delay);
    timers.add(timer);
  });
  ws.on('close', () => {
    stopPush();
    for (const t of timers) clearTimeout(t);
    timers.clear();
  });
}

function startTicks(ws: WebSocket, rate: number): NodeJS.Timeout {
  const tickMs = Math.max(10, 1000 / rate);
  let seq = 0;
  let credit = 0;
  return setInterval(() => {
    credit += (rate * tickMs) / 1000;
    while (credit >= 1 && ws.readyState === ws.OPEN) {
      credit -= 1;
      reply(ws, { jsonrpc: '2.0', method: 'tick', params: { seq: ++seq, ts: Number(epochMs().toFixed(3)) } });
    }
  }, tickMs);
}

function reply(ws: WebSocket, message: unknown): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
}
