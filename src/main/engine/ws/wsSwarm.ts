// The WebSocket load driver of one worker: a swarm of connections opened on a ramp, then
// driven in one of three modes:
//   echo  closed loop: `inFlight` messages outstanding per connection, each echo sends the next;
//   rate  open loop: the worker's rate spread evenly over its connections, latency measured
//         from each message's intended send time (see rateSchedule.ts);
//   push  listen only: each message is received; one carrying a "ts" field gives a delivery lag.
//
// Echo mode holds its traffic until the worker's share of connections has opened (each first
// attempt opened or failed, or none has for HOLD_IDLE_MS: a target that accepts and never upgrades): closed-loop echoes
// saturate both event loops (ours and, on loopback, the target's), and a handshake needs several
// turns of each, so with traffic flowing the connect ramp fell far behind its rate (10,000 at
// 2,500/s: 9,600 open after 8 s). Rate mode's traffic is bounded by its rate and push mode sends
// nothing, so they do not wait; a connection profile (stages) is its own ramp, with traffic.
//
// Everything periodic (connection ramp and back-offs, rate sends, pings, echo timeouts, the end
// of the run) runs off one timer whose next wake is the earliest thing due, so a swarm of
// 10,000 idle connections costs no timers and little memory per connection: a Conn record, its
// ws instance and, in echo/rate modes, a small SequenceTracker.
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import { ArrivalCurve, type Stage } from '../../../shared/loadProfile.ts';
import type { ErrorKind } from '../../../shared/runResult.ts';
import type { WsScenario } from '../../../shared/scenario.ts';
import { stageTargetOf } from '../../../shared/scenarioLoad.ts';
import { classifyError } from '../errorKinds.ts';
import { epochMs } from '../../clock.ts';
import type { SecondRecorder } from '../metrics/secondRecorder.ts';
import type { LoadDriver } from '../worker/loadDriver.ts';
import type { WorkerJob } from '../worker/workerProtocol.ts';
import { connectionTargetAt } from '../workerShares.ts';
import { ConnectPacer } from './connectPacer.ts';
import { fixedLookup } from './fixedLookup.ts';
import { ephemeralPortRange, LocalPortPlan } from './localPorts.ts';
import { nonZeroMaskGenerator } from './nonZeroMask.ts';
import { compileTemplate, type CompiledTemplate } from './payloadTemplate.ts';
import { readPushTimestamp } from './pushTimestamp.ts';
import { RateSchedule } from './rateSchedule.ts';
import { ECHO_COMPLETED, SequenceTracker } from './sequenceTracker.ts';

/** Wait before re-attempting a failed or dropped connection. */
const BACKOFF_MS = 1000;
/** Period of the sweep for echo timeouts, pings and the stall guard. */
const HOUSEKEEPING_MS = 250;
/** Rate mode skips a connection whose send buffer holds more than this (the lateness is then measured). */
const MAX_BUFFERED_BYTES = 1024 * 1024;
/** Slots visited per wake in rate mode before yielding to the event loop (echoes must get in). */
const MAX_SLOTS_PER_WAKE = 5000;
/** After the deadline, outstanding echoes get at most this long (and at most the timeout). */
const END_DRAIN_MS = 2000;
/** After stop(), a shorter wait: the user asked for the run to end. */
const STOP_DRAIN_MS = 500;
/** Time for the close handshakes before the remaining sockets are destroyed. */
const CLOSE_GRACE_MS = 500;
/** After destroying sockets, give up waiting for their close events: never hang. */
const CLOSE_HARD_MS = 1000;
/** With stages that ramp connections: how often the swarm follows the plan (opens or retires connections). */
const FOLLOW_PLAN_MS = 50;
/** ws.send options for a rendered message: a Buffer, sent as a text frame (the template is text). */
const TEXT_FRAME = Object.freeze({ binary: false });
/** Echo mode's held traffic starts anyway when no first attempt has opened or failed for this long. */
const HOLD_IDLE_MS = 2000;
/** Mask: every 256th received message checks whether the timer is overdue. */
const PIGGYBACK_EVERY = 255;

// Run phases (numbers: enums are not erasable syntax).
const IDLE = 0;
const RUNNING = 1;
const DRAINING = 2;
const CLOSING = 3;
const DONE = 4;

