// The lean HTTP/1.1 client of flow steps (issue #12's overhead goal): one raw net.Socket per
// virtual user and origin, kept alive between steps, one request at a time (no pipelining, as
// a browser tab's connection), responses parsed by http-parser-js — the pure-JavaScript
// parser autocannon uses for Barrage's single-request runs. node:http cost a flow about 4× the
// CPU per request of a single-request run: an Agent, a ClientRequest, an IncomingMessage
// stream, a timer and listeners per request (docs/PERFORMANCE.md, "Session 5"). Here a
// request is one socket write of bytes the step rendered (httpRequestBytes.ts) and a response
// is a few parser callbacks; the body is kept (and decoded) only when the step needs it.
//
// What it does as node:http did (so a flow's figures and error kinds stay the same):
// - keep-alive: the socket is reused until the server closes it or answers `Connection:
//   close` (or an HTTP/1.0 answer without keep-alive, or a body delimited by the close);
//   the next request then reconnects, and its latency includes the connect.
// - bodies: Content-Length, chunked, or until the close; none for HEAD, 1xx, 204 and 304.
//   An informational 1xx answer (100 Continue) is skipped, the final one awaited.
// - faults by the same error kinds: a refused or reset connection (classifyError), the server
//   closing before any byte of the answer (`reset`, Node's "socket hang up"), or in the middle
//   of it (`incomplete`), no byte for the scenario's timeout (`timeout`, an idle timeout as
//   req.setTimeout's), a body over the scenario's limit (`too-large`), a malformed answer
//   (`other`, Node's HPE_* parse errors), the run stopping (`unfinished`).
// - every socket is reported to the run's ConnectionHooks, so connections and bytes are counted
//   from the socket's own counters as before.
// HTTPS steps still go through node:https (see httpStep.ts): TLS costs more than the HTTP
// machinery there, and its certificate and SNI handling is best left to Node.
import net from 'node:net';
import { HTTPParser } from 'http-parser-js';
import type { ErrorKind } from '../../../shared/runResult.ts';
import type { Clock } from '../../clock.ts';
import { classifyError } from '../errorKinds.ts';
import type { ConnectionHooks } from './stepExecutor.ts';

/** A failure of one request, by the run's error kind. */
export class StepFault extends Error {
  readonly kind: ErrorKind;
  constructor(kind: ErrorKind, message: string) {
    super(message);
    this.kind = kind;
  }
}

export interface LeanResponse {
  status: number;
  /** Lower-case names; set-cookie as a list, other repeated headers joined with ", " (as node:http). Only when the body is kept. */
  headers: Record<string, string | string[]> | undefined;
  /** UTF-8 text of the body; '' when the step does not keep bodies. */
  body: string;
  /** Clock ms when the last byte arrived. */
  endMs: number;
}

export interface LeanRequest {
  /** The whole request: head and body, as rendered by httpRequestBytes.ts. */
  bytes: Buffer;
  /** A HEAD request: its answer has no body whatever its headers say. */
  head: boolean;
  /** Keep the headers and the body (extractions, checks, Try once); otherwise only counted. */
  keepBody: boolean;
  /** When the step started (clock ms): a connect opened for this request is timed from here. */
  startMs: number;
  signal: AbortSignal;
}

export interface LeanConnectionOptions {
  /** Where to connect: the address resolved before the run, or another host's name. */
  host: string;
  port: number;
  /** Idle time without a byte of the answer after which a request fails with `timeout`. */
  timeoutMs: number;
  /** The largest body accepted (bytes); more is `too-large`. */
  maxBytes: number;
  clock: Clock;
  hooks?: ConnectionHooks;
}

interface Pending {
  request: LeanRequest;
  resolve: (response: LeanResponse) => void;
  reject: (fault: Error) => void;
}

type Parser = InstanceType<typeof HTTPParser>;

/** What http-parser-js hands to kOnHeadersComplete in its default mode. */
interface HeaderInfo {
  statusCode: number;
  headers: string[];
  shouldKeepAlive: boolean;
}

