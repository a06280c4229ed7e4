// REST polling as a load driver (an HTTP scenario with `poll`): each of the worker's connections
// is one virtual client asking a cursor endpoint "events since N" every `poll.intervalMs` over a
// keep-alive connection. Its latency is the delivery lag of each event: receipt of the poll
// response minus the event's creation time stamped by the server. It runs in a load worker like
// the other drivers, so its seconds are recorded by the worker's SecondRecorder and merged by
// the run accumulator, and the run is stored with its own (re-runnable) configuration.
//
// Poll endpoint contract: GET <url>?since=N answers {"cursor":M,"events":[{…,"ts":<epoch ms>},…]}
// with the events after N (M: the last one's number); without `since`, only the current cursor.
// `"gap": true` in an answer says the cursor was older than what the server keeps.
// require()d, not imported: see nodeHttp.ts (an ES import of node:http loads undici).
import { http, https } from '../../nodeHttp.ts';
import type { Agent, ClientRequest } from 'node:http';
import type { RequestOptions } from 'node:https';
import type { Socket } from 'node:net';
import { redactUrl } from '../../../shared/redact.ts';
import type { PollFigures } from '../../../shared/runResult.ts';
import type { HttpScenario } from '../../../shared/scenario.ts';
import { epochMs } from '../../clock.ts';
import { classifyError } from '../errorKinds.ts';
import type { SecondRecorder } from '../metrics/secondRecorder.ts';
import { SocketLedger } from '../metrics/socketLedger.ts';
import { fixedLookup } from '../ws/fixedLookup.ts';
import type { LoadDriver } from '../worker/loadDriver.ts';
import type { WorkerJob } from '../worker/workerProtocol.ts';

/** After a long poll that failed (refused, a bad status, a bad body), the next one waits this long: no tight loop. */
const LONG_POLL_RETRY_MS = 1000;

export function emptyPollFigures(): PollFigures {
  return { requests: 0, emptyRequests: 0, delivered: 0, payloadBytes: 0, gaps: 0, untimed: 0 };
}

