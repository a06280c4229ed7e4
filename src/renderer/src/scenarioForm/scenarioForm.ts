// The scenario builder's model, without any DOM: what the form holds (text as typed, so a
// half-typed number can be shown and explained), how it becomes a scenario input, and how the
// shared schema's issues land on the form's fields. The builder validates with the very schema
// the main process applies to every save and run (src/shared/scenario.ts), so what the form
// accepts the server accepts, and the messages are the same words the CLI prints.
import { symbolicDemoUrl } from '../../../shared/demoAddress.ts';
import type { z } from 'zod';
import { DEFAULT_HTTP2_STREAMS, DEFAULT_WS_MESSAGE, HTTP_METHODS, WS_MODES, scenarioSchema, type HttpScenario, type Scenario, type WsScenario } from '../../../shared/scenario.ts';
import { tryParseThreshold } from '../../../shared/thresholds.ts';

export type HttpMethod = (typeof HTTP_METHODS)[number];
export type WsMode = (typeof WS_MODES)[number];

export interface HeaderRow {
  /** Stable key for the list (rows can be removed from the middle). */
  id: number;
  name: string;
  value: string;
}

export interface ScenarioForm {
  protocol: 'http' | 'ws';
  name: string;
  url: string;
  headers: HeaderRow[];
  /** Bounded by time or by a number of requests / messages. */
  lengthMode: 'duration' | 'amount' | 'stages';
  /** Load profile rows (lengthMode 'stages'): seconds and target as typed. */
  stages: StageRow[];
  durationSec: string;
  amount: string;
  timeoutSec: string;
  /** Blank: the engine's default (DEFAULT_WORKERS_TEXT: one per core, one fewer on a loopback target). */
  workers: string;
  warmupSec: string;
  insecure: boolean;
  /** Pass/fail thresholds (SLOs), one per line: "p99 < 250ms". */
  thresholds: string;
  connections: string;
  /** HTTP open model, or WebSocket rate mode. */
  rate: string;
  // HTTP
  method: HttpMethod;
  bodyType: 'json' | 'text';
  body: string;
  loadModel: 'closed' | 'open';
  pipelining: string;
  newConnectionPerRequest: boolean;
  /** HTTP/1.1 or HTTP/2 (the scenario's `http2`). */
  httpVersion: '1.1' | '2';
  /** HTTP/2: requests in flight per connection; blank for the default. */
  streams: string;
  /** Comma-separated status codes; blank means 200–399. */
  expectedStatus: string;
  /**
   * What an HTTP scenario measures: requests answered, or updates the server sends — a
   * Server-Sent Events stream (`sse`), polling a cursor endpoint (`poll`), or long polling it.
   */
  updates: 'requests' | 'sse' | 'poll' | 'long-poll';
  /** Polling: ms between polls. */
  pollIntervalMs: string;
  /** SSE: reconnection delay until the server sets one with `retry:` (ms). */
  sseRetryMs: string;
  // WebSocket
  mode: WsMode;
  message: string;
  connectRate: string;
  /** WebSocket: handshakes kept in flight at most (the scenario's `maxConnecting`). */
  maxConnecting: string;
  inFlight: string;
  pingIntervalSec: string;
  /** Comma-separated. */
  subprotocols: string;
  perMessageDeflate: boolean;
  /**
   * Fields of a loaded scenario that this form does not edit, sent back unchanged on save, so
   * editing a scenario never drops what a newer Barrage (or a scenario file) put in it.
   */
  extra: Record<string, unknown>;
}

/** Field keys errors can be attached to: the form's own, plus `headers.<row id>`. */
export type FieldKey = keyof ScenarioForm | `headers.${number}` | 'form';
export type FieldErrors = Partial<Record<FieldKey, string>>;

let nextHeaderId = 1;
export const headerRow = (name = '', value = ''): HeaderRow => ({ id: nextHeaderId++, name, value });

export interface StageRow {
  id: number;
  durationSec: string;
  target: string;
}
let nextStageId = 1;
export const stageRow = (durationSec = '', target = ''): StageRow => ({ id: nextStageId++, durationSec, target });