/** One virtual user's keep-alive connection to one origin. One request at a time. */
export class LeanHttpConnection {
  private readonly options: LeanConnectionOptions;
  private socket: net.Socket | undefined;
    private pending: Pending | undefined;
  /** The socket of the request in flight (a late event of an older socket is ignored). */
  private pendingSocket: net.Socket | undefined;
  /** Any byte of the answer arrived (a close is then `incomplete`, not `reset`). */
  private received = false;
  private status = 0;
  private informational = false;
  private keepAlive = true;
  private headers: Record<string, string | string[]> | undefined;
  private chunks: Buffer[] = [];
  private bodyBytes = 0;
  /** Signals already followed (the run's, then a teardown's): one listener each, not one per request. */
  private readonly watched = new WeakSet<AbortSignal>();
  private lastSignal: AbortSignal | undefined;
  /** Settles when the socket last dropped has closed. */
  private closing: Promise<void> | undefined;
  /** Requests sent over this connection's sockets (tests check the reuse). */
  requests = 0;
  /** Sockets this connection opened. */
  sockets = 0;

  constructor(options: LeanConnectionOptions) {
    this.options = options;
  }

  /** Sends the request and waits for its whole answer. Rejects with a StepFault or a socket error. */
  send(request: LeanRequest): Promise<LeanResponse> {
    if (this.pending) return Promise.reject(new StepFault('other', 'a request is already in flight on this connection'));
    const { signal } = request;
    if (signal.aborted) return Promise.reject(new StepFault('unfinished', 'the run stopped'));
    if (signal !== this.lastSignal && !this.watched.has(signal)) {
      this.lastSignal = signal;
      this.watched.add(signal);
      signal.addEventListener('abort', () => this.abort(), { once: true });
    }
    let socket = this.socket;
    if (socket && (socket.destroyed || !socket.writable)) {
      this.drop(socket);
      socket = undefined;
    }
    // A socket this connection dropped is still closing: wait for its close before opening the
    // next, so a user never holds two (node:http's one-socket Agent waited in the same way).
    if (!socket && this.closing) return this.closing.then(() => this.send(request));
    if (!socket) {
      try {
        socket = this.connect(request.startMs);
      } catch (err) {
        return Promise.reject(err);
      }
    }
    const open = socket;
    return new Promise<LeanResponse>((resolve, reject) => {
      this.pending = { request, resolve, reject };
      this.pendingSocket = open;
      this.received = false;
      this.status = 0;
      this.informational = false;
      this.keepAlive = true;
      this.headers = undefined;
      this.bodyBytes = 0;
      this.chunks = [];
      this.requests++;
      // Refreshes the socket's idle timer: the timeout counts from the request, as req.setTimeout's.
      open.write(request.bytes);
    });
  }

  /** Closes the socket (the user ended); a request in flight fails as unfinished. */
  destroy(): void {
    this.abort();
    this.socket?.destroy();
    this.socket = undefined;
  }

  /** The run stopped: the request in flight is unfinished, and its socket is closed (as req.destroy()). */
  private abort(): void {
    const socket = this.pendingSocket;
    this.fail(new StepFault('unfinished', 'the run stopped'));
    if (socket) this.drop(socket);
  }

  private connect(startMs: number): net.Socket {
    const { host, port, timeoutMs, clock, hooks } = this.options;
    const socket = net.connect({ host, port, noDelay: true });
    this.sockets++;
    this.socket = socket;
    /** The socket's last error, which names the fault when it closes with a request in flight. */
    let error: Error | undefined;
    const parser = new HTTPParser(HTTPParser.RESPONSE);
    // Typed for the parser's default mode (one info object); onHeaders also takes the other.
    (parser as unknown as Record<number, (...args: unknown[]) => number>)[HTTPParser.kOnHeadersComplete] = (...args: unknown[]) => this.onHeaders(args);
    parser[HTTPParser.kOnBody] = (chunk: Buffer, offset: number, length: number) => this.onBody(chunk, offset, length);
    parser[HTTPParser.kOnMessageComplete] = () => this.onComplete(socket);
    socket.setTimeout(timeoutMs);
    socket.on('connect', () => hooks?.opened(socket, Math.round((clock.now() - startMs) * 1000)));
    socket.on('data', (chunk: Buffer) => this.onData(socket, parser, chunk));
    socket.on('timeout', () => {
      if (this.pendingSocket !== socket || !this.pending) return;
      this.fail(new StepFault('timeout', `no response within ${timeoutMs / 1000} s`));
      this.drop(socket);
    });
    socket.on('error', (err) => {
      if (socket.connecting) hooks?.failed();
      error = err;
    });
    // The server closed its side: no new request goes on this socket ('close' follows).
    socket.on('end', () => this.detach(socket));
    socket.on('close', () => this.onClose(socket, parser, error));
    return socket;
  }

