// Server-Sent Events as a load driver (an HTTP scenario with `sse`): each of the worker's
// connections holds one `text/event-stream` response open, as a browser's EventSource would.
// Its latency is each event's delivery lag: receipt minus the "ts" (epoch ms) in the event's
// data, the rule of WebSocket push (ws/pushTimestamp.ts); an event without one is counted, not
// timed. Streams open on a ramp (connectPacer.ts, `sse.connectRate`); a stream that ends or
// fails comes back after the reconnection delay — the server's `retry:` once it sent one — and
// sends `Last-Event-ID` when the stream gave an id, as the spec's reconnection does.
//
// The event stream is parsed by `eventsource-parser` (spec-compliant: CR/LF/CRLF line ends,
// multi-line data, comments, id and retry fields, a BOM, chunks split anywhere). Its cost
// against a bare reader is the bench's SSE row (docs/PERFORMANCE.md).
//
// What counts as what: a stream is `opened` (a connection in the run's figures, its connect
// time the request-to-headers time) on a 200 with Content-Type text/event-stream. A stream that
// ends cleanly (the server finished the response) is a drop, not an error: SSE expects servers
// to do that and clients to reconnect. A stream cut off (reset, or an event over the size limit)
// is a drop and an error of its kind. An attempt that never opens (refused, a non-200 status, a
// body that is not an event stream, the timeout before the headers) is a failed connection and
// an error.
// require()d, not imported: see nodeHttp.ts (an ES import of node:http loads undici).
import { http, https } from '../../nodeHttp.ts';
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { createParser, type EventSourceParser } from 'eventsource-parser';
import type { ErrorKind } from '../../../shared/runResult.ts';
import type { HttpScenario } from '../../../shared/scenario.ts';
import { createHistogram, encodeHistogram, recordUs } from '../../../shared/result/histogramCodec.ts';
import { epochMs } from '../../clock.ts';
import { classifyError } from '../errorKinds.ts';
import type { SecondRecorder } from '../metrics/secondRecorder.ts';
import { SocketLedger } from '../metrics/socketLedger.ts';
import { ConnectPacer } from '../ws/connectPacer.ts';
import { fixedLookup } from '../ws/fixedLookup.ts';
import { readPushTimestampText } from '../ws/pushTimestamp.ts';
import type { LoadDriver } from '../worker/loadDriver.ts';
import type { SseWorkerFigures, WorkerJob } from '../worker/workerProtocol.ts';

/** Every 256th event checks whether a second is over (a busy loop delays the recorder's timer). */
const CATCH_UP_EVERY = 255;

/** One connection slot: it outlives its streams (a reconnect reuses it). */
class Stream {
  readonly index: number;
  req: ClientRequest | null = null;
  res: IncomingMessage | null = null;
  parser: EventSourceParser | null = null;
  /** The spec's "last event ID": sent as Last-Event-ID on the next connection. */
  lastEventId = '';
  /** Reconnection delay: the scenario's, until the server sets one with `retry:`. */
  retryMs: number;
  attempts = 0;
  startedAt = 0;
  open = false;
  gotFirstEvent = false;
  /** Why an open stream is being cut off by us (counted once, when it is), or null. */
  cutKind: ErrorKind | null = null;
  queued = false;

  constructor(index: number, retryMs: number) {
    this.index = index;
    this.retryMs = retryMs;
  }
}

