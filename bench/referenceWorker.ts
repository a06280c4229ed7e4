// Worker-thread entry for the bench's references: bare autocannon, a bare hand-written ws echo
// client, a bare event-stream reader and a bare http2 client loop. They run in a fresh worker
// thread of the bench process, as Barrage's load runs in a fresh worker thread of its own: both start from a cold JIT and share the process with
// an idle main thread, so the comparison measures what Barrage adds, not where code ran before.
import { parentPort } from 'node:worker_threads';
import autocannon from 'autocannon';
import http from 'node:http';
import http2 from 'node:http2';
import WebSocket from 'ws';

export type ReferenceJob =
  | { kind: 'autocannon'; url: string; connections: number; durationSec: number }
  | { kind: 'wsloop'; url: string; connections: number; inFlight: number; durationSec: number }
  | { kind: 'sseread'; url: string; connections: number; durationSec: number }
  | { kind: 'h2loop'; url: string; sessions: number; streams: number; durationSec: number };

export interface ReferenceOutcome {
  /** Requests completed (autocannon) or echoes received (ws loop). */
  completed: number;
  durationSec: number;
  errors: number;
}

export type FromReference = { type: 'ready' } | { type: 'done'; outcome: ReferenceOutcome } | { type: 'error'; message: string };

const port = parentPort;
if (!port) throw new Error('bench/referenceWorker.ts runs in a worker thread');

port.once('message', (job: ReferenceJob) => {
  const run = job.kind === 'autocannon' ? bareAutocannon(job) : job.kind === 'wsloop' ? wsLoop(job) : job.kind === 'h2loop' ? h2Loop(job) : sseRead(job);
  run.then(
    (outcome) => port.postMessage({ type: 'done', outcome } satisfies FromReference),
    (err: unknown) => port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) } satisfies FromReference),
  );
});
port.postMessage({ type: 'ready' } satisfies FromReference);

interface RawAutocannonResult {
  totalCompletedRequests: number;
  duration: number;
  errors: number;
  non2xx: number;
}

/** autocannon as a user would run it: no listeners, default sampling, its own duration. */
function bareAutocannon(job: Extract<ReferenceJob, { kind: 'autocannon' }>): Promise<ReferenceOutcome> {
  return new Promise((resolve, reject) => {
    // Off the main thread autocannon returns its raw (unaggregated) result.
    autocannon({ url: job.url, connections: job.connections, duration: job.durationSec }, (err, res) => {
      if (err) return reject(err);
      const r = res as RawAutocannonResult;
      resolve({ completed: r.totalCompletedRequests, durationSec: r.duration, errors: r.errors + r.non2xx });
    });
  });
}

/**
 * The cheapest correct echo client: N plain ws clients (no permessage-deflate), each keeping
 * `inFlight` messages outstanding; every echo sends the next message, a fixed small JSON
 * payload with the next sequence number. No templating, no clock reads, no matching, nothing
 * recorded — what any client must do at least, so the ratio shows what Barrage's measuring costs.
 * Counted: echoes until the end.
 */
async function wsLoop(job: Extract<ReferenceJob, { kind: 'wsloop' }>): Promise<ReferenceOutcome> {
  const started = performance.now();
  let received = 0;
  let errors = 0;
  let running = true;
  const message = (seq: number) => `{"seq":${seq},"data":"abcdefghijklmnopqrstuvwxyz012345"}`;
  const sockets: WebSocket[] = [];
  for (let i = 0; i < job.connections; i++) {
    const ws = new WebSocket(job.url, { perMessageDeflate: false });
    let seq = 0;
    ws.on('open', () => {
      for (let k = 0; k < job.inFlight; k++) ws.send(message(++seq));
    });
    ws.on('message', () => {
      if (!running) return;
      received++;
      ws.send(message(++seq));
    });
    ws.on('error', () => errors++);
    sockets.push(ws);
  }
  await new Promise((resolve) => setTimeout(resolve, job.durationSec * 1000));
  running = false;
  const durationSec = (performance.now() - started) / 1000;
  const completed = received;
  // Close politely, but never wait long.
  await new Promise<void>((resolve) => {
    let open = 0;
    const hard = setTimeout(() => {
      for (const ws of sockets) ws.terminate();
      resolve();
    }, 1000);
    for (const ws of sockets) {
      if (ws.readyState === WebSocket.CLOSED) continue;
      open++;
      ws.once('close', () => {
        if (--open === 0) {
          clearTimeout(hard);
          resolve();
        }
      });
      ws.close(1000);
    }
    if (open === 0) {
      clearTimeout(hard);
      resolve();
    }
  });
  return { completed, durationSec, errors };
}

