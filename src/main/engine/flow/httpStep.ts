// The HTTP step: one request per run of the step, on the virtual user's own keep-alive
// connection (node:http with a one-socket Agent per user: a user's steps run one after
// another, as a browser tab's would). It connects to the address resolved before the run and
// sends the URL's host as Host (and SNI), as httpLoad.ts does.
//
// Latency: from the request's start — or, for the first step of an open-model iteration, from
// the arrival's scheduled time (ctx.originMs) — to the response's last byte. Connect time is
// included when the user's connection had to be (re)opened, as it is for a browser.
import http from 'node:http';
import https from 'node:https';
import { redactHeaders, redactUrl } from '../../../shared/redact.ts';
import type { HttpStep } from '../../../shared/flowSteps.ts';
import { traceBody } from '../../../shared/flowTrace.ts';
import type { ErrorKind } from '../../../shared/runResult.ts';
import { classifyError } from '../errorKinds.ts';
import { compileCheck } from './checks.ts';
import { compileExtraction } from './extraction.ts';
import { responseView } from './responseView.ts';
import type { CompiledStep, FlowEnv, StepContext, StepOutcome } from './stepExecutor.ts';
import { compileTemplate, MissingVariableError, type Template } from './template.ts';
import { VuSlot } from './virtualUser.ts';

interface UserAgents {
  http: http.Agent;
  https: https.Agent;
}

/** One keep-alive agent pair per virtual user, shared by all its HTTP steps. */
const AGENTS = new VuSlot<UserAgents>('http agents');

class StepFault extends Error {
  readonly kind: ErrorKind;
  constructor(kind: ErrorKind, message: string) {
    super(message);
    this.kind = kind;
  }
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
  const extractions = step.extract.map(compileExtraction);
  const checks = step.checks.map(compileCheck);
  const hasStatusCheck = step.checks.some((c) => c.type === 'status');
  const fixedTarget = url.constant ? new URL(url.source, env.baseUrl) : undefined;
  // Without extractions or checks (and outside Try once) the body is read and counted, not kept.
  const keepBody = env.tracing || extractions.length > 0 || checks.length > 0;
  const timeoutMs = scenario.timeoutSec * 1000;
  const maxBytes = scenario.maxResponseBytes;
  const address = env.address;

  function agentsOf(ctx: StepContext): UserAgents {
    let agents = ctx.vu.get(AGENTS);
    if (!agents) {
      const made: UserAgents = {
        http: new http.Agent({ keepAlive: true, maxSockets: 1 }),
        https: new https.Agent({ keepAlive: true, maxSockets: 1, rejectUnauthorized: !scenario.insecure }),
      };
      agents = made;
      ctx.vu.set(AGENTS, made);
      ctx.vu.onEnd(() => {
        made.http.destroy();
        made.https.destroy();
      });
    }
    return agents;
  }

  async function run(ctx: StepContext): Promise<StepOutcome> {
    const { record, trace, vu } = ctx;
    let target: URL;
    let headers: Record<string, string>;
    let payload: string | undefined;
    try {
      vu.nextSeq();
      // Constant parts are built once (the hot path of a flow without variables).
      target = fixedTarget ?? new URL(url.render(vu), env.baseUrl);
      if (headerTemplates.length === 0) headers = fixedHeaders;
      else {
        headers = { ...fixedHeaders };
        for (const [k, t] of headerTemplates) headers[k] = t.render(vu);
      }
      payload = body?.render(vu);
    } catch (err) {
      if (err instanceof MissingVariableError) {
        record.error('variable');
        trace?.errors.push({ kind: 'variable', message: err.message });
        return { failed: true };
      }
      record.error('other');
      trace?.errors.push({ kind: 'other', message: (err as Error).message });
      return { failed: true };
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      record.error('other');
      trace?.errors.push({ kind: 'other', message: `${redactUrl(target.toString())}: an HTTP step needs an http(s) URL` });
      return { failed: true };
    }
    if (trace) trace.request = { method: step.method, url: redactUrl(target.toString()), headers: redactHeaders({ host: target.host, ...headers }), ...(payload !== undefined ? { body: traceBody(payload) } : {}) };

    const startMs = clock.now();
    const originMs = ctx.originMs !== undefined ? Math.min(ctx.originMs, startMs) : startMs;
    const secure = target.protocol === 'https:';
    const agents = agentsOf(ctx);
    // Same host as the base URL: connect to the address resolved before the run. Another host
    // (an absolute URL elsewhere) is resolved by the system.
    const sameHost = target.hostname === env.baseUrl.hostname;
    const hostname = sameHost ? address : target.hostname.replace(/^\[|\]$/g, '');
    const servername = secure && !isIpLiteral(target.hostname) ? target.hostname : undefined;

    try {
      const response = await new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string; endMs: number }>((resolve, reject) => {
        const req = (secure ? https : http).request(
          {
            method: step.method,
            hostname,
            port: target.port || (secure ? 443 : 80),
            path: target.pathname + target.search,
            headers: { host: target.host, ...headers },
            agent: secure ? agents.https : agents.http,
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
            res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: keepBody ? Buffer.concat(chunks).toString('utf8') : '', endMs: clock.now() }));
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
            socket.once(secure ? 'secureConnect' : 'connect', opened);
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
      const latencyUs = Math.max(0, Math.round((response.endMs - originMs) * 1000));
      record.completed(latencyUs);
      record.status(response.status);
      const view = responseView(response.body, latencyUs, response.status, response.headers);
      if (trace) {
        trace.timeUs = latencyUs;
        trace.response = { status: response.status, headers: redactHeaders(flatHeaders(response.headers)), body: traceBody(response.body), timeUs: latencyUs };
      }
      let failed = false;
      if (!hasStatusCheck && response.status >= 400) {
        // A step without a status check expects a success: a 4xx or 5xx is its failure.
        failed = true;
        record.error('status');
        trace?.errors.push({ kind: 'status', message: `status ${response.status} (the step has no status check, so 4xx and 5xx fail it)` });
      }
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
    } catch (err) {
      const kind = err instanceof StepFault ? err.kind : classifyError(err);
      const message = err instanceof Error ? err.message : String(err);
      if (kind === 'unfinished') record.unfinished(clock.now() - originMs);
      else record.error(kind);
      trace?.errors.push({ kind, message });
      if (trace) trace.timeUs = Math.round((clock.now() - originMs) * 1000);
      return { failed: true };
    }
  }

  return { step, run };
}

function flatHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}