export function defaultForm(protocol: 'http' | 'ws' = 'http'): ScenarioForm {
  return {
    protocol,
    name: '',
    url: '',
    headers: [],
    lengthMode: 'duration',
    stages: [],
    durationSec: '10',
    amount: '',
    timeoutSec: '10',
    workers: '',
    warmupSec: '1',
    insecure: false,
    thresholds: '',
    connections: '10',
    rate: '',
    method: 'GET',
    bodyType: 'json',
    body: '',
    loadModel: 'closed',
    pipelining: '1',
    newConnectionPerRequest: false,
    httpVersion: '1.1',
    streams: String(DEFAULT_HTTP2_STREAMS),
    expectedStatus: '',
    updates: 'requests',
    pollIntervalMs: '1000',
    sseRetryMs: '3000',
    mode: 'echo',
    message: DEFAULT_WS_MESSAGE,
    connectRate: '1000',
    maxConnecting: '1000',
    inFlight: '1',
    pingIntervalSec: '5',
    subprotocols: '',
    perMessageDeflate: false,
    extra: {},
  };
}

/** Config keys the form edits; anything else is carried in `extra`. */
const EDITED = new Set([
  'protocol', 'name', 'url', 'headers', 'durationSec', 'amount', 'timeoutSec', 'workers', 'warmupSec', 'insecure', 'thresholds',
  'connections', 'rate', 'method', 'body', 'bodyType', 'pipelining', 'newConnectionPerRequest', 'http2', 'streams', 'expectedStatus', 'sse', 'poll',
  'mode', 'message', 'connectRate', 'maxConnecting', 'inFlight', 'pingIntervalSec', 'subprotocols', 'perMessageDeflate',
  'stages', 'stageTarget',
]);

const str = (n: number | undefined): string => (n === undefined ? '' : String(n));

/** The form showing a saved scenario. */
export function formFromScenario(name: string, c: HttpScenario | WsScenario): ScenarioForm {
  const f = defaultForm(c.protocol);
  f.name = name;
  f.url = c.url;
  f.headers = Object.entries(c.headers).map(([k, v]) => headerRow(k, v));
  f.lengthMode = c.stages !== undefined ? 'stages' : c.amount !== undefined ? 'amount' : 'duration';
  f.stages = (c.stages ?? []).map((s) => stageRow(String(s.durationSec), String(s.target)));
  f.durationSec = c.amount !== undefined ? '' : str(c.durationSec ?? 10);
  f.amount = str(c.amount);
  f.timeoutSec = str(c.timeoutSec);
  f.workers = str(c.workers);
  f.warmupSec = str(c.warmupSec);
  f.insecure = c.insecure;
  f.thresholds = ((c as { thresholds?: string[] }).thresholds ?? []).join('\n');
  f.extra = Object.fromEntries(Object.entries(c).filter(([k]) => !EDITED.has(k)));
  f.connections = str(c.connections);
  f.rate = str(c.rate);
  if (c.protocol === 'http') {
    f.method = c.method;
    f.bodyType = c.bodyType;
    f.body = c.body ?? '';
    f.loadModel = c.rate !== undefined || (c.stages !== undefined && c.stageTarget === 'rate') ? 'open' : 'closed';
    f.pipelining = str(c.pipelining);
    f.newConnectionPerRequest = c.newConnectionPerRequest;
    f.httpVersion = c.http2 === true ? '2' : '1.1';
    if (c.streams !== undefined) f.streams = str(c.streams);
    f.expectedStatus = c.expectedStatus.join(', ');
    f.updates = c.sse !== undefined ? 'sse' : c.poll?.long ? 'long-poll' : c.poll !== undefined ? 'poll' : 'requests';
    if (c.poll?.intervalMs !== undefined) f.pollIntervalMs = str(c.poll.intervalMs);
    if (c.sse !== undefined) {
      f.sseRetryMs = str(c.sse.retryMs);
      f.connectRate = str(c.sse.connectRate);
    }
  } else {
    f.mode = c.mode;
    f.message = c.message;
    f.connectRate = str(c.connectRate);
    f.maxConnecting = str(c.maxConnecting);
    f.inFlight = str(c.inFlight);
    f.pingIntervalSec = str(c.pingIntervalSec);
    f.subprotocols = c.subprotocols.join(', ');
    f.perMessageDeflate = c.perMessageDeflate;
  }
  return f;
}

/**
 * Text → number for the schema. Blank is "not set" (the schema's default applies); text that
 * is not a number is passed on as text, so the schema answers "must be a number" at that field.
 */
function num(text: string): number | string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t.replace(/[_\s]/g, ''));
  return Number.isFinite(n) ? n : t;
}

