// The HTTP step: one request per run of the step, on the virtual user's own keep-alive
// connection (a user's steps run one after another, as a browser tab's would). It connects to
// the address resolved before the run and sends the URL's host as Host (and SNI), as
// httpLoad.ts does. http:// URLs go through the lean client (leanHttpClient.ts: one raw socket
// per user and origin, request bytes rendered once when nothing in them varies); https:// URLs
// through node:https with a one-socket keep-alive Agent per user.
//
// Latency: from the request's start — or, for the first step of an open-model iteration, from
// the arrival's scheduled time (ctx.originMs) — to the response's last byte. Connect time is
// included when the user's connection had to be (re)opened, as it is for a browser.
import http from 'node:http';
import https from 'node:https';
import { redactHeaders, redactUrl } from '../../../shared/redact.ts';
import type { HttpStep } from '../../../shared/flowSteps.ts';
import { traceBody } from '../../../shared/flowTrace.ts';
import { classifyError } from '../errorKinds.ts';
import { compileCheck } from './checks.ts';
import { compileExtraction } from './extraction.ts';
import { requestBytes } from './httpRequestBytes.ts';
import { LeanHttpConnection, StepFault, type LeanResponse } from './leanHttpClient.ts';
import { responseView } from './responseView.ts';
import type { CompiledStep, FlowEnv, StepContext, StepOutcome } from './stepExecutor.ts';
import { compileTemplate, MissingVariableError, type Template } from './template.ts';
import { VuSlot } from './virtualUser.ts';

/** One keep-alive agent per virtual user for https:// steps, shared by all its steps. */
const HTTPS_AGENTS = new VuSlot<https.Agent>('https agent');
/** The lean connections of a virtual user for http:// steps, by origin (host:port), shared by all its steps. */
const LEAN_CONNECTIONS = new VuSlot<Map<string, LeanHttpConnection>>('http connections');

/** Where a request connects, and the key of the user's connection there. */
interface Endpoint {
  hostname: string;
  port: number;
  key: string;
}

function isIpLiteral(hostname: string): boolean {
  return /^[\d.]+$/.test(hostname) || hostname.startsWith('[');
}

