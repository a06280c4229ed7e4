// The WebSocket steps of a flow (issue #12): ws-connect opens the virtual user's socket,
// ws-send sends messages and — with `expect` — matches each answer to its request by a value
// the answer carries back (JSON-RPC's id), timing each exchange from its own send; ws-await
// takes N pushed messages and records their delivery lag; ws-close closes the socket.
//
// The socket connects to the address resolved before the run (fixedLookup, as the swarm does),
// with deflate off unless the scenario asks, the scenario's timeout as the handshake timeout and
// maxResponseBytes as the largest message. Faults map to the engine's error kinds: refused,
// reset, dns, tls, timeout (classifyError), handshake (the upgrade answered with a plain HTTP
// status, recorded too), too-large, closed (the peer closed the socket mid-step), and the flow
// kinds variable and expect-timeout.
import WebSocket from 'ws';
import type { Socket } from 'node:net';
import { redactHeaders, redactUrl } from '../../../shared/redact.ts';
import type { WsAwaitStep, WsCloseStep, WsConnectStep, WsSendStep } from '../../../shared/flowSteps.ts';
import { traceBody, type StepTrace } from '../../../shared/flowTrace.ts';
import type { ErrorKind } from '../../../shared/runResult.ts';
import { classifyError } from '../errorKinds.ts';
import { fixedLookup } from '../ws/fixedLookup.ts';
import { compileCheck, type CompiledCheck } from './checks.ts';
import { compileExtraction, type CompiledExtraction } from './extraction.ts';
import { compileJsonPath, valueText, type CompiledPath } from './jsonPath.ts';
import { responseView, type ResponseView } from './responseView.ts';
import type { CompiledStep, FlowEnv, StepContext, StepOutcome, StepRecorder } from './stepExecutor.ts';
import { compileTemplate, MissingVariableError, type Template } from './template.ts';
import { VuSlot, type VirtualUser } from './virtualUser.ts';
import { PendingExchanges } from './wsExchanges.ts';
import { WsInbox, type InboxMessage } from './wsInbox.ts';

/** A virtual user's open WebSocket and the messages waiting on it. */
interface UserSocket {
  ws: WebSocket;
  inbox: WsInbox;
  /** Why the socket closed (set once it did): the kind a step waiting on it records. */
  closed?: { kind: ErrorKind; message: string };
  /** Called when the socket closes, so a step waiting on it ends at once. */
  onClosed: Set<() => void>;
}

const SOCKET = new VuSlot<UserSocket>('websocket');

/** At most this many messages of one step go into a Try-once trace. */
const TRACE_MESSAGES = 50;

function fail(record: StepRecorder, trace: StepTrace | undefined, kind: ErrorKind, message: string): StepOutcome {
  record.error(kind);
  trace?.errors.push({ kind, message });
  return { failed: true };
}

/** The user's socket, or a failed outcome when there is none open. */
function socketOf(ctx: StepContext): UserSocket | StepOutcome {
  const s = ctx.vu.get(SOCKET);
  if (s === undefined) return fail(ctx.record, ctx.trace, 'closed', 'no open WebSocket (its ws-connect failed or it was closed)');
  if (s.closed !== undefined) return fail(ctx.record, ctx.trace, s.closed.kind, s.closed.message);
  return s;
}

function traceMessage(trace: StepTrace | undefined, direction: 'sent' | 'received', text: string, timeUs?: number): void {
  if (trace === undefined) return;
  trace.messages ??= [];
  if (trace.messages.length < TRACE_MESSAGES) trace.messages.push({ direction, body: traceBody(text), ...(timeUs !== undefined ? { timeUs } : {}) });
}

