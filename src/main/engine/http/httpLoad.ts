// HTTP load in one worker: one autocannon instance, every latency recorded by Barrage itself in
// microseconds (autocannon's own histogram has 1 ms resolution and, with a rate, a wrong
// coordinated-omission correction). Connections, bytes and the open-model schedule are taken
// over through autocannon's `setupClient` hook; see autocannon.d.ts for what is hooked.
import { Socket } from 'node:net';
import type { AutocannonClient, AutocannonLatencySink, AutocannonOptions, Instance } from 'autocannon';
// autocannon's run loop itself, not its package entry: `autocannon(opts, cb)` is its options
// check (defaults filled in, then what Barrage's scenario schema has already checked) followed
// by this, but the entry module also loads the CLI's result printing, progress bar, worker
// manager and multipart form support (form-data, mime-db, cli-table3, chalk…): ≈ 40 % of
// autocannon's load time, on the way to the first request of every run (docs/PERFORMANCE.md).
import runAutocannon from 'autocannon/lib/run.js';
import autocannonDefaults from 'autocannon/lib/defaultOptions.js';
import { ArrivalCurve } from '../../../shared/loadProfile.ts';
import type { HttpScenario } from '../../../shared/scenario.ts';
import { stageTargetOf } from '../../../shared/scenarioLoad.ts';
import { classifyError } from '../errorKinds.ts';
import { epochMs, type Clock } from '../../clock.ts';
import type { SecondRecorder } from '../metrics/secondRecorder.ts';
import { SocketLedger } from '../metrics/socketLedger.ts';
import type { LoadDriver } from '../worker/loadDriver.ts';
import type { WorkerJob } from '../worker/workerProtocol.ts';
import { connectionTargetAt } from '../workerShares.ts';
import { OpenModelPacer } from './openModelPacer.ts';

/**
 * autocannon's own histograms, replaced by one that keeps nothing: autocannon records every 2xx
 * response's time into a WebAssembly histogram of whole milliseconds that Barrage never reads (it
 * records every latency itself, in µs), a second record per request; and each sample tick's
 * request and byte counts into two more, for a result Barrage never reads either. `__custom`
 * tells autocannon not to encode them at the end (lib/histUtil.js `encodeHist`). With all three
 * given, autocannon builds no WebAssembly histogram, and the CLI's bundle skips compiling its
 * WebAssembly module altogether (bin/cliBundle.js, `trimDependencies`).
 */
const NO_HISTOGRAM: AutocannonLatencySink = Object.freeze({
  __custom: true,
  recordValue() {},
  recordValueWithExpectedInterval() {},
  reset() {},
  destroy() {},
});

/** After a failed connection attempt, wait this long before the next one (no busy loop). */
const RECONNECT_BACKOFF_MS = 50;
/** With stages that ramp connections: how often the number of active connections follows the plan. */
const FOLLOW_PLAN_MS = 20;

