// The REST polling driver of the showdown's second experiment: `clients` virtual clients, each
// asking a cursor endpoint "events since N" every `intervalMs` over a keep-alive connection.
// It records what the engine records for a run (per-second samples, a histogram, socket bytes,
// connections) with the engine's own recorder, so a polling run is stored and shown like any
// other; its "latency" is the delivery lag of each event: receipt of the poll response minus
// the event's creation time stamped by the server.
//
// Poll endpoint contract: GET <url>?since=N answers {"cursor":M,"events":[{…,"ts":<epoch ms>},…]}
// with the events after N (M: the last one's number); without `since`, only the current cursor.
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { RunResult, RunSample, RunStatus } from '../../shared/runResult.ts';
import { httpScenarioSchema, type HttpScenario } from '../../shared/scenario.ts';
import { POLL_LATENCY_MEANING } from '../../shared/showdown.ts';
import { classifyError } from '../engine/errorKinds.ts';
import { epochMs } from '../clock.ts';
import { encodeHistogram } from '../../shared/result/histogramCodec.ts';
import { SecondRecorder } from '../engine/metrics/secondRecorder.ts';
import { SocketLedger } from '../engine/metrics/socketLedger.ts';
import { RunAccumulator } from '../engine/runAccumulator.ts';
import { buildSummary } from '../../shared/result/runSummary.ts';
import { getJson } from './probes.ts';

export { POLL_LATENCY_MEANING };

export interface PollOptions {
  /** The poll endpoint; may carry its own query parameters (`since` is added per poll). */
  url: string;
  clients: number;
  intervalMs: number;
  durationSec: number;
  /** Leading seconds marked as warm-up in the samples. */
  warmupSec?: number;
  timeoutSec?: number;
  /** Name stored with the run. */
  name?: string;
  /** Each merged second, as it completes. */
  onSample?: (sample: RunSample) => void;
}

export interface PollOutcome {
  result: RunResult;
  requests: number;
  emptyRequests: number;
  delivered: number;
  /** Compact-JSON bytes of the delivered events. */
  payloadBytes: number;
  /** Polls that found their cursor older than what the server keeps (events were missed). */
  gaps: number;
}

export interface PollHandle {
  stop(): void;
  readonly result: Promise<PollOutcome>;
}

/** The run configuration a polling run is stored with: GET at the polling rate, open model. */
export function pollScenario(opts: Pick<PollOptions, 'url' | 'clients' | 'intervalMs' | 'durationSec' | 'warmupSec' | 'timeoutSec' | 'name'>): HttpScenario {
  return httpScenarioSchema.parse({
    protocol: 'http',
    name: opts.name,
    url: opts.url,
    method: 'GET',
    connections: opts.clients,
    rate: (opts.clients * 1000) / opts.intervalMs,
    durationSec: opts.durationSec,
    warmupSec: opts.warmupSec ?? 1,
    timeoutSec: opts.timeoutSec ?? 10,
    workers: 1,
  });
}

export function startPolling(opts: PollOptions): PollHandle {
  let stopRequested = false;
  let stopNow: () => void = () => {};
  const result = run(opts, () => stopRequested, (fn) => (stopNow = fn));
  return {
    stop() {
      stopRequested = true;
      stopNow();
    },
    result,
  };
}