const lines = (text: string) =>
  text
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);

const list = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

/** Problems the schema cannot see because they are about the form's shape. */
function formProblems(f: ScenarioForm): FieldErrors {
  const errors: FieldErrors = {};
  const seen = new Map<string, number>();
  for (const row of f.headers) {
    const name = row.name.trim();
    if (!name && row.value.trim()) errors[`headers.${row.id}`] = 'Header name is missing';
    if (!name) continue;
    const lower = name.toLowerCase();
    if (seen.has(lower)) errors[`headers.${row.id}`] = `"${name}" is set twice`;
    seen.set(lower, row.id);
  }
  if (f.protocol === 'http' && f.expectedStatus.trim()) {
    const bad = list(f.expectedStatus).filter((s) => !/^\d{3}$/.test(s) || Number(s) < 100 || Number(s) > 599);
    if (bad.length) errors.expectedStatus = `${bad.map((b) => `"${b}"`).join(', ')} ${bad.length > 1 ? 'are not' : 'is not a'} status code${bad.length > 1 ? 's' : ''} (100–599)`;
  }
  // Checked here as well as by the schema, so each bad line is named by its number.
  const bad = lines(f.thresholds)
    .map((t, i) => ({ i, r: tryParseThreshold(t) }))
    .filter((x) => !x.r.ok);
  if (bad.length) errors.thresholds = bad.map(({ i, r }) => `Line ${i + 1}: ${r.ok ? '' : r.error}`).join('\n');
  if (f.lengthMode === 'duration' && !f.durationSec.trim()) errors.durationSec = 'Is required (or choose a number of requests / messages)';
  if (f.lengthMode === 'amount' && !f.amount.trim()) errors.amount = 'Is required (or choose a duration)';
  if (f.protocol === 'http' && f.updates === 'requests' && f.loadModel === 'open' && f.lengthMode !== 'stages' && !f.rate.trim()) errors.rate = 'Is required in the open model';
  return errors;
}

/** What the form's stages ramp: the rate in the open model and WebSocket rate mode, else connections. */
export function stageTargetOfForm(f: Pick<ScenarioForm, 'protocol' | 'loadModel' | 'mode'>): 'connections' | 'rate' {
  return (f.protocol === 'http' && f.loadModel === 'open') || (f.protocol === 'ws' && f.mode === 'rate') ? 'rate' : 'connections';
}

/** The scenario input the form describes (before defaults and validation). */
export function formToInput(f: ScenarioForm): Record<string, unknown> {
  const headers: Record<string, string> = {};
  for (const row of f.headers) if (row.name.trim()) headers[row.name.trim()] = row.value;
  const common: Record<string, unknown> = {
    ...f.extra,
    protocol: f.protocol,
    name: f.name.trim() || undefined,
    url: f.url.trim(),
    headers,
    timeoutSec: num(f.timeoutSec),
    workers: num(f.workers),
    warmupSec: num(f.warmupSec),
    insecure: f.insecure,
    thresholds: lines(f.thresholds),
    connections: num(f.connections),
  };
  if (f.lengthMode === 'stages') {
    // A load profile sets the length (the sum of its stages) and, for the rate, the rate.
    common.stages = f.stages.map((r) => ({ durationSec: num(r.durationSec), target: num(r.target) }));
    // What the stages ramp follows the load model: the rate in the open model and in WebSocket
    // rate mode, connections otherwise.
    common.stageTarget = stageTargetOfForm(f);
  } else if (f.lengthMode === 'duration') common.durationSec = num(f.durationSec);
  else common.amount = num(f.amount);
  const staged = f.lengthMode === 'stages';

  if (f.protocol === 'http') {
    const h2 = f.httpVersion === '2';
    // An update mode (SSE, polling, long polling) is a GET of its own pace: the request/response
    // fields the schema refuses with it are left out rather than reported against hidden fields.
    if (f.updates !== 'requests') {
      return {
        ...common,
        method: f.method,
        // Polling and SSE run over HTTP/1.1 (the schema refuses them with http2, naming the field).
        http2: h2 ? true : undefined,
        expectedStatus: [],
        ...(f.updates === 'sse'
          ? { sse: { retryMs: num(f.sseRetryMs), connectRate: num(f.connectRate) } }
          : { poll: f.updates === 'long-poll' ? { long: true } : { intervalMs: num(f.pollIntervalMs) } }),
      };
    }
    return {
      ...common,
      method: f.method,
      body: f.body === '' ? undefined : f.body,
      bodyType: f.bodyType,
      // HTTP/2 carries its concurrency in streams; pipelining and a new connection per request are HTTP/1.1's.
      pipelining: f.loadModel === 'open' || h2 ? 1 : num(f.pipelining),
      rate: f.loadModel === 'open' && !staged ? num(f.rate) : undefined,
      newConnectionPerRequest: h2 ? false : f.newConnectionPerRequest,
      http2: h2 ? true : undefined,
      streams: h2 ? num(f.streams) : undefined,
      expectedStatus: list(f.expectedStatus)
        .map(Number)
        .filter((n) => Number.isInteger(n) && n >= 100 && n <= 599),
    };
  }
  return {
    ...common,
    mode: f.mode,
    message: f.message,
    connectRate: num(f.connectRate),
    maxConnecting: num(f.maxConnecting),
    inFlight: num(f.inFlight),
    rate: f.mode === 'rate' && !staged ? num(f.rate) : undefined,
    pingIntervalSec: num(f.pingIntervalSec),
    subprotocols: list(f.subprotocols),
    perMessageDeflate: f.perMessageDeflate,
  };
}