// Connection states.
const DOWN = 0;
const CONNECTING = 1;
const OPEN = 2;

/** One slot of the swarm; it outlives its sockets (a reconnect reuses it). */
class Conn {
  readonly swarm: WsSwarm;
  readonly index: number;
  /** Value of {{conn}}: unique across workers (worker w's i-th connection is i·W + w). */
  readonly label: number;
  readonly tracker: SequenceTracker | null;
  ws: SwarmSocket | null = null;
  /** The TCP (or TLS) socket, for byte counts; kept from the handshake on. */
  socket: Socket | null = null;
  state = DOWN;
  /** Set when we close it, so its close is not an unexpected one. */
  closingByUs = false;
  /** Closed by us because the load profile ramps down (not an error, not retried). */
  retiring = false;
  /** Waiting in the connect pacer's queue. */
  queued = false;
  /** Its first attempt has opened or failed (echo mode's held traffic waits for every slot's). */
  firstSettled = false;
  upgraded = false;
  failKind: ErrorKind | null = null;
  /**
   * Why an open connection is ending, when it is already counted or known: a message over the
   * size limit (ws closes with 1009: `too-large`), or a missed pong we gave up on (`ping-timeout`,
   * counted when it was missed).
   */
  endKind: 'too-large' | 'ping-timeout' | null = null;
  startedAt = 0;
  /**
   * With source addresses: the local port it binds (localPorts.ts); 0 lets the kernel choose
   * (no source addresses, or its planned port turned out to be taken).
   */
  localPort = 0;
  /** Its attempt failed only because its planned local port was taken: retried at once with the kernel's choice, not counted. */
  portTaken = false;
  /** Rate mode: this connection's next turn to send (see RateSchedule). */
  nextTurn = 0;
  pingSentAt = 0;
  nextPingAt = 0;

  constructor(swarm: WsSwarm, index: number, label: number, tracked: boolean) {
    this.swarm = swarm;
    this.index = index;
    this.label = label;
    this.tracker = tracked ? new SequenceTracker() : null;
  }
}

/** A ws client that knows its slot, so one set of listener functions serves every socket. */
class SwarmSocket extends WebSocket {
  declare conn: Conn;
}

