// HTTP/2 load in one worker, with Node's built-in http2 client (autocannon speaks HTTP/1.1
// only). Each of the worker's connections is one HTTP/2 session carrying up to `streams`
// requests at once — never more than the server's SETTINGS_MAX_CONCURRENT_STREAMS, so no stream
// is sent before the server's first SETTINGS frame has said how many it takes (sent earlier,
// streams over the limit come back REFUSED_STREAM). h2c (cleartext, prior knowledge) for
// http://, h2 over TLS negotiated by ALPN for https://.
//
// Every latency is timed by Barrage in µs, from the request's send (closed model) or its
// scheduled time (open model, the same OpenModelPacer as HTTP/1.1: wrk2's rule) to the last byte
// of the response. Bytes are counted on the TCP sockets, which Barrage opens itself and hands to
// the session (createConnection), so HPACK's compression shows in the socket counters.
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { ClientHttp2Session, ClientHttp2Stream, IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http2';
import { ArrivalCurve } from '../../../shared/loadProfile.ts';
import type { Http2Figures } from '../../../shared/runResult.ts';
import type { HttpScenario } from '../../../shared/scenario.ts';
// The zod-free module (a load worker never validates): scenario.ts would load zod into every worker.
import { DEFAULT_HTTP2_STREAMS, stageTargetOf } from '../../../shared/scenarioLoad.ts';
import { epochMs, type Clock } from '../../clock.ts';
// require()d, not imported: see nodeHttp.ts.
import { http2 } from '../../nodeHttp.ts';
import { classifyError } from '../errorKinds.ts';
import { OpenModelPacer } from '../http/openModelPacer.ts';
import type { SecondRecorder } from '../metrics/secondRecorder.ts';
import { SocketLedger } from '../metrics/socketLedger.ts';
import type { LoadDriver } from '../worker/loadDriver.ts';
import type { WorkerJob } from '../worker/workerProtocol.ts';
import { connectionTargetAt } from '../workerShares.ts';

/** After a failed connection attempt, wait this long before the next one (no busy loop). */
const RECONNECT_BACKOFF_MS = 50;
/** With stages that ramp connections: how often the number of active connections follows the plan. */
const FOLLOW_PLAN_MS = 20;
/** How often streams past the timeout are looked for (one timer per worker, not one per request). */
const TIMEOUT_SWEEP_MS = 100;
/** After stop, sessions get this long to close before run() resolves anyway. */
const CLOSE_GRACE_MS = 1000;

const { NGHTTP2_NO_ERROR, NGHTTP2_CANCEL } = http2.constants;

/** HTTP/2 error codes (RFC 9113 §7), by number. */
const CODE_NAMES = [
  'NO_ERROR',
  'PROTOCOL_ERROR',
  'INTERNAL_ERROR',
  'FLOW_CONTROL_ERROR',
  'SETTINGS_TIMEOUT',
  'STREAM_CLOSED',
  'FRAME_SIZE_ERROR',
  'REFUSED_STREAM',
  'CANCEL',
  'COMPRESSION_ERROR',
  'CONNECT_ERROR',
  'ENHANCE_YOUR_CALM',
  'INADEQUATE_SECURITY',
  'HTTP_1_1_REQUIRED',
];

export function http2CodeName(code: number): string {
  return CODE_NAMES[code] ?? `0x${code.toString(16)}`;
}

/** One request on a stream: where its latency is measured from, and what came back so far. */
interface StreamState {
  conn: Connection;
  origin: number;
  status: number | undefined;
  bodyBytes: number;
  /** Answered in full (recorded) or already counted as an error: its close counts nothing more. */
  settled: boolean;
}

/** Where a stream's request state is kept: on the stream itself, one property read per event instead of a WeakMap lookup. */
const STATE = Symbol('barrage.h2.request');
type TrackedStream = ClientHttp2Stream & { [STATE]?: StreamState };

/** One HTTP/2 session (one TCP connection) and its streams in flight. */
interface Connection {
  index: number;
  session: ClientHttp2Session;
  socket: Socket;
  /** The HTTP/2 handshake completed (the server's first SETTINGS frame): streams may go out, and it counts as an open connection. */
  connected: boolean;
  /** Streams allowed at once: the scenario's, lowered to the server's limit. */
  limit: number;
  inFlight: Map<ClientHttp2Stream, StreamState>;
  /** Open model: slots taken from the pacer whose send time has not come yet. */
  waitingSlots: number;
  /** A GOAWAY arrived: no new streams; streams above this id were refused. */
  goawayLastStreamId: number | undefined;
  error: unknown;
  /** The plan ramped this connection down: it closes once its streams are answered. */
  parking: boolean;
}

export function createH2Load(job: WorkerJob, recorder: SecondRecorder): LoadDriver & { http2Figures(): Http2Figures } {
  const scenario = job.scenario as HttpScenario;
  const target = new URL(scenario.url);
  const secure = target.protocol === 'https:';
  const port = Number(target.port) || (secure ? 443 : 80);
  const servername = isIP(target.hostname.replace(/^\[|\]$/g, '')) ? undefined : target.hostname;
  const streamsWanted = scenario.streams ?? DEFAULT_HTTP2_STREAMS;
  const timeoutMs = scenario.timeoutSec * 1000;
  const maxBodyBytes = scenario.maxResponseBytes;
  const expected = statusPredicate(scenario.expectedStatus);
  const requestHeaders = buildHeaders(scenario, target);
  const body = scenario.body !== undefined ? Buffer.from(scenario.body) : undefined;
  // One options object for every request (Node copies it): a body-less request ends its stream with its HEADERS frame.
  const requestOptions = Object.freeze(body === undefined ? { endStream: true } : {});
  const ledger = new SocketLedger();
  recorder.setByteCounter(() => ledger.totals());
  const figures: Http2Figures = {
    mode: secure ? 'h2' : 'h2c',
    streamsRequested: streamsWanted,
    serverMaxConcurrentStreams: null,
    peakStreams: 0,
    goaways: {},
    streamResets: {},
  };

  const connectionStages = scenario.stages !== undefined && stageTargetOf(scenario) === 'connections' ? scenario.stages : undefined;
  const timers = new Set<NodeJS.Timeout>();
  const later = (fn: () => void, ms: number) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  // The pacer's timers are this driver's, so stop() cancels a send waiting for its slot.
  const clock: Clock = {
    now: epochMs,
    after(ms, fn) {
      later(fn, ms);
      return () => {};
    },
  };
  const pacer =
    job.rateStages !== undefined
      ? new OpenModelPacer(job.startAt, new ArrivalCurve(job.rateStages), job.endAt, job.amount, clock)
      : job.rate !== undefined
        ? new OpenModelPacer(job.startAt, job.rate, job.endAt, job.amount, clock)
        : undefined;
  if (pacer) recorder.setSchedule((at) => pacer.dueBy(at));
  // Open model: slots whose time came while no connection could take them; sent first, from their due time.
  const backlog: number[] = [];

  const slots = connectionStages ? 0 : pacer || job.amount === undefined ? job.connections : Math.min(job.connections, job.amount);
  const connections: Array<Connection | undefined> = [];
  const live = new Set<Connection>();
  let activeClients = connectionStages ? 0 : slots;
  let issued = 0;
  let settledCount = 0;
  let completions = 0;
  let stopped = false;
  let finishRun: (() => void) | undefined;
  let backstop: NodeJS.Timeout | undefined;

  const settle = () => {
    settledCount++;
    if (job.amount !== undefined && settledCount >= job.amount) stop();
  };

  function connect(index: number): void {
    if (stopped || index >= activeClients) return;
    const startedAt = epochMs();
    const socket = secure
      ? tlsConnect({ host: job.address, port, servername, ALPNProtocols: ['h2'], rejectUnauthorized: false })
      : netConnect({ host: job.address, port });
    socket.setNoDelay(true);
    ledger.add(socket);
    const session = http2.connect(target.origin, { createConnection: () => socket, settings: { enablePush: false } });
    const conn: Connection = {
      index,
      session,
      socket,
      connected: false,
      limit: streamsWanted,
      inFlight: new Map(),
      waitingSlots: 0,
      goawayLastStreamId: undefined,
      error: undefined,
      parking: false,
    };
    connections[index] = conn;
    live.add(conn);
    // A connection counts as open once the server's first SETTINGS frame arrived (the HTTP/2
    // handshake: TCP, TLS with ALPN, the preface), as a WebSocket counts once upgraded; its
    // connect time spans all of it. A server that never sends it fails within the timeout.
    later(() => {
      if (conn.connected || session.destroyed) return;
      conn.error ??= Object.assign(new Error('no HTTP/2 SETTINGS from the server within the timeout'), { code: 'ETIMEDOUT' });
      session.destroy();
    }, timeoutMs);
    session.on('remoteSettings', (settings) => {
      if (!conn.connected) {
        conn.connected = true;
        recorder.connectionOpened((epochMs() - startedAt) * 1000);
      }
      const max = settings.maxConcurrentStreams;
      // Node reports an unset limit as 2^32 - 1 ("unlimited").
      if (max !== undefined && max < 0xffffffff) {
        conn.limit = Math.max(0, Math.min(streamsWanted, max));
        figures.serverMaxConcurrentStreams = figures.serverMaxConcurrentStreams === null ? max : Math.min(figures.serverMaxConcurrentStreams, max);
      } else {
        conn.limit = streamsWanted;
      }
      fill(conn);
    });
    session.on('goaway', (code: number, lastStreamId: number) => {
      // A server sends GOAWAY once to announce the end and may repeat it when it closes: one per connection.
      if (conn.goawayLastStreamId !== undefined) return;
      conn.goawayLastStreamId = lastStreamId;
      const name = http2CodeName(code);
      figures.goaways[name] = (figures.goaways[name] ?? 0) + 1;
      // The session drains its streams below the id and closes; a fresh connection takes its place now.
      if (connections[index] === conn) {
        connections[index] = undefined;
        connect(index);
      }
    });
    session.on('error', (err) => {
      conn.error ??= err;
    });
    session.on('close', () => {
      live.delete(conn);
      if (conn.connected) recorder.connectionClosed();
      else {
        recorder.connectionFailed();
        // Closed before the server's SETTINGS: refused, reset, TLS, or a server that does not speak HTTP/2.
        if (!stopped) recorder.error(conn.error === undefined ? 'protocol' : connectionErrorKind(conn.error));
      }
      if (stopped) {
        if (live.size === 0) finishRun?.();
        return;
      }
      if (connections[index] !== conn) return;
      connections[index] = undefined;
      // Slots this connection had taken but not yet sent go to the next free stream.
      if (conn.parking || index >= activeClients) return;
      if (conn.connected) connect(index);
      else later(() => connect(index), RECONNECT_BACKOFF_MS);
    });
  }

  /** Whether a connection may open another stream now. */
  const usable = (conn: Connection) => conn.connected && !conn.parking && conn.goawayLastStreamId === undefined && !conn.session.closed && !conn.session.destroyed;

  /** Starts streams on the connection up to its limit (closed model), or takes slots for them (open model). */
  function fill(conn: Connection): void {
    if (stopped) return;
    if (conn.parking) {
      if (conn.inFlight.size === 0 && conn.waitingSlots === 0) conn.session.close();
      return;
    }
    while (usable(conn) && conn.inFlight.size + conn.waitingSlots < conn.limit) {
      if (!pacer) {
        if (job.amount !== undefined && issued >= job.amount) return;
        issued++;
        send(conn, epochMs());
        continue;
      }
      const overdue = backlog.shift();
      if (overdue !== undefined) {
        send(conn, overdue);
        continue;
      }
      conn.waitingSlots++;
      const slotted = pacer.sendNext((origin) => {
        conn.waitingSlots--;
        if (stopped) return;
        if (usable(conn)) send(conn, origin);
        else {
          // The connection went away while the slot waited: the next free stream sends it, late.
          backlog.push(origin);
          for (const other of live) if (usable(other)) fill(other);
        }
      });
      if (!slotted) {
        conn.waitingSlots--;
        return;
      }
    }
  }

  function send(conn: Connection, origin: number): void {
    let stream: ClientHttp2Stream;
    try {
      stream = conn.session.request(requestHeaders, requestOptions);
    } catch (err) {
      // The session is closing (GOAWAY, error): nothing went out; the slot waits for another connection.
      conn.error ??= err;
      if (pacer) backlog.push(origin);
      else issued--;
      return;
    }
    if (pacer) recorder.scheduledSent();
    const state: StreamState = { conn, origin, status: undefined, bodyBytes: 0, settled: false };
    conn.inFlight.set(stream, state);
    (stream as TrackedStream)[STATE] = state;
    if (conn.inFlight.size > figures.peakStreams) figures.peakStreams = conn.inFlight.size;
    stream.on('response', onResponse);
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', ignore);
    stream.on('close', onClose);
    if (body !== undefined) stream.end(body);
  }

  // One set of stream listeners for every request (each reads its stream's state from the
  // stream itself), rather than new closures per request.
  function onResponse(this: ClientHttp2Stream, headers: IncomingHttpHeaders): void {
    const state = streamState(this);
    if (state) state.status = Number(headers[':status']);
  }
  function onData(this: ClientHttp2Stream, chunk: Buffer): void {
    const state = streamState(this);
    if (!state || state.settled) return;
    state.bodyBytes += chunk.length;
    if (state.bodyBytes > maxBodyBytes) {
      state.settled = true;
      recorder.error('too-large');
      settle();
      this.close(NGHTTP2_CANCEL);
    }
  }
  function onEnd(this: ClientHttp2Stream): void {
    const state = streamState(this);
    if (!state || state.settled || state.status === undefined) return;
    state.settled = true;
    const now = epochMs();
    recorder.completed((now - state.origin) * 1000);
    if ((++completions & 255) === 0) recorder.catchUp(now);
    recorder.status(state.status);
    if (!expected(state.status)) recorder.error('status');
    settle();
    // The response ended and the request had gone out whole: both sides of the stream are done,
    // so the server no longer counts it against its concurrency limit. The next request goes out
    // now, as any client's would, not an event-loop turn later at 'close' (which Node emits from a
    // setImmediate after destroying the stream): waiting for it left every stream idle for a
    // loop turn per request. A request whose body was still being written when the answer came
    // keeps its slot until the stream closes.
    if (this.writableFinished && state.conn.inFlight.delete(this) && !stopped) fill(state.conn);
  }
  function onClose(this: ClientHttp2Stream): void {
    const state = streamState(this);
    if (!state) return;
    const conn = state.conn;
    const wasInFlight = conn.inFlight.delete(this);
    if (stopped || (!wasInFlight && state.settled)) return;
    if (!state.settled) {
      state.settled = true;
      recorder.error(streamErrorKind(this, state, conn));
      settle();
    }
    fill(conn);
  }

  const streamState = (stream: ClientHttp2Stream) => (stream as TrackedStream)[STATE];

  /** Why a stream ended without its whole response. */
  function streamErrorKind(stream: ClientHttp2Stream, state: StreamState, conn: Connection): 'goaway' | 'rst-stream' | 'incomplete' | 'reset' | ReturnType<typeof classifyError> {
    const id = stream.id;
    if (conn.goawayLastStreamId !== undefined && (id === undefined || id > conn.goawayLastStreamId)) return 'goaway';
    const code = stream.rstCode;
    if (code !== undefined && code !== NGHTTP2_NO_ERROR && conn.error === undefined) {
      const name = http2CodeName(code);
      figures.streamResets[name] = (figures.streamResets[name] ?? 0) + 1;
      return 'rst-stream';
    }
    if (conn.goawayLastStreamId !== undefined) return 'goaway';
    if (conn.error !== undefined) {
      const kind = connectionErrorKind(conn.error);
      if (kind !== 'other') return kind;
    }
    return state.status !== undefined ? 'incomplete' : 'reset';
  }

  // One sweep for the timeouts of every stream in flight.
  const sweep = () => {
    if (stopped) return;
    const now = epochMs();
    for (const conn of live) {
      for (const [stream, state] of conn.inFlight) {
        if (state.settled || now - state.origin < timeoutMs) continue;
        state.settled = true;
        recorder.error('timeout');
        settle();
        stream.close(NGHTTP2_CANCEL);
      }
    }
    later(sweep, TIMEOUT_SWEEP_MS);
  };

  const followPlan = () => {
    if (stopped || !connectionStages) return;
    const t = (epochMs() - job.startAt) / 1000;
    activeClients = connectionTargetAt(connectionStages, job.workerCount, job.workerIndex, t);
    for (let i = 0; i < Math.max(activeClients, connections.length); i++) {
      const conn = connections[i];
      if (i < activeClients) {
        if (!conn) connect(i);
        else if (conn.parking) {
          conn.parking = false;
          fill(conn);
        }
      } else if (conn && !conn.parking) {
        // The plan ramps down: once its streams are answered, this connection closes.
        conn.parking = true;
        fill(conn);
      }
    }
    later(followPlan, FOLLOW_PLAN_MS);
  };

  function stop(): void {
    if (stopped) return;
    stopped = true;
    // Requests still waiting now are neither answered nor failed: unfinished, with their ages.
    const now = epochMs();
    const ages: number[] = [];
    for (const conn of live) for (const state of conn.inFlight.values()) if (!state.settled) ages.push(now - state.origin);
    recorder.unfinished(ages);
    for (const t of timers) clearTimeout(t);
    timers.clear();
    // A session that never reports its close must not hold the run.
    backstop = setTimeout(() => finishRun?.(), CLOSE_GRACE_MS);
    if (live.size === 0) finishRun?.();
    for (const conn of live) conn.session.destroy();
  }

  return {
    run: () =>
      new Promise<void>((resolve) => {
        finishRun = () => {
          if (backstop) clearTimeout(backstop);
          resolve();
        };
        const begin = () => {
          if (stopped) return finishRun?.();
          if (job.endAt !== undefined) later(stop, Math.max(0, job.endAt - epochMs()));
          if (connectionStages) followPlan();
          else for (let i = 0; i < slots; i++) connect(i);
          later(sweep, TIMEOUT_SWEEP_MS);
        };
        // All workers begin at the common start instant.
        const wait = job.startAt - epochMs();
        if (wait > 0) later(begin, wait);
        else begin();
      }),
    stop,
    http2Figures: () => ({ ...figures, goaways: { ...figures.goaways }, streamResets: { ...figures.streamResets } }),
  };
}

function ignore(): void {}

/** A connection that failed or ended with an error: the transport's kind, or `protocol` for HTTP/2's own (bad preface, no h2 by ALPN, a frame it cannot parse). */
function connectionErrorKind(err: unknown): ReturnType<typeof classifyError> {
  const kind = classifyError(err);
  if (kind !== 'other') return kind;
  const code = (err as { code?: string } | undefined)?.code ?? '';
  return code.startsWith('ERR_HTTP2') ? 'protocol' : kind;
}

/** The request's header block, built once: pseudo-headers first, the scenario's headers in lower case (HTTP/2 requires it), Host as :authority. */
function buildHeaders(scenario: HttpScenario, target: URL): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {
    ':method': scenario.method,
    ':path': `${target.pathname}${target.search}`,
    ':authority': target.host,
  };
  for (const [name, value] of Object.entries(scenario.headers)) {
    const lower = name.toLowerCase();
    if (lower === 'host') headers[':authority'] = value;
    else headers[lower] = value;
  }
  if (scenario.body !== undefined && scenario.bodyType === 'json' && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
  return headers;
}

function statusPredicate(expected: number[]): (code: number) => boolean {
  if (expected.length === 0) return (code) => code >= 200 && code < 400;
  const set = new Set(expected);
  return (code) => set.has(code);
}