export function createPollLoad(job: WorkerJob, recorder: SecondRecorder): LoadDriver & { pollFigures(): PollFigures } {
  const scenario = job.scenario as HttpScenario;
  if (scenario.poll === undefined) throw new Error('createPollLoad needs a scenario with poll');
  // Long polling: the server holds each poll until an event exists (or its wait ends), and the
  // next poll leaves as soon as the answer is in — no interval of our own.
  const long = scenario.poll.long;
  const intervalMs = long ? 0 : (scenario.poll.intervalMs ?? 1000);
  const timeoutMs = scenario.timeoutSec * 1000;
  // A poll's body is buffered to be parsed: past this it is cut off and counted as too-large, so a
  // huge answer cannot exhaust the worker's memory (as the HTTP driver's bodies and WebSocket messages).
  const maxBodyBytes = scenario.maxResponseBytes;
  const secure = scenario.url.startsWith('https:');
  const lib = secure ? https : http;
  const lookup = fixedLookup(job.address);
  const figures = emptyPollFigures();
  const ledger = new SocketLedger();
  const seen = new WeakSet<Socket>();
  const agents: Agent[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<ClientRequest>();
  const endAt = job.endAt ?? Infinity;
  let ending = false;
  let stopped = false;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  recorder.setByteCounter(() => ledger.totals());

  const later = (fn: () => void, at: number) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, Math.max(0, at - epochMs()));
    timers.add(t);
  };
  const maybeFinish = () => {
    if (ending && inFlight.size === 0) finish();
  };
  const end = () => {
    if (ending) return;
    ending = true;
    for (const t of timers) clearTimeout(t);
    timers.clear();
    // A held long poll is the normal state of a long-polling client, not a request that failed:
    // at the end it is abandoned at once and not counted.
    if (long) {
      for (const req of inFlight) req.destroy();
      inFlight.clear();
      return void finish();
    }
    // Polls in flight get at most the timeout (2 s at most), then they are abandoned.
    const abandon = setTimeout(() => {
      for (const req of inFlight) req.destroy();
      finish();
    }, Math.min(timeoutMs, 2000));
    finished.then(() => clearTimeout(abandon));
    maybeFinish();
  };

  const requestOptions = (agent: Agent | undefined): RequestOptions => ({
    agent,
    method: 'GET',
    lookup,
    headers: { accept: 'application/json', ...scenario.headers },
    rejectUnauthorized: !scenario.insecure,
  });
  const pollUrl = (since: number | null) => {
    const u = new URL(scenario.url);
    if (since !== null) u.searchParams.set('since', String(since));
    return u;
  };

  /** The current cursor, asked once on a connection of its own (not counted): polling starts from now. */
  const currentCursor = () =>
    new Promise<number>((resolve, reject) => {
      const req = lib.request(pollUrl(null), requestOptions(undefined), (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > maxBodyBytes) req.destroy(new Error(`${redactUrl(scenario.url)} answered more than ${maxBodyBytes} bytes (maxResponseBytes)`));
          else chunks.push(c);
        });
        res.on('end', () => {
          try {
            const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { cursor?: unknown };
            if (typeof body.cursor === 'number') return resolve(body.cursor);
          } catch {
            // Answered below, with the same message as a body without a cursor.
          }
          reject(new Error(`${redactUrl(scenario.url)} did not answer {"cursor":N,…} (is it a poll endpoint?)`));
        });
        res.on('error', reject);
      });
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`${redactUrl(scenario.url)} did not answer within ${scenario.timeoutSec} s`)));
      req.on('error', reject);
      req.end();
    });

  const client = (index: number, startCursor: number) => {
    let cursor = startCursor;
    const agent = new lib.Agent({ keepAlive: true, maxSockets: 1, maxFreeSockets: 1 });
    agents.push(agent);
    const poll = (due: number) => {
      if (ending) return;
      figures.requests++;
      const req = lib.request(pollUrl(cursor), requestOptions(agent));
      inFlight.add(req);
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
      /** The body passed maxResponseBytes: counted once as too-large, the request cut off. */
      let tooLarge = false;
      /** Whether the poll brought a usable answer (a long poll that failed must not come back at once). */
      let answered = false;
      const settle = () => {
        if (settled) return;
        settled = true;
        inFlight.delete(req);
        const next = long && !answered ? epochMs() + LONG_POLL_RETRY_MS : Math.max(due + intervalMs, epochMs());
        if (!ending && next < endAt) later(() => poll(next), next);
        maybeFinish();
      };
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (tooLarge) return;
          size += c.length;
          if (size <= maxBodyBytes) return void chunks.push(c);
          tooLarge = true;
          chunks.length = 0;
          recorder.error('too-large');
          req.destroy();
          settle();
        });
        res.on('end', () => {
          if (tooLarge) return;
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
            if (events.length === 0) figures.emptyRequests++;
            if (body.gap === true) figures.gaps++;
            for (const ev of events) {
              figures.delivered++;
              figures.payloadBytes += Buffer.byteLength(JSON.stringify(ev));
              const ts = typeof ev?.ts === 'number' ? ev.ts : NaN;
              // Without a creation time a lag would be invented: counted as delivered only.
              if (Number.isFinite(ts) && ts > 1e11) recorder.completed(Math.max(1, (now - ts) * 1000));
              else figures.untimed++;
            }
            if (typeof body.cursor === 'number') cursor = body.cursor;
            answered = true;
          } catch {
            recorder.error('other');
          }
          settle();
        });
        res.on('error', (err) => {
          if (!tooLarge) recorder.error(classifyError(err));
          settle();
        });
      });
      req.on('error', (err) => {
        // Polls cut off by a stop (or, long polls, by the end), or by their own size, are not counted again.
        if (!(ending && (stopped || long)) && !tooLarge) recorder.error(classifyError(err));
        settle();
      });
      req.end();
    };
    // Clients are spread evenly over one interval (across all workers), so their polls do not
    // arrive together.
    // (Long polls all start at once: the server spreads them out by answering.)
    const slot = job.workerIndex + index * job.workerCount;
    const total = Math.max(1, job.connections * job.workerCount);
    const firstAt = job.startAt + (slot * intervalMs) / total;
    later(() => poll(firstAt), firstAt);
  };

  return {
    async run() {
      const startCursor = await currentCursor();
      if (!stopped) {
        for (let i = 0; i < job.connections; i++) client(i, startCursor);
        if (endAt !== Infinity) later(end, endAt);
      } else end();
      await finished;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const agent of agents) agent.destroy();
      // The sockets' final byte counts arrive with their close events.
      await new Promise<void>((resolve) => setImmediate(resolve));
    },
    stop() {
      stopped = true;
      end();
    },
    pollFigures: () => ({ ...figures }),
  };
}