export function createHttpLoad(job: WorkerJob, recorder: SecondRecorder): LoadDriver {
  const scenario = job.scenario as HttpScenario;
  const ledger = new SocketLedger();
  recorder.setByteCounter(() => ledger.totals());
  const expected = statusPredicate(scenario.expectedStatus);
  // Closed model with a profile: client i is active while i is below this worker's share of the
  // planned connections; the others hold no socket and send nothing.
  const connectionStages = scenario.stages !== undefined && stageTargetOf(scenario) === 'connections' ? scenario.stages : undefined;
  let activeClients = connectionStages ? 0 : Infinity;
  const parked = new Set<AutocannonClient>();
  const indexOf = new WeakMap<AutocannonClient, number>();
  let clientCount = 0;
  let instance: Instance | undefined;
  let stopped = false;
  let settled = 0;
  let finishRun: (() => void) | undefined;
  let responses = 0;
  const timers = new Set<NodeJS.Timeout>();
  // Every connection's requests in flight (their origins, by client), so the ones still waiting
  // at the end can be counted, with their ages.
  const inFlight = new Map<number[], AutocannonClient>();
  const maxBodyBytes = scenario.maxResponseBytes;

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

  const settle = () => {
    // In the open model autocannon does not know the amount; stop it once every slot is settled.
    if (pacer && job.amount !== undefined && ++settled >= job.amount) stop();
  };

  function setupClient(client: AutocannonClient): void {
    // Origins of this connection's requests in flight, oldest first (HTTP/1.1 answers in order).
    // Open model: each one's intended send time (epoch ms). Closed model: 0 for each, and no clock
    // read per request: its latency is autocannon's own response time, and an age at the end is
    // read off autocannon's queue of the connection's requests (see stop()).
    const origins: number[] = [];
    inFlight.set(origins, client);
    let requestsOnConnection = 0;
    // The current response's headers arrived but not yet its end.
    let headersPending = false;
    let bodyBytes = 0;
    // Set inside the parser (a body over the limit); acted on after it returns.
    let tooLarge = false;
    const parser = client.parser;

    // autocannon keeps every response body as a string (for verifyBody, which Barrage does not
    // use): a 100 MB body would cost hundreds of MB. Count the bytes instead, and give up on a
    // body over the limit while it streams in.
    const countBody = (_chunk: Buffer, _start: number, length: number) => {
      bodyBytes += length;
      if (bodyBytes > maxBodyBytes) tooLarge = true;
    };
    client.on('headers', () => {
      headersPending = true;
      bodyBytes = 0;
    });

    // A response that does not parse is a protocol error of the target (http-parser-js returns
    // the error rather than throwing, and autocannon ignores it: the request would wait for its
    // timeout). Either way the connection cannot be used any more: count and reconnect.
    const execute = parser.execute.bind(parser);
    parser.execute = (chunk: Buffer) => {
      if (tooLarge) return chunk.length;
      const consumed = execute(chunk);
      if (stopped) return consumed;
      if (consumed instanceof Error || tooLarge) {
        const kind = consumed instanceof Error ? 'protocol' : 'too-large';
        const lost = Math.max(1, origins.length);
        recorder.error(kind, lost);
        for (let i = 0; i < origins.length; i++) settle();
        origins.length = 0;
        errorCounted = true;
        setImmediate(() => {
          if (!client.destroyed && !stopped) client._resetConnection();
        });
      }
      return consumed;
    };
    let attemptFailed = false;
    let errorCounted = false;
    // Requests lost with the previous connection that no error event accounted for yet.
    let unaccounted = 0;
    let waitingForSlot = false;
    const index = clientCount++;
    indexOf.set(client, index);
    // autocannon's stop and timeout handling destroy `client.conn`: a parked client holds an
    // unconnected placeholder socket until it becomes active.
    if (connectionStages) client.conn = new Socket();

    const connect = client._connect.bind(client);
    client._connect = () => {
      unaccounted = errorCounted ? 0 : origins.length;
      errorCounted = false;
      origins.length = 0;
      requestsOnConnection = 0;
      // A new connection starts a new response stream: without this, a response cut off on the
      // previous connection would swallow the first bytes of the next one (and be counted a 200).
      parser.initialize(parser.type);
      // Set here, not in setupClient: autocannon installs its own handler after calling it.
      parser[3] = countBody;
      client.pipelinedRequests.clear();
      headersPending = false;
      tooLarge = false;
      bodyBytes = 0;
      if (client.destroyed || stopped) return;
      if (index >= activeClients) {
        parked.add(client);
        return;
      }
      if (attemptFailed) {
        // autocannon reconnects at once after a refused connection: a busy loop that would
        // measure the generator. Back off a little; every attempt is still counted.
        attemptFailed = false;
        later(() => client._connect(), RECONNECT_BACKOFF_MS);
        return;
      }
      const startedAt = epochMs();
      connect();
      const socket = client.conn;
      let connected = false;
      socket.once(scenario.url.startsWith('https:') ? 'secureConnect' : 'connect', () => {
        connected = true;
        ledger.add(socket);
        recorder.connectionOpened((epochMs() - startedAt) * 1000);
      });
      // Ahead of autocannon's own listeners, which reconnect straight away.
      socket.prependListener('error', () => {
        if (!connected) attemptFailed = true;
      });
      socket.prependListener('end', () => {
        // The server closed the connection with requests in flight: they are lost. The one
        // whose response had begun is incomplete (never a success), the rest were reset.
        if (origins.length > 0 && !stopped) {
          if (headersPending) recorder.error('incomplete');
          if (origins.length > (headersPending ? 1 : 0)) recorder.error('reset', origins.length - (headersPending ? 1 : 0));
          headersPending = false;
          for (let i = 0; i < origins.length; i++) settle();
          origins.length = 0;
        }
      });
      socket.once('close', () => {
        if (connected) recorder.connectionClosed();
        else recorder.connectionFailed();
      });
    };

    const send = client._doRequest.bind(client);
    client._doRequest = () => {
      if (client.destroyed || stopped) return;
      if (client.responseMax && client.reqsMade >= client.responseMax) {
        // This connection's share of the amount is done: autocannon closes it (no new socket).
        send();
        return;
      }
      if (scenario.newConnectionPerRequest && requestsOnConnection > 0) {
        // REST without keep-alive: a fresh TCP connection for every request. (autocannon's
        // reconnectRate drops the response event of the request it reconnects after.)
        client._resetConnection();
        return;
      }
      if (index >= activeClients) {
        // The plan ramps down: once its requests in flight are answered, close this connection
        // (the plan may also rise again before then: the next answer sends as usual).
        if (origins.length === 0) {
          client._destroyConnection();
          parked.add(client);
        }
        return;
      }
      if (!pacer) {
        requestsOnConnection++;
        origins.push(0);
        send();
        return;
      }
      if (waitingForSlot) return;
      waitingForSlot = true;
      const slotted = pacer.sendNext((origin) => {
        waitingForSlot = false;
        if (client.destroyed || stopped) return;
        requestsOnConnection++;
        origins.push(origin);
        recorder.scheduledSent();
        send();
      });
      if (!slotted) waitingForSlot = false;
    };

    client.on('response', (statusCode: number, _bytes: number, responseTimeMs: number) => {
      headersPending = false;
      const origin = origins.shift();
      // Closed model: autocannon's own time for the response (process.hrtime from the request's
      // insertion, just before its write, to its parsed end, as fractional ms), so Barrage reads
      // no clock per request of its own. Open model: from the intended send time (the pacer's slot).
      if (pacer) recorder.completed(origin === undefined ? 0 : (epochMs() - origin) * 1000);
      else recorder.completed(origin === undefined ? 0 : responseTimeMs * 1000);
      if ((++responses & 255) === 0) recorder.catchUp(epochMs());
      recorder.status(statusCode);
      if (!expected(statusCode)) recorder.error('status');
      settle();
    });
    client.on('connError', (err: unknown) => {
      errorCounted = true;
      // A reset after the response's headers: the response was cut off mid-body.
      recorder.error(headersPending ? 'incomplete' : classifyError(err));
      headersPending = false;
      settle();
    });
    client.on('timeout', () => {
      // autocannon's timer also fires on an idle connection (nothing in flight): not a timeout.
      if (unaccounted <= 0) return;
      unaccounted--;
      recorder.error('timeout');
      settle();
    });
  }

  function stop(): void {
    if (stopped) return;
    stopped = true;
    // Requests still waiting now are neither answered nor failed: unfinished, with their ages.
    const now = epochMs();
    const ages: number[] = [];
    for (const [origins, client] of inFlight) {
      if (pacer) for (const origin of origins) ages.push(now - origin);
      else closedModelAges(client, origins.length, ages);
    }
    recorder.unfinished(ages);
    for (const t of timers) clearTimeout(t);
    timers.clear();
    if (instance) instance.stop();
    else finishRun?.();
  }

  return {
    run: () =>
      new Promise<void>((resolve, reject) => {
        finishRun = resolve;
        const target = new URL(scenario.url);
        const hostHeader = target.host;
        target.hostname = job.address.includes(':') ? `[${job.address}]` : job.address;
        const headers: Record<string, string> = { host: hostHeader, ...scenario.headers };
        if (scenario.body !== undefined && scenario.bodyType === 'json' && !hasHeader(headers, 'content-type')) {
          headers['content-type'] = 'application/json';
        }
        if (scenario.newConnectionPerRequest && !hasHeader(headers, 'connection')) headers.connection = 'close';
        const closedAmount = pacer ? undefined : job.amount;
        const options: AutocannonOptions = {
          url: target.toString(),
          connections: closedAmount !== undefined ? Math.min(job.connections, closedAmount) : job.connections,
          pipelining: scenario.pipelining,
          // Barrage ends the run itself at the common end instant; this is only a backstop.
          duration: job.endAt !== undefined ? (job.endAt - epochMs()) / 1000 + 5 : 1e6,
          amount: closedAmount,
          timeout: scenario.timeoutSec,
          method: scenario.method,
          headers,
          body: scenario.body,
          servername: isIpLiteral(new URL(scenario.url).hostname) ? undefined : new URL(scenario.url).hostname,
          // autocannon checks for a stop only at each sample tick: keep it short so stop is prompt.
          sampleInt: 100,
          setupClient,
          histograms: { latencies: NO_HISTOGRAM, requests: NO_HISTOGRAM, throughput: NO_HISTOGRAM },
          // Barrage never reads autocannon's result (on an inline run's main thread it would
          // otherwise aggregate its histograms at the end).
          skipAggregateResult: true,
        };
        if (job.endAt !== undefined) later(stop, Math.max(0, job.endAt - epochMs()));
        const followPlan = () => {
          if (stopped || !connectionStages) return;
          const t = (epochMs() - job.startAt) / 1000;
          activeClients = connectionTargetAt(connectionStages, job.workerCount, job.workerIndex, t);
          // Wake the parked clients that the plan now wants.
          for (const client of [...parked]) {
            if ((indexOf.get(client) ?? Infinity) >= activeClients) continue;
            parked.delete(client);
            if (!client.destroyed) client._connect();
          }
          later(followPlan, FOLLOW_PLAN_MS);
        };
        const begin = () => {
          if (stopped) return resolve();
          if (connectionStages) activeClients = connectionTargetAt(connectionStages, job.workerCount, job.workerIndex, 0);
          try {
            // As autocannon's own options check fills them in (lib/validate.js: defaults first, then
            // the options given, undefined ones included).
            instance = runAutocannon({ ...autocannonDefaults, ...options } as AutocannonOptions, undefined, (err) => {
              for (const t of timers) clearTimeout(t);
              timers.clear();
              if (err) reject(err);
              else resolve();
            });
          } catch (err) {
            reject(err);
          }
          if (connectionStages) followPlan();
        };
        // All workers begin at the common start instant.
        const wait = job.startAt - epochMs();
        if (wait > 0) later(begin, wait);
        else begin();
      }),
    stop,
  };
}

/**
 * Closed model: the ages (ms) of a connection's `count` requests still waiting, from autocannon's
 * own queue of its requests in flight (each stamped with `process.hrtime()` as it was inserted,
 * just before its write; the queue and `origins` both drop the oldest on every response). The
 * newest `count` entries: after a protocol error the queue keeps requests that are already
 * counted as errors until the connection is replaced.
 */
function closedModelAges(client: AutocannonClient, count: number, into: number[]): void {
  if (count === 0) return;
  const pending = client.pipelinedRequests.toArray();
  for (let i = Math.max(0, pending.length - count); i < pending.length; i++) {
    const [sec, ns] = process.hrtime(pending[i].startTime);
    into.push(sec * 1e3 + ns / 1e6);
  }
}

function statusPredicate(expected: number[]): (code: number) => boolean {
  if (expected.length === 0) return (code) => code >= 200 && code < 400;
  const set = new Set(expected);
  return (code) => set.has(code);
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((h) => h.toLowerCase() === name);
}

function isIpLiteral(hostname: string): boolean {
  return /^[\d.]+$/.test(hostname) || hostname.startsWith('[');
}