/**
 * The cheapest event-stream reader: N bare http.get streams (no agent), each chunk decoded as
 * text and its events counted by the blank lines that end them ("\n\n"; the demo target writes
 * LF only). No parser for fields, no id, no retry, no clock, nothing recorded — what any SSE
 * client must do at least. Counted: events until the end.
 */
async function sseRead(job: Extract<ReferenceJob, { kind: 'sseread' }>): Promise<ReferenceOutcome> {
  const started = performance.now();
  let events = 0;
  let errors = 0;
  let running = true;
  const requests: http.ClientRequest[] = [];
  for (let i = 0; i < job.connections; i++) {
    const req = http.get(job.url, { agent: false, headers: { accept: 'text/event-stream' } }, (res) => {
      res.setEncoding('utf8');
      let tail = '';
      res.on('data', (chunk: string) => {
        if (!running) return;
        const text = tail + chunk;
        let at = text.indexOf('\n\n');
        let from = 0;
        while (at >= 0) {
          events++;
          from = at + 2;
          at = text.indexOf('\n\n', from);
        }
        tail = text.slice(from);
      });
      res.on('error', () => {});
    });
    req.on('error', () => {
      if (running) errors++;
    });
    requests.push(req);
  }
  await new Promise((resolve) => setTimeout(resolve, job.durationSec * 1000));
  running = false;
  const durationSec = (performance.now() - started) / 1000;
  for (const req of requests) req.destroy();
  return { completed: events, durationSec, errors };
}

/**
 * The cheapest HTTP/2 client: N sessions (node:http2, h2c) each keeping M streams of the same
 * fixed GET in flight; every response's end starts the next stream. No clock reads, no
 * histograms, no timeouts, nothing recorded but a count — what any HTTP/2 client must do at
 * least, so the ratio shows what Barrage's HTTP/2 driver adds. Streams start once the server's
 * SETTINGS arrived, as Barrage's do. Counted: responses completed until the end.
 */
async function h2Loop(job: Extract<ReferenceJob, { kind: 'h2loop' }>): Promise<ReferenceOutcome> {
  const started = performance.now();
  const url = new URL(job.url);
  const headers = { ':method': 'GET', ':path': `${url.pathname}${url.search}` };
  let completed = 0;
  let errors = 0;
  let running = true;
  const sessions: http2.ClientHttp2Session[] = [];
  for (let i = 0; i < job.sessions; i++) {
    const session = http2.connect(url.origin, { settings: { enablePush: false } });
    session.on('error', () => errors++);
    const next = () => {
      if (!running || session.closed || session.destroyed) return;
      const req = session.request(headers, { endStream: true });
      req.on('data', () => {});
      req.on('error', () => errors++);
      req.on('end', () => {
        if (!running) return;
        completed++;
        next();
      });
    };
    session.once('remoteSettings', () => {
      for (let k = 0; k < job.streams; k++) next();
    });
    sessions.push(session);
  }
  await new Promise((resolve) => setTimeout(resolve, job.durationSec * 1000));
  running = false;
  const durationSec = (performance.now() - started) / 1000;
  for (const session of sessions) session.destroy();
  return { completed, durationSec, errors };
}