/** Runs checks and extractions on one answer or push; returns whether any failed. */
function judge(view: ResponseView, vu: VirtualUser, checks: CompiledCheck[], extractions: CompiledExtraction[], record: StepRecorder, trace: StepTrace | undefined): boolean {
  let failed = false;
  for (let i = 0; i < checks.length; i++) {
    let verdict;
    try {
      verdict = checks[i](view, vu);
    } catch (err) {
      if (!(err instanceof MissingVariableError)) throw err;
      record.error('variable');
      trace?.errors.push({ kind: 'variable', message: err.message });
      verdict = { name: '', passed: false, detail: err.message };
    }
    record.check(i, verdict.passed);
    if (!verdict.passed) {
      failed = true;
      record.error('check');
    }
    if (trace && trace.checks.length < TRACE_MESSAGES) trace.checks.push(verdict);
  }
  for (const extract of extractions) {
    const got = extract(view);
    if (trace && trace.extractions.length < TRACE_MESSAGES) trace.extractions.push(got);
    if (got.ok) vu.vars.set(got.var, got.value);
    else {
      failed = true;
      record.error('extraction');
    }
  }
  return failed;
}

/** A step's ws(s) URL: a path is resolved against the base URL with http(s) turned into ws(s). */
function wsUrl(text: string, base: URL): URL {
  const url = new URL(text, base);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  return url;
}

// ---- ws-connect -------------------------------------------------------------------------------

export function compileWsConnectStep(step: WsConnectStep, env: FlowEnv): CompiledStep {
  const { scenario, clock } = env;
  const url = compileTemplate(step.url);
  const headers: Array<[string, Template]> = Object.entries(step.headers).map(([k, v]) => [k, compileTemplate(v)]);
  const checks = step.checks.map(compileCheck);
  const timeoutMs = scenario.timeoutSec * 1000;

  async function run(ctx: StepContext): Promise<StepOutcome> {
    const { record, trace, vu } = ctx;
    let target: URL;
    const sent: Record<string, string> = {};
    try {
      target = wsUrl(url.render(vu), env.baseUrl);
      for (const [k, t] of headers) sent[k] = t.render(vu);
    } catch (err) {
      return fail(record, trace, err instanceof MissingVariableError ? 'variable' : 'other', (err as Error).message);
    }
    if (target.protocol !== 'ws:' && target.protocol !== 'wss:') return fail(record, trace, 'other', `${redactUrl(target.toString())}: a ws-connect step needs a ws(s) URL`);
    if (trace) trace.request = { method: 'GET', url: redactUrl(target.toString()), headers: redactHeaders(sent) };
    const previous = vu.get(SOCKET);
    if (previous !== undefined) previous.ws.terminate();

    const startMs = clock.now();
    const originMs = ctx.originMs !== undefined ? Math.min(ctx.originMs, startMs) : startMs;
    const sameHost = target.hostname === env.baseUrl.hostname;
    const ws = new WebSocket(target, step.subprotocols, {
      headers: sent,
      perMessageDeflate: false,
      handshakeTimeout: timeoutMs,
      maxPayload: scenario.maxResponseBytes,
      rejectUnauthorized: !scenario.insecure,
      ...(sameHost ? { lookup: fixedLookup(env.address) } : {}),
    });
    const user: UserSocket = { ws, inbox: new WsInbox(), onClosed: new Set() };
    let socket: Socket | undefined;
    let status: number | undefined;
    const outcome = await new Promise<{ ok: true } | { ok: false; kind: ErrorKind; message: string }>((resolve) => {
      const onAbort = () => {
        ws.terminate();
        resolve({ ok: false, kind: 'unfinished', message: 'the run stopped' });
      };
      if (ctx.signal.aborted) return onAbort();
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      const done = (r: { ok: true } | { ok: false; kind: ErrorKind; message: string }) => {
        ctx.signal.removeEventListener('abort', onAbort);
        resolve(r);
      };
      ws.once('upgrade', (res) => (socket = res.socket as Socket));
      ws.once('unexpected-response', (_req, res) => {
        status = res.statusCode ?? 0;
        ws.terminate();
        res.resume();
        done({ ok: false, kind: 'handshake', message: `the server answered the upgrade with HTTP ${status}` });
      });
      ws.once('open', () => done({ ok: true }));
      ws.once('error', (err) => done({ ok: false, kind: /timeout/i.test(err.message) ? 'timeout' : classifyError(err), message: err.message }));
    });
    if (!outcome.ok) {
      if (status !== undefined) record.status(status);
      if (outcome.kind === 'unfinished') record.unfinished(clock.now() - originMs);
      else {
        record.error(outcome.kind);
        if (outcome.kind !== 'handshake') env.connections?.failed();
      }
      trace?.errors.push({ kind: outcome.kind, message: outcome.message });
      return { failed: true };
    }
    const latencyUs = Math.max(0, Math.round((clock.now() - originMs) * 1000));
    record.completed(latencyUs);
    if (socket !== undefined) env.connections?.opened(socket, latencyUs);
    if (trace) trace.timeUs = latencyUs;
    ws.on('message', (data, isBinary) => user.inbox.deliver({ text: isBinary ? Buffer.from(data as Buffer).toString('utf8') : data.toString(), atMs: clock.now() }));
    ws.on('error', (err) => {
      // ws emits the error, then close: keep the cause for the step that finds the socket gone.
      const code = (err as { code?: string }).code;
      user.closed ??= { kind: code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 'too-large' : classifyError(err), message: err.message };
    });
    ws.on('close', (code) => {
      user.closed ??= { kind: 'closed', message: `the server closed the WebSocket (code ${code})` };
      for (const f of [...user.onClosed]) f();
    });
    vu.set(SOCKET, user);
    vu.onEnd(() => {
      if (vu.get(SOCKET) === user) vu.set(SOCKET, undefined);
      ws.terminate();
    });
    const failed = judge(responseView('', latencyUs), vu, checks, [], record, trace);
    return { failed };
  }
  return { step, run };
}