/** "must be at least 1" → "Must be at least 1": the message stands alone under its field. */
const sentence = (m: string) => (m ? m[0].toUpperCase() + m.slice(1) : m);

/** Puts each schema issue on the field it is about. */
export function issuesToFieldErrors(issues: z.ZodError["issues"], f: ScenarioForm): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const [head, sub] = issue.path.map(String);
    let key: FieldKey = 'form';
    if (head === 'headers' && sub !== undefined) {
      const row = f.headers.find((r) => r.name.trim() === sub);
      key = row ? `headers.${row.id}` : 'form';
    } else if (head === 'sse') {
      // A field of the stream, or the mode itself ("cannot be combined with http2"): the Measures choice.
      key = sub === 'connectRate' ? 'connectRate' : sub === 'retryMs' ? 'sseRetryMs' : 'updates';
    } else if (head === 'poll') {
      key = sub === 'intervalMs' ? 'pollIntervalMs' : 'updates';
    } else if (head && head in f) {
      key = head as keyof ScenarioForm;
    }
    // The first problem of a field is the one to fix first.
    errors[key] ??= key === 'form' && head ? `${head}: ${issue.message}` : sentence(issue.message);
  }
  return errors;
}

export interface Validation {
  ok: boolean;
  errors: FieldErrors;
  /** The validated scenario (with defaults), when ok. */
  scenario?: Scenario;
}

/**
 * Every field's problems at once. The schema's cross-field rules (URL scheme, JSON body,
 * {{seq}} in the message…) only run once the plain field checks pass, so a bad number in one
 * field would hide a bad URL in another. Each further pass sets the fields already found at
 * fault aside (default, or a harmless URL) and parses again, until nothing new turns up.
 */
function allIssues(f: ScenarioForm): { issues: z.ZodError['issues']; scenario?: Scenario } {
  const input = formToInput(f);
  const first = scenarioSchema.safeParse(input);
  if (first.success) return { issues: [], scenario: first.data };
  const issues = [...first.error.issues];
  const setAside = new Set<string>();
  let current: Record<string, unknown> = { ...input };
  let latest = first.error.issues;
  for (let pass = 0; pass < 5; pass++) {
    const heads = latest.map((i) => String(i.path[0] ?? '')).filter((h) => h && h !== 'protocol' && !setAside.has(h));
    if (!heads.length) break;
    current = { ...current };
    for (const head of heads) {
      setAside.add(head);
      if (head === 'url') current.url = f.protocol === 'http' ? 'http://example.invalid/' : 'ws://example.invalid/';
      else delete current[head];
    }
    const next = scenarioSchema.safeParse(current);
    if (next.success) break;
    latest = next.error.issues.filter((i) => !setAside.has(String(i.path[0] ?? '')));
    issues.push(...latest);
  }
  return { issues };
}

