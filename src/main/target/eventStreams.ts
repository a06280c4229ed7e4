// The demo target's Server-Sent Events and long-polling endpoints, fed by the same event feeds
// as `/events` (REST polling) and `/ws/events` (WebSocket push): eventFeeds.ts.
//
//   GET /sse/events?feed=&rate=&bytes=&arrivals=   a text/event-stream: `id: <seq>` and
//       `data: <the event's JSON>` per event. A Last-Event-ID header replays the kept events
//       after it first, so a reconnecting client misses nothing. Knobs with known answers for
//       tests: `retry=MS` sends a `retry:` field first; `dropAfter=N` ends the stream after N
//       events (the client must reconnect); `lagMs=D` writes each event D ms after its creation
//       (a delivery lag of D, known in advance).
//   GET /events/long-poll?since=N&wait=MS&…          `{"cursor":M,"events":[…]}` as `/events`,
//       but with nothing after N the answer waits for the next event, or `wait` ms (default
//       5,000, under a client's usual 10 s timeout; at most 60,000) and then answers with no events. Without `since`: the cursor.
import type http from 'node:http';
import { clampNumber, type EventFeed } from './eventFeeds.ts';

const MAX_RETRY_MS = 600_000;
const MAX_LAG_MS = 60_000;
const MAX_WAIT_MS = 60_000;
const DEFAULT_WAIT_MS = 5_000;

export function serveEventStream(req: http.IncomingMessage, res: http.ServerResponse, feed: EventFeed, params: URLSearchParams): void {
  const dropAfter = Math.floor(clampNumber(params.get('dropAfter'), Infinity, 1, Number.MAX_SAFE_INTEGER));
  const lagMs = clampNumber(params.get('lagMs'), 0, 0, MAX_LAG_MS);
  const retry = params.get('retry');
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  if (retry !== null) res.write(`retry: ${Math.round(clampNumber(retry, 3000, 0, MAX_RETRY_MS))}\n\n`);
  else res.flushHeaders();
  let sent = 0;
  let closed = false;
  const timers = new Set<NodeJS.Timeout>();
  const write = (seq: number, event: string) => {
    if (closed || sent >= dropAfter) return;
    sent++;
    res.write(`id: ${seq}\ndata: ${event}\n\n`);
    // The server ends the stream (a clean end): the client reconnects, with Last-Event-ID.
    if (sent >= dropAfter) close();
  };
  const deliver = (seq: number, event: string) => {
    if (lagMs <= 0) return write(seq, event);
    const t = setTimeout(() => {
      timers.delete(t);
      write(seq, event);
    }, lagMs);
    timers.add(t);
  };
  const close = () => {
    if (closed) return;
    closed = true;
    unsubscribe();
    for (const t of timers) clearTimeout(t);
    res.end();
  };
  // Listening before the replay: an event created meanwhile is not lost (the replay is synchronous).
  const unsubscribe = feed.listen(deliver, close);
  const lastId = Number(req.headers['last-event-id']);
  if (req.headers['last-event-id'] !== undefined && Number.isFinite(lastId)) {
    for (const { seq, event } of feed.eventsAfter(lastId).events) write(seq, event);
  }
  res.on('close', () => {
    closed = true;
    unsubscribe();
    for (const t of timers) clearTimeout(t);
  });
}

export function serveLongPoll(res: http.ServerResponse, feed: EventFeed, params: URLSearchParams): void {
  const sinceRaw = params.get('since');
  const waitMs = clampNumber(params.get('wait'), DEFAULT_WAIT_MS, 0, MAX_WAIT_MS);
  if (sinceRaw === null) return answer(res, feed.poll(null));
  const since = Math.floor(Number(sinceRaw));
  if (!Number.isFinite(since) || since < feed.cursor || waitMs === 0) return answer(res, feed.poll(sinceRaw));
  // Nothing new: hold the request until the next event, or until the wait is over.
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    unsubscribe();
    if (!res.destroyed) answer(res, feed.poll(String(since)));
  };
  const unsubscribe = feed.listen(() => finish(), finish);
  const timer = setTimeout(finish, waitMs);
  res.on('close', () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    unsubscribe();
  });
}

function answer(res: http.ServerResponse, body: string): void {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