// ---- ws-send ----------------------------------------------------------------------------------

/** How an answer is tied to its request: a key from each (JSON path), or a regular expression. */
type Matcher = { kind: 'path'; answer: CompiledPath; sent: CompiledPath } | { kind: 'regex'; pattern: Template };

export function compileWsSendStep(step: WsSendStep, env: FlowEnv): CompiledStep {
  const { clock } = env;
  const message = compileTemplate(step.message);
  const expect = step.expect;
  let matcher: Matcher | undefined;
  if (expect !== undefined) {
    matcher = 'path' in expect.match
      ? { kind: 'path', answer: compileJsonPath(expect.match.path), sent: compileJsonPath(expect.match.sentPath ?? expect.match.path) }
      : { kind: 'regex', pattern: compileTemplate(expect.match.regex) };
  }
  const checks = step.checks.map(compileCheck);
  const extractions = step.extract.map(compileExtraction);

  async function run(ctx: StepContext): Promise<StepOutcome> {
    const { record, trace, vu } = ctx;
    const got = socketOf(ctx);
    if (!('ws' in got)) return got;
    const user = got;
    const ws = user.ws;

    if (matcher === undefined) {
      // Without expect: each send is timed to its write callback (handed to the socket).
      for (let i = 0; i < step.count; i++) {
        if (ctx.signal.aborted || user.closed) break;
        let text: string;
        try {
          vu.nextSeq();
          text = message.render(vu);
        } catch (err) {
          return fail(record, trace, err instanceof MissingVariableError ? 'variable' : 'other', (err as Error).message);
        }
        const startMs = i === 0 && ctx.originMs !== undefined ? Math.min(ctx.originMs, clock.now()) : clock.now();
        const err = await new Promise<Error | undefined>((resolve) => ws.send(text, (e) => resolve(e ?? undefined)));
        // The socket may have closed while the send was on its way (TypeScript cannot see that).
        if (err) return fail(record, trace, (user.closed as UserSocket['closed'])?.kind ?? classifyError(err), err.message);
        const us = Math.max(0, Math.round((clock.now() - startMs) * 1000));
        record.completed(us);
        traceMessage(trace, 'sent', text, us);
      }
      if (user.closed) return fail(record, trace, user.closed.kind, user.closed.message);
      return { failed: false };
    }

    const m = matcher;
    const table = new PendingExchanges<{ regex?: RegExp }>(expect!.timeoutMs);
    // Regex matching keeps its waiting requests in send order: an answer is the oldest's it matches.
    const regexWaiting: Array<{ key: string; regex: RegExp }> = [];
    let sentCount = 0;
    let failed = false;
    let lastAnswer: ResponseView | undefined;
    let finish: () => void = () => {};
    const finished = new Promise<void>((resolve) => (finish = resolve));
    let cancelTimer: (() => void) | undefined;
    let seqKey = 0;

    const armTimer = () => {
      cancelTimer?.();
      cancelTimer = undefined;
      const next = table.nextDeadline();
      if (next !== undefined) cancelTimer = clock.after(Math.max(0, next - clock.now()) + 1, onTimer);
    };
    const onTimer = () => {
      cancelTimer = undefined;
      for (const gone of table.expire(clock.now())) {
        failed = true;
        record.error('expect-timeout');
        const at = regexWaiting.findIndex((w) => w.key === gone.key);
        if (at >= 0) regexWaiting.splice(at, 1);
        trace?.errors.push({ kind: 'expect-timeout', message: `no answer matching ${gone.key} within ${expect!.timeoutMs} ms` });
      }
      pump();
      armTimer();
    };

    /** Sends until inFlight are waiting or all are sent; ends the step when nothing is left. */
    const pump = () => {
      while (sentCount < step.count && table.size < step.inFlight && !user.closed && !ctx.signal.aborted) {
        let text: string;
        let key: string;
        let regex: RegExp | undefined;
        try {
          vu.nextSeq();
          text = message.render(vu);
          if (m.kind === 'path') {
            let sentJson: unknown;
            try {
              sentJson = JSON.parse(text);
            } catch {
              throw new SendProblem(`the message is not JSON, so ${m.sent.source} cannot be read from it`);
            }
            const hit = m.sent.first(sentJson);
            if (!hit.found) throw new SendProblem(`the message has no ${m.sent.source} to match its answer by`);
            key = valueText(hit.value);
            if (table.has(key)) throw new SendProblem(`two messages in flight share ${m.sent.source} = ${key}; their answers could not be told apart (use {{seq}} or {{uuid}})`);
          } else {
            regex = new RegExp(m.pattern.render(vu));
            key = `#${++seqKey}`;
          }
        } catch (err) {
          sentCount = step.count; // a template or key that cannot work will not work for the next message either
          failed = true;
          const kind: ErrorKind = err instanceof MissingVariableError ? 'variable' : 'other';
          record.error(kind);
          trace?.errors.push({ kind, message: (err as Error).message });
          break;
        }
        sentCount++;
        // The open model's first exchange of an iteration counts from the arrival's scheduled time.
        const now = clock.now();
        const sentMs = sentCount === 1 && ctx.originMs !== undefined ? Math.min(ctx.originMs, now) : now;
        table.add(key, { regex }, sentMs);
        if (regex) regexWaiting.push({ key, regex });
        traceMessage(trace, 'sent', text);
        ws.send(text);
      }
      if (table.nextDeadline() !== undefined && cancelTimer === undefined) armTimer();
      if (table.size === 0 && (sentCount >= step.count || user.closed || ctx.signal.aborted)) finish();
    };

    const take = (msg: InboxMessage): boolean => {
      let key: string | undefined;
      if (m.kind === 'path') {
        const view = responseView(msg.text, 0);
        const json = view.json();
        if (json === undefined) return false;
        const hit = m.answer.first(json);
        if (!hit.found) return false;
        key = valueText(hit.value);
      } else {
        const i = regexWaiting.findIndex((w) => w.regex.test(msg.text));
        if (i < 0) return false;
        key = regexWaiting[i].key;
        regexWaiting.splice(i, 1);
      }
      const verdict = table.answer(key);
      if (verdict.kind === 'unmatched') {
        // It carries the key but answers no send of this step: an answer for someone else, or a
        // late one to an earlier step. Counted; left in the inbox for a ws-await that wants it.
        record.unmatched();
        return false;
      }
      if (verdict.kind === 'late') return true; // its request already counted as an expect-timeout
      if (verdict.kind === 'duplicate') {
        failed = true;
        record.error('protocol');
        trace?.errors.push({ kind: 'protocol', message: `a second answer for ${key}` });
        return true;
      }
      const latencyUs = Math.max(0, Math.round((msg.atMs - verdict.sentMs) * 1000));
      record.completed(latencyUs);
      if (verdict.outOfOrder) record.outOfOrder();
      traceMessage(trace, 'received', msg.text, latencyUs);
      lastAnswer = responseView(msg.text, latencyUs);
      // Checks apply to every answer; extractions to the last (below).
      if (judge(lastAnswer, vu, checks, [], record, trace)) failed = true;
      pump();
      return true;
    };

    const stopListening = user.inbox.listen(take, false);
    const onClosed = () => finish();
    user.onClosed.add(onClosed);
    const onAbort = () => finish();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    const startMs = clock.now();
    pump();
    await finished;
    cancelTimer?.();
    stopListening();
    user.onClosed.delete(onClosed);
    ctx.signal.removeEventListener('abort', onAbort);

    const left = table.drain();
    if (left.length > 0) {
      failed = true;
      if (ctx.signal.aborted) for (const l of left) record.unfinished(clock.now() - l.sentMs);
      else {
        const why = user.closed ?? { kind: 'closed' as ErrorKind, message: 'the WebSocket closed' };
        for (let i = 0; i < left.length; i++) record.error(why.kind);
        trace?.errors.push({ kind: why.kind, message: `${why.message}; ${left.length} answer${left.length === 1 ? '' : 's'} never came` });
      }
    } else if (user.closed && sentCount < step.count) {
      failed = true;
      record.error(user.closed.kind);
      trace?.errors.push(user.closed);
    }
    if (lastAnswer !== undefined && extractions.length > 0 && judge(lastAnswer, vu, [], extractions, record, trace)) failed = true;
    if (trace) trace.timeUs = Math.round((clock.now() - startMs) * 1000);
    return { failed };
  }
  return { step, run };
}