export function validateForm(f: ScenarioForm): Validation {
  const errors: FieldErrors = {};
  if (!f.name.trim()) errors.name = 'A scenario needs a name';
  const { issues, scenario } = allIssues(f);
  const schemaErrors = issuesToFieldErrors(issues, f);
  // Form-shape problems win: they explain more plainly than the schema can.
  Object.assign(errors, schemaErrors, formProblems(f), errors.name ? { name: errors.name } : {});
  const ok = Object.keys(errors).length === 0 && scenario !== undefined;
  return ok ? { ok, errors, scenario } : { ok: false, errors };
}

/**
 * Errors the server returned for a save or run ("name: a scenario called … already exists",
 * one line per issue) put back on the fields they name.
 */
export function serverErrorToFieldErrors(message: string, f: ScenarioForm): FieldErrors {
  const errors: FieldErrors = {};
  for (const line of message.split('\n')) {
    const m = /^(?:config\.)?([A-Za-z]+)(?:\.[^:]*)?: (.*)$/.exec(line.trim());
    if (m && m[1] in f) errors[m[1] as keyof ScenarioForm] ??= sentence(m[2]);
    else errors.form = errors.form ? `${errors.form}\n${line}` : line;
  }
  return errors;
}

/** Which fields the protocol shows, so errors of hidden fields can be reported elsewhere. */
export function visibleFields(f: ScenarioForm): Set<keyof ScenarioForm> {
  const common: Array<keyof ScenarioForm> = ['name', 'url', 'headers', 'timeoutSec', 'workers', 'warmupSec', 'insecure', 'thresholds', 'connections'];
  common.push(f.lengthMode === 'duration' ? 'durationSec' : 'amount');
  if (f.protocol === 'http' && f.updates !== 'requests') {
    common.push('method', 'httpVersion', 'updates');
    if (f.updates === 'sse') common.push('sseRetryMs', 'connectRate');
    if (f.updates === 'poll') common.push('pollIntervalMs');
  } else if (f.protocol === 'http') {
    common.push('method', 'body', 'bodyType', 'expectedStatus', 'httpVersion', 'updates');
    if (f.httpVersion === '2') common.push('streams');
    else common.push('newConnectionPerRequest');
    if (f.loadModel === 'open') common.push('rate');
    else if (f.httpVersion !== '2') common.push('pipelining');
  } else {
    common.push('mode', 'message', 'connectRate', 'maxConnecting', 'pingIntervalSec', 'subprotocols', 'perMessageDeflate');
    if (f.mode === 'echo') common.push('inFlight');
    if (f.mode === 'rate') common.push('rate');
  }
  return new Set(common);
}

/** A URL on the demo target for the chosen protocol. */
/**
 * The demo target's address as a scenario saves it: symbolic (demo-target.invalid), resolved to
 * the session's demo target when a run starts, so the scenario survives a restart.
 */
export function demoUrl(protocol: 'http' | 'ws', mode: WsMode = 'echo', updates: ScenarioForm['updates'] = 'requests'): string {
  if (protocol === 'http') {
    // The demo target's event feed, served each way (an event every 50 ms on average).
    if (updates === 'sse') return symbolicDemoUrl('http', '/sse/events?rate=20');
    if (updates === 'long-poll') return symbolicDemoUrl('http', '/events/long-poll?rate=20');
    if (updates === 'poll') return symbolicDemoUrl('http', '/events?rate=20');
    return symbolicDemoUrl('http', '/');
  }
  return symbolicDemoUrl('ws', mode === 'push' ? '/ws/push?rate=100' : '/ws/echo');
}

/** Steady seconds a run needs before comparing it with another one says more than "inconclusive". */
export const COMPARABLE_STEADY_SECONDS = 10;

/**
 * A warning for a duration too short to compare runs by (the statistics need enough steady
 * seconds after the warm-up); '' when the duration is long enough or not a number yet.
 */
export function shortDurationWarning(durationSec: string, warmupSec: string): string {
  const d = Number(durationSec);
  const w = warmupSec.trim() === '' ? 1 : Number(warmupSec);
  if (!Number.isFinite(d) || d <= 0 || !Number.isFinite(w) || w < 0) return '';
  const steady = Math.max(0, Math.floor(d - w));
  if (steady >= COMPARABLE_STEADY_SECONDS) return '';
  return `Too short to compare: ${steady} steady second${steady === 1 ? '' : 's'} after the warm-up; comparisons need about ${COMPARABLE_STEADY_SECONDS} (a duration of ${Math.ceil(w) + COMPARABLE_STEADY_SECONDS} s or more).`;
}