  private onData(socket: net.Socket, parser: Parser, chunk: Buffer): void {
    if (this.pendingSocket !== socket || !this.pending) {
      // Bytes nobody asked for: the connection is out of step; drop it.
      this.drop(socket);
      return;
    }
    this.received = true;
    const result = parser.execute(chunk);
    if (result instanceof Error) {
      this.fail(new StepFault(classifyError(result), `the response could not be parsed: ${result.message}`));
      this.drop(socket);
    }
  }

  private onHeaders(args: unknown[]): number {
    const pending = this.pending;
    // http-parser-js passes one info object (its default mode) or, once anything in the
    // process has read HTTPParser.kOnExecute (its switch to Node 0.11's calling convention),
    // the fields one by one: take either.
    let status: number;
    let raw: string[];
    let keepAlive: boolean;
    if (args.length === 1) {
      const info = args[0] as HeaderInfo;
      status = info.statusCode;
      raw = info.headers;
      keepAlive = info.shouldKeepAlive;
    } else {
      status = args[5] as number;
      raw = args[2] as string[];
      keepAlive = args[8] as boolean;
    }
    this.informational = status >= 100 && status < 200 && status !== 101;
    if (this.informational || !pending) return 0;
    this.status = status;
    this.keepAlive = keepAlive;
    if (pending.request.keepBody) this.headers = headerRecord(raw);
    // 1: no body follows (a HEAD answer carries the GET's headers without the body).
    return pending.request.head ? 1 : 0;
  }

  private onBody(chunk: Buffer, offset: number, length: number): void {
    const pending = this.pending;
    if (!pending) return;
    this.bodyBytes += length;
    if (this.bodyBytes > this.options.maxBytes) {
      const socket = this.pendingSocket;
      this.fail(new StepFault('too-large', `the response is larger than ${this.options.maxBytes} bytes`));
      if (socket) this.drop(socket);
      return;
    }
    if (pending.request.keepBody) this.chunks.push(offset === 0 && length === chunk.length ? chunk : chunk.subarray(offset, offset + length));
  }

  private onComplete(socket: net.Socket): void {
    if (this.informational) {
      this.informational = false;
      return;
    }
    const pending = this.pending;
    if (!pending || this.pendingSocket !== socket) return;
    this.pending = undefined;
    this.pendingSocket = undefined;
    const keepBody = pending.request.keepBody;
    const body = !keepBody ? '' : this.chunks.length === 1 ? this.chunks[0].toString('utf8') : Buffer.concat(this.chunks).toString('utf8');
    this.chunks = [];
    if (!this.keepAlive) this.drop(socket);
    pending.resolve({ status: this.status, headers: this.headers, body, endMs: this.options.clock.now() });
  }

  private onClose(socket: net.Socket, parser: Parser, err: Error | undefined): void {
    if (this.socket === socket) this.socket = undefined;
    if (this.pendingSocket !== socket || !this.pending) return;
    // A body delimited by the close ends here.
    if (this.received) parser.finish();
    if (!this.pending) return;
    if (this.received) this.fail(new StepFault('incomplete', 'the response was cut off before its end'));
    else if (err) this.fail(err);
    else this.fail(new StepFault('reset', 'socket hang up'));
  }

  /** Ends the request in flight with a fault (nothing when none is). */
  private fail(fault: Error): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    this.pendingSocket = undefined;
    this.chunks = [];
    pending.reject(fault);
  }

  /** Closes a socket that cannot carry another request; the next request reconnects. */
  private drop(socket: net.Socket): void {
    this.detach(socket);
    socket.destroy();
  }

  /** No new request goes on this socket; the next connect waits for its close. */
  private detach(socket: net.Socket): void {
    if (this.socket === socket) this.socket = undefined;
    if (socket.closed) return;
    const closing: Promise<void> = new Promise((resolve) =>
      socket.once('close', () => {
        if (this.closing === closing) this.closing = undefined;
        resolve();
      }),
    );
    this.closing = closing;
  }
}

/** The parser's flat [name, value, …] list as node:http's headers object. */
function headerRecord(raw: string[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    const value = raw[i + 1];
    const had = out[name];
    if (name === 'set-cookie') {
      if (had === undefined) out[name] = [value];
      else (had as string[]).push(value);
    } else out[name] = had === undefined ? value : `${had as string}, ${value}`;
  }
  return out;
}