class SendProblem extends Error {}

// ---- ws-await ---------------------------------------------------------------------------------

export function compileWsAwaitStep(step: WsAwaitStep, env: FlowEnv): CompiledStep {
  const { clock } = env;
  const matchPath = step.match !== undefined && 'path' in step.match ? compileJsonPath(step.match.path) : undefined;
  const matchRegex = step.match !== undefined && 'regex' in step.match ? compileTemplate(step.match.regex) : undefined;
  const lagPath = step.lagPath === undefined ? undefined : compileJsonPath(step.lagPath);
  const checks = step.checks.map(compileCheck);
  const extractions = step.extract.map(compileExtraction);

  async function run(ctx: StepContext): Promise<StepOutcome> {
    const { record, trace, vu } = ctx;
    const got = socketOf(ctx);
    if (!('ws' in got)) return got;
    const user = got;
    let regex: RegExp | undefined;
    try {
      regex = matchRegex ? new RegExp(matchRegex.render(vu)) : undefined;
    } catch (err) {
      return fail(record, trace, err instanceof MissingVariableError ? 'variable' : 'other', (err as Error).message);
    }
    const startMs = ctx.originMs !== undefined ? Math.min(ctx.originMs, clock.now()) : clock.now();
    let received = 0;
    let failed = false;
    let last: ResponseView | undefined;
    let finish: () => void = () => {};
    const finished = new Promise<void>((resolve) => (finish = resolve));

    const take = (msg: InboxMessage): boolean => {
      if (received >= step.count) return false;
      const view = responseView(msg.text, 0);
      if (regex && !regex.test(msg.text)) return false;
      if (matchPath) {
        const json = view.json();
        if (json === undefined || !matchPath.first(json).found) return false;
      }
      received++;
      let latencyUs: number;
      if (lagPath) {
        const json = view.json();
        const hit = json === undefined ? undefined : lagPath.first(json);
        const ts = hit?.found ? Number(hit.value) : NaN;
        if (!Number.isFinite(ts)) {
          failed = true;
          record.error('extraction');
          trace?.errors.push({ kind: 'extraction', message: `${step.lagPath} found no timestamp (epoch ms) in the message` });
          if (received >= step.count) finish();
          return true;
        }
        // Lag: receipt minus the sender's timestamp. Clocks of one machine agree; across
        // machines their offset is part of it.
        latencyUs = Math.max(0, Math.round((msg.atMs - ts) * 1000));
      } else latencyUs = Math.max(0, Math.round((msg.atMs - startMs) * 1000));
      record.completed(latencyUs);
      traceMessage(trace, 'received', msg.text, latencyUs);
      last = responseView(msg.text, latencyUs);
      if (judge(last, vu, checks, [], record, trace)) failed = true;
      if (received >= step.count) finish();
      return true;
    };

    const stopListening = user.inbox.listen(take, true);
    const cancelTimer = received >= step.count ? undefined : clock.after(step.timeoutMs, finish);
    if (received >= step.count) finish();
    const onClosed = () => finish();
    user.onClosed.add(onClosed);
    const onAbort = () => finish();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    await finished;
    cancelTimer?.();
    stopListening();
    user.onClosed.delete(onClosed);
    ctx.signal.removeEventListener('abort', onAbort);

    if (received < step.count) {
      failed = true;
      const missing = step.count - received;
      if (ctx.signal.aborted) record.unfinished(clock.now() - startMs);
      else if (user.closed) {
        record.error(user.closed.kind);
        trace?.errors.push({ kind: user.closed.kind, message: `${user.closed.message}; ${missing} of ${step.count} messages never came` });
      } else {
        record.error('expect-timeout');
        trace?.errors.push({ kind: 'expect-timeout', message: `${missing} of ${step.count} messages did not come within ${step.timeoutMs} ms` });
      }
    }
    if (last !== undefined && extractions.length > 0 && judge(last, vu, [], extractions, record, trace)) failed = true;
    if (trace) trace.timeUs = Math.round((clock.now() - startMs) * 1000);
    return { failed };
  }
  return { step, run };
}