export function compileHttpStep(step: HttpStep, env: FlowEnv): CompiledStep {
  const { scenario, clock } = env;
  const url = compileTemplate(step.url);
  const body = step.body === undefined ? undefined : compileTemplate(step.body);
  // The scenario's headers go with every step; the step's own win, whatever their case.
  const stepHeaderNames = new Set(Object.keys(step.headers).map((h) => h.toLowerCase()));
  const fixedHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(scenario.headers)) if (!stepHeaderNames.has(k.toLowerCase())) fixedHeaders[k] = v;
  const headerTemplates: Array<[string, Template]> = Object.entries(step.headers).map(([k, v]) => [k, compileTemplate(v)]);
  const allNames = new Set([...Object.keys(fixedHeaders), ...Object.keys(step.headers)].map((h) => h.toLowerCase()));
  if (body !== undefined && step.bodyType === 'json' && !allNames.has('content-type')) fixedHeaders['content-type'] = 'application/json';
  // Headers without variables join the fixed ones; only the others are rendered per request.
  const variableHeaders = headerTemplates.filter(([, t]) => !t.constant);
  for (const [k, t] of headerTemplates) if (t.constant) fixedHeaders[k] = t.source;
  const extractions = step.extract.map(compileExtraction);
  const checks = step.checks.map(compileCheck);
  const hasStatusCheck = step.checks.some((c) => c.type === 'status');
  const fixedTarget = url.constant ? new URL(url.source, env.baseUrl) : undefined;
  // Nothing in the request varies: its bytes are rendered once (on first use, so a header Node
  // would refuse is still the step's error at run time, as before).
  const constantRequest = fixedTarget !== undefined && variableHeaders.length === 0 && (body === undefined || body.constant);
  let constantBytes: Buffer | undefined;
  // Without extractions or checks (and outside Try once) the body is read and counted, not kept.
  const keepBody = env.tracing || extractions.length > 0 || checks.length > 0;
  const timeoutMs = scenario.timeoutSec * 1000;
  const maxBytes = scenario.maxResponseBytes;
  const address = env.address;
  const head = step.method === 'HEAD';

  /** Where a URL's request connects: the address resolved before the run for the base URL's host (another host is resolved by the system). */
  function endpointOf(target: URL): Endpoint {
    const hostname = target.hostname === env.baseUrl.hostname ? address : target.hostname.replace(/^\[|\]$/g, '');
    const port = Number(target.port) || (target.protocol === 'https:' ? 443 : 80);
    return { hostname, port, key: `${hostname}:${port}` };
  }
  const fixedEndpoint = fixedTarget ? endpointOf(fixedTarget) : undefined;

  function httpsAgentOf(ctx: StepContext): https.Agent {
    let agent = ctx.vu.get(HTTPS_AGENTS);
    if (!agent) {
      const made = new https.Agent({ keepAlive: true, maxSockets: 1, rejectUnauthorized: !scenario.insecure });
      agent = made;
      ctx.vu.set(HTTPS_AGENTS, made);
      ctx.vu.onEnd(() => made.destroy());
    }
    return agent;
  }

  /** The user's lean connection to the target's origin (host:port as connected to). */
  function leanConnectionOf(ctx: StepContext, { hostname, port, key }: Endpoint): LeanHttpConnection {
    let byOrigin = ctx.vu.get(LEAN_CONNECTIONS);
    if (!byOrigin) {
      const made = new Map<string, LeanHttpConnection>();
      byOrigin = made;
      ctx.vu.set(LEAN_CONNECTIONS, made);
      ctx.vu.onEnd(() => {
        for (const c of made.values()) c.destroy();
        made.clear();
      });
    }
    let connection = byOrigin.get(key);
    if (!connection) {
      connection = new LeanHttpConnection({ host: hostname, port, timeoutMs, maxBytes, clock, hooks: env.connections });
      byOrigin.set(key, connection);
    }
    return connection;
  }

  /** The step failed before sending anything. */
  function fault(ctx: StepContext, kind: 'variable' | 'other', message: string): Promise<StepOutcome> {
    ctx.record.error(kind);
    ctx.trace?.errors.push({ kind, message });
    return Promise.resolve({ failed: true });
  }

  // Not async, and one .then per request: the hot path of a flow (see docs/PERFORMANCE.md).
  function run(ctx: StepContext): Promise<StepOutcome> {
    const { record, trace, vu } = ctx;
    let target: URL;
    let headers: Record<string, string>;
    let payload: string | undefined;
    let bytes: Buffer | undefined;
    try {
      vu.nextSeq();
      // Constant parts are built once (the hot path of a flow without variables).
      target = fixedTarget ?? new URL(url.render(vu), env.baseUrl);
      if (variableHeaders.length === 0) headers = fixedHeaders;
      else {
        headers = { ...fixedHeaders };
        for (const [k, t] of variableHeaders) headers[k] = t.render(vu);
      }
      payload = body?.render(vu);
      if (target.protocol === 'http:') {
        if (constantRequest) bytes = constantBytes ??= requestBytes(step.method, target, headers, payload);
        else bytes = requestBytes(step.method, target, headers, payload);
      }
    } catch (err) {
      if (err instanceof MissingVariableError) return fault(ctx, 'variable', err.message);
      return fault(ctx, 'other', (err as Error).message);
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      return fault(ctx, 'other', `${redactUrl(target.toString())}: an HTTP step needs an http(s) URL`);
    }
    if (trace) trace.request = { method: step.method, url: redactUrl(target.toString()), headers: redactHeaders({ host: target.host, ...headers }), ...(payload !== undefined ? { body: traceBody(payload) } : {}) };

    const startMs = clock.now();
    const originMs = ctx.originMs !== undefined ? Math.min(ctx.originMs, startMs) : startMs;
    const endpoint = fixedEndpoint ?? endpointOf(target);
    const response =
      bytes !== undefined
        ? leanConnectionOf(ctx, endpoint).send({ bytes, head, keepBody, startMs, signal: ctx.signal })
        : httpsRequest(ctx, target, endpoint, headers, payload, startMs);
    return response.then(
      (r) => {
        try {
          return judge(ctx, r, originMs);
        } catch (err) {
          return failure(ctx, err, originMs);
        }
      },
      (err: unknown) => failure(ctx, err, originMs),
    );
  }

  /** A request that got no complete answer: recorded by its error kind (a stop: unfinished). */
  function failure(ctx: StepContext, err: unknown, originMs: number): StepOutcome {
    const { record, trace } = ctx;
    const kind = err instanceof StepFault ? err.kind : classifyError(err);
    const message = err instanceof Error ? err.message : String(err);
    if (kind === 'unfinished') record.unfinished(clock.now() - originMs);
    else record.error(kind);
    trace?.errors.push({ kind, message });
    if (trace) trace.timeUs = Math.round((clock.now() - originMs) * 1000);
    return { failed: true };
  }

  /** Records a response and runs the step's checks and extractions on it. */
  function judge(ctx: StepContext, response: LeanResponse, originMs: number): StepOutcome {
    const { record, trace, vu } = ctx;
    const latencyUs = Math.max(0, Math.round((response.endMs - originMs) * 1000));
    record.completed(latencyUs);
    record.status(response.status);
    let failed = false;
    if (!hasStatusCheck && response.status >= 400) {
      // A step without a status check expects a success: a 4xx or 5xx is its failure.
      failed = true;
      record.error('status');
      trace?.errors.push({ kind: 'status', message: `status ${response.status} (the step has no status check, so 4xx and 5xx fail it)` });
    }
    if (trace) {
      trace.timeUs = latencyUs;
      trace.response = { status: response.status, headers: redactHeaders(flatHeaders(response.headers ?? {})), body: traceBody(response.body), timeUs: latencyUs };
    }
    if (checks.length === 0 && extractions.length === 0) return { failed };
    const view = responseView(response.body, latencyUs, response.status, response.headers);
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
      trace?.checks.push(verdict);
    }
    for (const extract of extractions) {
      const got = extract(view);
      trace?.extractions.push(got);
      if (got.ok) vu.vars.set(got.var, got.value);
      else {
        failed = true;
        record.error('extraction');
      }
    }
    return { failed };
  }

  /** An https:// request through node:https on the user's one-socket keep-alive agent. */
  function httpsRequest(ctx: StepContext, target: URL, { hostname, port }: Endpoint, headers: Record<string, string>, payload: string | undefined, startMs: number): Promise<LeanResponse> {
    const agent = httpsAgentOf(ctx);
    const servername = !isIpLiteral(target.hostname) ? target.hostname : undefined;
    return new Promise<LeanResponse>((resolve, reject) => {
      const req = https.request(
        {
          method: step.method,
          hostname,
          port,
          path: target.pathname + target.search,
          headers: { host: target.host, ...headers },
          agent,
          servername,
          setHost: false,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxBytes) {
              req.destroy(new StepFault('too-large', `the response is larger than ${maxBytes} bytes`));
              return;
            }
            if (keepBody) chunks.push(chunk);
          });
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: keepBody ? definedHeaders(res.headers) : undefined, body: keepBody ? Buffer.concat(chunks).toString('utf8') : '', endMs: clock.now() }),
          );
          res.on('aborted', () => reject(new StepFault('incomplete', 'the response was cut off before its end')));
          res.on('error', reject);
        },
      );
      const hooks = env.connections;
      if (hooks) {
        req.once('socket', (socket) => {
          if (req.reusedSocket) return;
          const opened = () => hooks.opened(socket, Math.round((clock.now() - startMs) * 1000));
          if (!socket.connecting) return opened();
          socket.once('secureConnect', opened);
          req.once('error', () => {
            if (socket.connecting) hooks.failed();
          });
        });
      }
      const onAbort = () => req.destroy(new StepFault('unfinished', 'the run stopped'));
      if (ctx.signal.aborted) onAbort();
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      req.setTimeout(timeoutMs, () => req.destroy(new StepFault('timeout', `no response within ${scenario.timeoutSec} s`)));
      req.on('error', reject);
      req.on('close', () => ctx.signal.removeEventListener('abort', onAbort));
      if (payload !== undefined) req.end(payload);
      else req.end();
    });
  }

  return { step, run };
}

function definedHeaders(headers: http.IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = v;
  return out;
}

function flatHeaders(headers: Record<string, string | string[]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}