export function createSseLoad(job: WorkerJob, recorder: SecondRecorder): LoadDriver & { sseFigures(): SseWorkerFigures } {
  const scenario = job.scenario as HttpScenario;
  const sse = scenario.sse;
  if (sse === undefined) throw new Error('createSseLoad needs a scenario with sse');
  const timeoutMs = scenario.timeoutSec * 1000;
  const secure = scenario.url.startsWith('https:');
  const lib = secure ? https : http;
  const url = new URL(scenario.url);
  const lookup = fixedLookup(job.address);
  const ledger = new SocketLedger();
  const firstEvent = createHistogram();
  const figures = {
    events: 0,
    untimed: 0,
    payloadBytes: 0,
    streamsOpened: 0,
    drops: 0,
    reconnects: 0,
    resumedWithLastEventId: 0,
    serverRetryMs: null as number | null,
  };
  const pacer = new ConnectPacer<Stream>(sse.connectRate / Math.max(1, job.workerCount));
  const streams: Stream[] = [];
  for (let i = 0; i < job.connections; i++) streams.push(new Stream(i, sse.retryMs));
  const endAt = job.endAt ?? Infinity;
  let ending = false;
  let eventsSeen = 0;
  let timer: NodeJS.Timeout | undefined;
  let wakeAt = Infinity;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  recorder.setByteCounter(() => ledger.totals());

  const arm = (at: number) => {
    if (ending || at >= wakeAt) return;
    if (timer !== undefined) clearTimeout(timer);
    wakeAt = at;
    timer = setTimeout(wake, Math.max(0, at - epochMs()));
  };
  const wake = () => {
    timer = undefined;
    wakeAt = Infinity;
    const now = epochMs();
    if (now >= endAt) return end();
    const next = pacer.take(now, connect);
    arm(Math.min(next, endAt));
  };
  const enqueue = (s: Stream, at: number) => {
    if (ending || s.queued) return;
    s.queued = true;
    pacer.add(s, at);
    arm(at);
  };

  /** The stream is over (ended, cut off or failed): count it, and come back after the delay. */
  const streamOver = (s: Stream, failKind: ErrorKind | null) => {
    if (s.req === null) return;
    s.req = null;
    s.res = null;
    s.parser = null;
    if (ending) return;
    if (s.open) {
      s.open = false;
      recorder.connectionClosed();
      figures.drops++;
      const kind = s.cutKind ?? failKind;
      if (kind !== null) recorder.error(kind);
    } else {
      recorder.connectionFailed();
      recorder.error(failKind ?? 'other');
    }
    s.cutKind = null;
    enqueue(s, epochMs() + s.retryMs);
  };

  const onEvent = (s: Stream, data: string) => {
    const now = epochMs();
    figures.events++;
    figures.payloadBytes += Buffer.byteLength(data);
    if (!s.gotFirstEvent) {
      s.gotFirstEvent = true;
      recordUs(firstEvent, Math.max(1, (now - s.startedAt) * 1000));
    }
    const ts = readPushTimestampText(data);
    // Without a timestamp a lag would be invented, not measured: counted as received only.
    if (ts > 0) recorder.completed(Math.max(1, (now - ts) * 1000));
    else figures.untimed++;
    if ((++eventsSeen & CATCH_UP_EVERY) === 0) {
      recorder.catchUp(now);
      if (now >= wakeAt) wake();
    }
  };

  const connect = (s: Stream) => {
    s.queued = false;
    if (ending) return;
    if (s.attempts > 0) figures.reconnects++;
    s.attempts++;
    s.startedAt = epochMs();
    s.gotFirstEvent = false;
    const headers: Record<string, string> = { accept: 'text/event-stream', 'cache-control': 'no-cache', ...scenario.headers };
    if (s.lastEventId !== '') {
      headers['last-event-id'] = s.lastEventId;
      figures.resumedWithLastEventId++;
    }
    // One socket per stream (no agent): a stream holds its connection for as long as it lasts.
    const req = lib.request(url, { method: 'GET', agent: false, lookup, headers, rejectUnauthorized: !scenario.insecure });
    s.req = req;
    req.on('socket', (socket: Socket) => ledger.add(socket));
    // Until the headers arrive the timeout applies; an open stream may then be idle for as long
    // as the server has nothing to say.
    req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error('no answer within the timeout'), { code: 'ETIMEDOUT' })));
    req.on('response', (res) => {
      if (s.req !== req) return void res.resume();
      const code = res.statusCode ?? 0;
      recorder.status(code);
      const type = String(res.headers['content-type'] ?? '');
      if (code !== 200 || !/^text\/event-stream\b/i.test(type)) {
        res.resume();
        req.destroy();
        return streamOver(s, code !== 200 ? 'status' : 'protocol');
      }
      req.setTimeout(0);
      s.res = res;
      s.open = true;
      figures.streamsOpened++;
      recorder.connectionOpened((epochMs() - s.startedAt) * 1000);
      const parser = createParser({
        onEvent: (ev) => onEvent(s, ev.data),
        onId: (id) => (s.lastEventId = id),
        onRetry: (ms) => {
          s.retryMs = ms;
          figures.serverRetryMs = ms;
        },
        onError: (err) => {
          // Only an event larger than the limit stops the stream; unknown fields are ignored (the spec says so).
          if (err.type === 'max-buffer-size-exceeded' && s.cutKind === null) {
            s.cutKind = 'too-large';
            req.destroy();
          }
        },
        maxBufferSize: scenario.maxResponseBytes,
      });
      s.parser = parser;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (s.req === req) parser.feed(chunk);
      });
      res.on('end', () => {
        if (s.req === req) streamOver(s, null);
      });
      res.on('error', (err) => {
        if (s.req === req) streamOver(s, classifyError(err));
      });
    });
    req.on('error', (err) => {
      if (s.req === req) streamOver(s, classifyError(err));
    });
    req.on('close', () => {
      // A response that closed without 'end' or 'error' (aborted) is over all the same.
      if (s.req === req) streamOver(s, s.open ? 'reset' : 'other');
    });
    req.end();
  };

  const end = () => {
    if (ending) return;
    ending = true;
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    pacer.clear();
    const now = epochMs();
    // Requests still waiting for their headers when the load ends are unfinished.
    const waiting: number[] = [];
    for (const s of streams) if (s.req !== null && !s.open) waiting.push(now - s.startedAt);
    recorder.unfinished(waiting);
    for (const s of streams) {
      if (s.open) recorder.connectionClosed();
      s.open = false;
      const req = s.req;
      s.req = null;
      req?.destroy();
    }
    finish();
  };

  return {
    async run() {
      if (!ending) {
        if (job.connections === 0 && endAt === Infinity) end();
        for (const s of streams) enqueue(s, job.startAt);
        arm(Math.min(job.startAt, endAt));
      }
      await finished;
      // The sockets' final byte counts arrive with their close events.
      await new Promise<void>((resolve) => setImmediate(resolve));
      await new Promise<void>((resolve) => setImmediate(resolve));
    },
    stop() {
      end();
    },
    sseFigures: () => ({ ...figures, firstEventHistogram: firstEvent.totalCount > 0 ? encodeHistogram(firstEvent) : '' }),
  };
}