// ---- ws-close ---------------------------------------------------------------------------------

export function compileWsCloseStep(step: WsCloseStep, env: FlowEnv): CompiledStep {
  const { clock, scenario } = env;
  async function run(ctx: StepContext): Promise<StepOutcome> {
    const { record, trace, vu } = ctx;
    const user = vu.get(SOCKET);
    if (user === undefined) return fail(record, trace, 'closed', 'no open WebSocket to close (its ws-connect failed)');
    vu.set(SOCKET, undefined);
    if (user.closed !== undefined || user.ws.readyState !== WebSocket.OPEN) {
      user.ws.terminate();
      return fail(record, trace, user.closed?.kind ?? 'closed', user.closed?.message ?? 'the WebSocket was already closed');
    }
    const startMs = clock.now();
    // Latency: from sending the close frame to the peer's close (the closing handshake).
    const ok = await new Promise<boolean>((resolve) => {
      const cancel = clock.after(scenario.timeoutSec * 1000, () => resolve(false));
      user.onClosed.add(() => {
        cancel();
        resolve(true);
      });
      const onAbort = () => {
        cancel();
        resolve(false);
      };
      if (ctx.signal.aborted) return onAbort();
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      user.ws.close(1000);
    });
    user.ws.terminate();
    if (!ok) {
      if (ctx.signal.aborted) {
        record.unfinished(clock.now() - startMs);
        return { failed: true };
      }
      return fail(record, trace, 'timeout', `the server did not answer the close within ${scenario.timeoutSec} s`);
    }
    const us = Math.max(0, Math.round((clock.now() - startMs) * 1000));
    record.completed(us);
    if (trace) trace.timeUs = us;
    return { failed: false };
  }
  return { step, run };
}