// Shared listeners: `this` is the socket. A socket that is no longer its slot's current one
// (replaced after a reconnect) is ignored.
function onOpen(this: WebSocket): void {
  const c = (this as SwarmSocket).conn;
  if (c.ws === this) c.swarm.opened(c);
}
function onMessage(this: WebSocket, data: WebSocket.RawData): void {
  const c = (this as SwarmSocket).conn;
  if (c.ws === this) c.swarm.message(c, data as Buffer);
}
function onClose(this: WebSocket, code: number): void {
  const c = (this as SwarmSocket).conn;
  if (c.ws === this) c.swarm.closed(c, code);
}
function onError(this: WebSocket, err: Error): void {
  const c = (this as SwarmSocket).conn;
  if (c.ws === this && (err as { code?: string }).code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') c.endKind = 'too-large';
  // After 'open' an error is always followed by 'close', which is where it is counted.
  if (c.ws === this && c.state === CONNECTING && c.failKind === null) {
    c.failKind = c.upgraded ? 'handshake' : classifyError(err);
    // bind() refuses a port held by a listener or a socket without SO_REUSEADDR; connect()
    // refuses one whose 4-tuple is in use (another run from this address to this target).
    const code = (err as { code?: string }).code;
    if (c.localPort > 0 && !c.upgraded && (code === 'EADDRINUSE' || code === 'EADDRNOTAVAIL')) c.portTaken = true;
  }
}
function onUpgrade(this: WebSocket, res: IncomingMessage): void {
  const c = (this as SwarmSocket).conn;
  c.upgraded = true;
  if (c.socket === null) c.socket = res.socket;
}
function onUnexpectedResponse(this: WebSocket, req: ClientRequest, res: IncomingMessage): void {
  // The server answered the upgrade with a plain HTTP response (404, 401, 503…). With this
  // listener present ws leaves aborting to us.
  const c = (this as SwarmSocket).conn;
  if (c.ws === this) {
    c.failKind = 'handshake';
    if (c.socket === null) c.socket = req.socket;
    c.swarm.recorder.status(res.statusCode ?? 0);
  }
  this.terminate();
}
function onPong(this: WebSocket): void {
  const c = (this as SwarmSocket).conn;
  if (c.ws === this && c.pingSentAt > 0) {
    c.swarm.recorder.wsPing((epochMs() - c.pingSentAt) * 1000);
    c.pingSentAt = 0;
  }
}

export function createWsSwarm(job: WorkerJob, recorder: SecondRecorder): LoadDriver {
  if (job.scenario.protocol !== 'ws') throw new Error('createWsSwarm needs a ws scenario');
  return new WsSwarm(job, job.scenario, recorder);
}

class WsSwarm implements LoadDriver {
  readonly recorder: SecondRecorder;
  private readonly job: WorkerJob;
  private readonly scenario: WsScenario;
  private readonly conns: Conn[] = [];
  private readonly template: CompiledTemplate | null;
  /** Renders the next message's bytes (see the constructor for which renderer). */
  private readonly renderMessage: ((seq: number, conn: number, tsMs: number) => Buffer) | null;
  private readonly schedule: RateSchedule | null;
  private readonly pacer: ConnectPacer<Conn>;
  /** Handshakes this worker may have in flight at once (its share of `maxConnecting`). */
  private readonly maxConnecting: number;
  /** Handshakes in flight now (state CONNECTING). */
  private connecting = 0;
  private readonly clientOptions: WebSocket.ClientOptions & { lookup: ReturnType<typeof fixedLookup> };
  /** With source addresses: the client options for each (a connection takes its label's, round robin). */
  private readonly optionsBySource: Array<WebSocket.ClientOptions & { lookup: ReturnType<typeof fixedLookup> }>;
  private readonly timeoutMs: number;
  private readonly pingMs: number;
  private readonly amount: number;
  /** Stages that ramp connections (echo and push modes), else null. */
  private readonly connectionStages: readonly Stage[] | null;
  /** Connections the plan wants open now (indices below it); Infinity without a profile. */
  private activeTarget = Infinity;
  /** Echo mode: traffic waits until the connect ramp is over (see the top of this file). */
  private holding: boolean;
  /** First attempts not yet opened or failed, while holding. */
  private firstAttemptsPending = 0;
  /** When the last first attempt opened or failed (held traffic starts HOLD_IDLE_MS after it at the latest). */
  private lastSettledAt = 0;

  private phase = IDLE;
  private stopRequested = false;
  private timer: NodeJS.Timeout | undefined;
  private wakeAt = Infinity;
  private messagesSeen = 0;
  private nextHousekeepingAt = 0;
  private drainUntil = 0;
  private closeDeadline = 0;
  private closeForced = false;
  private closingCount = 0;
  private openCount = 0;
  /** Since when no connection has been open after a failure (0: not stalled). */
  private stalledSince = 0;
  /** Messages sent; the amount caps it. */
  private sent = 0;
  /** Messages answered or given up: the run is over when this reaches the amount. */
  private settled = 0;
  private outstanding = 0;
  /** Rate mode: next slot of the schedule to visit. */
  private slot = 0;
  private closedBytesSent = 0;
  private closedBytesReceived = 0;
  private resolveRun: (() => void) | undefined;
  private rejectRun: ((err: Error) => void) | undefined;
  private runPromise: Promise<void> | undefined;

  constructor(job: WorkerJob, scenario: WsScenario, recorder: SecondRecorder) {
    this.job = job;
    this.scenario = scenario;
    this.recorder = recorder;
    this.timeoutMs = scenario.timeoutSec * 1000;
    this.pingMs = scenario.pingIntervalSec * 1000;
    const tracked = scenario.mode !== 'push';
    this.amount = tracked && job.amount !== undefined ? job.amount : Infinity;
    this.template = tracked ? compileTemplate(scenario.message) : null;
    // Without permessage-deflate, ws frames a Buffer synchronously inside send(), copying it
    // while it masks it (with a non-zero key, which nonZeroMaskGenerator guarantees): the message
    // can then be rendered into one reused Buffer. With compression ws may hold on to the Buffer
    // until zlib is done with it, so every message gets a Buffer of its own.
    const reuse = !scenario.perMessageDeflate;
    this.renderMessage = this.template === null ? null : reuse ? this.template.scratchRenderer() : this.template.renderBytes;
    this.schedule =
      scenario.mode !== 'rate' || job.connections <= 0
        ? null
        : job.rateStages !== undefined
          ? new RateSchedule(job.startAt, new ArrivalCurve(job.rateStages), job.connections)
          : job.rate !== undefined && job.rate > 0
            ? new RateSchedule(job.startAt, job.rate, job.connections)
            : null;
    this.connectionStages = scenario.stages !== undefined && stageTargetOf(scenario) === 'connections' ? scenario.stages : null;
    const workerConnectRate = scenario.connectRate / Math.max(1, job.workerCount);
    this.pacer = new ConnectPacer(workerConnectRate);
    this.maxConnecting = Math.max(1, Math.ceil(scenario.maxConnecting / Math.max(1, job.workerCount)));
    this.holding = scenario.mode === 'echo' && this.connectionStages === null && job.connections > 1;
    if (this.holding) {
      this.firstAttemptsPending = job.connections;
      this.lastSettledAt = job.startAt;
    }
    for (let i = 0; i < job.connections; i++) {
      this.conns.push(new Conn(this, i, i * job.workerCount + job.workerIndex, tracked));
    }
    // With source addresses the engine picks each connection's local port (see localPorts.ts
    // for why: the kernel's own choice at bind time slows to hundreds per second past ~7,000
    // connections per address). The offset is the run's start, the same in every worker.
    const sourceCount = scenario.sourceAddresses?.length ?? 0;
    if (sourceCount > 0) {
      const ports = new LocalPortPlan(ephemeralPortRange(), sourceCount, job.startAt);
      for (const c of this.conns) c.localPort = ports.portOf(c.label);
    }
    this.clientOptions = {
      perMessageDeflate: scenario.perMessageDeflate,
      handshakeTimeout: this.timeoutMs,
      // ws refuses a bigger message from its frame header on, before buffering it (close 1009).
      maxPayload: scenario.maxResponseBytes,
      rejectUnauthorized: !scenario.insecure,
      headers: scenario.headers,
      lookup: fixedLookup(job.address),
    };
    if (reuse) this.clientOptions.generateMask = nonZeroMaskGenerator();
    // One options object per source address, made once: `localAddress` is handed to the
    // socket's bind, spreading the connections over more ephemeral ports (see scalePlan.ts).
    this.optionsBySource = (scenario.sourceAddresses ?? []).map((localAddress) => ({ ...this.clientOptions, localAddress }));
  }

  run(): Promise<void> {
    if (this.runPromise) return this.runPromise;
    this.runPromise = new Promise<void>((resolve, reject) => {
      this.resolveRun = resolve;
      this.rejectRun = reject;
    });
    this.recorder.setByteCounter(() => this.bytes());
    const schedule = this.schedule;
    if (schedule) this.recorder.setSchedule((at) => schedule.dueWithin(at, this.job.endAt, this.amount));
    if (this.stopRequested || (this.conns.length === 0 && this.job.endAt === undefined)) {
      this.phase = DONE;
      this.resolveRun?.();
      return this.runPromise;
    }
    this.phase = RUNNING;
    if (this.connectionStages) this.activeTarget = this.plannedConnections(this.job.startAt);
    for (const c of this.conns) if (c.index < this.activeTarget) this.enqueue(c, this.job.startAt);
    this.nextHousekeepingAt = this.job.startAt;
    this.arm(this.job.startAt);
    return this.runPromise;
  }

  stop(): void {
    this.stopRequested = true;
    if (this.phase === RUNNING) this.beginEnd(STOP_DRAIN_MS);
  }

  // ---- socket events (called by the shared listeners) ----

  opened(c: Conn): void {
    const now = epochMs();
    this.handshakeEnded();
    c.state = OPEN;
    this.openCount++;
    this.stalledSince = 0;
    this.recorder.connectionOpened((now - c.startedAt) * 1000);
    if (c.socket === null) c.socket = (c.ws as unknown as { _socket: Socket | null })._socket;
    c.pingSentAt = 0;
    c.nextPingAt = now + this.pingMs;
    if (this.phase !== RUNNING) return;
    if (c.index >= this.activeTarget) return this.retire(c);
    if (this.holding) return this.firstSettled(c, now);
    if (this.scenario.mode === 'echo') this.topUp(c, now);
    else if (this.schedule) c.nextTurn = this.schedule.firstTurnFrom(c.index, this.slot);
  }

  message(c: Conn, data: Buffer): void {
    const now = epochMs();
    this.receive(c, data, now);
    // With more than ~1,000 busy sockets, libuv's poll phase can run for hundreds of ms before
    // timers get their turn; the schedule (ramp, rate sends, timeouts, the deadline) is then
    // also served from here, so a saturated loop delays it by a batch of messages at most.
    if ((++this.messagesSeen & PIGGYBACK_EVERY) === 0) {
      this.recorder.catchUp(now);
      if (now >= this.wakeAt) this.wake();
    }
  }

  private receive(c: Conn, data: Buffer, now: number): void {
    this.recorder.wsReceived();
    if (c.tracker === null) {
      const ts = readPushTimestamp(data);
      // Without a timestamp a pushed message is counted as received only: a latency of 0 or
      // of the arrival gap would be invented, not measured.
      if (ts > 0) this.recorder.completed(Math.max(1, (now - ts) * 1000));
      return;
    }
    if (c.tracker.echo(this.template!.readSeq(data), now, this.recorder) !== ECHO_COMPLETED) return;
    this.outstanding--;
    this.settled++;
    if (this.phase === RUNNING) {
      if (this.scenario.mode === 'echo') this.topUp(c, now);
      this.checkAmount();
    } else if (this.phase === DRAINING && this.outstanding === 0) {
      this.closeAll();
    }
  }

  closed(c: Conn, code: number): void {
    const wasOpen = c.state === OPEN;
    if (c.state === CONNECTING) this.handshakeEnded();
    const byUs = c.closingByUs;
    c.ws = null;
    c.state = DOWN;
    c.closingByUs = false;
    if (c.socket !== null) {
      this.closedBytesSent += c.socket.bytesWritten;
      this.closedBytesReceived += c.socket.bytesRead;
      c.socket = null;
    }
    if (wasOpen) {
      this.openCount--;
      this.recorder.connectionClosed();
      this.abandon(c);
    }
    if (byUs) {
      if (--this.closingCount === 0 && this.phase === CLOSING) this.finish();
      return;
    }
    if (c.retiring) {
      // Retired by the profile; if the plan rose again meanwhile, it reconnects.
      c.retiring = false;
      if (this.phase === RUNNING && c.index < this.activeTarget) this.enqueue(c, epochMs());
      return;
    }
    if (wasOpen && c.endKind !== null) {
      if (c.endKind === 'too-large') this.recorder.error('too-large');
      this.recorder.wsClosed(code);
      c.endKind = null;
    } else if (wasOpen) {
      // The peer (or the network) ended a live connection.
      this.recorder.wsClosed(code);
      this.recorder.error('closed');
    } else if (c.portTaken && this.phase === RUNNING) {
      // Not the target's fault nor the network's: our planned port was taken. The kernel picks
      // one for this connection from now on, at once, outside the pacer's rate (its token was spent).
      c.portTaken = false;
      c.localPort = 0;
      // Unless the profile ramped down meanwhile (then it stays closed, as a retired one does).
      if (c.index < this.activeTarget) this.connect(c);
      return;
    } else {
      this.recorder.connectionFailed();
      this.recorder.error(c.failKind ?? 'other');
      if (this.holding && this.phase === RUNNING) this.firstSettled(c, epochMs());
    }
    if (this.openCount === 0 && this.stalledSince === 0) this.stalledSince = epochMs();
    if (this.phase === RUNNING) {
      const retryAt = epochMs() + BACKOFF_MS;
      this.enqueue(c, retryAt);
      this.arm(retryAt);
      this.checkAmount();
    } else if (this.phase === DRAINING && this.outstanding === 0) {
      this.closeAll();
    }
  }

  // ---- holding echo traffic during the connect ramp ----

  /** Counts a slot's first attempt as settled; the last one releases the held traffic. */
  private firstSettled(c: Conn, now: number): void {
    if (c.firstSettled) return;
    c.firstSettled = true;
    this.lastSettledAt = now;
    if (--this.firstAttemptsPending === 0) this.release(now);
  }

  /** Ends the hold: every open connection starts its closed loop. */
  private release(now: number): void {
    if (!this.holding) return;
    this.holding = false;
    for (const c of this.conns) if (c.state === OPEN && c.ws !== null) this.topUp(c, now);
  }

  // ---- sending ----

  /**
   * A handshake finished (opened or failed): when the cap held the ramp back, the queue moves on
   * now rather than at the next timer.
   */
  private handshakeEnded(): void {
    if (this.connecting-- >= this.maxConnecting && this.phase === RUNNING && this.pacer.size > 0) this.arm(epochMs());
  }

  private connect(c: Conn): void {
    this.connecting++;
    c.state = CONNECTING;
    c.failKind = null;
    c.endKind = null;
    c.upgraded = false;
    c.startedAt = epochMs();
    // Throws only on a malformed URL or subprotocol list, which no retry can fix: end the run.
    const sources = this.optionsBySource;
    const options =
      sources.length === 0 ? this.clientOptions : c.localPort > 0 ? { ...sources[c.label % sources.length], localPort: c.localPort } : sources[c.label % sources.length];
    const ws = new SwarmSocket(this.scenario.url, this.scenario.subprotocols, options);
    ws.conn = c;
    c.ws = ws;
    ws.on('open', onOpen);
    ws.on('message', onMessage);
    ws.on('close', onClose);
    ws.on('error', onError);
    ws.on('upgrade', onUpgrade);
    ws.on('unexpected-response', onUnexpectedResponse);
    if (this.pingMs > 0) ws.on('pong', onPong);
  }

  /**
   * Echo mode: keeps `inFlight` messages outstanding on the connection. `now` is the clock read
   * of the event that triggered it (an echo, an open): one read per echo keeps the hot path as
   * cheap as a bare ws loop's, and the send follows within microseconds.
   */
  private topUp(c: Conn, now: number): void {
    const ws = c.ws!;
    const tracker = c.tracker!;
    if (c.index >= this.activeTarget) {
      // The profile ramps down: send nothing more; close once the last echo is in.
      if (tracker.outstanding === 0) this.retire(c);
      return;
    }
    while (tracker.outstanding < this.scenario.inFlight && this.sent < this.amount && ws.readyState === WebSocket.OPEN) {
      this.send(c, ws, tracker, now, now);
    }
  }

  /** `originMs`: where the round trip is measured from (rate mode: the scheduled time). */
  private send(c: Conn, ws: WebSocket, tracker: SequenceTracker, originMs: number, nowMs: number): void {
    const seq = tracker.next(originMs);
    ws.send(this.renderMessage!(seq, c.label, nowMs), TEXT_FRAME);
    this.recorder.wsSent();
    if (this.schedule) this.recorder.scheduledSent();
    this.sent++;
    this.outstanding++;
  }

  /** Rate mode: sends every slot that has come due; returns whether it stopped early (more is due). */
  private sendDue(now: number): boolean {
    const schedule = this.schedule!;
    const due = schedule.dueCount(now);
    let budget = MAX_SLOTS_PER_WAKE;
    while (this.slot < due && this.sent < this.amount) {
      if (budget <= 0) return true;
      budget--;
      const c = this.conns[schedule.connectionOf(this.slot)];
      const ws = c.ws;
      if (c.state === OPEN && ws !== null && ws.readyState === WebSocket.OPEN) {
        const turn = schedule.turnOf(this.slot);
        // Also catches up turns skipped under backpressure, each with its own intended time.
        while (c.nextTurn <= turn && this.sent < this.amount && budget > 0) {
          if (ws.bufferedAmount > MAX_BUFFERED_BYTES) break;
          this.send(c, ws, c.tracker!, schedule.intendedAt(schedule.slotOf(c.index, c.nextTurn)), now);
          c.nextTurn++;
          budget--;
        }
        if (c.nextTurn <= turn && budget <= 0) return true; // come back to this slot
      }
      this.slot++;
    }
    return false;
  }

  // ---- the timer ----

  private arm(at: number): void {
    if (this.phase === DONE || at >= this.wakeAt) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.wakeAt = at;
    this.timer = setTimeout(this.wake, Math.max(0, at - epochMs()));
  }

  private readonly connectOne = (c: Conn): void => {
    c.queued = false;
    // The plan may have ramped down while it waited in the queue.
    if (c.index < this.activeTarget) this.connect(c);
  };

  private enqueue(c: Conn, at: number): void {
    if (c.queued) return;
    c.queued = true;
    this.pacer.add(c, at);
  }

  /** This worker's share of the planned connections at `nowMs`. */
  private plannedConnections(nowMs: number): number {
    return connectionTargetAt(this.connectionStages!, this.job.workerCount, this.job.workerIndex, (nowMs - this.job.startAt) / 1000);
  }

  /**
   * Follows a profile that ramps connections: queues the connections the plan now wants, and
   * retires those beyond it (idle ones at once, busy ones after their last echo). Returns when
   * to look again.
   */
  private followPlan(now: number): number {
    const before = this.activeTarget;
    const target = this.plannedConnections(now);
    this.activeTarget = target;
    if (target > before) {
      for (let i = before; i < target && i < this.conns.length; i++) {
        const c = this.conns[i];
        if (c.state === DOWN) this.enqueue(c, now);
      }
    } else if (target < before) {
      for (let i = target; i < before && i < this.conns.length; i++) {
        const c = this.conns[i];
        if (c.state === OPEN && (c.tracker === null || c.tracker.outstanding === 0)) this.retire(c);
      }
    }
    return now + FOLLOW_PLAN_MS;
  }

  /** Closes a connection the profile no longer wants; its close is neither an error nor retried. */
  private retire(c: Conn): void {
    if (c.retiring || c.ws === null) return;
    c.retiring = true;
    c.ws.close(1000);
  }

  private readonly wake = (): void => {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.wakeAt = Infinity;
    try {
      this.tick(epochMs());
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)));
    }
  };

  private tick(now: number): void {
    const endAt = this.job.endAt ?? Infinity;
    if (this.phase === RUNNING) {
      if (now >= endAt) {
        // What comes after this instant answers messages sent before it: the drain, its own period.
        if (this.outstanding > 0) this.recorder.beginDrain();
        return this.beginEnd(END_DRAIN_MS);
      }
      if (this.holding && now >= this.lastSettledAt + HOLD_IDLE_MS) this.release(now);
      // The plan first, so the connections it queues can be opened in this same wake.
      let next = this.connectionStages ? this.followPlan(now) : Infinity;
      next = Math.min(next, this.pacer.take(now, this.connectOne, this.maxConnecting - this.connecting));
      if (this.schedule && this.sent < this.amount) {
        const behind = this.sendDue(now);
        next = Math.min(next, behind ? now : this.schedule.intendedAt(this.slot));
      }
      if (now >= this.nextHousekeepingAt) {
        this.housekeeping(now);
        this.nextHousekeepingAt = now + HOUSEKEEPING_MS;
      }
      if (this.holding) next = Math.min(next, this.lastSettledAt + HOLD_IDLE_MS);
      if (this.phase === RUNNING) this.arm(Math.min(next, this.nextHousekeepingAt, endAt));
    } else if (this.phase === DRAINING) {
      this.expire(now);
      if (now >= this.drainUntil || this.outstanding === 0) this.closeAll();
      else this.arm(Math.min(this.drainUntil, now + HOUSEKEEPING_MS));
    } else if (this.phase === CLOSING) {
      // A wake armed before closing began may come early.
      if (now < this.closeDeadline) return this.arm(this.closeDeadline);
      if (!this.closeForced) {
        // Close handshakes that have not finished by now will not: destroy the sockets.
        this.closeForced = true;
        for (const c of this.conns) c.ws?.terminate();
        this.closeDeadline = now + CLOSE_HARD_MS;
        this.arm(this.closeDeadline);
      } else {
        this.finish();
      }
    }
  }

  private housekeeping(now: number): void {
    this.expire(now);
    if (this.pingMs > 0) this.ping(now);
    // A run bounded only by an amount would wait forever on a target that never accepts.
    if (this.job.endAt === undefined && this.stalledSince > 0 && now - this.stalledSince >= this.timeoutMs) {
      this.beginEnd(0);
    }
  }

  /** Gives up messages outstanding longer than the timeout. */
  private expire(now: number): void {
    if (this.outstanding === 0) return;
    const cutoff = now - this.timeoutMs;
    for (const c of this.conns) {
      if (c.tracker === null || c.tracker.outstanding === 0) continue;
      const n = c.tracker.expire(cutoff, this.recorder);
      if (n === 0) continue;
      this.outstanding -= n;
      this.settled += n;
      if (this.phase === RUNNING && this.scenario.mode === 'echo' && c.state === OPEN) this.topUp(c, now);
    }
    if (this.phase === RUNNING) this.checkAmount();
  }

  private ping(now: number): void {
    for (const c of this.conns) {
      if (c.state !== OPEN || c.ws === null || c.ws.readyState !== WebSocket.OPEN) continue;
      // A pong that never came within the timeout is counted; pinging resumes (or, as ws
      // clients often do, the connection is given up and reopened).
      if (c.pingSentAt > 0 && now - c.pingSentAt > this.timeoutMs) {
        c.pingSentAt = 0;
        this.recorder.error('ping-timeout');
        if (this.scenario.closeOnPingTimeout) {
          c.endKind = 'ping-timeout';
          c.ws.terminate();
          continue;
        }
      }
      if (c.pingSentAt === 0 && now >= c.nextPingAt) {
        // Stamped per ping, not with the sweep's start: a sweep over thousands of connections
        // takes a while, and that time is not the peer's.
        c.pingSentAt = epochMs();
        c.ws.ping();
        c.nextPingAt = now + this.pingMs;
      }
    }
  }

  // ---- the end ----

  private checkAmount(): void {
    if (this.amount !== Infinity && this.sent >= this.amount && this.settled >= this.amount) this.beginEnd(0);
  }

  /** Stops sending; waits for outstanding echoes at most `drainMs` (and the timeout), then closes. */
  private beginEnd(drainMs: number): void {
    if (this.phase !== RUNNING) return;
    this.phase = DRAINING;
    this.pacer.clear();
    const now = epochMs();
    this.drainUntil = now + Math.min(drainMs, this.timeoutMs);
    if (this.outstanding === 0 || drainMs <= 0) this.closeAll();
    else this.arm(Math.min(this.drainUntil, now + HOUSEKEEPING_MS));
  }

  private closeAll(): void {
    if (this.phase === CLOSING || this.phase === DONE) return;
    this.phase = CLOSING;
    // Handshakes still under way are unfinished (a target that accepts TCP and never upgrades).
    const now = epochMs();
    const waiting: number[] = [];
    for (const c of this.conns) if (c.state === CONNECTING && c.ws !== null) waiting.push(now - c.startedAt);
    this.recorder.unfinished(waiting);
    for (const c of this.conns) this.abandon(c);
    for (const c of this.conns) {
      const ws = c.ws;
      if (ws === null) continue;
      c.closingByUs = true;
      this.closingCount++;
      if (c.state === OPEN) ws.close(1000);
      else ws.terminate();
    }
    if (this.closingCount === 0) return this.finish();
    this.closeDeadline = epochMs() + CLOSE_GRACE_MS;
    this.arm(this.closeDeadline);
  }

  /** Counts whatever the connection still awaits as lost. */
  private abandon(c: Conn): void {
    if (c.tracker === null) return;
    const n = c.tracker.abandon(this.recorder);
    this.outstanding -= n;
    this.settled += n;
  }

  private finish(): void {
    if (this.phase === DONE) return;
    this.phase = DONE;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.pacer.clear();
    this.resolveRun?.();
  }

  private fail(err: Error): void {
    // Leave nothing running behind a failed run.
    this.phase = DONE;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.pacer.clear();
    for (const c of this.conns) {
      c.closingByUs = true;
      c.ws?.terminate();
    }
    this.rejectRun?.(err);
  }

  /** Socket-level bytes: closed sockets' totals plus the live sockets' counters. */
  private bytes(): { sent: number; received: number } {
    let sent = this.closedBytesSent;
    let received = this.closedBytesReceived;
    for (const c of this.conns) {
      if (c.socket !== null) {
        sent += c.socket.bytesWritten;
        received += c.socket.bytesRead;
      }
    }
    return { sent, received };
  }
}