async function run(opts: PollOptions, stopped: () => boolean, onStop: (fn: () => void) => void): Promise<PollOutcome> {
  const scenario = pollScenario(opts);
  const timeoutMs = scenario.timeoutSec * 1000;
  const secure = opts.url.startsWith('https:');
  const lib = secure ? https : http;
  // Subscribe from now: the current cursor, asked once on a connection of its own (not counted).
  const first = (await getJson(opts.url, timeoutMs)) as { cursor?: unknown };
  if (typeof first.cursor !== 'number') throw new Error(`${opts.url} did not answer {"cursor":N,…} (is it a poll endpoint?)`);
  const startCursor = first.cursor;

  // One keep-alive connection per virtual client, as each browser or app instance would have.
  const agents: http.Agent[] = [];
  const ledger = new SocketLedger();
  const seen = new WeakSet<Socket>();
  const acc = new RunAccumulator(1, scenario.warmupSec, Math.ceil(opts.durationSec));
  const startedAt = epochMs() + 20;
  const endAt = startedAt + opts.durationSec * 1000;
  const recorder = new SecondRecorder(startedAt, (sample) => {
    for (const s of acc.add(0, sample)) opts.onSample?.(s);
  });
  recorder.setByteCounter(() => ledger.totals());

  let requests = 0;
  let emptyRequests = 0;
  let delivered = 0;
  let payloadBytes = 0;
  let gaps = 0;
  let untimed = 0;
  let inFlight = 0;
  let status = 'completed' as RunStatus;
  const timers = new Set<NodeJS.Timeout>();
  const requestsInFlight = new Set<http.ClientRequest>();
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let ending = false;
  let endedAt = endAt;

  const later = (fn: () => void, at: number) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, Math.max(0, at - epochMs()));
    timers.add(t);
  };

  const maybeFinish = () => {
    if (ending && inFlight === 0) finish();
  };

  const end = (at: number) => {
    if (ending) return;
    ending = true;
    endedAt = at;
    for (const t of timers) clearTimeout(t);
    timers.clear();
    // Polls in flight get at most the timeout, then they are abandoned.
    later(() => {
      for (const req of requestsInFlight) req.destroy();
      finish();
    }, epochMs() + Math.min(timeoutMs, 2000));
    maybeFinish();
  };

  onStop(() => {
    status = 'aborted';
    end(Math.min(epochMs(), endAt));
  });

  const pollUrl = (since: number) => {
    const u = new URL(opts.url);
    u.searchParams.set('since', String(since));
    return u;
  };

  const client = (index: number) => {
    let cursor = startCursor;
    const agent = new lib.Agent({ keepAlive: true, maxSockets: 1, maxFreeSockets: 1 });
    agents.push(agent);
    const poll = (due: number) => {
      if (ending) return;
      inFlight++;
      requests++;
      const req = lib.request(pollUrl(cursor), { agent, method: 'GET', headers: { accept: 'application/json' }, rejectUnauthorized: true });
      requestsInFlight.add(req);
      req.on('socket', (socket: Socket) => {
        if (seen.has(socket)) return;
        seen.add(socket);
        ledger.add(socket);
        const openedAt = epochMs();
        const onOpen = () => recorder.connectionOpened((epochMs() - openedAt) * 1000);
        if (socket.connecting) socket.once(secure ? 'secureConnect' : 'connect', onOpen);
        else onOpen();
        socket.once('close', () => recorder.connectionClosed());
      });
      req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error('poll timed out'), { code: 'ETIMEDOUT' })));
      let settled = false;
      const settle = () => {
        if (settled) return;
        settled = true;
        requestsInFlight.delete(req);
        inFlight--;
        const next = Math.max(due + opts.intervalMs, epochMs());
        if (!ending && next < endAt) later(() => poll(next), next);
        maybeFinish();
      };
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const now = epochMs();
          const code = res.statusCode ?? 0;
          recorder.status(code);
          if (code < 200 || code >= 300) {
            recorder.error('status');
            return settle();
          }
          try {
            const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { cursor?: unknown; events?: unknown; gap?: unknown };
            const events = Array.isArray(body.events) ? (body.events as Array<{ ts?: unknown }>) : [];
            if (events.length === 0) emptyRequests++;
            if (body.gap === true) gaps++;
            for (const ev of events) {
              delivered++;
              payloadBytes += Buffer.byteLength(JSON.stringify(ev));
              const ts = typeof ev?.ts === 'number' ? ev.ts : NaN;
              // Without a creation time a lag would be invented: counted as delivered only.
              if (Number.isFinite(ts) && ts > 1e11) recorder.completed(Math.max(1, (now - ts) * 1000));
              else untimed++;
            }
            if (typeof body.cursor === 'number') cursor = body.cursor;
          } catch {
            recorder.error('other');
          }
          settle();
        });
        res.on('error', (err) => {
          recorder.error(classifyError(err));
          settle();
        });
      });
      req.on('error', (err) => {
        if (!(ending && stopped())) recorder.error(classifyError(err));
        settle();
      });
      req.end();
    };
    // Clients are spread evenly over one interval, so their polls do not arrive together.
    const firstAt = startedAt + (index * opts.intervalMs) / opts.clients;
    later(() => poll(firstAt), firstAt);
  };

  recorder.start();
  for (let i = 0; i < opts.clients; i++) client(i);
  later(() => end(endAt), endAt);
  if (stopped()) end(epochMs());
  await finished;
  for (const t of timers) clearTimeout(t);
  timers.clear();
  recorder.finish();
  for (const agent of agents) agent.destroy();
  // The sockets' final counts arrive with their close events.
  await new Promise<void>((resolve) => setImmediate(resolve));
  acc.flush();
  const notes = [`${requests} polls, ${emptyRequests} empty, ${delivered} events delivered`];
  if (untimed > 0) notes.push(`${untimed} events carried no "ts" creation time (epoch ms): delivered, but no lag measured`);
  if (gaps > 0) notes.push(`${gaps} polls found their cursor older than the events the server keeps: events were missed`);
  if (status === 'aborted') notes.push('stopped before its planned end');
  const summary = buildSummary({ scenario, status, startedAt, endedAt: Math.max(startedAt, Math.min(endedAt, epochMs())), workers: 1, acc, notes });
  summary.latencyMeaning = POLL_LATENCY_MEANING;
  return {
    result: { config: scenario, summary, samples: acc.samples, histogram: encodeHistogram(acc.latency) },
    requests,
    emptyRequests,
    delivered,
    payloadBytes,
    gaps,
  };
}
